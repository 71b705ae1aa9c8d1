"""The council's tally on hand-computed cases: thresholds on the boundary, quorum, recusal,
the Bằng khen fallback (issue 14). Every number below is worked out in the comment beside it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from pipeline.council.forms import AGREE, DISAGREE
from pipeline.council.members import rule_of, share_text
from pipeline.council.tally import FAILED, NO_QUORUM, PASSED, count_votes, csv_frame
from pipeline.model import BANG_KHEN, GIAY_KHEN, PRAISE
from tests.council.helpers import LIST, MEETING, council, listed, plan_with

VP, KH, QL = ("VP", "vp-01"), ("KHTC", "kh-02"), ("QLXD", "ql-03")


def ballots(yes: dict[tuple, int], n_in: int, no: dict[tuple, int] | None = None) -> dict:
    """n_in members TV01… send a ballot; the first yes[key] vote Đồng ý on key, the next
    no[key] Không đồng ý, the rest leave it blank."""
    no = no or {}
    out = {}
    for i in range(1, n_in + 1):
        votes = {}
        for key in (VP, KH, QL):
            y, d = yes.get(key, 0), no.get(key, 0)
            votes[key] = AGREE if i <= y else DISAGREE if i <= y + d else None
        out[f"TV{i:02d}"] = votes
    return out


def row(vote, code: str) -> dict:
    return next(r for r in vote.table.to_dict("records") if r["ma_dien_hinh"] == code)


def test_half_is_not_more_than_half():
    plan = plan_with(council(10))
    # 10 members, all in: Giấy khen 5/10 = 0.5, not > 0.5 → fails; Biểu dương 6/10 → passes
    vote = count_votes(plan, 2025, MEETING, LIST, ballots({KH: 5, QL: 6, VP: 10}, 10))
    kh, ql = row(vote, "KH-02"), row(vote, "QL-03")
    assert (kh["dong_y"], kh["khong_bo_phieu"], kh["thanh_vien"], kh["ty_le"], kh["ket_qua"]) == (
        5, 5, 10, Decimal("0.50"), FAILED)
    assert (ql["dong_y"], ql["ty_le"], ql["ket_qua"], ql["de_xuat_thong_qua"]) == (
        6, Decimal("0.60"), PASSED, PRAISE)


def test_ninety_percent_is_enough_for_bang_khen():
    plan = plan_with(council(10))
    vote = count_votes(plan, 2025, MEETING, LIST, ballots({VP: 9}, 10, {VP: 1}))
    vp = row(vote, "VP-01")  # 9/10 = 0.9 ≥ 0.9
    assert (vp["dong_y"], vp["khong_dong_y"], vp["ty_le"], vp["ket_qua"],
            vp["de_xuat_thong_qua"]) == (9, 1, Decimal("0.90"), PASSED, BANG_KHEN)


@pytest.mark.parametrize(("fallback", "carried"), [(True, GIAY_KHEN), (False, "")])
def test_bang_khen_fallback_to_giay_khen(fallback, carried):
    plan = plan_with(council(10, fallback_to_giay_khen=fallback))
    # 8/10 = 0.8 < 0.9: Bằng khen fails; 0.8 > 0.5: the Giấy khen vote passes
    vote = count_votes(plan, 2025, MEETING, LIST, ballots({VP: 8}, 10))
    vp = row(vote, "VP-01")
    assert (vp["ket_qua"], vp["de_xuat_thong_qua"]) == (FAILED, carried)
    assert ("chuyển thành" in vp["ghi_chu"]) is fallback
    assert len(vote.fallbacks) == int(fallback)


def test_bang_khen_below_giay_khen_rule_goes_nowhere():
    plan = plan_with(council(10))
    vote = count_votes(plan, 2025, MEETING, LIST, ballots({VP: 5}, 10))  # 0.5, not > 0.5
    assert (row(vote, "VP-01")["ket_qua"], row(vote, "VP-01")["de_xuat_thong_qua"]) == (FAILED, "")


@pytest.mark.parametrize(("present", "met"), [(6, True), (5, False)])
def test_quorum_two_thirds_just_met_and_just_missed(present, met):
    plan = plan_with(council(9))
    # 6/9 = 2/3 exactly ≥ 2/3 → met; 5/9 < 2/3 → every row "Chưa đủ số phiếu"
    vote = count_votes(plan, 2025, MEETING, LIST, ballots({VP: 9, KH: 9, QL: 9}, present))
    assert vote.quorum_met is met
    for r in vote.table.to_dict("records"):
        assert r["chua_gui"] == 9 - present
        assert r["dong_y"] + r["khong_dong_y"] + r["khong_bo_phieu"] + r["chua_gui"] == 9
    if met:  # 6/9 = 0.67: Giấy khen, Biểu dương pass; Bằng khen (< 0.9) falls back
        assert list(vote.table["ket_qua"]) == [FAILED, PASSED, PASSED]
        assert list(vote.table["ty_le"]) == [Decimal("0.67")] * 3
    else:
        assert list(vote.table["ket_qua"]) == [NO_QUORUM] * 3
        assert set(vote.table["de_xuat_thong_qua"]) == {""}


@pytest.mark.parametrize(("recuse", "result"), [(True, PASSED), (False, FAILED)])
def test_recusal_leaves_the_member_out_of_the_count(recuse, result):
    plan = plan_with(council(10, recuse_own_unit=recuse))
    # TV01 and TV09 are of VP, TV02 and TV10 of KHTC. KH-02 (KHTC): TV03…TV07 say yes (5),
    # everyone else leaves it blank. Recusal on: TV02 and TV10 are out → 5/8 > 0.5 → passes.
    votes = {f"TV{i:02d}": {KH: AGREE if 3 <= i <= 7 else None} for i in range(1, 11)}
    vote = count_votes(plan, 2025, MEETING, LIST, votes)
    kh = row(vote, "KH-02")
    recused = 2 if recuse else 0
    assert (kh["mien_bieu_quyet"], kh["thanh_vien"], kh["dong_y"], kh["ket_qua"]) == (
        recused, 10 - recused, 5, result)
    assert kh["ty_le"] == (Decimal("0.63") if recuse else Decimal("0.50"))  # 5/8 = 0.625 ↑


def test_member_whose_term_ended_is_not_counted():
    c = council(10)
    ended = [m.model_copy(update={"valid_to": MEETING.replace(month=6, day=30)})
             if m.code == "TV05" else m for m in c.members]
    plan = plan_with(c.model_copy(update={"members": ended}))
    vote = count_votes(plan, 2025, MEETING, LIST, ballots({VP: 9}, 10))
    # 9 members on the meeting date; TV05's vote is never looked at: TV01…TV04, TV06…TV09
    # agreed (8), TV10 left it blank → 8/9 = 0.89 < 0.9
    assert [m.code for m in vote.members] == [f"TV{i:02d}" for i in range(1, 11) if i != 5]
    vp = row(vote, "VP-01")
    assert (vp["thanh_vien"], vp["dong_y"], vp["ty_le"], vp["ket_qua"]) == (
        9, 8, Decimal("0.89"), FAILED)


def test_exact_fractions_not_floats():
    plan = plan_with(council(3, kinds={PRAISE: {"threshold": "2/3", "strict": False}},
                             quorum=1))
    assert rule_of(plan, PRAISE).threshold == Fraction(2, 3)
    # 2/3 ≥ 2/3 exactly (0.6666… in floats compared with 0.67 would fail)
    vote = count_votes(plan, 2025, MEETING, LIST, ballots({QL: 2}, 3))
    assert row(vote, "QL-03")["ket_qua"] == PASSED
    assert share_text(Fraction(2, 3)) == "2/3" and share_text(Fraction(9, 10)) == "90 %"


def test_csv_ratio_has_two_decimals_and_the_order_of_the_list():
    plan = plan_with(council(3, quorum=1))
    frame = listed(("QLXD", "QL-03", "Lê Thị Lan", PRAISE), ("VP", "VP-01", "Hoa", BANG_KHEN))
    vote = count_votes(plan, 2025, MEETING, frame, ballots({QL: 3, VP: 3}, 3))
    out = csv_frame(vote)
    assert list(out["ma_dien_hinh"]) == ["QL-03", "VP-01"]
    assert list(out["ty_le"]) == ["1.00", "1.00"]
