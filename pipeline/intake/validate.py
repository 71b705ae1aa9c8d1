"""Validate one located sheet: tolerant cell parsing, pandera constraints, then the row rules.

Every problem becomes a Finding naming the file, the sheet as the unit wrote it and the cell;
a row with an error is rejected, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

import pandas as pd
import pandera.pandas as pa

from pipeline.config import Plan
from pipeline.findings import ERROR, NOTICE, WARNING, Finding
from pipeline.intake.parse import LocatedSheet, RowCells
from pipeline.periods import Period
from pipeline.text import clean, excel_col, is_blank, parse_date, parse_decimal, parse_int
from schemas.sheets import Column, Sheet

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Context:
    """Where findings point and what the checks compare against."""

    plan: Plan
    period: Period
    run_date: dt.date
    file: str
    unit: str = ""
    findings: list[Finding] = field(default_factory=list)

    def add(self, severity: str, code: str, message: str, sheet: str = "", cell: str = "",
            row: int = 0, col: int = -1, sheet_pos: int = -1) -> None:
        self.findings.append(Finding(severity, self.unit, self.file, sheet, cell, code, message,
                                     row, col, sheet_pos))


Problem = tuple[str, str, str]  # a cell that could not be parsed: (code, message, column key)


@dataclass(slots=True)
class Record:
    """One data row after parsing: typed values, where each came from, and its verdict."""

    row: int
    values: dict[str, object]
    cells: Mapping[str, str]
    errors: int = 0
    # cells that could not be parsed (their value is None): reported by SheetCheck.parse
    problems: tuple[Problem, ...] = ()


# A data row after stage 1, as it is held until its file is validated: (Excel row number, the
# typed values in the declaration's column order with None where a cell could not be parsed,
# the problems of those cells). Plain tuples of plain values are small and, once seen, left
# alone by the garbage collector, which matters with a province's rows in memory.
ParsedRow = tuple[int, tuple[object, ...], tuple[Problem, ...]]


class Parser:
    """Stage 1, tolerant parsing of cells, for every sheet of a run (or of one period).

    Each column's distinct raw values are parsed once and their typed value kept: the rows of
    a province repeat the same codes, statuses, scores and pooled texts, so equal values are
    parsed once and share one object (a Decimal('18.0') is held once, not once per cell).
    """

    def __init__(self) -> None:
        # column -> raw value (with its type when not a str: 1, 1.0 and True are equal)
        # -> the typed value, or _INVALID
        self._known: dict[Column, dict[object, object]] = {}
        self._problems: dict[Column, dict[object, Problem]] = {}  # the _INVALID ones' finding
        self._texts: dict[str, str] = {}  # one object per distinct text, across columns

    def rows(self, located: LocatedSheet) -> list[ParsedRow]:
        """Every data row of a located sheet, parsed."""
        columns = []
        for col in located.decl.columns:
            index = located.columns.get(col.key)
            known = self._known.setdefault(col, {}) if index is not None else None
            columns.append((col, index, known))
        out = []
        for data in located.rows:
            cells, problems = data.cells, ()
            width = len(cells)
            values = []
            for col, index, known in columns:
                raw = cells[index] if index is not None and index < width else None
                if raw is None:
                    values.append(col.default)
                    continue
                key = raw if raw.__class__ is str else (raw.__class__, raw)
                value = known.get(key, _UNSEEN)
                if value is _UNSEEN:
                    value = self._parse(col, raw, key, known)
                if value is _INVALID:
                    problems += (self._problems[col][key],)
                    value = None
                values.append(value)
            out.append((data.row, tuple(values), problems))
        return out

    def _parse(self, col: Column, raw: object, key: object, known: dict) -> object:
        """A value not met before in this column: parsed, remembered, and shared."""
        value = _parse_cell(col, raw)
        if value is _INVALID:
            self._problems.setdefault(col, {})[key] = _problem(col, raw)
        elif isinstance(value, str):
            if value == raw:
                value = raw  # already clean: the text read is kept, not a copy
            value = self._texts.setdefault(value, value)
        known[key] = value
        return value


def _q(value: object) -> str:
    return f"'{clean(value)}'"


def _choices(col: Column) -> str:
    return ", ".join(col.choices)


def fmt(number: object) -> str:
    """A number as a Vietnamese reads it in a message: 8.5 -> '8,5', 20 -> '20'."""
    text = format(Decimal(str(number)).normalize(), "f")
    return text.replace(".", ",")


class SheetCheck:
    """Validation of one sheet of one file; collects findings into the context."""

    def __init__(self, ctx: Context, located: LocatedSheet, rows: list[ParsedRow] | None = None,
                 cases: list[tuple] | None = None):
        self.ctx = ctx
        self.located = located
        self.decl = located.decl
        self.rows = rows  # stage 1's rows when parsed beforehand (`Parser.rows`)
        self.records: list[Record] | None = None  # stage 1's result, once read
        # stage 2's failure cases, once checked (`constraint_cases`):
        # (row index, column, check, check number, value)
        self.cases = cases

    def add(self, severity: str, code: str, message: str, record: Record | None = None,
            key: str | None = None) -> None:
        cell, row, col = "", 0, -1
        if record is not None:
            row = record.row
            if key and key in record.cells:
                cell = record.cells[key]
                col = self.located.columns[key]
                message = f"Ô {cell}: {message}"
            else:
                cell = str(record.row)
                message = f"Dòng {record.row}: {message}"
            if severity == ERROR:
                record.errors += 1
        self.ctx.add(severity, code, message, self.located.raw_name, cell, row, col,
                     self.located.position)

    def parse(self) -> list[Record]:
        """Every row parsed and checked; findings in row order, cells before constraints.

        Stage 2 may have run already for many sheets at once (`constraint_cases`).
        """
        records = self.read()
        if self.cases is None:
            check_constraints([self])
        for record in records:
            for code, message, key in record.problems:
                self.add(ERROR, code, message, record, key)
        self._report(self.cases)
        return records

    # --- stage 1: tolerant parsing of each cell ----------------------------------------------
    def read(self) -> list[Record]:
        """The rows' typed values; cells that cannot be parsed are kept as problems."""
        if self.records is None:
            keys = [c.key for c in self.decl.columns]
            letters = {k: excel_col(i) for k, i in self.located.columns.items()}
            # (values has one item per key: Parser.rows)
            self.records = [Record(row, dict(zip(keys, values, strict=False)),
                                   RowCells(letters, row), 0, problems)
                            for row, values, problems in self.parsed()]
        return self.records

    def parsed(self) -> list[ParsedRow]:
        """Stage 1's rows, parsed now unless they were beforehand."""
        if self.rows is None:
            self.rows = Parser().rows(self.located)
        return self.rows

    # --- stage 2: pandera constraints on the typed frame --------------------------------------
    def _report(self, cases: list[tuple]) -> None:
        """Findings for this sheet's failure cases, given in row then column order."""
        schema = _schema(self.decl)
        records = self.read()
        for index, column, check, check_number, failure_case in cases:
            record = records[index]
            col = self.decl.column(column)
            if check == "not_nullable":
                if col.kind == "score" or self.relaxed(record):
                    continue  # required-ness of scores depends on the movement: row rules
                self._missing(record, col)
                continue
            found = schema.columns[column].checks[int(check_number)]
            self._violation(record, col, found.name.split(":")[0], failure_case)

    def relaxed(self, record: Record) -> bool:
        """True when the row's required columns do not apply (a withdrawal, say)."""
        return False

    def _missing(self, record: Record, col: Column) -> None:
        hint = f" {col.hint}" if col.hint else ""
        if record.cells.get(col.key):
            self.add(ERROR, "C01", f"thiếu '{col.header}' (bắt buộc).{hint}", record, col.key)
        else:
            self.add(ERROR, "C01", f"thiếu '{col.header}' (bắt buộc).{hint}", record)

    def _violation(self, record: Record, col: Column, kind: str, value: object) -> None:
        key = col.key
        if kind == "maximum" and col.kind == "score":
            crit = self.ctx.plan.criterion(col.key)
            self.add(ERROR, "C06", f"điểm {col.key} là {fmt(value)}, vượt mức tối đa "
                     f"{fmt(col.maximum)} của tiêu chí '{crit.text}'. Vui lòng nhập từ 0 đến "
                     f"{fmt(col.maximum)}.", record, key)
        elif kind == "minimum" and col.kind == "score":
            self.add(ERROR, "C07", f"điểm {col.key} là {fmt(value)}, không được âm. Vui lòng "
                     f"nhập từ 0 đến {fmt(col.maximum)}.", record, key)
        elif kind == "minimum":
            self.add(ERROR, "C07", f"'{col.header}' là {fmt(value)}, phải là số nguyên từ "
                     f"{fmt(col.minimum)} trở lên.", record, key)
        elif kind == "maximum":
            self.add(ERROR, "C06", f"'{col.header}' là {fmt(value)}, vượt mức tối đa "
                     f"{fmt(col.maximum)}.", record, key)
        elif kind == "max_len":
            self.add(ERROR, "C08", f"'{col.header}' dài {len(str(value))} ký tự, vượt quá "
                     f"{col.max_len} ký tự. Vui lòng rút gọn.", record, key)
        elif kind == "min_len":
            self.add(ERROR, "C09", f"'{col.header}' chỉ có {len(str(value))} ký tự; cần mô tả "
                     f"cụ thể, ít nhất {col.min_len} ký tự.", record, key)
        else:  # choice: canonical values only reach here, kept for completeness
            self.add(ERROR, "C02", f"{_q(value)} không phải giá trị hợp lệ của cột "
                     f"'{col.header}'. Vui lòng chọn một trong: {_choices(col)}.", record, key)

    # --- sheet-level notices -------------------------------------------------------------------
    def notices(self) -> None:
        loc = self.located
        for index, header in loc.extra:
            self.ctx.add(NOTICE, "S03", f"Ô {excel_col(index)}{loc.header_row}: cột '{header}' "
                         "không có trong mẫu, được bỏ qua.", loc.raw_name,
                         f"{excel_col(index)}{loc.header_row}", loc.header_row or 0, index,
                         loc.position)
        for index, header in loc.duplicates:
            self.ctx.add(WARNING, "S03", f"Ô {excel_col(index)}{loc.header_row}: cột '{header}' "
                         "bị lặp; chỉ dùng cột đầu tiên.", loc.raw_name,
                         f"{excel_col(index)}{loc.header_row}", loc.header_row or 0, index,
                         loc.position)


