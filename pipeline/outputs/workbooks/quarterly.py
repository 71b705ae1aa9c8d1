"""`TongHop_<period>.xlsx`, the quarter's consolidated workbook: the nine sheets of OUTPUTS.md,
the overview's key figures and native charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_range

from pipeline import model
from pipeline.config import Plan
from pipeline.findings import ERROR, SEVERITY_ORDER, WARNING
from pipeline.outputs.workbooks import remote_book
from pipeline.outputs.workbooks.columns import (
    _CRITERION,
    CLASS_CHART,
    CLASS_FILLS,
    CLASSES,
    COUNCIL_FILL,
    FLAG_FILLS,
    FONT,
    LINE_HEIGHT,
    NOT_APPLICABLE_FILL,
    SEVERITY_FILLS,
    STATUS_CHART,
    STATUS_FILLS,
    STATUSES,
    TYPE_CHART,
    TYPES,
    YES,
    count_by,
    in_unit_order,
    is_blank,
    numbered,
    unit_names,
    where,
    with_unit_names,
)
from pipeline.outputs.workbooks.sheets import (
    PAINTED,
    BookContext,
    Columns,
    Formats,
    SheetWriter,
    _add_sheet,
    _chart_fonts,
    _grid,
    _lines,
    _new_book,
    _note,
    _proposals,
    _signatures,
    _table_sheet,
    _titles,
)


# ---- quarterly workbook --------------------------------------------------------------------------
def write_period_workbook(report: model.PeriodReport, path: Path,
                          remote: bool = False) -> remote_book.RemoteBook | None:
    """`TongHop_<period>.xlsx`: the nine sheets of OUTPUTS.md, in their order. `remote`: the
    cells are written and the file zipped by a worker process (remote_book) while the caller
    goes on; returns that RemoteBook (its `finishing()` waits for the file)."""
    plan, intake = report.plan, report.intake
    ctx = BookContext(plan, report.period.label, report.run_date,
                   f"Tổng hợp điển hình tiên tiến {report.period.label}")
    with _new_book(Path(path), report.run_date, ctx.book_title, remote) as (book, fmt):
        _overview_sheet(book, fmt, ctx, report)
        _submissions_sheet(book, fmt, ctx, intake.submissions)
        _registrations_sheet(book, fmt, ctx, intake.registrations)
        _scores_sheet(book, fmt, ctx, report.scores)
        proposals = _proposals(report.scores)
        _proposal_sheet(book, fmt, ctx, "Đề xuất", proposals,
                        "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐỀ XUẤT GIỚI THIỆU",
                        "Không có điển hình được đề xuất trong kỳ.")
        _good_deeds_sheet(book, fmt, ctx, intake.good_deeds)
        _activities_sheet(book, fmt, ctx, intake.activities)
        _difficulties_sheet(book, fmt, ctx, intake.difficulties)
        _findings_sheet(book, fmt, ctx, intake.findings)
    return book if isinstance(book, remote_book.Remote) else None


def _submissions_sheet(book, fmt, ctx: BookContext, submissions: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(in_unit_order(submissions, ctx.plan), ctx.plan))
    columns = ["stt", "ten_don_vi", "trang_thai", "tep", "ngay_lap", "ngay_nop", "han_nop",
               "so_loi", "so_canh_bao"]
    _table_sheet(book, fmt, ctx, "Nộp báo cáo", "TÌNH HÌNH NỘP BÁO CÁO CỦA CÁC ĐƠN VỊ", frame,
                 columns, fills={"trang_thai": STATUS_FILLS}, freeze_col=2,
                 fixed={"stt": 5, "trang_thai": 12})


def _registrations_sheet(book, fmt, ctx: BookContext, registrations: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(
        in_unit_order(registrations, ctx.plan, "ma_dien_hinh"), ctx.plan))
    columns = ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "nam_sinh", "gioi_tinh",
               "chuc_vu", "phong_trao", "pham_vi", "linh_vuc", "noi_dung", "ngay_dang_ky",
               "ky_dang_ky", "trang_thai"]
    _table_sheet(book, fmt, ctx, "Đăng ký", "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐĂNG KÝ", frame,
                 columns, name="dang_ky", freeze_col=4,
                 fixed={"stt": 5, "ten_don_vi": 22, "noi_dung": 40, "ten": 22})


def score_columns_shown(plan: Plan, scores: pd.DataFrame) -> list[str]:
    """Per criterion: the unit's score, and the council's beside it where the council scored."""
    out = []
    for crit in plan.all_criteria:
        out.append(f"{crit.code}_dv")
        council = f"{crit.code}_hd"
        if council in scores and any(not is_blank(v) for v in scores[council].dropna()):
            out.append(council)
    return out


# The scoring sheet must print one A4 landscape page wide (OUTPUTS.md) with ~25 criterion
# columns: every width is the narrowest that shows its values ("100.00", "Xuất sắc") on one
# line, and the long texts wrap in moderate columns (rows grow taller, the print scale stays
# as large as possible).
# A criterion's score shows as the unit typed it (General: 14, 9.5, 7.25), which fits a
# column two thirds as wide as "14.00"; the sums keep two decimals.
CRITERION_WIDTH = 4.3
SCORE_WIDTHS = {"stt": 4, "ten_don_vi": 12, "ma_dien_hinh": 8, "ten": 13, "loai": 7,
                "phong_trao": 6, "diem_chung": 6.3, "diem_cu_the": 6.3, "tong_diem": 6.3,
                "xep_loai": 8, "du_dieu_kien": 6.3, "ly_do": 12, "hang": 4.5, "de_xuat": 9.5,
                "giai_thich": 22, "dieu_chinh": 14}


def _scores_sheet(book, fmt: Formats, ctx: BookContext, scores: pd.DataFrame) -> None:
    plan = ctx.plan
    criteria = score_columns_shown(plan, scores)
    lead = ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao"]
    tail = ["diem_chung", "diem_cu_the", "tong_diem", "xep_loai", "du_dieu_kien", "ly_do",
            "hang", "de_xuat", "giai_thich", "dieu_chinh"]
    columns = lead + criteria + tail
    shown = scores[[c for c in scores.columns if c in {"ma_don_vi", *columns}]]  # sorted lighter
    frame = numbered(with_unit_names(in_unit_order(shown, plan, "ma_dien_hinh"), plan))
    own = {m.code: {c.code for c in plan.criteria_of(m.code)} for m in plan.movements}

    def council_fill(column: str, rows: Columns) -> list[str | None] | None:
        m = _CRITERION.match(column)
        if not m:
            return None
        code = m.group(1)
        outside = {movement for movement, codes in own.items() if code not in codes}
        if m.group(2) != "_hd":
            return [PAINTED if movement in outside else None
                    for movement in rows.strings("phong_trao")]
        return [PAINTED if movement in outside else COUNCIL_FILL if not is_blank(value) else None
                for movement, value in zip(rows.strings("phong_trao"), rows.values(column),
                                           strict=True)]

    sheet = SheetWriter(_add_sheet(book, "Chấm điểm"), fmt)
    for j, column in enumerate(columns):
        sheet.fixed[j] = CRITERION_WIDTH if _CRITERION.match(column) else SCORE_WIDTHS[column]
    _titles(sheet, len(columns), "BẢNG CHẤM ĐIỂM ĐIỂN HÌNH TIÊN TIẾN", ctx.subtitle)
    sheet.ws.write_string(2, 0, "ĐV: điểm đơn vị tự chấm; HĐ: điểm Hội đồng Thi đua - Khen "
                          "thưởng chấm lại (tô vàng, là điểm được dùng); ô xám: tiêu chí không "
                          "thuộc phong trào của điển hình.", fmt.plain(italic=True))
    top = 4
    _criteria_groups(sheet, plan, columns, top - 1)
    last = sheet.table(frame, columns, top, cell_fill=council_fill,
                       fills={"xep_loai": CLASS_FILLS, "du_dieu_kien": FLAG_FILLS})
    if len(frame):
        _not_applicable_rules(sheet, own, columns, top + 1, last)
    sheet.finish(freeze=(top + 1, 4), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top - 1, top),
                 side_margin=0.25)


def _not_applicable_rules(sheet: SheetWriter, own: dict[str, set[str]], columns: list[str],
                          first: int, last: int) -> None:
    """The criterion cells outside the exemplar's movement (`own`: movement -> its criteria)
    grey and bordered by a conditional format on the movement column, the same look as a
    formatted blank cell: a province's sheet has hundreds of thousands of them."""
    movement = xl_col_to_name(columns.index("phong_trao"))
    outside: dict[tuple[str, ...], list[int]] = {}  # movements a criterion is not of -> columns
    for j, column in enumerate(columns):
        if m := _CRITERION.match(column):
            others = tuple(code for code, codes in own.items() if m.group(1) not in codes)
            if others:
                outside.setdefault(others, []).append(j)
    paint = sheet.fmt.rule(bg_color=NOT_APPLICABLE_FILL, border=1, border_color="#A6A6A6")
    for others, cols in outside.items():
        test = ",".join(f'EXACT(${movement}{first + 1},"{code.replace(chr(34), chr(34) * 2)}")'
                        for code in others)
        runs = _runs(cols)
        sheet.ws.conditional_format(first, runs[0][0], last, runs[0][1], {
            "type": "formula", "criteria": f"=OR({test})", "format": paint,
            "multi_range": " ".join(xl_range(first, a, last, b) for a, b in runs)})


