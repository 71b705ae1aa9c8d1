"""The plan as configuration: a TOML file loaded into validated, typed objects.

A wrong file raises ConfigError with one Vietnamese line naming the key and the problem.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.config_messages import (
    CRITERION_CODE,
    MOVEMENT_CODE,
    PROBLEMS,
    UNIT_CODE,
    describe,
)
from pipeline.periods import Period, parse_period

PLANS = Path(__file__).resolve().parent.parent / "plans"
DEFAULT_PLAN = PLANS / "2021-2025.toml"

LAST_DAY = "cuoi_thang"  # deadlines.day: the last day of the month after the quarter

# What documents print when the plan file does not say otherwise: today's text.
DEFAULT_RECIPIENTS = ("Ban Thi đua - Khen thưởng tỉnh", "Sở Nội vụ", "Lãnh đạo Sở",
                      "Các phòng, đơn vị thuộc Sở")
DEFAULT_UPWARD = "Ban Thi đua - Khen thưởng tỉnh"
DEFAULT_PROPOSAL_RECIPIENTS = ("Như trên", DEFAULT_UPWARD, "Lãnh đạo Sở")
DEFAULT_DECISION_RECIPIENTS = ("Như Điều 3", "Lãnh đạo Sở")
DEFAULT_GOOD_DEEDS_RECIPIENTS = ("Như trên", "Lãnh đạo Sở")
DEFAULT_LAW = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
DEFAULT_DECREE = ("Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ "
                  "quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;")


class ConfigError(Exception):
    """The plan file cannot be used; the message is one Vietnamese line."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dated(_Model):
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @model_validator(mode="after")
    def _ordered(self):
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from phải trước valid_to")
        return self


class Issuer(Dated):
    superior: str = Field(min_length=1)
    name: str = Field(min_length=1)
    abbreviation: str = Field(min_length=1)
    place: str = Field(min_length=1)
    signer_title: str = Field(min_length=1)
    signer_name: str = ""


class Unit(Dated):
    code: str = Field(min_length=1, max_length=20, pattern=UNIT_CODE)
    name: str = Field(min_length=1)
    email: str = ""


class Criterion(_Model):
    code: str = Field(pattern=CRITERION_CODE)
    text: str = Field(min_length=1)
    max: int = Field(gt=0)


class Movement(_Model):
    code: str = Field(min_length=1, max_length=20, pattern=MOVEMENT_CODE)
    name: str = Field(min_length=1)
    short: str = Field(min_length=1)
    security_gate: bool = False
    criteria: list[Criterion] = Field(min_length=1)


class PlanInfo(_Model):
    code: str
    name: str
    first_year: int = Field(ge=2000, le=2100)
    last_year: int = Field(ge=2000, le=2100)
    template_version: str


class Thresholds(_Model):
    xuat_sac: float = Field(gt=0, le=100)
    tot: float = Field(gt=0, le=100)
    dat: float = Field(gt=0, le=100)

    @field_validator("xuat_sac", "tot", "dat")
    @classmethod
    def _two_decimals(cls, value: float) -> float:
        # Totals are rounded to 2 decimals: a threshold with more could never be told apart.
        if Decimal(str(value)).as_tuple().exponent < -2:
            raise ValueError("ngưỡng xếp loại chỉ được có tối đa 2 chữ số thập phân (ví dụ 92.5)")
        return value

    @model_validator(mode="after")
    def _descending(self):
        if not self.xuat_sac > self.tot > self.dat:
            raise ValueError("phải có xuat_sac > tot > dat")
        return self

    def decimal(self, name: str) -> Decimal:
        """A threshold as the exact decimal the clerk wrote (92.7, not the float near it)."""
        return Decimal(str(getattr(self, name)))


class Awards(_Model):
    giay_khen_quota: float = Field(gt=0, le=1)
    bang_khen_rule: Literal["xuat_sac", "htxsnv"] = "xuat_sac"


