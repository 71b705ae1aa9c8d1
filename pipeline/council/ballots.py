"""`make ballots`: one ballot workbook per member valid on the meeting date.

In: the plan, the year, the meeting date and the proposals (`members.proposals`). Out: the
files `PhieuBau_<year>_<member code>.xlsx` in a folder: a cover `Thông tin` (year, member,
ballot ID, the date the member fills in) and a sheet `Phiếu bầu` listing every proposal with an
`Ý kiến` dropdown (Đồng ý / Không đồng ý; blank = abstain) and `Ghi chú`. Both sheets are
protected without a password: only `Ý kiến`, `Ghi chú` and the date can be typed in; a row the
member may not vote on (own unit, when the plan recuses) reads `Không bỏ phiếu`, locked.

Deterministic bytes: the document date is the run date, no clock is read.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import xlsxwriter

from pipeline.config import CouncilMember, Plan
from pipeline.council import forms
from pipeline.council.members import ballot_id, recused, role_label, voters
from pipeline.scoring.score import text_of

FONT = "Times New Roman"
HEADER_FILL = "#D9E1F2"
OPEN_FILL = "#FFF2CC"  # the cells a member types in
LOCKED_FILL = "#F2F2F2"
TOP = 3  # the header row of `Phiếu bầu` (0-based); rows 0-1 are titles


def ballot_name(year: int, member: str) -> str:
    return f"PhieuBau_{year}_{member}.xlsx"


def write_ballots(plan: Plan, year: int, run_date: dt.date, meeting_date: dt.date,
                  listed: pd.DataFrame, folder: Path) -> list[Path]:
    """Every voting member's ballot into `folder`; returns the paths in the plan's order."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for member in voters(plan, meeting_date):
        path = folder / ballot_name(year, member.code)
        write_ballot(plan, year, run_date, member, listed, path)
        written.append(path)
    return written


def write_ballot(plan: Plan, year: int, run_date: dt.date, member: CouncilMember,
                 listed: pd.DataFrame, path: Path) -> None:
    options = {"strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False,
               "default_format_properties": {"font_name": FONT, "font_size": 11}}
    with tempfile.TemporaryDirectory(prefix="phieu-") as scratch:
        book = xlsxwriter.Workbook(str(path), {**options, "tmpdir": scratch})
        book.set_properties({"title": f"Phiếu bầu năm {year} – {member.code}",
                             "author": plan.council.name,
                             "created": dt.datetime.combine(run_date, dt.time())})
        styles = _styles(book)
        rows = listed.to_dict("records")
        own = [recused(plan, member, text_of(r["ma_don_vi"])) for r in rows]
        _cover(book, styles, plan, year, member, ballot_id(year, member.code, listed), any(own))
        _ballot(book, styles, plan, year, member, rows, own)
        book.close()


def _styles(book) -> dict:
    def fmt(**props):
        return book.add_format({"font_name": FONT, "font_size": 11, "valign": "top", **props})

    cell = {"border": 1, "border_color": "#A6A6A6", "text_wrap": True}
    return {
        "title": fmt(bold=True, font_size=14, align="center", valign="vcenter"),
        "subtitle": fmt(italic=True, font_size=12, align="center", valign="vcenter"),
        "header": fmt(bold=True, bg_color=HEADER_FILL, border=1, border_color="#808080",
                      align="center", valign="vcenter", text_wrap=True),
        "label": fmt(bold=True, **cell),
        "text": fmt(**cell),
        "center": fmt(align="center", **cell),
        "left": fmt(align="left", **cell),
        "number": fmt(num_format="#,##0.00", align="right", **cell),
        "open": fmt(bg_color=OPEN_FILL, locked=False, align="center", **cell),
        "open_text": fmt(bg_color=OPEN_FILL, locked=False, **cell),
        "open_date": fmt(bg_color=OPEN_FILL, locked=False, num_format="dd/mm/yyyy",
                         align="left", **cell),
        "closed": fmt(bg_color=LOCKED_FILL, align="center", italic=True, **cell),
        "closed_text": fmt(bg_color=LOCKED_FILL, **cell),
        "note": fmt(italic=True, text_wrap=True),
        "sign": fmt(bold=True, align="center"),
        "sign_note": fmt(italic=True, align="center"),
    }


def _protect(ws) -> None:
    """Locked cells cannot be typed in; no password (anyone may read, and unprotect)."""
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True,
                    "format_columns": True, "format_rows": True})


