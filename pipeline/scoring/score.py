"""Scoring one period (SCORING.md): council overrides, totals, classification, gates, ranks.

Pure functions, no IO. The entry point is `score_period(intake, plan)`; the helpers that do not
depend on a quarter (ranking, quota, wording) are shared with `pipeline.scoring.review`.

The `scores` frame has the columns `score_columns(plan)`:
  CHAM_DIEM + SCORE_EXTRA (pipeline.model) + for each criterion code of the plan, in plan order,
  `<code>_dv` (the unit's score), `<code>_hd` (the council's score or None) and `<code>` (the
  score used). Criteria not of the exemplar's movement are None in all three.
Scores are Decimal (diem_chung, diem_cu_the, tong_diem quantized to 0.01, half up),
du_dieu_kien is bool, hang is nullable "Int64" (empty for a gated exemplar), ly_do, de_xuat,
dieu_chinh and giai_thich are strings ("" when there is nothing to say), ky is "2025-Q2".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import lru_cache

import numpy as np
import pandas as pd

from pipeline.config import Plan
from pipeline.model import CHAM_DIEM, INTRODUCE, SCORE_EXTRA, Intake
from pipeline.text import clean, parse_decimal, vn_number

# gate reasons, exactly as SCORING.md words them
GATE_DISCIPLINE = "đang chịu hình thức kỷ luật"
GATE_RATING = "xếp loại chất lượng dưới mức hoàn thành tốt nhiệm vụ"
GATE_SECURITY = "cơ quan, đơn vị chưa đạt chuẩn an toàn về an ninh, trật tự"
LOW_RATINGS = ("HTNV", "KHTNV")
INDIVIDUAL, COLLECTIVE = "Cá nhân", "Tập thể"
TYPE_ORDER = (COLLECTIVE, INDIVIDUAL)
EXCELLENT, GOOD, PASSED, FAILED = "Xuất sắc", "Tốt", "Đạt", "Chưa đạt"
CENT = Decimal("0.01")
ZERO = Decimal(0)
_NO_DATE = dt.date.max


# ---- small value helpers ---------------------------------------------------------------------
def is_missing(value: object) -> bool:
    """None, NaN, pd.NA and NaT are missing (frames coming from pandas may hold any of them)."""
    if value is None:
        return True
    kind = type(value)  # the usual cell types first: pd.isna costs more than scoring a cell
    if kind is str or kind is int or kind is bool or kind is dt.date:
        return False
    if kind is Decimal and value.is_finite():
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def to_decimal(value: object) -> Decimal | None:
    """A score as Decimal (ints and floats exactly as written), None when missing."""
    if type(value) is Decimal and value.is_finite():  # the usual cell, read once per criterion
        return value
    if is_missing(value):
        return None
    if isinstance(value, Decimal):
        return value
    return parse_decimal(value)


def to_flag(value: object) -> bool | None:
    """A yes/no cell as bool; None when missing."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return clean(value).casefold() in {"có", "co", "x", "true"}
    return bool(value)


def to_date(value: object) -> dt.date | None:
    if type(value) is dt.date:
        return value
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def to_int(value: object, default: int | None = 0) -> int | None:
    if type(value) is int:
        return value
    number = to_decimal(value)
    return default if number is None else int(number)


def texts_of(values: Iterable) -> list[str]:
    """`text_of` of each value, worked out once per distinct string."""
    values = list(values)
    cleaned = {value: _clean_text(value) for value in {v for v in values if type(v) is str}}
    return [cleaned[v] if type(v) is str else text_of(v) for v in values]


def text_of(value: object) -> str:
    if type(value) is str:
        return _clean_text(value)
    return "" if is_missing(value) else clean(value)


@lru_cache(maxsize=2**16)
def _clean_text(value: str) -> str:
    """`clean` of a string, remembered: the same codes and names are read again and again.
    A string already clean is returned itself, so the scores share the intake's strings."""
    cleaned = clean(value)
    return value if cleaned == value else cleaned


def round_score(value: Decimal) -> Decimal:
    """Half-up to 2 decimals: 89.995 -> 90.00."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_score(value: Decimal) -> str:
    """A rounded score as a Vietnamese reader sees it, always 2 decimals: '92,50'."""
    return _format_score(value, value.is_signed())


@lru_cache(maxsize=2**12)
def _format_score(value: Decimal, signed: bool) -> str:
    """Remembered per value and sign: equal values round alike, except zero's sign ('-0,00')."""
    return format(round_score(value), "f").replace(".", ",")


