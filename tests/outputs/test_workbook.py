"""The consolidated workbooks: written with xlsxwriter, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from pipeline import model
from pipeline.outputs.workbooks.annual import write_annual_workbook, year_changes
from pipeline.outputs.workbooks.columns import (
    ANNUAL_SHEETS,
    COUNCIL_FILL,
    MAX_TEXT_WIDTH,
    PERIOD_SHEETS,
    REVIEW_SHEETS,
    has_header,
    header,
    in_unit_order,
    is_blank,
)
from pipeline.outputs.workbooks.quarterly import (
    CRITERION_WIDTH,
    changes_note,
    classes_by_unit,
    write_period_workbook,
)
from pipeline.outputs.workbooks.review import (
    register_layout,
    review_figures,
    write_review_workbook,
    year_label,
)
from pipeline.scoring.review import ACTIVE, WITHDRAWN
from tests.factories import (
    FORMULA_TEXT,
    make_annual_report,
    make_intake,
    make_period_report,
    make_plan,
    make_review_report,
    make_scores,
)

HEADER_ROW = 4  # Excel row of the table header on single-table sheets
SCORE_HEADER_ROW = 5


@pytest.fixture(scope="module")
def report():
    return make_period_report("2025-Q2", run_date=dt.date(2025, 7, 20))


@pytest.fixture(scope="module")
def period_path(report, tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "TongHop_2025-Q2.xlsx"
    write_period_workbook(report, path)
    return path


@pytest.fixture(scope="module")
def book(period_path):
    return openpyxl.load_workbook(period_path)


def _row(ws, row: int) -> list:
    values = [c.value for c in ws[row]]
    while values and values[-1] is None:
        values.pop()
    return values


def _column(ws, letter_or_header: str, header_row: int = HEADER_ROW) -> list:
    """The values under a header, down to the table's last filled row."""
    col = next(c.column for c in ws[header_row] if c.value == letter_or_header)
    values = []
    for r in range(header_row + 1, ws.max_row + 1):
        value = ws.cell(r, col).value
        if value is None and ws.cell(r, 1).value is None:
            break
        values.append(value)
    return values


# ---- structure ----
def test_period_sheets_in_order(book):
    assert book.sheetnames == [
        "Tổng quan", "Nộp báo cáo", "Đăng ký", "Chấm điểm", "Đề xuất", "Người tốt việc tốt",
        "Hoạt động", "Khó khăn - Kiến nghị", "Lỗi dữ liệu"]
    assert tuple(book.sheetnames) == PERIOD_SHEETS


def test_submission_headers_and_units_in_plan_order(book, report):
    ws = book["Nộp báo cáo"]
    assert _row(ws, HEADER_ROW) == ["STT", "Đơn vị", "Trạng thái", "Tệp", "Ngày lập", "Ngày nộp",
                                    "Hạn nộp", "Số lỗi", "Số cảnh báo"]
    plan = report.plan
    assert _column(ws, "Đơn vị") == [u.name for u in plan.units_for(report.period)]
    assert _column(ws, "Trạng thái") == ["Đúng hạn", "Đúng hạn", "Muộn", "Đúng hạn", "Đúng hạn",
                                         "Chưa nộp", "Bị từ chối", "Đúng hạn", "Muộn",
                                         "Đúng hạn", "Chưa nộp"]
    assert ws.cell(HEADER_ROW + 3, 3).fill.fgColor.rgb == "FFFFEB9C"  # Muộn in yellow


def test_score_headers_are_vietnamese_with_council_column_beside_the_unit_score(book):
    ws = book["Chấm điểm"]
    headers = _row(ws, SCORE_HEADER_ROW)
    assert headers[:6] == ["STT", "Đơn vị", "Mã điển hình", "Tên điển hình", "Loại",
                           "Phong trào"]
    assert headers[6:11] == ["G1\nĐV", "G2\nĐV", "G3\nĐV", "G4\nĐV", "G5\nĐV"]
    n1 = headers.index("N1\nĐV")
    assert headers[n1 + 1] == "N1\nHĐ"  # the council scored N1 (QLXD-01)
    assert "V1\nHĐ" not in headers  # nobody adjusted V1: no empty council column
    assert headers[-10:] == ["Điểm chung", "Điểm cụ thể", "Tổng điểm", "Xếp loại",
                             "Đủ điều kiện", "Lý do không đủ điều kiện", "Hạng", "Đề xuất",
                             "Giải thích", "Điều chỉnh của Hội đồng"]
    assert not any(re.fullmatch(r"[a-z_]+", str(h)) for h in headers)
    assert ws.cell(SCORE_HEADER_ROW - 1, 7).value == "Tiêu chí chung"


def test_scores_equal_the_frame(book, report):
    ws = book["Chấm điểm"]
    codes = _column(ws, "Mã điển hình", SCORE_HEADER_ROW)
    totals = _column(ws, "Tổng điểm", SCORE_HEADER_ROW)
    classes = _column(ws, "Xếp loại", SCORE_HEADER_ROW)
    ranks = _column(ws, "Hạng", SCORE_HEADER_ROW)
    expected = report.scores
    assert codes == list(expected["ma_dien_hinh"])
    assert [Decimal(str(t)).quantize(Decimal("0.01")) for t in totals] == list(
        expected["tong_diem"])
    assert classes == list(expected["xep_loai"])
    # the gated exemplars (TTR-01 discipline, KHTC-01 security) have no rank
    assert ranks == [1, 1, None, None, 2, 1, 1, 3, 1, 1]
    eligible = _column(ws, "Đủ điều kiện", SCORE_HEADER_ROW)
    assert eligible[2:4] == ["Không", "Không"]
    reasons = _column(ws, "Lý do không đủ điều kiện", SCORE_HEADER_ROW)
    assert reasons[2] == "đang chịu hình thức kỷ luật"


