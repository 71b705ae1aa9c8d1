"""The sheet framework of the consolidated workbooks: formats, measured columns, a sheet
that writes tables, titles and print setup; used by `quarterly`, `annual` and `review`.

Formatting choices, the same on every sheet:
- Times New Roman 11 (the workbook's default font, so empty cells and charts match).
- Numbers use the standard Excel codes `#,##0.00` (scores) and `#,##0` (counts). In a format
  code ',' and '.' are placeholders for "thousands separator" and "decimal point": Excel and
  LibreOffice show them with the reader's locale, so a Vietnamese Windows shows `1.234,50`.
  Writing `#.##0,00` would instead be taken literally and break on every machine.
  Years and months use `0` (no separator: 1985, not 1.985). Dates are `dd/mm/yyyy`.
- Header row frozen, autofilter on every table (several tables on a sheet are Excel tables,
  each with its own filter), widths fitted from the content (capped; long text wraps and the
  row height follows), A4 landscape, one page wide, header rows repeated, footer with the
  period label and "Trang &P/&N".
- Text typed by a unit is always written with `write_string` and the workbook is opened with
  `strings_to_formulas`/`strings_to_urls` off: "=SUM(...)" stays text, never a formula.
- Deterministic bytes: the document's creation date is the run date; xlsxwriter already fixes
  the zip entries' timestamps.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Plan
from pipeline.outputs.workbooks import remote_book
from pipeline.outputs.workbooks.columns import (
    _CENTERED,
    COUNT_FORMAT,
    CRITERION_FORMAT,
    DATE_FORMAT,
    DELTA_FORMAT,
    FONT,
    FONT_SIZE,
    HEADER_FILL,
    LINE_HEIGHT,
    MAX_TEXT_WIDTH,
    PLAIN_INT_FORMAT,
    SCORE_FORMAT,
    _as_date,
    display_text,
    header,
    is_blank,
    kind_of,
    where,
)
from pipeline.outputs.workbooks.streamed import StreamedWorksheet, write_columns
from pipeline.parallel import WriterFailed
from pipeline.text import vn_date


# ---- the sheet writer ----------------------------------------------------------------------------
class Formats:
    """Formats built once per distinct property set (xlsxwriter wants them shared)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cache: dict[tuple, object] = {}
        self.cells: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"font_name": FONT, **props})
        return self.cache[key]

    def cell(self, kind: str, fill: str | None = None, bold: bool = False, column: str = ""):
        key = (kind, fill, bold, column)
        if key not in self.cells:
            self.cells[key] = self._cell(kind, fill, bold, column)
        return self.cells[key]

    def _cell(self, kind: str, fill: str | None, bold: bool, column: str):
        props: dict = {"border": 1, "border_color": "#A6A6A6", "valign": "top",
                       "font_size": FONT_SIZE}
        if kind == "score":
            props.update(num_format=SCORE_FORMAT, align="right")
        elif kind == "criterion":
            props.update(num_format=CRITERION_FORMAT, align="right")
        elif kind == "count":
            props.update(num_format=COUNT_FORMAT, align="right")
        elif kind == "int":
            props.update(num_format=PLAIN_INT_FORMAT,
                         align="center" if column == "stt" else "right")
        elif kind == "delta":
            props.update(num_format=DELTA_FORMAT, align="right")
        elif kind == "date":
            props.update(num_format=DATE_FORMAT, align="center")
        elif (kind in ("flag", "period", "centered") or column in _CENTERED
              or column.startswith("xep_loai")):
            props.update(align="center", text_wrap=True)
        else:
            props.update(text_wrap=True)
        if fill:
            props["bg_color"] = fill
        if bold:
            props["bold"] = True
        return self.get(**props)

    def rule(self, **props):
        """A conditional format's format (no font: the cell keeps its own)."""
        key = ("rule", *sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]

    def header(self):
        return self.get(bold=True, bg_color=HEADER_FILL, border=1, border_color="#808080",
                        align="center", valign="vcenter", text_wrap=True, font_size=FONT_SIZE)

    def title(self):
        return self.get(bold=True, font_size=14, align="center", valign="vcenter",
                        text_wrap=True)

    def subtitle(self):
        return self.get(italic=True, font_size=12, align="center", valign="vcenter")

    def section(self):
        return self.get(bold=True, font_size=12)

    def plain(self, **extra):
        return self.get(font_size=FONT_SIZE, **extra)