class _Invalid:
    """Marker of a cell that could not be parsed."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()
_UNSEEN = object()  # a raw value `Parser` has not met yet


def _parse_cell(col: Column, raw: object) -> object:
    """A cell's typed value, or _INVALID when it cannot be read as the column's kind."""
    if is_blank(raw):
        return col.default
    if col.kind == "text":
        return clean(raw)
    if col.kind in ("code", "yesno"):
        value = col.canonical(clean(raw)) if col.choices else clean(raw)
    elif col.kind == "date":
        value = parse_date(raw)
    elif col.kind == "score":
        value = parse_decimal(raw)
    else:
        value = parse_int(raw)  # int, year, month
    return _INVALID if value is None else value


def _problem(col: Column, raw: object) -> Problem:
    """The finding of a cell `_parse_cell` could not read."""
    if col.kind in ("code", "yesno"):
        return ("C02", f"{_q(raw)} không phải giá trị hợp lệ của cột '{col.header}'. Vui lòng "
                f"chọn một trong: {_choices(col)}.", col.key)
    if col.kind == "date":
        example = f", ví dụ {col.example}" if col.example else ""
        return ("C05", f"{_q(raw)} không phải ngày hợp lệ ở cột '{col.header}'. Vui lòng nhập "
                f"ngày dạng dd/mm/yyyy{example}.", col.key)
    if col.kind == "score":
        limit = f"từ 0 đến {fmt(col.maximum)}" if col.maximum is not None else "không âm"
        return ("C03", f"điểm {col.key} là {_q(raw)}, không phải là số. Vui lòng nhập số "
                f"{limit}.", col.key)
    return ("C04", f"{_q(raw)} ở cột '{col.header}' không phải số nguyên. Vui lòng nhập một số "
            "nguyên.", col.key)


@cache
def _schema(decl: Sheet) -> pa.DataFrameSchema:
    return decl.schema()


def check_constraints(checks: list[SheetCheck]) -> None:
    """Stage 2 for sheets of one declaration at once (see `constraint_cases`)."""
    if checks:
        cases = constraint_cases(checks[0].decl, [check.parsed() for check in checks])
        for check, own in zip(checks, cases, strict=True):
            check.cases = own


def constraint_cases(decl: Sheet, sheets: list[list[ParsedRow]]) -> list[list[tuple]]:
    """Stage 2 for sheets of one declaration: one pandera validation over all their rows.

    pandera's cost is mostly per call and per column, so many sheets are validated together;
    each sheet gets its own failure cases (rows in order, then columns) as `SheetCheck.cases`
    holds them, the ones on cells stage 1 could not parse left out. A row's cases depend on
    that row alone. Nothing is reported here: `SheetCheck.parse` does that.
    """
    out: list[list[tuple]] = [[] for _ in sheets]
    owners = [(n, i) for n, rows in enumerate(sheets) for i in range(len(rows))]
    if not owners:
        return out
    # Only the columns pandera can fail on: a nullable object column without checks never does.
    schema = _schema(decl)
    wanted = [i for i, c in enumerate(decl.columns)
              if c.required or schema.columns[c.key].checks]
    keys = [decl.columns[i].key for i in wanted]
    by_column = list(zip(*(values for rows in sheets for _, values, _ in rows), strict=True))
    frame = pd.DataFrame({k: by_column[i] for k, i in zip(keys, wanted, strict=True)},
                         columns=keys, dtype=object)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.sort_values(["index", "column"], kind="stable")
        for case in cases.itertuples(index=False):
            if case.column not in keys:
                continue
            n, i = owners[case.index]
            if any(key == case.column for _, _, key in sheets[n][i][2]):
                continue  # stage 1 could not parse the cell: its own finding says so
            out[n].append((i, case.column, case.check, case.check_number, case.failure_case))
    return out


def check_email(value: str) -> bool:
    return bool(EMAIL.match(value))
