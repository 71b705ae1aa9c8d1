"""Scoring one period (SCORING.md): council overrides, totals, classification, gates, ranks.

Pure functions, no IO. The entry point is `score_period(intake, plan)`; the helpers that do not
depend on a quarter (ranking, quota, wording) are shared with `pipeline.review`.

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
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import lru_cache

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
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def to_int(value: object, default: int | None = 0) -> int | None:
    number = to_decimal(value)
    return default if number is None else int(number)


def text_of(value: object) -> str:
    if type(value) is str:
        return _clean_text(value)
    return "" if is_missing(value) else clean(value)


@lru_cache(maxsize=2**16)
def _clean_text(value: str) -> str:
    """`clean` of a string, remembered: the same codes and names are read again and again."""
    return clean(value)


def round_score(value: Decimal) -> Decimal:
    """Half-up to 2 decimals: 89.995 -> 90.00."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_score(value: Decimal) -> str:
    """A rounded score as a Vietnamese reader sees it, always 2 decimals: '92,50'."""
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


def quota_percent(quota: float) -> str:
    return vn_number(Decimal(str(quota)) * 100, 2)


def group_label(movement: str, kind: str) -> str:
    return f"{movement} – {kind}"


def describe_class(xep_loai: str, plan: Plan) -> str:
    """'Xuất sắc (từ 90 điểm)', 'Tốt (từ 80 đến dưới 90 điểm)', 'Chưa đạt (dưới 65 điểm)'."""
    t = plan.thresholds
    bounds = {
        EXCELLENT: f"từ {vn_number(t.xuat_sac)} điểm",
        GOOD: f"từ {vn_number(t.tot)} đến dưới {vn_number(t.xuat_sac)} điểm",
        PASSED: f"từ {vn_number(t.dat)} đến dưới {vn_number(t.tot)} điểm",
        FAILED: f"dưới {vn_number(t.dat)} điểm",
    }
    return f"{xep_loai} ({bounds[xep_loai]})"


def describe_total(row: dict) -> str:
    return (f"tổng {format_score(row['tong_diem'])} điểm (chung {format_score(row['diem_chung'])}"
            f" + cụ thể {format_score(row['diem_cu_the'])})")


# ---- criteria, council, totals ---------------------------------------------------------------
def criterion_columns(plan: Plan) -> list[str]:
    return [name for c in plan.all_criteria for name in (f"{c.code}_dv", f"{c.code}_hd", c.code)]


def score_columns(plan: Plan) -> list[str]:
    return CHAM_DIEM + SCORE_EXTRA + criterion_columns(plan)


def exemplar_key(unit: object, code: object) -> tuple[str, str]:
    """Exemplar codes compare ignoring case and surrounding spaces (TEMPLATE.md)."""
    return (text_of(unit), text_of(code).casefold())


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


def apply_criteria(row: dict, adjustments: dict[str, tuple], plan: Plan) -> dict:
    """Per-criterion unit / council / used scores, the raw sums and the council's explanation."""
    own = {c.code for c in plan.criteria_of(text_of(row.get("phong_trao")))}
    general = {c.code for c in plan.general_criteria}
    out: dict = {}
    changes = []
    chung = cu_the = Decimal(0)
    for crit in plan.all_criteria:
        code = crit.code
        unit = to_decimal(row.get(code)) if code in own else None
        council = adjustments.get(code) if code in own else None
        council_score = council[0] if council else None
        used = unit if council_score is None else council_score
        out[f"{code}_dv"], out[f"{code}_hd"], out[code] = unit, council_score, used
        if council:
            changes.append(f"{code}: {format_plain(unit)} → {format_plain(council[0])}"
                           f" (Hội đồng: {council[1]})")
        if used is not None:
            if code in general:
                chung += used
            else:
                cu_the += used
    out["_chung"], out["_cu_the"], out["dieu_chinh"] = chung, cu_the, "; ".join(changes)
    return out


def gate_reasons(row: dict, plan: Plan) -> list[str]:
    """The gates of SCORING.md in their fixed order; empty when the exemplar may be recognised."""
    reasons = []
    if to_flag(row.get("ky_luat")):
        reasons.append(GATE_DISCIPLINE)
    kind = text_of(row.get("loai"))
    if kind == INDIVIDUAL and text_of(row.get("xep_loai_cb")).upper() in LOW_RATINGS:
        reasons.append(GATE_RATING)
    movement = plan.movement(text_of(row.get("phong_trao")))
    if (kind == COLLECTIVE and movement is not None and movement.security_gate
            and to_flag(row.get("antt")) is False):
        reasons.append(GATE_SECURITY)
    return reasons