class Columns:
    """A frame's columns as lists of Python values, each converted once, on first use."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.lists: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def values(self, column: str) -> list:
        """The column's values (all None for a column the frame lacks)."""
        if column not in self.lists:
            self.lists[column] = (self.frame[column].tolist() if column in self.frame
                                  else [None] * len(self.frame))
        return self.lists[column]

    def strings(self, column: str) -> list[str]:
        """The column's values as `str` gives them."""
        key = f"str:{column}"
        if key not in self.lists:
            self.lists[key] = [str(v) for v in self.values(column)]
        return self.lists[key]


# A table column's own fill per row (or None where the column has none): given the column id
# and the table's columns; a fill it gives wins over the value's fill of `fills`.
CellFill = Callable[[str, Columns], Sequence[str | None] | None]
# The fill a CellFill gives a cell that a conditional format of the sheet paints: the cell is
# written without a fill of its own, and not at all when it is blank.
PAINTED = "painted"

ROWS_AT_ONCE = 2000  # a table is prepared and written this many rows at a time


@dataclass
class TableColumn:
    """One column of a table being written: what to write per row and how to show it."""

    col: int
    column: str
    kind: str
    fills: dict[str, str]
    shown: Callable[[object], str]  # display_text for this column, computed once per value
    longest: int = 0  # the longest line of its texts
    line_breaks: bool = False  # whether a text holds a line break