class Deadlines(_Model):
    # A day of the month after the quarter (1–28, in every month), or "cuoi_thang": its last day.
    day: int | Literal["cuoi_thang"]
    overrides: dict[str, dt.date] = {}

    @field_validator("day", mode="before")
    @classmethod
    def _day(cls, value):
        if isinstance(value, str):
            if value.strip().lower() in (LAST_DAY, "cuối tháng", "cuoi thang"):
                return LAST_DAY
            raise ValueError(f"'{value}' không hợp lệ: ghi một ngày từ 1 đến 28, hoặc "
                             f"\"{LAST_DAY}\" (ngày cuối tháng)")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("phải là một ngày từ 1 đến 28, hoặc \"cuoi_thang\" (ngày cuối "
                             "tháng)")
        if not 1 <= value <= 28:
            raise ValueError(f"ngày {value} không có ở mọi tháng: ghi một ngày từ 1 đến 28, "
                             f"hoặc \"{LAST_DAY}\" (ngày cuối tháng)")
        return value

    @field_validator("overrides")
    @classmethod
    def _periods(cls, value: dict[str, dt.date]) -> dict[str, dt.date]:
        for key in value:
            if parse_period(key) is None:
                raise ValueError(f"'{key}' không phải một quý dạng 2025-Q2")
        return value


class Review(_Model):
    title: str
    first: str
    last: str
    min_excellent_years: int = Field(ge=1)

    @field_validator("first", "last")
    @classmethod
    def _period(cls, value: str) -> str:
        if parse_period(value) is None:
            raise ValueError(f"'{value}' không phải một quý dạng 2025-Q2")
        return value

    @property
    def first_period(self) -> Period:
        return parse_period(self.first)

    @property
    def last_period(self) -> Period:
        return parse_period(self.last)


class Reports(_Model):
    """Who documents go to ("Nơi nhận"), and the legal bases they cite; defaults are today's."""

    recipients: list[str] = Field(default=list(DEFAULT_RECIPIENTS), min_length=1)
    upward: str = Field(default=DEFAULT_UPWARD, min_length=1)
    proposal_recipients: list[str] = Field(default=list(DEFAULT_PROPOSAL_RECIPIENTS),
                                           min_length=1)
    decision_recipients: list[str] = Field(default=list(DEFAULT_DECISION_RECIPIENTS),
                                           min_length=1)
    good_deeds_recipients: list[str] = Field(default=list(DEFAULT_GOOD_DEEDS_RECIPIENTS),
                                             min_length=1)
    proposal_bases: list[str] = Field(default=[DEFAULT_LAW])
    decision_bases: list[str] = Field(default=[DEFAULT_LAW, DEFAULT_DECREE])
    # a table of the quarterly report longer than this goes to PhuLuc_<period>.docx
    list_limit: int = Field(default=50, ge=5)


class OtherPlan(_Model):
    """Another plan file beside this one (plans/): how a unit file of its template is told."""

    code: str
    name: str
    template_version: str
    movements: tuple[str, ...]
    first_year: int
    last_year: int


# ---- the council's vote (issue 14) -------------------------------------------------------------
ROLES = ("Chủ tịch", "Phó Chủ tịch", "Ủy viên", "Thư ký")


def share(value: str | float | int) -> Fraction:
    """A share as written in the plan ("2/3", 0.5, 1) as an exact fraction; ValueError if not."""
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        return Fraction(str(value).strip())  # str(0.9) is "0.9": exactly 9/10
    except (ValueError, ZeroDivisionError):
        raise ValueError(value) from None


class CouncilMember(Dated):
    code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Z0-9]+$")
    name: str = Field(min_length=1)
    role: Literal["Chủ tịch", "Phó Chủ tịch", "Ủy viên", "Thư ký"]
    title: str = ""  # the member's own position (chức vụ), printed in the minutes
    unit: str = ""  # a unit code of the plan, when the member belongs to one


class VoteRule(_Model):
    threshold: str | float
    strict: bool

    @field_validator("threshold")
    @classmethod
    def _share(cls, value: str | float) -> str | float:
        try:
            ok = 0 <= share(value) < 1
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"'{value}' phải là một tỷ lệ từ 0 đến dưới 1, ví dụ 0.5 hoặc 9/10")
        return value

    @property
    def fraction(self) -> Fraction:
        return share(self.threshold)


