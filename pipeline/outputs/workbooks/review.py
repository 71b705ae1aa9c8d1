"""The review workbook (sơ kết / tổng kết): overview, trends with charts, counts, honourees
and the register of exemplars over the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from pipeline import model
from pipeline.config import Plan
from pipeline.outputs.workbooks.columns import (
    _DATED,
    CLASS_CHART,
    CLASS_FILLS,
    CLASSES,
    FONT,
    TYPES,
    count_by,
    has_header,
    header,
    in_unit_order,
    is_blank,
    numbered,
    unit_names,
    where,
    with_unit_names,
)
from pipeline.outputs.workbooks.sheets import (
    CHART_PLACE,
    CHART_ROWS,
    LIST_COLUMNS,
    OVERVIEW_CHART_COL,
    OVERVIEW_WIDTHS,
    BookContext,
    Columns,
    Formats,
    SheetWriter,
    _add_sheet,
    _chart_fonts,
    _coverage_line,
    _grid,
    _new_book,
    _note,
    _table_sheet,
    _titles,
)
from pipeline.periods import ROMAN_OF
from pipeline.scoring.review import ACTIVE, WITHDRAWN

# ---- review workbook (sơ kết / tổng kết) ---------------------------------------------------------
TREND_COLUMNS = ("dang_ky_moi", "dang_theo_doi", "da_cham", "xuat_sac", "tot", "dat",
                 "chua_dat")


DEED_TREND_COLUMNS = ("so_viec_tot", "so_de_nghi_tuyen_truyen", "so_hoat_dong",
                      "so_nguoi_tham_gia")


def write_review_workbook(report: model.ReviewReport, path: Path) -> None:
    """Sơ kết / tổng kết: overview, trends with charts, counts, honourees and the register."""
    plan = report.plan
    label = f"{report.first.label_short} – {report.last.label_short}"
    ctx = BookContext(plan, label, report.run_date, report.title)
    with _new_book(Path(path), report.run_date, report.title) as (book, fmt):
        trend = review_trend(report)
        _review_overview(book, fmt, ctx, report, trend)
        _trend_sheet(book, fmt, ctx, trend)
        counts = numbered(with_unit_names(
            in_unit_order(report.counts, plan, "nam", "phong_trao"), plan))
        _generic_sheet(book, fmt, ctx, "Số liệu",
                       "SỐ LIỆU ĐIỂN HÌNH THEO NĂM, PHONG TRÀO VÀ ĐƠN VỊ", counts,
                       lead=["stt", "nam", "ten_don_vi", "phong_trao"])
        honourees = numbered(with_unit_names(
            in_unit_order(report.honourees, plan, by_name="ten"), plan))
        _generic_sheet(book, fmt, ctx, "Điển hình tiêu biểu",
                       "ĐIỂN HÌNH TIÊU BIỂU GIAI ĐOẠN ĐỀ NGHỊ TÔN VINH", honourees,
                       lead=["stt", "ten_don_vi", "ten"])
        register = numbered(with_unit_names(in_unit_order(report.register, plan, "ma_dien_hinh"),
                                            plan))
        _register_sheet(book, fmt, ctx, register)


# the register prints the awards short; the note above the table gives the full wording
REGISTER_AWARDS = {model.BANG_KHEN: "Bằng khen UBND tỉnh", model.GIAY_KHEN:
                   "Giấy khen Giám đốc Sở", model.PRAISE: model.PRAISE}


REGISTER_LEAD = ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "ky_dang_ky",
                 "trang_thai", "ky_rut"]


REGISTER_DETAILS = ["gioi_tinh", "nam_sinh", "ngay_dang_ky", "ngay_rut"]


def register_layout(columns: Iterable[str]) -> tuple[list[str], set[str]]:
    """The register's columns in print order, and those folded (grouped and collapsed).

    Per year: its quarters' scores, then the year's classification and proposal. A year with
    an annual evaluation folds its quarters behind it (one click on "+" shows them); a year the
    window cuts, without an annual evaluation, keeps its quarters in sight. Personal details
    are folded too: the printed page keeps one column per year and stays readable."""
    present = list(columns)
    order = [c for c in REGISTER_LEAD if c in present]
    folded = {c for c in REGISTER_DETAILS if c in present}
    order += [c for c in REGISTER_DETAILS if c in present]
    dated = [(m.group(2), c, m) for c in present if (m := _DATED.match(c))]
    for year in sorted({y for y, _, _ in dated}):
        quarters = [c for y, c, m in dated if y == year and m.group(3)
                    and m.group(1) == "tong_diem"]
        annual = [c for y, c, m in dated if y == year and not m.group(3)]
        order += quarters + annual
        if annual:
            folded.update(quarters)
    return order, folded


def quarter_class(column: str, rows: Columns) -> list[str | None] | None:
    """A quarter's total (`tong_diem_2024_q3`) is filled with that quarter's class colour."""
    if not column.startswith("tong_diem_"):
        return None
    classes = rows.values("xep_loai_" + column.removeprefix("tong_diem_"))
    return [CLASS_FILLS.get(str(c)) for c in classes]


def _register_sheet(book, fmt: Formats, ctx: BookContext, register: pd.DataFrame) -> None:
    """Sổ theo dõi: one row per exemplar; a quarter's score is coloured by its class."""
    columns, folded = register_layout(register.columns)
    frame = register.assign(**{c: [REGISTER_AWARDS.get(v, v) for v in register[c]]
                               for c in register.columns if c.startswith("de_xuat_")})

    sheet = SheetWriter(_add_sheet(book, "Sổ theo dõi điển hình"), fmt)
    fixed = {"stt": 4.5, "ten_don_vi": 18, "ma_dien_hinh": 9, "ten": 18, "loai": 8,
             "phong_trao": 7, "ky_dang_ky": 10, "trang_thai": 9, "ky_rut": 10,
             "gioi_tinh": 7, "nam_sinh": 7, "ngay_dang_ky": 11, "ngay_rut": 11}
    for j, column in enumerate(columns):
        if column.startswith("tong_diem_"):
            sheet.fixed[j] = 7
        elif column.startswith("xep_loai_"):
            sheet.fixed[j] = 8.5
        elif column.startswith("de_xuat_"):
            sheet.fixed[j] = 11
        else:
            sheet.fixed[j] = fixed[column]
        if column in folded:
            sheet.folded.add(j)
    _titles(sheet, len(columns), "SỔ THEO DÕI ĐIỂN HÌNH TIÊN TIẾN", ctx.subtitle)
    note = ("Điểm từng quý (tô màu theo xếp loại quý) được gộp sau mỗi năm: bấm dấu + trên "
            "đầu cột để mở. Bằng khen UBND tỉnh: đề nghị Chủ tịch UBND tỉnh tặng Bằng khen; "
            "Giấy khen Giám đốc Sở: đề nghị Giám đốc Sở tặng Giấy khen.")
    sheet.ws.write_string(2, 0, note, fmt.plain(italic=True))
    top = 3
    last = sheet.table(frame, columns, top, cell_fill=quarter_class,
                       fills={c: CLASS_FILLS for c in columns if c.startswith("xep_loai")})
    sheet.finish(freeze=(top + 1, 4), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))


