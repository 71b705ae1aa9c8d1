"""The annotated copy made by patching the unit's package (pipeline/outputs/feedback_patch.py):
the same marks as the openpyxl route, the unit's values untouched, and the fallback when it must."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook

from pipeline.findings import ERROR, NOTICE, WARNING, Finding
from pipeline.outputs import feedback, feedback_patch
from pipeline.outputs.feedback import comment_text, feedback_workbook_bytes, order_findings
from tests.outputs.test_feedback import FINDINGS, _book_bytes, _unit_book, _xlsm_bytes

STAMP = dt.datetime(2025, 7, 20, 8, 30)
SAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "2025-Q3" / "PTDT-DHTT-2025-Q3.xlsx"


def _f(severity, sheet, cell, message, code="C01"):
    return Finding(severity, "PTDT", "x.xlsx", sheet, cell, code, message, 0)


# On the generated sample file (xlsxwriter: shared strings, a two-row header or not, formats):
# an existing cell, a cell missing from a row, a row missing altogether, a whole row, a cell
# of the cover, two findings on one cell, one on a sheet that does not exist.
SAMPLE_FINDINGS = [
    _f(ERROR, "Chấm điểm", "C3", "Sai tên."),
    _f(WARNING, "Chấm điểm", "C3", "Tên cũ.", "C12"),
    _f(NOTICE, "Chấm điểm", "AD4", "Ô trống ngoài bảng."),
    _f(WARNING, "Chấm điểm", "H400", "Dòng không có."),
    _f(WARNING, "Chấm điểm", "5", "Cả dòng."),
    _f(NOTICE, "dang ky", "3", "Dòng trống."),
    _f(NOTICE, "Thông tin", "B6", "Phiên bản mẫu cũ.", "B10"),
    _f(ERROR, "Không có", "A1", "Lạc chỗ."),
]


def _openpyxl_route(monkeypatch, *args) -> bytes:
    def refuse(*_):
        raise feedback_patch.Unexpected("forced")
    with monkeypatch.context() as m:
        m.setattr(feedback_patch, "annotated_bytes", refuse)
        return feedback_workbook_bytes(*args)


def _marks(data: bytes) -> dict:
    """Every unit sheet's filled or commented cells: {(sheet, cell): (fill, comment, author)}."""
    book = load_workbook(io.BytesIO(data))
    marks = {}
    for ws in (w for w in book.worksheets if w.title != "Phản hồi"):
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill.fill_type else None
                if fill or c.comment:
                    note = (c.comment.text, c.comment.author) if c.comment else None
                    marks[ws.title, c.coordinate] = (fill, note)
    return marks


def _values_openpyxl(data: bytes) -> dict:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()]
            for ws in book.worksheets if ws.title != "Phản hồi"}


def _values_calamine(data: bytes) -> dict:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names if name != "Phản hồi"}


def _trim(rows: list[list]) -> list[list]:
    """openpyxl's grid grows to a blank styled cell we add: compare without trailing blanks."""
    rows = [list(r) for r in rows]
    for r in rows:
        while r and r[-1] in (None, ""):
            r.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


CASES = {
    "openpyxl book": (lambda: _book_bytes(_unit_book()), FINDINGS),
    "xlsxwriter sample": (lambda: SAMPLE.read_bytes(), SAMPLE_FINDINGS),
}


