"""What the plan says about the council, and the list the council votes on.

In: the plan (its `[council]` section) and the year's annual evaluation. Out: the voting
members on the meeting date, each proposal kind's rule as exact fractions, the proposals in
the order of `de_xuat.csv`, and a ballot's identifier. No Vietnamese text of one plan here:
names, roles and thresholds come from the plan file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd

from pipeline.config import CouncilMember, Plan
from pipeline.model import BANG_KHEN, GIAY_KHEN, PRAISE
from pipeline.scoring.score import exemplar_key, text_of

# The defaults when the plan does not set a kind (issue 14): Giấy khen and Biểu dương more than
# half of the members, Bằng khen at least 90 % (Nghị định 91/2017, Art. 45(8)).
DEFAULT_RULES = {GIAY_KHEN: (Fraction(1, 2), True), PRAISE: (Fraction(1, 2), True),
                 BANG_KHEN: (Fraction(9, 10), False)}
SHORT = {BANG_KHEN: "Bằng khen", GIAY_KHEN: "Giấy khen", PRAISE: "Biểu dương"}
# the columns of a proposal a ballot shows, from the annual evaluation
PROPOSAL_COLUMNS = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "de_xuat",
                    "tong_diem", "xep_loai"]
ROLE_ORDER = {"Chủ tịch": 0, "Phó Chủ tịch": 1, "Ủy viên": 2, "Thư ký": 3}


class NoCouncil(Exception):
    """The plan declares no member valid on the meeting date; the message is Vietnamese."""


@dataclass(frozen=True)
class Rule:
    """A kind passes when yes / members > threshold (strict) or >= threshold."""

    threshold: Fraction
    strict: bool

    def passes(self, yes: int, members: int) -> bool:
        if members <= 0:
            return False
        share = Fraction(yes, members)
        return share > self.threshold if self.strict else share >= self.threshold

    @property
    def text(self) -> str:
        """'trên 50 %', 'từ 90 % trở lên'."""
        amount = share_text(self.threshold)
        return f"trên {amount}" if self.strict else f"từ {amount} trở lên"

    @property
    def sign(self) -> str:
        """'> 50 %', '≥ 90 %': a table cell."""
        return f"{'>' if self.strict else '≥'} {share_text(self.threshold)}"


def rule_of(plan: Plan, kind: str) -> Rule:
    given = plan.council.kinds.get(kind)
    if given is not None:
        return Rule(given.fraction, given.strict)
    threshold, strict = DEFAULT_RULES.get(kind, DEFAULT_RULES[GIAY_KHEN])
    return Rule(threshold, strict)


def share_text(value: Fraction) -> str:
    """A share as a person reads it: 1/2 -> '50 %', 9/10 -> '90 %', 2/3 -> '2/3'."""
    percent = value * 100
    if percent.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100):
        number = Decimal(percent.numerator) / Decimal(percent.denominator)
        return f"{number.normalize():f} %".replace(".", ",")
    return f"{value.numerator}/{value.denominator}"


def ratio(yes: int, members: int) -> Decimal | None:
    """yes / members, rounded half up to 2 decimals (None without members)."""
    if members <= 0:
        return None
    return (Decimal(yes) / Decimal(members)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def voters(plan: Plan, day: dt.date) -> list[CouncilMember]:
    """The members valid on the meeting date, in the plan's order; NoCouncil when none."""
    members = plan.council.members_on(day)
    if not members:
        raise NoCouncil(f"Tệp cấu hình chưa khai báo thành viên Hội đồng (mục [[council."
                        f"members]]) còn hiệu lực vào ngày họp {day:%d/%m/%Y}.")
    return members


def with_role(plan: Plan, day: dt.date, role: str) -> CouncilMember | None:
    """The first member of a role valid on the day (the Chủ tịch, the Thư ký)."""
    return next((m for m in plan.council.members_on(day) if m.role == role), None)


def role_label(member: CouncilMember) -> str:
    """'Chủ tịch Hội đồng', 'Ủy viên', 'Thư ký Hội đồng'."""
    return member.role if member.role == "Ủy viên" else f"{member.role} Hội đồng"


def recused(plan: Plan, member: CouncilMember, unit: str) -> bool:
    return plan.council.recuse_own_unit and bool(member.unit) and member.unit == unit


def proposals(evaluations: pd.DataFrame) -> pd.DataFrame:
    """The proposals put to the vote: the rows of the annual evaluation with a `de_xuat`, in
    its order (that of `de_xuat.csv`), with their columns a ballot shows."""
    if evaluations is None or evaluations.empty:
        return pd.DataFrame(columns=PROPOSAL_COLUMNS, dtype=object)
    chosen = evaluations.loc[[bool(text_of(v)) for v in evaluations["de_xuat"]]]
    return chosen.reindex(columns=PROPOSAL_COLUMNS).reset_index(drop=True)


def keys_of(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return [exemplar_key(u, c) for u, c in zip(frame["ma_don_vi"], frame["ma_dien_hinh"],
                                               strict=True)]


def ballot_id(year: int, member: str, listed: pd.DataFrame) -> str:
    """PB-<year>-<member>-<8 hex>: the digits name the list the ballot was made for."""
    digest = hashlib.sha256()
    for unit, code, kind in zip(listed["ma_don_vi"], listed["ma_dien_hinh"],
                                listed["de_xuat"], strict=True):
        digest.update(f"{text_of(unit)}\t{text_of(code)}\t{text_of(kind)}\n".encode())
    return f"PB-{year}-{member}-{digest.hexdigest()[:8].upper()}"
