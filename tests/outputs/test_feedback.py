"""Feedback to units: the annotated workbook, the reply text and the file names."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from pipeline.findings import ERROR, NOTICE, WARNING, Finding
from pipeline.outputs import feedback
from pipeline.outputs.feedback import (
    feedback_name,
    feedback_workbook_bytes,
    order_findings,
    write_feedback_workbook,
    write_reply_text,
)

STAMP = dt.datetime(2025, 7, 20, 8, 30)
RED, YELLOW = "00FFC7CE", "00FFEB9C"
FILE = "TTKD_Q2.xlsx"
TITLE = f"Phản hồi tệp {FILE}"


def _finding(severity, sheet, cell, code, message, row=0):
    return Finding(severity, "TTKD", FILE, sheet, cell, code, message, row)


DATE_ERROR = _finding(
    ERROR, "Đăng ký", "F12", "C05", "Ngày đăng ký '31/02/2025' không phải ngày.", 12
)
DATE_WARNING = _finding(WARNING, "Đăng ký", "F12", "C12", "Ngày đăng ký trước năm kế hoạch.", 12)
ROW_WARNING = _finding(WARNING, "Đăng ký", "7", "R04", "Điển hình DH03 chưa được chấm điểm.", 7)
FILE_ERROR = _finding(ERROR, "", "", "F09", "Người gửi không phải địa chỉ của đơn vị.")
FINDINGS = [ROW_WARNING, DATE_ERROR, FILE_ERROR, DATE_WARNING]


def _unit_book() -> Workbook:
    wb = Workbook()
    cover = wb.active
    cover.title = "Thông tin"
    cover.append(["Mục", "Nội dung"])
    cover.append(["Mã đơn vị", "TTKD"])
    sheet = wb.create_sheet("Đăng ký")
    sheet.append(["Báo cáo đăng ký điển hình tiên tiến"])
    sheet.merge_cells("A1:F1")
    for _ in range(4):
        sheet.append([])
    sheet.append(["STT", "Mã điển hình", "Loại", "Tên điển hình", "Phong trào", "Ngày đăng ký"])
    for n in range(1, 7):
        sheet.append([n, f"DH0{n}", "Cá nhân", f"Người {n}", "VHCS", f"0{n}/04/2025"])
    sheet["F12"] = "31/02/2025"
    sheet["D8"].comment = Comment("Đơn vị ghi chú", "Đơn vị")
    return wb


def _book_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsm_bytes() -> bytes:
    """A macro-enabled workbook: the xlsx parts plus a vbaProject part and its relationship."""
    source = zipfile.ZipFile(io.BytesIO(_book_bytes(_unit_book())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Target="vbaProject.bin" Type="http://schemas.'
                    b'microsoft.com/office/2006/relationships/vbaProject"/></Relationships>',
                )
            dst.writestr(name, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro")
    return out.getvalue()


@pytest.fixture
def unit_file(tmp_path):
    path = tmp_path / FILE
    path.write_bytes(_book_bytes(_unit_book()))
    return path


@pytest.fixture
def annotated(unit_file, tmp_path):
    out = tmp_path / "phan-hoi" / "TTKD_TTKD_Q2.xlsx"
    write_feedback_workbook(unit_file.read_bytes(), "xlsx", FINDINGS, out, TITLE, stamp=STAMP)
    return load_workbook(out)


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_feedback_sheet_comes_first_and_is_the_only_selected_one(annotated):
    assert annotated.sheetnames == ["Phản hồi", "Thông tin", "Đăng ký"]
    assert annotated.active.title == "Phản hồi"
    # an absent tabSelected is false (the patched copy leaves unselected sheets' views as sent)
    assert [bool(ws.sheet_view.tabSelected) for ws in annotated.worksheets] == [True, False, False]


def test_feedback_sheet_lists_every_problem_errors_first(annotated):
    assert _rows(annotated["Phản hồi"]) == [
        ("Phản hồi tệp TTKD_Q2.xlsx: 2 lỗi, 2 cảnh báo, 0 lưu ý.",) + (None,) * 4,
        (
            "Trong các trang của đơn vị, ô có lỗi được tô đỏ, ô có cảnh báo tô vàng, ô có lưu ý "
            "tô xanh, kèm ghi chú của Văn phòng Sở.",
        )
        + (None,) * 4,
        ("Mức độ", "Trang tính", "Ô", "Mã lỗi", "Nội dung"),
        ("Lỗi", None, None, "F09", "Người gửi không phải địa chỉ của đơn vị."),
        ("Lỗi", "Đăng ký", "F12", "C05", "Ngày đăng ký '31/02/2025' không phải ngày."),
        ("Cảnh báo", "Đăng ký", "dòng 7", "R04", "Điển hình DH03 chưa được chấm điểm."),
        ("Cảnh báo", "Đăng ký", "F12", "C12", "Ngày đăng ký trước năm kế hoạch."),
    ]


def test_feedback_sheet_is_formatted_for_print(annotated):
    ws = annotated["Phản hồi"]
    assert ws["A3"].font.b and ws["E3"].font.b
    assert ws["A3"].fill.fgColor.rgb == "00D9D9D9"
    assert [ws.column_dimensions[c].width for c in "ABCDE"] == [11, 22, 9, 8, 90]
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:E7"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.print_title_rows == "$3:$3"
    assert [ws.cell(r, 1).fill.fgColor.rgb for r in range(4, 8)] == [RED, RED, YELLOW, YELLOW]


def test_faulty_cell_is_filled_red_with_all_its_findings_in_one_comment(annotated):
    cell = annotated["Đăng ký"]["F12"]
    assert cell.value == "31/02/2025"
    assert cell.fill.fgColor.rgb == RED
    assert cell.comment.author == "Văn phòng Sở"
    assert cell.comment.text == (
        "Lỗi (C05): Ngày đăng ký '31/02/2025' không phải ngày.\n"
        "Cảnh báo (C12): Ngày đăng ký trước năm kế hoạch."
    )


def test_whole_row_finding_marks_the_rows_first_cell(annotated):
    sheet = annotated["Đăng ký"]
    assert sheet["A7"].fill.fgColor.rgb == YELLOW
    assert sheet["A7"].comment.text == "Cảnh báo (R04): Điển hình DH03 chưa được chấm điểm."
    assert sheet["B7"].comment is None
    assert sheet["B7"].fill.fill_type is None


def test_unit_data_and_other_cells_are_kept(annotated):
    sheet = annotated["Đăng ký"]
    assert sheet["B11"].value == "DH05"
    assert sheet["E12"].fill.fill_type is None and sheet["E12"].comment is None
    assert sheet["D8"].comment.text == "Đơn vị ghi chú"
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:F1"]
    assert _rows(annotated["Thông tin"]) == [("Mục", "Nội dung"), ("Mã đơn vị", "TTKD")]


def test_original_file_is_untouched(unit_file, tmp_path):
    before = hashlib.sha256(unit_file.read_bytes()).hexdigest()
    data = unit_file.read_bytes()
    write_feedback_workbook(data, "xlsx", FINDINGS, tmp_path / "out.xlsx", FILE, stamp=STAMP)
    assert hashlib.sha256(unit_file.read_bytes()).hexdigest() == before
    assert hashlib.sha256(data).hexdigest() == before


def test_unit_comment_on_a_faulty_cell_is_kept_below_ours():
    data = _book_bytes(_unit_book())
    finding = _finding(ERROR, "Đăng ký", "D8", "C01", "Thiếu tên điển hình.", 8)
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", [finding], FILE)))
    assert book["Đăng ký"]["D8"].comment.text == (
        "Lỗi (C01): Thiếu tên điển hình.\n\n(Ghi chú của đơn vị) Đơn vị ghi chú"
    )


def test_finding_inside_a_merged_range_marks_its_top_left_cell():
    data = _book_bytes(_unit_book())
    finding = _finding(NOTICE, "Đăng ký", "C1", "S02", "Dòng tiêu đề.", 1)
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", [finding], FILE)))
    assert book["Đăng ký"]["A1"].comment.text == "Lưu ý (S02): Dòng tiêu đề."
    assert book["Đăng ký"]["A1"].fill.fgColor.rgb == "00DDEBF7"


def test_sheet_name_is_matched_like_the_reader_when_not_exact():
    data = _book_bytes(_unit_book())
    finding = _finding(ERROR, "DANG KY", "F12", "C05", "Sai ngày.", 12)
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", [finding], FILE)))
    assert book["Đăng ký"]["F12"].comment.text == "Lỗi (C05): Sai ngày."


@pytest.mark.parametrize(
    ("sheet", "cell"),
    [("Không có", "F12"), ("Đăng ký", "F12:G12"), ("Đăng ký", "XFE1"), ("Đăng ký", "0")],
)
def test_finding_pointing_nowhere_is_listed_but_marks_nothing(sheet, cell):
    data = _book_bytes(_unit_book())
    finding = _finding(ERROR, sheet, cell, "C01", "Lạc chỗ.")
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", [finding], FILE)))
    assert _rows(book["Phản hồi"])[3] == ("Lỗi", sheet, cell, "C01", "Lạc chỗ.")
    marked = [
        c for ws in book.worksheets[1:] for row in ws.iter_rows() for c in row if c.fill.fill_type
    ]
    assert marked == []


def test_text_that_looks_like_a_formula_is_written_as_text():
    data = _book_bytes(_unit_book())
    finding = _finding(WARNING, "Đăng ký", "", "S03", '=HYPERLINK("x") cột thừa\x07')
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", [finding], FILE)))
    cell = book["Phản hồi"]["E4"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x") cột thừa', "s")


def test_xlsm_comes_back_as_xlsx_without_macros():
    data = _xlsm_bytes()
    assert "xl/vbaProject.bin" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    out = zipfile.ZipFile(io.BytesIO(feedback_workbook_bytes(data, "xlsm", FINDINGS, FILE)))
    assert not [n for n in out.namelist() if "vba" in n.lower()]
    types = out.read("[Content_Types].xml").decode()
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert "spreadsheetml.sheet.main+xml" in types
    book = load_workbook(io.BytesIO(out.fp.getvalue()))
    assert book.sheetnames == ["Phản hồi", "Thông tin", "Đăng ký"]
    assert book["Đăng ký"]["F12"].fill.fgColor.rgb == RED


def test_resent_feedback_copy_gets_a_fresh_feedback_sheet():
    first = feedback_workbook_bytes(_book_bytes(_unit_book()), "xlsx", FINDINGS, FILE)
    finding = _finding(ERROR, "Đăng ký", "C9", "C02", "Loại không hợp lệ.", 9)
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(first, "xlsx", [finding], FILE)))
    assert book.sheetnames == ["Phản hồi", "Thông tin", "Đăng ký"]
    assert _rows(book["Phản hồi"])[3] == ("Lỗi", "Đăng ký", "C9", "C02", "Loại không hợp lệ.")
    # our own old comment is replaced, not kept as if the unit had written it
    again = [ROW_WARNING]
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(first, "xlsx", again, FILE)))
    assert (
        book["Đăng ký"]["A7"].comment.text == "Cảnh báo (R04): Điển hình DH03 chưa được chấm điểm."
    )


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy", "xls"),
        (b"PK\x03\x04 ods", "ods"),
        (b"garbage", "xlsx"),
        (b"PK\x03\x04 truncated", "xlsm"),
        (b"", None),
    ],
)
def test_file_that_cannot_be_annotated_gets_the_feedback_sheet_alone(tmp_path, data, fmt):
    out = tmp_path / "out.xlsx"
    write_feedback_workbook(data, fmt, [FILE_ERROR], out, "Phản hồi tệp ttkd-quy2.xls", stamp=STAMP)
    book = load_workbook(out)
    assert book.sheetnames == ["Phản hồi"]
    assert _rows(book["Phản hồi"]) == [
        ("Phản hồi tệp ttkd-quy2.xls: 1 lỗi, 0 cảnh báo, 0 lưu ý.",) + (None,) * 4,
        (None,) * 5,
        ("Mức độ", "Trang tính", "Ô", "Mã lỗi", "Nội dung"),
        ("Lỗi", None, None, "F09", "Người gửi không phải địa chỉ của đơn vị."),
    ]


def test_xls_bytes_are_never_given_to_openpyxl_even_if_they_are_a_zip():
    data = _book_bytes(_unit_book())
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "ods", FINDINGS, FILE)))
    assert book.sheetnames == ["Phản hồi"]


def test_workbook_too_large_to_load_gets_the_feedback_sheet_alone(monkeypatch):
    monkeypatch.setattr(feedback, "MAX_XML_BYTES", 1000)
    data = _book_bytes(_unit_book())
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", FINDINGS, FILE)))
    assert book.sheetnames == ["Phản hồi"]


def test_why_a_copy_holds_the_list_alone_is_told_for_the_clerk(monkeypatch):
    data = _book_bytes(_unit_book())
    assert feedback.feedback_workbook(data, "xlsx", FINDINGS, FILE)[1] == ""
    assert feedback.feedback_workbook(data, "ods", FINDINGS, FILE)[1] == ""  # by design
    assert (feedback.feedback_workbook(b"PK broken", "xlsx", FINDINGS, FILE)[1]
            == "không mở được tệp để chú thích")
    monkeypatch.setattr(feedback, "MAX_XML_BYTES", 1000)
    made, why = feedback.feedback_workbook(data, "xlsx", FINDINGS, FILE)
    assert why == "tệp quá lớn để chú thích"
    assert made == feedback_workbook_bytes(data, "xlsx", FINDINGS, FILE)
    assert feedback.list_only_notice(FILE, why) == (
        "Bản phản hồi tệp 'TTKD_Q2.xlsx' chỉ gồm danh sách lỗi, không tô màu và ghi chú trên "
        "từng ô: tệp quá lớn để chú thích.")


def test_no_findings_says_so():
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(b"", "xls", [], FILE)))
    assert _rows(book["Phản hồi"])[3] == ("Không có vấn đề nào.", None, None, None, None)


@pytest.mark.parametrize(("data", "fmt"), [(None, "xlsx"), (None, "xlsm"), (b"x", "ods")])
def test_identical_inputs_give_identical_bytes(tmp_path, data, fmt):
    data = data or (_xlsm_bytes() if fmt == "xlsm" else _book_bytes(_unit_book()))
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_feedback_workbook(data, fmt, FINDINGS, first, FILE, stamp=STAMP)
    write_feedback_workbook(data, fmt, list(reversed(FINDINGS)), second, FILE, stamp=STAMP)
    assert first.read_bytes() == second.read_bytes()


def test_stamp_fixes_properties_and_zip_times():
    out = feedback_workbook_bytes(_book_bytes(_unit_book()), "xlsx", FINDINGS, FILE, STAMP)
    archive = zipfile.ZipFile(io.BytesIO(out))
    assert {i.date_time for i in archive.infolist()} == {(2025, 7, 20, 8, 30, 0)}
    book = load_workbook(io.BytesIO(out))
    assert (book.properties.created, book.properties.modified) == (STAMP, STAMP)
    assert book.properties.lastModifiedBy == "Văn phòng Sở"
    other = feedback_workbook_bytes(
        _book_bytes(_unit_book()), "xlsx", FINDINGS, FILE, dt.datetime(2025, 7, 21)
    )
    assert other != out


def test_stamp_with_a_time_zone_is_written_in_utc():
    stamp = dt.datetime(2025, 7, 20, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(b"", "xls", [], FILE, stamp)))
    assert book.properties.created == dt.datetime(2025, 7, 20, 1, 0)


def test_order_findings_errors_first_then_sheet_row_column():
    a = _finding(WARNING, "Chấm điểm", "B3", "C01", "a")
    b = _finding(ERROR, "Đăng ký", "AA2", "C01", "b")
    c = _finding(ERROR, "Đăng ký", "C2", "C01", "c")
    d = _finding(ERROR, "Chấm điểm", "9", "R05", "d")
    e = _finding(NOTICE, "", "", "F07", "e")
    assert order_findings([a, b, c, d, e]) == [d, c, b, a, e]


@pytest.mark.parametrize(
    ("unit", "file_name", "expected"),
    [
        ("TTKD", "TTKD_Q2.xlsx", "TTKD_TTKD_Q2.xlsx"),
        (None, "TTKD_Q2.xls", "TTKD_Q2.xlsx"),
        ("TTKD", "msg.eml/att.xlsx", "TTKD_msg_att.xlsx"),
        (None, "thư quý 2.eml/Báo cáo: quý 2?.xlsm", "thư quý 2_Báo cáo quý 2.xlsx"),
        ("QLXD", 'a<b>"c|d*.ods', "QLXD_abcd.xlsx"),
        (None, "con.xlsx", "con_.xlsx"),
        (None, "...xlsx", "tep.xlsx"),
        (None, "Bao cao Q2.2025.xlsx", "Bao cao Q2.2025.xlsx"),
    ],
)
def test_feedback_name(unit, file_name, expected):
    assert feedback_name(unit, file_name) == expected


PROBLEMS = [
    _finding(WARNING, "Chấm điểm", "9", "C14", "Tên 'Nguyễn Văn A' khác với tên đã đăng ký."),
    _finding(
        ERROR,
        "Đăng ký",
        "F12",
        "C05",
        "Ngày đăng ký '31/02/2025' không phải ngày; hãy ghi ngày theo dạng dd/mm/yyyy, "
        "ví dụ 15/04/2025.",
    ),
    _finding(NOTICE, "Hoạt động", "", "S03", "Cột thừa 'Ghi chú 2' được bỏ qua."),
]

SUPERSEDED = "Tệp bị thay thế bởi tệp TTKD_Q2.xlsx (ngày lập mới hơn)."
UNREADABLE = "Tệp không đọc được; đề nghị đơn vị lưu lại bằng Excel và gửi lại."

EXPECTED_REPLY = """\
Kính gửi: Trung tâm Kinh doanh

