"""The year's annual evaluation: latest accepted assessment, withdrawals, quota, Bằng khen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from pipeline.config import Awards
from pipeline.model import BANG_KHEN, DE_XUAT, GIAY_KHEN, PRAISE
from pipeline.scoring.review import ANNUAL, annual_evaluation, build_annual
from tests.scoring_helpers import (
    PLAN,
    assessment,
    make_history,
    make_intake,
    nvct_total,
    registration,
)

D = Decimal


def evaluate(history_intakes, year, plan=PLAN) -> pd.DataFrame:
    return annual_evaluation(plan, year, make_history(history_intakes, plan))


def by_code(frame: pd.DataFrame) -> dict[str, dict]:
    return {r["ma_dien_hinh"]: r for r in frame.to_dict("records")}


def group(n: int, period="2024-Q4", first_total=99) -> list[dict]:
    """n eligible Xuất sắc NVCT individuals of VP, E01 best, totals 99, 98, …"""
    return [assessment("VP", f"E{i:02d}", scores=nvct_total(str(first_total - i + 1)))
            for i in range(1, n + 1)]


def test_columns():
    frame = evaluate([make_intake("2024-Q4", group(1))], 2024)
    assert list(frame.columns) == ANNUAL
    assert ANNUAL[:len(DE_XUAT)] == DE_XUAT
    assert frame["hang"].dtype == "Int64"


@pytest.mark.parametrize(("n", "quota"), [(1, 1), (3, 1), (10, 3), (11, 4)])
def test_giay_khen_quota_edges(n, quota):
    # ⌈0.3 × n⌉: 1 → ⌈0.3⌉ = 1, 3 → ⌈0.9⌉ = 1, 10 → 3 exactly, 11 → ⌈3.3⌉ = 4
    frame = evaluate([make_intake("2024-Q4", group(n))], 2024)
    proposals = list(frame.sort_values("hang")["de_xuat"])
    assert proposals == [GIAY_KHEN] * quota + [PRAISE] * (n - quota)
    assert set(frame["chi_tieu"]) == {quota}
    assert set(frame["so_du_dieu_kien"]) == {n}


def test_quota_line_in_explanation():
    frame = by_code(evaluate([make_intake("2024-Q4", group(7))], 2024))
    assert frame["E02"]["giai_thich"] == (
        "Theo kết quả quý IV năm 2024: tổng 98,00 điểm (chung 50,00 + cụ thể 48,00); "
        "Xuất sắc (từ 90 điểm). Nhóm NVCT – Cá nhân có 7 điển hình đủ điều kiện, chỉ tiêu "
        "Giấy khen 30 % = 3; xếp thứ 2 → trong chỉ tiêu; năm 2023 không có đánh giá nên chưa "
        "đủ hai năm liền Xuất sắc → Đề nghị Giám đốc Sở tặng Giấy khen.")
    assert frame["E04"]["giai_thich"] == (
        "Theo kết quả quý IV năm 2024: tổng 96,00 điểm (chung 50,00 + cụ thể 46,00); "
        "Xuất sắc (từ 90 điểm). Nhóm NVCT – Cá nhân có 7 điển hình đủ điều kiện, chỉ tiêu "
        "Giấy khen 30 % = 3; xếp thứ 4 → ngoài chỉ tiêu → Biểu dương.")


def test_gated_and_lower_classes():
    rows = [
        assessment("VP", "XS", scores=nvct_total("95")),
        assessment("VP", "KL", scores=nvct_total("99"), ky_luat=True),
        assessment("VP", "TOT", scores=nvct_total("85")),
        assessment("VP", "DAT", scores=nvct_total("70")),
    ]
    frame = by_code(evaluate([make_intake("2024-Q4", rows)], 2024))
    assert frame["XS"]["de_xuat"] == GIAY_KHEN and frame["XS"]["hang"] == 1
    assert frame["KL"]["de_xuat"] == "" and pd.isna(frame["KL"]["hang"])
    assert frame["KL"]["giai_thich"] == (
        "Theo kết quả quý IV năm 2024: tổng 99,00 điểm (chung 50,00 + cụ thể 49,00); "
        "Xuất sắc (từ 90 điểm). Không xếp hạng, không đề xuất: đang chịu hình thức kỷ luật.")
    # n = 3 eligible → quota 1; Tốt is praised, Đạt gets nothing
    assert frame["TOT"]["de_xuat"] == PRAISE and frame["TOT"]["hang"] == 2
    assert frame["TOT"]["giai_thich"].endswith(
        "xếp thứ 2 → ngoài chỉ tiêu, chưa đạt mức Xuất sắc → Biểu dương.")
    assert frame["DAT"]["de_xuat"] == ""
    assert frame["DAT"]["giai_thich"].endswith("dưới mức Tốt nên không đề xuất.")


def test_tot_inside_quota_is_only_praised():
    # one eligible exemplar, Tốt: rank 1 ≤ quota 1 but not Xuất sắc → Biểu dương
    frame = evaluate([make_intake("2024-Q4", [assessment("VP", "A", scores=nvct_total("80"))])],
                     2024)
    assert list(frame["de_xuat"]) == [PRAISE]


def test_latest_accepted_assessment_of_the_year_is_used():
    # A: Q3 95, its Q4 row was rejected (absent from scores) → Q3 counts
    # B: Q2 99 then Q4 85 → Q4 counts (latest, even if lower)
    history = [
        make_intake("2024-Q2", [assessment("VP", "A", scores=nvct_total("70")),
                                assessment("VP", "B", scores=nvct_total("99"))]),
        make_intake("2024-Q3", [assessment("VP", "A", scores=nvct_total("95"))]),
        make_intake("2024-Q4", [assessment("VP", "B", scores=nvct_total("85"))]),
        make_intake("2025-Q1", [assessment("VP", "A", scores=nvct_total("60"))]),
    ]
    frame = by_code(evaluate(history, 2024))
    assert (frame["A"]["ky"], frame["A"]["tong_diem"], frame["A"]["xep_loai"]) == (
        "2024-Q3", D("95.00"), "Xuất sắc")
    assert (frame["B"]["ky"], frame["B"]["tong_diem"], frame["B"]["xep_loai"]) == (
        "2024-Q4", D("85.00"), "Tốt")
    assert frame["A"]["giai_thich"].startswith("Theo kết quả quý III năm 2024: tổng 95,00")


def test_withdrawn_by_year_end_excluded_and_reregistered_included():
    history = [
        make_intake("2024-Q1", [assessment("VP", c) for c in ("A", "B", "C", "D")],
                    registrations=[registration("VP", c) for c in ("A", "B", "C", "D")]),
        make_intake("2024-Q3", [assessment("VP", "C")],
                    registrations=[registration("VP", "A", status="Rút"),
                                   registration("VP", "b", status="Rút"),
                                   registration("VP", "C"), registration("VP", "D")]),
        # B comes back in Q4; D withdrawn next year only
        make_intake("2024-Q4", [], registrations=[registration("VP", "B", status="Mới"),
                                                  registration("VP", "C"),
                                                  registration("VP", "D")]),
        make_intake("2025-Q1", [], registrations=[registration("VP", "D", status="Rút")]),
    ]
    frame = evaluate(history, 2024)
    assert list(frame["ma_dien_hinh"]) == ["B", "C", "D"]
    assert list(frame["ky"]) == ["2024-Q1", "2024-Q3", "2024-Q1"]


def test_withdrawn_then_reregistered_next_year_counts_in_that_year_only():
    history = [
        make_intake("2023-Q4", [assessment("VP", "A")], registrations=[registration("VP", "A")]),
        make_intake("2024-Q2", [], registrations=[registration("VP", "A", status="Rút")]),
        make_intake("2025-Q2", [assessment("VP", "A")],
                    registrations=[registration("VP", "A", status="Mới")]),
    ]
    assert list(evaluate(history, 2023)["ma_dien_hinh"]) == ["A"]
    assert evaluate(history, 2024).empty
    frame = evaluate(history, 2025)
    # withdrawn by the end of 2024: not in 2024's evaluation, so no Bằng khen from 2023
    assert list(frame["de_xuat"]) == [GIAY_KHEN]
    assert frame["xep_loai_nam_truoc"].tolist() == [None]


def test_bang_khen_for_two_consecutive_excellent_years_whatever_the_gates_then():
    history = [
        make_intake("2023-Q4", [assessment("VP", "A", ky_luat=True),
                                assessment("VP", "B", scores=nvct_total("85")),
                                assessment("VP", "C")]),
        make_intake("2024-Q4", [assessment("VP", "A"), assessment("VP", "B"),
                                assessment("VP", "C", ky_luat=True)]),
    ]
    frame = by_code(evaluate(history, 2024))
    # n = 2 eligible (A, B) → quota ⌈0.6⌉ = 1; A and B tie on everything: A by code
    assert frame["A"]["de_xuat"] == BANG_KHEN
    assert frame["A"]["xep_loai_nam_truoc"] == "Xuất sắc"
    assert frame["A"]["giai_thich"].endswith(
        "xếp thứ 1 → trong chỉ tiêu; năm 2023 cũng xếp loại Xuất sắc (hai năm liền) → "
        "Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen.")
    assert frame["B"]["de_xuat"] == PRAISE  # outside the quota: Bằng khen needs Giấy khen first
    assert frame["C"]["de_xuat"] == ""  # gated now


def test_previous_year_not_excellent_gives_giay_khen():
    history = [make_intake("2023-Q2", [assessment("VP", "A", scores=nvct_total("89.99"))]),
               make_intake("2024-Q1", [assessment("VP", "A")])]
    row = evaluate(history, 2024).to_dict("records")[0]
    assert (row["de_xuat"], row["xep_loai_nam_truoc"]) == (GIAY_KHEN, "Tốt")
    assert row["giai_thich"].endswith(
        "năm 2023 xếp loại Tốt nên chưa đủ hai năm liền Xuất sắc → "
        "Đề nghị Giám đốc Sở tặng Giấy khen.")


def test_consecutive_rule_across_a_missing_year():
    # Xuất sắc in 2022 and 2024 but no data at all for 2023: no Bằng khen in 2024
    history = [make_intake("2022-Q4", [assessment("VP", "A")]),
               make_intake("2024-Q4", [assessment("VP", "A")])]
    row = evaluate(history, 2024).to_dict("records")[0]
    assert (row["de_xuat"], row["xep_loai_nam_truoc"]) == (GIAY_KHEN, None)
    report = build_annual(PLAN, 2024, dt.date(2025, 1, 20), make_history(history))
    assert report.previous is None
    assert list(report.evaluations["de_xuat"]) == [GIAY_KHEN]


def test_htxsnv_rule():
    plan = PLAN.model_copy(update={"awards": Awards(giay_khen_quota=1, bang_khen_rule="htxsnv")})
    history = [
        make_intake("2023-Q4", [assessment("VP", c, xep_loai_cb=r) for c, r in
                                (("A", "HTXSNV"), ("B", "HTTNV"), ("C", "HTXSNV"))]),
        make_intake("2024-Q4", [assessment("VP", "A", xep_loai_cb="HTXSNV"),
                                assessment("VP", "B", xep_loai_cb="HTXSNV"),
                                assessment("VP", "C", xep_loai_cb="HTTNV")]),
    ]
    frame = by_code(evaluate(history, 2024, plan))
    assert [frame[c]["de_xuat"] for c in "ABC"] == [BANG_KHEN, GIAY_KHEN, GIAY_KHEN]
    assert frame["A"]["giai_thich"].endswith(
        "xếp loại HTXSNV hai năm liền (2023 và 2024) → Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen.")
    assert frame["B"]["giai_thich"].endswith(
        "chưa đủ hai năm liền HTXSNV (năm 2023: HTTNV, năm 2024: HTXSNV) → "
        "Đề nghị Giám đốc Sở tặng Giấy khen.")
    assert frame["A"]["xep_loai_cb_nam_truoc"] == "HTXSNV"


def test_rerank_on_the_annual_set():
    # Q4 alone would rank B first; over the year A's Q4 row is missing, so its Q3 95 counts
    history = [
        make_intake("2024-Q3", [assessment("VP", "A", scores=nvct_total("97")),
                                assessment("VP", "B", scores=nvct_total("96"))]),
        make_intake("2024-Q4", [assessment("VP", "B", scores=nvct_total("92"))]),
    ]
    frame = by_code(evaluate(history, 2024))
    assert (frame["A"]["hang"], frame["B"]["hang"]) == (1, 2)
    assert (frame["A"]["de_xuat"], frame["B"]["de_xuat"]) == (GIAY_KHEN, PRAISE)


def test_build_annual_attaches_previous_year_and_quarters():
    history = make_history([make_intake("2023-Q4", [assessment("VP", "A")]),
                            make_intake("2024-Q2", [assessment("VP", "A")]),
                            make_intake("2024-Q4", [assessment("VP", "A")])])
    report = build_annual(PLAN, 2024, dt.date(2025, 1, 20), history)
    assert report.year == 2024 and report.run_date == dt.date(2025, 1, 20)
    assert list(report.previous["ma_dien_hinh"]) == ["A"]
    assert list(report.evaluations["de_xuat"]) == [BANG_KHEN]
    assert [str(q.period) for q in report.quarters] == ["2024-Q2", "2024-Q4"]
    assert report.quarters[1].previous is report.quarters[0]


def test_later_years_never_change_a_year():
    base = [make_intake("2024-Q4", group(4))]
    later = [*base, make_intake("2025-Q1", group(4, first_total=80),
                                registrations=[registration("VP", "E01", status="Rút")])]
    pd.testing.assert_frame_equal(evaluate(base, 2024), evaluate(later, 2024))
