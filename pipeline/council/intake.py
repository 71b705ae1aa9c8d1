"""The members' returned ballots, read like the units' files: every row accepted or rejected.

In: the plan, the year, the meeting and run dates, the proposals put to the vote
(`members.proposals`) and the ballot files already read by the hardened reader (pairs of
`InputFile` and `RawBook` or `UnreadableFile`, as `pipeline.run.read_period` gives them). Out:
a `BallotIntake`: each member's winning ballot (its votes by exemplar), every row read with
its fate and reason, the findings (Vietnamese, naming file, sheet and cell) and a manifest
entry per file. Pure: no file system here.

What is checked: the cover (a member of the plan, valid on the meeting date, the year, the
ballot ID of the current list, the date); each row (a proposal of the list, not edited into
another exemplar — its name and proposal must be those of the list —, at most once per
ballot, an `Ý kiến` of the list: NFD text and any case are read); a member's several ballots
(the latest `Ngày bỏ phiếu` wins, then the e-mail's date, then the file name; the others are
superseded, as a unit's files are).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pipeline.config import CouncilMember, Plan
from pipeline.council import forms
from pipeline.council.members import ballot_id, keys_of, recused
from pipeline.findings import ERROR, WARNING, Finding
from pipeline.intake.parse import find_sheet, locate
from pipeline.intake.validate import Context, Record, SheetCheck
from pipeline.periods import Period
from pipeline.scoring.score import exemplar_key, text_of
from pipeline.sources import InputFile, RawBook, RawSheet, UnreadableFile
from pipeline.text import (
    clean,
    excel_col,
    fold,
    is_blank,
    name_key,
    parse_date,
    parse_int,
    vn_date,
)

ACCEPTED, REJECTED, SUPERSEDED = "Được tiếp nhận", "Bị từ chối", "Bị thay thế"
Key = tuple[str, str]


@dataclass
class BallotRow:
    """One row read from a ballot, and what became of it."""

    file: str
    sheet: str
    row: int
    member: str
    ma_don_vi: str
    ma_dien_hinh: str
    y_kien: str  # as read (NFC), '' when blank
    fate: str = ACCEPTED
    reason: str = ""


@dataclass
class Ballot:
    """One ballot file: its member, date and the votes of its accepted rows."""

    file: InputFile
    member: str = ""
    day: dt.date | None = None
    status: str = REJECTED
    reason: str = ""
    votes: dict[Key, str | None] = field(default_factory=dict)  # None: abstained
    rows: list[BallotRow] = field(default_factory=list)

    def order(self) -> tuple:
        return (self.day or dt.date.min, self.file.submitted or dt.datetime.min, self.file.name)


@dataclass
class BallotIntake:
    winners: dict[str, Ballot]  # member code -> the ballot counted
    ballots: list[Ballot]  # every file, by name
    findings: list[Finding]

    @property
    def rows(self) -> list[BallotRow]:
        return [r for b in self.ballots for r in b.rows]


def take_ballots(plan: Plan, year: int, meeting: dt.date, run_date: dt.date,
                 listed: pd.DataFrame,
                 books: list[tuple[InputFile, RawBook | UnreadableFile]]) -> BallotIntake:
    findings: list[Finding] = []
    ballots = [_read(plan, year, meeting, run_date, listed, item, book, findings)
               for item, book in sorted(books, key=lambda pair: pair[0].name)]
    winners = _choose(ballots, findings)
    names = {k: (text_of(t), text_of(d)) for k, t, d in zip(keys_of(listed), listed["ten"],
                                                             listed["de_xuat"], strict=True)}
    for member, ballot in sorted(winners.items()):
        for key, (name, _) in names.items():
            if key not in ballot.votes and not _recused_key(plan, member, key):
                findings.append(Finding(
                    WARNING, "", ballot.file.name, forms.BALLOT_NAME, "", "P10",
                    f"Phiếu của thành viên {member} không có ý kiến hợp lệ về điển hình "
                    f"'{name}' (mã {key[1].upper()}, đơn vị {key[0]}); được tính là không bỏ "
                    "phiếu."))
    return BallotIntake(winners, ballots, findings)


def _recused_key(plan: Plan, member: str, key: Key) -> bool:
    found = next((m for m in plan.council.members if m.code == member), None)
    return found is not None and recused(plan, found, key[0])


def _choose(ballots: list[Ballot], findings: list[Finding]) -> dict[str, Ballot]:
    """Per member, the accepted ballot with the latest date, e-mail date, then file name."""
    by_member: dict[str, list[Ballot]] = {}
    for b in ballots:
        if b.status == ACCEPTED:
            by_member.setdefault(b.member, []).append(b)
    winners = {}
    for member, group in by_member.items():
        group.sort(key=Ballot.order)
        winner = winners[member] = group[-1]
        for loser in group[:-1]:
            loser.status = SUPERSEDED
            loser.reason = f"thay thế bởi phiếu '{winner.file.name}'"
            for row in loser.rows:
                row.fate, row.reason = SUPERSEDED, f"Phiếu được thay thế bởi '{winner.file.name}'."
            when = f" (ngày bỏ phiếu {vn_date(winner.day)})" if winner.day else ""
            findings.append(Finding(
                WARNING, "", loser.file.name, "", "", "P05",
                f"Phiếu được thay thế bởi phiếu '{winner.file.name}'{when} của cùng thành viên "
                f"{member}; {len(loser.rows)} dòng của phiếu này không được dùng."))
    return winners


def _cover(sheet: RawSheet) -> dict[str, tuple[object, str]]:
    """The cover's items: key -> (value, cell); the value is the first cell right of the label."""
    labels = {fold(item.label): item.key for item in forms.COVER_ITEMS}
    out: dict[str, tuple[object, str]] = {}
    for r, cells in enumerate(sheet.rows[:40]):
        for c, value in enumerate(cells):
            key = labels.get(fold(value))
            if key is None or key in out:
                continue
            out[key] = next(((v, f"{excel_col(i)}{r + 1}") for i, v in enumerate(cells[c + 1:],
                                                                               c + 1)
                             if v is not None and clean(v)),
                            (None, f"{excel_col(c + 1)}{r + 1}"))
            break
    return out