Văn phòng Sở Xây dựng đã nhận được báo cáo quý II năm 2025 về xây dựng điển hình tiên tiến của đơn vị (mã đơn vị TTKD), gồm 3 tệp:
  - Tệp TTKD_Q2.xlsx: đã tiếp nhận; các dòng có lỗi không được sử dụng (1 lỗi).
  - Tệp thu.eml/bao cao.xls: đã nhận nhưng không sử dụng vì đơn vị đã gửi tệp khác thay thế.
  - Tệp hong.xlsx: không được tiếp nhận (lý do nêu dưới đây).

Các vấn đề trong tệp TTKD_Q2.xlsx (1 lỗi, 1 cảnh báo, 1 lưu ý):
  Lỗi:
    1. Trang "Đăng ký", ô F12: Ngày đăng ký '31/02/2025' không phải ngày; hãy ghi ngày theo dạng dd/mm/yyyy, ví dụ 15/04/2025.
  Cảnh báo:
    1. Trang "Chấm điểm", dòng 9: Tên 'Nguyễn Văn A' khác với tên đã đăng ký.
  Lưu ý:
    1. Trang "Hoạt động": Cột thừa 'Ghi chú 2' được bỏ qua.
Chi tiết xem tệp đính kèm TTKD_TTKD_Q2.xlsx: các ô có vấn đề được tô màu (đỏ: lỗi, vàng: cảnh báo) và có ghi chú.

