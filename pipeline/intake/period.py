"""One period's intake: from the files read to accepted frames, counts and findings.

`take_in` is pure over already-read workbooks: the caller reads the folder
(pipeline.intake.discover, pipeline.intake.readers) and passes the registry of earlier periods.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

from pipeline import model
from pipeline.config import OtherPlan, Plan
from pipeline.findings import ERROR, NOTICE, WARNING, Finding
from pipeline.intake.nominations import (
    DEEDS,
    file_order,
    is_nomination_file,
    merge,
    supersede_months,
)
from pipeline.intake.parse import LocatedSheet, find_sheet, locate, read_cover
from pipeline.intake.rules import (
    REGISTRATION_FIELDS,
    ActivityCheck,
    DeedCheck,
    RegistrationCheck,
    Registry,
    ScoreCheck,
    code_key,
)
from pipeline.intake.validate import (
    Context,
    ParsedRow,
    Parser,
    SheetCheck,
    check_email,
    constraint_cases,
    fmt,
)
from pipeline.periods import Period, parse_period
from pipeline.sources import InputFile, RawBook, UnreadableFile
from pipeline.text import clean, fold, parse_date
from schemas.sheets import COVER, YES, Sheet, council_sheet, sheets_for

COUNCIL_FILE = "hoidongxlsx"
ACCEPTED, REJECTED, SUPERSEDED = "Được tiếp nhận", "Bị từ chối", "Bị thay thế"
CONSTRAINT_BATCH = 250  # accepted files whose constraints pandera checks in one call per sheet
_UNIT_PREFIX = re.compile(r"^([A-Za-z]+)(?:[^A-Za-z]|$)")


@dataclass
class FileOutcome:
    """What became of one input file."""

    file: InputFile
    format: str | None
    unit: str = ""
    ngay_lap: dt.date | None = None
    cover: dict = field(default_factory=dict)
    status: str = REJECTED
    # The data sheets located (sheet key -> LocatedSheet) and the later sheets of the same name
    # ((position, name) each); an accepted file's rows parsed (sheet key -> rows), released
    # once they are taken in.
    sheets: dict[str, LocatedSheet] = field(default_factory=dict)
    rows: dict[str, list[ParsedRow]] = field(default_factory=dict)
    cases: dict[str, list[tuple]] = field(default_factory=dict)  # their constraint failures
    duplicates: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # sheet key -> [read, accepted, rejected, superseded, merged (a nomination repeated)]
    counts: dict[str, list[int]] = field(default_factory=dict)
    nominations: bool = False  # a nomination file (pipeline.intake.nominations)

    @property
    def submitted(self) -> dt.date | None:
        if self.file.submitted:
            return self.file.submitted.date()
        return self.ngay_lap


@dataclass
class PeriodIntake:
    intake: model.Intake
    registry: Registry
    outcomes: list[FileOutcome]
    findings: list[Finding]


def unit_order(plan: Plan):
    """`plan.unit_order` from a table built once: a province has hundreds of units."""
    positions: dict[str, int] = {}
    for i, unit in enumerate(plan.units):
        positions.setdefault(unit.code, i)
    missing = len(plan.units)
    return lambda code: positions.get(code, missing)


def is_council_file(name: str) -> bool:
    return "/" not in name and fold(name) == COUNCIL_FILE


def attribute(plan: Plan, item: InputFile) -> str:
    """The unit of a file whose cover cannot be used: e-mail sender, else a code at the start."""
    if item.sender:
        for unit in plan.units:
            if unit.email and unit.email.lower() == item.sender.lower():
                return unit.code
    base = item.name.rsplit("/", 1)[-1]
    m = _UNIT_PREFIX.match(base)
    if m and plan.unit(m.group(1).upper()):
        return m.group(1).upper()
    return ""


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


# --- files and covers --------------------------------------------------------------------------
def _open(ctx: Context, item: InputFile, book: RawBook | UnreadableFile, check_folder: bool,
          decls: tuple[Sheet, ...], parser: Parser, expected: set[str]) -> FileOutcome:
    """A file's cover checked, its data sheets located and, when accepted, parsed; `expected`
    are the codes of the units reporting in the period."""
    plan = ctx.plan
    if isinstance(book, UnreadableFile):
        outcome = FileOutcome(item, None, unit=attribute(plan, item))
        ctx.unit = outcome.unit
        ctx.add(ERROR, book.code, book.message)
        return outcome
    outcome = FileOutcome(item, book.format)
    _count_rows(book, decls, outcome)
    covers = find_sheet(book, COVER)
    if not covers:
        outcome.unit = ctx.unit = attribute(plan, item)
        names = ", ".join(f"'{s.name}'" for s in book.sheets) or "không có trang nào"
        ctx.add(ERROR, "B01", f"Không tìm thấy trang 'Thông tin' (trang bìa) trong tệp (các trang "
                f"hiện có: {names}). Đề nghị đơn vị dùng đúng mẫu của Sở và gửi lại.")
        return outcome
    pos, sheet = covers[0]
    cover = read_cover(sheet)
    outcome.cover = {k: v for k, (v, _) in cover.items()}
    sheet_name = sheet.name

    def cover_finding(severity: str, code: str, key: str, message: str) -> None:
        cell = cover.get(key, (None, ""))[1]
        text = f"Ô {cell}: {message}" if cell else message[0].upper() + message[1:]
        ctx.add(severity, code, text, sheet_name, cell, int(cell[1:] or 0) if cell else 0,
                sheet_pos=pos)

    raw_unit = clean(cover.get("ma_don_vi", (None, ""))[0])
    unit = plan.unit(raw_unit.upper()) or next(
        (u for u in plan.units if fold(u.code) == fold(raw_unit)), None) if raw_unit else None
    outcome.unit = ctx.unit = unit.code if unit else attribute(plan, item)
    ok = True
    if unit is None:
        codes = ", ".join(u.code for u in plan.units_for(ctx.period))
        what = f"'{raw_unit}' không phải mã đơn vị của kế hoạch" if raw_unit else "thiếu Mã đơn vị"
        cover_finding(ERROR, "B02", "ma_don_vi", f"{what}. Vui lòng ghi một trong các mã: {codes}.")
        ok = False
    elif unit.code not in expected:  # unit codes are unique in a plan
        cover_finding(ERROR, "B03", "ma_don_vi", f"đơn vị {unit.code} ({unit.name}) không thuộc "
                      f"danh sách đơn vị báo cáo {ctx.period.label}; tệp không được tiếp nhận.")
        ok = False
    raw_period = cover.get("ky_bao_cao", (None, ""))[0]
    found = parse_period(clean(raw_period)) if raw_period is not None else None
    if found is None:
        what = f"'{clean(raw_period)}' không đọc được" if raw_period else "thiếu Kỳ báo cáo"
        cover_finding(ERROR, "B04", "ky_bao_cao", f"{what}. Vui lòng ghi kỳ báo cáo dạng "
                      f"{ctx.period} hoặc {ctx.period.label_short}.")
        ok = False
    elif check_folder and found != ctx.period:
        cover_finding(ERROR, "B05", "ky_bao_cao", f"kỳ báo cáo ghi là {found.label}, nhưng tệp "
                      f"được nộp cho {ctx.period.label}. Vui lòng sửa Kỳ báo cáo thành "
                      f"{ctx.period.label_short} hoặc gửi đúng tệp của kỳ này.")
        ok = False
    raw_date = cover.get("ngay_lap", (None, ""))[0]
    outcome.ngay_lap = parse_date(raw_date) if raw_date is not None else None
    if outcome.ngay_lap is None:
        what = f"'{clean(raw_date)}' không phải ngày hợp lệ" if raw_date else "thiếu Ngày lập"
        cover_finding(ERROR, "B06", "ngay_lap", f"{what}. Vui lòng ghi Ngày lập dạng dd/mm/yyyy.")
        ok = False
    elif outcome.ngay_lap > ctx.run_date:
        cover_finding(WARNING, "B07", "ngay_lap", f"ngày lập {outcome.ngay_lap:%d/%m/%Y} sau ngày "
                      f"tổng hợp {ctx.run_date:%d/%m/%Y}. Vui lòng kiểm tra lại.")
    if not clean(cover.get("nguoi_lap", (None, ""))[0]):
        cover_finding(WARNING, "B08", "nguoi_lap", "thiếu Người lập. Vui lòng ghi họ tên người "
                      "lập biểu để Văn phòng liên hệ khi cần.")
    email = clean(cover.get("email", (None, ""))[0])
    if email and not check_email(email):
        cover_finding(WARNING, "B09", "email", f"'{email}' không phải địa chỉ thư điện tử hợp lệ "
                      "(ví dụ: tenphong.sxd@phutho.gov.vn).")
    version = clean(cover.get("phien_ban_mau", (None, ""))[0])
    movements = _movement_codes(outcome)
    other = other_plan_of(plan, version, movements)
    if other is not None:
        foreign = ", ".join(sorted({m for m in movements if plan.movement(m) is None}))
        what = (f"phiên bản mẫu '{version}' là mẫu của {other.name}"
                if version == other.template_version
                else f"mã phong trào trong tệp ({foreign}) là mã của {other.name}")
        cover_finding(WARNING, "B11", "phien_ban_mau", f"tệp được lập từ mẫu của kế hoạch khác: "
                      f"{what}. {ctx.period.label[:1].upper()}{ctx.period.label[1:]} thuộc "
                      f"{plan.plan.name}: đề nghị đơn vị dùng mẫu phiên bản "
                      f"'{plan.plan.template_version}' (mẫu {ctx.period} Văn phòng Sở gửi), "
                      "chép số liệu sang mẫu đó và gửi lại.")
    elif version and version != plan.plan.template_version:
        cover_finding(WARNING, "B10", "phien_ban_mau", f"phiên bản mẫu '{version}' khác phiên bản "
                      f"hiện hành '{plan.plan.template_version}'. Đề nghị đơn vị dùng mẫu mới ở "
                      "kỳ sau.")
    if unit and item.sender and unit.email and item.sender.lower() != unit.email.lower():
        ctx.add(WARNING, "F09", f"Thư gửi từ địa chỉ {item.sender}, không phải địa chỉ đã đăng ký "
                f"của {unit.name} ({unit.email}); đề nghị đơn vị xác nhận tệp này do đơn vị gửi.")
    outcome.status = ACCEPTED if ok else REJECTED
    outcome.nominations = is_nomination_file(outcome.counts)
    for key, located in outcome.sheets.items():
        if ok:  # parsed now, so that only typed values are held until the winners are known
            outcome.rows[key] = parser.rows(located)
        located.rows = []
    return outcome


def other_plan_of(plan: Plan, version: str, movements: list[str]) -> OtherPlan | None:
    """The other plan (of the plans beside this one) whose template a unit file was made from:
    by its template version, else by movement codes of that plan and not of this one."""
    if version and version != plan.plan.template_version:
        for other in plan.other_plans:
            if version == other.template_version:
                return other
    if version == plan.plan.template_version:
        return None
    foreign = {m for m in movements if plan.movement(m) is None}
    if not foreign:
        return None
    for other in plan.other_plans:
        if foreign <= set(other.movements):
            return other
    return None


def _movement_codes(outcome: FileOutcome) -> list[str]:
    """The movement codes written in the file's Đăng ký sheet, upper-cased and trimmed."""
    located = outcome.sheets.get("dang_ky")
    if located is None or "phong_trao" not in located.columns:
        return []
    index = located.columns["phong_trao"]
    return [clean(r.cells[index]).upper() for r in located.rows
            if index < len(r.cells) and clean(r.cells[index])]


