"""The frames that pass between stages, named once.

Every frame is a pandas DataFrame with (at least) the columns listed here, in this order.
Scores are decimal.Decimal, dates datetime.date, missing values None. Stages never mutate a
frame they were given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pipeline.config import Plan
from pipeline.periods import Month, Period

# ---- data files (OUTPUTS.md): the leading columns are the contract ---------------------------
DANG_KY = ["ma_don_vi", "ma_dien_hinh", "loai", "ten", "nam_sinh", "gioi_tinh", "chuc_vu",
           "phong_trao", "pham_vi", "linh_vuc", "ngay_dang_ky", "trang_thai", "nguon"]
CHAM_DIEM = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "diem_chung",
             "diem_cu_the", "tong_diem", "xep_loai", "du_dieu_kien", "ly_do", "hang", "de_xuat",
             "nguon"]
NGUOI_TOT = ["ma_don_vi", "ho_ten", "thang", "noi_dung", "de_nghi_tuyen_truyen", "nguon"]
HOAT_DONG = ["ma_don_vi", "ngay", "hinh_thuc", "noi_dung", "so_nguoi", "nguon"]
NOP_BAO_CAO = ["ma_don_vi", "trang_thai", "tep", "ngay_lap"]
LOI = ["muc_do", "ma_don_vi", "tep", "trang_tinh", "o", "ma_loi", "thong_bao"]
DE_XUAT = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "tong_diem", "xep_loai",
           "hang", "de_xuat"]

# ---- extra columns carried after the contract columns ----------------------------------------
# registrations: + noi_dung, muc_tieu, ky_dang_ky (period of first registration, "2024-Q2")
REGISTRATION_EXTRA = ["noi_dung", "muc_tieu", "ky_dang_ky"]
# assessments (accepted 'Chấm điểm' rows of winning files; the input of scoring):
#   ma_don_vi, ma_dien_hinh, ten, loai, phong_trao, ngay_dang_ky, ky (period), so_sang_kien (int),
#   xep_loai_cb (official's rating code or None), ky_luat (bool), antt (bool or None),
#   thanh_tich, minh_chung, nguon, row (Excel row), and one column per criterion code of the
#   plan ("G1", …, "N3") holding the unit's Decimal score or None.
ASSESSMENT_BASE = ["ma_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "ngay_dang_ky", "ky",
                   "so_sang_kien", "xep_loai_cb", "ky_luat", "antt", "thanh_tich", "minh_chung",
                   "nguon"]
# council adjustments accepted for the period
COUNCIL = ["ma_don_vi", "ma_dien_hinh", "tieu_chi", "diem", "ly_do", "nguon"]
# scores: CHAM_DIEM + so_sang_kien, ngay_dang_ky, xep_loai_cb, ky_luat, antt, thanh_tich, ky,
#   "<code>_dv" (unit score) / "<code>_hd" (council score or None) / "<code>" (used) per criterion,
#   dieu_chinh (council changes explained), giai_thich (rank, quota line and why)
SCORE_EXTRA = ["so_sang_kien", "ngay_dang_ky", "xep_loai_cb", "ky_luat", "antt", "thanh_tich",
               "ky", "dieu_chinh", "giai_thich"]
# good deeds: + ngay_nhan (when its file came: e-mail date, else cover date), trung (the
#   `nguon` of each repeat merged into this nomination, a tuple)
GOOD_DEED_EXTRA = ["nam_sinh", "gioi_tinh", "chuc_vu", "ket_qua", "hinh_thuc_khen", "ngay_nhan",
                   "trung"]
ACTIVITY_EXTRA = ["ghi_chu"]
SUBMISSION_EXTRA = ["ten_don_vi", "ngay_nop", "han_nop", "nguoi_gui", "so_loi", "so_canh_bao"]
DIFFICULTIES = ["ma_don_vi", "ten_don_vi", "kho_khan", "de_xuat"]

# proposal strings (SCORING.md), exactly
INTRODUCE = "Giới thiệu điển hình"
GIAY_KHEN = "Đề nghị Giám đốc Sở tặng Giấy khen"
BANG_KHEN = "Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen"
PRAISE = "Biểu dương"
PERIOD_EXEMPLAR = "Điển hình tiêu biểu giai đoạn"
ANNUAL_PROPOSALS = (BANG_KHEN, GIAY_KHEN, PRAISE)  # what the council votes on (issue 14)

# submission statuses
ON_TIME, LATE, MISSING, REJECTED = "Đúng hạn", "Muộn", "Chưa nộp", "Bị từ chối"


@dataclass
class Intake:
    """Everything accepted (and everything found wrong) for one period folder."""

    period: Period
    # DANG_KY + REGISTRATION_EXTRA: active at period end + withdrawn in it
    registrations: pd.DataFrame
    assessments: pd.DataFrame  # ASSESSMENT_BASE + criterion codes
    council: pd.DataFrame  # COUNCIL
    good_deeds: pd.DataFrame  # NGUOI_TOT + GOOD_DEED_EXTRA
    activities: pd.DataFrame  # HOAT_DONG + ACTIVITY_EXTRA
    submissions: pd.DataFrame  # NOP_BAO_CAO + SUBMISSION_EXTRA, every unit expected
    difficulties: pd.DataFrame  # DIFFICULTIES
    findings: pd.DataFrame  # LOI + row (for ordering)
    manifest: dict = field(default_factory=dict)


@dataclass
class PeriodReport:
    """What a quarterly run hands to the writers."""

    plan: Plan
    period: Period
    run_date: dt.date
    intake: Intake
    scores: pd.DataFrame  # CHAM_DIEM + SCORE_EXTRA + per-criterion columns
    previous: PeriodReport | None = None  # the previous quarter, for comparisons


# a month's nominations per unit (`ntvt`): every unit valid at the month's end, plan order
MONTH_UNITS = ["ma_don_vi", "ten_don_vi", "so_de_cu", "so_de_nghi_tuyen_truyen"]


@dataclass
class MonthReport:
    """A month's good people, good deeds (`ntvt MONTH`), from its quarter's files so far."""

    plan: Plan
    month: Month
    run_date: dt.date
    deeds: pd.DataFrame  # NGUOI_TOT + GOOD_DEED_EXTRA: the month's nominations
    units: pd.DataFrame  # MONTH_UNITS
    # NGUOI_TOT + GOOD_DEED_EXTRA: nominations of the quarter's earlier months received after
    # the previous month's list was due (they are in the quarter's list, not in this one)
    late: pd.DataFrame


@dataclass
class AnnualReport:
    """The year's annual evaluation (`annual YEAR`)."""

    plan: Plan
    year: int
    run_date: dt.date
    # DE_XUAT + ma_don_vi order helpers: one row per exemplar evaluated in the year (its latest
    # accepted assessment), with ky (the period used), diem_chung, du_dieu_kien, ly_do,
    # xep_loai_nam_truoc (previous year's annual classification or None), giai_thich
    evaluations: pd.DataFrame
    previous: pd.DataFrame | None  # the previous year's evaluations (same columns) or None
    quarters: list[PeriodReport] = field(default_factory=list)  # the year's quarters with data
    coverage: str = ""  # the quarters the figures lack, one Vietnamese sentence ("" when none)
    # the council's vote on the proposals (pipeline.council.tally.Vote), when its ballots
    # were read (inputs/<year>-hoi-dong/); None: proposals only
    vote: object | None = None


@dataclass
class ReviewReport:
    """A mid-term (so-ket) or final (tong-ket) review over a configured window."""

    plan: Plan
    kind: str  # "so-ket" | "tong-ket"
    title: str
    first: Period
    last: Period
    run_date: dt.date
    counts: pd.DataFrame  # per year × movement × unit (see pipeline.scoring.review)
    deeds: pd.DataFrame  # per year × unit: good deeds and activities counted
    annual: dict[int, pd.DataFrame]  # completed year -> AnnualReport.evaluations
    honourees: pd.DataFrame  # exemplars proposed as PERIOD_EXEMPLAR
    register: pd.DataFrame  # the register of exemplars (sổ theo dõi), one row per exemplar
    history: pd.DataFrame  # the register's events, one row per exemplar × period
    coverage: str = ""  # the quarters the figures lack, one Vietnamese sentence ("" when none)