@dataclass
class SheetWriter:
    """One worksheet being written: remembers widths and wrapped texts to size rows."""

    ws: Worksheet
    fmt: Formats
    widths: dict[int, float] = field(default_factory=dict)
    fixed: dict[int, float] = field(default_factory=dict)
    wrapped: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    header_rows: list[int] = field(default_factory=list)
    folded: set[int] = field(default_factory=set)  # columns grouped one level, collapsed

    def widen(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0), width)

    def final_widths(self) -> dict[int, float]:
        """Each column's width: the fixed one, else the widest content; capped."""
        final = {**self.widths, **self.fixed}
        return {c: min(w, MAX_TEXT_WIDTH) for c, w in final.items()}

    def write(self, row: int, col: int, value: object, kind: str, fmt, wrap: bool = True) -> None:
        """Write one value by its kind; text always as a string, never a formula."""
        ws = self.ws
        if is_blank(value):
            ws.write_blank(row, col, None, fmt)
            return
        if kind in ("score", "criterion", "count", "int", "delta"):
            ws.write_number(row, col, float(value) if kind in ("score", "criterion")
                            else int(value), fmt)
        elif kind == "date":
            ws.write_datetime(row, col, dt.datetime.combine(_as_date(value), dt.time()), fmt)
        else:
            text = display_text(value, kind)
            ws.write_string(row, col, text, fmt)
            if wrap:
                self.wrapped.setdefault(row, []).append((col, text))
        self.widen(col, _measure(display_text(value, kind), kind))

    def table(self, frame: pd.DataFrame, columns: Sequence[str], top: int, *, left: int = 0,
              name: str = "", fills: dict[str, dict[str, str]] | None = None,
              cell_fill: CellFill | None = None, headers: dict[str, str] | None = None) -> int:
        """Header at `top`, one row per record below; returns the last row written.

        Every column is measured first (so the sheet's widths are final: nothing may widen
        them afterwards), then the rows are written in order, each after its height, a few
        thousand at a time: a streamed sheet never goes back to a row."""
        fills = fills or {}
        texts = [(headers or {}).get(c) or header(c, name) for c in columns]
        table = [TableColumn(left + j, c, kind_of(c), fills.get(c, {}), _shower(kind_of(c)))
                 for j, c in enumerate(columns)]
        for spec, text in zip(table, texts, strict=True):
            self.widen(spec.col, _header_width(text))
            if spec.column in frame:
                self._measure_column(frame[spec.column].tolist(), spec)
        widths = self.final_widths()
        # Without folded columns a row's height is its tallest cell's: a column whose every
        # text fits one line cannot make a row taller.
        wrapping = {s.col for s in table if self.folded or s.line_breaks
                    or s.longest > _line_length(widths.get(s.col, 10))}
        ws, head = self.ws, self.fmt.header()
        lines = self.row_lines(1, [(s.col, [t]) for s, t in zip(table, texts, strict=True)],
                               widths)
        ws.set_row(top, LINE_HEIGHT * max(lines[0], 1) + 3)
        for spec, text in zip(table, texts, strict=True):
            ws.write_string(top, spec.col, text, head)
        for start in range(0, len(frame), ROWS_AT_ONCE):
            rows = Columns(frame.iloc[start:start + ROWS_AT_ONCE])
            cells = [(spec.col, *self._cells(rows, spec, cell_fill)) for spec in table]
            lines = self.row_lines(len(rows), [(col, texts) for col, *_, texts in cells
                                               if texts is not None and col in wrapping],
                                   widths)
            write_columns(ws, top + 1 + start, [cell[:4] for cell in cells],
                          [LINE_HEIGHT * count + 3 if count > 1 else None for count in lines])
        last = top + max(len(frame), 1)
        if not len(frame):
            for j in range(len(columns)):
                ws.write_blank(top + 1, left + j, None, self.fmt.cell("text"))
            ws.write_string(top + 1, left, "(không có)", self.fmt.cell("text"))
        return last

    def _measure_column(self, given: list, spec: TableColumn) -> None:
        """Widen a table column to its widest value and note its longest line (each distinct
        value measured once)."""
        try:  # 1, 1.0 and True are equal but show differently: (type, value) if types mix
            distinct = (list(dict.fromkeys(given)) if len(set(map(type, given))) == 1
                        else [v for _, v in dict.fromkeys((type(v), v) for v in given)])
        except TypeError:  # an unhashable value
            distinct = given
        texts = [spec.shown(v) for v in distinct if not is_blank(v)]
        if texts:
            spec.line_breaks = any("\n" in t for t in texts)
            spec.longest = (max(len(line) for t in texts for line in t.split("\n"))
                            if spec.line_breaks else max(map(len, texts)))
            self.widen(spec.col, _width(spec.longest, spec.kind))

    def _cells(self, rows: Columns, spec: TableColumn, cell_fill: CellFill | None) -> tuple:
        """One table column over some rows: (how it is written: "string", "number" or
        "datetime"; values to write or None for a blank; formats; the wrapped texts or None
        for a column of numbers or dates)."""
        kind, column, fills, shown = spec.kind, spec.column, spec.fills, spec.shown
        given = rows.values(column)
        as_text = kind not in _NUMBER_KINDS and kind != "date"
        if as_text:
            written_as, values = "string", [None if is_blank(v) else shown(v) for v in given]
        elif kind == "date":
            written_as, values = "datetime", [
                None if is_blank(v) else dt.datetime.combine(_as_date(v), dt.time())
                for v in given]
        else:
            number = float if kind in ("score", "criterion") else int
            written_as, values = "number", [None if is_blank(v) else number(v) for v in given]
        # the text of every cell where it picks a fill
        texts = (values if as_text
                 else [None if x is None else shown(v) for v, x in zip(given, values,
                                                                       strict=True)]
                 if fills else None)
        own = cell_fill(column, rows) if cell_fill else None
        if not own and not fills:
            formats = [self.fmt.cell(kind, column=column)] * len(given)
        else:
            chosen = ([f or fills.get(t) for f, t in zip(own, texts, strict=True)] if own and fills
                      else [f or None for f in own] if own else [fills.get(t) for t in texts])
            by_fill = {f: self.fmt.cell(kind, None if f == PAINTED else f, column=column)
                       for f in dict.fromkeys(chosen)}  # in order: formats are numbered
            formats = [by_fill[f] for f in chosen]
            if PAINTED in by_fill:  # a blank painted cell is left out
                formats = [None if x is None and f == PAINTED else fmt
                           for fmt, f, x in zip(formats, chosen, values, strict=True)]
        return written_as, values, formats, values if as_text else None

    def row_lines(self, count: int, texts: Iterable[tuple[int, Sequence[str | None]]],
                  widths: dict[int, float]) -> list[int]:
        """Per row of `count` rows: the most lines one of its texts (given per column, None
        for no text) needs in its column's width; the folded (hidden) columns count only in a
        row that has nothing else; 0 for a row without text."""
        shown, every = [0] * count, [0] * count
        for col, column in texts:
            width, known = widths.get(col, 10), {}
            lines = [0 if t is None else known[t] if t in known
                     else known.setdefault(t, _lines(t, width)) for t in column]
            every = list(map(max, every, lines))
            if col not in self.folded:
                shown = list(map(max, shown, lines))
        return [s or e for s, e in zip(shown, every, strict=True)]

    def finish(self, *, freeze: tuple[int, int] | None, filter_range: tuple | None,
               footer_title: str, period_label: str, repeat: tuple[int, int] | None,
               side_margin: float = 0.4) -> None:
        """Widths, the heights of rows written by `write` and `_grid`, freeze, filter and
        print setup."""
        ws = self.ws
        final = self.final_widths()
        for col, width in sorted(final.items()):
            fold = {"level": 1, "hidden": True} if col in self.folded else {}
            ws.set_column(col, col, round(width, 1), None, fold)
        if self.folded:
            ws.outline_settings(True, True, True, False)  # "+" on the column after a group
            for col in sorted(self.folded):
                if col + 1 not in self.folded:
                    ws.set_column(col + 1, col + 1, round(final.get(col + 1, 8.43), 1), None,
                                  {"collapsed": True})
        headers = set(self.header_rows)
        for row, items in sorted(self.wrapped.items()):
            lines = self.row_lines(1, [(col, [text]) for col, text in items], final)[0]
            if lines > 1 or row in headers:
                ws.set_row(row, LINE_HEIGHT * max(lines, 1) + 3)
        if freeze:
            ws.freeze_panes(*freeze)
        if filter_range:
            ws.autofilter(*filter_range)
        _print_setup(ws, footer_title, period_label, repeat, side_margin)


