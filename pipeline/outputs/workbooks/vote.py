"""The annual workbook's `Biểu quyết` sheet: the council's tally per proposal, the quorum line
and a chart of each proposal's yes-share against its kind's threshold."""

from __future__ import annotations

from decimal import Decimal

from pipeline.outputs.workbooks.columns import FONT, unit_names
from pipeline.outputs.workbooks.sheets import (
    BookContext,
    Formats,
    SheetWriter,
    _chart_fonts,
    _grid,
    _note,
    _titles,
)
from pipeline.text import vn_date

VOTE_FILLS = {"Thông qua": "#C6EFCE", "Không thông qua": "#F8CBAD", "Chưa đủ số phiếu": "#FFEB9C"}


def vote_sheet(book, fmt: Formats, ctx: BookContext, vote) -> None:
    """`Biểu quyết`: the council's tally per proposal (pipeline.council.tally.Vote), the quorum
    line, and a chart of each proposal's yes-share against its kind's threshold."""
    from pipeline.council.members import SHORT

    plan, table = ctx.plan, vote.table
    sheet = SheetWriter(book.add_worksheet("Biểu quyết"), fmt)
    headers = ["STT", "Đơn vị", "Mã điển hình", "Tên điển hình", "Đề xuất", "Đồng ý",
               "Không đồng ý", "Không bỏ phiếu", "Chưa gửi phiếu", "Thành viên", "Tỷ lệ đồng ý",
               "Ngưỡng", "Tỷ lệ thông qua", "Kết quả", "Đề xuất sau biểu quyết", "Ghi chú"]
    kinds = ["int", "text", "text", "text", "text", "count", "count", "count", "count", "count",
             "score", "score", "centered", "centered", "text", "long"]
    sheet.fixed.update({0: 5, 1: 24, 2: 12, 3: 24, 4: 11, 5: 8, 6: 9, 7: 9, 8: 9, 9: 10, 10: 9,
                        11: 9, 12: 10, 13: 15, 14: 30, 15: 40})
    _titles(sheet, len(headers), f"KẾT QUẢ BIỂU QUYẾT CỦA {vote.council.upper()} NĂM "
            f"{vote.year}", ctx.subtitle)
    met = "đạt" if vote.quorum_met else "chưa đạt"
    from pipeline.council.members import share_text

    _note(sheet, 2, len(headers), [
        f"Ngày họp {vn_date(vote.meeting)}: {len(vote.present)}/{len(vote.members)} thành viên "
        f"gửi phiếu, {met} tỷ lệ tối thiểu {share_text(vote.quorum)}."])
    names = unit_names(plan)
    rows = []
    for i, r in enumerate(table.to_dict("records"), start=1):
        rule = vote.rules[r["de_xuat"]]
        rows.append([i, names.get(r["ma_don_vi"], r["ma_don_vi"]), r["ma_dien_hinh"], r["ten"],
                     SHORT.get(r["de_xuat"], r["de_xuat"]), r["dong_y"], r["khong_dong_y"],
                     r["khong_bo_phieu"], r["chua_gui"], r["thanh_vien"], r["ty_le"],
                     Decimal(rule.threshold.numerator) / Decimal(rule.threshold.denominator),
                     r["dieu_kien"], r["ket_qua"], r["de_xuat_thong_qua"], r["ghi_chu"]])
    top = 4
    last = _grid(sheet, top, headers, rows, kinds)
    for i, r in enumerate(rows, start=1):  # the result's colour
        sheet.ws.write_string(top + i, 13, r[13], fmt.cell("centered", VOTE_FILLS.get(r[13])))
    if rows:
        chart = book.add_chart({"type": "column"})
        name = sheet.ws.get_name()
        chart.add_series({"name": "Tỷ lệ đồng ý", "categories": [name, top + 1, 2, last, 2],
                          "values": [name, top + 1, 10, last, 10],
                          "fill": {"color": "#1F4E79"}, "gap": 60})
        line = book.add_chart({"type": "line"})
        line.add_series({"name": "Ngưỡng thông qua", "categories": [name, top + 1, 2, last, 2],
                         "values": [name, top + 1, 11, last, 11],
                         "line": {"none": True},
                         "marker": {"type": "dash", "size": 9,
                                    "border": {"color": "#C0504D"}, "fill": {"color": "#C0504D"}}})
        chart.combine(line)
        _chart_fonts(chart, "Tỷ lệ đồng ý của từng đề xuất so với ngưỡng thông qua")
        chart.set_y_axis({"min": 0, "max": 1, "major_unit": 0.1, "num_format": "0%",
                          "num_font": {"name": FONT, "size": 10},
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_size({"width": max(720, 26 * len(rows)), "height": 340})
        sheet.ws.insert_chart(last + 2, 1, chart, {"object_position": 1})
    sheet.finish(freeze=(top + 1, 3), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=(top, top))
