"""One period's intake: from the files read to accepted frames, counts and findings.

`take_in` is pure over already-read workbooks: the caller reads the folder
(pipeline.intake.discover, pipeline.intake.readers) and passes the registry of earlier periods.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pipeline import model
from pipeline.config import Plan
from pipeline.findings import ERROR, NOTICE, WARNING, Finding
from pipeline.intake.covers import (
    _choose_nominations,
    _choose_winners,
    _open,
    is_council_file,
)
from pipeline.intake.frames import (
    _difficulties,
    _frame,
    _registration_frame,
    _submissions,
    findings_frame,
    unit_order,
)
from pipeline.intake.nominations import (
    DEEDS,
    file_order,
    merge,
)
from pipeline.intake.outcome import (
    ACCEPTED,
    REJECTED,
    FileOutcome,
    PeriodIntake,
)
from pipeline.intake.parse import LocatedSheet, find_sheet, locate
from pipeline.intake.rules import (
    ActivityCheck,
    DeedCheck,
    RegistrationCheck,
    Registry,
    ScoreCheck,
    code_key,
)
from pipeline.intake.validate import (
    Context,
    Parser,
    SheetCheck,
    constraint_cases,
    fmt,
)
from pipeline.periods import Period
from pipeline.sources import InputFile, RawBook, UnreadableFile
from schemas.sheets import YES, Sheet, council_sheet, sheets_for

CONSTRAINT_BATCH = 250  # accepted files whose constraints pandera checks in one call per sheet


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration.

    A period's intake allocates a province's rows, which stay alive until they are merged into
    frames and form no reference cycles; the collector would walk them again and again as they
    grow (a quarter of the intake's time at 250 files) to find next to nothing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def take_in(plan: Plan, period: Period, run_date: dt.date,
            books: list[tuple[InputFile, RawBook | UnreadableFile]], registry: Registry,
            extra_findings: list[Finding] = (), check_folder: bool = True) -> PeriodIntake:
    """Validate and merge one period's files against the registrations of earlier periods."""
    constraints = ConstraintBatch(plan)
    opened = open_period(plan, period, run_date, books, constraints, extra_findings, check_folder)
    constraints.check()
    return finish_period(opened, registry)


class ConstraintBatch:
    """Accepted files waiting for their constraint checks (stage 2): pandera's cost is per
    call, so the files of one period, or of several small ones, are checked together."""

    def __init__(self, plan: Plan):
        self.decls = sheets_for(plan)
        self.waiting: list[FileOutcome] = []
        self.checked = 0  # files checked so far

    def add(self, outcome: FileOutcome) -> None:
        """Queue a file; a full batch is checked at once (while the reader pool reads on)."""
        self.waiting.append(outcome)
        if len(self.waiting) >= CONSTRAINT_BATCH:
            self.check()

    def check(self) -> None:
        """Check every queued file now."""
        if self.waiting:
            with _collector_paused():
                _check_constraints(self.waiting, self.decls)
            self.checked += len(self.waiting)
            self.waiting = []


@dataclass
class OpenedPeriod:
    """A period's files opened and parsed (stage 1), not yet merged with the registrations."""

    plan: Plan
    period: Period
    run_date: dt.date
    outcomes: list[FileOutcome]
    council: list[tuple[InputFile, RawBook | UnreadableFile]]
    findings: list[Finding]


def open_period(plan: Plan, period: Period, run_date: dt.date,
                books: list[tuple[InputFile, RawBook | UnreadableFile]],
                constraints: ConstraintBatch, extra_findings: list[Finding] = (),
                check_folder: bool = True) -> OpenedPeriod:
    """Stage 1 for a period's files; accepted files join `constraints`, which must be checked
    before `finish_period`."""
    with _collector_paused():
        findings: list[Finding] = list(extra_findings)
        outcomes: list[FileOutcome] = []
        council: list[tuple[InputFile, RawBook | UnreadableFile]] = []
        parser = Parser()  # shared by the period's files: equal values are parsed once
        expected = {u.code for u in plan.units_for(period)}
        for item, book in books:
            if is_council_file(item.name):
                council.append((item, book))
                continue
            ctx = Context(plan, period, run_date, item.name)
            outcome = _open(ctx, item, book, check_folder, constraints.decls, parser, expected)
            outcomes.append(outcome)
            findings += ctx.findings
            if outcome.status == ACCEPTED:
                constraints.add(outcome)
        return OpenedPeriod(plan, period, run_date, outcomes, council, findings)