Các vấn đề trong tệp thu.eml/bao cao.xls (1 cảnh báo):
  Cảnh báo:
    1. Tệp bị thay thế bởi tệp TTKD_Q2.xlsx (ngày lập mới hơn).
Danh sách chi tiết xem tệp đính kèm TTKD_thu_bao cao.xlsx.

Các vấn đề trong tệp hong.xlsx (1 lỗi):
  Lỗi:
    1. Tệp không đọc được; đề nghị đơn vị lưu lại bằng Excel và gửi lại.
Danh sách chi tiết xem tệp đính kèm TTKD_hong.xlsx.

Đề nghị đơn vị sửa các lỗi nêu trên và gửi lại tệp đã sửa chậm nhất ngày 15/07/2025 để Văn phòng Sở tổng hợp.

Trân trọng./.
Văn phòng Sở Xây dựng
"""


def test_reply_text_lists_files_and_problems():
    files = [
        (FILE, PROBLEMS),
        ("thu.eml/bao cao.xls", [_finding(WARNING, "", "", "F07", SUPERSEDED)]),
        ("hong.xlsx", [_finding(ERROR, "", "", "F01", UNREADABLE)]),
    ]
    text = write_reply_text("Trung tâm Kinh doanh", "TTKD", "quý II năm 2025", files, "15/07/2025")
    assert text == EXPECTED_REPLY
    # one paragraph per line: webmail reflows it
    assert "về xây dựng điển hình tiên tiến của đơn vị (mã đơn vị TTKD), gồm 3 tệp:" in text


CLEAN_REPLY = """\
Kính gửi: Phòng Quản lý xây dựng

