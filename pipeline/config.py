"""The plan as configuration: a TOML file loaded into validated, typed objects.

A wrong file raises ConfigError with one Vietnamese line naming the key and the problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.periods import Period, parse_period

DEFAULT_PLAN = Path(__file__).resolve().parent.parent / "plans" / "2021-2025.toml"


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
    code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Z0-9]+$")
    name: str = Field(min_length=1)
    email: str = ""


class Criterion(_Model):
    code: str = Field(pattern=r"^[A-Z][0-9]{1,2}$")
    text: str = Field(min_length=1)
    max: int = Field(gt=0)


class Movement(_Model):
    code: str = Field(pattern=r"^[A-Z]+$")
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

    @model_validator(mode="after")
    def _descending(self):
        if not self.xuat_sac > self.tot > self.dat:
            raise ValueError("phải có xuat_sac > tot > dat")
        return self


class Awards(_Model):
    giay_khen_quota: float = Field(gt=0, le=1)
    bang_khen_rule: Literal["xuat_sac", "htxsnv"] = "xuat_sac"


class Deadlines(_Model):
    day: int = Field(ge=1, le=28)
    overrides: dict[str, dt.date] = {}

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
    recipients: list[str] = Field(min_length=1)
    # a table of the quarterly report longer than this goes to PhuLuc_<period>.docx
    list_limit: int = Field(default=50, ge=5)


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
    reports: Reports
    units: list[Unit] = Field(min_length=1)
    general_criteria: list[Criterion] = Field(min_length=1)
    movements: list[Movement] = Field(min_length=1)
    thresholds: Thresholds
    awards: Awards
    deadlines: Deadlines
    reviews: dict[Literal["so-ket", "tong-ket"], Review]
    council: Council = Council()
    source_hash: str = ""

    @model_validator(mode="after")
    def _coherent(self):
        if self.plan.first_year > self.plan.last_year:
            raise ValueError("plan.first_year phải không lớn hơn plan.last_year")
        _unique("units", [u.code for u in self.units])
        _unique("movements", [m.code for m in self.movements])
        codes = [c.code for c in self.general_criteria]
        codes += [c.code for m in self.movements for c in m.criteria]
        _unique("criteria", codes)
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
        return nxt.replace(day=self.deadlines.day)

    def classify(self, total) -> str:
        t = self.thresholds
        if total >= t.xuat_sac:
            return "Xuất sắc"
        if total >= t.tot:
            return "Tốt"
        if total >= t.dat:
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
            all_criteria=all_criteria, criteria=criteria)

    def built_from(self, plan: Plan) -> bool:
        units, movements, general = self.sources
        return (units is plan.units and movements is plan.movements
                and general is plan.general_criteria)


def _sources(plan: Plan) -> tuple[list, ...]:
    return (plan.units, plan.movements, plan.general_criteria)


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


_PROBLEMS = {
    "missing": "thiếu khóa bắt buộc",
    "extra_forbidden": "khóa không được hỗ trợ (kiểm tra chính tả)",
    "string_too_short": "không được để trống",
    "string_too_long": "quá dài",
    "string_pattern_mismatch": "sai định dạng mã (chỉ chữ in hoa không dấu và chữ số)",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than_equal": "phải không quá {le}",
    "too_short": "phải có ít nhất một mục",
    "date_from_datetime_parsing": "phải là ngày dạng 2025-03-01",
    "date_type": "phải là ngày dạng 2025-03-01",
    "date_parsing": "phải là ngày dạng 2025-03-01",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "string_type": "phải là chuỗi trong dấu nháy kép",
    "literal_error": "giá trị không hợp lệ, chỉ nhận: {expected}",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một bảng",
    "model_type": "phải là một bảng",
}


def _describe(error: dict, data: dict) -> str:
    loc = _locate(error["loc"], data)
    kind = error["type"]
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"khóa '{loc}': {message}" if loc else message
    template = _PROBLEMS.get(kind, error["msg"])
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v
           for k, v in error.get("ctx", {}).items()}
    try:
        problem = template.format(**ctx)
    except (KeyError, IndexError):
        problem = template
    return f"khóa '{loc}': {problem}" if loc else problem


def _locate(loc: tuple, data: dict) -> str:
    """Name a key as the clerk sees it: units[3].code becomes 'units (mục thứ 4, code = ...)'."""
    parts, node = [], data
    for item in loc:
        if isinstance(item, int):
            label = f"mục thứ {item + 1}"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                code = node[item].get("code")
                if code:
                    label += f", {code}"
            parts[-1] = f"{parts[-1]}[{label}]" if parts else label
        else:
            parts.append(str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def load_plan(path: Path | str | None = None) -> Plan:
    path = Path(path) if path else DEFAULT_PLAN
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
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"Tệp cấu hình '{path}': {_describe(first, data)}.") from None
    return plan.model_copy(update={"source_hash": hashlib.sha256(raw).hexdigest()})