def finish_period(opened: OpenedPeriod, registry: Registry) -> PeriodIntake:
    """The rest of a period's intake: winners chosen, rows validated against the registrations
    of earlier periods (`registry`, not modified), frames built."""
    with _collector_paused():
        return _finish_period(opened, registry)


def _finish_period(opened: OpenedPeriod, registry: Registry) -> PeriodIntake:
    plan, period, run_date = opened.plan, opened.period, opened.run_date
    outcomes, council, findings = opened.outcomes, opened.council, opened.findings
    decls = sheets_for(plan)
    winners = _choose_winners(plan, outcomes, findings)
    nominated = _choose_nominations(plan, period, outcomes, findings)
    for o in outcomes:
        if o.status != ACCEPTED:
            o.sheets, o.rows, o.cases = {}, {}, {}  # only their counts are reported
    registry = registry.copy()
    frames = _Collected()
    order = unit_order(plan)
    # a unit's workbook first (its registrations), then its nomination files, oldest first
    for outcome in sorted(winners + nominated,
                          key=lambda o: (order(o.unit), o.nominations, file_order(o))):
        ctx = Context(plan, period, run_date, outcome.file.name, outcome.unit)
        _validate_winner(ctx, outcome, registry, frames, decls, _checks(ctx, outcome, decls))
        findings += ctx.findings
        outcome.sheets, outcome.rows, outcome.cases = {}, {}, {}  # in the frames: rows can go
    deeds = merge(frames.deeds).rows
    for item, book in council:
        ctx = Context(plan, period, run_date, item.name)
        rows, read = _council(ctx, book, frames)
        frames.council += rows
        findings += ctx.findings
        outcome = FileOutcome(item, getattr(book, "format", None),
                              status=ACCEPTED if isinstance(book, RawBook) else REJECTED)
        outcome.counts["dieu_chinh"] = [read, len(rows), read - len(rows), 0, 0]
        outcomes.append(outcome)

    intake = model.Intake(
        period=period,
        registrations=_registration_frame(plan, registry, period),
        assessments=_frame(frames.assessments, model.ASSESSMENT_BASE + [
            c.code for c in plan.all_criteria] + ["row"], plan),
        council=_frame(frames.council, model.COUNCIL, plan),
        good_deeds=_frame(deeds, model.NGUOI_TOT + model.GOOD_DEED_EXTRA, plan),
        activities=_frame(frames.activities, model.HOAT_DONG + model.ACTIVITY_EXTRA, plan),
        submissions=_submissions(plan, period, outcomes, findings),
        difficulties=_difficulties(plan, winners),
        findings=findings_frame(plan, findings),
    )
    return PeriodIntake(intake, registry, outcomes, findings)


# --- sheets of a winning file -------------------------------------------------------------------
@dataclass
class _Collected:
    assessments: list[tuple] = field(default_factory=list)  # see _assessment
    deeds: list[tuple[FileOutcome, dict]] = field(default_factory=list)  # merged afterwards
    activities: list[dict] = field(default_factory=list)
    council: list[dict] = field(default_factory=list)


def _source(outcome: FileOutcome, located: LocatedSheet):
    return lambda rec: f"{outcome.file.name}!{located.raw_name}!{rec.row}"


_CHECKS = {"dang_ky": RegistrationCheck, "cham_diem": ScoreCheck, "nguoi_tot": DeedCheck,
           "hoat_dong": ActivityCheck}


def _check_constraints(outcomes: list[FileOutcome], decls: tuple[Sheet, ...]) -> None:
    """Stage 2 for the parsed sheets of accepted files: `FileOutcome.cases`."""
    for decl in decls:
        mine = [o for o in outcomes if decl.key in o.rows]
        cases = constraint_cases(decl, [o.rows[decl.key] for o in mine])
        for outcome, own in zip(mine, cases, strict=True):
            outcome.cases[decl.key] = own