_NUMBER_KINDS = ("score", "criterion", "count", "int", "delta")
_PLAIN_TEXT_KINDS = ("text", "long")


def _shower(kind: str) -> Callable[[object], str]:
    """`display_text` for a column of `kind`; the text of each distinct value is computed once
    (a string in a text column is its own text)."""
    texts: dict[tuple, str] = {}

    def shown(value: object) -> str:
        if kind in _PLAIN_TEXT_KINDS and type(value) is str:
            return value
        try:
            key = (type(value), value)
            if key not in texts:
                texts[key] = display_text(value, kind)
            return texts[key]
        except TypeError:  # an unhashable value
            return display_text(value, kind)
    return shown


def _measure(text: str, kind: str) -> float:
    """The width a text of a column of `kind` asks for."""
    return _width(max(len(line) for line in text.split("\n")), kind)


def _width(longest: int, kind: str) -> float:
    """The width a column of `kind` asks for, from its longest line of text."""
    if kind in ("score", "criterion", "count", "int", "delta"):
        return longest + 3
    if kind == "date":
        return 12
    return min(longest, MAX_TEXT_WIDTH if kind == "long" else 32) + 2


def _header_width(text: str) -> float:
    """Headers wrap between words: the longest word must fit, and short headers stay one line."""
    words = max((len(w) for w in text.split()), default=0)
    return max(words + 2, min(len(text), 14) + 2)


def _line_length(width: float) -> float:
    """Characters per line in a column: Times New Roman fits ~1.18 characters per width unit
    (the unit is Calibri's digit); a little margin for word breaks."""
    return max(width * 1.18 - 1.5, 1)


def _lines(text: str, width: float) -> int:
    """Wrapped lines of a text in a column."""
    usable = _line_length(width)
    return sum(max(1, math.ceil(len(part) / usable)) for part in text.split("\n"))


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _print_setup(ws: Worksheet, title: str, period_label: str,
                 repeat: tuple[int, int] | None, side_margin: float = 0.4) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=side_margin, right=side_margin, top=0.5, bottom=0.6)
    ws.center_horizontally()
    if repeat:
        ws.repeat_rows(*repeat)
    font = f'&"{FONT},Regular"&9'
    ws.set_footer(f"&L{font}{_footer_text(title)}&C{font}{_footer_text(period_label)}"
                  f"&R{font}Trang &P/&N")


def _book_options() -> dict:
    """xlsxwriter's options for our workbooks (a new dict each time: xlsxwriter changes it)."""
    return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE}}