class Council(_Model):
    name: str = Field(default="Hội đồng Thi đua - Khen thưởng Sở", min_length=1)
    place: str = ""  # where the council meets, printed in the minutes
    quorum: str | float = "2/3"
    recuse_own_unit: bool = False
    fallback_to_giay_khen: bool = True
    kinds: dict[str, VoteRule] = {}  # per annual proposal (the exact `de_xuat` string)
    members: list[CouncilMember] = []

    @field_validator("quorum")
    @classmethod
    def _quorum(cls, value: str | float) -> str | float:
        try:
            ok = 0 < share(value) <= 1
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"'{value}' phải là một tỷ lệ lớn hơn 0 và không quá 1, ví dụ 2/3")
        return value

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, value: dict[str, VoteRule]) -> dict[str, VoteRule]:
        from pipeline.model import ANNUAL_PROPOSALS  # model imports this module

        for kind in value:
            if kind not in ANNUAL_PROPOSALS:
                allowed = "; ".join(f'"{k}"' for k in ANNUAL_PROPOSALS)
                raise ValueError(f"'{kind}' không phải một đề xuất khen thưởng hằng năm; chỉ "
                                 f"nhận: {allowed}")
        return value

    @property
    def quorum_fraction(self) -> Fraction:
        return share(self.quorum)

    def members_on(self, day: dt.date) -> list[CouncilMember]:
        """The members who vote at a meeting on `day`, in the plan's order."""
        return [m for m in self.members if m.valid_on(day)]


class Plan(_Model):
    plan: PlanInfo
    issuers: list[Issuer] = Field(min_length=1)
    reports: Reports = Reports()
    units: list[Unit] = Field(min_length=1)
    general_criteria: list[Criterion] = Field(min_length=1)
    movements: list[Movement] = Field(min_length=1)
    thresholds: Thresholds
    awards: Awards
    deadlines: Deadlines
    reviews: dict[Literal["so-ket", "tong-ket"], Review]
    council: Council = Council()
    source_hash: str = ""
    other_plans: tuple[OtherPlan, ...] = ()  # set by load_plan from the files beside it

    @model_validator(mode="after")
    def _coherent(self):
        if self.plan.first_year > self.plan.last_year:
            raise ValueError("plan.first_year phải không lớn hơn plan.last_year")
        _unique("units", [u.code for u in self.units])
        _unique("movements", [m.code for m in self.movements])
        codes = [c.code for c in self.general_criteria]
        codes += [c.code for m in self.movements for c in m.criteria]
        _unique("criteria", codes)
        self._check_calendar()
        general = sum(c.max for c in self.general_criteria)
        for m in self.movements:
            total = general + sum(c.max for c in m.criteria)
            if total != 100:
                raise ValueError(
                    f"movements {m.code}: điểm tối đa tiêu chí chung và cụ thể cộng lại là "
                    f"{total}, phải bằng 100"
                )
        _coherent_council(self)
        return self

    def _check_calendar(self) -> None:
        """Review windows ordered and inside the plan's years; overrides inside the plan."""
        first, last = Period(self.plan.first_year, 1), Period(self.plan.last_year, 4)
        years = f"{self.plan.first_year} – {self.plan.last_year}"
        for kind, review in self.reviews.items():
            if review.first_period > review.last_period:
                raise ValueError(f"khóa 'reviews.{kind}': quý đầu {review.first} sau quý cuối "
                                 f"{review.last}")
            for key in ("first", "last"):
                value = getattr(review, key)
                if not first <= parse_period(value) <= last:
                    raise ValueError(f"khóa 'reviews.{kind}.{key}': quý {value} nằm ngoài các "
                                     f"năm của kế hoạch ({years})")
        for key in self.deadlines.overrides:
            if not first <= parse_period(key) <= last:
                raise ValueError(f"khóa 'deadlines.overrides.\"{key}\"': quý {key} nằm ngoài "
                                 f"các năm của kế hoạch ({years})")

    def covers(self, period: Period) -> bool:
        return self.first_period <= period <= self.last_period

    # --- lookups used by every stage -------------------------------------------------
    # A province has hundreds of units and every row asks for its unit, movement and criteria:
    # the lookups are tables built once per plan object (see `_Lookups`).
    @cached_property
    def _cached_lookups(self) -> _Lookups:
        return _Lookups.of(self)

    @property
    def _lookups(self) -> _Lookups:
        cached = self._cached_lookups
        # model_copy(update=...) copies the cache too: rebuilt when a listed field was replaced.
        return cached if cached.built_from(self) else _Lookups.of(self)

    def unit(self, code: str) -> Unit | None:
        return self._lookups.units.get(code)

    def units_on(self, day: dt.date) -> list[Unit]:
        return [u for u in self.units if u.valid_on(day)]

    def units_for(self, period: Period) -> list[Unit]:
        """Units expected in a period: those valid on its last day."""
        return self.units_on(period.last_day)

    def unit_order(self, code: str) -> int:
        return self._lookups.unit_positions.get(code, len(self.units))

    def issuer_on(self, day: dt.date) -> Issuer:
        valid = [i for i in self.issuers if i.valid_on(day)]
        return valid[-1] if valid else self.issuers[-1]

    def movement(self, code: str) -> Movement | None:
        return self._lookups.movements.get(code)

    def criteria_of(self, movement: str) -> list[Criterion]:
        lookups = self._lookups
        return list(lookups.criteria_of.get(movement, lookups.general))

    @property
    def all_criteria(self) -> list[Criterion]:
        return list(self._lookups.all_criteria)

    def criterion(self, code: str) -> Criterion | None:
        return self._lookups.criteria.get(code)

    def deadline(self, period: Period) -> dt.date:
        override = self.deadlines.overrides.get(str(period))
        if override:
            return override
        nxt = period.next().first_day
        if self.deadlines.day == LAST_DAY:
            return nxt.replace(day=calendar.monthrange(nxt.year, nxt.month)[1])
        return nxt.replace(day=self.deadlines.day)

    def classify(self, total) -> str:
        bounds = self._lookups.thresholds
        if total >= bounds[0]:
            return "Xuất sắc"
        if total >= bounds[1]:
            return "Tốt"
        if total >= bounds[2]:
            return "Đạt"
        return "Chưa đạt"

    @property
    def first_period(self) -> Period:
        return Period(self.plan.first_year, 1)

    @property
    def last_period(self) -> Period:
        return Period(self.plan.last_year, 4)


