"""The period's accepted rows as frames: registrations, submissions, difficulties and
findings, in the plan's unit order.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from pipeline import model
from pipeline.config import Plan
from pipeline.findings import ERROR, WARNING, Finding
from pipeline.intake.outcome import (
    ACCEPTED,
    FileOutcome,
)
from pipeline.intake.parse import find_sheet, read_cover
from pipeline.intake.rules import (
    REGISTRATION_FIELDS,
    Registry,
)
from pipeline.periods import Period, parse_period
from pipeline.sources import RawBook, UnreadableFile
from pipeline.text import clean
from schemas.sheets import COVER


def unit_order(plan: Plan):
    """`plan.unit_order` from a table built once: a province has hundreds of units."""
    positions: dict[str, int] = {}
    for i, unit in enumerate(plan.units):
        positions.setdefault(unit.code, i)
    missing = len(plan.units)
    return lambda code: positions.get(code, missing)


# --- frames ------------------------------------------------------------------------------
def _frame(rows: list[dict], columns: list[str], plan: Plan) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    if frame.empty:
        return frame
    order = frame["ma_don_vi"].map(unit_order(plan))
    return frame.assign(_o=order).sort_values(["_o"], kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


def _registration_frame(plan: Plan, registry: Registry, period: Period) -> pd.DataFrame:
    ky, order = str(period), unit_order(plan)
    kept = [ex for ex in registry.items.values() if not ex.withdrawn or ex.changed_in == ky]
    kept.sort(key=lambda ex: (order(ex.unit), ex.code))
    columns = {"ma_don_vi": [ex.unit for ex in kept], "ma_dien_hinh": [ex.code for ex in kept],
               "ngay_dang_ky": [ex.first_date for ex in kept],
               "trang_thai": [ex.status for ex in kept], "nguon": [ex.source for ex in kept],
               "ky_dang_ky": [ex.first_period for ex in kept]}
    for i, name in enumerate(REGISTRATION_FIELDS):
        columns[name] = [ex.fields[i] for ex in kept]
    return pd.DataFrame(columns, columns=model.DANG_KY + model.REGISTRATION_EXTRA, dtype=object)


def _submissions(plan: Plan, period: Period, outcomes: list[FileOutcome],
                 findings: list[Finding]) -> pd.DataFrame:
    deadline = plan.deadline(period)
    rows = []
    by_unit: dict[str, list[FileOutcome]] = {}
    for o in outcomes:
        if not o.nominations:  # nomination files are not the quarter's report
            by_unit.setdefault(o.unit, []).append(o)
    counts = Counter((f.unit, f.severity) for f in findings)
    for unit in plan.units_for(period):
        mine = by_unit.get(unit.code, [])
        winner = next((o for o in mine if o.status == ACCEPTED), None)
        errors, warnings = counts[unit.code, ERROR], counts[unit.code, WARNING]
        row = {"ma_don_vi": unit.code, "ten_don_vi": unit.name, "han_nop": deadline,
               "so_loi": errors, "so_canh_bao": warnings, "tep": "", "ngay_lap": None,
               "ngay_nop": None, "nguoi_gui": ""}
        if winner:
            row.update(trang_thai=model.ON_TIME if winner.submitted <= deadline else model.LATE,
                       tep=winner.file.name, ngay_lap=winner.ngay_lap, ngay_nop=winner.submitted,
                       nguoi_gui=winner.file.sender or "")
        elif mine:
            row.update(trang_thai=model.REJECTED, tep="; ".join(o.file.name for o in mine))
        else:
            row.update(trang_thai=model.MISSING)
        rows.append(row)
    return pd.DataFrame(rows, columns=model.NOP_BAO_CAO + model.SUBMISSION_EXTRA, dtype=object)


def _difficulties(plan: Plan, winners: list[FileOutcome]) -> pd.DataFrame:
    rows = []
    order = unit_order(plan)
    for o in sorted(winners, key=lambda o: order(o.unit)):
        hard, ask = clean(o.cover.get("kho_khan")), clean(o.cover.get("de_xuat"))
        if hard or ask:
            rows.append({"ma_don_vi": o.unit, "ten_don_vi": plan.unit(o.unit).name,
                         "kho_khan": hard, "de_xuat": ask})
    return pd.DataFrame(rows, columns=model.DIFFICULTIES, dtype=object)


def findings_frame(plan: Plan, findings: list[Finding]) -> pd.DataFrame:
    """loi.csv: units in plan order (unattributed last), then file, sheet, row, column."""
    order = unit_order(plan)

    def key(f: Finding):
        position = order(f.unit) if f.unit else len(plan.units) + 1
        return (position, f.file, f.sheet_pos, f.sheet, f.row, f.col, f.code, f.message)

    rows = [{**f.as_row(), "row": f.row} for f in sorted(findings, key=key)]
    return pd.DataFrame(rows, columns=[*model.LOI, "row"], dtype=object)


def cover_period(book: RawBook | UnreadableFile) -> Period | None:
    """The period a workbook's cover names, for `check FILE`."""
    if isinstance(book, UnreadableFile):
        return None
    covers = find_sheet(book, COVER)
    if not covers:
        return None
    value = read_cover(covers[0][1]).get("ky_bao_cao", (None, ""))[0]
    return parse_period(clean(value)) if value is not None else None
