"""StreamedWorksheet writes the same bytes as xlsxwriter's own constant-memory worksheet."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.streamed import StreamedWorksheet

# Texts that take every branch: plain, escaped (&<>, control characters, _xHHHH_, U+FFFE),
# leading/trailing (Unicode) spaces, line breaks, quotes, rich-looking strings.
TRICKY = ["", "Đạt", "a & b", "<r>x</r>", "x < y > z", "\x01ctl\x1f", "_x0041_", "_x00G1_",
          " lead", "trail ", "\u00a0nbsp", "tab\t", "line\nbreak", "end\n", 'say "hi"',
          "\ufffe\uffff", "\x85next", "🙂 emoji"]

texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
numbers = st.one_of(st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([0.1, 1e-300, 123456789.123456789, -0.0]))
# (kind, value, format index or None); None formats take the row's or the column's format
cells = st.tuples(
    st.sampled_from(["string", "number", "blank", "datetime", "boolean", "formula", "rich"]),
    st.one_of(texts, numbers),
    st.one_of(st.none(), st.integers(0, 2)))
rows = st.lists(st.tuples(st.integers(0, 3),  # gap before this row
                          st.dictionaries(st.integers(0, 30), cells, max_size=8),
                          st.one_of(st.none(), st.tuples(st.floats(5, 60), st.booleans(),
                                                         st.booleans(), st.integers(0, 2)))),
                max_size=12)


def _write(path: Path, streamed: bool, content) -> bytes:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": not streamed})
    formats = [book.add_format({"bold": True}), book.add_format({"num_format": "0.00"}),
               book.add_format({"text_wrap": True, "bg_color": "#FFEEDD"})]
    sheet = book.add_worksheet("Dữ liệu", StreamedWorksheet if streamed else None)
    sheet.set_column(2, 2, 12, formats[1])
    red = book.add_format({"font_color": "red"})
    row = 0
    for gap, row_cells, info in content:
        row += gap
        if info is not None:
            height, hidden, with_format, level = info
            sheet.set_row(row, height, formats[0] if with_format else None,
                          {"hidden": hidden, "level": level})
        for col, (kind, value, fmt_index) in sorted(row_cells.items()):
            fmt = None if fmt_index is None else formats[fmt_index]
            text, number = str(value), value if not isinstance(value, str) else len(value)
            if kind == "string":
                sheet.write_string(row, col, text, fmt)
            elif kind == "number":
                sheet.write_number(row, col, number, fmt)
            elif kind == "blank":
                sheet.write_blank(row, col, None, fmt or formats[0])
            elif kind == "datetime":
                sheet.write_datetime(row, col, dt.datetime(2025, 7, 1) + dt.timedelta(
                    days=abs(int(number)) % 1000), fmt)
            elif kind == "boolean":
                sheet.write_boolean(row, col, bool(number), fmt)
            elif kind == "formula":
                sheet.write_formula(row, col, f"=LEN({col + 1})", fmt, text)
            else:
                sheet.write_rich_string(row, col, "a", red, text or "b", "c", *[fmt] if fmt else [])
        row += 1
    book.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=rows)
def test_same_xml_as_xlsxwriter(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("streamed")
    assert (_write(folder / "fast.xlsx", True, content)
            == _write(folder / "stock.xlsx", False, content))


def test_every_tricky_text_and_number_alone(tmp_path):
    """Every special case, each in a cell of its own, with a format and without (hypothesis
    rarely draws a given text in a given kind of cell)."""
    content = [(0, {0: ("string", text, fmt), 1: ("number", 1.5, fmt), 2: ("blank", "", fmt),
                    3: ("datetime", 3, fmt)}, None)
               for text in [*TRICKY, "x" * 40, "\t", " "] for fmt in (None, 0, 2)]
    assert _write(tmp_path / "fast.xlsx", True, content) == _write(tmp_path / "stock.xlsx",
                                                                   False, content)


def test_plain_row_is_written_in_one_piece(tmp_path):
    """The fast path is taken: a row of plain cells costs one write after its <row> tag."""
    book = xlsxwriter.Workbook(str(tmp_path / "b.xlsx"))
    fmt = book.add_format({"bold": True})
    sheet = book.add_worksheet("S", StreamedWorksheet)
    writes: list[str] = []
    for col, value in enumerate(["Đạt", 1.5, "Khá"]):
        (sheet.write_string if isinstance(value, str) else sheet.write_number)(0, col, value, fmt)
    real = sheet.fh
    sheet.fh = type("Spy", (), {"write": lambda self, s: writes.append(s)})()
    sheet._write_single_row(1)
    sheet.fh = real
    book.close()
    assert writes[0].startswith('<row r="1"')
    assert writes[1:] == ['<c r="A1" s="1" t="inlineStr"><is><t>Đạt</t></is></c>'
                          '<c r="B1" s="1"><v>1.5</v></c>'
                          '<c r="C1" s="1" t="inlineStr"><is><t>Khá</t></is></c></row>']