@contextmanager
def _new_book(path: Path, run_date: dt.date, title: str, remote: bool = False,
              ) -> Iterator[tuple[xlsxwriter.Workbook, Formats]]:
    """A workbook to fill, written to `path` when the block ends. Its temporary files (the
    streamed sheets' rows, the parts before they are zipped) live in a folder of their own,
    removed even when the block fails. `remote`: a RemoteBook, whose worker process writes
    the file (the block ends once every call is sent)."""
    properties = {"title": title, "author": "Văn phòng Sở Xây dựng",
                  "company": "Sở Xây dựng tỉnh Phú Thọ",
                  "created": dt.datetime.combine(run_date, dt.time())}
    try:
        book = remote_book.RemoteBook(str(path), _book_options()) if remote else None
    except (OSError, WriterFailed):  # no worker to be had: written here
        book = None
    if book is not None:
        try:
            book.set_properties(properties)
            yield book, Formats(book)
            book.close()
        except BaseException:
            book.kill()
            raise
        return
    with tempfile.TemporaryDirectory(prefix="tonghop-") as scratch:
        book = xlsxwriter.Workbook(str(path), {**_book_options(), "tmpdir": scratch})
        book.set_properties(properties)
        yield book, Formats(book)
        book.close()


def _add_sheet(book: xlsxwriter.Workbook, name: str, streamed: bool = True) -> Worksheet:
    """A new worksheet; a streamed one (rows written as they come) for a table that may be a
    province's size. The overview sheets stay in memory: their Excel tables (`add_table`) and
    their charts' cached values need the cells kept."""
    return book.add_worksheet(name, StreamedWorksheet if streamed else None)


def _titles(sheet: SheetWriter, width: int, title: str, subtitle: str) -> None:
    """Title and subtitle centred across the table's columns (rows 0 and 1)."""
    ws, fmt = sheet.ws, sheet.fmt
    last = max(width - 1, 0)
    for row, text, height, style in ((0, title, 24, fmt.title()),
                                     (1, subtitle, 19, fmt.subtitle())):
        ws.set_row(row, height)
        if last:
            ws.merge_range(row, 0, row, last, text, style)
        else:
            ws.write_string(row, 0, text, style)


@dataclass(frozen=True)
class BookContext:
    """What every sheet of one workbook shares."""

    plan: Plan
    label: str  # "quý II năm 2025", "năm 2024", "2021 – 2025"
    run_date: dt.date
    book_title: str

    @property
    def subtitle(self) -> str:
        return f"{self.label[:1].upper()}{self.label[1:]} — ngày lập: {vn_date(self.run_date)}"


def _table_sheet(book, fmt: Formats, ctx: BookContext, sheet_name: str, title: str,
                 frame: pd.DataFrame, columns: Sequence[str], *, name: str = "",
                 fills: dict | None = None, cell_fill: CellFill | None = None,
                 freeze_col: int = 0, fixed: dict[str, float] | None = None,
                 streamed: bool = True) -> SheetWriter:
    """A sheet holding one table: title, subtitle, header at row 3, frozen and filtered
    (streamed unless a chart reads its cells)."""
    sheet = SheetWriter(_add_sheet(book, sheet_name, streamed), fmt)
    for column, width in (fixed or {}).items():
        sheet.fixed[list(columns).index(column)] = width
    _titles(sheet, len(columns), title, ctx.subtitle)
    top = 3
    last = sheet.table(frame, columns, top, name=name, fills=fills, cell_fill=cell_fill)
    sheet.finish(freeze=(top + 1, freeze_col), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))
    return sheet


def _proposals(scores: pd.DataFrame) -> pd.DataFrame:
    """The exemplars with a proposal, as a new frame."""
    return where(scores, [not is_blank(v) for v in scores["de_xuat"]])


def _signatures(sheet: SheetWriter, ctx: BookContext, row: int, width: int) -> None:
    """'NGƯỜI LẬP BIỂU' on the left, place and date then 'LÃNH ĐẠO SỞ' on the right."""
    ws, fmt = sheet.ws, sheet.fmt
    issuer = ctx.plan.issuer_on(ctx.run_date)
    day = ctx.run_date
    place = f"{issuer.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    right = (width // 2, width - 1)
    ws.merge_range(row, right[0], row, right[1], place,
                   fmt.plain(italic=True, align="center"))
    ws.merge_range(row + 1, 0, row + 1, 2, "NGƯỜI LẬP BIỂU", fmt.plain(bold=True, align="center"))
    ws.merge_range(row + 1, right[0], row + 1, right[1], "LÃNH ĐẠO SỞ",
                   fmt.plain(bold=True, align="center"))
    note = fmt.plain(italic=True, align="center")
    ws.merge_range(row + 2, 0, row + 2, 2, "(Ký, ghi rõ họ tên)", note)
    ws.merge_range(row + 2, right[0], row + 2, right[1], "(Ký, ghi rõ họ tên, đóng dấu)", note)