def _checks(ctx: Context, outcome: FileOutcome, decls: tuple[Sheet, ...]) -> dict[str, SheetCheck]:
    """The validation of each data sheet of a winning file whose header was found."""
    return {d.key: _CHECKS[d.key](ctx, outcome.sheets[d.key], outcome.rows[d.key],
                                  outcome.cases[d.key])
            for d in decls
            if d.key in outcome.sheets and outcome.sheets[d.key].header_row is not None}


def _validate_winner(ctx: Context, outcome: FileOutcome, registry: Registry,
                     frames: _Collected, decls: tuple[Sheet, ...],
                     checks: dict[str, SheetCheck]) -> None:
    plan, period = ctx.plan, ctx.period
    ky, criteria = str(period), [c.code for c in plan.all_criteria]
    scored: set[str] = set()  # exemplar codes with a score row, accepted or not
    for decl in decls:
        if outcome.nominations and decl.key != DEEDS:
            continue  # a nomination file carries the good deeds only
        if decl.key not in outcome.sheets:
            ctx.add(NOTICE, "S01", f"Không có trang '{decl.name}'; coi như đơn vị không có nội "
                    "dung này trong kỳ.")
            continue
        located = outcome.sheets[decl.key]
        for pos, name in outcome.duplicates[decl.key]:
            ctx.add(WARNING, "S05", f"Trang '{name}' trùng tên với trang "
                    f"'{located.raw_name}'; chỉ dùng trang đầu tiên.", name, sheet_pos=pos)
        if located.header_row is None:
            missing = ", ".join(f"'{c.header}'" for c in located.missing)
            ctx.add(ERROR, "S02", f"Không tìm thấy dòng tiêu đề trong 15 dòng đầu (thiếu cột "
                    f"{missing}). Vui lòng giữ nguyên dòng tiêu đề của mẫu.", located.raw_name,
                    sheet_pos=located.position)
            continue
        checker = checks[decl.key]
        checker.notices()
        records = checker.parse()
        source = _source(outcome, located)
        if decl.key == "dang_ky":
            checker.apply(records, registry, outcome.ngay_lap, period, source)
        elif decl.key == "cham_diem":
            for rec, ex in checker.apply(records, registry):
                own = checker.own_criteria(ex.fields.phong_trao)
                frames.assessments.append(_assessment(criteria, ky, outcome, rec, ex, own,
                                                      source(rec)))
            scored = checker.scored
        else:
            checker.apply(records, period)
            for rec in records:
                if rec.errors:
                    continue
                if decl.key == DEEDS:
                    frames.deeds.append((outcome, {
                        "ma_don_vi": outcome.unit, **_deed(rec), "nguon": source(rec),
                        "ngay_nhan": outcome.submitted}))
                else:
                    frames.activities.append({"ma_don_vi": outcome.unit, **_activity(rec),
                                              "nguon": source(rec)})
        counts = outcome.counts[decl.key]
        counts[2] = sum(1 for r in records if r.errors)
        counts[1] = counts[0] - counts[2] - counts[3]
    if outcome.nominations:
        return
    sheet = outcome.sheets.get("cham_diem")
    for ex in registry.active(outcome.unit):
        if code_key(ex.code) not in scored:
            ctx.add(WARNING, "R04", f"Điển hình '{ex.code}' ({ex.fields.ten}) đang theo dõi "
                    f"nhưng chưa được chấm điểm {period.label}. Vui lòng bổ sung một dòng ở trang "
                    "'Chấm điểm'.", sheet.raw_name if sheet else "Chấm điểm",
                    sheet_pos=sheet.position if sheet else -1)


# An assessment row is a tuple in the frame's column order: model.ASSESSMENT_BASE, every
# criterion's code, "row" (a province's rows are many; a dict per row would be four times larger).
_BASE = {name: i for i, name in enumerate(model.ASSESSMENT_BASE)}


def _assessment(criteria: list[str], ky: str, outcome: FileOutcome, rec, ex,
                own: frozenset[str], source: str) -> tuple:
    """An accepted score row: `criteria` are every criterion's code, `own` its movement's."""
    v = rec.values
    return (
        # model.ASSESSMENT_BASE
        outcome.unit, ex.code, ex.fields.ten, ex.fields.loai, ex.fields.phong_trao,
        ex.first_date, ky, v["so_sang_kien"] or 0, v["xep_loai_cb"], v["ky_luat"] == YES,
        None if v["antt"] is None else v["antt"] == YES, v["thanh_tich"], v["minh_chung"],
        source,
        *[v.get(code) if code in own else None for code in criteria],
        rec.row,
    )


