"""The sample's nomination files: good people, good deeds a few units send month by month.

In the last sample quarter, five units (chosen by the seed, never the missing one) send their
first month's nominations early in the second month, and three of them their second month's
early in the third, before their full workbook at the end of the quarter:

- a nomination file repeats what the full workbook lists for that month, as units retype it
  (another case, doubled spaces, decomposed Unicode), and adds one nomination the workbook
  leaves out (the ones the quarter's list used to lose);
- one unit's second-month file also carries a first-month nomination it forgot (late);
- one unit sends its first-month file again two days later, corrected (it supersedes the
  first for that month);
- files alternate between the standard workbook with only the good-deeds sheet filled and the
  light nomination workbook (cover and that sheet alone).

Every file has its own random stream: the quarter's other files are unchanged by these.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import replace

from pipeline.config import Plan
from pipeline.tools.sample_data import _DEEDS, _POSITIONS, _PRAISE, Profile, Report, make_name
from pipeline.tools.sample_files import (
    _cell,
    _column_order,
    _cover_value,
    _fill,
    _titles,
    workbook_bytes,
)
from schemas.sheets import COVER, COVER_ITEMS, YES, sheets_for

NOMINATING = 5  # units sending nominations early
SECOND_MONTH = 3  # of which, also the second month's


def nomination_files(plan: Plan, reports: list[Report], profiles: dict[str, Profile],
                     seed: int) -> dict[str, bytes]:
    """File name -> bytes of the nomination files sent during the quarter of `reports`."""
    if not reports:
        return {}
    period = reports[0].period
    rng = random.Random(f"{seed}/nominations/{period}")
    chosen = sorted(rng.sample(range(len(reports)), min(NOMINATING, len(reports))))
    files: dict[str, bytes] = {}
    for rank, index in enumerate(chosen):
        report = reports[index]
        code = report.unit.code
        first, second, _ = period.months
        months = (first, second) if rank < SECOND_MONTH else (first,)
        for step, month in enumerate(months):
            own = random.Random(f"{seed}/nominations/{period}/{code}/{month}")
            rows = [_retyped(own, row) for row in report.rows["nguoi_tot"]
                    if row["thang"] == month]
            rows.append(_new_deed(own, report, month))
            if step == 1 and rank == 0:  # a first-month nomination sent a month late
                rows.append(_new_deed(own, report, first))
            made = dt.date(period.year, month + 1, 1) + dt.timedelta(days=own.randint(1, 5))
            light = (rank + step) % 2 == 1
            name = f"{code} - de cu NTVT thang {month}-{period.year}.xlsx"
            files[name] = _render(plan, report, profiles[code], seed, rows, made, light)
            if step == 0 and rank == 1:  # sent again two days later, corrected
                again = [*rows[:-1], _new_deed(own, report, month)]
                files[name.removesuffix(".xlsx") + " (gui lai).xlsx"] = _render(
                    plan, report, profiles[code], seed, again, made + dt.timedelta(days=2), light)
    return files


def _retyped(rng: random.Random, row: dict) -> dict:
    """The same nomination as a unit retypes it: another case, doubled spaces or NFD."""
    how = rng.randrange(4)
    name, deed = row["ho_ten"], row["noi_dung"]
    if how == 1:
        deed = deed[:1].lower() + deed[1:]
    elif how == 2:
        deed = deed.replace(" ", "  ", 2) + " "
    elif how == 3:
        name, deed = (unicodedata.normalize("NFD", name), unicodedata.normalize("NFD", deed))
    return row | {"ho_ten": name, "noi_dung": deed}


def _new_deed(rng: random.Random, report: Report, month: int) -> dict:
    gender = rng.choice(("Nam", "Nữ"))
    deed, result = rng.choice(_DEEDS)
    return {"ho_ten": make_name(rng, gender), "gioi_tinh": gender,
            "chuc_vu": rng.choice(_POSITIONS), "thang": month,
            "noi_dung": _fill(rng, deed, report.period), "ket_qua": result,
            "hinh_thuc_khen": rng.choice(_PRAISE), "tuyen_truyen": YES}


def _render(plan: Plan, report: Report, profile: Profile, seed: int, rows: list[dict],
            made: dt.date, light: bool) -> bytes:
    """The unit's workbook with only the good-deeds sheet filled (light: no other sheet)."""
    rng = random.Random(f"{seed}/nominations/render/{report.period}/{report.unit.code}/{made}")
    cover = report.cover | {"ngay_lap": made, "kho_khan": "", "de_xuat": ""}
    sent = replace(report, cover=cover)
    titles = _titles(sent, profile)
    drafts = [(COVER.name, list(COVER.columns),
               [[item.label, _cover_value(item.key, sent, profile)] for item in COVER_ITEMS],
               titles[:1], False)]
    for sheet in sheets_for(plan):
        if light and sheet.key != "nguoi_tot":
            continue
        columns = _column_order(sheet, profile, seed, report.unit.code, False)
        mine = rows if sheet.key == "nguoi_tot" else []
        drafts.append((sheet.name, columns,
                       [[_cell(i + 1 if c.key == "stt" else row.get(c.key), c, profile, rng)
                         for c in columns] for i, row in enumerate(mine)], titles, False))
    created = dt.datetime.combine(made, dt.time(8))
    return workbook_bytes(drafts, created, cover.get("nguoi_lap") or report.unit.name)
