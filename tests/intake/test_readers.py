"""The hostile-input reader: sniffing, defences, values, and the worker pool."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import sys
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.intake.readers import MESSAGES, ReaderPool, _defuse, read_book, sniff
from pipeline.sources import InputFile, RawBook, RawSheet, UnreadableFile

SHARED = Path(__file__).resolve().parents[3] / "shared"
CORPUS = SHARED / "corpus" / "realworld"  # ../shared beside the checkout, if present

ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Thông tin"><table:table-row>'
    '<table:table-cell office:value-type="string"><text:p>Mã đơn vị</text:p></table:table-cell>'
    '<table:table-cell office:value-type="float" office:value="8.5"><text:p>8,5</text:p>'
    "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
    "</office:document-content>"
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    "{extra}</manifest:manifest>"
)
XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.{main}"/></Types>'
)


def make_xlsx(cells: dict[tuple[int, int], object], **options: object) -> bytes:
    """A one-sheet workbook ("Dữ liệu") written by xlsxwriter, cells keyed by (row, col) 0-based."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, **options})
    sheet = book.add_worksheet("Dữ liệu")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for (row, col), value in cells.items():
        if isinstance(value, dt.date):
            sheet.write_datetime(row, col, value, date_format)
        else:
            sheet.write(row, col, value)
    book.close()
    return out.getvalue()