def _coverage_line(sheet: SheetWriter, width: int, note: str) -> None:
    """The quarters the figures lack, in bold dark red under the subtitle (row 2), or
    nothing."""
    if not note:
        return
    text = f"Lưu ý: {note}"
    span = sum(sheet.fixed.get(j, 8.43) for j in range(width))
    fmt = sheet.fmt.get(bold=True, font_color="#9C0006", text_wrap=True, valign="top",
                        font_size=FONT_SIZE)
    sheet.ws.merge_range(2, 0, 2, width - 1, text, fmt)
    sheet.ws.set_row(2, LINE_HEIGHT * _lines(text, span) + 3)


def _note(sheet: SheetWriter, row: int, width: int, lines: Sequence[str]) -> int:
    """Italic lines merged across `width` columns, wrapped; returns the last row written."""
    last = row - 1
    span = sum(sheet.fixed.get(j, 8.43) for j in range(width))
    for i, text in enumerate(lines):
        fmt = sheet.fmt.plain(italic=True, text_wrap=True, valign="top")
        sheet.ws.merge_range(row + i, 0, row + i, width - 1, text, fmt)
        sheet.ws.set_row(row + i, LINE_HEIGHT * _lines(text, span) + 3)
        last = row + i
    return last


def _grid(sheet: SheetWriter, top: int, headers: Sequence[str], rows: Sequence[Sequence],
          kinds: Sequence[str], *, label_fills: dict[str, str] | None = None,
          header_fills: dict[str, str] | None = None) -> int:
    """A small Excel table (own filter) of plain values; returns its last row."""
    ws, fmt = sheet.ws, sheet.fmt
    for j, text in enumerate(headers):
        fill = (header_fills or {}).get(text)
        head = fmt.header() if not fill else fmt.get(
            bold=True, bg_color=fill, border=1, border_color="#808080", align="center",
            valign="vcenter", text_wrap=True, font_size=FONT_SIZE)
        ws.write_string(top, j, text, head)
        sheet.wrapped.setdefault(top, []).append((j, text))
    sheet.header_rows.append(top)
    for i, values in enumerate(rows, start=1):
        for j, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            fill = (label_fills or {}).get(str(value)) if j == 0 else None
            sheet.write(top + i, j, value, kind, fmt.cell(kind, fill))
    last = top + max(len(rows), 1)
    if not rows:
        ws.write_string(top + 1, 0, "(không có)", fmt.cell("text"))
        for j in range(1, len(headers)):
            ws.write_blank(top + 1, j, None, fmt.cell("text"))
    ws.add_table(top, 0, last, len(headers) - 1, {
        "style": None, "autofilter": True,
        "columns": [{"header": h, "header_format": fmt.header()} for h in headers]})
    for j, text in enumerate(headers):  # add_table rewrites headers: keep the fills
        fill = (header_fills or {}).get(text)
        if fill:
            ws.write_string(top, j, text, fmt.get(
                bold=True, bg_color=fill, border=1, border_color="#808080", align="center",
                valign="vcenter", text_wrap=True, font_size=FONT_SIZE))
    return last


def _chart_fonts(chart, title: str) -> None:
    font = {"name": FONT, "size": 10}
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_x_axis({"num_font": font})
    chart.set_y_axis({"num_font": font, "major_gridlines": {"visible": True,
                                                            "line": {"color": "#D9D9D9"}}})
# the overviews of the annual and review workbooks: a label column, five count columns, then
# the unit column of the lists on the second page; on the first page the charts stand over it
OVERVIEW_WIDTHS = {0: 40, 1: 11, 2: 11, 3: 11, 4: 11, 5: 11, 6: 28}
OVERVIEW_CHART_COL = 6
CHART_ROWS = 16  # rows a chart takes (288 px of 20 px rows, and a gap)
CHART_PLACE = {"x_offset": 12, "x_scale": 1.1, "y_scale": 1.0, "object_position": 1}
LIST_COLUMNS = 7
