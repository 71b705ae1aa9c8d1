"""The year's annual evaluation, the mid-term / final reviews and the register of exemplars.

Pure functions over `history`: a dict mapping each period that has data to the pair
(its Intake, its scores from `pipeline.scoring.score.score_period`). An exemplar is keyed by
(unit code, exemplar code ignoring case). Frames produced here (columns in this order; Decimal
scores, datetime.date dates, None for missing, periods written "2024-Q3"):

`ANNUAL` — AnnualReport.evaluations, one row per exemplar evaluated in the year:
    DE_XUAT (ma_don_vi, ma_dien_hinh, ten, loai, phong_trao, tong_diem, xep_loai, hang, de_xuat)
    + nam (int), ky (the period of the assessment used), diem_chung, diem_cu_the,
    du_dieu_kien (bool), ly_do, so_sang_kien, ngay_dang_ky, xep_loai_cb (HTXSNV…),
    so_du_dieu_kien (eligible exemplars of the group), chi_tieu (the group's Giấy khen quota),
    xep_loai_nam_truoc / xep_loai_cb_nam_truoc (previous year's evaluation, or None),
    giai_thich, nguon. `hang` is "Int64" (empty when gated).
`COUNTS` — ReviewReport.counts, one row per year × movement × unit (plan orders):
    nam, phong_trao, ma_don_vi, dang_ky (exemplars registered in the year: listed by an intake
    of the year, withdrawn ones included), dang_ky_moi (first registered in the year),
    dang_theo_doi (active at the year's end, or at the window's last period), da_cham (with at
    least one scores row in the year), xuat_sac, tot, dat, chua_dat (the year's annual
    evaluation; for a year the window cuts, the evaluation of its quarters inside the window),
    ca_nhan_nam, ca_nhan_nu (active individuals by gender).
`DEEDS` — ReviewReport.deeds, one row per year × unit: nam, ma_don_vi, so_viec_tot,
    so_de_nghi_tuyen_truyen, so_hoat_dong, so_nguoi_tham_gia.
`HONOUREES` — ReviewReport.honourees: ma_don_vi, ma_dien_hinh, ten, loai, phong_trao,
    so_nam_xuat_sac, nam_xuat_sac ("2021, 2022"), trang_thai (as in the register), de_xuat
    (PERIOD_EXEMPLAR), giai_thich.
`REGISTER` — ReviewReport.register (sổ theo dõi), one row per exemplar registered in the window:
    ma_don_vi, ma_dien_hinh, ten, loai, gioi_tinh, nam_sinh, phong_trao, ngay_dang_ky (first),
    ky_dang_ky, trang_thai (ACTIVE / WITHDRAWN at the window's end), ky_rut, ngay_rut (the
    cover date of the unit's workbook that withdrew it), then for every period of the window
    `tong_diem_<yyyy>_q<n>` and `xep_loai_<yyyy>_q<n>` (see `period_column`), then for every
    completed year `xep_loai_<yyyy>` and `de_xuat_<yyyy>` (its annual evaluation).
`HISTORY` — ReviewReport.history, one row per exemplar × period with an event: ma_don_vi,
    ma_dien_hinh, ten, loai, phong_trao, ky, su_kien (EVENTS joined with "; ", e.g.
    "Đăng ký; Chấm điểm"), tong_diem, xep_loai, de_xuat (the quarter's proposal).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import pandas as pd

from pipeline.config import Plan
from pipeline.model import (
    BANG_KHEN,
    DE_XUAT,
    GIAY_KHEN,
    PERIOD_EXEMPLAR,
    PRAISE,
    AnnualReport,
    Intake,
    PeriodReport,
    ReviewReport,
)
from pipeline.periods import Period, parse_period, periods_between
from pipeline.scoring.score import (
    EXCELLENT,
    FAILED,
    GOOD,
    INDIVIDUAL,
    PASSED,
    column_of,
    describe_class,
    describe_total,
    exemplar_key,
    frame_of,
    group_label,
    group_of,
    quota_count,
    quota_percent,
    rank_records,
    records_of,
    sort_records,
    text_of,
    to_date,
    to_int,
)

History = dict[Period, tuple[Intake, pd.DataFrame]]
Key = tuple[str, str]

ANNUAL = [*DE_XUAT, "nam", "ky", "diem_chung", "diem_cu_the", "du_dieu_kien", "ly_do",
                    "so_sang_kien", "ngay_dang_ky", "xep_loai_cb", "so_du_dieu_kien", "chi_tieu",
                    "xep_loai_nam_truoc", "xep_loai_cb_nam_truoc", "giai_thich", "nguon"]
COUNTS = ["nam", "phong_trao", "ma_don_vi", "dang_ky", "dang_ky_moi", "dang_theo_doi", "da_cham",
          "xuat_sac", "tot", "dat", "chua_dat", "ca_nhan_nam", "ca_nhan_nu"]
DEEDS = ["nam", "ma_don_vi", "so_viec_tot", "so_de_nghi_tuyen_truyen", "so_hoat_dong",
         "so_nguoi_tham_gia"]
HONOUREES = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "so_nam_xuat_sac",
             "nam_xuat_sac", "trang_thai", "de_xuat", "giai_thich"]
REGISTER_BASE = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "gioi_tinh", "nam_sinh",
                 "phong_trao", "ngay_dang_ky", "ky_dang_ky", "trang_thai", "ky_rut", "ngay_rut"]
HISTORY = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "ky", "su_kien",
           "tong_diem", "xep_loai", "de_xuat"]

ACTIVE, WITHDRAWN = "Đang theo dõi", "Đã rút"
REGISTERED, ADJUSTED, WITHDRAWAL, SCORED = "Đăng ký", "Điều chỉnh", "Rút", "Chấm điểm"
EVENTS = (REGISTERED, ADJUSTED, WITHDRAWAL, SCORED)
HTXSNV = "HTXSNV"
_COMPARED = ["ten", "loai", "nam_sinh", "gioi_tinh", "chuc_vu", "phong_trao", "pham_vi",
             "linh_vuc", "noi_dung", "muc_tieu", "trang_thai", "nguon"]
_CLASS_COUNTS = {EXCELLENT: "xuat_sac", GOOD: "tot", PASSED: "dat", FAILED: "chua_dat"}
# the columns of a quarter's scores read here: ANNUAL's, and the quarter's proposal (HISTORY)
_SCORES_READ = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "diem_chung",
                "diem_cu_the", "tong_diem", "xep_loai", "du_dieu_kien", "ly_do", "de_xuat",
                "so_sang_kien", "ngay_dang_ky", "xep_loai_cb", "nguon"]


# ---- history helpers -------------------------------------------------------------------------
def period_column(prefix: str, period: Period) -> str:
    """'tong_diem', 2024-Q3 -> 'tong_diem_2024_q3'."""
    return f"{prefix}_{period.year}_q{period.quarter}"


def limit_history(history: History, last: Period) -> History:
    return {p: v for p, v in history.items() if p <= last}


@dataclass(frozen=True)
class Ledger:
    """The history with its frames turned into records once (frames are slow to iterate)."""

    intakes: dict[Period, Intake]
    registrations: list[tuple[Period, Key, dict]]  # chronological, then canonical
    scores: dict[Period, list[tuple[Key, dict]]]  # the period's scores rows with their keys

    def __contains__(self, period: Period) -> bool:
        return period in self.intakes

    def __iter__(self):
        return iter(sorted(self.intakes))


def ledger_of(history: History) -> Ledger:
    registrations = [
        (period, exemplar_key(row.get("ma_don_vi"), row.get("ma_dien_hinh")), row)
        for period, (intake, _) in history.items()
        for row in records_of(intake.registrations, intake.registrations.columns)
    ]
    registrations.sort(key=lambda t: (t[0], t[1], text_of(t[2].get("nguon"))))
    return Ledger(
        intakes={p: intake for p, (intake, _) in history.items()},
        registrations=registrations,
        scores={p: [(exemplar_key(row["ma_don_vi"], row["ma_dien_hinh"]), row)
                    for row in records_of(scores, _SCORES_READ)]
                for p, (_, scores) in history.items()},
    )


def registration_rows(ledger: Ledger, last: Period) -> list[tuple[Period, Key, dict]]:
    """Every registration row up to `last`, chronologically, then in canonical order."""
    return ledger.registrations[:bisect_right(ledger.registrations, last, key=itemgetter(0))]


def is_withdrawal(row: dict) -> bool:
    return text_of(row.get("trang_thai")) == WITHDRAWAL


def registration_state(ledger: Ledger, last: Period) -> dict[Key, tuple[Period, dict]]:
    """Each exemplar's latest registration row up to `last` and the period it was listed in."""
    state: dict[Key, tuple[Period, dict]] = {}
    for period, key, row in registration_rows(ledger, last):
        state[key] = (period, row)
    return state