def format_plain(value: object) -> str:
    """A raw score without trailing zeros: 18 -> '18', 18.50 -> '18,5'; missing -> 'trống'."""
    number = to_decimal(value)
    if number is None:
        return "trống"
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


def quota_count(quota: float, eligible: int) -> int:
    """⌈quota × n⌉ in decimal arithmetic (0.3 × 10 = 3, never 4)."""
    product = Decimal(str(quota)) * eligible
    return int(product.to_integral_value(rounding=ROUND_CEILING))


@lru_cache(maxsize=16)
def quota_percent(quota: float) -> str:
    return vn_number(Decimal(str(quota)) * 100, 2)


def group_label(movement: str, kind: str) -> str:
    return f"{movement} – {kind}"


def describe_class(xep_loai: str, plan: Plan) -> str:
    """'Xuất sắc (từ 90 điểm)', 'Tốt (từ 80 đến dưới 90 điểm)', 'Chưa đạt (dưới 65 điểm)'."""
    t = plan.thresholds
    return _describe_class(xep_loai, t.xuat_sac, t.tot, t.dat)


@lru_cache(maxsize=64)
def _describe_class(xep_loai: str, xuat_sac: float, tot: float, dat: float) -> str:
    bounds = {
        EXCELLENT: f"từ {vn_number(xuat_sac)} điểm",
        GOOD: f"từ {vn_number(tot)} đến dưới {vn_number(xuat_sac)} điểm",
        PASSED: f"từ {vn_number(dat)} đến dưới {vn_number(tot)} điểm",
        FAILED: f"dưới {vn_number(dat)} điểm",
    }
    return f"{xep_loai} ({bounds[xep_loai]})"


def describe_total(row: dict) -> str:
    return describe_scores(row["tong_diem"], row["diem_chung"], row["diem_cu_the"])


def describe_scores(total: Decimal, general: Decimal, specific: Decimal) -> str:
    return (f"tổng {format_score(total)} điểm (chung {format_score(general)}"
            f" + cụ thể {format_score(specific)})")


# ---- criteria, council, totals ---------------------------------------------------------------
def criterion_columns(plan: Plan) -> list[str]:
    return [name for c in plan.all_criteria for name in (f"{c.code}_dv", f"{c.code}_hd", c.code)]


def score_columns(plan: Plan) -> list[str]:
    return CHAM_DIEM + SCORE_EXTRA + criterion_columns(plan)


def exemplar_key(unit: object, code: object) -> tuple[str, str]:
    """Exemplar codes compare ignoring case and surrounding spaces (TEMPLATE.md)."""
    return (text_of(unit), text_of(code).casefold())


def column_of(frame: pd.DataFrame, name: str) -> list:
    """A column's values as a list; None on every row when the frame has no such column."""
    return frame[name].tolist() if name in frame else [None] * len(frame)


def records_of(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict]:
    """The rows of a frame as dicts of the given columns it has: `to_dict("records")` on only
    what is read, values as stored (the frames of this package hold plain Python values; a
    reader of other frames normalises with `text_of`, `to_int`, `to_date`…)."""
    names = [c for c in columns if c in frame]
    if not names:
        return [{} for _ in range(len(frame))]
    return [dict(zip(names, row, strict=True))
            for row in zip(*(frame[c].tolist() for c in names), strict=True)]


def index_council(council: pd.DataFrame) -> dict[tuple[str, str], dict[str, tuple]]:
    """(unit, code) -> criterion -> (score, reason); a later row for the same cell wins."""
    index: dict[tuple[str, str], dict[str, tuple]] = {}
    for row in council.to_dict("records"):
        score = to_decimal(row.get("diem"))
        if score is None:
            continue
        key = exemplar_key(row.get("ma_don_vi"), row.get("ma_dien_hinh"))
        index.setdefault(key, {})[text_of(row.get("tieu_chi")).upper()] = (
            score, text_of(row.get("ly_do")))
    return index


