"""The blank unit workbook: generated from the declarations, validated, protected, stable."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from pipeline.config import load_plan
from pipeline.outputs.templates import fit, write_template, write_templates
from pipeline.periods import Period
from schemas.sheets import ACTIVITY_FORMS, COVER_ITEMS, sheets_for
from tests.template_fill import fill_template_with_valid_rows

Q4 = Period(2025, 4)
EXCEL_EPOCH = dt.date(1899, 12, 30)


@pytest.fixture(scope="module")
def plan():
    return load_plan()


@pytest.fixture(scope="module")
def template(plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("mau") / "VP_2025-Q4.xlsx"
    write_template(plan, plan.unit("VP"), Q4, path)
    return path


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


def serial(day: dt.date) -> str:
    return str((day - EXCEL_EPOCH).days)


def validations_by_column(ws) -> dict[str, object]:
    """Column letter -> the data validation covering rows 2..501 of that column."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cells in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(cells.coord)
            assert (min_col, min_row, max_row) == (max_col, 2, 501), cells.coord
            found[get_column_letter(min_col)] = dv
    return found


def column_style(ws, index: int):
    """The column dimension covering a 1-based column (adjacent equal columns are grouped)."""
    return next(d for d in ws.column_dimensions.values() if d.min <= index <= d.max)


def list_values(wb, name: str) -> list[str]:
    sheet, cells = wb.defined_names[name].attr_text.split("!")
    return [c.value for row in wb[sheet][cells.replace("$", "")] for c in row]


# --- structure ----------------------------------------------------------------------------
def test_sheet_names_and_order(book, plan):
    assert book.sheetnames == [
        "Hướng dẫn", "Thông tin", "Đăng ký", "Chấm điểm", "Người tốt việc tốt", "Hoạt động",
        "DanhMuc",
    ]
    assert book.sheetnames[2:6] == [s.name for s in sheets_for(plan)]
    assert book["DanhMuc"].sheet_state == "hidden"
    assert [book[n].sheet_state for n in book.sheetnames[:6]] == ["visible"] * 6


def test_header_row_is_the_declared_headers(book, plan):
    for sheet in sheets_for(plan):
        ws = book[sheet.name]
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns], sheet.name
        assert ws.freeze_panes == ("D2" if sheet.key == "cham_diem" else "A2")
    scores = book["Chấm điểm"]
    assert scores["D1"].value == (
        "G1. Thành tích xuất sắc, tiêu biểu trong lao động, học tập, công tác")
    assert scores["D1"].font.b is True
    assert scores.column_dimensions["D"].width == pytest.approx(9, abs=1)
    assert book["Đăng ký"].column_dimensions["K"].width == pytest.approx(40, abs=1)


def test_cover_is_prefilled(book):
    ws = book["Thông tin"]
    assert [ws["A1"].value, ws["B1"].value] == ["Mục", "Nội dung"]
    assert [ws.cell(r, 1).value for r in range(2, 12)] == [i.label for i in COVER_ITEMS]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, 12)}
    assert values["Mã đơn vị"] == "VP"
    assert values["Tên đơn vị"] == "Văn phòng Sở"
    assert values["Kỳ báo cáo"] == "2025-Q4"
    assert values["Phiên bản mẫu"] == "ĐHTT-2021-2025 v1"
    assert values["Ngày lập"] is None and values["Người lập"] is None
    assert ws["B8"].number_format == "dd/mm/yyyy"
    assert ws["A8"].comment.text == "Ngày lập biểu, dạng dd/mm/yyyy."