def review_trend(report: model.ReviewReport) -> pd.DataFrame:
    """Per year: the counts summed over units and movements, and deeds/activities."""
    years = sorted({int(y) for y in report.counts.get("nam", [])}
                   | {int(y) for y in report.deeds.get("nam", [])})
    rows = []
    for year in years:
        row = {"nam": year}
        for frame, columns in ((report.counts, TREND_COLUMNS), (report.deeds, DEED_TREND_COLUMNS)):
            of_year = where(frame, [int(y) == year for y in frame["nam"]])
            for column in columns:
                if column in frame:
                    row[column] = int(sum(int(v) for v in of_year[column] if not is_blank(v)))
        rows.append(row)
    present = [c for c in ("nam", *TREND_COLUMNS, *DEED_TREND_COLUMNS)
               if any(c in r for r in rows)]
    return pd.DataFrame(rows, columns=present or ["nam"])


def _generic_sheet(book, fmt, ctx: BookContext, sheet_name: str, title: str, frame: pd.DataFrame,
                   lead: Sequence[str], hidden: Iterable[str] = ()) -> None:
    """A table sheet over whatever known columns the frame carries (codes replaced by names).

    A quarter's total (`tong_diem_2024_q3`) is coloured by that quarter's classification
    (`xep_loai_2024_q3`), which is then not repeated in a column of its own."""
    hidden = {"ma_don_vi", "nguon", "row", *hidden}
    columns = [c for c in lead if c in frame]
    columns += [c for c in frame.columns
                if c not in columns and c not in hidden and has_header(c)]

    fixed = {"stt": 5, "ten_don_vi": 22, "ten": 22, "giai_thich": 40}
    fixed.update({c: 7 for c in columns if c.startswith("tong_diem_")})
    class_fills = {c: CLASS_FILLS for c in columns if c.startswith("xep_loai")}
    _table_sheet(book, fmt, ctx, sheet_name, title, frame, columns,
                 fills={"xep_loai": CLASS_FILLS, **class_fills}, cell_fill=quarter_class,
                 freeze_col=min(len(lead), 4),
                 fixed={c: w for c, w in fixed.items() if c in columns})


