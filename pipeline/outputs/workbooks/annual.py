"""`TongHop_<year>.xlsx`, the annual workbook: overview, the year's evaluation, proposals,
the comparison with the year before.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from pipeline import model
from pipeline.config import Plan
from pipeline.outputs.workbooks.columns import (
    CLASS_FILLS,
    CLASSES,
    FLAG_FILLS,
    FONT,
    TYPES,
    count_by,
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
    Formats,
    SheetWriter,
    _add_sheet,
    _chart_fonts,
    _coverage_line,
    _grid,
    _new_book,
    _note,
    _proposals,
    _signatures,
    _table_sheet,
    _titles,
)
from pipeline.outputs.workbooks.vote import vote_sheet
from pipeline.scoring.score import exemplar_key

# ---- annual workbook -----------------------------------------------------------------------------
PROPOSAL_ORDER = {model.BANG_KHEN: 0, model.GIAY_KHEN: 1, model.PRAISE: 2}


def write_annual_workbook(report: model.AnnualReport, path: Path) -> None:
    """`TongHop_<year>.xlsx`: overview, the year's evaluation, proposals, comparison."""
    plan = report.plan
    label = f"năm {report.year}"
    ctx = BookContext(plan, label, report.run_date,
                   f"Đánh giá điển hình tiên tiến {label}")
    with _new_book(Path(path), report.run_date, ctx.book_title) as (book, fmt):
        evaluations = report.evaluations
        _annual_overview(book, fmt, ctx, report)
        frame = numbered(with_unit_names(in_unit_order(evaluations, plan, "ma_dien_hinh"), plan))
        columns = [c for c in ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao",
                               "ky", "diem_chung", "tong_diem", "xep_loai", "xep_loai_nam_truoc",
                               "du_dieu_kien", "ly_do", "hang", "de_xuat", "giai_thich"]
                   if c in frame]
        _table_sheet(book, fmt, ctx, "Đánh giá năm",
                     f"ĐÁNH GIÁ ĐIỂN HÌNH TIÊN TIẾN NĂM {report.year}", frame, columns,
                     name="danh_gia", fills={"xep_loai": CLASS_FILLS,
                                             "xep_loai_nam_truoc": CLASS_FILLS,
                                             "du_dieu_kien": FLAG_FILLS},
                     freeze_col=4, fixed={"stt": 5, "ten_don_vi": 22, "ten": 22, "ly_do": 24,
                                          "giai_thich": 46, "de_xuat": 24})
        proposals = _proposals(evaluations)
        order = sorted(range(len(proposals)), key=lambda i: (
            PROPOSAL_ORDER.get(proposals["de_xuat"].iloc[i], 9),
            plan.unit_order(str(proposals["ma_don_vi"].iloc[i])),
            str(proposals["ma_dien_hinh"].iloc[i])))
        _proposal_sheet_ordered(book, fmt, ctx, proposals.iloc[order].reset_index(drop=True),
                                report.year)
        _comparison_sheet(book, fmt, ctx, report)
        if report.vote is not None:
            vote_sheet(book, fmt, ctx, report.vote)


def _proposal_sheet_ordered(book, fmt, ctx: BookContext, proposals: pd.DataFrame,
                            year: int) -> None:
    """Annual proposals grouped by award (Bằng khen, Giấy khen, Biểu dương)."""
    plan = ctx.plan
    frame = numbered(with_unit_names(proposals, plan))
    columns = ["stt", "ten_don_vi", "ten", "loai", "phong_trao", "tong_diem", "xep_loai", "hang",
               "de_xuat"]
    sheet = SheetWriter(_add_sheet(book, "Đề nghị khen thưởng"), fmt)
    fixed = {"stt": 5, "ten_don_vi": 30, "ten": 28, "loai": 9, "phong_trao": 10, "tong_diem": 9,
             "xep_loai": 10, "hang": 6, "de_xuat": 38}
    for j, column in enumerate(columns):
        sheet.fixed[j] = fixed[column]
    _titles(sheet, len(columns), f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG ĐIỂN HÌNH TIÊN TIẾN NĂM {year}",
            ctx.subtitle)
    top = 3
    last = sheet.table(frame, columns, top, headers={"ten": "Điển hình"},
                       fills={"xep_loai": CLASS_FILLS})
    if frame.empty:
        sheet.ws.write_string(top + 1, 1, "Không có điển hình được đề nghị khen thưởng.",
                              fmt.cell("text"))
    _signatures(sheet, ctx, last + 2, len(columns))
    sheet.finish(freeze=(top + 1, 0), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))


