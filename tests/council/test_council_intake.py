"""Returned ballots read like units' files: every row accepted or rejected with a reason, a
Vietnamese finding naming file, sheet and cell (issue 14). Ballots are made by the ballot
writer, filled in with openpyxl as Excel would save them, and read by the hardened reader."""

from __future__ import annotations

import datetime as dt
import unicodedata

from pipeline.council.forms import AGREE, DISAGREE
from pipeline.council.intake import ACCEPTED, REJECTED, SUPERSEDED, manifest_entries, take_ballots
from pipeline.council.tally import count_votes
from pipeline.findings import ERROR
from tests.council.helpers import LIST, MEETING, council, filled, plan_with, read

PLAN = plan_with(council(10, recuse_own_unit=True))
VP, KH, QL = ("VP", "vp-01"), ("KHTC", "kh-02"), ("QLXD", "ql-03")


def take(*files: tuple[str, bytes], plan=PLAN):
    return take_ballots(plan, 2025, MEETING, MEETING, LIST, [read(n, d) for n, d in files])


def codes(intake) -> list[tuple[str, str, str]]:
    return [(f.file, f.cell, f.code) for f in intake.findings]


def test_a_clean_ballot_is_counted_and_the_own_unit_row_is_locked_out():
    # TV03 is of QLXD: its ballot's QL-03 row reads "Không bỏ phiếu", a recused row
    intake = take(("a.xlsx", filled(PLAN, "TV03", {0: AGREE, 1: DISAGREE})))
    ballot = intake.winners["TV03"]
    assert ballot.votes == {VP: AGREE, KH: DISAGREE, QL: None}
    assert [r.fate for r in ballot.rows] == [ACCEPTED] * 3
    assert codes(intake) == []
    assert ballot.day == dt.date(2025, 12, 15)


def test_nfd_text_and_lower_case_opinions_are_read():
    nfd = unicodedata.normalize("NFD", "đồng ý")
    intake = take(("a.xlsx", filled(PLAN, "TV04", {0: nfd, 1: "KHÔNG ĐỒNG Ý", 2: "  đồng  ý "})))
    assert intake.winners["TV04"].votes == {VP: AGREE, KH: DISAGREE, QL: AGREE}
    assert codes(intake) == []


def test_a_value_outside_the_list_is_refused_on_its_cell():
    intake = take(("a.xlsx", filled(PLAN, "TV04", {0: "Có", 1: AGREE})))
    assert codes(intake) == [("a.xlsx", "J5", "C02"), ("a.xlsx", "", "P10")]
    first = intake.findings[0]
    assert first.sheet == "Phiếu bầu" and first.message.startswith("Ô J5: 'Có' không phải")
    rows = intake.winners["TV04"].rows
    assert [r.fate for r in rows] == [REJECTED, ACCEPTED, ACCEPTED]
    assert rows[0].reason == first.message
    # the refused row counts as not voted: VP-01 gets no Đồng ý from TV04
    vote = count_votes(PLAN, 2025, MEETING, LIST, {m: b.votes for m, b in intake.winners.items()})
    assert vote.table.loc[0, "khong_bo_phieu"] == 1


def test_a_row_edited_into_another_exemplars_code():
    # row 2 (KH-02 of KHTC, Trần Văn Minh) edited to VP-01 of VP: the name no longer matches
    data = filled(PLAN, "TV04", {0: DISAGREE, 1: AGREE},
                  edits={(1, "ma_don_vi"): "VP", (1, "ma_dien_hinh"): "VP-01"})
    intake = take(("a.xlsx", data))
    assert codes(intake) == [("a.xlsx", "D6", "P07"), ("a.xlsx", "", "P10")]
    assert "Trần Văn Minh" in intake.findings[0].message
    assert intake.winners["TV04"].votes == {VP: DISAGREE, QL: None}


def test_a_row_copied_over_another_with_a_different_vote_counts_neither():
    data = filled(PLAN, "TV04", {0: DISAGREE, 1: AGREE},
                  edits={(1, "ma_don_vi"): "VP", (1, "ma_dien_hinh"): "VP-01",
                         (1, "ten"): "Nguyễn Thị Hoa", (1, "de_xuat"): None})
    intake = take(("a.xlsx", data))
    assert [c for _, _, c in codes(intake)] == ["P08", "P08", "P10", "P10"]
    assert intake.winners["TV04"].votes == {QL: None}


def test_an_exemplar_not_on_the_list():
    data = filled(PLAN, "TV04", {0: AGREE}, edits={(0, "ma_dien_hinh"): "VP-99",
                                                 (0, "ten"): None})
    intake = take(("a.xlsx", data))
    assert codes(intake)[0] == ("a.xlsx", "C5", "P06")


def test_duplicate_ballots_the_later_date_wins():
    early = filled(PLAN, "TV04", {0: DISAGREE}, day="10/12/2025")
    late = filled(PLAN, "TV04", {0: AGREE}, day=dt.datetime(2025, 12, 16))
    intake = take(("z-first.xlsx", early), ("a-second.xlsx", late))  # names in the other order
    assert intake.winners["TV04"].file.name == "a-second.xlsx"
    assert intake.winners["TV04"].votes[VP] == AGREE
    loser = next(b for b in intake.ballots if b.file.name == "z-first.xlsx")
    assert loser.status == SUPERSEDED and {r.fate for r in loser.rows} == {SUPERSEDED}
    assert ("z-first.xlsx", "", "P05") in codes(intake)
    entries = {e["tep"]: e for e in manifest_entries(intake)}
    for e in entries.values():
        rows = e["so_dong"]
        assert rows["doc"] == rows["tiep_nhan"] + rows["tu_choi"] + rows["bi_thay_the"] == 3


def test_unknown_member_expired_member_and_another_year_are_refused():
    c = PLAN.council
    ended = [m.model_copy(update={"valid_to": dt.date(2025, 6, 30)}) if m.code == "TV05" else m
             for m in c.members]
    plan = plan_with(c.model_copy(update={"members": ended}))
    intake = take(("x.xlsx", filled(PLAN, "TV04", {0: AGREE}, cover={"Mã thành viên": "TV77"})),
                  ("y.xlsx", filled(PLAN, "TV05", {0: AGREE})),
                  ("z.xlsx", filled(PLAN, "TV06", {0: AGREE}, cover={"Năm": 2024})), plan=plan)
    assert [(f, c) for f, _, c in codes(intake) if c != "P04"] == [
        ("x.xlsx", "P01"), ("y.xlsx", "P02"), ("z.xlsx", "P03")]
    assert all(f.severity == ERROR for f in intake.findings if f.code != "P04")
    assert intake.winners == {}
    assert {r.fate for b in intake.ballots for r in b.rows} == {REJECTED}
    y = next(f for f in intake.findings if f.code == "P02")
    assert y.cell == "B6" and "hết nhiệm kỳ từ sau ngày 30/06/2025" in y.message


def test_a_recused_row_with_a_vote_is_refused():
    data = filled(PLAN, "TV03", {2: AGREE})  # TV03 (QLXD) types over the locked QL-03 row
    intake = take(("a.xlsx", data))
    assert codes(intake) == [("a.xlsx", "J7", "P09")]


def test_an_unreadable_file_is_refused_and_the_run_goes_on():
    intake = take(("bad.xlsx", b"not a workbook"), ("a.xlsx", filled(PLAN, "TV04", {0: AGREE})))
    assert ("bad.xlsx", "", "F04") in codes(intake)
    status = {b.file.name: b.status for b in intake.ballots}
    assert status == {"a.xlsx": ACCEPTED, "bad.xlsx": REJECTED}