@dataclass(frozen=True)
class _Lookups:
    """A plan's lists as tables; the first occurrence of a code wins, as a scan would find."""

    sources: tuple[list, ...]  # the lists the tables were built from (identity checked)
    units: dict[str, Unit]
    unit_positions: dict[str, int]
    movements: dict[str, Movement]
    general: tuple[Criterion, ...]
    criteria_of: dict[str, tuple[Criterion, ...]]
    all_criteria: tuple[Criterion, ...]
    criteria: dict[str, Criterion]
    thresholds: tuple[Decimal, Decimal, Decimal]  # xuat_sac, tot, dat as the file wrote them

    @staticmethod
    def of(plan: Plan) -> _Lookups:
        units: dict[str, Unit] = {}
        positions: dict[str, int] = {}
        for i, unit in enumerate(plan.units):
            units.setdefault(unit.code, unit)
            positions.setdefault(unit.code, i)
        movements: dict[str, Movement] = {}
        for m in plan.movements:
            movements.setdefault(m.code, m)
        general = tuple(plan.general_criteria)
        all_criteria = general + tuple(c for m in plan.movements for c in m.criteria)
        criteria: dict[str, Criterion] = {}
        for c in all_criteria:
            criteria.setdefault(c.code, c)
        return _Lookups(
            sources=_sources(plan), units=units, unit_positions=positions, movements=movements,
            general=general,
            criteria_of={code: general + tuple(m.criteria) for code, m in movements.items()},
            all_criteria=all_criteria, criteria=criteria,
            thresholds=tuple(plan.thresholds.decimal(k) for k in ("xuat_sac", "tot", "dat")))

    def built_from(self, plan: Plan) -> bool:
        units, movements, general, thresholds = self.sources
        return (units is plan.units and movements is plan.movements
                and general is plan.general_criteria and thresholds is plan.thresholds)


def _sources(plan: Plan) -> tuple:
    return (plan.units, plan.movements, plan.general_criteria, plan.thresholds)