def test_council_score_is_highlighted_next_to_the_unit_score(book):
    ws = book["Chấm điểm"]
    headers = _row(ws, SCORE_HEADER_ROW)
    row = SCORE_HEADER_ROW + 1 + _column(ws, "Mã điển hình", SCORE_HEADER_ROW).index("QLXD-01")
    dv, hd = headers.index("N1\nĐV") + 1, headers.index("N1\nHĐ") + 1
    assert (ws.cell(row, dv).value, ws.cell(row, hd).value) == (24, 20)
    assert ws.cell(row, hd).fill.fgColor.rgb == "FF" + COUNCIL_FILL[1:]
    assert ws.cell(row, headers.index("Điều chỉnh của Hội đồng") + 1).value == (
        "N1: 24 → 20 (Hồ sơ minh chứng chưa đủ cho mức điểm tối đa)")


def test_number_and_date_formats_and_font(book):
    ws = book["Chấm điểm"]
    total = ws.cell(SCORE_HEADER_ROW + 1, _row(ws, SCORE_HEADER_ROW).index("Tổng điểm") + 1)
    assert total.number_format == "#,##0.00"
    assert total.alignment.horizontal == "right"
    assert total.font.name == "Times New Roman"
    sub = book["Nộp báo cáo"]
    made = sub.cell(HEADER_ROW + 1, 5)
    assert (made.value, made.number_format) == (dt.datetime(2025, 7, 5), "dd/mm/yyyy")
    year = book["Đăng ký"].cell(HEADER_ROW + 1, 6)
    assert (year.value, year.number_format) == (1985, "0")


def test_frozen_header_and_autofilter_on_every_table_sheet(book):
    expected = {
        "Nộp báo cáo": ("C5", "A4:I15"),
        "Đăng ký": ("E5", "A4:O14"),
        "Chấm điểm": ("E6", None),
        "Đề xuất": ("A5", "A4:I8"),
        "Người tốt việc tốt": ("D5", "A4:K7"),
        "Hoạt động": ("C5", "A4:G7"),
        "Khó khăn - Kiến nghị": ("C5", "A4:D6"),
        "Lỗi dữ liệu": ("C5", "A4:H10"),
    }
    for name, (freeze, ref) in expected.items():
        ws = book[name]
        assert ws.freeze_panes == freeze, name
        assert ws.auto_filter.ref == (ref or ws.auto_filter.ref), name
        assert ws.auto_filter.ref.startswith("A4" if name != "Chấm điểm" else "A5"), name
    overview = book["Tổng quan"]
    assert overview.freeze_panes == "A4"
    assert len(overview.tables) == 5  # each summary block is an Excel table with its filter


def test_print_setup_a4_landscape_one_page_wide_with_footer(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth="1" is the OOXML default, so the attribute is left out of the file
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        footer = ws.oddFooter
        assert "quý II năm 2025" in footer.center.text, ws.title
        assert footer.right.text == "Trang &P/&N", ws.title
    assert book["Đăng ký"].print_title_rows == "$4:$4"
    assert book["Chấm điểm"].print_title_rows == "$4:$5"


def test_widths_fitted_and_capped(book):
    for ws in book.worksheets:
        widths = [d.width for d in ws.column_dimensions.values() if d.width]
        assert widths and max(widths) <= MAX_TEXT_WIDTH + 1, ws.title
    sub = book["Nộp báo cáo"]
    assert sub.column_dimensions["E"].width >= 11  # dd/mm/yyyy never shows ####
    assert sub.column_dimensions["D"].width >= len("thu-qlxd.eml/BaoCao_QLXD.xlsx") - 2


# ---- content ----
def test_unit_text_starting_with_formula_signs_stays_text(period_path, book):
    ws = book["Chấm điểm"]
    assert FORMULA_TEXT not in [c.value for row in ws.iter_rows() for c in row]  # not shown
    reg = book["Đăng ký"]
    cell = next(c for row in reg.iter_rows() for c in row if c.value == FORMULA_TEXT)
    assert cell.data_type == "s"
    risky = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value[:1] for c in risky} == {"=", "+", "-", "@"}
    assert all(c.data_type == "s" for c in risky)
    with zipfile.ZipFile(period_path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)


def test_proposals_sheet_ready_to_sign(book, report):
    ws = book["Đề xuất"]
    assert ws["A1"].value == "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐỀ XUẤT GIỚI THIỆU"
    assert ws["A2"].value == "Quý II năm 2025 — ngày lập: 20/07/2025"
    assert _row(ws, HEADER_ROW) == ["STT", "Đơn vị", "Điển hình", "Loại", "Phong trào",
                                    "Tổng điểm", "Xếp loại", "Hạng", "Đề xuất"]
    assert _column(ws, "Điển hình") == ["Nguyễn Thị Hoa", "Trần Minh Đức", "Lê Thị Ánh",
                                        "Phạm Quốc Bảo"]
    assert set(_column(ws, "Đề xuất")) == {model.INTRODUCE}
    texts = [c.value for row in ws.iter_rows(min_row=9) for c in row if c.value]
    assert texts == ["Phú Thọ, ngày 20 tháng 07 năm 2025", "NGƯỜI LẬP BIỂU", "LÃNH ĐẠO SỞ",
                     "(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên, đóng dấu)"]


def test_findings_sheet_lists_every_finding_in_unit_order(book, report):
    ws = book["Lỗi dữ liệu"]
    assert _row(ws, HEADER_ROW) == ["STT", "Mức độ", "Đơn vị", "Tệp", "Trang tính", "Ô",
                                    "Mã lỗi", "Nội dung lỗi"]
    assert _column(ws, "Mã lỗi") == ["B08", "C06", "B04", "C14", "S01", "F10"]
    assert _column(ws, "Mức độ") == ["Cảnh báo", "Lỗi", "Lỗi", "Cảnh báo", "Lưu ý", "Lưu ý"]
    assert _column(ws, "Đơn vị")[-1] == "Chưa xác định đơn vị"
    assert ws.cell(HEADER_ROW + 2, 2).fill.fgColor.rgb == "FFF8CBAD"  # Lỗi in red