AWARDS = (model.BANG_KHEN, model.GIAY_KHEN, model.PRAISE)
AWARD_SHORT = {model.BANG_KHEN: "Bằng khen", model.GIAY_KHEN: "Giấy khen",
               model.PRAISE: "Biểu dương"}


AWARD_CHART = {model.BANG_KHEN: "#C0504D", model.GIAY_KHEN: "#1F4E79",
               model.PRAISE: "#9DC3E6"}


YEAR_CHART = ("#1F4E79", "#9DC3E6")  # this year, the year before


def annual_figures(evaluations: pd.DataFrame | None) -> list[tuple[str, int]]:
    """The year's headline numbers: evaluated, eligible, classes, proposals by kind."""
    if evaluations is None:
        evaluations = pd.DataFrame(columns=[*model.DE_XUAT, "du_dieu_kien"])
    eligible = [bool(v) for v in evaluations["du_dieu_kien"]] if (
        "du_dieu_kien" in evaluations) else []
    proposals = count_by(evaluations, "de_xuat", AWARDS)
    return [
        ("Điển hình được đánh giá", len(evaluations)),
        ("Đủ điều kiện xét khen", eligible.count(True)),
        *[(f"Xếp loại {c}", n) for c, n in zip(CLASSES, count_by(evaluations, "xep_loai",
                                                                 CLASSES), strict=True)],
        *[(a, n) for a, n in zip(AWARDS, proposals, strict=True)],
    ]


def evaluated_by_movement(plan: Plan, evaluations: pd.DataFrame | None
                          ) -> list[tuple[str, list[int]]]:
    """Evaluated exemplars per movement (short name): [collectives, individuals]."""
    out = []
    for m in plan.movements:
        rows = (None if evaluations is None
                else where(evaluations, [str(v) == m.code for v in evaluations["phong_trao"]]))
        out.append((m.short, count_by(rows, "loai", TYPES)))
    return out