def make_zip(parts: dict[str, bytes | str], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return out.getvalue()


def make_ods(encrypted: bool = False) -> bytes:
    extra = '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
    extra += "</manifest:file-entry>" if encrypted else ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        mime = "application/vnd.oasis.opendocument.spreadsheet"
        package.writestr("mimetype", mime, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", ODS_CONTENT)
        package.writestr(
            "META-INF/manifest.xml", ODS_MANIFEST.format(extra=extra if encrypted else "")
        )
    return out.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts[name] = content
    return make_zip(parts)


def data_sheet(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("xl/worksheets/sheet1.xml")


def corpus_file(relative: str) -> bytes:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {relative} is not available")
    return path.read_bytes()


# --- sniffing -------------------------------------------------------------------------------


def test_sniff_recognises_workbooks_by_content():
    xlsx = make_xlsx({(0, 0): "a"})
    with zipfile.ZipFile(io.BytesIO(xlsx)) as package:
        types = package.read("[Content_Types].xml")
    xlsm = replace_part(
        xlsx,
        "[Content_Types].xml",
        types.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    assert sniff(xlsx) == "xlsx"
    assert sniff(xlsm) == "xlsm"
    assert sniff(make_ods()) == "ods"
    assert sniff(make_ods(encrypted=True)) == "encrypted"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"Ma don vi;Ten\nVP;Van phong\n",
        b"PK\x03\x04 not really a zip",
        make_zip({"notes.txt": "hello"}),
        make_zip(
            {
                "[Content_Types].xml": XLSX_TYPES.format(main="wordprocessingml.document.main+xml"),
                "word/document.xml": "<w:document/>",
            }
        ),
    ],
    ids=["empty", "csv", "broken-zip", "plain-zip", "docx"],
)
def test_sniff_rejects_what_is_not_a_workbook(data):
    assert sniff(data) is None


def test_sniff_reads_ole_containers():
    assert sniff(corpus_file("sheetjs/minimal_112.xls")) == "xls"
    assert sniff(corpus_file("poi/protected_passtika.xlsx")) == "encrypted"  # EncryptedPackage
    assert sniff(corpus_file("poi/password.xls")) == "encrypted"  # FILEPASS record


# --- values ---------------------------------------------------------------------------------


def test_rows_start_at_excel_row_1_and_column_a():
    book = read_book(make_xlsx({(2, 1): "Mã đơn vị", (3, 3): 8.0}))
    assert book.format == "xlsx"
    assert book.sheets == [
        RawSheet(
            name="Dữ liệu",
            rows=[
                [None, None, None, None],
                [None, None, None, None],
                [None, "Mã đơn vị", None, None],
                [None, None, None, 8.0],
            ],
        )
    ]


@pytest.mark.parametrize("date_1904", [False, True])
def test_dates_come_out_right_in_both_date_systems(date_1904):
    data = make_xlsx(
        {(0, 0): dt.date(2025, 6, 30), (1, 0): dt.date(1999, 1, 1)}, date_1904=date_1904
    )
    rows = read_book(data).sheets[0].rows
    assert rows == [[dt.date(2025, 6, 30)], [dt.date(1999, 1, 1)]]


def test_ods_is_read():
    assert read_book(make_ods()) == RawBook(
        format="ods", sheets=[RawSheet(name="Thông tin", rows=[["Mã đơn vị", 8.5]])]
    )


def test_hidden_sheets_are_kept_with_their_visibility():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet("Thông tin").write(0, 0, "x")
    hidden = book.add_worksheet("DanhMuc")
    hidden.write(0, 0, "Tập thể")
    hidden.hide()
    book.close()
    sheets = read_book(out.getvalue()).sheets
    assert [(s.name, s.visibility, s.rows) for s in sheets] == [
        ("Thông tin", "visible", [["x"]]),
        ("DanhMuc", "hidden", [["Tập thể"]]),
    ]


def test_an_xls_named_xlsx_is_read_by_its_content(tmp_path):
    path = tmp_path / "TTKD_Q2.xlsx"
    path.write_bytes(corpus_file("roo/type_excel.xlsx"))  # an OLE/BIFF8 workbook
    book = read_book(path.read_bytes())
    assert book.format == "xls"
    assert [s.name for s in book.sheets] == ["Sheet1", "Sheet2", "Sheet3"]


# --- blank rows and the million-row used range ----------------------------------------------


@pytest.mark.parametrize(("second_row", "read"), [(51, True), (52, False)])
def test_reading_stops_after_50_blank_rows(second_row, read):
    # rows 2..second_row-1 are blank: 49 blank rows keep reading, 50 stop it
    rows = read_book(make_xlsx({(0, 0): "đầu", (second_row - 1, 0): "cuối"})).sheets[0].rows
    assert len(rows) == (second_row if read else 1)
    assert rows[-1] == ["cuối" if read else "đầu"]


def test_a_stray_value_at_row_1048576_is_cut_before_calamine_sees_it():
    cells = {(r, c): r * 10 + c for r in range(10) for c in range(3)}
    cells[(1_048_575, 25)] = "x"  # Z1048576: calamine would build a 27-million-cell grid
    data = make_xlsx(cells)
    sheet = data_sheet(_defuse(data, "xlsx"))
    assert b'<c r="Z1048576"' in data_sheet(data) and b'<c r="Z1048576"' not in sheet
    assert sheet.endswith(b"</sheetData></worksheet>")
    rows = read_book(data).sheets[0].rows
    assert rows == [[float(r * 10 + c) for c in range(3)] for r in range(10)]


def test_a_formatted_empty_million_row_range_reads_as_its_few_rows():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Đăng ký")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["Mã điển hình", "Tên"])
    sheet.write_blank(1_048_575, 25, None, bold)  # used range A1:Z1048576, all empty
    book.close()
    assert read_book(out.getvalue()).sheets[0].rows == [["Mã điển hình", "Tên"]]


# --- refusals -------------------------------------------------------------------------------


def test_an_empty_file_is_f03():
    with pytest.raises(UnreadableFile) as caught:
        read_book(b"")
    assert (caught.value.code, caught.value.message) == ("F03", MESSAGES["F03"])


def test_a_csv_is_f04_naming_the_accepted_formats():
    with pytest.raises(UnreadableFile) as caught:
        read_book("Mã đơn vị,Tên\nVP,Văn phòng\n".encode())
    assert caught.value.code == "F04"
    assert caught.value.message == (
        "Định dạng tệp không được hỗ trợ: chỉ nhận tệp .xlsx, .xlsm, .xls hoặc .ods; "
        "đề nghị đơn vị lưu tệp báo cáo theo mẫu (.xlsx) và gửi lại."
    )


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_a_truncated_xlsx_is_f01(keep):
    data = make_xlsx({(r, 0): f"dòng {r}" for r in range(200)})
    with pytest.raises(UnreadableFile) as caught:
        read_book(data[: int(len(data) * keep)])
    assert caught.value.code == "F01"
    assert caught.value.message == (
        "Tệp bị hỏng hoặc không phải tệp Excel hợp lệ, không mở được; "
        "đề nghị đơn vị lưu lại bằng Excel và gửi lại."
    )


def test_an_encrypted_ods_is_f02():
    with pytest.raises(UnreadableFile) as caught:
        read_book(make_ods(encrypted=True))
    assert (caught.value.code, caught.value.message) == (
        "F02",
        "Tệp có mật khẩu, đề nghị đơn vị gửi lại bản không đặt mật khẩu.",
    )


def _bomb_message(reason: str) -> str:
    return MESSAGES["F05"].format(reason=reason)


def test_a_zip_bomb_is_f05(tmp_path):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml", XLSX_TYPES.format(main="spreadsheetml.sheet.main+xml")
        )
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 2**20))  # ~1000:1
    with pytest.raises(UnreadableFile) as caught:
        read_book(path.read_bytes())
    assert caught.value.code == "F05"
    assert caught.value.message == _bomb_message("tỉ lệ nén bất thường (bom nén)")
    assert "đề nghị đơn vị" in caught.value.message