def withdrawn_by(ledger: Ledger, last: Period) -> set[Key]:
    """Exemplars whose latest registration row up to `last` is a withdrawal ('Rút')."""
    return {k for k, (_, row) in registration_state(ledger, last).items() if is_withdrawal(row)}


def year_periods(history: History | Ledger, year: int) -> list[Period]:
    return sorted(p for p in history if p.year == year)


def latest_assessments(ledger: Ledger, year: int) -> dict[Key, dict]:
    """Each exemplar's scores row (a copy) from the latest period of `year` where it has one."""
    latest: dict[Key, dict] = {}
    for period in year_periods(ledger, year):
        ky = str(period)
        for key, row in ledger.scores[period]:
            latest[key] = {**row, "ky": ky}
    return latest


# ---- annual evaluation -----------------------------------------------------------------------
def evaluate_year(plan: Plan, year: int, ledger: Ledger) -> list[dict]:
    """The year's evaluated set (latest accepted assessment, withdrawn left out), ranked."""
    withdrawn = withdrawn_by(ledger, Period(year, 4))
    records = [row for key, row in latest_assessments(ledger, year).items()
               if key not in withdrawn]
    for row in records:
        row["nam"] = year
    records = sort_records(records, plan)
    ranks, sizes = rank_records(records)
    for row, rank in zip(records, ranks, strict=True):
        group = group_of(row)
        row["hang"] = rank
        row["so_du_dieu_kien"] = sizes.get(group, 0)
        row["chi_tieu"] = quota_count(plan.awards.giay_khen_quota, sizes.get(group, 0))
    return records