def _read(plan: Plan, year: int, meeting: dt.date, run_date: dt.date, listed: pd.DataFrame,
          item: InputFile, book: RawBook | UnreadableFile, findings: list[Finding]) -> Ballot:
    """One file: its cover checked, then its rows; findings appended to `findings`."""
    ballot = Ballot(item)
    ctx = Context(plan, Period(year, 4), run_date, item.name, findings=findings)
    if isinstance(book, UnreadableFile):
        ctx.add(ERROR, book.code, book.message)
        ballot.reason = book.message
        return ballot
    covers = find_sheet(book, forms.BALLOT_COVER)
    if not covers:
        names = ", ".join(f"'{s.name}'" for s in book.sheets) or "không có trang nào"
        ballot.reason = f"không có trang '{forms.COVER_NAME}'"
        ctx.add(ERROR, "P14", f"Không tìm thấy trang '{forms.COVER_NAME}' của phiếu bầu (các "
                f"trang hiện có: {names}); phiếu không được tính.")
        return ballot
    pos, sheet = covers[0]
    cover = _cover(sheet)

    def problem(severity: str, code: str, key: str, message: str) -> None:
        cell = cover.get(key, (None, ""))[1]
        text = f"Ô {cell}: {message}" if cell else message[0].upper() + message[1:]
        row = int("".join(ch for ch in cell if ch.isdigit()) or 0)
        ctx.add(severity, code, text, sheet.name, cell, row, sheet_pos=pos)
        if severity == ERROR and not ballot.reason:
            ballot.reason = message

    member = _member(plan, cover, meeting, problem)
    raw_year = cover.get("nam", (None, ""))[0]
    if parse_int(raw_year) != year:
        what = f"phiếu ghi năm '{clean(raw_year)}'" if clean(raw_year) else "phiếu không ghi Năm"
        problem(ERROR, "P03", "nam", f"{what}, không phải phiếu bầu năm {year}; phiếu không "
                "được tính.")
    if member is not None:
        ballot.member = member.code
        expected = ballot_id(year, member.code, listed)
        given = clean(cover.get("ma_phieu", (None, ""))[0])
        if given != expected:
            problem(WARNING, "P04", "ma_phieu", f"mã phiếu '{given}' khác mã '{expected}' của "
                    "danh sách đề xuất hiện hành (danh sách có thể đã thay đổi sau khi phát "
                    "phiếu); các dòng được đối chiếu với danh sách hiện hành.")
        name = clean(cover.get("ho_ten", (None, ""))[0])
        if name and name_key(name) != name_key(member.name):
            problem(WARNING, "P13", "ho_ten", f"họ tên '{name}' khác họ tên của thành viên "
                    f"{member.code} trong danh sách Hội đồng ({member.name}).")
    raw_day = cover.get("ngay", (None, ""))[0]
    if raw_day is not None and clean(raw_day):
        ballot.day = parse_date(raw_day)
        if ballot.day is None:
            problem(WARNING, "P12", "ngay", f"'{clean(raw_day)}' không phải ngày hợp lệ ở mục "
                    "Ngày bỏ phiếu (dd/mm/yyyy); nếu thành viên gửi nhiều phiếu, phiếu này được "
                    "xếp như phiếu không ghi ngày.")
    _rows(plan, ctx, book, member, listed, ballot)
    if ballot.reason:  # a cover or sheet error: the whole ballot is refused
        for row in ballot.rows:
            if row.fate == ACCEPTED:
                row.fate, row.reason = REJECTED, f"Phiếu không được tính: {ballot.reason}"
        ballot.votes = {}
        return ballot
    ballot.status = ACCEPTED
    return ballot


