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

import re

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# A text written as it is: none of the characters xlsxwriter escapes (control characters,
# &, <, >, U+FFFE, U+FFFF) and nothing that looks like an _xHHHH_ escape.
_NEEDS_ESCAPING = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_COLUMNS: list[str] = []  # column letters by index, extended on demand


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

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """xlsxwriter's `_write_single_row`, producing the same XML with one write per row."""
        row_num = self.previous_row
        self.previous_row = current_row_num
        cells = self.table.get(row_num)
        if cells:
            self._write_row(row_num, None, self.row_info.get(row_num))
            self.fh.write(self._cells_xml(row_num, cells) + "</row>")
        elif row_num in self.row_info or row_num in self.comments:
            self._write_empty_row(row_num, None, self.row_info[row_num])
        self.table.clear()

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
