"""Locate sheets, header rows and columns in a raw workbook, tolerating what real units do.

Input: a RawBook (cell values only). Output: LocatedSheet records mapping each declared
column to its position, and the data rows under the header with their Excel row numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline.sources import RawBook, RawSheet
from pipeline.text import clean, excel_col, fold, is_blank
from schemas.sheets import Column, Sheet, leading_code

HEADER_SEARCH_ROWS = 15


@dataclass(slots=True)
class DataRow:
    row: int  # Excel row number
    cells: list[object]  # the row's raw values as read, by 0-based column index (not padded)


class RowCells(Mapping[str, str]):
    """A row's Excel cell per column key ("F12"), written out only when asked for: a province's
    quarter has millions of cells, and only those with a finding are ever named."""

    __slots__ = ("_letters", "_row")

    def __init__(self, letters: dict[str, str], row: int):
        self._letters = letters  # column key -> column letters, shared by the sheet's rows
        self._row = row

    def __getitem__(self, key: str) -> str:
        return f"{self._letters[key]}{self._row}"

    def __iter__(self) -> Iterator[str]:
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)

    def __contains__(self, key: object) -> bool:
        return key in self._letters


@dataclass
class LocatedSheet:
    decl: Sheet
    raw_name: str  # the sheet name as the unit wrote it
    position: int  # the sheet's index in the workbook
    header_row: int | None = None  # Excel row of the (last) header row; None when not found
    columns: dict[str, int] = field(default_factory=dict)  # column key -> 0-based index
    extra: list[tuple[int, str]] = field(default_factory=list)  # unmatched headers
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    rows: list[DataRow] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)  # required headers not found

    def cell(self, key: str, row: int) -> str:
        if key in self.columns:
            return f"{excel_col(self.columns[key])}{row}"
        return str(row)


def find_sheet(book: RawBook, decl: Sheet) -> list[tuple[int, RawSheet]]:
    """Every sheet of the book whose name matches the declaration (exact key, then prefix)."""
    keys = decl.match_keys
    exact = [(i, s) for i, s in enumerate(book.sheets) if fold(s.name) in keys]
    if exact:
        return exact
    base = fold(decl.name)
    return [(i, s) for i, s in enumerate(book.sheets) if fold(s.name).startswith(base)]


@cache
def _header_keys(decl: Sheet) -> tuple[tuple[Column, str, str], ...]:
    """Each column with its folded header and, for a score column, its code prefix."""
    return tuple((c, c.match_key, c.key.lower() if c.kind == "score" else "")
                 for c in decl.columns)


@lru_cache(maxsize=2**12, typed=True)
def _header_key(value: object) -> tuple[str, str]:
    """A cell's folded text and leading criterion code, remembered: every file repeats the
    template's headers."""
    return fold(value), leading_code(value)


def _match_row(cells: list[object],
               headers: tuple[tuple[Column, str, str], ...]) -> dict[int, Column]:
    """Column of each cell whose text is a header."""
    found: dict[int, Column] = {}
    for index, value in enumerate(cells):
        if value is None:
            continue
        key, code = _header_key(value)
        if not key:
            continue
        for col, header, prefix in headers:
            # Column.matches, with the folded header computed once per declaration.
            if key == header or (prefix and code == prefix):
                found[index] = col
                break
    return found


def _complete(found: dict[int, Column], decl: Sheet) -> bool:
    keys = {c.key for c in found.values()}
    return all(c.key in keys for c in decl.required_columns)


def locate(sheet: RawSheet, position: int, decl: Sheet) -> LocatedSheet:
    """Find the header (one row, or two rows read together) among the first 15 rows."""
    located = LocatedSheet(decl=decl, raw_name=sheet.name, position=position)
    rows = sheet.rows
    headers = _header_keys(decl)
    best: tuple[int, dict[int, Column], list[object]] | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(rows))):
        found = _match_row(rows[r], headers)
        if _complete(found, decl):
            best = (r, found, rows[r])
            break
        if r + 1 < len(rows):
            upper, lower = rows[r], rows[r + 1]
            width = max(len(upper), len(lower))
            merged = [
                lower[i] if i < len(lower) and not is_blank(lower[i])
                else (upper[i] if i < len(upper) else None)
                for i in range(width)
            ]
            found = _match_row(merged, headers)
            if _complete(found, decl):
                best = (r + 1, found, merged)
                break
    if best is None:
        # Report what was closest: the row matching the most required headers.
        counts = [(len(_match_row(rows[r], headers)), r) for r in range(min(15, len(rows)))]
        near = max(counts, default=(0, 0))
        found = _match_row(rows[near[1]], headers) if rows else {}
        keys = {c.key for c in found.values()}
        located.missing = [c for c in decl.required_columns if c.key not in keys]
        return located
    r, found, header_cells = best
    located.header_row = r + 1
    for index in sorted(found):
        col = found[index]
        if col.key in located.columns:
            located.duplicates.append((index, clean(header_cells[index])))
        else:
            located.columns[col.key] = index
    for index, value in enumerate(header_cells):
        if index not in found and not is_blank(value):
            located.extra.append((index, clean(value)))
    located.rows = _data_rows(rows[r + 1:], r + 2, located)
    return located


def _data_rows(rows: list[list[object]], first_row: int, located: LocatedSheet) -> list[DataRow]:
    """The rows under the header that are not blank (DECISIONS.md: `STT` alone is blank)."""
    content = [i for k, i in located.columns.items() if k != "stt"]
    out = []
    for offset, cells in enumerate(rows):
        width = len(cells)
        for i in content:
            if i < width and not is_blank(cells[i]):
                out.append(DataRow(first_row + offset, cells))
                break
    return out


def read_cover(sheet: RawSheet) -> dict[str, tuple[object, str]]:
    """The cover's items: item key -> (value, cell). Items are matched like headers.

    The cover is two columns `Mục` | `Nội dung`, possibly under title rows; the value is the
    first non-blank cell to the right of the item label.
    """
    from schemas.sheets import COVER_ITEMS

    labels = {fold(item.label): item.key for item in COVER_ITEMS}
    labels.update({"madv": "ma_don_vi", "kybaocao": "ky_bao_cao", "ngaylapbieu": "ngay_lap",
                   "thudientu": "email", "nguoilapbieu": "nguoi_lap"})
    out: dict[str, tuple[object, str]] = {}
    for r, cells in enumerate(sheet.rows[:60]):
        for c, value in enumerate(cells):
            key = labels.get(fold(value))
            if key is None or key in out:
                continue
            target = next(
                ((v, f"{excel_col(i)}{r + 1}") for i, v in enumerate(cells[c + 1:], c + 1)
                 if not is_blank(v)),
                (None, f"{excel_col(c + 1)}{r + 1}"),
            )
            out[key] = target
            break
    return out