@pytest.mark.parametrize("case", list(CASES))
def test_patched_copy_has_the_units_values_and_the_same_marks_as_openpyxl(case, monkeypatch):
    make, findings = CASES[case]
    if case == "xlsxwriter sample" and not SAMPLE.exists():
        pytest.skip("sample inputs not generated")
    data = make()
    patched = feedback_workbook_bytes(data, "xlsx", findings, "T", STAMP)
    if case == "xlsxwriter sample":  # new parts named as Excel and openpyxl's docs name them
        names = zipfile.ZipFile(io.BytesIO(patched)).namelist()
        assert {"xl/comments1.xml", "xl/drawings/commentsDrawing1.vml"} <= set(names)
    for values in (_values_openpyxl, _values_calamine):
        before, after = values(data), values(patched)
        assert list(after) == list(before)
        assert {k: _trim(v) for k, v in after.items()} == {k: _trim(v) for k, v in before.items()}
    old = _openpyxl_route(monkeypatch, data, "xlsx", findings, "T", STAMP)
    assert _marks(patched) == _marks(old)
    assert load_workbook(io.BytesIO(patched))["Phản hồi"].values is not None
    rows = lambda b: list(load_workbook(io.BytesIO(b))["Phản hồi"].values)  # noqa: E731
    assert rows(patched) == rows(old)


def test_exactly_the_flagged_cells_carry_our_comment():
    if not SAMPLE.exists():
        pytest.skip("sample inputs not generated")
    data = SAMPLE.read_bytes()
    patched = feedback_workbook_bytes(data, "xlsx", SAMPLE_FINDINGS, "T", STAMP)
    c3 = [f for f in order_findings(SAMPLE_FINDINGS) if f.cell == "C3"]
    unit_marks = _marks(data)  # the unit's own header fills
    assert all(ws_cell in _marks(patched) for ws_cell in unit_marks)
    assert {k: v for k, v in _marks(patched).items() if unit_marks.get(k) != v} == {
        ("Thông tin", "B6"): ("00DDEBF7", ("Lưu ý (B10): Phiên bản mẫu cũ.", "Văn phòng Sở")),
        ("Chấm điểm", "C3"): ("00FFC7CE", (comment_text(c3), "Văn phòng Sở")),
        ("Chấm điểm", "AD4"): ("00DDEBF7", ("Lưu ý (C01): Ô trống ngoài bảng.", "Văn phòng Sở")),
        ("Đăng ký", "A3"): ("00DDEBF7", ("Lưu ý (C01): Dòng trống.", "Văn phòng Sở")),
        ("Chấm điểm", "H400"): ("00FFEB9C", ("Cảnh báo (C01): Dòng không có.", "Văn phòng Sở")),
        ("Chấm điểm", "A5"): ("00FFEB9C", ("Cảnh báo (C01): Cả dòng.", "Văn phòng Sở")),
    }


def test_patch_route_is_taken_for_ordinary_files(monkeypatch):
    def no_openpyxl(*_, **__):
        raise AssertionError("openpyxl route taken")
    monkeypatch.setattr(feedback, "load_workbook", no_openpyxl)
    for data, fmt in ((_book_bytes(_unit_book()), "xlsx"), (_xlsm_bytes(), "xlsm")):
        out = feedback_workbook_bytes(data, fmt, FINDINGS, "T", STAMP)
        monkeypatch.undo()
        book = load_workbook(io.BytesIO(out))
        assert book["Đăng ký"]["F12"].comment.text.startswith("Lỗi (C05)")
        monkeypatch.setattr(feedback, "load_workbook", no_openpyxl)
    resent = feedback_workbook_bytes(_book_bytes(_unit_book()), "xlsx", FINDINGS, "T", STAMP)
    again = feedback_workbook_bytes(resent, "xlsx", FINDINGS[:1], "T", STAMP)
    assert zipfile.ZipFile(io.BytesIO(again)).namelist().count("xl/worksheets/sheet3.xml") == 1


