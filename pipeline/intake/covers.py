"""A period's files one by one: the cover read and checked, the file attributed to a unit,
the sheets found and counted; then the winning workbook of each unit and its nomination
files chosen among them.
"""

from __future__ import annotations

import re

from pipeline.config import OtherPlan, Plan
from pipeline.findings import ERROR, WARNING, Finding
from pipeline.intake.nominations import (
    DEEDS,
    file_order,
    is_nomination_file,
    supersede_months,
)
from pipeline.intake.outcome import (
    ACCEPTED,
    REJECTED,
    SUPERSEDED,
    FileOutcome,
)
from pipeline.intake.parse import find_sheet, locate, read_cover
from pipeline.intake.validate import (
    Context,
    Parser,
    check_email,
)
from pipeline.periods import Period, parse_period
from pipeline.sources import InputFile, RawBook, UnreadableFile
from pipeline.text import clean, fold, parse_date
from schemas.sheets import COVER, Sheet, sheets_for

COUNCIL_FILE = "hoidongxlsx"
_UNIT_PREFIX = re.compile(r"^([A-Za-z]+)(?:[^A-Za-z]|$)")


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