def test_overview_figures_compare_with_last_quarter(book):
    ws = book["Tổng quan"]
    rows = {r[0].value: [c.value for c in r[1:4]] for r in ws.iter_rows(min_row=4)
            if r[0].value}
    assert rows["Đúng hạn"] == [6, 6, 0]
    assert rows["Đơn vị phải báo cáo"] == [11, 11, 0]
    assert rows["Điển hình được chấm điểm"] == [10, 9, 1]
    assert rows["Xếp loại Xuất sắc"] == [6, 5, 1]
    assert rows["Đề xuất giới thiệu điển hình"] == [4, 3, 1]
    assert rows["Nhiệm vụ chính trị, chuyên môn"] == [1, 3, 4]  # Tập thể, Cá nhân, Cộng
    assert rows["Phòng Quản lý xây dựng"] == [2, 0, 0]  # Xuất sắc, Tốt, Đạt
    assert rows["Nguyễn Thị Hoa (Văn phòng Sở)"] == ["Cá nhân", "NVCT", 96]
    assert ws["A2"].value == "SỞ XÂY DỰNG — Quý II năm 2025 — ngày lập: 20/07/2025"


def test_overview_has_three_native_charts(period_path):
    with zipfile.ZipFile(period_path) as z:
        names = z.namelist()
        charts = sorted(n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 3
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "drawing1.xml" in rels
        drawing = z.read("xl/drawings/_rels/drawing1.xml.rels").decode()
        assert drawing.count("../charts/chart") == 3
        xml = [z.read(n).decode() for n in charts]
    assert "<c:pieChart>" in xml[0]
    assert '<c:barDir val="col"/>' in xml[1]
    assert '<c:barDir val="bar"/>' in xml[2] and '<c:grouping val="stacked"/>' in xml[2]
    assert "Times New Roman" in xml[1]


def test_two_writes_give_identical_bytes(report, period_path, tmp_path):
    again = tmp_path / "again.xlsx"
    write_period_workbook(report, again)
    assert again.read_bytes() == period_path.read_bytes()


def test_document_properties_use_the_run_date(period_path):
    with zipfile.ZipFile(period_path) as z:
        core = z.read("docProps/core.xml").decode()
    assert "2025-07-20T00:00:00Z" in core


def test_report_is_not_changed(report, tmp_path):
    before = report.scores.copy(deep=True)
    write_period_workbook(report, tmp_path / "x.xlsx")
    pd.testing.assert_frame_equal(report.scores, before)


def test_an_empty_quarter_still_writes_every_sheet(tmp_path):
    plan = make_plan()
    intake = make_intake(plan, "2025-Q2", exemplars=())
    empty = model.PeriodReport(plan, intake.period, dt.date(2025, 7, 20), intake,
                               make_scores(plan, intake))
    path = tmp_path / "empty.xlsx"
    write_period_workbook(empty, path)
    wb = openpyxl.load_workbook(path)
    assert tuple(wb.sheetnames) == PERIOD_SHEETS
    assert wb["Chấm điểm"].cell(SCORE_HEADER_ROW + 1, 1).value == "(không có)"
    assert wb["Đề xuất"].cell(HEADER_ROW + 1, 2).value == (
        "Không có điển hình được đề xuất trong kỳ.")


def test_headers_come_from_one_mapping():
    assert header("tong_diem") == "Tổng điểm"
    assert header("de_xuat") == "Đề xuất"
    assert header("de_xuat", "kho_khan") == "Đề xuất, kiến nghị"
    assert (header("G1_dv"), header("N3_hd"), header("V2")) == ("G1\nĐV", "N3\nHĐ", "V2")
    with pytest.raises(KeyError):
        header("cot_la")
    assert not has_header("nguon_la")


# ---- annual and review ----
@pytest.fixture(scope="module")
def annual_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("annual") / "TongHop_2024.xlsx"
    write_annual_workbook(make_annual_report(2024), path)
    return openpyxl.load_workbook(path)


def test_annual_workbook(annual_book):
    assert tuple(annual_book.sheetnames) == ANNUAL_SHEETS
    ws = annual_book["Đề nghị khen thưởng"]
    assert _column(ws, "Đề xuất") == [model.BANG_KHEN, model.BANG_KHEN, model.PRAISE,
                                      model.PRAISE, model.PRAISE]
    assert _column(ws, "Điển hình") == ["Nguyễn Thị Hoa", "Lê Thị Ánh",
                                        "Bộ phận Tiếp nhận và Trả kết quả", "Trần Minh Đức",
                                        "Phạm Quốc Bảo"]
    evaluation = annual_book["Đánh giá năm"]
    assert "Xếp loại năm trước" in _row(evaluation, HEADER_ROW)
    assert "Kỳ đánh giá" in _row(evaluation, HEADER_ROW)
    assert _column(evaluation, "Kỳ đánh giá")[0] == "Quý IV/2024"
    compare = annual_book["So sánh năm trước"]
    rows = [[c.value for c in r[:5]] for r in compare.iter_rows(min_row=6) if r[0].value]
    assert ["Nhiệm vụ chính trị, chuyên môn", "Cá nhân", 3, 3, 0] in rows
    overview = annual_book["Tổng quan"]
    figures = {r[0].value: r[1].value for r in overview.iter_rows(min_row=6) if r[0].value}
    assert figures["Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen"] == 2
    assert overview.oddFooter.center.text == "năm 2024"


def test_review_workbook(tmp_path):
    report = make_review_report("tong-ket")
    path = tmp_path / "TongHop_tong-ket-2021-2025.xlsx"
    write_review_workbook(report, path)
    wb = openpyxl.load_workbook(path)
    assert tuple(wb.sheetnames) == REVIEW_SHEETS
    register = wb["Sổ theo dõi điển hình"]
    assert _column(register, "Mã điển hình") == list(report.register["ma_dien_hinh"])
    assert len(_column(wb["Điển hình tiêu biểu"], "Tên điển hình")) == len(report.honourees)
    trend = wb["Xu hướng"]
    assert _column(trend, "Năm") == [2021, 2022, 2023, 2024, 2025]
    assert _column(trend, "Xuất sắc") == [
        int(report.counts.loc[report.counts["nam"] == y, "xuat_sac"].sum())
        for y in range(2021, 2026)]
    headers = [h for ws in wb.worksheets[1:] for h in _row(ws, HEADER_ROW)]
    assert not any(re.fullmatch(r"[a-z_]+", str(h)) for h in headers)
    register_headers = _row(register, HEADER_ROW)
    assert "Điểm quý II/2021" in register_headers and "Xếp loại năm 2024" in register_headers
    assert not any(h.startswith("Xếp loại quý") for h in register_headers)  # shown as colour
    col = register_headers.index("Điểm quý II/2021") + 1
    first = register.cell(HEADER_ROW + 1, col)
    assert (first.value, first.fill.fgColor.rgb) == (96, "FFC6EFCE")  # VP-01, Xuất sắc
    with zipfile.ZipFile(path) as z:  # two on the overview, two on the trends sheet
        assert len([n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 4


def test_real_pipeline_report_writes_a_consistent_workbook(tmp_path):
    """End to end: generated unit workbooks -> intake -> scoring -> the consolidated workbook."""
    from pipeline.intake.readers import ReaderPool
    from pipeline.periods import Period
    from pipeline.run import build_period_report
    from pipeline.tools.sample import generate

    plan = make_plan()
    generate(plan, [Period(2025, 1), Period(2025, 2)], tmp_path / "inputs")
    with ReaderPool() as pool:
        run = build_period_report(plan, Period(2025, 2), tmp_path / "inputs",
                                  dt.date(2025, 7, 20), pool)
    scores = run.report.scores
    path = tmp_path / "TongHop_2025-Q2.xlsx"
    write_period_workbook(run.report, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Chấm điểm"]
    assert _column(ws, "Mã điển hình", SCORE_HEADER_ROW) == list(scores["ma_dien_hinh"])
    assert [Decimal(str(t)).quantize(Decimal("0.01"))
            for t in _column(ws, "Tổng điểm", SCORE_HEADER_ROW)] == list(scores["tong_diem"])
    assert _column(ws, "Hạng", SCORE_HEADER_ROW) == [
        None if pd.isna(h) else int(h) for h in scores["hang"]]
    assert len(_column(wb["Lỗi dữ liệu"], "Mã lỗi")) == len(run.report.intake.findings)


# ---- what a person sees ----
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_workbook_to_pdf(period_path, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(period_path)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "TongHop_2025-Q2.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 9 <= pages <= 14  # one page per table sheet, two for the overview


# ---- print readability ----
def test_overview_names_the_late_missing_and_rejected_units(book):
    ws = book["Tổng quan"]
    notes = [c.value for row in ws.iter_rows(min_row=10, max_row=12) for c in row[:1]]
    assert notes[:3] == [
        "Muộn: Phòng Kế hoạch - Tài chính; Trung tâm Quy hoạch xây dựng.",
        "Chưa nộp: Phòng Phát triển đô thị và Hạ tầng kỹ thuật; Phòng Quản lý kết cấu hạ tầng "
        "giao thông.",
        "Bị từ chối: Phòng Quản lý nhà và Thị trường bất động sản."]


def test_changes_note_names_new_and_withdrawn_exemplars(report):
    regs = pd.DataFrame({"ma_don_vi": ["QLXD", "VP", "VP"], "ma_dien_hinh": ["X1", "V2", "V1"],
                         "ten": ["Tổ Cấp phép", "Lê Văn Bình", "An Thị Hà"],
                         "ky_dang_ky": ["2025-Q2", "2025-Q2", "2021-Q2"],
                         "trang_thai": ["Mới", "Mới", "Rút"]})
    assert changes_note(report.plan, regs, report.period) == [
        "Đăng ký mới: Lê Văn Bình (Văn phòng Sở); Tổ Cấp phép (Phòng Quản lý xây dựng).",
        "Rút đăng ký: An Thị Hà (Văn phòng Sở)."]


def test_criterion_scores_show_as_typed_in_narrow_columns_with_narrow_margins(book):
    ws = book["Chấm điểm"]
    headers = _row(ws, SCORE_HEADER_ROW)
    g1 = ws.cell(SCORE_HEADER_ROW + 1, headers.index("G1\nĐV") + 1)
    assert g1.number_format == "General"
    letter = openpyxl.utils.get_column_letter(headers.index("G1\nĐV") + 1)
    assert ws.column_dimensions[letter].width == pytest.approx(CRITERION_WIDTH + 0.71, abs=0.01)
    assert (ws.page_margins.left, ws.page_margins.right) == (0.25, 0.25)


def test_criteria_outside_the_movement_are_grey_by_a_conditional_format(book, report):
    """One rule per block of criteria paints (grey, bordered) the cells whose criterion is not
    of the row's movement; those cells are not written when blank."""
    ws = book["Chấm điểm"]
    headers = _row(ws, SCORE_HEADER_ROW)
    movements = _column(ws, "Phong trào", SCORE_HEADER_ROW)
    painted = set()
    for rules in ws.conditional_formatting:
        (rule,) = rules.rules
        assert (rule.dxf.fill.bgColor.rgb, rule.dxf.border.left.style) == ("FFF2F2F2", "thin")
        codes = set(re.findall(r'EXACT\(\$F\d+,"([^"]+)"\)', rule.formula[0]))
        for cells in rules.sqref.ranges:
            for row in range(cells.min_row, cells.max_row + 1):
                if movements[row - SCORE_HEADER_ROW - 1] in codes:
                    painted |= {(row, col) for col in range(cells.min_col, cells.max_col + 1)}
    plan = report.plan
    expected = set()
    for i, movement in enumerate(movements):
        own = {c.code for c in plan.criteria_of(movement)}
        for j, text in enumerate(headers):
            if re.fullmatch(r"[A-Z]\d+\n(ĐV|HĐ)", str(text)) and text.split("\n")[0] not in own:
                expected.add((SCORE_HEADER_ROW + 1 + i, j + 1))
    assert painted == expected and expected
    assert all(ws.cell(r, c).fill.fgColor.rgb != "FFF2F2F2" for r, c in painted)


def test_register_folds_quarters_behind_each_evaluated_year(tmp_path):
    report = make_review_report("tong-ket")
    columns, folded = register_layout(["stt", "ten_don_vi", *report.register.columns])
    assert columns[:13] == ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao",
                            "ky_dang_ky", "trang_thai", "ky_rut", "gioi_tinh", "nam_sinh",
                            "ngay_dang_ky", "ngay_rut"]
    assert columns[13:19] == ["tong_diem_2021_q1", "tong_diem_2021_q2", "tong_diem_2021_q3",
                              "tong_diem_2021_q4", "xep_loai_2021", "de_xuat_2021"]
    assert columns[-1] == "tong_diem_2025_q1"  # 2025 has no annual evaluation: stays in sight
    assert "tong_diem_2024_q4" in folded and "tong_diem_2025_q1" not in folded
    assert not any(c.startswith(("xep_loai_", "de_xuat_")) for c in folded)

    path = tmp_path / "review.xlsx"
    write_review_workbook(report, path)
    ws = openpyxl.load_workbook(path)["Sổ theo dõi điển hình"]
    headers = _row(ws, HEADER_ROW)

    def dimension(title: str):
        col = headers.index(title) + 1
        return next(d for d in ws.column_dimensions.values() if d.min <= col <= d.max)

    quarter, year = dimension("Điểm quý II/2021"), dimension("Xếp loại năm 2021")
    assert (quarter.hidden, quarter.outline_level) == (True, 1)
    assert (year.hidden, year.outline_level) == (False, 0)
    assert not dimension("Điểm quý I/2025").hidden
    proposals = _column(ws, "Đề xuất năm 2024")
    assert set(proposals) - {None} <= {"Bằng khen UBND tỉnh", "Giấy khen Giám đốc Sở",
                                       "Biểu dương"}


# ---- the annual and review overviews ----
def _section(ws, title: str) -> list[list]:
    """The Excel table under a section title of an overview: its header row, then its rows."""
    start = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith(title))
    for table in ws.tables.values():
        low_col, low_row, high_col, high_row = openpyxl.utils.range_boundaries(table.ref)
        if low_row == start + 1:
            return [[c.value for c in row] for row in ws.iter_rows(
                min_row=low_row, max_row=high_row, min_col=low_col, max_col=high_col)]
    raise AssertionError(f"no table under {title!r}")


def _overview_charts(path) -> list[str]:
    """The chart XML of the first sheet (Tổng quan), in the drawing's order."""
    with zipfile.ZipFile(path) as z:
        drawing = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        number = re.search(r"drawing(\d+)\.xml", drawing).group(1)
        rels = z.read(f"xl/drawings/_rels/drawing{number}.xml.rels").decode()
        return [z.read(f"xl/charts/{n}").decode() for n in re.findall(r"charts/(chart\d+\.xml)",
                                                                        rels)]


def _refs(xml: str) -> list[str]:
    return re.findall(r"<c:f>([^<]+)</c:f>", xml)


def _cells(ws, ref: str) -> list:
    """The values of a chart reference like 'Tổng quan'!$B$8:$B$11."""
    low_col, low_row, high_col, high_row = openpyxl.utils.range_boundaries(
        ref.split("!")[1].replace("$", ""))
    return [c.value for row in ws.iter_rows(min_row=low_row, max_row=high_row, min_col=low_col,
                                            max_col=high_col) for c in row]


@pytest.fixture(scope="module")
def annual_report():
    return make_annual_report(2024)


@pytest.fixture(scope="module")
def annual_path(annual_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("annual_ov") / "TongHop_2024.xlsx"
    write_annual_workbook(annual_report, path)
    return path


def test_annual_overview_key_figures_equal_the_frames(annual_path, annual_report):
    ws = openpyxl.load_workbook(annual_path)["Tổng quan"]
    now, before = annual_report.evaluations, annual_report.previous
    table = _section(ws, "1. Kết quả đánh giá")
    assert table[0] == ["Chỉ tiêu", "Năm 2024", "Năm 2023", "Tăng, giảm"]
    figures = {r[0]: r[1:] for r in table[1:]}
    assert list(figures) == [
        "Điển hình được đánh giá", "Đủ điều kiện xét khen", "Xếp loại Xuất sắc", "Xếp loại Tốt",
        "Xếp loại Đạt", "Xếp loại Chưa đạt", model.BANG_KHEN, model.GIAY_KHEN, model.PRAISE]
    assert figures["Điển hình được đánh giá"] == [len(now), len(before), 0]
    assert figures["Đủ điều kiện xét khen"][0] == int(now["du_dieu_kien"].sum()) == 7
    for cls in ("Xuất sắc", "Tốt", "Đạt", "Chưa đạt"):
        n, b = int((now["xep_loai"] == cls).sum()), int((before["xep_loai"] == cls).sum())
        assert figures[f"Xếp loại {cls}"] == [n, b, n - b], cls
    # the factory's VP-01 and QLXD-02 are Xuất sắc the second year running in 2024
    assert figures[model.BANG_KHEN] == [2, 1, 1]
    assert figures[model.GIAY_KHEN] == [0, 1, -1]
    assert figures[model.PRAISE] == [3, 3, 0]
    xs = next(c for c in ws["A"] if c.value == "Xếp loại Xuất sắc")
    assert xs.fill.fgColor.rgb == "FFC6EFCE"
    assert ws.cell(xs.row + 4, 1).value == model.BANG_KHEN  # proposals follow the classes


def test_annual_overview_by_movement_and_type_against_last_year(annual_path, annual_report):
    ws = openpyxl.load_workbook(annual_path)["Tổng quan"]
    table = _section(ws, "2. Điển hình được đánh giá theo phong trào và loại")
    assert table[0] == ["Phong trào", "Tập thể", "Cá nhân", "Cộng", "Năm 2023", "Tăng, giảm"]
    now = annual_report.evaluations
    expected = []
    for m in annual_report.plan.movements:
        mine = now[now["phong_trao"] == m.code]
        kinds = [int((mine["loai"] == k).sum()) for k in ("Tập thể", "Cá nhân")]
        expected.append([m.short, *kinds, sum(kinds), sum(kinds), 0])  # same exemplars in 2023
    assert table[1:] == expected
    assert table[1:] == [["Văn hóa công sở", 2, 0, 2, 2, 0],
                         ["Học tập và làm theo Bác", 1, 2, 3, 3, 0],
                         ["Nhiệm vụ chính trị, chuyên môn", 1, 3, 4, 4, 0]]
    awards = _section(ws, "3. Đề nghị khen thưởng theo phong trào")
    assert awards == [["Phong trào", "Bằng khen", "Giấy khen", "Biểu dương", "Cộng"],
                      ["Văn hóa công sở", 0, 0, 1, 1],
                      ["Học tập và làm theo Bác", 1, 0, 0, 1],
                      ["Nhiệm vụ chính trị, chuyên môn", 1, 0, 2, 3]]


def test_annual_overview_lists_who_is_proposed(annual_path, annual_report):
    ws = openpyxl.load_workbook(annual_path)["Tổng quan"]
    table = _section(ws, f"4. {model.BANG_KHEN}")
    assert ws.cell(next(c.row for c in ws["A"] if c.value and str(c.value).startswith(
        "4. ")), 1).value == f"4. {model.BANG_KHEN} (2)"
    assert table == [
        ["Điển hình", "Loại", "Phong trào", "Tổng điểm", "Hạng/chỉ tiêu", "Xếp loại năm trước",
         "Đơn vị"],
        ["Nguyễn Thị Hoa", "Cá nhân", "NVCT", 96, "1/1", "Xuất sắc", "Văn phòng Sở"],
        ["Lê Thị Ánh", "Cá nhân", "HCM", 94, "1/1", "Xuất sắc", "Phòng Quản lý xây dựng"]]
    proposed = annual_report.evaluations
    proposed = proposed[proposed["de_xuat"] == model.BANG_KHEN]
    assert [r[0] for r in table[1:]] == list(proposed["ten"])
    assert [Decimal(str(r[3])).quantize(Decimal("0.01")) for r in table[1:]] == list(
        proposed["tong_diem"])
    assert _section(ws, f"5. {model.GIAY_KHEN}")[1:] == [["(không có)", *[None] * 6]]
    note = next(c.value for c in ws["A"] if str(c.value).startswith("Hạng/chỉ tiêu"))
    assert note.endswith("(30 % số điển hình đủ điều kiện).")


def test_annual_overview_says_what_changed_since_last_year(annual_report):
    evaluations = annual_report.evaluations
    before = list(evaluations["xep_loai_nam_truoc"])
    # one exemplar rose (Tốt → Xuất sắc), one fell (Xuất sắc → Đạt), one is new
    classes = list(evaluations["xep_loai"])
    first_xs, first_dat = classes.index("Xuất sắc"), classes.index("Đạt")
    before[first_xs], before[first_dat] = "Tốt", "Xuất sắc"
    before[classes.index("Tốt")] = None
    changed = replace(annual_report,
                      evaluations=evaluations.assign(xep_loai_nam_truoc=before),
                      previous=pd.concat([annual_report.previous, annual_report.previous.head(1)
                                          .assign(ma_dien_hinh="CU-01")], ignore_index=True))
    assert year_changes(changed) == [
        "So với năm 2023: 1 điển hình nâng xếp loại, 1 điển hình giảm xếp loại, 6 điển hình "
        "giữ nguyên; 1 điển hình lần đầu được đánh giá; 1 điển hình được đánh giá năm 2023 "
        "không còn trong danh sách năm nay (đã rút hoặc không chấm điểm)."]
    assert year_changes(replace(annual_report, previous=None)) == [
        "Năm 2023 không có số liệu đánh giá để so sánh."]


def test_annual_overview_has_two_native_charts_on_the_figures(annual_path):
    wb = openpyxl.load_workbook(annual_path)
    ws = wb["Tổng quan"]
    classes, awards = _overview_charts(annual_path)
    with zipfile.ZipFile(annual_path) as z:  # the overview's charts are the book's only ones
        assert len([n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 2
    assert '<c:barDir val="col"/>' in classes and '<c:grouping val="clustered"/>' in classes
    assert classes.count("<c:ser>") == 2  # this year and the year before
    refs = _refs(classes)
    assert [_cells(ws, r) for r in refs] == [
        ["Năm 2024"], ["Xếp loại Xuất sắc", "Xếp loại Tốt", "Xếp loại Đạt", "Xếp loại Chưa đạt"],
        [6, 1, 1, 1], ["Năm 2023"],
        ["Xếp loại Xuất sắc", "Xếp loại Tốt", "Xếp loại Đạt", "Xếp loại Chưa đạt"], [6, 1, 1, 1]]
    assert "Xếp loại điển hình năm 2024 so với năm 2023" in classes
    assert '<c:barDir val="col"/>' in awards and '<c:grouping val="stacked"/>' in awards
    refs = _refs(awards)
    assert [_cells(ws, r) for r in refs[:3]] == [
        ["Bằng khen"], ["Văn hóa công sở", "Học tập và làm theo Bác",
                        "Nhiệm vụ chính trị, chuyên môn"], [0, 1, 1]]
    assert [_cells(ws, r) for r in refs[3::3]] == [["Giấy khen"], ["Biểu dương"]]
    assert "Times New Roman" in awards


def test_annual_overview_without_a_previous_year(annual_report, tmp_path):
    path = tmp_path / "TongHop_2024.xlsx"
    write_annual_workbook(replace(annual_report, previous=None), path)
    ws = openpyxl.load_workbook(path)["Tổng quan"]
    table = _section(ws, "1. Kết quả đánh giá")
    assert table[0] == ["Chỉ tiêu", "Năm 2024"]  # no empty column for a year without data
    assert table[1] == ["Điển hình được đánh giá", 9]
    classes = _overview_charts(path)[0]
    assert classes.count("<c:ser>") == 1 and "so với năm" not in classes
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Năm 2023 không có số liệu đánh giá để so sánh." in texts


def test_the_plans_first_year_says_it_has_no_earlier_year(annual_report, tmp_path):
    """In a plan's first year the year before belongs to no plan: said, never shown empty."""
    first = annual_report.plan.plan.first_year
    path = tmp_path / f"TongHop_{first}.xlsx"
    write_annual_workbook(replace(annual_report, year=first, previous=None), path)
    book = openpyxl.load_workbook(path)
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    said = (f"Năm {first} là năm đầu của kế hoạch: không có năm trước trong kế hoạch để so "
            "sánh.")
    assert texts.count(said) == 2  # the overview's note and the comparison sheet
    assert not [t for t in texts if str(first - 1) in t]


@pytest.mark.parametrize("kind", ["annual", "review"])
def test_overviews_print_on_a4_landscape_one_page_wide_lists_on_page_two(kind, tmp_path,
                                                                          annual_report):
    path = tmp_path / "book.xlsx"
    if kind == "annual":
        write_annual_workbook(annual_report, path)
        footer, first_list = "năm 2024", f"4. {model.BANG_KHEN}"
    else:
        write_review_workbook(make_review_report("tong-ket"), path)
        footer, first_list = "Quý I/2021 – Quý I/2025", "4. Điển hình tiêu biểu giai đoạn"
    ws = openpyxl.load_workbook(path)["Tổng quan"]
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.oddFooter.center.text == footer and ws.oddFooter.right.text == "Trang &P/&N"
    assert ws.freeze_panes == "A4"
    start = next(c.row for c in ws["A"] if str(c.value or "").startswith(first_list))
    # the break lies below both charts (rows 4 to 35) and right above the first list
    assert [b.id for b in ws.row_breaks.brk] == [start - 1] and start - 1 >= 35
    assert len(ws.tables) == (5 if kind == "annual" else 4)  # every block has its own filter


@pytest.fixture(scope="module")
def review_report():
    return make_review_report("tong-ket")


@pytest.fixture(scope="module")
def review_path(review_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("review_ov") / "TongHop_tong-ket-2021-2025.xlsx"
    write_review_workbook(review_report, path)
    return path


def test_review_overview_key_figures_equal_the_frames(review_path, review_report):
    ws = openpyxl.load_workbook(review_path)["Tổng quan"]
    register, counts, deeds = review_report.register, review_report.counts, review_report.deeds
    figures = dict(r for r in _section(ws, "1. Các chỉ số chính")[1:])
    scored = register[[c for c in register.columns if c.startswith("tong_diem_")]]
    assert figures == {
        "Điển hình đăng ký trong giai đoạn": len(register),
        "Điển hình đang theo dõi cuối giai đoạn": int((register["trang_thai"] == ACTIVE).sum()),
        "Điển hình đã rút đăng ký": 0,
        "Điển hình được chấm điểm": int(scored.notna().any(axis=1).sum()),
        "Lượt xếp loại Xuất sắc (cộng các năm)": int(counts["xuat_sac"].sum()),
        "Điển hình tiêu biểu đề nghị tôn vinh": len(review_report.honourees),
        "Gương người tốt, việc tốt": int(deeds["so_viec_tot"].sum()),
        "Trong đó đề nghị tuyên truyền": int(deeds["so_de_nghi_tuyen_truyen"].sum()),
        "Hoạt động của các đơn vị": int(deeds["so_hoat_dong"].sum()),
        "Lượt người tham gia hoạt động": int(deeds["so_nguoi_tham_gia"].sum()),
    }
    assert [figures["Điển hình đăng ký trong giai đoạn"],
            figures["Lượt xếp loại Xuất sắc (cộng các năm)"],
            figures["Điển hình tiêu biểu đề nghị tôn vinh"]] == [10, 27, 5]
    note = next(c.value for c in ws["A"] if str(c.value).startswith("Giai đoạn"))
    assert note == ("Giai đoạn từ quý I năm 2021 đến quý I năm 2025; đã đánh giá cả năm: 2021, "
                    "2022, 2023, 2024; năm 2025 tính theo các quý trong giai đoạn, chưa đánh giá "
                    "cả năm.")


def test_review_overview_counts_withdrawn_exemplars_apart(review_report):
    register = review_report.register
    status = [WITHDRAWN if i in (0, 3) else s for i, s in enumerate(register["trang_thai"])]
    figures = dict(review_figures(replace(review_report,
                                          register=register.assign(trang_thai=status))))
    assert (figures["Điển hình đăng ký trong giai đoạn"],
            figures["Điển hình đang theo dõi cuối giai đoạn"],
            figures["Điển hình đã rút đăng ký"]) == (10, 8, 2)


def test_review_overview_years_side_by_side(review_path, review_report):
    ws = openpyxl.load_workbook(review_path)["Tổng quan"]
    table = _section(ws, "2. Kết quả qua các năm")
    assert table[0] == ["Năm", "Đăng ký mới", "Đang theo dõi", "Xuất sắc", "Người tốt việc tốt",
                        "Hoạt động"]
    counts, deeds = review_report.counts, review_report.deeds
    expected = []
    for year in range(2021, 2026):
        c, d = counts[counts["nam"] == year], deeds[deeds["nam"] == year]
        expected.append([str(year) if year < 2025 else "2025 (quý I)",
                         int(c["dang_ky_moi"].sum()), int(c["dang_theo_doi"].sum()),
                         int(c["xuat_sac"].sum()), int(d["so_viec_tot"].sum()),
                         int(d["so_hoat_dong"].sum())])
    assert table[1:] == expected
    assert table[1] == ["2021", 5, 5, 4, 12, 12]
    by_movement = _section(ws, "3. Điển hình đăng ký theo phong trào và loại")
    assert by_movement == [
        ["Phong trào", "Tập thể", "Cá nhân", "Cộng", "Đang theo dõi", "Tiêu biểu"],
        ["Văn hóa công sở", 2, 1, 3, 3, 1], ["Học tập và làm theo Bác", 1, 2, 3, 3, 1],
        ["Nhiệm vụ chính trị, chuyên môn", 1, 3, 4, 4, 3]]
    assert sum(r[3] for r in by_movement[1:]) == len(review_report.register)


@pytest.mark.parametrize(("first", "last", "year", "label"), [
    ("2021-Q1", "2025-Q1", 2025, "2025 (quý I)"),
    ("2021-Q1", "2023-Q2", 2023, "2023 (quý I – II)"),
    ("2021-Q3", "2023-Q2", 2021, "2021 (quý III – IV)"),
    ("2021-Q1", "2023-Q2", 2022, "2022"),
])
def test_review_year_labels_say_which_quarters_a_cut_year_holds(review_report, first, last,
                                                                 year, label):
    from pipeline.periods import parse_period
    window = replace(review_report, first=parse_period(first), last=parse_period(last))
    assert year_label(window, year) == label


def test_review_overview_lists_the_honourees(review_path, review_report):
    ws = openpyxl.load_workbook(review_path)["Tổng quan"]
    table = _section(ws, "4. Điển hình tiêu biểu giai đoạn đề nghị tôn vinh")
    assert table[0] == ["Điển hình", "Loại", "Phong trào", "Số năm Xuất sắc",
                        "Các năm Xuất sắc", "Trạng thái", "Đơn vị"]
    assert table[1] == ["Nguyễn Thị Hoa", "Cá nhân", "NVCT", 4, "2021, 2022, 2023, 2024",
                        "Đang theo dõi", "Văn phòng Sở"]
    assert sorted(r[0] for r in table[1:]) == sorted(review_report.honourees["ten"])
    assert [r[3] for r in table[1:]] == [4, 3, 4, 4, 4]


def test_review_overview_has_a_line_and_column_chart_over_the_years(review_path):
    ws = openpyxl.load_workbook(review_path)["Tổng quan"]
    exemplars, deeds = _overview_charts(review_path)
    # new registrations as columns, combined with lines for active and Xuất sắc
    assert "<c:barChart>" in exemplars and "<c:lineChart>" in exemplars
    years = ["2021", "2022", "2023", "2024", "2025 (quý I)"]
    refs = [_cells(ws, r) for r in _refs(exemplars)]
    assert refs == [["Đăng ký mới"], years, [5, 3, 1, 0, 1], ["Đang theo dõi"], years,
                    [5, 8, 9, 9, 10], ["Xuất sắc"], years, [4, 5, 6, 6, 6]]
    line = exemplars[exemplars.index("<c:lineChart>"):]
    assert line.count("<c:ser>") == 2
    assert "<c:lineChart>" not in deeds and deeds.count("<c:ser>") == 2
    assert [_cells(ws, r) for r in _refs(deeds)][::3] == [["Người tốt việc tốt"], ["Hoạt động"]]
    assert "Người tốt, việc tốt và hoạt động qua các năm" in deeds


@pytest.mark.parametrize("kind", ["annual", "review"])
def test_annual_and_review_writes_give_identical_bytes(kind, tmp_path, annual_report,
                                                        review_report):
    write = (lambda p: write_annual_workbook(annual_report, p)) if kind == "annual" else (
        lambda p: write_review_workbook(review_report, p))
    write(tmp_path / "a.xlsx")
    write(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


# ---- the helpers the big tables rely on ----
@pytest.mark.parametrize("value", [None, "", "  ", float("nan"), pd.NA, pd.NaT, Decimal("NaN"),
                                   "x", 0, 0.0, False, True, Decimal("1.5"), dt.date(2025, 1, 2),
                                   pd.Timestamp("2025-01-02")])
def test_is_blank_agrees_with_pandas(value):
    expected = value is None or (isinstance(value, str) and not value.strip()) or bool(
        pd.isna(value))
    assert is_blank(value) == expected


def test_in_unit_order_plan_order_then_columns_and_vietnamese_name():
    plan = make_plan()
    frame = pd.DataFrame({
        "ma_don_vi": ["TTR", "ZZZ", "VP", "TTR", "", "VP", "VP"],
        "thang": [1, 1, 1, 2, 1, 1, 3],
        "ho_ten": ["Dũng", "Bình", "Đức", "An", "Châu", "", "Đức"],
    })
    ordered = in_unit_order(frame, plan, "thang", by_name="ho_ten")
    # the month before the name; a blank name first; Đ after D; unknown and blank units last
    assert list(zip(ordered["ma_don_vi"], ordered["thang"], ordered["ho_ten"], strict=True)) == [
        ("VP", 1, ""), ("VP", 1, "Đức"), ("VP", 3, "Đức"), ("TTR", 1, "Dũng"), ("TTR", 2, "An"),
        ("", 1, "Châu"), ("ZZZ", 1, "Bình")]
    assert frame["ho_ten"].tolist() == ["Dũng", "Bình", "Đức", "An", "Châu", "", "Đức"]


def test_classes_by_unit_counts_each_units_classes_in_plan_order():
    plan = make_plan()
    scores = pd.DataFrame({"ma_don_vi": ["TTR", "VP", "TTR", "TTR", "VP"],
                           "xep_loai": ["Tốt", "Xuất sắc", None, "Tốt", "Chưa đạt"]})
    names = {u.code: u.name for u in plan.units}
    assert classes_by_unit(plan, scores) == [(names["VP"], [1, 0, 0, 1]),
                                             (names["TTR"], [0, 2, 0, 0])]