def _runs(cols: list[int]) -> list[tuple[int, int]]:
    """Sorted column numbers as (first, last) runs of adjacent ones."""
    runs: list[tuple[int, int]] = []
    for col in cols:
        if runs and runs[-1][1] == col - 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def _criteria_groups(sheet: SheetWriter, plan: Plan, columns: list[str], row: int) -> None:
    """A group row above the criteria: 'Tiêu chí chung', then each movement's short name."""
    groups = [("Tiêu chí chung", {c.code for c in plan.general_criteria})]
    groups += [(f"{m.short} ({m.code})", {c.code for c in m.criteria}) for m in plan.movements]
    head = sheet.fmt.header()
    lines = 1
    for title, codes in groups:
        cols = [j for j, c in enumerate(columns)
                if _CRITERION.match(c) and _CRITERION.match(c).group(1) in codes]
        if not cols:
            continue
        if _lines(title, len(cols) * CRITERION_WIDTH) > 2:  # a narrow block: the code alone
            title = title[title.rfind("(") + 1:-1]
        if len(cols) > 1:
            sheet.ws.merge_range(row, cols[0], row, cols[-1], title, head)
        else:
            sheet.ws.write_string(row, cols[0], title, head)
        lines = max(lines, _lines(title, len(cols) * CRITERION_WIDTH))
    sheet.ws.set_row(row, LINE_HEIGHT * lines + 3)