def _member(plan: Plan, cover: dict, meeting: dt.date, problem) -> CouncilMember | None:
    raw = clean(cover.get("ma_thanh_vien", (None, ""))[0])
    member = next((m for m in plan.council.members if fold(m.code) == fold(raw)), None)
    if member is None:
        codes = ", ".join(m.code for m in plan.council.members_on(meeting))
        what = f"'{raw}' không phải mã thành viên Hội đồng" if raw else "thiếu Mã thành viên"
        problem(ERROR, "P01", "ma_thanh_vien", f"{what} (các mã: {codes}); phiếu không được "
                "tính.")
        return None
    if not member.valid_on(meeting):
        term = (f"hết nhiệm kỳ từ sau ngày {vn_date(member.valid_to)}"
                if member.valid_to and member.valid_to < meeting
                else f"chỉ là thành viên từ ngày {vn_date(member.valid_from)}")
        problem(ERROR, "P02", "ma_thanh_vien", f"thành viên {member.code} ({member.name}) "
                f"{term}, không thuộc Hội đồng vào ngày họp {vn_date(meeting)}; phiếu không "
                "được tính.")
    return member


def _rows(plan: Plan, ctx: Context, book: RawBook, member: CouncilMember | None,
          listed: pd.DataFrame, ballot: Ballot) -> None:
    """The sheet `Phiếu bầu`: each row parsed, checked against the list, given its fate."""
    matches = find_sheet(book, forms.BALLOT)
    if not matches:
        ballot.reason = ballot.reason or f"không có trang '{forms.BALLOT_NAME}'"
        ctx.add(ERROR, "P11", f"Không tìm thấy trang '{forms.BALLOT_NAME}' trong phiếu; phiếu "
                "không được tính.")
        return
    pos, sheet = matches[0]
    located = locate(sheet, pos, forms.BALLOT)
    if located.header_row is None or "y_kien" not in located.columns:
        missing = [c.header for c in located.missing] or ["Ý kiến"]
        ballot.reason = ballot.reason or "không tìm thấy dòng tiêu đề"
        ctx.add(ERROR, "P11", f"Không tìm thấy dòng tiêu đề của phiếu (thiếu cột "
                f"{', '.join(repr(h) for h in missing)}); phiếu không được tính.", sheet.name,
                sheet_pos=pos)
        return
    # the signature lines under the table are not rows: a row names an exemplar or a vote
    content = [located.columns[k] for k in ("ma_don_vi", "ma_dien_hinh", "ten", "y_kien")
               if k in located.columns]
    located.rows = [r for r in located.rows
                    if any(i < len(r.cells) and not is_blank(r.cells[i]) for i in content)]
    check = SheetCheck(ctx, located)
    check.notices()
    before = len(ctx.findings)
    records = check.parse()
    reasons: dict[int, list[str]] = {}
    for f in ctx.findings[before:]:
        if f.severity == ERROR:
            reasons.setdefault(f.row, []).append(f.message)
    listed_rows = {k: r for k, r in zip(keys_of(listed), listed.to_dict("records"), strict=True)}
    code = member.code if member else ""
    kept: dict[Key, tuple[Record, BallotRow]] = {}
    for rec in records:
        v = rec.values
        unit = clean(v["ma_don_vi"]).upper()
        row = BallotRow(ctx.file, sheet.name, rec.row, code, unit, clean(v["ma_dien_hinh"]),
                        clean(v["y_kien"]))
        ballot.rows.append(row)
        if rec.errors:
            row.fate, row.reason = REJECTED, " ".join(reasons.get(rec.row, []))
            continue
        key = exemplar_key(unit, v["ma_dien_hinh"])
        target = listed_rows.get(key)
        if target is None:
            _reject(check, rec, row, "P06", "ma_dien_hinh", f"điển hình '{row.ma_dien_hinh}' "
                    f"của đơn vị '{unit}' không có trong danh sách đề xuất khen thưởng; dòng "
                    "không được tính.")
            continue
        ten, kind = clean(v["ten"]), clean(v["de_xuat"])
        if ten and name_key(ten) != name_key(target["ten"]):
            _reject(check, rec, row, "P07", "ten", f"tên '{ten}' khác tên của điển hình mã "
                    f"{text_of(target['ma_dien_hinh'])} trong danh sách "
                    f"({text_of(target['ten'])}): dòng đã bị sửa; không được tính.")
            continue
        if kind and fold(kind) != fold(target["de_xuat"]):
            _reject(check, rec, row, "P07", "de_xuat", f"đề xuất '{kind}' khác đề xuất trong "
                    f"danh sách ({text_of(target['de_xuat'])}): dòng đã bị sửa; không được "
                    "tính.")
            continue
        vote = v["y_kien"] if v["y_kien"] in forms.CHOICES else None
        if member is not None and recused(plan, member, key[0]) and vote is not None:
            _reject(check, rec, row, "P09", "y_kien", f"thành viên không biểu quyết đối với "
                    f"điển hình của đơn vị mình ({key[0]}); ý kiến '{vote}' không được tính.")
            continue
        if key in kept:
            first, first_row = kept[key]
            _reject(check, rec, row, "P08", "ma_dien_hinh", f"điển hình "
                    f"'{text_of(target['ma_dien_hinh'])}' đã có ý kiến ở dòng {first.row}; dòng "
                    "này không được tính.")
            if first_row.fate == ACCEPTED and clean(first.values["y_kien"]) != row.y_kien:
                _reject(check, first, first_row, "P08", "y_kien", f"điển hình "
                        f"'{text_of(target['ma_dien_hinh'])}' có ý kiến khác ở dòng {rec.row}; "
                        "hai ý kiến mâu thuẫn nên không dòng nào được tính.")
                ballot.votes.pop(key, None)
            continue
        kept[key] = (rec, row)
        ballot.votes[key] = vote


