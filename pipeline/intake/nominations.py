"""Nomination files: a unit's good people, good deeds sent on their own, month by month.

A *nomination file* is a unit's workbook with the cover and only the "Người tốt việc tốt"
sheet filled (the standard workbook with its other sheets empty, or the light nomination
workbook of `make templates`). It never competes with the unit's full workbook: the quarter's
list is the union of the unit's nomination files and its winning workbook's sheet, one row per
nomination. Among a unit's nomination files, a later one (cover date, then submission, then
name, as for workbooks) supersedes an earlier one for the months it names.

Pure functions over `FileOutcome`s (pipeline.intake.period): which files are nomination files,
which rows a later file supersedes, and which rows repeat a nomination already listed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from pipeline import model
from pipeline.config import Plan
from pipeline.findings import WARNING, Finding
from pipeline.periods import Month, Period
from schemas.sheets import YES, Sheet

DEEDS = "nguoi_tot"  # the good-deeds sheet's key
READ, ACCEPTED, REJECTED, SUPERSEDED, MERGED = range(5)  # FileOutcome.counts positions


def is_nomination_file(counts: dict[str, list[int]]) -> bool:
    """True when the good-deeds sheet has rows and every other data sheet none (or is absent)."""
    deeds = counts.get(DEEDS)
    return bool(deeds and deeds[READ]) and all(
        c[READ] == 0 for key, c in counts.items() if key != DEEDS)


def file_order(outcome) -> tuple:
    """Earlier to later, as winners are chosen: cover date, submission, file name."""
    return (outcome.ngay_lap, outcome.file.submitted or dt.datetime.min, outcome.file.name)


def nomination_key(unit: str, month: object, name: object, deed: object) -> tuple:
    """One nomination: the same unit, month, name and deed after NFC, case- and
    whitespace-folding ("Nguyễn  Văn AN" in NFD = "nguyễn văn an")."""
    return (unit, month, _folded(name), _folded(deed))


def _folded(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value or ""))
    return unicodedata.normalize("NFC", " ".join(text.casefold().split()))


def _months(outcome, decl: Sheet, period: Period) -> list[int | None]:
    """Each parsed row's month when it is one of the quarter's, else None."""
    at = [c.key for c in decl.columns].index("thang")
    return [values[at] if values[at] in period.months else None
            for _, values, _ in outcome.rows.get(DEEDS, [])]


def supersede_months(unit: str, files: list, decl: Sheet, period: Period,
                     superseded_status: str) -> list[Finding]:
    """Among one unit's accepted nomination files, a later file that resends months of an
    earlier one (every month it names is one the earlier named) supersedes the earlier for
    those months: their rows leave the earlier file (counted as superseded), and a file with
    nothing left is superseded whole. A later file naming a month the earlier did not (August's
    file with a forgotten July nomination) supersedes nothing. `files` are modified."""
    findings: list[Finding] = []
    files = sorted(files, key=file_order)
    months = [_months(f, decl, period) for f in files]
    named = [{m for m in ms if m is not None} for ms in months]
    for i, outcome in enumerate(files):
        later: dict[int, object] = {}  # month -> the latest file resending it
        for j in range(i + 1, len(files)):
            if named[j] and named[j] <= named[i]:
                for m in named[j]:
                    later[m] = files[j]
        gone = [k for k, m in enumerate(months[i]) if m in later]
        if not gone:
            continue
        counts = outcome.counts[DEEDS]
        counts[SUPERSEDED] = len(gone)
        resent = sorted({months[i][k] for k in gone})
        by = later[resent[-1]]
        month_text = ", ".join(f"tháng {m}" for m in resent)
        if len(gone) == len(months[i]):
            outcome.status = superseded_status
            for c in outcome.counts.values():
                c[SUPERSEDED] = c[READ]
            findings.append(Finding(
                WARNING, unit, outcome.file.name, "", "", "F07",
                f"Tệp được thay thế bởi tệp '{by.file.name}' (Ngày lập {by.ngay_lap:%d/%m/%Y}) "
                f"của cùng đơn vị, gửi lại đề cử {month_text}; {len(gone)} dòng dữ liệu của tệp "
                "này không được dùng."))
            continue
        _drop_rows(outcome, set(gone))
        findings.append(Finding(
            WARNING, unit, outcome.file.name, "", "", "F11",
            f"Đề cử {month_text} của tệp này được thay thế bởi tệp '{by.file.name}' (Ngày lập "
            f"{by.ngay_lap:%d/%m/%Y}) của cùng đơn vị; {len(gone)} dòng của các tháng đó không "
            "được dùng, các tháng khác vẫn được dùng."))
    return findings


def _drop_rows(outcome, gone: set[int]) -> None:
    """Remove rows (by index) from the parsed good-deeds sheet and renumber its checks."""
    rows = outcome.rows[DEEDS]
    kept = [k for k in range(len(rows)) if k not in gone]
    index = {old: new for new, old in enumerate(kept)}
    outcome.rows[DEEDS] = [rows[k] for k in kept]
    if DEEDS in outcome.cases:
        outcome.cases[DEEDS] = [(index[case[0]], *case[1:]) for case in outcome.cases[DEEDS]
                                if case[0] in index]


@dataclass
class Merged:
    """The quarter's nominations, one row each, and which repeats were merged into which."""

    rows: list[dict] = field(default_factory=list)
    repeats: dict[int, list[str]] = field(default_factory=dict)  # row index -> repeats' nguon