Văn phòng Sở Xây dựng đã nhận được báo cáo quý I năm 2025 về xây dựng điển hình tiên tiến của đơn vị (mã đơn vị QLXD), gồm 1 tệp:
  - Tệp TTKD_Q2.xlsx: đã tiếp nhận.

Báo cáo đã được tiếp nhận đầy đủ. Cảm ơn sự phối hợp của đơn vị.

Trân trọng./.
Văn phòng Sở Xây dựng
"""

WARNINGS_ONLY_END = """\
Các cảnh báo, lưu ý không ảnh hưởng đến việc tiếp nhận; đề nghị đơn vị xem lại và gửi lại tệp đã điều chỉnh trong thời gian sớm nhất nếu cần.

Trân trọng./.
Văn phòng Sở Xây dựng
"""

MISSING_REPLY = """\
Kính gửi: Phòng X

Văn phòng Sở Xây dựng chưa nhận được báo cáo quý I năm 2025 về xây dựng điển hình tiên tiến của đơn vị (mã đơn vị X). Đề nghị đơn vị gửi báo cáo chậm nhất ngày 15/04/2025.

Trân trọng./.
Văn phòng Sở Xây dựng
"""


def test_reply_text_for_a_clean_file():
    text = write_reply_text("Phòng Quản lý xây dựng", "QLXD", "quý I năm 2025", [(FILE, [])], None)
    assert text == CLEAN_REPLY


def test_reply_text_with_warnings_only_and_no_deadline():
    text = write_reply_text("Phòng X", "X", "quý I năm 2025", [(FILE, [PROBLEMS[0]])], None)
    assert text.endswith("\n\n" + WARNINGS_ONLY_END)
    assert "  - Tệp TTKD_Q2.xlsx: đã tiếp nhận.\n" in text


def test_reply_text_when_nothing_was_received():
    text = write_reply_text("Phòng X", "X", "quý I năm 2025", [], "ngày 15/04/2025")
    assert text == MISSING_REPLY


def test_reply_when_only_a_rejected_copy_had_problems_asks_for_nothing():
    files = [(FILE, []), ("hong.xlsx", [_finding(ERROR, "", "", "F01", UNREADABLE)])]
    text = write_reply_text("Phòng X", "X", "quý I năm 2025", files, None,
                            note="Báo cáo được nộp sau hạn.")
    assert "\n\nBáo cáo được nộp sau hạn.\n" in text
    assert text.endswith("Báo cáo của đơn vị đã được tiếp nhận; các vấn đề nêu trên thuộc tệp "
                         "không được sử dụng, đơn vị không cần gửi lại.\n\nTrân trọng./.\n"
                         "Văn phòng Sở Xây dựng\n")


def test_reply_when_no_file_was_accepted_asks_for_a_new_one():
    files = [("hong.xlsx", [_finding(ERROR, "", "", "F01", UNREADABLE)])]
    text = write_reply_text("Phòng X", "X", "quý I năm 2025", files, "15/04/2025")
    assert "Chưa có tệp nào của đơn vị được tiếp nhận; đề nghị đơn vị khắc phục các lỗi nêu trên "\
           "và gửi lại báo cáo chậm nhất ngày 15/04/2025 để Văn phòng Sở tổng hợp." in text