def _proposal_sheet(book, fmt: Formats, ctx: BookContext, sheet_name: str,
                    proposals: pd.DataFrame, title: str, empty: str) -> None:
    """The proposals ready to print and sign, with the two signature blocks below."""
    plan = ctx.plan
    frame = numbered(with_unit_names(in_unit_order(proposals, plan, "ma_dien_hinh"), plan))
    columns = ["stt", "ten_don_vi", "ten", "loai", "phong_trao", "tong_diem", "xep_loai", "hang",
               "de_xuat"]
    sheet = SheetWriter(_add_sheet(book, sheet_name), fmt)
    fixed = {"stt": 5, "ten_don_vi": 30, "ten": 28, "loai": 9, "phong_trao": 10, "tong_diem": 9,
             "xep_loai": 10, "hang": 6, "de_xuat": 36}
    for j, column in enumerate(columns):
        sheet.fixed[j] = fixed[column]
    _titles(sheet, len(columns), title, ctx.subtitle)
    top = 3
    last = sheet.table(frame, columns, top, headers={"ten": "Điển hình"},
                       fills={"xep_loai": CLASS_FILLS})
    if frame.empty:
        sheet.ws.write_string(top + 1, 1, empty, fmt.cell("text"))
    _signatures(sheet, ctx, last + 2, len(columns))
    sheet.finish(freeze=(top + 1, 0), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))