def test_a_package_with_too_many_parts_is_f05():
    parts = {"[Content_Types].xml": XLSX_TYPES.format(main="spreadsheetml.sheet.main+xml")}
    parts.update({f"xl/media/{i}.bin": b"" for i in range(10_001)})
    with pytest.raises(UnreadableFile) as caught:
        read_book(make_zip(parts, zipfile.ZIP_STORED))
    assert caught.value.message == _bomb_message("quá nhiều thành phần nén: 10002")


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        b"<!--" + b" " * 100_000 + b"-->\n<!DOCTYPE sst>",
    ],
    ids=["entity-expansion", "external-entity", "padded-doctype"],
)
def test_an_xml_part_declaring_a_dtd_is_f05(prolog):
    data = make_xlsx({(0, 0): "chuỗi"})
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        strings = package.read("xl/sharedStrings.xml")
    declaration, _, body = strings.partition(b"?>")
    hostile = replace_part(data, "xl/sharedStrings.xml", declaration + b"?>" + prolog + body)
    with pytest.raises(UnreadableFile) as caught:
        read_book(hostile)
    assert caught.value.message == _bomb_message("khai báo thực thể XML (DOCTYPE/ENTITY)")


# --- the worker pool ------------------------------------------------------------------------


def misbehaving_reader(data: bytes) -> RawBook:
    """A reader for pool tests: dies or hangs on command, else reports its process id."""
    if data == b"abort":
        os.abort()  # what the Rust allocator does when RLIMIT_AS refuses memory
    if data == b"kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if data == b"hang":
        time.sleep(600)
    if data == b"hog":
        bytearray(3 * 2**30)  # more than the pool's memory limit: MemoryError
    if data.startswith(b"gate:"):  # waits until the test opens the gate (a file appears)
        gate = Path(data.removeprefix(b"gate:").decode())
        for _ in range(3000):
            if gate.exists():
                break
            time.sleep(0.01)
        return RawBook("xlsx", [RawSheet("gate", [[gate.exists()]])])
    if data == b"modules":
        return RawBook(
            "xlsx", [RawSheet("modules", [[name in sys.modules for name in ("pandas",)]])]
        )
    return read_book(data)


def outcome_codes(outcomes: list) -> list[str]:
    return [o.code if isinstance(o, UnreadableFile) else o.format for o in outcomes]