def score_row(row: dict, adjustments: dict[str, tuple], plan: Plan, period: str) -> dict:
    """One assessment -> one scores record (without rank, proposal and explanation)."""
    criteria = apply_criteria(row, adjustments, plan)
    chung, cu_the = criteria.pop("_chung"), criteria.pop("_cu_the")
    total = round_score(chung + cu_the)
    reasons = gate_reasons(row, plan)
    return {
        "ma_don_vi": text_of(row.get("ma_don_vi")),
        "ma_dien_hinh": text_of(row.get("ma_dien_hinh")),
        "ten": text_of(row.get("ten")),
        "loai": text_of(row.get("loai")),
        "phong_trao": text_of(row.get("phong_trao")),
        "diem_chung": round_score(chung),
        "diem_cu_the": round_score(cu_the),
        "tong_diem": total,
        "xep_loai": plan.classify(total),
        "du_dieu_kien": not reasons,
        "ly_do": "; ".join(reasons),
        "hang": None,
        "de_xuat": "",
        "nguon": text_of(row.get("nguon")),
        "so_sang_kien": to_int(row.get("so_sang_kien")),
        "ngay_dang_ky": to_date(row.get("ngay_dang_ky")),
        "xep_loai_cb": text_of(row.get("xep_loai_cb")).upper() or None,
        "ky_luat": bool(to_flag(row.get("ky_luat"))),
        "antt": to_flag(row.get("antt")),
        "thanh_tich": text_of(row.get("thanh_tich")),
        "ky": period,
        "giai_thich": "",
        **criteria,
    }


# ---- ordering and ranking --------------------------------------------------------------------
def canonical_key(row: dict, plan: Plan) -> tuple:
    """Plan unit order, then exemplar code (code points), then source, for a stable order."""
    return (plan.unit_order(text_of(row.get("ma_don_vi"))), text_of(row.get("ma_don_vi")),
            text_of(row.get("ma_dien_hinh")), text_of(row.get("nguon")))


def sort_records(records: Iterable[dict], plan: Plan) -> list[dict]:
    return sorted(records, key=lambda r: canonical_key(r, plan))


def rank_key(row: dict) -> tuple:
    """The tie-break chain: total, general score, initiatives (desc), first registration (asc),
    then unit code and exemplar code (plain code points)."""
    return (-row["tong_diem"], -row["diem_chung"], -to_int(row.get("so_sang_kien")),
            to_date(row.get("ngay_dang_ky")) or _NO_DATE,
            text_of(row.get("ma_don_vi")), text_of(row.get("ma_dien_hinh")))


def group_of(row: dict) -> tuple[str, str]:
    return (text_of(row.get("phong_trao")), text_of(row.get("loai")))


def rank_records(records: list[dict]) -> tuple[list[int | None], dict[tuple[str, str], int]]:
    """Ranks (None for gated) aligned with `records`, and the number of eligible per group."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(records):
        if row["du_dieu_kien"]:
            groups.setdefault(group_of(row), []).append(i)
    ranks: list[int | None] = [None] * len(records)
    for members in groups.values():
        for position, i in enumerate(sorted(members, key=lambda i: rank_key(records[i])), 1):
            ranks[i] = position
    return ranks, {group: len(members) for group, members in groups.items()}


def frame_of(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """Records -> frame with object columns (None stays None), bool eligibility, Int64 rank."""
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in records], columns=columns,
                         dtype=object)
    return frame.astype({"du_dieu_kien": bool, "hang": "Int64"})


# ---- the quarter -----------------------------------------------------------------------------
def explain_quarter(row: dict, eligible_in_group: int, plan: Plan) -> str:
    """Why (not) introduced, in one sentence a leader reads."""
    total = describe_total(row)
    klass = describe_class(row["xep_loai"], plan)
    if not row["du_dieu_kien"]:
        return f"Không xếp hạng: {row['ly_do']}. Kết quả: {total}; {klass}; không đề xuất."
    head = (f"Xếp thứ {row['hang']}/{eligible_in_group} nhóm "
            f"{group_label(*group_of(row))}; {total}; ")
    if row["xep_loai"] == EXCELLENT:
        return f"{head}{klass} → giới thiệu điển hình."
    return f"{head}{klass}, chưa đạt mức Xuất sắc nên chưa giới thiệu điển hình."


def withdrawn_in(registrations: pd.DataFrame) -> set[tuple[str, str]]:
    """Exemplars withdrawn ('Rút') in the period: never scored (SCORING.md)."""
    def column(name: str) -> list:
        return registrations[name].tolist() if name in registrations else [None] * len(
            registrations)

    return {exemplar_key(unit, code) for unit, code, status in zip(
                column("ma_don_vi"), column("ma_dien_hinh"), column("trang_thai"), strict=True)
            if text_of(status) == "Rút"}


def score_period(intake: Intake, plan: Plan) -> pd.DataFrame:
    """The period's `scores` frame (see the module docstring), independent of input row order."""
    council = index_council(intake.council)
    withdrawn = withdrawn_in(intake.registrations)
    period = str(intake.period)
    records = [
        score_row(row, council.get(key, {}), plan, period)
        for row in sort_records(intake.assessments.to_dict("records"), plan)
        if (key := exemplar_key(row.get("ma_don_vi"), row.get("ma_dien_hinh"))) not in withdrawn
    ]
    ranks, sizes = rank_records(records)
    for row, rank in zip(records, ranks, strict=True):
        row["hang"] = rank
        row["de_xuat"] = INTRODUCE if rank is not None and row["xep_loai"] == EXCELLENT else ""
        row["giai_thich"] = explain_quarter(row, sizes.get(group_of(row), 0), plan)
    return frame_of(records, score_columns(plan))