def _coherent_council(plan: Plan) -> None:
    """Member codes unique, members' units those of the plan (issue 14)."""
    members = plan.council.members
    _unique("council.members", [m.code for m in members])
    units = {u.code for u in plan.units}
    for i, m in enumerate(members, start=1):
        if m.unit and m.unit not in units:
            raise ValueError(f"council.members[mục thứ {i}, {m.code}].unit: '{m.unit}' không "
                             "phải mã đơn vị của kế hoạch (mục [[units]])")


def _unique(what: str, codes: list[str]) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"{what}: mã '{code}' bị trùng")
        seen.add(code)


def load_plan(path: Path | str | None = None, *, siblings: bool = True) -> Plan:
    """The plan file, validated; with `siblings`, the other plans of its folder are noted
    (`Plan.other_plans`) so a unit file made from another plan's template can be told."""
    path = Path(path) if path else DEFAULT_PLAN
    plan = _load_one(path)
    if siblings:
        plan = plan.model_copy(update={"other_plans": _others(path, plan)})
    return plan


def _others(path: Path, plan: Plan) -> tuple[OtherPlan, ...]:
    others = []
    for other_path in plan_files(path.parent):
        if other_path.resolve() == path.resolve():
            continue
        try:
            other = _load_one(other_path)
        except ConfigError:  # a broken neighbour is reported when it is itself used
            continue
        if other.plan.template_version == plan.plan.template_version:
            continue
        others.append(OtherPlan(
            code=other.plan.code, name=other.plan.name,
            template_version=other.plan.template_version,
            movements=tuple(m.code for m in other.movements),
            first_year=other.plan.first_year, last_year=other.plan.last_year))
    return tuple(others)


def plan_files(folder: Path = PLANS) -> list[Path]:
    """The plan files of a folder, by name."""
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def years_text(first: int, last: int) -> str:
    return f"{first} – {last}"


def plan_for(period: Period, folder: Path = PLANS, *, what: str = "") -> Plan:
    """The plan of `folder` whose years hold the period (see `plan_path_for`)."""
    return load_plan(plan_path_for(period, folder, what=what))


def plan_path_for(period: Period, folder: Path = PLANS, *, what: str = "") -> Path:
    """The plan file of `folder` whose years hold the period; one Vietnamese line when none or
    several do. `what` names what is run ('quý II năm 2026', 'năm 2026') in that line."""
    what = what or period.label
    found = []
    for path in plan_files(folder):
        plan = _load_one(path)
        if plan.covers(period):
            found.append((path, plan))
    if not found:
        known = ", ".join(f"'{p.name}'" for p in plan_files(folder)) or "không có tệp nào"
        raise ConfigError(f"Không có kế hoạch nào trong thư mục {folder.name}/ bao gồm {what} "
                          f"(các tệp kế hoạch: {known}); hãy thêm tệp kế hoạch của giai đoạn "
                          "này hoặc chỉ rõ tệp bằng CONFIG=…")
    if len(found) > 1:
        names = " và ".join(
            f"'{p.name}' ({years_text(x.plan.first_year, x.plan.last_year)})" for p, x in found)
        raise ConfigError(f"{what[:1].upper()}{what[1:]} thuộc nhiều kế hoạch cùng lúc: {names}; "
                          "hãy sửa năm của các kế hoạch cho khỏi trùng hoặc chỉ rõ tệp bằng "
                          "CONFIG=…")
    return found[0][0]


def _load_one(path: Path) -> Plan:
    try:
        raw = path.read_bytes()
    except OSError:
        raise ConfigError(f"Không đọc được tệp cấu hình kế hoạch '{path}'.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"Tệp cấu hình '{path}' không phải văn bản UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Tệp cấu hình '{path}' sai cú pháp TOML: {exc}.") from None
    for key in ("source_hash", "other_plans"):  # filled by the program, never by the file
        if key in data:
            raise ConfigError(f"Tệp cấu hình '{path}': khóa '{key}': "
                              f"{PROBLEMS['extra_forbidden']}.")
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"Tệp cấu hình '{path}': {describe(first, data)}.") from None
    return plan.model_copy(update={"source_hash": hashlib.sha256(raw).hexdigest()})