def earns_bang_khen(row: dict, previous: dict | None, plan: Plan) -> bool:
    """The consecutive-year rule of the config, given the previous year's evaluation row."""
    if previous is None:
        return False
    if plan.awards.bang_khen_rule == "htxsnv":
        return row.get("xep_loai_cb") == HTXSNV and previous.get("xep_loai_cb") == HTXSNV
    return previous["xep_loai"] == EXCELLENT


def propose(row: dict, previous: dict | None, plan: Plan) -> str:
    """The annual proposal of one evaluated exemplar (SCORING.md, 'Each year')."""
    if row["hang"] is None:
        return ""
    if row["xep_loai"] == EXCELLENT and row["hang"] <= row["chi_tieu"]:
        return BANG_KHEN if earns_bang_khen(row, previous, plan) else GIAY_KHEN
    return PRAISE if row["xep_loai"] in (EXCELLENT, GOOD) else ""


def _previous_clause(row: dict, previous: dict | None, plan: Plan) -> str:
    year = row["nam"] - 1
    if plan.awards.bang_khen_rule == "htxsnv":
        if previous is None:
            return f"năm {year} không có đánh giá nên chưa đủ hai năm liền HTXSNV"
        if row["de_xuat"] == BANG_KHEN:
            return f"xếp loại HTXSNV hai năm liền ({year} và {row['nam']})"
        return (f"chưa đủ hai năm liền HTXSNV (năm {year}: {previous.get('xep_loai_cb') or 'trống'}"
                f", năm {row['nam']}: {row.get('xep_loai_cb') or 'trống'})")
    if previous is None:
        return f"năm {year} không có đánh giá nên chưa đủ hai năm liền Xuất sắc"
    if row["de_xuat"] == BANG_KHEN:
        return f"năm {year} cũng xếp loại Xuất sắc (hai năm liền)"
    return f"năm {year} xếp loại {previous['xep_loai']} nên chưa đủ hai năm liền Xuất sắc"


