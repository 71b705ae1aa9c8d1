"""Small inline builders for the scoring, annual and review tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from pipeline.config import load_plan
from pipeline.model import (
    ACTIVITY_EXTRA,
    ASSESSMENT_BASE,
    COUNCIL,
    DANG_KY,
    DIFFICULTIES,
    GOOD_DEED_EXTRA,
    HOAT_DONG,
    LOI,
    NGUOI_TOT,
    NOP_BAO_CAO,
    REGISTRATION_EXTRA,
    SUBMISSION_EXTRA,
    Intake,
)
from pipeline.periods import Period, parse_period
from pipeline.scoring.score import score_period

PLAN = load_plan()
CRITERIA = [c.code for c in PLAN.all_criteria]
# a full-mark sheet per movement, overridden per test
FULL = {
    "NVCT": {"G1": 20, "G2": 10, "G3": 10, "G4": 5, "G5": 5, "N1": 25, "N2": 15, "N3": 10},
    "HCM": {"G1": 20, "G2": 10, "G3": 10, "G4": 5, "G5": 5, "H1": 15, "H2": 10, "H3": 10,
            "H4": 15},
    "VHCS": {"G1": 20, "G2": 10, "G3": 10, "G4": 5, "G5": 5, "V1": 10, "V2": 10, "V3": 8,
             "V4": 8, "V5": 7, "V6": 7},
}


def marks(movement: str, **scores) -> dict[str, Decimal]:
    """The movement's full marks with some criteria replaced (values given as strings/ints)."""
    base = {**FULL[movement], **scores}
    return {code: Decimal(str(value)) for code, value in base.items()}


def assessment(unit: str, code: str, movement: str = "NVCT", loai: str = "Cá nhân",
               scores: dict | None = None, **extra) -> dict:
    row = {
        "ma_don_vi": unit, "ma_dien_hinh": code, "ten": f"Điển hình {code}", "loai": loai,
        "phong_trao": movement, "ngay_dang_ky": dt.date(2021, 4, 1), "ky": None,
        "so_sang_kien": 0, "xep_loai_cb": None, "ky_luat": False,
        "antt": True if (loai == "Tập thể" and movement == "VHCS") else None,
        "thanh_tich": "", "minh_chung": "", "nguon": f"{unit}.xlsx!Chấm điểm!{code}",
    }
    row.update({c: None for c in CRITERIA})
    row.update(marks(movement) if scores is None else scores)
    row.update(extra)
    return row


def registration(unit: str, code: str, movement: str = "NVCT", loai: str = "Cá nhân",
                 status: str = "Mới", **extra) -> dict:
    row = {
        "ma_don_vi": unit, "ma_dien_hinh": code, "loai": loai, "ten": f"Điển hình {code}",
        "nam_sinh": 1985 if loai == "Cá nhân" else None,
        "gioi_tinh": "Nữ" if loai == "Cá nhân" else None, "chuc_vu": None,
        "phong_trao": movement, "pham_vi": "Toàn diện", "linh_vuc": None,
        "ngay_dang_ky": dt.date(2021, 4, 1), "trang_thai": status,
        "nguon": f"{unit}.xlsx!Đăng ký!{code}", "noi_dung": "Nội dung mô hình đủ hai mươi ký tự",
        "muc_tieu": None, "ky_dang_ky": "2021-Q2",
    }
    row.update(extra)
    return row


def frame(rows, columns) -> pd.DataFrame:
    rows = list(rows)
    extra = [c for r in rows for c in r if c not in columns]
    return pd.DataFrame(rows, columns=list(dict.fromkeys(columns + extra)), dtype=object)


def make_intake(period: str, assessments=(), council=(), registrations=(), good_deeds=(),
                activities=(), submissions=()) -> Intake:
    p = parse_period(period)
    return Intake(
        period=p,
        registrations=frame(registrations, DANG_KY + REGISTRATION_EXTRA),
        assessments=frame([{**a, "ky": str(p)} for a in assessments],
                          ASSESSMENT_BASE + CRITERIA),
        council=frame(council, COUNCIL),
        good_deeds=frame(good_deeds, NGUOI_TOT + GOOD_DEED_EXTRA),
        activities=frame(activities, HOAT_DONG + ACTIVITY_EXTRA),
        submissions=frame(submissions, NOP_BAO_CAO + SUBMISSION_EXTRA),
        difficulties=frame([], DIFFICULTIES),
        findings=frame([], [*LOI, "row"]),
    )


def make_history(intakes: list[Intake], plan=PLAN) -> dict[Period, tuple[Intake, pd.DataFrame]]:
    return {i.period: (i, score_period(i, plan)) for i in intakes}


def nvct_total(total: str) -> dict[str, Decimal]:
    """NVCT marks adding up to `total` (≥ 50): general criteria full, the rest on N1…N3."""
    rest = Decimal(total) - 50
    n1 = min(rest, Decimal(25))
    n2 = min(rest - n1, Decimal(15))
    return marks("NVCT", N1=n1, N2=n2, N3=rest - n1 - n2)