def proposals_by_movement(plan: Plan, evaluations: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Proposals per movement (short name): [Bằng khen, Giấy khen, Biểu dương]."""
    return [(m.short, count_by(where(evaluations, [str(v) == m.code
                                                   for v in evaluations["phong_trao"]]),
                               "de_xuat", AWARDS)) for m in plan.movements]


def year_changes(report: model.AnnualReport) -> list[str]:
    """What changed since the previous year, exemplar by exemplar, in one sentence."""
    previous = report.previous
    if previous is None:
        return [no_previous_text(report)]
    rank = {c: i for i, c in enumerate(CLASSES)}
    up = down = same = first = 0
    for now, before in zip(report.evaluations["xep_loai"],
                           report.evaluations["xep_loai_nam_truoc"], strict=True):
        if is_blank(before):
            first += 1
        elif rank[str(now)] < rank[str(before)]:
            up += 1
        elif rank[str(now)] > rank[str(before)]:
            down += 1
        else:
            same += 1
    seen = {exemplar_key(u, c) for u, c in zip(report.evaluations["ma_don_vi"],
                                               report.evaluations["ma_dien_hinh"], strict=True)}
    gone = sum(1 for u, c in zip(previous["ma_don_vi"], previous["ma_dien_hinh"], strict=True)
               if exemplar_key(u, c) not in seen)
    return [f"So với năm {report.year - 1}: {up} điển hình nâng xếp loại, {down} điển hình giảm "
            f"xếp loại, {same} điển hình giữ nguyên; {first} điển hình lần đầu được đánh giá; "
            f"{gone} điển hình được đánh giá năm {report.year - 1} không còn trong danh sách "
            f"năm nay (đã rút hoặc không chấm điểm)."]


def no_previous_text(report: model.AnnualReport) -> str:
    """Why there is no comparison: the plan's first year has no earlier year in the plan."""
    if report.year <= report.plan.plan.first_year:
        return (f"Năm {report.year} là năm đầu của kế hoạch: không có năm trước trong kế hoạch "
                "để so sánh.")
    return f"Năm {report.year - 1} không có số liệu đánh giá để so sánh."


def award_list(plan: Plan, evaluations: pd.DataFrame, award: str) -> list[list]:
    """Rows of the overview's list of one award: name, type, movement, total, rank/quota,
    last year's class, unit — in the plan's unit order."""
    names = unit_names(plan)
    chosen = in_unit_order(where(evaluations, [v == award for v in evaluations["de_xuat"]]),
                           plan, "ma_dien_hinh")
    return [[r["ten"], r["loai"], r["phong_trao"], r["tong_diem"],
             f"{int(r['hang'])}/{int(r['chi_tieu'])}", r.get("xep_loai_nam_truoc"),
             names.get(str(r["ma_don_vi"]), str(r["ma_don_vi"]))]
            for r in chosen.to_dict("records")]


def _annual_overview(book, fmt: Formats, ctx: BookContext, report: model.AnnualReport) -> None:
    """Key figures against the year before, by movement and type, proposals by movement,
    who is proposed for Bằng khen and Giấy khen; two native charts beside the tables."""
    plan, now, before = ctx.plan, report.evaluations, report.previous
    sheet = SheetWriter(book.add_worksheet("Tổng quan"), fmt)
    ws = sheet.ws
    sheet.fixed.update(OVERVIEW_WIDTHS)
    _titles(sheet, LIST_COLUMNS, f"ĐÁNH GIÁ ĐIỂN HÌNH TIÊN TIẾN NĂM {report.year}",
            f"{plan.issuer_on(ctx.run_date).name} — {ctx.subtitle}")
    _coverage_line(sheet, LIST_COLUMNS, report.coverage)
    this, then = f"Năm {report.year}", f"Năm {report.year - 1}"

    row = 3
    ws.write_string(row, 0, "1. Kết quả đánh giá và đề nghị khen thưởng", fmt.section())
    figures = annual_figures(now)
    previous = dict(annual_figures(before)) if before is not None else None
    figures_top = row + 1
    # Without an earlier year the comparison columns are left out (the note says why).
    row = _grid(sheet, figures_top, ["Chỉ tiêu", this, then, "Tăng, giảm"][:4 if previous else 2],
                [[f, n, previous[f], n - previous[f]] if previous else [f, n]
                 for f, n in figures],
                ["text", "count", "count", "delta"][:4 if previous else 2],
                label_fills={f"Xếp loại {c}": CLASS_FILLS[c] for c in CLASSES})
    row = _note(sheet, row + 1, LIST_COLUMNS - 1, year_changes(report))

    row += 2
    ws.write_string(row, 0, "2. Điển hình được đánh giá theo phong trào và loại", fmt.section())
    by_movement = evaluated_by_movement(plan, now)
    earlier = dict(evaluated_by_movement(plan, before)) if before is not None else None
    rows = []
    for short, counts in by_movement:
        total = sum(counts)
        old = None if earlier is None else sum(earlier[short])
        rows.append([short, *counts, total, *([] if old is None else [old, total - old])])
    compared = earlier is not None
    row = _grid(sheet, row + 1, ["Phong trào", *TYPES, "Cộng",
                                 *([then, "Tăng, giảm"] if compared else [])], rows,
                ["text", "count", "count", "count", *(["count", "delta"] if compared else [])])

    row += 2
    ws.write_string(row, 0, "3. Đề nghị khen thưởng theo phong trào", fmt.section())
    awards_top = row + 1
    by_award = proposals_by_movement(plan, now)
    row = _grid(sheet, awards_top, ["Phong trào", *AWARD_SHORT.values(), "Cộng"],
                [[short, *counts, sum(counts)] for short, counts in by_award],
                ["text", "count", "count", "count", "count"])

    row = max(row + 2, figures_top - 1 + 2 * CHART_ROWS)
    ws.set_h_pagebreaks([row])  # the lists of names print on the second page, below the charts
    headers = ["Điển hình", "Loại", "Phong trào", "Tổng điểm", "Hạng/chỉ tiêu",
               "Xếp loại năm trước", "Đơn vị"]
    kinds = ["text", "centered", "centered", "score", "centered", "centered", "text"]
    for number, award in enumerate((model.BANG_KHEN, model.GIAY_KHEN), start=4):
        rows = award_list(plan, now, award)
        ws.write_string(row, 0, f"{number}. {award} ({len(rows)})", fmt.section())
        row = _grid(sheet, row + 1, headers, rows, kinds) + 2
    _note(sheet, row - 1, LIST_COLUMNS, [
        "Hạng/chỉ tiêu: thứ hạng của điển hình trong nhóm cùng phong trào và loại / số Giấy "
        f"khen của nhóm ({quota_text(plan)} số điển hình đủ điều kiện)."])

    _annual_charts(book, sheet, report, figures_top, awards_top, len(by_award),
                   previous is not None)
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)