def test_pool_survives_workers_that_die_or_hang_and_keeps_serving():
    good = InputFile(name="tot.xlsx", data=make_xlsx({(0, 0): "Mã đơn vị"}))
    names = ["abort", "kill", "hang", "hog"]
    files = [good] + [InputFile(name=n, data=n.encode()) for n in names] + [good]
    with ReaderPool(workers=2, deadline=2, memory_limit=2**30, reader=misbehaving_reader) as pool:
        first = pool.read_all(files)
        second = pool.read_all([good, InputFile(name="kill", data=b"kill"), good])
        alive = pool.pids()
        single = pool.read(good.data)
    assert outcome_codes(first) == ["xlsx", "F06", "F06", "F06", "F05", "xlsx"]
    assert first[0].sheets[0].rows == [["Mã đơn vị"]]
    died = "Chương trình đọc bị dừng đột ngột khi mở tệp"
    assert first[1].message.startswith(died) and first[2].message.startswith(died)
    assert first[3].message == MESSAGES["F06"].format(seconds="2")
    assert first[4].message == MESSAGES["F05"].format(reason="cần quá nhiều bộ nhớ")
    assert outcome_codes(second) == ["xlsx", "F06", "xlsx"]
    assert len(set(alive)) == 2
    assert single.sheets[0].rows == [["Mã đơn vị"]]


def test_a_slow_worker_start_is_not_counted_against_the_files_deadline(monkeypatch):
    """On a busy machine a fresh worker may take longer to start than a file may take to read:
    the deadline runs from the moment the worker says it is ready."""
    from tests import slow_start

    monkeypatch.setenv("DHTT_SLOW_START", "1.5")
    good = InputFile(name="tot.xlsx", data=make_xlsx({(0, 0): "Mã đơn vị"}))
    with ReaderPool(workers=1, deadline=0.5, reader=slow_start.reader) as pool:
        outcome = pool.read_all([good])
    assert outcome_codes(outcome) == ["xlsx"]


def test_workers_read_on_while_the_caller_works_on_an_outcome(tmp_path):
    # File 0 is read at once; the others wait at a gate the test opens, so the moment the
    # caller holds outcome 0 is the same on any machine: one worker still on file 1, and the
    # worker that read file 0 already given file 2 rather than left idle.
    gate = tmp_path / "gate"
    good = InputFile(name="tot.xlsx", data=make_xlsx({(0, 0): "Mã đơn vị"}))
    waiting = InputFile(name="gate", data=b"gate:" + str(gate).encode())
    with ReaderPool(workers=2, reader=misbehaving_reader) as pool:
        outcomes = pool.read_each([good] + [waiting] * 4)
        first = next(outcomes)
        busy = {w.job for w in pool._workers}  # while the caller holds the first outcome
        gate.touch()
        rest = list(outcomes)
    assert busy == {1, 2}
    assert first.sheets[0].rows == [["Mã đơn vị"]]
    assert [o.sheets[0].rows for o in rest] == [[[True]]] * 4


def test_pool_read_raises_unreadable_file():
    with ReaderPool(workers=1) as pool, pytest.raises(UnreadableFile) as caught:
        pool.read(b"")
    assert caught.value.code == "F03"


def test_workers_do_not_import_pandas():
    import pandas  # noqa: F401 - the parent has pandas loaded, as the pipeline does

    with ReaderPool(workers=1, reader=misbehaving_reader) as pool:
        book = pool.read(b"modules")
    assert book.sheets[0].rows == [[False]]


def expected_grid(cells: dict[tuple[int, int], object]) -> list[list[object]]:
    """What reading promises: rows from Excel row 1 until 50 blank rows, padded to a rectangle."""
    kept, blank_run = {}, 0
    for row in range(max(r for r, _ in cells) + 1):
        in_row = {key: value for key, value in cells.items() if key[0] == row}
        blank_run = 0 if in_row else blank_run + 1
        if blank_run >= 50:
            break
        kept.update(in_row)
    if not kept:
        return []
    width = max(c for _, c in kept) + 1
    grid = [[None] * width for _ in range(max(r for r, _ in kept) + 1)]
    for (row, col), value in kept.items():
        grid[row][col] = value
    return grid


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.integers(0, 180), st.integers(0, 5)),
        st.one_of(st.integers(-1000, 1000).map(float), st.text("abcđêơ", min_size=1, max_size=4)),
        min_size=1,
        max_size=12,
    )
)
def test_reading_matches_the_50_blank_rows_promise(cells):
    assert read_book(make_xlsx(cells)).sheets[0].rows == expected_grid(cells)