def apply_criteria(plan: Plan, movements: list[str], unit_scores: Callable[[str], list],
                   adjustments: list[dict[str, tuple]],
                   ) -> tuple[dict[str, list], list[Decimal], list[Decimal], list[str]]:
    """Per-criterion unit / council / used score columns (`criterion_columns`), the raw sums of
    the general and of the movement's criteria, and the council's explanation, row by row.

    `unit_scores(code)` is the column of the unit's scores for a criterion and `adjustments` the
    council's criterion -> (score, reason) of each row. Criteria not of the row's movement are
    None in all three columns.
    """
    rows_of: dict[str, list[int]] = {}
    for i, movement in enumerate(movements):
        rows_of.setdefault(movement, []).append(i)
    own_of = {m: {c.code for c in plan.criteria_of(m)} for m in rows_of}
    general = {c.code for c in plan.general_criteria}
    adjusted = [(i, adjustment) for i, adjustment in enumerate(adjustments) if adjustment]
    changes: dict[int, list[str]] = {i: [] for i, _ in adjusted}
    columns: dict[str, list] = {}
    # Missing scores add an exact zero: the sums' values, hence their rounding, are those of
    # adding the present scores one by one, and object arrays add row-wise in one call.
    chung = cu_the = np.full(len(movements), ZERO, dtype=object)
    for code in (c.code for c in plan.all_criteria):
        values, unit = unit_scores(code), [None] * len(movements)
        for movement, rows in rows_of.items():
            if code in own_of[movement]:
                for i in rows:
                    unit[i] = to_decimal(values[i])
        council: list = [None] * len(unit)
        used = unit
        for i, adjustment in adjusted:
            if code in own_of[movements[i]] and code in adjustment:
                score, reason = adjustment[code]
                used = list(unit) if used is unit else used
                council[i] = used[i] = score
                changes[i].append(f"{code}: {format_plain(unit[i])} → {format_plain(score)}"
                                  f" (Hội đồng: {reason})")
        columns[f"{code}_dv"], columns[f"{code}_hd"], columns[code] = unit, council, used
        addend = np.array([ZERO if score is None else score for score in used], dtype=object)
        if code in general:
            chung = chung + addend
        else:
            cu_the = cu_the + addend
    explained = [""] * len(movements)
    for i, lines in changes.items():
        explained[i] = "; ".join(lines)
    return columns, chung.tolist(), cu_the.tolist(), explained


def sum_up(plan: Plan, chung: list[Decimal], cu_the: list[Decimal]) -> list[tuple]:
    """(diem_chung, diem_cu_the, tong_diem, xep_loai, the total described) for each row's raw
    sums, worked out once per distinct pair: equal sums round and read alike (a sum that starts
    from +0 is never -0), and the rows share the resulting objects."""
    done: dict[tuple[Decimal, Decimal], tuple] = {}
    results = []
    for sums in zip(chung, cu_the, strict=True):
        result = done.get(sums)
        if result is None:
            general, specific = round_score(sums[0]), round_score(sums[1])
            total = round_score(sums[0] + sums[1])
            result = done[sums] = (general, specific, total, plan.classify(total),
                                   describe_scores(total, general, specific))
        results.append(result)
    return results


def gate_reasons(discipline: bool | None, kind: str, rating: str, security_gate: bool,
                 antt: bool | None) -> tuple[str, ...]:
    """The gates of SCORING.md in their fixed order; empty when the exemplar may be recognised.
    `rating` is the official's rating code, `security_gate` the movement's setting."""
    reasons = []
    if discipline:
        reasons.append(GATE_DISCIPLINE)
    if kind == INDIVIDUAL and rating in LOW_RATINGS:
        reasons.append(GATE_RATING)
    if kind == COLLECTIVE and security_gate and antt is False:
        reasons.append(GATE_SECURITY)
    return tuple(reasons)


# ---- ordering and ranking --------------------------------------------------------------------
def canonical_order(units: list[str], codes: list[str], sources: list[str], plan: Plan,
                    rows: Iterable[int]) -> list[int]:
    """`rows` (positions in the columns given) in the canonical order, stable: plan unit order,
    then unit code, exemplar code (code points), then source."""
    order = {unit: plan.unit_order(unit) for unit in set(units)}
    return sorted(rows, key=lambda i: (order[units[i]], units[i], codes[i], sources[i]))