def _with_sheet(data: bytes, edit) -> bytes:
    """The package with xl/worksheets/sheet2.xml (the `Đăng ký` sheet) edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            part = src.read(name)
            dst.writestr(name, edit(part) if name == "xl/worksheets/sheet2.xml" else part)
    return out.getvalue()


def test_unexpected_package_falls_back_to_openpyxl(monkeypatch):
    # an XML comment in the sheet: the byte scan refuses it, openpyxl does not mind
    data = _with_sheet(_book_bytes(_unit_book()),
                       lambda x: x.replace(b"<sheetData>", b"<sheetData><!-- x -->"))
    seen = []
    real = feedback_patch.annotated_bytes

    def spy(*args):
        try:
            return real(*args)
        except feedback_patch.Unexpected as exc:
            seen.append(exc)
            raise
    monkeypatch.setattr(feedback_patch, "annotated_bytes", spy)
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", FINDINGS, "T", STAMP)))
    assert len(seen) == 1
    assert book.sheetnames == ["Phản hồi", "Thông tin", "Đăng ký"]
    assert book["Đăng ký"]["F12"].fill.fgColor.rgb == "00FFC7CE"


def test_entity_bomb_is_not_expanded_by_either_route():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(b'<!ENTITY a%d "&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;&a%s;">'
                       % ((i,) + (str(i - 1).encode() if i > 1 else b"",) * 10)
                       for i in range(1, 9)) + b"]>")
    data = _with_sheet(_book_bytes(_unit_book()),
                       lambda x: bomb + x.split(b"?>", 1)[-1] if x.startswith(b"<?xml") else
                       bomb + x.replace(b"<t>DH01</t>", b"<t>&a8;</t>"))
    book = load_workbook(io.BytesIO(feedback_workbook_bytes(data, "xlsx", FINDINGS, "T", STAMP)))
    assert book.sheetnames == ["Phản hồi"]


def test_existing_legacy_drawing_is_extended_not_replaced():
    """A sheet whose VML holds a form control (no comments yet): the control stays, the
    comments part is added and our note gets its shape beside the control's."""
    control = (b'<v:shape id="_x0000_s2049" type="#_x0000_t201" style="position:absolute">'
               b'<x:ClientData ObjectType="Checkbox"><x:Row>1</x:Row><x:Column>1</x:Column>'
               b"</x:ClientData></v:shape>")
    vml = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
           b'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout '
           b'v:ext="edit"><o:idmap v:ext="edit" data="2"/></o:shapelayout>' + control + b"</xml>")
    book = _unit_book()
    book["Đăng ký"]["D8"].comment = None
    source = io.BytesIO(_book_bytes(book))
    out = io.BytesIO()
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rIdV" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>')
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            part = src.read(name)
            if name == "xl/worksheets/sheet2.xml":
                part = part.replace(b"</worksheet>", b'<legacyDrawing xmlns:r="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships" '
                                    b'r:id="rIdV"/></worksheet>')
            if name == "[Content_Types].xml":
                part = part.replace(b"</Types>", b'<Default Extension="vml" ContentType="'
                                    b'application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
                                    b"</Types>")
            dst.writestr(name, part)
        dst.writestr("xl/worksheets/_rels/sheet2.xml.rels", rels)
        dst.writestr("xl/drawings/vmlDrawing1.vml", vml)
    out = feedback_patch.annotated_bytes(out.getvalue(), order_findings(FINDINGS), "T", STAMP)
    archive = zipfile.ZipFile(io.BytesIO(out))
    drawing = archive.read("xl/drawings/vmlDrawing1.vml")
    assert b'ObjectType="Checkbox"' in drawing
    assert drawing.count(b'ObjectType="Note"') == 2
    assert b'id="_x0000_t202"' in drawing and b"_x0000_s2050" in drawing
    sheet = load_workbook(io.BytesIO(out))["Đăng ký"]
    assert sheet["F12"].comment.text.startswith("Lỗi (C05)")
    assert sheet["D8"].comment is None


def test_patched_copy_is_deterministic_and_stamped():
    data = _book_bytes(_unit_book())
    first = feedback_patch.annotated_bytes(data, order_findings(FINDINGS), "T", STAMP)
    again = feedback_patch.annotated_bytes(data, order_findings(FINDINGS), "T", STAMP)
    assert first == again
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.testzip() is None
    assert {i.date_time for i in archive.infolist()} == {(2025, 7, 20, 8, 30, 0)}