def explain_year(row: dict, previous: dict | None, plan: Plan) -> str:
    """Why (not) proposed, with the quota line, in sentences a leader reads."""
    head = (f"Theo kết quả {_period_label(row['ky'])}: {describe_total(row)}; "
            f"{describe_class(row['xep_loai'], plan)}.")
    if row["hang"] is None:
        return f"{head} Không xếp hạng, không đề xuất: {row['ly_do']}."
    inside = row["hang"] <= row["chi_tieu"]
    quota = (f" Nhóm {group_label(*group_of(row))} có {row['so_du_dieu_kien']} điển hình đủ điều"
             f" kiện, chỉ tiêu Giấy khen {quota_percent(plan.awards.giay_khen_quota)} % = "
             f"{row['chi_tieu']}; xếp thứ {row['hang']} → "
             f"{'trong' if inside else 'ngoài'} chỉ tiêu")
    if row["de_xuat"] in (BANG_KHEN, GIAY_KHEN):
        return f"{head}{quota}; {_previous_clause(row, previous, plan)} → {row['de_xuat']}."
    if row["de_xuat"] == PRAISE:
        why = "" if row["xep_loai"] == EXCELLENT else ", chưa đạt mức Xuất sắc"
        return f"{head}{quota}{why} → {PRAISE}."
    return f"{head}{quota}; dưới mức Tốt nên không đề xuất."


@lru_cache(maxsize=64)
def _period_label(ky: str) -> str:
    """'2024-Q3' -> the period's label ('quý III năm 2024'); other text as it is."""
    period = parse_period(ky)
    return period.label if period else ky


def annual_evaluation(plan: Plan, year: int, history: History) -> pd.DataFrame:
    """The `ANNUAL` frame of `year` (see the module docstring)."""
    return evaluate_annual(plan, year, ledger_of(limit_history(history, Period(year, 4))))


def evaluate_annual(plan: Plan, year: int, ledger: Ledger) -> pd.DataFrame:
    """`annual_evaluation` on a ledger (periods after the year are never looked at)."""
    before = {exemplar_key(r["ma_don_vi"], r["ma_dien_hinh"]): r
              for r in evaluate_year(plan, year - 1, ledger)}
    records = evaluate_year(plan, year, ledger)
    for row in records:
        previous = before.get(exemplar_key(row["ma_don_vi"], row["ma_dien_hinh"]))
        row["xep_loai_nam_truoc"] = previous["xep_loai"] if previous else None
        row["xep_loai_cb_nam_truoc"] = previous.get("xep_loai_cb") if previous else None
        row["de_xuat"] = propose(row, previous, plan)
        row["giai_thich"] = explain_year(row, previous, plan)
    return frame_of(records, ANNUAL)


def quarter_reports(plan: Plan, run_date: dt.date, history: History,
                    periods: Iterable[Period]) -> list[PeriodReport]:
    reports: list[PeriodReport] = []
    for period in periods:
        intake, scores = history[period]
        reports.append(PeriodReport(plan, period, run_date, intake, scores,
                                    reports[-1] if reports else None))
    return reports


def build_annual(plan: Plan, year: int, run_date: dt.date, history: History) -> AnnualReport:
    """The year's report: its evaluation, the previous year's (None without data), quarters."""
    known = ledger_of(limit_history(history, Period(year, 4)))  # read once for both years
    previous = (evaluate_annual(plan, year - 1, known)
                if year_periods(history, year - 1) else None)
    return AnnualReport(
        plan=plan, year=year, run_date=run_date,
        evaluations=evaluate_annual(plan, year, known),
        previous=previous,
        quarters=quarter_reports(plan, run_date, history, year_periods(history, year)),
    )


# ---- reviews ---------------------------------------------------------------------------------
def completed_years(first: Period, last: Period) -> list[int]:
    """Years whose Q4 lies inside the window."""
    return [y for y in range(first.year, last.year + 1) if first <= Period(y, 4) <= last]


def window_periods(first: Period, last: Period, year: int) -> list[Period]:
    return periods_between(max(first, Period(year, 1)), min(last, Period(year, 4)))