def _count_rows(book: RawBook, decls: tuple[Sheet, ...], outcome: FileOutcome) -> None:
    """Locate every data sheet once and count the rows read."""
    for decl in decls:
        matches = find_sheet(book, decl)
        if matches:
            pos, sheet = matches[0]
            located = locate(sheet, pos, decl)
            outcome.sheets[decl.key] = located
            outcome.duplicates[decl.key] = [(p, dup.name) for p, dup in matches[1:]]
            outcome.counts[decl.key] = [len(located.rows), 0, 0, 0, 0]


def _choose_winners(plan: Plan, outcomes: list[FileOutcome], findings: list[Finding]):
    """Per unit, the accepted file with the latest Ngày lập, then submission, then name;
    nomination files do not compete (`_choose_nominations`)."""
    by_unit: dict[str, list[FileOutcome]] = {}
    for o in outcomes:
        if o.status == ACCEPTED and o.nominations:
            continue
        if o.status == ACCEPTED:
            by_unit.setdefault(o.unit, []).append(o)
        else:
            for counts in o.counts.values():
                counts[2] = counts[0]
    winners = []
    for unit, group in by_unit.items():
        group.sort(key=file_order)
        winner = group[-1]
        winners.append(winner)
        for loser in group[:-1]:
            loser.status = SUPERSEDED
            rows = 0
            for counts in loser.counts.values():
                counts[3] = counts[0]
                rows += counts[0]
            findings.append(Finding(WARNING, unit, loser.file.name, "", "", "F07",
                                    f"Tệp được thay thế bởi tệp '{winner.file.name}' (Ngày lập "
                                    f"{winner.ngay_lap:%d/%m/%Y}) của cùng đơn vị; {rows} dòng "
                                    "dữ liệu của tệp này không được dùng."))
    return winners