def _good_deeds_sheet(book, fmt, ctx: BookContext, deeds: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(
        in_unit_order(deeds, ctx.plan, "thang", by_name="ho_ten"), ctx.plan))
    columns = ["stt", "ten_don_vi", "ho_ten", "nam_sinh", "gioi_tinh", "chuc_vu", "thang",
               "noi_dung", "ket_qua", "hinh_thuc_khen", "de_nghi_tuyen_truyen"]
    _table_sheet(book, fmt, ctx, "Người tốt việc tốt",
                 "GƯƠNG NGƯỜI TỐT, VIỆC TỐT", frame, columns, name="nguoi_tot", freeze_col=3,
                 fixed={"stt": 5, "ten_don_vi": 22, "noi_dung": 40, "thang": 8,
                        "de_nghi_tuyen_truyen": 12})


def _activities_sheet(book, fmt, ctx: BookContext, activities: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(in_unit_order(activities, ctx.plan, "ngay"), ctx.plan))
    columns = ["stt", "ten_don_vi", "ngay", "hinh_thuc", "noi_dung", "so_nguoi", "ghi_chu"]
    _table_sheet(book, fmt, ctx, "Hoạt động", "HOẠT ĐỘNG XÂY DỰNG, NHÂN RỘNG ĐIỂN HÌNH TIÊN TIẾN",
                 frame, columns, freeze_col=2,
                 fixed={"stt": 5, "ten_don_vi": 26, "noi_dung": 46, "so_nguoi": 10})


def _difficulties_sheet(book, fmt, ctx: BookContext, difficulties: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(in_unit_order(difficulties, ctx.plan), ctx.plan))
    columns = ["stt", "ten_don_vi", "kho_khan", "de_xuat"]
    _table_sheet(book, fmt, ctx, "Khó khăn - Kiến nghị",
                 "KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ", frame, columns,
                 name="kho_khan", freeze_col=2,
                 fixed={"stt": 5, "ten_don_vi": 30, "kho_khan": 55, "de_xuat": 55})


def _findings_sheet(book, fmt, ctx: BookContext, findings: pd.DataFrame) -> None:
    plan = ctx.plan
    rows = findings.to_dict("records")
    rows.sort(key=lambda r: (
        plan.unit_order(str(r.get("ma_don_vi") or "")), str(r.get("tep") or ""),
        str(r.get("trang_tinh") or ""), int(r.get("row") or 0) if not is_blank(r.get("row"))
        else 0, SEVERITY_ORDER.get(r.get("muc_do"), 9), str(r.get("o") or "")))
    frame = pd.DataFrame(rows, columns=list(findings.columns))
    names = unit_names(plan)
    frame = numbered(frame.assign(ten_don_vi=[
        names.get(str(c), "Chưa xác định đơn vị" if is_blank(c) else str(c))
        for c in frame["ma_don_vi"]]))
    columns = ["stt", "muc_do", "ten_don_vi", "tep", "trang_tinh", "o", "ma_loi", "thong_bao"]
    _table_sheet(book, fmt, ctx, "Lỗi dữ liệu", "LỖI VÀ CẢNH BÁO VỀ DỮ LIỆU CỦA CÁC ĐƠN VỊ",
                 frame, columns, fills={"muc_do": SEVERITY_FILLS}, freeze_col=2,
                 fixed={"stt": 5, "muc_do": 10, "ten_don_vi": 24, "tep": 26, "o": 6,
                        "ma_loi": 8, "thong_bao": 56})


def active_registrations(registrations: pd.DataFrame) -> pd.DataFrame:
    return where(registrations, [str(v) != "Rút" for v in registrations["trang_thai"]])