def _units_of(plan: Plan, periods: list[Period], seen: set[str]) -> list[str]:
    codes = {u.code for u in plan.units if any(u.valid_on(p.last_day) for p in periods)} | seen
    return sorted(codes, key=lambda c: (plan.unit_order(c), c))


def _tally(counts: dict, unit: str, movement: str, column: str) -> None:
    cell = counts.setdefault((movement, unit), dict.fromkeys(COUNTS[3:], 0))
    cell[column] += 1


def count_year(plan: Plan, year: int, first: Period, last: Period, ledger: Ledger,
               evaluation: list[dict]) -> list[dict]:
    """COUNTS rows of one year."""
    periods = [p for p in window_periods(first, last, year) if p in ledger]
    end = min(last, Period(year, 4))
    counts: dict[tuple[str, str], dict] = {}
    first_seen: dict[Key, Period] = {}
    for period, key, _ in registration_rows(ledger, end):
        first_seen.setdefault(key, period)
    listed = {}
    for period, key, row in registration_rows(ledger, end):
        if period in periods:
            listed[key] = row
    for key, row in listed.items():
        _tally(counts, key[0], text_of(row.get("phong_trao")), "dang_ky")
        if first_seen[key].year == year:
            _tally(counts, key[0], text_of(row.get("phong_trao")), "dang_ky_moi")
    for key, (_, row) in registration_state(ledger, end).items():
        if is_withdrawal(row):
            continue
        movement = text_of(row.get("phong_trao"))
        _tally(counts, key[0], movement, "dang_theo_doi")
        if text_of(row.get("loai")) == INDIVIDUAL:
            gender = {"Nam": "ca_nhan_nam", "Nữ": "ca_nhan_nu"}.get(text_of(row.get("gioi_tinh")))
            if gender:
                _tally(counts, key[0], movement, gender)
    assessed = {}
    for period in periods:
        assessed.update(ledger.scores[period])
    for key, row in assessed.items():
        _tally(counts, key[0], row["phong_trao"], "da_cham")
    for row in evaluation:
        _tally(counts, row["ma_don_vi"], row["phong_trao"], _CLASS_COUNTS[row["xep_loai"]])
    units = _units_of(plan, window_periods(first, last, year), {u for _, u in counts})
    movements = [m.code for m in plan.movements]
    movements += sorted({m for m, _ in counts} - set(movements))
    return [{"nam": year, "phong_trao": m, "ma_don_vi": u,
             **counts.get((m, u), dict.fromkeys(COUNTS[3:], 0))}
            for m in movements for u in units]


def count_deeds(plan: Plan, year: int, first: Period, last: Period,
                ledger: Ledger) -> list[dict]:
    """DEEDS rows of one year."""
    tallies: dict[str, dict] = {}
    for period in window_periods(first, last, year):
        if period not in ledger:
            continue
        intake = ledger.intakes[period]
        for row in records_of(intake.good_deeds, ["ma_don_vi", "de_nghi_tuyen_truyen"]):
            cell = tallies.setdefault(text_of(row.get("ma_don_vi")), dict.fromkeys(DEEDS[2:], 0))
            cell["so_viec_tot"] += 1
            cell["so_de_nghi_tuyen_truyen"] += text_of(row.get("de_nghi_tuyen_truyen")) == "Có"
        for row in records_of(intake.activities, ["ma_don_vi", "so_nguoi"]):
            cell = tallies.setdefault(text_of(row.get("ma_don_vi")), dict.fromkeys(DEEDS[2:], 0))
            cell["so_hoat_dong"] += 1
            cell["so_nguoi_tham_gia"] += to_int(row.get("so_nguoi"))
    units = _units_of(plan, window_periods(first, last, year), set(tallies))
    return [{"nam": year, "ma_don_vi": u, **tallies.get(u, dict.fromkeys(DEEDS[2:], 0))}
            for u in units]