def _reject(check: SheetCheck, rec: Record, row: BallotRow, code: str, column: str,
            message: str) -> None:
    check.add(ERROR, code, message, rec, column)
    row.fate, row.reason = REJECTED, check.ctx.findings[-1].message


def manifest_entries(intake: BallotIntake) -> list[dict]:
    """manifest.json's `phieu_bau`: each file, its fate and its rows (read = accepted +
    rejected + superseded)."""
    out = []
    for b in intake.ballots:
        fates = [r.fate for r in b.rows]
        out.append({"tep": b.file.name, "sha256": b.file.sha256, "kich_thuoc": len(b.file.data),
                    "thanh_vien": b.member, "ngay_bo_phieu": b.day.isoformat() if b.day else "",
                    "ket_qua": b.status, "ly_do": b.reason,
                    "so_dong": {"doc": len(fates), "tiep_nhan": fates.count(ACCEPTED),
                                "tu_choi": fates.count(REJECTED),
                                "bi_thay_the": fates.count(SUPERSEDED)}})
    return out


ROW_COLUMNS = ["tep", "trang_tinh", "dong", "ma_thanh_vien", "ma_don_vi", "ma_dien_hinh",
               "y_kien", "ket_qua", "ly_do"]


def rows_frame(intake: BallotIntake) -> pd.DataFrame:
    """data/phieu_bau.csv: every row read from every ballot, with its fate and reason."""
    return pd.DataFrame([[r.file, r.sheet, r.row, r.member, r.ma_don_vi, r.ma_dien_hinh,
                          r.y_kien, r.fate, r.reason] for r in intake.rows],
                        columns=ROW_COLUMNS, dtype=object)
