"""A worksheet written row by row to its temporary file, with xlsxwriter's own XML, faster.

xlsxwriter's `constant_memory` mode keeps one row in memory and writes it out when the next
row begins (`Worksheet._write_single_row`), one cell at a time through its generic XML writer:
for a province's quarter (millions of cells) that is most of the time spent on the
consolidated workbook. `StreamedWorksheet` writes the same row with one string per row: a
cell's reference, style and value are formatted directly, a plain text (no character that
needs escaping, no leading or trailing space) goes in as it is, and anything else (rich
strings, formulas, booleans, errors, cells without a format of their own, texts that need
escaping) goes through xlsxwriter's own code. The bytes are the same as xlsxwriter's:
tests/test_streamed.py writes the same cells both ways and compares the files.

Written against xlsxwriter 3.3 (pyproject.toml pins the minor version): the override relies on
the worksheet's row table (`self.table`), its row information (`self.row_info`) and the cell
tuples' class names, all of which xlsxwriter's own `_write_single_row` uses."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# A text written as it is: none of the characters xlsxwriter escapes (control characters,
# &, <, >, U+FFFE, U+FFFF) and nothing that looks like an _xHHHH_ escape.
_NEEDS_ESCAPING = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_COLUMNS: list[str] = []  # column letters by index, extended on demand

# A table's column over some rows: (column index, how its values are written: "string",
# "number" or "datetime", the values (None: a blank), the formats (None: no format)).
Column = tuple[int, str, Sequence, Sequence[Format | None]]


def _column_names(last: int) -> list[str]:
    while len(_COLUMNS) <= last:
        _COLUMNS.append(xl_col_to_name(len(_COLUMNS)))
    return _COLUMNS


def _as_it_is(text: str) -> bool:
    """Whether xlsxwriter writes this text unchanged and without xml:space="preserve"."""
    return not (_NEEDS_ESCAPING.search(text) or text[:1].isspace() or text[-1:].isspace())


class StreamedWorksheet(Worksheet):
    """A worksheet whose rows go to its temporary file as they are written (xlsxwriter's
    `constant_memory` mode, for this sheet only).

    A streamed sheet is written strictly row by row: a row's height is set before the next
    row is touched, and a write to an earlier row is dropped (xlsxwriter does so silently).
    Its strings are stored inline."""

    def _initialize(self, init_data: dict) -> None:
        super()._initialize({**init_data, "constant_memory": True})
        self.written_whole = -1  # the last row write_columns wrote out whole, if any
        self.rows_forgotten = False  # whether a written-out row's height was dropped

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """xlsxwriter's `_write_single_row`, producing the same XML with one write per row."""
        row_num = self.previous_row
        self.previous_row = current_row_num
        cells = self.table.get(row_num)
        if row_num == self.written_whole:  # already out
            if cells:
                raise RuntimeError(f"row {row_num + 1} of sheet '{self.name}' was written "
                                   "whole: no cell can be added to it")
        elif cells:
            self._write_row(row_num, None, self.row_info.get(row_num))
            self.fh.write(self._cells_xml(row_num, cells) + "</row>")
        elif row_num in self.row_info or row_num in self.comments:
            self._write_empty_row(row_num, None, self.row_info[row_num])
        self._forget(row_num)
        self.table.clear()

    def _forget(self, row: int) -> None:
        """Drop a written-out row's height (xlsxwriter keeps every row's: hundreds of thousands
        of entries for a province); kept where a drawing's position depends on row heights."""
        self.row_info.pop(row, None)
        if not (self.charts or self.images or self.shapes or self.comments
                or self.buttons_list):
            self.rows_forgotten |= self.row_sizes.pop(row, None) is not None

    def _drawing(self, method: str, *args, **kwargs):
        if self.rows_forgotten:
            raise RuntimeError(f"sheet '{self.name}': {method} after rows were written out "
                               "(their heights, which place a drawing, are gone)")
        return getattr(super(), method)(*args, **kwargs)

    def insert_chart(self, *args, **kwargs):
        return self._drawing("insert_chart", *args, **kwargs)

    def insert_image(self, *args, **kwargs):
        return self._drawing("insert_image", *args, **kwargs)

    def insert_textbox(self, *args, **kwargs):
        return self._drawing("insert_textbox", *args, **kwargs)

    def insert_button(self, *args, **kwargs):
        return self._drawing("insert_button", *args, **kwargs)

    def write_comment(self, *args, **kwargs):
        return self._drawing("write_comment", *args, **kwargs)

    def _cells_xml(self, row_num: int, cells: dict) -> str:
        """The row's cells, in column order, as xlsxwriter's `_write_cell` writes them."""
        names = _column_names(self.dim_colmax)
        row = str(row_num + 1)
        parts: list[str] = []
        for col in sorted(cells):
            cell = cells[col]
            fmt = cell.format
            kind = type(cell).__name__
            if fmt is not None and kind in ("Number", "Datetime"):
                parts.append(f'<c r="{names[col]}{row}" s="{fmt._get_xf_index()}">'
                             f"<v>{cell.number:.16G}</v></c>")
            elif fmt is not None and kind == "Blank":
                parts.append(f'<c r="{names[col]}{row}" s="{fmt._get_xf_index()}"/>')
            elif fmt is not None and kind == "String" and _as_it_is(cell.string):
                parts.append(f'<c r="{names[col]}{row}" s="{fmt._get_xf_index()}" '
                             f't="inlineStr"><is><t>{cell.string}</t></is></c>')
            else:  # anything else: xlsxwriter's own code, after what this row has so far
                self.fh.write("".join(parts))
                parts.clear()
                self._write_cell(row_num, col, cell)
        return "".join(parts)

    # --- whole rows at once (write_columns) ---------------------------------------------------
    def _begin_rows(self, first_row: int, columns: Sequence[Column]) -> None:
        """Before writing `columns` from `first_row` with `_column_xml` and `_put_row`: write
        out the row waiting, as xlsxwriter does on the first cell written below it, then number
        the formats the rows use in the order xlsxwriter meets them, row by row, left to right
        (it numbers a format when it writes out the first row that uses it)."""
        starts = [next((i for i, (v, f) in enumerate(zip(values, formats, strict=True))
                        if v is not None or f is not None), None)
                  for _, _, values, formats in columns]
        written = [i for i in starts if i is not None]
        if not written:
            return  # nothing is written
        if first_row + min(written) > self.previous_row:
            self._write_single_row(first_row + min(written))
        new: dict[Format, tuple[int, int]] = {}
        for j, (*_, formats) in enumerate(columns):
            for fmt in dict.fromkeys(formats):
                if fmt is not None and fmt.xf_index is None:
                    place = (formats.index(fmt), j)
                    new[fmt] = min(new.get(fmt, place), place)
        for fmt in sorted(new, key=new.__getitem__):
            fmt._get_xf_index()

    def _column_xml(self, kind: str, col: int, first_row: int, values: Sequence,
                   formats: Sequence[Format | None]) -> list[str | None]:
        """One column's cells over the rows from `first_row` (`kind`: "string", "number" or
        "datetime"; a value None is a blank), each as the XML xlsxwriter writes for it: "" where
        nothing is written (a blank without a format), None where the cell is not plain (a text
        needing escaping or too long, a number that is not finite, no format): write that one
        with xlsxwriter's own write_* method. Call `_begin_rows` first."""
        last = first_row + len(values) - 1
        if not (0 <= col < self.xls_colmax and first_row >= 0 and last < self.xls_rowmax):
            return [None] * len(values)
        letter = _column_names(col)[col]
        styles = {f: f._get_xf_index() for f in dict.fromkeys(formats) if f is not None}
        out: list[str | None] = []
        add = out.append
        for row, value, fmt in zip(range(first_row + 1, last + 2), values, formats,
                                   strict=True):
            if fmt is None:
                add("" if value is None else None)
            elif value is None:
                add(f'<c r="{letter}{row}" s="{styles[fmt]}"/>')
            elif kind == "string":
                add(f'<c r="{letter}{row}" s="{styles[fmt]}" t="inlineStr"><is><t>{value}</t>'
                    "</is></c>" if len(value) <= self.xls_strmax // 2 and _as_it_is(value)
                    else None)
            else:
                number = self._convert_date_time(value) if kind == "datetime" else value
                add(f'<c r="{letter}{row}" s="{styles[fmt]}"><v>{number:.16G}</v></c>'
                    if math.isfinite(number) else None)
        return out

    def _put_row(self, row: int, cols: Sequence[int], cells: Sequence[str | None]) -> bool:
        """Write out a whole row now: `cells` are the XML `_column_xml` made for the columns
        `cols` (ascending; "" where nothing is written). The bytes are those of writing each
        cell with xlsxwriter's write_* and moving on. False, and nothing done, when the row
        cannot go out whole: a cell is not plain (None), or the row already has cells."""
        if (None in cells or row < self.previous_row or row == self.written_whole
                or self.table.get(row)):
            return False
        if not any(cells):
            return True  # xlsxwriter writes nothing and does not move on
        if row > self.previous_row:
            self._write_single_row(row)
        low, high = 0, len(cells) - 1
        while not cells[low]:
            low += 1
        while not cells[high]:
            high -= 1
        self._check_dimensions(row, cols[low])
        self._check_dimensions(row, cols[high])
        self._write_row(row, None, self.row_info.get(row))
        self.fh.write("".join(cells) + "</row>")
        self.written_whole = row
        self._forget(row)
        return True