def find_honourees(plan: Plan, annual: dict[int, pd.DataFrame], minimum: int,
                   register: pd.DataFrame) -> pd.DataFrame:
    """Exemplars classified Xuất sắc in at least `minimum` of the completed years."""
    years: dict[Key, list[int]] = {}
    latest: dict[Key, dict] = {}
    for year in sorted(annual):
        for row in records_of(annual[year], ["ma_don_vi", "ma_dien_hinh", "ten", "loai",
                                             "phong_trao", "xep_loai"]):
            key = exemplar_key(row["ma_don_vi"], row["ma_dien_hinh"])
            latest[key] = row
            if row["xep_loai"] == EXCELLENT:
                years.setdefault(key, []).append(year)
    status = {exemplar_key(unit, code): state for unit, code, state in zip(
        register["ma_don_vi"].tolist(), register["ma_dien_hinh"].tolist(),
        register["trang_thai"].tolist(), strict=True)}
    records = []
    for key, excellent in years.items():
        if len(excellent) < minimum:
            continue
        row = latest[key]
        listed = ", ".join(str(y) for y in excellent)
        records.append({
            **{c: row[c] for c in ("ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao")},
            "so_nam_xuat_sac": len(excellent), "nam_xuat_sac": listed,
            "trang_thai": status.get(key), "de_xuat": PERIOD_EXEMPLAR,
            "giai_thich": (f"Xếp loại Xuất sắc trong {len(excellent)} năm ({listed}), "
                           f"từ {minimum} năm trở lên → {PERIOD_EXEMPLAR}."),
        })
    return pd.DataFrame(sort_records(records, plan), columns=HONOUREES, dtype=object)


def _withdrawal_date(intake: Intake, unit: str) -> dt.date | None:
    for code, day in zip(column_of(intake.submissions, "ma_don_vi"),
                         column_of(intake.submissions, "ngay_lap"), strict=True):
        if text_of(code) == unit:
            return to_date(day)
    return None