def _choose_nominations(plan: Plan, period: Period, outcomes: list[FileOutcome],
                        findings: list[Finding]) -> list[FileOutcome]:
    """The accepted nomination files still used, once later files of the same unit have
    superseded earlier ones for the months they name."""
    decl = next(d for d in sheets_for(plan) if d.key == DEEDS)
    by_unit: dict[str, list[FileOutcome]] = {}
    for o in outcomes:
        if o.status == ACCEPTED and o.nominations:
            by_unit.setdefault(o.unit, []).append(o)
    for unit, files in by_unit.items():
        findings += supersede_months(unit, files, decl, period, SUPERSEDED)
    return [o for files in by_unit.values() for o in files if o.status == ACCEPTED]


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


# --- frames ------------------------------------------------------------------------------
def _frame(rows: list[dict], columns: list[str], plan: Plan) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    if frame.empty:
        return frame
    order = frame["ma_don_vi"].map(unit_order(plan))
    return frame.assign(_o=order).sort_values(["_o"], kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


def _registration_frame(plan: Plan, registry: Registry, period: Period) -> pd.DataFrame:
    ky, order = str(period), unit_order(plan)
    kept = [ex for ex in registry.items.values() if not ex.withdrawn or ex.changed_in == ky]
    kept.sort(key=lambda ex: (order(ex.unit), ex.code))
    columns = {"ma_don_vi": [ex.unit for ex in kept], "ma_dien_hinh": [ex.code for ex in kept],
               "ngay_dang_ky": [ex.first_date for ex in kept],
               "trang_thai": [ex.status for ex in kept], "nguon": [ex.source for ex in kept],
               "ky_dang_ky": [ex.first_period for ex in kept]}
    for i, name in enumerate(REGISTRATION_FIELDS):
        columns[name] = [ex.fields[i] for ex in kept]
    return pd.DataFrame(columns, columns=model.DANG_KY + model.REGISTRATION_EXTRA, dtype=object)


def _submissions(plan: Plan, period: Period, outcomes: list[FileOutcome],
                 findings: list[Finding]) -> pd.DataFrame:
    deadline = plan.deadline(period)
    rows = []
    by_unit: dict[str, list[FileOutcome]] = {}
    for o in outcomes:
        if not o.nominations:  # nomination files are not the quarter's report
            by_unit.setdefault(o.unit, []).append(o)
    counts = Counter((f.unit, f.severity) for f in findings)
    for unit in plan.units_for(period):
        mine = by_unit.get(unit.code, [])
        winner = next((o for o in mine if o.status == ACCEPTED), None)
        errors, warnings = counts[unit.code, ERROR], counts[unit.code, WARNING]
        row = {"ma_don_vi": unit.code, "ten_don_vi": unit.name, "han_nop": deadline,
               "so_loi": errors, "so_canh_bao": warnings, "tep": "", "ngay_lap": None,
               "ngay_nop": None, "nguoi_gui": ""}
        if winner:
            row.update(trang_thai=model.ON_TIME if winner.submitted <= deadline else model.LATE,
                       tep=winner.file.name, ngay_lap=winner.ngay_lap, ngay_nop=winner.submitted,
                       nguoi_gui=winner.file.sender or "")
        elif mine:
            row.update(trang_thai=model.REJECTED, tep="; ".join(o.file.name for o in mine))
        else:
            row.update(trang_thai=model.MISSING)
        rows.append(row)
    return pd.DataFrame(rows, columns=model.NOP_BAO_CAO + model.SUBMISSION_EXTRA, dtype=object)


def _difficulties(plan: Plan, winners: list[FileOutcome]) -> pd.DataFrame:
    rows = []
    order = unit_order(plan)
    for o in sorted(winners, key=lambda o: order(o.unit)):
        hard, ask = clean(o.cover.get("kho_khan")), clean(o.cover.get("de_xuat"))
        if hard or ask:
            rows.append({"ma_don_vi": o.unit, "ten_don_vi": plan.unit(o.unit).name,
                         "kho_khan": hard, "de_xuat": ask})
    return pd.DataFrame(rows, columns=model.DIFFICULTIES, dtype=object)


def findings_frame(plan: Plan, findings: list[Finding]) -> pd.DataFrame:
    """loi.csv: units in plan order (unattributed last), then file, sheet, row, column."""
    order = unit_order(plan)

    def key(f: Finding):
        position = order(f.unit) if f.unit else len(plan.units) + 1
        return (position, f.file, f.sheet_pos, f.sheet, f.row, f.col, f.code, f.message)

    rows = [{**f.as_row(), "row": f.row} for f in sorted(findings, key=key)]
    return pd.DataFrame(rows, columns=[*model.LOI, "row"], dtype=object)


def cover_period(book: RawBook | UnreadableFile) -> Period | None:
    """The period a workbook's cover names, for `check FILE`."""
    if isinstance(book, UnreadableFile):
        return None
    covers = find_sheet(book, COVER)
    if not covers:
        return None
    value = read_cover(covers[0][1]).get("ky_bao_cao", (None, ""))[0]
    return parse_period(clean(value)) if value is not None else None