def _trend_sheet(book, fmt: Formats, ctx: BookContext, trend: pd.DataFrame) -> None:
    sheet = _table_sheet(book, fmt, ctx, "Xu hướng", "XU HƯỚNG QUA CÁC NĂM", trend,
                         list(trend.columns), fixed={"nam": 8}, streamed=False)
    name, top, years = sheet.ws.get_name(), 3, len(trend)
    if not years:
        return
    columns = list(trend.columns)
    line = book.add_chart({"type": "line"})
    for column, colour in (("dang_theo_doi", "#1F4E79"), ("da_cham", "#2E7D32"),
                           ("so_viec_tot", "#C0504D"), ("so_hoat_dong", "#F2B134")):
        if column in columns:
            j = columns.index(column)
            line.add_series({"name": [name, top, j],
                             "categories": [name, top + 1, 0, top + years, 0],
                             "values": [name, top + 1, j, top + years, j],
                             "line": {"color": colour, "width": 2.25},
                             "marker": {"type": "circle", "fill": {"color": colour},
                                        "border": {"color": colour}}})
    _chart_fonts(line, "Điển hình, người tốt việc tốt và hoạt động qua các năm")
    sheet.ws.insert_chart(top + years + 2, 0, line, {"x_scale": 1.4, "y_scale": 1.1,
                                                     "object_position": 1})
    stacked = book.add_chart({"type": "column", "subtype": "stacked"})
    for column, cls in zip(("xuat_sac", "tot", "dat", "chua_dat"), CLASSES, strict=True):
        if column in columns:
            j = columns.index(column)
            stacked.add_series({"name": [name, top, j],
                                "categories": [name, top + 1, 0, top + years, 0],
                                "values": [name, top + 1, j, top + years, j],
                                "fill": {"color": CLASS_CHART[cls]}, "gap": 80})
    _chart_fonts(stacked, "Xếp loại điển hình qua các năm")
    sheet.ws.insert_chart(top + years + 2, 8, stacked, {"x_scale": 1.2, "y_scale": 1.1,
                                                        "object_position": 1})


YEAR_COLUMNS = ("dang_ky_moi", "dang_theo_doi", "xuat_sac", "so_viec_tot", "so_hoat_dong")
YEAR_COLOURS = {"dang_ky_moi": "#BDD7EE", "dang_theo_doi": "#1F4E79", "xuat_sac": "#2E7D32",
                "so_viec_tot": "#C0504D", "so_hoat_dong": "#9DC3E6"}