def key_figures(report: model.PeriodReport) -> list[tuple[str, int]]:
    """The quarter's headline numbers, in the order the overview shows them."""
    intake, scores = report.intake, report.scores
    status = dict(zip(STATUSES, count_by(intake.submissions, "trang_thai", STATUSES),
                      strict=True))
    regs = intake.registrations
    new = sum(1 for v in regs["ky_dang_ky"] if str(v) == str(report.period)) if (
        "ky_dang_ky" in regs) else 0
    eligible = [bool(v) for v in scores["du_dieu_kien"]] if len(scores) else []
    severities = count_by(intake.findings, "muc_do", (ERROR, WARNING))
    tell = count_by(intake.good_deeds, "de_nghi_tuyen_truyen", (YES,))[0]
    return [
        ("Đơn vị phải báo cáo", len(intake.submissions)),
        ("Đơn vị đã nộp (đúng hạn và muộn)", status[model.ON_TIME] + status[model.LATE]),
        ("Điển hình đang theo dõi", len(active_registrations(regs))),
        ("Điển hình đăng ký mới trong kỳ", new),
        ("Điển hình rút đăng ký trong kỳ", count_by(regs, "trang_thai", ("Rút",))[0]),
        ("Điển hình được chấm điểm", len(scores)),
        ("Xếp loại Xuất sắc", count_by(scores, "xep_loai", ("Xuất sắc",))[0]),
        ("Không đủ điều kiện xét khen", eligible.count(False)),
        ("Đề xuất giới thiệu điển hình", len(_proposals(scores))),
        ("Gương người tốt, việc tốt", len(intake.good_deeds)),
        ("Trong đó đề nghị tuyên truyền", tell),
        ("Hoạt động của các đơn vị", len(intake.activities)),
        ("Lỗi dữ liệu", severities[0]),
        ("Cảnh báo", severities[1]),
    ]


