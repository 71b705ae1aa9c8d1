"""Mid-term / final reviews: completed years, honourees, counts, register and its history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from pipeline.model import GIAY_KHEN, PERIOD_EXEMPLAR
from pipeline.periods import Period
from pipeline.scoring.review import (
    ACTIVE,
    COUNTS,
    DEEDS,
    HISTORY,
    HONOUREES,
    REGISTER_BASE,
    WITHDRAWN,
    build_review,
    completed_years,
    period_column,
)
from tests.scoring_helpers import (
    PLAN,
    assessment,
    make_history,
    make_intake,
    nvct_total,
    registration,
)

RUN = dt.date(2023, 7, 15)


def xs(code: str, **extra) -> dict:
    return assessment("VP", code, scores=nvct_total("95"), **extra)


def tot(code: str) -> dict:
    return assessment("VP", code, scores=nvct_total("85"))


@pytest.mark.parametrize(("first", "last", "years"), [
    (Period(2021, 1), Period(2023, 2), [2021, 2022]),
    (Period(2021, 1), Period(2025, 1), [2021, 2022, 2023, 2024]),
    (Period(2021, 1), Period(2021, 4), [2021]),
    (Period(2021, 1), Period(2021, 3), []),
])
def test_completed_years(first, last, years):
    assert completed_years(first, last) == years


def test_configured_windows():
    assert (str(PLAN.reviews["so-ket"].first_period), str(PLAN.reviews["so-ket"].last_period)) == (
        "2021-Q1", "2023-Q2")
    assert PLAN.reviews["so-ket"].min_excellent_years == 2
    assert PLAN.reviews["tong-ket"].min_excellent_years == 3


def so_ket_history():
    regs = [registration("VP", c) for c in "ABC"]
    return make_history([
        make_intake("2021-Q2", [xs("A"), xs("B"), tot("C")], registrations=regs),
        make_intake("2021-Q4", [xs("A"), xs("B"), tot("C")], registrations=regs),
        make_intake("2022-Q4", [xs("A"), tot("B"), xs("C")], registrations=regs),
        make_intake("2023-Q2", [tot("A"), xs("B"), tot("C")], registrations=regs),
        # outside the so-ket window: never used by it
        make_intake("2023-Q4", [xs("B"), xs("C")], registrations=regs),
    ])


def test_honourees_at_the_minimum_of_completed_years():
    review = build_review(PLAN, "so-ket", RUN, so_ket_history())
    assert sorted(review.annual) == [2021, 2022]
    assert list(review.honourees.columns) == HONOUREES
    # A: Xuất sắc 2021 and 2022 → 2 ≥ 2; B: 2021 and the 2023 quarter (2023 not completed) → 1;
    # C: 2022 only → 1
    assert review.honourees.to_dict("records") == [{
        "ma_don_vi": "VP", "ma_dien_hinh": "A", "ten": "Điển hình A", "loai": "Cá nhân",
        "phong_trao": "NVCT", "so_nam_xuat_sac": 2, "nam_xuat_sac": "2021, 2022",
        "trang_thai": ACTIVE, "de_xuat": PERIOD_EXEMPLAR,
        "giai_thich": "Xếp loại Xuất sắc trong 2 năm (2021, 2022), từ 2 năm trở lên → "
                      "Điển hình tiêu biểu giai đoạn.",
    }]


def test_tong_ket_needs_three_years():
    history = so_ket_history()
    history.update(make_history([make_intake("2024-Q4", [xs("C")])]))
    review = build_review(PLAN, "tong-ket", RUN, history)
    assert sorted(review.annual) == [2021, 2022, 2023, 2024]
    # A: 2021, 2022 (2 < 3); B: 2021, 2023; C: 2022, 2023, 2024 → 3
    assert list(review.honourees["ma_dien_hinh"]) == ["C"]
    assert list(review.honourees["nam_xuat_sac"]) == ["2022, 2023, 2024"]


def test_window_end_is_respected_by_annual_of_completed_years():
    review = build_review(PLAN, "so-ket", RUN, so_ket_history())
    assert list(review.annual[2022]["ma_dien_hinh"]) == ["A", "B", "C"]
    assert list(review.annual[2022]["xep_loai"]) == ["Xuất sắc", "Tốt", "Xuất sắc"]


def register_history():
    a, b = registration("VP", "A"), registration("VP", "B")
    renamed = registration("VP", "A", ten="Nguyễn Văn A", trang_thai="Điều chỉnh",
                           nguon="VP-2022.xlsx!Đăng ký!5")
    return make_history([
        make_intake("2021-Q2", [xs("A"), tot("B")], registrations=[a, b]),
        make_intake("2021-Q4", [xs("A")], registrations=[a, b]),
        make_intake("2022-Q4", [xs("A")],
                    registrations=[renamed, registration("VP", "B", status="Rút")],
                    submissions=[{"ma_don_vi": "VP", "trang_thai": "Đúng hạn", "tep": "VP.xlsx",
                                  "ngay_lap": dt.date(2023, 1, 5)}],
                    good_deeds=[{"ma_don_vi": "VP", "ho_ten": "Lê C", "thang": 11,
                                 "noi_dung": "x" * 20, "de_nghi_tuyen_truyen": "Có"},
                                {"ma_don_vi": "VP", "ho_ten": "Lê D", "thang": 12,
                                 "noi_dung": "y" * 20, "de_nghi_tuyen_truyen": "Không"}],
                    activities=[{"ma_don_vi": "KHTC", "ngay": dt.date(2022, 11, 2),
                                 "hinh_thuc": "Tuyên truyền", "noi_dung": "z", "so_nguoi": 30},
                                {"ma_don_vi": "KHTC", "ngay": dt.date(2022, 12, 2),
                                 "hinh_thuc": "Khác", "noi_dung": "w", "so_nguoi": None}]),
    ])


def test_register_rows_and_columns():
    review = build_review(PLAN, "so-ket", RUN, register_history())
    register = review.register
    periods = [Period(2021, q) for q in range(1, 5)] + [Period(2022, q) for q in range(1, 5)] + [
        Period(2023, 1), Period(2023, 2)]
    expected = REGISTER_BASE + [period_column(p, k) for k in periods
                                for p in ("tong_diem", "xep_loai")]
    expected += ["xep_loai_2021", "de_xuat_2021", "xep_loai_2022", "de_xuat_2022"]
    assert list(register.columns) == expected
    a, b = register.to_dict("records")
    assert {k: a[k] for k in REGISTER_BASE} == {
        "ma_don_vi": "VP", "ma_dien_hinh": "A", "ten": "Nguyễn Văn A", "loai": "Cá nhân",
        "gioi_tinh": "Nữ", "nam_sinh": 1985, "phong_trao": "NVCT",
        "ngay_dang_ky": dt.date(2021, 4, 1), "ky_dang_ky": "2021-Q2", "trang_thai": ACTIVE,
        "ky_rut": None, "ngay_rut": None}
    assert (a["tong_diem_2021_q2"], a["xep_loai_2021_q2"]) == (Decimal("95.00"), "Xuất sắc")
    assert (a["tong_diem_2021_q1"], a["xep_loai_2022_q2"]) == (None, None)
    assert (a["xep_loai_2021"], a["de_xuat_2021"]) == ("Xuất sắc", GIAY_KHEN)
    assert a["de_xuat_2022"] == "Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen"
    assert (b["trang_thai"], b["ky_rut"], b["ngay_rut"]) == (WITHDRAWN, "2022-Q4",
                                                            dt.date(2023, 1, 5))
    # B is in 2021's evaluation (withdrawn only in 2022) and absent from 2022's
    assert (b["xep_loai_2021"], b["de_xuat_2021"]) == ("Tốt", "Biểu dương")
    assert (b["xep_loai_2022"], b["de_xuat_2022"]) == (None, None)


def test_history_events():
    review = build_review(PLAN, "so-ket", RUN, register_history())
    assert list(review.history.columns) == HISTORY
    rows = [(r["ma_dien_hinh"], r["ky"], r["su_kien"], r["tong_diem"], r["de_xuat"])
            for r in review.history.to_dict("records")]
    assert rows == [
        ("A", "2021-Q2", "Đăng ký; Chấm điểm", Decimal("95.00"), "Giới thiệu điển hình"),
        ("A", "2021-Q4", "Chấm điểm", Decimal("95.00"), "Giới thiệu điển hình"),
        ("A", "2022-Q4", "Điều chỉnh; Chấm điểm", Decimal("95.00"), "Giới thiệu điển hình"),
        ("B", "2021-Q2", "Đăng ký; Chấm điểm", Decimal("85.00"), ""),
        ("B", "2022-Q4", "Rút", None, None),
    ]


def test_counts_per_year_movement_unit():
    review = build_review(PLAN, "so-ket", RUN, register_history())
    counts = review.counts
    assert list(counts.columns) == COUNTS
    # 9 units exist in 2021–2023 (QLVT and KCHT come in 2025) × 3 movements × 3 years
    assert len(counts) == 9 * 3 * 3
    assert list(counts["ma_don_vi"].iloc[:3]) == ["VP", "TTR", "KHTC"]

    def cell(year):
        row = counts[(counts["nam"] == year) & (counts["phong_trao"] == "NVCT")
                     & (counts["ma_don_vi"] == "VP")]
        return row.iloc[0][COUNTS[3:]].tolist()

    # dang_ky, moi, theo_doi, da_cham, xuat_sac, tot, dat, chua_dat, nam, nu
    assert cell(2021) == [2, 2, 2, 2, 1, 1, 0, 0, 0, 2]
    assert cell(2022) == [2, 0, 1, 1, 1, 0, 0, 0, 0, 1]
    # 2023 (window ends at Q2): nothing listed, A still followed
    assert cell(2023) == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    hcm = counts[(counts["phong_trao"] == "HCM")][COUNTS[3:]].to_numpy()
    assert hcm.sum() == 0


def test_deeds_per_year_unit():
    review = build_review(PLAN, "so-ket", RUN, register_history())
    deeds = review.deeds
    assert list(deeds.columns) == DEEDS
    rows = deeds[deeds["nam"] == 2022].set_index("ma_don_vi")
    assert rows.loc["VP"].tolist() == [2022, 2, 1, 0, 0]
    assert rows.loc["KHTC"].tolist() == [2022, 0, 0, 2, 30]
    assert rows.loc["TTR"].tolist() == [2022, 0, 0, 0, 0]


def test_review_metadata_and_repeatability():
    history = register_history()
    review = build_review(PLAN, "tong-ket", RUN, history)
    assert (review.kind, str(review.first), str(review.last)) == ("tong-ket", "2021-Q1", "2025-Q1")
    assert review.title == PLAN.reviews["tong-ket"].title
    again = build_review(PLAN, "tong-ket", RUN, dict(reversed(list(history.items()))))
    for name in ("counts", "deeds", "honourees", "register", "history"):
        pd.testing.assert_frame_equal(getattr(review, name), getattr(again, name))