def _review_overview(book, fmt: Formats, ctx: BookContext, report: model.ReviewReport,
                     trend: pd.DataFrame) -> None:
    """The window's key figures, the years side by side, movements and types, the honourees;
    a line chart of exemplars and a column chart of deeds and activities beside the tables."""
    plan = ctx.plan
    sheet = SheetWriter(book.add_worksheet("Tổng quan"), fmt)
    ws = sheet.ws
    sheet.fixed.update(OVERVIEW_WIDTHS)
    _titles(sheet, LIST_COLUMNS, report.title.upper(), ctx.subtitle)
    ws.set_row(0, 36)
    _coverage_line(sheet, LIST_COLUMNS, report.coverage)

    row = 3
    ws.write_string(row, 0, "1. Các chỉ số chính của giai đoạn", fmt.section())
    figures_top = row + 1
    row = _grid(sheet, figures_top, ["Chỉ tiêu", "Số lượng"],
                [[f, n] for f, n in review_figures(report)], ["text", "count"])
    row = _note(sheet, row + 1, LIST_COLUMNS - 1, [window_note(report)])

    row += 2
    ws.write_string(row, 0, "2. Kết quả qua các năm", fmt.section())
    years_top = row + 1
    years = review_years(report, trend)
    row = _grid(sheet, years_top, ["Năm", *(header(c) for c in YEAR_COLUMNS)], years,
                ["text", *("count" for _ in YEAR_COLUMNS)])

    row += 2
    ws.write_string(row, 0, "3. Điển hình đăng ký theo phong trào và loại", fmt.section())
    row = _grid(sheet, row + 1, ["Phong trào", *TYPES, "Cộng", "Đang theo dõi", "Tiêu biểu"],
                registered_by_movement(plan, report), ["text", *("count" for _ in range(5))])

    row = max(row + 2, figures_top - 1 + 2 * CHART_ROWS)
    ws.set_h_pagebreaks([row])  # the honourees print on the second page, below the charts
    honourees = honouree_list(plan, report.honourees)
    ws.write_string(row, 0, f"4. {model.PERIOD_EXEMPLAR} đề nghị tôn vinh ({len(honourees)})",
                    fmt.section())
    _grid(sheet, row + 1, ["Điển hình", "Loại", "Phong trào", "Số năm Xuất sắc",
                           "Các năm Xuất sắc", "Trạng thái", "Đơn vị"], honourees,
          ["text", "centered", "centered", "count", "centered", "centered", "text"])

    _review_charts(book, sheet, figures_top, years_top, len(years))
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)


def _total(frame: pd.DataFrame, column: str) -> int:
    return int(sum(int(v) for v in frame[column] if not is_blank(v))) if column in frame else 0


def review_figures(report: model.ReviewReport) -> list[tuple[str, int]]:
    """The window's headline numbers: exemplars (from the register), honourees, deeds."""
    register = report.register
    status = [str(v) for v in register["trang_thai"]]
    dated = [c for c in register.columns if c.startswith("tong_diem_")]
    assessed = sum(1 for r in register[dated].itertuples(index=False)
                   if any(not is_blank(v) for v in r)) if dated else 0
    return [
        ("Điển hình đăng ký trong giai đoạn", len(register)),
        ("Điển hình đang theo dõi cuối giai đoạn", status.count(ACTIVE)),
        ("Điển hình đã rút đăng ký", status.count(WITHDRAWN)),
        ("Điển hình được chấm điểm", assessed),
        ("Lượt xếp loại Xuất sắc (cộng các năm)", _total(report.counts, "xuat_sac")),
        ("Điển hình tiêu biểu đề nghị tôn vinh", len(report.honourees)),
        ("Gương người tốt, việc tốt", _total(report.deeds, "so_viec_tot")),
        ("Trong đó đề nghị tuyên truyền", _total(report.deeds, "so_de_nghi_tuyen_truyen")),
        ("Hoạt động của các đơn vị", _total(report.deeds, "so_hoat_dong")),
        ("Lượt người tham gia hoạt động", _total(report.deeds, "so_nguoi_tham_gia")),
    ]


def year_label(report: model.ReviewReport, year: int) -> str:
    """'2023', or '2023 (quý I – II)' for a year the window cuts."""
    first = report.first if report.first.year == year else None
    last = report.last if report.last.year == year else None
    start, end = (first.quarter if first else 1), (last.quarter if last else 4)
    if (start, end) == (1, 4):
        return str(year)
    if start == end:
        return f"{year} (quý {ROMAN_OF[start]})"
    return f"{year} (quý {ROMAN_OF[start]} – {ROMAN_OF[end]})"