def exemplars_by_movement(plan: Plan, registrations: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Active exemplars per movement (short name): [collectives, individuals]."""
    active = active_registrations(registrations)
    out = []
    for m in plan.movements:
        rows = where(active, [str(v) == m.code for v in active["phong_trao"]])
        out.append((m.short, count_by(rows, "loai", TYPES)))
    return out


def classes_by_unit(plan: Plan, scores: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Classification counts per unit with scored exemplars, in the plan's order."""
    classes: dict[str, list[str]] = {}  # unit code -> its exemplars' classes (blanks left out)
    given = scores["xep_loai"] if "xep_loai" in scores else [None] * len(scores)
    for code, cls in zip(scores["ma_don_vi"], given, strict=True):
        classes.setdefault(str(code), []).extend(() if is_blank(cls) else (str(cls),))
    return [(unit.name, [classes[unit.code].count(c) for c in CLASSES])
            for unit in plan.units if unit.code in classes]


def _overview_sheet(book, fmt: Formats, ctx: BookContext, report: model.PeriodReport) -> None:
    plan, intake, prev = ctx.plan, report.intake, report.previous
    sheet = SheetWriter(book.add_worksheet("Tổng quan"), fmt)
    ws = sheet.ws
    sheet.fixed.update({0: 44, 1: 12, 2: 12, 3: 12, 4: 12, 5: 12, 6: 3})
    _titles(sheet, 6, "TỔNG HỢP ĐIỂN HÌNH TIÊN TIẾN",
            f"{plan.issuer_on(ctx.run_date).name} — {ctx.subtitle}")
    then_label = "Quý trước" if prev is None else prev.period.label_short

    row = 3
    ws.write_string(row, 0, "1. Tình hình nộp báo cáo", fmt.section())
    now = count_by(intake.submissions, "trang_thai", STATUSES)
    before = count_by(prev.intake.submissions, "trang_thai", STATUSES) if prev else None
    status_top = row + 1
    row = _compare_table(sheet, status_top, "Trạng thái", STATUSES, now, before, then_label,
                         fills=STATUS_FILLS)
    row = _note(sheet, row + 1, 6, status_note(plan, intake.submissions))

    row += 2
    ws.write_string(row, 0, "2. Các chỉ số chính", fmt.section())
    figures = key_figures(report)
    previous_figures = dict(key_figures(prev)) if prev else None
    row = _compare_table(sheet, row + 1, "Chỉ tiêu", [f for f, _ in figures],
                         [v for _, v in figures],
                         [previous_figures[f] for f, _ in figures] if prev else None, then_label)
    row = _note(sheet, row + 1, 6, changes_note(plan, intake.registrations, report.period))

    row += 2
    ws.write_string(row, 0, "3. Điển hình đang theo dõi theo phong trào và loại", fmt.section())
    movement_top = row + 1
    by_movement = exemplars_by_movement(plan, intake.registrations)
    before_movement = dict(exemplars_by_movement(plan, prev.intake.registrations)) if prev else {}
    rows = [[name, *counts, sum(counts), sum(before_movement[name]) if prev else None]
            for name, counts in by_movement]
    row = _grid(sheet, movement_top, ["Phong trào", *TYPES, "Cộng", then_label, "Tăng, giảm"],
                [[*r, None if r[-1] is None else r[-2] - r[-1]] for r in rows],
                ["text", "count", "count", "count", "count", "delta"])

    row += 2
    ws.set_h_pagebreaks([row])  # sections 4 and 5 and their chart print on the second page
    ws.write_string(row, 0, "4. Xếp loại theo đơn vị", fmt.section())
    class_top = row + 1
    by_unit = classes_by_unit(plan, report.scores)
    row = _grid(sheet, class_top, ["Đơn vị", *CLASSES, "Cộng"],
                [[name, *counts, sum(counts)] for name, counts in by_unit],
                ["text", "count", "count", "count", "count", "count"],
                header_fills={CLASSES[i]: CLASS_FILLS[CLASSES[i]] for i in range(4)})

    row += 2
    ws.write_string(row, 0, "5. Điển hình đề xuất giới thiệu", fmt.section())
    proposals = in_unit_order(_proposals(report.scores), plan, "ma_dien_hinh")
    names = unit_names(plan)
    rows = [[f"{ten} ({names.get(unit, unit)})", loai, movement, total, cls]
            for ten, unit, loai, movement, total, cls in zip(
                *(proposals[c] for c in ("ten", "ma_don_vi", "loai", "phong_trao", "tong_diem",
                                         "xep_loai")), strict=True)]
    row = _grid(sheet, row + 1, ["Điển hình (đơn vị)", "Loại", "Phong trào", "Tổng điểm",
                                 "Xếp loại"], rows, ["text", "text", "text", "score", "text"])

    _overview_charts(book, sheet, status_top, movement_top, len(by_movement), class_top,
                     len(by_unit))
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)


def _names(plan: Plan, frame: pd.DataFrame) -> str:
    names = unit_names(plan)
    ordered = in_unit_order(frame, plan, "ma_dien_hinh")
    return "; ".join(f"{ten} ({names.get(str(unit), unit)})"
                     for ten, unit in zip(ordered["ten"], ordered["ma_don_vi"], strict=True))


def status_note(plan: Plan, submissions: pd.DataFrame) -> list[str]:
    """Which units are late, missing or rejected: the names behind the counts."""
    names, ordered = unit_names(plan), in_unit_order(submissions, plan)
    lines = []
    for status in (model.LATE, model.MISSING, model.REJECTED):
        units = [names.get(str(c), str(c)) for c, s in
                 zip(ordered["ma_don_vi"], ordered["trang_thai"], strict=True) if s == status]
        if units:
            lines.append(f"{status}: {'; '.join(units)}.")
    return lines or ["Tất cả các đơn vị đã nộp báo cáo đúng hạn."]


