"""Validate one located sheet: tolerant cell parsing, pandera constraints, then the row rules.

Every problem becomes a Finding naming the file, the sheet as the unit wrote it and the cell;
a row with an error is rejected, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache

import pandas as pd
import pandera.pandas as pa

from pipeline.config import Plan
from pipeline.findings import ERROR, NOTICE, WARNING, Finding
from pipeline.parse import DataRow, LocatedSheet
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


@dataclass
class Record:
    """One data row after parsing: typed values, where each came from, and its verdict."""

    row: int
    values: dict[str, object]
    cells: dict[str, str]
    errors: int = 0
    # cells that could not be parsed, (code, message, column key): reported by SheetCheck.parse
    problems: list[tuple[str, str, str]] = field(default_factory=list)


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

    def __init__(self, ctx: Context, located: LocatedSheet):
        self.ctx = ctx
        self.located = located
        self.decl = located.decl
        self.records: list[Record] | None = None  # stage 1's result, once read
        self.cases: list[tuple] | None = None  # stage 2's failure cases, once checked

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

        Stage 2 may have run already for many sheets at once (`check_constraints`).
        """
        records = self.read()
        if self.cases is None:
            check_constraints([self])
        for record in records:
            for code, message, key in record.problems:
                self.add(ERROR, code, message, record, key)
        self._report(self.cases)
        for r in records:
            for k, v in r.values.items():
                if v is _INVALID:
                    r.values[k] = None
        return records

    # --- stage 1: tolerant parsing of each cell ----------------------------------------------
    def read(self) -> list[Record]:
        """The rows' typed values; cells that cannot be parsed are kept as problems."""
        if self.records is None:
            self.records = [self._parse_row(r) for r in self.located.rows]
        return self.records

    def _parse_row(self, data: DataRow) -> Record:
        record = Record(data.row, {}, data.cells)
        for col in self.decl.columns:
            if col.key not in self.located.columns:
                record.values[col.key] = col.default
                continue
            record.values[col.key] = self._parse_cell(col, data.values[col.key], record)
        return record

    def _parse_cell(self, col: Column, raw: object, record: Record) -> object:
        if is_blank(raw):
            return col.default
        if col.kind in ("text",):
            return clean(raw)
        if col.kind in ("code", "yesno"):
            value = _canonical(col, clean(raw)) if col.choices else clean(raw)
            if value is None:
                record.problems.append(("C02", f"{_q(raw)} không phải giá trị hợp lệ của cột "
                                        f"'{col.header}'. Vui lòng chọn một trong: "
                                        f"{_choices(col)}.", col.key))
                return _INVALID
            return value
        if col.kind == "date":
            value = parse_date(raw)
            if value is None:
                record.problems.append(("C05", f"{_q(raw)} không phải ngày hợp lệ ở cột "
                                        f"'{col.header}'. Vui lòng nhập ngày dạng dd/mm/yyyy, "
                                        "ví dụ 15/04/2025.", col.key))
                return _INVALID
            return value
        if col.kind == "score":
            value = parse_decimal(raw)
            if value is None:
                limit = f"từ 0 đến {fmt(col.maximum)}" if col.maximum is not None else "không âm"
                record.problems.append(("C03", f"điểm {col.key} là {_q(raw)}, không phải là số. "
                                        f"Vui lòng nhập số {limit}.", col.key))
                return _INVALID
            return value
        value = parse_int(raw)  # int, year, month
        if value is None:
            record.problems.append(("C04", f"{_q(raw)} ở cột '{col.header}' không phải số nguyên. "
                                    "Vui lòng nhập một số nguyên.", col.key))
            return _INVALID
        return value

    # --- stage 2: pandera constraints on the typed frame --------------------------------------
    def _report(self, cases: list[tuple]) -> None:
        """Findings for this sheet's failure cases, given in row then column order."""
        schema = _schema(self.decl)
        for record, column, check, check_number, failure_case in cases:
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
    """Marker of a cell that could not be parsed (its finding is already recorded)."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()


@lru_cache(maxsize=2**14)
def _canonical(col: Column, text: str) -> str | None:
    """Column.canonical, remembered: a sheet repeats the same few codes on every row."""
    return col.canonical(text)


@cache
def _schema(decl: Sheet) -> pa.DataFrameSchema:
    return decl.schema()


def check_constraints(checks: list[SheetCheck]) -> None:
    """Stage 2 for sheets of one declaration: one pandera validation over all their rows.

    pandera's cost is mostly per call and per column, so a period's sheets are validated
    together; each check keeps its own failure cases (rows in order, then columns), the ones
    on cells stage 1 could not parse left out. Nothing is reported here: `parse` does that.
    """
    if not checks:
        return
    decl = checks[0].decl
    keys = [c.key for c in decl.columns]
    owners = [(check, record) for check in checks for record in check.read()]
    for check in checks:
        check.cases = []
    if not owners:
        return
    frame = pd.DataFrame(
        [[None if r.values[k] is _INVALID else r.values[k] for k in keys] for _, r in owners],
        columns=keys, dtype=object,
    )
    try:
        _schema(decl).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.sort_values(["index", "column"], kind="stable")
        for case in cases.itertuples(index=False):
            if case.column not in keys:
                continue
            check, record = owners[case.index]
            if record.values[case.column] is _INVALID:
                continue
            check.cases.append((record, case.column, case.check, case.check_number,
                                case.failure_case))


def check_email(value: str) -> bool:
    return bool(EMAIL.match(value))