def test_cover_validations(book):
    ws = book["Thông tin"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert (dvs["B8"].type, dvs["B8"].operator, dvs["B8"].formula1) == (
        "date", "greaterThanOrEqual", serial(dt.date(2021, 1, 1)))
    assert (dvs["B2"].type, dvs["B2"].formula1) == ("list", "DM_madonvi")
    assert list_values(book, "DM_madonvi") == [
        "VP", "KHTC", "QLXD", "QHKT", "PTDT", "QLN", "TTKD", "TTQH", "QLVT", "KCHT"]
    assert dvs["B5"].prompt == "Họ tên người lập biểu."


def test_hidden_lists_hold_the_declared_choices(book):
    assert list_values(book, "DM_loai") == ["Tập thể", "Cá nhân"]
    assert list_values(book, "DM_phongtrao") == ["VHCS", "HCM", "NVCT"]
    assert list_values(book, "DM_cokhong") == ["Có", "Không"]
    assert list_values(book, "DM_hinhthuc") == list(ACTIVITY_FORMS)
    assert "Tham quan, học tập kinh nghiệm" in list_values(book, "DM_hinhthuc")


def test_every_coded_column_has_a_dropdown_of_its_choices(book, plan):
    checked = 0
    for sheet in sheets_for(plan):
        dvs = validations_by_column(book[sheet.name])
        for index, col in enumerate(sheet.columns, start=1):
            if col.choices:
                dv = dvs[get_column_letter(index)]
                assert dv.type == "list", (sheet.name, col.header)
                assert list_values(book, dv.formula1) == list(col.choices)
                checked += 1
    assert checked == 11


def test_every_score_column_is_bounded_by_its_criterion(book, plan):
    sheet = sheets_for(plan)[1]
    dvs = validations_by_column(book[sheet.name])
    criteria = {c.code: c for c in plan.all_criteria}
    scores = [(i, c) for i, c in enumerate(sheet.columns, start=1) if c.kind == "score"]
    assert [c.key for _, c in scores] == [
        "G1", "G2", "G3", "G4", "G5", "V1", "V2", "V3", "V4", "V5", "V6",
        "H1", "H2", "H3", "H4", "N1", "N2", "N3"]
    for index, col in scores:
        dv = dvs[get_column_letter(index)]
        crit = criteria[col.key]
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == (
            "decimal", None, "0", str(crit.max))
        assert crit.text in dv.prompt
        assert dv.promptTitle == f"{crit.code} (0–{crit.max} điểm)"
    assert dvs["D"].prompt == ("Điểm tiêu chí chung G1: Thành tích xuất sắc, tiêu biểu trong "
                               "lao động, học tập, công tác (từ 0 đến 20).")


@pytest.mark.parametrize(("sheet_name", "header", "expected"), [
    ("Đăng ký", "Năm sinh", ("whole", None, "1940", "2007")),
    ("Đăng ký", "Mã điển hình", ("textLength", "lessThanOrEqual", "20", None)),
    ("Đăng ký", "Ngày đăng ký",
     ("date", None, serial(dt.date(2021, 1, 1)), serial(dt.date(2025, 12, 31)))),
    ("Chấm điểm", "Số sáng kiến", ("whole", "greaterThanOrEqual", "0", None)),
    ("Người tốt việc tốt", "Tháng", ("whole", None, "10", "12")),
    ("Người tốt việc tốt", "Nội dung việc tốt",
     ("textLength", "greaterThanOrEqual", "20", None)),
    ("Hoạt động", "Ngày",
     ("date", None, serial(dt.date(2025, 10, 1)), serial(dt.date(2025, 12, 31)))),
    ("Hoạt động", "Số người tham gia", ("whole", "greaterThanOrEqual", "0", None)),
])
def test_numeric_and_date_bounds(book, sheet_name, header, expected):
    ws = book[sheet_name]
    letter = next(c.column_letter for c in ws[1] if c.value == header)
    dv = validations_by_column(ws)[letter]
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == expected
    assert dv.showErrorMessage and dv.error.startswith(f"{header}: ")


def test_date_columns_show_day_first(book):
    assert column_style(book["Đăng ký"], 13).number_format == "dd/mm/yyyy"
    assert column_style(book["Hoạt động"], 2).number_format == "dd/mm/yyyy"
    assert column_style(book["Đăng ký"], 2).number_format == "@"  # codes stay text


def test_data_sheets_are_protected_without_password_and_fillable(book, plan):
    for sheet in sheets_for(plan):
        ws = book[sheet.name]
        assert ws.protection.sheet is True and ws.protection.password is None
        # False means "not prevented": units may resize, sort and filter.
        assert not ws.protection.formatColumns and not ws.protection.sort
        assert not ws.protection.autoFilter
        indexes = range(1, len(sheet.columns) + 1)
        assert all(ws.cell(1, i).protection.locked for i in indexes), sheet.name
        assert not any(column_style(ws, i).protection.locked for i in indexes), sheet.name
    cover = book["Thông tin"]
    assert cover.protection.sheet is True
    assert cover["B10"].protection.locked is True  # Phiên bản mẫu is the Department's
    assert column_style(cover, 2).protection.locked is False


def test_print_setup(book):
    for name in book.sheetnames[:6]:
        ws = book[name]
        assert ws.page_setup.paperSize == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert "&P" in ws.oddFooter.center.text, name
    assert [book[n].page_setup.orientation for n in book.sheetnames[:6]] == [
        "landscape", "portrait", "landscape", "landscape", "landscape", "landscape"]
    # fitToWidth absent means 1 in OOXML; only the wide score sheet spans two pages.
    assert [book[n].page_setup.fitToWidth or 1 for n in book.sheetnames[:6]] == [
        1, 1, 1, 2, 1, 1]
    assert book["Đăng ký"].print_title_rows == "$1:$1"
    assert book["Chấm điểm"].print_title_cols == "$A:$C"


def test_guide_lists_each_sheet_its_lines_and_columns(book, plan):
    ws = book["Hướng dẫn"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    first = [r[0] for r in cells]
    assert "Hạn gửi: 10/01/2026." in first[2]
    for sheet in sheets_for(plan):
        start = first.index(f"Trang «{sheet.name}»")
        assert first[start + 1: start + 1 + len(sheet.guide)] == [f"• {g}" for g in sheet.guide]
        table = start + 1 + len(sheet.guide)
        assert cells[table] == ["Cột / Mục", "Bắt buộc", "Giá trị cho phép", "Hướng dẫn", "Ví dụ"]
        assert first[table + 1: table + 1 + len(sheet.columns)] == [c.header for c in sheet.columns]
    birth = cells[first.index("Năm sinh")]
    assert birth == ["Năm sinh", "Bắt buộc với cá nhân", "Năm (4 chữ số) từ 1940 đến 2007",
                     "Bắt buộc với cá nhân; để trống với tập thể.", "1985"]
    forms = cells[first.index("Hình thức")]
    assert forms[2] == "; ".join(ACTIVITY_FORMS)


# --- determinism and the set of units ------------------------------------------------------
def test_two_generations_are_identical(plan, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_template(plan, plan.unit("TTKD"), Q4, first)
    write_template(plan, plan.unit("TTKD"), Q4, second)
    assert first.read_bytes() == second.read_bytes()
    core = zipfile.ZipFile(first).read("docProps/core.xml").decode()
    assert "2025-10-01T00:00:00Z" in core


def test_units_follow_the_plan_dates(plan, tmp_path):
    q1 = write_templates(plan, Period(2025, 1), tmp_path / "q1")
    assert [p.name for p in q1] == [
        "VP_2025-Q1.xlsx", "TTR_2025-Q1.xlsx", "KHTC_2025-Q1.xlsx", "QLXD_2025-Q1.xlsx",
        "QHKT_2025-Q1.xlsx", "PTDT_2025-Q1.xlsx", "QLN_2025-Q1.xlsx", "TTKD_2025-Q1.xlsx",
        "TTQH_2025-Q1.xlsx", "QLVT_2025-Q1.xlsx", "KCHT_2025-Q1.xlsx"]
    assert all(p.is_file() for p in q1)
    q4_2024 = {p.name for p in write_templates(plan, Period(2024, 4), tmp_path / "q0")}
    assert "QLVT_2024-Q4.xlsx" not in q4_2024 and "KCHT_2024-Q4.xlsx" not in q4_2024
    assert len(q4_2024) == 9
    q3 = {p.name for p in write_templates(plan, Period(2025, 3), tmp_path / "q3")}
    assert "TTR_2025-Q3.xlsx" not in q3 and "QLVT_2025-Q3.xlsx" in q3
    assert sorted(p.name for p in (tmp_path / "q3").iterdir()) == sorted(q3)


# --- Excel's limits -------------------------------------------------------------------------
def test_fit_keeps_short_text_and_cuts_long_text_at_a_word():
    assert fit("Tận tụy, trách nhiệm", 32) == "Tận tụy, trách nhiệm"
    cut = fit("Tinh thần trách nhiệm, quyết liệt trong công việc", 32)
    assert cut == "Tinh thần trách nhiệm, quyết…"
    assert len(cut) <= 32


def test_a_very_long_criterion_text_is_shortened_in_the_prompt(plan, tmp_path):
    long_text = "Thành tích xuất sắc " * 20  # 400 characters
    g1 = plan.general_criteria[0].model_copy(update={"text": long_text.strip()})
    long_plan = plan.model_copy(update={"general_criteria": [g1, *plan.general_criteria[1:]]})
    path = tmp_path / "VP.xlsx"
    write_template(long_plan, plan.unit("VP"), Q4, path)
    dv = validations_by_column(openpyxl.load_workbook(path)["Chấm điểm"])["D"]
    assert len(dv.prompt) <= 255 and dv.prompt.endswith("…")
    assert dv.prompt.startswith("Điểm tiêu chí chung G1: Thành tích xuất sắc Thành tích")
    assert dv.formula2 == "20"


# --- filling the template ------------------------------------------------------------------
def satisfies(wb, dv, value) -> bool:
    """Does a value pass an Excel data validation of the kinds the template uses?"""
    if dv.type is None:
        return True
    if dv.type == "list":
        return value in list_values(wb, dv.formula1)
    if dv.type == "textLength":
        number, kind = len(value), int
    elif dv.type == "date":
        number, kind = (value - EXCEL_EPOCH).days, int
    else:
        number, kind = value, (int if dv.type == "whole" else float)
        if dv.type == "whole" and not float(value).is_integer():
            return False
    low = kind(float(dv.formula1))
    if dv.operator == "greaterThanOrEqual":
        return number >= low
    if dv.operator == "lessThanOrEqual":
        return number <= low
    return low <= number <= kind(float(dv.formula2))


def test_valid_rows_fill_the_template_and_pass_its_validations(plan, tmp_path):
    path = tmp_path / "VP_2025-Q4.xlsx"
    write_template(plan, plan.unit("VP"), Q4, path)
    rows = fill_template_with_valid_rows(path, plan, Q4)
    wb = openpyxl.load_workbook(path)
    assert wb["DanhMuc"].sheet_state == "hidden" and wb["Đăng ký"].protection.sheet
    cover = wb["Thông tin"]
    assert cover["B2"].value == "VP" and cover["B8"].value == dt.datetime(2025, 12, 31)
    assert [r["loai"] for r in rows["dang_ky"]] == ["Tập thể", "Cá nhân", "Cá nhân"]
    assert {r["phong_trao"] for r in rows["dang_ky"]} == {"VHCS", "HCM", "NVCT"}
    written = 0
    for sheet in sheets_for(plan):
        ws = wb[sheet.name]
        dvs = validations_by_column(ws)
        for offset, row in enumerate(rows[sheet.key]):
            for key, value in row.items():
                letter = get_column_letter(
                    next(i for i, c in enumerate(sheet.columns, 1) if c.key == key))
                cell = ws[f"{letter}{2 + offset}"]
                stored = cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value
                assert stored == value, (sheet.name, key)
                if letter in dvs:
                    assert satisfies(wb, dvs[letter], value), (sheet.name, key, value)
                written += 1
    assert written == 33 + (19 + 14 + 14) + 10 + 6
    score_row = rows["cham_diem"][0]
    assert [score_row[c] for c in ("G1", "G4", "V1", "V6")] == [18.5, 4, 8.5, 6]
    assert wb["Chấm điểm"]["O2"].value is None  # H1: not the collective's movement
    assert [r.get("xep_loai_cb") for r in rows["cham_diem"]] == [None, "HTXSNV", "HTTNV"]


def test_satisfies_rejects_what_the_template_forbids(book):
    dvs = validations_by_column(book["Chấm điểm"])
    assert not satisfies(book, dvs["D"], 20.5)  # G1 above its maximum
    assert not satisfies(book, dvs["D"], -1)
    assert not satisfies(book, dvs["A"], 1.5)
    assert not satisfies(book, dvs["X"], "co")  # the reader tolerates it, the dropdown not
    month = validations_by_column(book["Người tốt việc tốt"])["F"]
    assert not satisfies(book, month, 9) and satisfies(book, month, 12)
    day = validations_by_column(book["Hoạt động"])["B"]
    assert not satisfies(book, day, dt.date(2025, 9, 30))