def sort_records(records: Iterable[dict], plan: Plan) -> list[dict]:
    """Records in the canonical order (`canonical_order` of their texts)."""
    records = list(records)

    def texts(name: str) -> list[str]:
        return texts_of(row.get(name) for row in records)

    order = canonical_order(texts("ma_don_vi"), texts("ma_dien_hinh"), texts("nguon"), plan,
                            range(len(records)))
    return [records[i] for i in order]


def ranking_key(total: Decimal, general: Decimal, initiatives: int, registered: dt.date | None,
                unit: str, code: str) -> tuple:
    """The tie-break chain: total, general score, initiatives (desc), first registration (asc),
    then unit code and exemplar code (plain code points)."""
    return (-total, -general, -initiatives, registered or _NO_DATE, unit, code)


def rank_key(row: dict) -> tuple:
    return ranking_key(row["tong_diem"], row["diem_chung"], to_int(row.get("so_sang_kien")),
                       to_date(row.get("ngay_dang_ky")), text_of(row.get("ma_don_vi")),
                       text_of(row.get("ma_dien_hinh")))


def group_of(row: dict) -> tuple[str, str]:
    return (text_of(row.get("phong_trao")), text_of(row.get("loai")))


def rank_groups(groups: Sequence[Hashable | None], key: Callable[[int], tuple],
                ) -> tuple[list[int | None], dict]:
    """Ranks 1, 2, … within each group by `key(position)` ascending (None for a position whose
    group is None), and the number of positions ranked per group."""
    members: dict[Hashable, list[int]] = {}
    for i, group in enumerate(groups):
        if group is not None:
            members.setdefault(group, []).append(i)
    ranks: list[int | None] = [None] * len(groups)
    for positions in members.values():
        for rank, i in enumerate(sorted(positions, key=key), 1):
            ranks[i] = rank
    return ranks, {group: len(positions) for group, positions in members.items()}


def rank_records(records: list[dict]) -> tuple[list[int | None], dict[tuple[str, str], int]]:
    """Ranks (None for gated) aligned with `records`, and the number of eligible per group."""
    groups = [group_of(row) if row["du_dieu_kien"] else None for row in records]
    return rank_groups(groups, lambda i: rank_key(records[i]))