def window_note(report: model.ReviewReport) -> str:
    done = sorted(report.annual)
    cut = [y for y in range(report.first.year, report.last.year + 1) if y not in done]
    text = (f"Giai đoạn từ {report.first.label} đến {report.last.label}; "
            f"đã đánh giá cả năm: {', '.join(str(y) for y in done) or 'chưa có năm nào'}")
    if cut:
        text += (f"; năm {', '.join(str(y) for y in cut)} tính theo các quý trong giai đoạn, "
                 "chưa đánh giá cả năm")
    return text + "."


def review_years(report: model.ReviewReport, trend: pd.DataFrame) -> list[list]:
    """One row per year: its label, then YEAR_COLUMNS from the trend (0 where absent)."""
    return [[year_label(report, int(r["nam"])),
             *(0 if is_blank(r.get(c)) else int(r[c]) for c in YEAR_COLUMNS)]
            for r in trend.to_dict("records")]


def registered_by_movement(plan: Plan, report: model.ReviewReport) -> list[list]:
    """Per movement: registered collectives, individuals, total, active at the end, honourees."""
    register, honourees = report.register, report.honourees
    rows = []
    for m in plan.movements:
        mine = where(register, [str(v) == m.code for v in register["phong_trao"]])
        types = count_by(mine, "loai", TYPES)
        rows.append([m.short, *types, sum(types), count_by(mine, "trang_thai", (ACTIVE,))[0],
                     sum(1 for v in honourees["phong_trao"] if str(v) == m.code)])
    return rows


def honouree_list(plan: Plan, honourees: pd.DataFrame) -> list[list]:
    names = unit_names(plan)
    return [[r["ten"], r["loai"], r["phong_trao"], r["so_nam_xuat_sac"], r["nam_xuat_sac"],
             r["trang_thai"], names.get(str(r["ma_don_vi"]), str(r["ma_don_vi"]))]
            for r in in_unit_order(honourees, plan, by_name="ten").to_dict("records")]


def _review_charts(book, sheet: SheetWriter, figures_top: int, years_top: int, years: int) -> None:
    """Exemplars over the years (new registrations as columns, active and Xuất sắc as lines,
    one combined chart); good deeds and activities over the years (columns)."""
    name = sheet.ws.get_name()
    last = years_top + max(years, 1)

    def series(j: int, position: str) -> dict:
        return {"name": [name, years_top, j], "categories": [name, years_top + 1, 0, last, 0],
                "values": [name, years_top + 1, j, last, j],
                "data_labels": {"value": True, "position": position,
                                "font": {"name": FONT, "size": 9}}}

    exemplars = book.add_chart({"type": "column"})
    line = book.add_chart({"type": "line"})
    deeds = book.add_chart({"type": "column"})
    for j, key in enumerate(YEAR_COLUMNS, start=1):
        colour = YEAR_COLOURS[key]
        if key == "dang_ky_moi":
            exemplars.add_series({**series(j, "inside_base"), "fill": {"color": colour},
                                  "gap": 120})
        elif key in ("dang_theo_doi", "xuat_sac"):
            line.add_series({**series(j, "above"), "line": {"color": colour, "width": 2.25},
                             "marker": {"type": "circle", "fill": {"color": colour},
                                        "border": {"color": colour}}})
        else:
            deeds.add_series({**series(j, "outside_end"), "fill": {"color": colour},
                              "gap": 80})
    exemplars.combine(line)
    _chart_fonts(exemplars, "Điển hình qua các năm")
    _chart_fonts(deeds, "Người tốt, việc tốt và hoạt động qua các năm")
    sheet.ws.insert_chart(figures_top - 1, OVERVIEW_CHART_COL, exemplars, CHART_PLACE)
    sheet.ws.insert_chart(figures_top - 1 + CHART_ROWS, OVERVIEW_CHART_COL, deeds, CHART_PLACE)