def quota_text(plan: Plan) -> str:
    """The Giấy khen quota as a person reads it: '30 %'."""
    percent = Decimal(str(plan.awards.giay_khen_quota)) * 100
    return f"{percent.normalize():f} %".replace(".", ",")


def _annual_charts(book, sheet: SheetWriter, report: model.AnnualReport, figures_top: int,
                   awards_top: int, movements: int, with_previous: bool) -> None:
    """Classification this year against the year before; proposals by movement (stacked)."""
    name = sheet.ws.get_name()
    first_class = figures_top + 3  # figure rows: evaluated, eligible, then the four classes
    classes = book.add_chart({"type": "column"})
    for j in (1, 2) if with_previous else (1,):
        classes.add_series({
            "name": [name, figures_top, j],
            "categories": [name, first_class, 0, first_class + 3, 0],
            "values": [name, first_class, j, first_class + 3, j],
            "fill": {"color": YEAR_CHART[j - 1]},
            "data_labels": {"value": True, "font": {"name": FONT, "size": 9}},
        })
    _chart_fonts(classes, f"Xếp loại điển hình năm {report.year}"
                 + (f" so với năm {report.year - 1}" if with_previous else ""))
    sheet.ws.insert_chart(figures_top - 1, OVERVIEW_CHART_COL, classes, CHART_PLACE)

    awards = book.add_chart({"type": "column", "subtype": "stacked"})
    for j, award in enumerate(AWARDS, start=1):
        awards.add_series({
            "name": [name, awards_top, j],
            "categories": [name, awards_top + 1, 0, awards_top + max(movements, 1), 0],
            "values": [name, awards_top + 1, j, awards_top + max(movements, 1), j],
            "fill": {"color": AWARD_CHART[award]}, "gap": 80,
            "data_labels": {"value": True, "num_format": "#,##0;;",
                            "font": {"name": FONT, "size": 9}},
        })
    _chart_fonts(awards, "Đề nghị khen thưởng theo phong trào")
    sheet.ws.insert_chart(figures_top - 1 + CHART_ROWS, OVERVIEW_CHART_COL, awards, CHART_PLACE)


def _comparison_sheet(book, fmt: Formats, ctx: BookContext, report: model.AnnualReport) -> None:
    """Year on year: by movement × type, and by classification."""
    plan, now, before = ctx.plan, report.evaluations, report.previous
    sheet = SheetWriter(book.add_worksheet("So sánh năm trước"), fmt)
    sheet.fixed.update({0: 36, 1: 12, 2: 12, 3: 12, 4: 12})
    if before is None:  # nothing to compare with: say why instead of empty columns
        _titles(sheet, 5, f"KẾT QUẢ NĂM {report.year}", ctx.subtitle)
        _note(sheet, 3, 5, [no_previous_text(report)])
        sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                     period_label=ctx.label, repeat=None)
        return
    _titles(sheet, 5, f"SO SÁNH KẾT QUẢ NĂM {report.year} VỚI NĂM {report.year - 1}",
            ctx.subtitle)

    def count(frame, movement, kind):
        if frame is None:
            return None
        return sum(1 for m, k in zip(frame["phong_trao"], frame["loai"], strict=True)
                   if m == movement and k == kind)

    rows = []
    for m in plan.movements:
        for kind in TYPES:
            n, b = count(now, m.code, kind), count(before, m.code, kind)
            rows.append([m.short, kind, n, b, None if b is None else n - b])
    this, last_year = f"Năm {report.year}", f"Năm {report.year - 1}"
    sheet.ws.write_string(3, 0, "1. Điển hình được đánh giá theo phong trào và loại",
                          fmt.section())
    top = 4
    end = _grid(sheet, top, ["Phong trào", "Loại", this, last_year, "Tăng, giảm"], rows,
                ["text", "text", "count", "count", "delta"])
    sheet.ws.write_string(end + 2, 0, "2. Xếp loại", fmt.section())
    n = count_by(now, "xep_loai", CLASSES)
    b = count_by(before, "xep_loai", CLASSES) if before is not None else None
    rows = [[c, n[i], None if b is None else b[i], None if b is None else n[i] - b[i]]
            for i, c in enumerate(CLASSES)]
    _grid(sheet, end + 3, ["Xếp loại", this, last_year, "Tăng, giảm"], rows,
          ["text", "count", "count", "delta"], label_fills=CLASS_FILLS)
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)
