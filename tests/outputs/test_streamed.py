"""StreamedWorksheet writes the same bytes as xlsxwriter's own constant-memory worksheet."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.outputs.workbooks.streamed import StreamedWorksheet, write_columns

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


@pytest.mark.slow
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


# --- write_columns: a table's rows given column by column -----------------------------------
LONG = ["x" * 20000, "🙂" * 17000]  # past the quick length check; the second is truncated
column_values = {
    "string": st.one_of(st.none(), st.sampled_from(TRICKY + LONG), st.text(max_size=12)),
    "number": st.one_of(st.none(), numbers),
    "datetime": st.one_of(st.none(), st.datetimes(dt.datetime(1900, 3, 1),
                                                  dt.datetime(2100, 1, 1))),
}


@st.composite
def tables(draw):
    """Chunks of rows: (gap before, row heights or None, columns as write_columns takes them
    but with format numbers)."""
    chunks = []
    for _ in range(draw(st.integers(1, 3))):
        count = draw(st.integers(0, 6))
        cols = sorted(draw(st.sets(st.integers(0, 20), min_size=1, max_size=5)))
        columns = []
        for col in cols:
            kind = draw(st.sampled_from(sorted(column_values)))
            values = draw(st.lists(column_values[kind], min_size=count, max_size=count))
            formats = draw(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=count,
                                    max_size=count))
            columns.append((col, kind, values, formats))
        heights = draw(st.lists(st.one_of(st.none(), st.floats(5, 60)), min_size=count,
                                max_size=count))
        chunks.append((draw(st.integers(0, 2)), heights, columns))
    return chunks


def _write_table(path: Path, streamed: bool, chunks) -> tuple[bytes, bytes]:
    """A title row, the chunks (write_columns, or every cell written by hand on a stock
    constant-memory sheet), then a closing row; the sheet's XML and the styles."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": not streamed})
    formats = [book.add_format({"bold": True}), book.add_format({"num_format": "0.00"}),
               book.add_format({"text_wrap": True, "bg_color": "#FFEEDD"}),
               book.add_format({"italic": True})]
    sheet = book.add_worksheet("Bảng", StreamedWorksheet if streamed else None)
    sheet.write_string(0, 0, "Tiêu đề", book.add_format({"font_size": 14}))
    row = 1
    for gap, heights, columns in chunks:
        row += gap
        for i, height in enumerate(heights):
            if height is not None:
                sheet.set_row(row + i, height)
        given = [(col, kind, values, [None if f is None else formats[f] for f in numbers])
                 for col, kind, values, numbers in columns]
        if streamed:
            write_columns(sheet, row, given)
        else:
            writers = {"string": sheet.write_string, "number": sheet.write_number,
                       "datetime": sheet.write_datetime}
            for i in range(len(heights)):
                for col, kind, values, fmts in given:
                    if values[i] is not None:
                        writers[kind](row + i, col, values[i], fmts[i])
                    elif fmts[i] is not None:
                        sheet.write_blank(row + i, col, None, fmts[i])
        row += len(heights)
    sheet.write_string(row, 0, "Hết", book.add_format({"underline": 1}))
    book.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml"), z.read("xl/styles.xml")


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=tables())
def test_write_columns_same_as_cell_by_cell(tmp_path_factory, chunks):
    """Same cells, same row heights, and the formats numbered in the same order as writing
    every cell with xlsxwriter row by row."""
    folder = tmp_path_factory.mktemp("columns")
    assert (_write_table(folder / "fast.xlsx", True, chunks)
            == _write_table(folder / "stock.xlsx", False, chunks))


def test_write_columns_takes_the_whole_row_path(tmp_path, monkeypatch):
    """Rows of plain cells never reach xlsxwriter's cell writer; a row with a text that needs
    escaping does, and only that row."""
    book = xlsxwriter.Workbook(str(tmp_path / "b.xlsx"))
    fmt = book.add_format({"bold": True})
    sheet = book.add_worksheet("S", StreamedWorksheet)
    cells: list[tuple[int, int]] = []
    stock = StreamedWorksheet._write_cell
    monkeypatch.setattr(StreamedWorksheet, "_write_cell",
                        lambda self, row, col, cell: (cells.append((row, col)),
                                                      stock(self, row, col, cell)))
    write_columns(sheet, 2, [(0, "string", ["Đạt", "a & b", "Khá"], [fmt] * 3),
                             (1, "number", [1.5, 2, None], [fmt] * 3),
                             (3, "datetime", [dt.datetime(2025, 7, 1), None, None],
                              [fmt, None, fmt])])
    book.close()
    assert cells == [(3, 0)]  # the second row, cell by cell: only its escaped text
    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert ('<row r="3"><c r="A3" s="1" t="inlineStr"><is><t>Đạt</t></is></c>'
            '<c r="B3" s="1"><v>1.5</v></c><c r="D3" s="1"><v>45839</v></c></row>') in xml
    assert '<c r="A4" s="1" t="inlineStr"><is><t>a &amp; b</t></is></c>' in xml
    assert '<dimension ref="A3:D5"/>' in xml


def test_write_columns_long_and_tricky_texts(tmp_path):
    """Every special text in a column of its own rows, with and without a format, and the
    texts xlsxwriter truncates (hypothesis rarely draws these)."""
    texts = [*TRICKY, *LONG, "x" * 16383, "x" * 16384]
    chunks = [(0, [None] * len(texts), [(0, "string", texts, [fmt] * len(texts)),
                                        (2, "number", list(range(len(texts))), [1] * len(texts))])
              for fmt in (None, 0, 2)]
    assert (_write_table(tmp_path / "fast.xlsx", True, chunks)
            == _write_table(tmp_path / "stock.xlsx", False, chunks))


def test_no_drawing_once_row_heights_are_forgotten(tmp_path):
    """A streamed sheet forgets the heights of rows written out; a chart placed afterwards
    would be placed by default heights, so it is refused."""
    book = xlsxwriter.Workbook(str(tmp_path / "b.xlsx"))
    fmt = book.add_format({"bold": True})
    sheet = book.add_worksheet("S", StreamedWorksheet)
    write_columns(sheet, 0, [(0, "string", ["a", "b", "c"], [fmt] * 3)], [30, 30, 30])
    sheet.write_string(5, 0, "sau", fmt)
    chart = book.add_chart({"type": "column"})
    with pytest.raises(RuntimeError, match="insert_chart after rows were written out"):
        sheet.insert_chart(6, 0, chart)
    book.close()