def _deed(rec) -> dict:
    v = rec.values
    return {"ho_ten": v["ho_ten"], "thang": v["thang"], "noi_dung": v["noi_dung"],
            "de_nghi_tuyen_truyen": v["tuyen_truyen"] or YES, "nam_sinh": v["nam_sinh"],
            "gioi_tinh": v["gioi_tinh"], "chuc_vu": v["chuc_vu"], "ket_qua": v["ket_qua"],
            "hinh_thuc_khen": v["hinh_thuc_khen"]}


def _activity(rec) -> dict:
    v = rec.values
    return {"ngay": v["ngay"], "hinh_thuc": v["hinh_thuc"], "noi_dung": v["noi_dung"],
            "so_nguoi": v["so_nguoi"], "ghi_chu": v["ghi_chu"]}


# --- the council's adjustments --------------------------------------------------------------------
def _council(ctx: Context, book: RawBook | UnreadableFile,
             frames: _Collected) -> tuple[list[dict], int]:
    """The accepted adjustments and the number of rows read."""
    if isinstance(book, UnreadableFile):
        ctx.add(ERROR, book.code, book.message)
        return [], 0
    decl = council_sheet(ctx.plan)
    matches = find_sheet(book, decl)
    if not matches:
        ctx.add(ERROR, "S01", "Tệp của Hội đồng không có trang 'Điều chỉnh'; không áp dụng điều "
                "chỉnh nào.")
        return [], 0
    pos, sheet = matches[0]
    located = locate(sheet, pos, decl)
    if located.header_row is None:
        missing = ", ".join(f"'{c.header}'" for c in located.missing)
        ctx.add(ERROR, "S02", f"Không tìm thấy dòng tiêu đề (thiếu cột {missing}).", sheet.name,
                sheet_pos=pos)
        return [], len(located.rows)
    checker = SheetCheck(ctx, located)
    checker.notices()
    records = checker.parse()
    unit, code, movement = _BASE["ma_don_vi"], _BASE["ma_dien_hinh"], _BASE["phong_trao"]
    assessed = {(a[unit], code_key(a[code])): a for a in frames.assessments}
    out, seen = [], set()
    for rec in records:
        v = rec.values
        if rec.errors:
            continue
        target = assessed.get((v["ma_don_vi"], code_key(v["ma_dien_hinh"])))
        crit = ctx.plan.criterion(v["tieu_chi"])
        if target is None:
            checker.add(ERROR, "H01", f"điển hình '{v['ma_dien_hinh']}' của đơn vị "
                        f"{v['ma_don_vi']} không có điểm được tiếp nhận trong "
                        f"{ctx.period.label}; điều chỉnh không được áp dụng.", rec, "ma_dien_hinh")
        elif crit.code not in {c.code for c in ctx.plan.criteria_of(target[movement])}:
            checker.add(ERROR, "H02", f"tiêu chí {crit.code} không thuộc phong trào "
                        f"{target[movement]} của điển hình '{target[code]}'.", rec,
                        "tieu_chi")
        elif v["diem"] > crit.max:
            checker.add(ERROR, "H03", f"điểm {crit.code} của Hội đồng là {fmt(v['diem'])}, vượt "
                        f"mức tối đa {fmt(crit.max)} của tiêu chí '{crit.text}'.", rec, "diem")
        elif (v["ma_don_vi"], code_key(v["ma_dien_hinh"]), crit.code) in seen:
            checker.add(ERROR, "H03", f"tiêu chí {crit.code} của điển hình "
                        f"'{target[code]}' đã được điều chỉnh ở dòng trên.", rec,
                        "tieu_chi")
        if rec.errors:
            continue
        seen.add((v["ma_don_vi"], code_key(v["ma_dien_hinh"]), crit.code))
        out.append({"ma_don_vi": v["ma_don_vi"], "ma_dien_hinh": target[code],
                    "tieu_chi": crit.code, "diem": v["diem"], "ly_do": v["ly_do"],
                    "nguon": f"{ctx.file}!{located.raw_name}!{rec.row}"})
    return out, len(records)