def changes_note(plan: Plan, registrations: pd.DataFrame, period) -> list[str]:
    """The exemplars registered and withdrawn in the period, by name."""
    new = where(registrations, [str(k) == str(period) and str(t) != "Rút" for k, t in
                                zip(registrations["ky_dang_ky"], registrations["trang_thai"],
                                    strict=True)]) if "ky_dang_ky" in registrations else None
    gone = where(registrations, [str(t) == "Rút" for t in registrations["trang_thai"]])
    lines = []
    if new is not None and len(new):
        lines.append(f"Đăng ký mới: {_names(plan, new)}.")
    if len(gone):
        lines.append(f"Rút đăng ký: {_names(plan, gone)}.")
    return lines


def _compare_table(sheet: SheetWriter, top: int, first: str, labels: Sequence[str],
                   now: Sequence[int], before: Sequence[int] | None, then_label: str,
                   fills: dict[str, str] | None = None) -> int:
    """Label | Kỳ này | <then> | Tăng, giảm — an Excel table; returns the last row."""
    rows = [[label, n, None if before is None else before[i],
             None if before is None else n - before[i]] for i, (label, n) in
            enumerate(zip(labels, now, strict=True))]
    return _grid(sheet, top, [first, "Kỳ này", then_label, "Tăng, giảm"], rows,
                 ["text", "count", "count", "delta"], label_fills=fills)


def _overview_charts(book, sheet: SheetWriter, status_top: int, movement_top: int, movements: int,
                     class_top: int, units: int) -> None:
    """Native charts beside the tables: submissions, exemplars by movement, classes by unit."""
    name = sheet.ws.get_name()
    pie = book.add_chart({"type": "pie"})
    pie.add_series({
        "name": "Tình hình nộp báo cáo",
        "categories": [name, status_top + 1, 0, status_top + 4, 0],
        "values": [name, status_top + 1, 1, status_top + 4, 1],
        "points": [{"fill": {"color": STATUS_CHART[s]}} for s in STATUSES],
        "data_labels": {"value": True, "position": "outside_end",
                        "font": {"name": FONT, "size": 10}},
    })
    pie.set_title({"name": "Tình hình nộp báo cáo",
                   "name_font": {"name": FONT, "size": 12, "bold": True}})
    pie.set_legend({"position": "right", "font": {"name": FONT, "size": 10}})
    sheet.ws.insert_chart(status_top - 1, 7, pie, {"x_scale": 1.0, "y_scale": 1.0,
                                                   "object_position": 1})

    column = book.add_chart({"type": "column"})
    for j, kind in enumerate(TYPES, start=1):
        column.add_series({
            "name": [name, movement_top, j],
            "categories": [name, movement_top + 1, 0, movement_top + max(movements, 1), 0],
            "values": [name, movement_top + 1, j, movement_top + max(movements, 1), j],
            "fill": {"color": TYPE_CHART[kind]},
            "data_labels": {"value": True, "font": {"name": FONT, "size": 9}},
        })
    _chart_fonts(column, "Điển hình theo phong trào và loại")
    sheet.ws.insert_chart(status_top + 15, 7, column, {"x_scale": 1.0, "y_scale": 1.0,
                                                       "object_position": 1})

    bar = book.add_chart({"type": "bar", "subtype": "stacked"})
    for j, cls in enumerate(CLASSES, start=1):
        bar.add_series({
            "name": [name, class_top, j],
            "categories": [name, class_top + 1, 0, class_top + max(units, 1), 0],
            "values": [name, class_top + 1, j, class_top + max(units, 1), j],
            "fill": {"color": CLASS_CHART[cls]},
            "gap": 60,
        })
    _chart_fonts(bar, "Xếp loại điển hình theo đơn vị")
    bar.set_y_axis({"reverse": True, "num_font": {"name": FONT, "size": 10}})
    bar.set_x_axis({"num_font": {"name": FONT, "size": 10}, "major_unit": 1,
                    "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    sheet.ws.insert_chart(class_top - 1, 7, bar, {
        "x_scale": 1.25, "y_scale": max(1.0, 0.35 + 0.12 * units), "object_position": 1})