def merge(deeds: list[tuple[object, dict]]) -> Merged:
    """(file outcome, row) pairs → one row per nomination, the earliest file's row kept.

    Rows are taken per unit in `file_order`, then row order; a repeat is counted as merged in
    its file's counts and its source noted on the row kept (`trung`)."""
    out = Merged()
    seen: dict[tuple, int] = {}
    ordered = sorted(range(len(deeds)), key=lambda k: (deeds[k][1]["ma_don_vi"],
                                                       file_order(deeds[k][0]), k))
    kept: list[int] = []
    for k in ordered:
        outcome, row = deeds[k]
        key = nomination_key(row["ma_don_vi"], row["thang"], row["ho_ten"], row["noi_dung"])
        first = seen.get(key)
        if first is None:
            seen[key] = k
            kept.append(k)
            continue
        counts = outcome.counts[DEEDS]
        counts[ACCEPTED] -= 1
        counts[MERGED] += 1
        out.repeats.setdefault(first, []).append(row["nguon"])
    for k in sorted(kept, key=lambda k: (file_order(deeds[k][0]), k)):
        row = dict(deeds[k][1])
        row["trung"] = tuple(out.repeats.get(k, ()))
        out.rows.append(row)
    return out


# --- a month's list -------------------------------------------------------------------------
def month_due(plan: Plan, month: Month) -> dt.date:
    """The day a month's nominations are due: the plan's deadline day of the following month
    (for a quarter's last month, the quarter's deadline, overrides included)."""
    if month.month == month.period.months[-1]:
        return plan.deadline(month.period)
    return month.next().first_day.replace(day=plan.deadlines.day)


def month_report(plan: Plan, month: Month, run_date: dt.date,
                 deeds: pd.DataFrame) -> model.MonthReport:
    """The month's nominations among the quarter's (`deeds`: Intake.good_deeds), how many each
    unit sent, and the earlier months' nominations that came after their list was due."""
    months = deeds["thang"].map(int) if len(deeds) else pd.Series([], dtype=int)
    mine = deeds[(months == month.month).to_numpy()].reset_index(drop=True)
    units = [u for u in plan.units if u.valid_on(month.last_day)]
    rows = []
    for unit in units:
        of_unit = mine[mine["ma_don_vi"] == unit.code]
        rows.append({"ma_don_vi": unit.code, "ten_don_vi": unit.name, "so_de_cu": len(of_unit),
                     "so_de_nghi_tuyen_truyen": int(
                         (of_unit["de_nghi_tuyen_truyen"] == YES).sum())})
    late = pd.DataFrame(columns=deeds.columns, dtype=object)
    if len(deeds) and month.month != month.period.months[0]:
        since = month_due(plan, month.previous())
        received = deeds["ngay_nhan"]
        late = deeds[((months < month.month) & received.map(lambda d: d is not None and d > since)
                      ).to_numpy()].reset_index(drop=True)
    return model.MonthReport(plan, month, run_date, mine,
                             pd.DataFrame(rows, columns=model.MONTH_UNITS, dtype=object), late)