def write_columns(ws: Worksheet, first_row: int, columns: Sequence[Column],
                  heights: Sequence[float | None] = ()) -> None:
    """Write rows from `first_row`, given column by column (`columns` left to right): the same
    cells as calling write_string, write_number, write_datetime or write_blank for each, row
    by row, and the same bytes. A StreamedWorksheet writes each row whose cells are all plain
    as one string, at once, except the last row, which waits as xlsxwriter's rows do for what
    comes next; other rows, and other worksheets, go through xlsxwriter cell by cell.
    `heights`: the rows' heights (None: the default), set first."""
    if not isinstance(ws, Worksheet):  # a stand-in (remote_book.Remote): the worker writes
        ws.write_columns(first_row, columns, heights)
        return
    for i, height in enumerate(heights):
        if height is not None:
            ws.set_row(first_row + i, height)
    count = len(columns[0][2]) if columns else 0
    whole = count - 1 if isinstance(ws, StreamedWorksheet) else 0  # rows that go out whole
    if whole > 0:
        ahead = [(col, kind, values[:whole], formats[:whole])
                 for col, kind, values, formats in columns]
        ws._begin_rows(first_row, ahead)
        cols = [col for col, *_ in columns]
        rows_xml = list(zip(*[ws._column_xml(kind, col, first_row, values, formats)
                              for col, kind, values, formats in ahead], strict=True))
    writers = {"string": ws.write_string, "number": ws.write_number,
               "datetime": ws.write_datetime}
    for i in range(count):
        row = first_row + i
        if i < whole and ws._put_row(row, cols, rows_xml[i]):
            continue
        for col, kind, values, formats in columns:
            value = values[i]
            if value is not None:
                writers[kind](row, col, value, formats[i])
            elif formats[i] is not None:
                ws.write_blank(row, col, None, formats[i])