def build_register(plan: Plan, first: Period, last: Period, ledger: Ledger,
                   annual: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """REGISTER: one row per exemplar registered in the window, its periods and years."""
    periods = periods_between(first, last)
    rows = registration_rows(ledger, last)
    in_window = {key for period, key, _ in rows if period >= first}
    entries: dict[Key, dict] = {}
    for period, key, row in rows:
        if key not in in_window:
            continue
        entry = entries.setdefault(key, {"ky_dang_ky": text_of(row.get("ky_dang_ky"))
                                         or str(period), "dates": []})
        entry["row"], entry["period"] = row, period
        entry["dates"].append(to_date(row.get("ngay_dang_ky")))
    scores = {p: dict(ledger.scores[p]) for p in periods if p in ledger}
    evaluations = {y: {exemplar_key(r["ma_don_vi"], r["ma_dien_hinh"]): r for r in records_of(
                           frame, ["ma_don_vi", "ma_dien_hinh", "xep_loai", "de_xuat"])}
                   for y, frame in annual.items()}
    period_columns = [(scores.get(p, {}), period_column("tong_diem", p),
                       period_column("xep_loai", p)) for p in periods]
    records = []
    for key, entry in entries.items():
        row, withdrawn = entry["row"], is_withdrawal(entry["row"])
        dates = [d for d in entry["dates"] if d is not None]
        record = {
            "ma_don_vi": key[0], "ma_dien_hinh": text_of(row.get("ma_dien_hinh")),
            **{c: text_of(row.get(c)) or None for c in ("ten", "loai", "gioi_tinh")},
            "nam_sinh": to_int(row.get("nam_sinh"), None),
            "phong_trao": text_of(row.get("phong_trao")),
            "ngay_dang_ky": min(dates) if dates else None, "ky_dang_ky": entry["ky_dang_ky"],
            "trang_thai": WITHDRAWN if withdrawn else ACTIVE,
            "ky_rut": str(entry["period"]) if withdrawn else None,
            "ngay_rut": (_withdrawal_date(ledger.intakes[entry["period"]], key[0])
                         if withdrawn else None),
        }
        for scored_in, total, klass in period_columns:
            scored = scored_in.get(key)
            record[total] = scored["tong_diem"] if scored else None
            record[klass] = scored["xep_loai"] if scored else None
        for year in sorted(annual):
            evaluated = evaluations[year].get(key)
            record[f"xep_loai_{year}"] = evaluated["xep_loai"] if evaluated else None
            record[f"de_xuat_{year}"] = evaluated["de_xuat"] if evaluated else None
        records.append(record)
    columns = REGISTER_BASE + [period_column(prefix, p) for p in periods
                               for prefix in ("tong_diem", "xep_loai")]
    columns += [f"{prefix}_{y}" for y in sorted(annual) for prefix in ("xep_loai", "de_xuat")]
    return pd.DataFrame(sort_records(records, plan), columns=columns, dtype=object)


def _changed(row: dict, before: dict) -> bool:
    return any(_differs(row.get(c), before.get(c)) for c in _COMPARED) or (
        to_date(row.get("ngay_dang_ky")) != to_date(before.get("ngay_dang_ky")))


def _differs(value: object, before: object) -> bool:
    """The texts differ (the same object, or the same string, never does)."""
    if value is before or (type(value) is str and value == before):
        return False
    return text_of(value) != text_of(before)


def registration_events(ledger: Ledger, last: Period) -> dict[tuple[Key, Period], tuple]:
    """(exemplar, period) -> (registration event, row) for every period it was listed in."""
    events: dict[tuple[Key, Period], tuple] = {}
    before: dict[Key, dict] = {}
    for period, key, row in registration_rows(ledger, last):
        previous = before.get(key)
        if is_withdrawal(row):
            event = WITHDRAWAL
        elif previous is None or is_withdrawal(previous):
            event = REGISTERED
        else:
            event = ADJUSTED if _changed(row, previous) else None
        before[key] = row
        if event:
            events[(key, period)] = (event, row)
    return events


def build_history(plan: Plan, first: Period, last: Period, ledger: Ledger) -> pd.DataFrame:
    """HISTORY: the register's events, one row per exemplar × period."""
    events = {k: v for k, v in registration_events(ledger, last).items() if k[1] >= first}
    records: dict[tuple[Key, Period], dict] = {}
    for (key, period), (event, row) in events.items():
        records[(key, period)] = {
            **{c: text_of(row.get(c)) for c in ("ma_don_vi", "ma_dien_hinh", "ten", "loai",
                                                  "phong_trao")},
            "ky": str(period), "su_kien": [event], "tong_diem": None, "xep_loai": None,
            "de_xuat": None}
    for period in periods_between(first, last):
        if period not in ledger:
            continue
        for key, row in ledger.scores[period]:
            record = records.setdefault((key, period), {
                **{c: row[c] for c in ("ma_don_vi", "ma_dien_hinh", "ten", "loai",
                                       "phong_trao")},
                "ky": str(period), "su_kien": []})
            record["su_kien"].append(SCORED)
            record.update(tong_diem=row["tong_diem"], xep_loai=row["xep_loai"],
                          de_xuat=row["de_xuat"])
    order = {unit: plan.unit_order(unit) for (unit, _), _ in records}
    ordered = sorted(records.items(), key=lambda item: (
        order[item[0][0][0]], item[0][0][0], item[1]["ma_dien_hinh"], item[0][1]))
    out = [{**r, "su_kien": "; ".join(r["su_kien"])} for _, r in ordered]
    return pd.DataFrame(out, columns=HISTORY, dtype=object)


def build_review(plan: Plan, kind: str, run_date: dt.date, history: History) -> ReviewReport:
    """A mid-term ('so-ket') or final ('tong-ket') review over the configured window."""
    review = plan.reviews[kind]
    first, last = review.first_period, review.last_period
    known = ledger_of(limit_history(history, last))
    annual = {y: evaluate_annual(plan, y, known) for y in completed_years(first, last)}
    counts, deeds = [], []
    for year in range(first.year, last.year + 1):
        evaluation = (records_of(annual[year], ["ma_don_vi", "phong_trao", "xep_loai"])
                      if year in annual else evaluate_year(plan, year, known))
        counts += count_year(plan, year, first, last, known, evaluation)
        deeds += count_deeds(plan, year, first, last, known)
    register = build_register(plan, first, last, known, annual)
    return ReviewReport(
        plan=plan, kind=kind, title=review.title, first=first, last=last, run_date=run_date,
        counts=pd.DataFrame(counts, columns=COUNTS),
        deeds=pd.DataFrame(deeds, columns=DEEDS),
        annual=annual,
        honourees=find_honourees(plan, annual, review.min_excellent_years, register),
        register=register,
        history=build_history(plan, first, last, known),
    )

