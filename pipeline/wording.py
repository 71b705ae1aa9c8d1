"""Texts a unit or leader reads that depend on the plan: its codes, ranges, gates, examples.

Every word of a plan (movement codes, criteria ranges, the gated movements, example codes and
dates) comes from the `Plan` and the period here, so no plan's words are written in code and
a new plan file changes every template hint, guide line and message that names them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from pipeline.periods import Period

if TYPE_CHECKING:
    from pipeline.config import Movement, Plan

_CODE = re.compile(r"^([A-Z]+)([0-9]+)$")


def join_or(items: list[str] | tuple[str, ...]) -> str:
    """'A', 'A hoặc B', 'A, B hoặc C'."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} hoặc {items[-1]}"


def code_range(codes: list[str] | tuple[str, ...]) -> str:
    """'G1–G5' for consecutive codes of one letter; else the codes listed ('A1, B2, C3')."""
    codes = list(codes)
    parts = [_CODE.match(c) for c in codes]
    if len(codes) > 2 and all(parts) and len({p.group(1) for p in parts}) == 1:
        numbers = [int(p.group(2)) for p in parts]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return f"{codes[0]}–{codes[-1]}"
    return ", ".join(codes)


def movement_codes(plan: Plan) -> str:
    """The movement codes a unit may write: 'VHCS, HCM hoặc NVCT'."""
    return join_or([m.code for m in plan.movements])


def general_range(plan: Plan) -> str:
    return code_range([c.code for c in plan.general_criteria])


def gated_movements(plan: Plan) -> list[Movement]:
    """The movements whose collectives must meet the security-and-order standard."""
    return [m for m in plan.movements if m.security_gate]


def gate_condition(plan: Plan) -> str:
    """'tập thể thuộc phong trào VHCS' (or '… A hoặc B'); '' when no movement is gated."""
    gated = gated_movements(plan)
    return f"tập thể thuộc phong trào {join_or([m.code for m in gated])}" if gated else ""


def reference_period(plan: Plan, period: Period | None) -> Period:
    """The period examples are taken from: the one asked, else the plan's first quarter."""
    return period if period is not None else plan.first_period


def example_unit(plan: Plan, period: Period | None) -> str:
    units = plan.units_for(reference_period(plan, period)) or plan.units
    return units[0].code


def example_exemplar(plan: Plan, period: Period | None) -> str:
    return f"{example_unit(plan, period)}-01"


def example_movement(plan: Plan) -> str:
    return plan.movements[-1].code


def example_day(period: Period, month: int = 0, day: int = 15) -> dt.date:
    """A day inside the period: the `day`th of its `month`th month (0-based)."""
    return dt.date(period.year, period.months[month], day)


def period_forms(period: Period) -> str:
    """The ways a unit may write the period: '2026-Q2, Q2/2026, Quý II/2026 hoặc Quý 2 năm 2026'."""
    return join_or([str(period), f"Q{period.quarter}/{period.year}", period.label_short,
                    f"Quý {period.quarter} năm {period.year}"])