def frame_of(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """Records -> frame with object columns (None stays None), bool eligibility, Int64 rank."""
    return frame_of_columns({c: [r.get(c) for r in records] for c in columns}, columns)


_TYPED = {"du_dieu_kien": bool, "hang": "Int64"}  # the score frame's columns not of objects


def frame_of_columns(data: dict[str, list], columns: list[str]) -> pd.DataFrame:
    """`frame_of` from one list of values per column. The object columns are filled into one
    array that becomes the frame's block as it is (building the frame from the lists and then
    converting two columns would copy every column twice: hundreds of MB for a province)."""
    count = len(data[columns[0]]) if columns else 0
    if any(len(data[c]) != count for c in columns):
        raise ValueError("columns of different lengths")
    plain = [c for c in columns if c not in _TYPED]
    values = np.empty((len(plain), count), dtype=object)  # one column per row: as pandas keeps it
    for j, column in enumerate(plain):
        values[j] = np.fromiter(data[column], dtype=object, count=count)
    frame = pd.DataFrame(values.T, columns=plain, dtype=object, copy=False)
    for column in columns:  # in order: each goes in at its final place
        if column in _TYPED:
            frame.insert(columns.index(column), column,
                         pd.array(data[column], dtype=_TYPED[column]) if count
                         else pd.Series([], dtype=_TYPED[column]))
    return frame


# ---- the quarter -----------------------------------------------------------------------------
def explain_quarter(reasons: str, rank: int | None, eligible_in_group: int,
                    group: tuple[str, str], total: str, xep_loai: str, plan: Plan) -> str:
    """Why (not) introduced, in one sentence a leader reads (`total`: `describe_scores`)."""
    klass = describe_class(xep_loai, plan)
    if rank is None:
        return f"Không xếp hạng: {reasons}. Kết quả: {total}; {klass}; không đề xuất."
    head = f"Xếp thứ {rank}/{eligible_in_group} nhóm {group_label(*group)}; {total}; "
    if xep_loai == EXCELLENT:
        return f"{head}{klass} → giới thiệu điển hình."
    return f"{head}{klass}, chưa đạt mức Xuất sắc nên chưa giới thiệu điển hình."


def withdrawn_in(registrations: pd.DataFrame) -> set[tuple[str, str]]:
    """Exemplars withdrawn ('Rút') in the period: never scored (SCORING.md)."""
    return {exemplar_key(unit, code) for unit, code, status in zip(
                column_of(registrations, "ma_don_vi"), column_of(registrations, "ma_dien_hinh"),
                column_of(registrations, "trang_thai"), strict=True)
            if text_of(status) == "Rút"}


def score_period(intake: Intake, plan: Plan) -> pd.DataFrame:
    """The period's `scores` frame (see the module docstring), independent of input row order.

    Built column by column (a province's quarter has 100,000 assessments): every column is a
    list in the canonical order of the rows.
    """
    frame = intake.assessments
    units = texts_of(column_of(frame, "ma_don_vi"))
    codes = texts_of(column_of(frame, "ma_dien_hinh"))
    sources = texts_of(column_of(frame, "nguon"))
    keys = [(unit, code.casefold()) for unit, code in zip(units, codes, strict=True)]
    withdrawn = withdrawn_in(intake.registrations)
    order = canonical_order(units, codes, sources, plan,
                            (i for i, key in enumerate(keys) if key not in withdrawn))

    def take(values: list) -> list:
        return [values[i] for i in order]

    def read(name: str) -> list:
        return take(column_of(frame, name))

    def texts(name: str) -> list[str]:
        return texts_of(read(name))

    units, codes, sources, keys = take(units), take(codes), take(sources), take(keys)
    movements, kinds = texts("phong_trao"), texts("loai")
    council = index_council(intake.council)
    criteria, chung, cu_the, changes = apply_criteria(
        plan, movements, read, [council.get(key, {}) for key in keys])
    results = sum_up(plan, chung, cu_the)
    general, specific, totals, classes, described = (
        [result[n] for result in results] for n in range(5))

    ratings = texts("xep_loai_cb")
    upper = {text: text.upper() for text in set(ratings)}
    ratings = [upper[text] for text in ratings]
    security = {m: movement is not None and movement.security_gate
                for m, movement in ((m, plan.movement(m)) for m in set(movements))}
    discipline = [to_flag(v) for v in read("ky_luat")]
    antt = [to_flag(v) for v in read("antt")]
    joined: dict[tuple[str, ...], str] = {}
    reasons = [joined.setdefault(why, "; ".join(why)) for why in map(
        gate_reasons, discipline, kinds, ratings, map(security.get, movements), antt)]
    initiatives = [to_int(v) for v in read("so_sang_kien")]
    dates = [to_date(v) for v in read("ngay_dang_ky")]

    pairs = list(zip(movements, kinds, strict=True))
    groups = [None if why else group for why, group in zip(reasons, pairs, strict=True)]
    ranks, sizes = rank_groups(groups, lambda i: ranking_key(
        totals[i], general[i], initiatives[i], dates[i], units[i], codes[i]))
    data = {
        "ma_don_vi": units, "ma_dien_hinh": codes, "ten": texts("ten"), "loai": kinds,
        "phong_trao": movements, "diem_chung": general, "diem_cu_the": specific,
        "tong_diem": totals, "xep_loai": classes, "du_dieu_kien": [not why for why in reasons],
        "ly_do": reasons, "hang": ranks,
        "de_xuat": [INTRODUCE if rank is not None and klass == EXCELLENT else ""
                    for rank, klass in zip(ranks, classes, strict=True)],
        "nguon": sources, "so_sang_kien": initiatives, "ngay_dang_ky": dates,
        "xep_loai_cb": [rating or None for rating in ratings],
        "ky_luat": [bool(flag) for flag in discipline], "antt": antt,
        "thanh_tich": texts("thanh_tich"), "ky": [str(intake.period)] * len(order),
        "dieu_chinh": changes,
        "giai_thich": [
            explain_quarter(why, rank, sizes.get(group, 0), group, total, klass, plan)
            for why, rank, group, total, klass in zip(
                reasons, ranks, pairs, described, classes, strict=True)],
        **criteria,
    }
    return frame_of_columns(data, score_columns(plan))