def _cover(book, styles: dict, plan: Plan, year: int, member: CouncilMember, identifier: str,
           any_recused: bool) -> None:
    ws = book.add_worksheet(forms.COVER_NAME)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 70)
    ws.merge_range(0, 0, 0, 1, "PHIẾU BẦU", styles["title"])
    ws.merge_range(1, 0, 1, 1, f"Biểu quyết đề nghị khen thưởng điển hình tiên tiến năm {year}"
                   f" – {plan.council.name}", styles["subtitle"])
    ws.set_row(0, 24)
    ws.set_row(1, 20)
    ws.write_string(3, 0, "Mục", styles["header"])
    ws.write_string(3, 1, "Nội dung", styles["header"])
    role = role_label(member) + (f" ({member.title})" if member.title else "")
    values = {"nam": year, "ma_thanh_vien": member.code, "ho_ten": member.name,
              "chuc_danh": role, "ma_phieu": identifier, "ngay": None}
    for i, item in enumerate(forms.COVER_ITEMS, start=4):
        ws.write_string(i, 0, item.label, styles["label"])
        value = values[item.key]
        if item.editable:
            ws.write_blank(i, 1, None, styles["open_date"])
            ws.data_validation(i, 1, i, 1, {
                "validate": "date", "criteria": ">=", "value": dt.date(year, 1, 1),
                "input_title": item.label, "input_message": "Ngày bỏ phiếu, dạng dd/mm/yyyy.",
                "error_title": item.label, "error_message": "Vui lòng nhập ngày dạng dd/mm/yyyy."})
        elif isinstance(value, int):
            ws.write_number(i, 1, value, styles["left"])
        else:
            ws.write_string(i, 1, value, styles["text"])
    guide = [
        "Hướng dẫn:",
        f"1. Ở trang '{forms.BALLOT_NAME}', chọn '{forms.AGREE}' hoặc '{forms.DISAGREE}' ở cột "
        "'Ý kiến' cho từng đề xuất; để trống là không bỏ phiếu. Có thể ghi ý kiến khác ở cột "
        "'Ghi chú'.",
        "2. Ghi 'Ngày bỏ phiếu' ở trang này (dd/mm/yyyy). Nếu gửi lại phiếu, phiếu có ngày "
        "bỏ phiếu sau được dùng.",
        "3. Không sửa các cột khác, không thêm, xóa dòng; lưu tệp và gửi lại Thư ký Hội đồng.",
    ]
    if any_recused:
        guide.append(f"4. Dòng ghi sẵn '{forms.NO_VOTE}' là điển hình thuộc đơn vị của thành "
                     "viên: thành viên không biểu quyết đối với điển hình này.")
    row = 4 + len(forms.COVER_ITEMS) + 1
    for offset, line in enumerate(guide):
        ws.merge_range(row + offset, 0, row + offset, 1, line,
                       styles["label" if offset == 0 else "note"])
        ws.set_row(row + offset, 17 if len(line) < 100 else 32)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    _protect(ws)


def _ballot(book, styles: dict, plan: Plan, year: int, member: CouncilMember, rows: list[dict],
            own: list[bool]) -> None:
    ws = book.add_worksheet(forms.BALLOT_NAME)
    columns = forms.BALLOT.columns
    last = len(columns) - 1
    ws.merge_range(0, 0, 0, last, f"PHIẾU BẦU ĐỀ NGHỊ KHEN THƯỞNG ĐIỂN HÌNH TIÊN TIẾN NĂM "
                   f"{year}", styles["title"])
    ws.merge_range(1, 0, 1, last, f"Thành viên: {member.code} – {member.name} "
                   f"({role_label(member)})", styles["subtitle"])
    ws.set_row(0, 24)
    ws.set_row(1, 20)
    for j, col in enumerate(columns):
        ws.set_column(j, j, col.width)
        ws.write_string(TOP, j, col.header, styles["header"])
    ws.set_row(TOP, 30)
    opinion = [c.key for c in columns].index("y_kien")
    for i, (row, mine) in enumerate(zip(rows, own, strict=True), start=TOP + 1):
        ws.write_number(i, 0, i - TOP, styles["center"])
        for j, col in enumerate(columns[1:], start=1):
            key = col.key
            if key == "y_kien":
                if mine:
                    ws.write_string(i, j, forms.NO_VOTE, styles["closed"])
                else:
                    ws.write_blank(i, j, None, styles["open"])
            elif key == "ghi_chu":
                ws.write_blank(i, j, None, styles["closed_text" if mine else "open_text"])
            elif key == "tong_diem" and text_of(row.get(key)):
                ws.write_number(i, j, float(row[key]), styles["number"])
            else:
                ws.write_string(i, j, text_of(row.get(key)),
                                styles["center" if key in ("ma_don_vi", "loai", "phong_trao",
                                                           "xep_loai") else "text"])
        lines = max(1, -(-len(text_of(row.get("de_xuat"))) // 42),
                    -(-len(text_of(row.get("ten"))) // 32))
        if lines > 1:
            ws.set_row(i, 15 * lines + 2)
    end = TOP + max(len(rows), 1)
    if not rows:
        ws.merge_range(TOP + 1, 0, TOP + 1, last, "(Không có đề xuất nào)", styles["text"])
    open_rows = [TOP + 1 + k for k, mine in enumerate(own) if not mine]
    for first, final in _runs(open_rows):
        ws.data_validation(first, opinion, final, opinion, {
            "validate": "list", "source": list(forms.CHOICES),
            "input_title": "Ý kiến",
            "input_message": "Chọn Đồng ý hoặc Không đồng ý; để trống là không bỏ phiếu.",
            "error_title": "Ý kiến không hợp lệ",
            "error_message": "Chỉ chọn Đồng ý hoặc Không đồng ý (hoặc để trống)."})
    sign = end + 2
    ws.merge_range(sign, opinion - 2, sign, last, "NGƯỜI BỎ PHIẾU", styles["sign"])
    ws.merge_range(sign + 1, opinion - 2, sign + 1, last, "(Ký, ghi rõ họ tên)",
                   styles["sign_note"])
    ws.merge_range(sign + 5, opinion - 2, sign + 5, last, member.name, styles["sign"])
    ws.freeze_panes(TOP + 1, 3)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.repeat_rows(TOP, TOP)
    ws.set_footer(f'&L&"{FONT},Regular"&9Phiếu bầu năm {year} – {member.code}'
                  f'&R&"{FONT},Regular"&9Trang &P/&N')
    ws.activate()
    _protect(ws)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) ranges."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out
