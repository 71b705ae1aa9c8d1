"""Reporting periods: quarters `YYYY-Qn`, their dates and their Vietnamese names."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

from pipeline.text import fold

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_OF = {v: k.upper() for k, v in ROMAN.items()}
_CANON = re.compile(r"^(\d{4})-Q([1-4])$")
# "q2/2025", "quy ii/2025", "quy 2 nam 2025", "quy ii nam 2025" after folding
_LOOSE = re.compile(r"^(?:q|quy)\s*([1-4]|iv|iii|ii|i)\s*(?:/|-|nam)\s*(\d{4})$")


@total_ordering
@dataclass(frozen=True)
class Period:
    year: int
    quarter: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    def __lt__(self, other: Period) -> bool:
        return (self.year, self.quarter) < (other.year, other.quarter)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> dt.date:
        nxt = self.next()
        return nxt.first_day - dt.timedelta(days=1)

    @property
    def months(self) -> tuple[int, int, int]:
        m = 3 * self.quarter - 2
        return (m, m + 1, m + 2)

    def next(self) -> Period:
        return Period(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> Period:
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    @property
    def label(self) -> str:
        """What documents say: 'quý II năm 2025'."""
        return f"quý {ROMAN_OF[self.quarter]} năm {self.year}"

    @property
    def label_short(self) -> str:
        return f"Quý {ROMAN_OF[self.quarter]}/{self.year}"


def parse_period(value: object) -> Period | None:
    """Read a period in any of the forms TEMPLATE.md allows; None when it is not one."""
    if value is None:
        return None
    text = str(value).strip()
    m = _CANON.match(text.upper())
    if m:
        return Period(int(m.group(1)), int(m.group(2)))
    folded = re.sub(r"\s+", " ", fold(text, keep_punct=True)).strip()
    folded = folded.replace("quy", "quy ").replace("  ", " ")
    folded = re.sub(r"\s*/\s*", "/", folded)
    folded = re.sub(r"\s*-\s*", "-", folded)
    m = _LOOSE.match(re.sub(r"\s+", " ", folded).strip())
    if not m:
        return None
    q = m.group(1)
    return Period(int(m.group(2)), int(q) if q.isdigit() else ROMAN[q])


def periods_between(first: Period, last: Period) -> list[Period]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = p.next()
    return out


def period_of(day: dt.date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def missing_quarters(periods: list[Period], with_files: set[Period],
                     run_date: dt.date) -> list[Period]:
    """The quarters of `periods` a year's or a review's figures cannot include yet: those not
    ended by the run date, and those whose folder holds no file."""
    return [p for p in periods if p.last_day > run_date or p not in with_files]


def coverage_note(scope: str, periods: list[Period], missing: list[Period]) -> str:
    """One Vietnamese sentence saying which quarters `scope` ("năm 2025", "sơ kết …") lacks,
    or "" when none. One year: "quý III"; several years: "quý III năm 2023"."""
    if not missing:
        return ""
    one_year = len({p.year for p in periods}) == 1

    def name(p: Period) -> str:
        return f"quý {ROMAN_OF[p.quarter]}" if one_year else p.label

    names = ", ".join(name(p) for p in missing)
    present = [p for p in periods if p not in missing]
    if not present:
        return f"Số liệu {scope} chưa có quý nào ({names})."
    if all(m > present[-1] for m in missing):
        return f"Số liệu {scope} mới đến hết {name(present[-1])}; chưa có {names}."
    return f"Số liệu {scope} chưa có {names}."


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")


@total_ordering
@dataclass(frozen=True)
class Month:
    """A month of a quarter: good people, good deeds are introduced every month."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def __lt__(self, other: Month) -> bool:
        return (self.year, self.month) < (other.year, other.month)

    @property
    def period(self) -> Period:
        return Period(self.year, (self.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def label(self) -> str:
        """What documents say: 'tháng 8 năm 2025'."""
        return f"tháng {self.month} năm {self.year}"


def parse_month(value: object) -> Month | None:
    """'2025-08' (or '8/2025', as a clerk writes it); None when it is not a month."""
    m = _MONTH.match(str(value or "").strip())
    if not m:
        return None
    year, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return Month(int(year), int(month)) if 1 <= int(month) <= 12 else None
