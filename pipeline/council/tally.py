"""The count: each proposal's votes against its kind's threshold, as exact fractions.

In: the plan, the meeting date, the proposals (`members.proposals`) and each member's counted
votes (member code -> exemplar key -> `Đồng ý` / `Không đồng ý` / None for an abstention; a
member without a ballot is absent). Out: a `Vote` — the table `bieu_quyet` (one row per
proposal, in the proposals' order) and what the minutes and documents say about it. Pure.

Per proposal, each member valid on the meeting date falls in exactly one bucket: recused
(`mien_bieu_quyet`: own unit, when the plan recuses; left out of `thanh_vien`), else
`chua_gui` (no ballot), else `dong_y`, `khong_dong_y` or `khong_bo_phieu` (blank, or no valid
row for it). So dong_y + khong_dong_y + khong_bo_phieu + chua_gui = thanh_vien.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd

from pipeline.config import CouncilMember, Plan
from pipeline.council import forms
from pipeline.council.members import Rule, keys_of, ratio, recused, rule_of, voters
from pipeline.model import BANG_KHEN, GIAY_KHEN, AnnualReport
from pipeline.scoring.score import text_of

PASSED, FAILED, NO_QUORUM = "Thông qua", "Không thông qua", "Chưa đủ số phiếu"
# data/bieu_quyet.csv: the columns first, then the ones people read beside them
BIEU_QUYET = ["ma_don_vi", "ma_dien_hinh", "de_xuat", "dong_y", "khong_dong_y",
              "khong_bo_phieu", "chua_gui", "thanh_vien", "ty_le", "ket_qua"]
VOTE_EXTRA = ["ten", "loai", "phong_trao", "mien_bieu_quyet", "dieu_kien", "de_xuat_thong_qua",
              "ghi_chu"]
Key = tuple[str, str]


@dataclass
class Vote:
    """The council's vote on one year's proposals."""

    year: int
    meeting: dt.date
    council: str  # the council's name, from the plan
    members: list[CouncilMember]  # valid on the meeting date, in the plan's order
    present: list[str]  # codes of the members whose ballot is counted
    quorum: Fraction
    table: pd.DataFrame  # BIEU_QUYET + VOTE_EXTRA
    rules: dict[str, Rule]
    recuse: bool
    fallback: bool
    intake: object | None = None  # the BallotIntake it came from, for the data files
    findings: list = field(default_factory=list)

    @property
    def quorum_met(self) -> bool:
        return quorum_met(len(self.present), len(self.members), self.quorum)

    @property
    def fallbacks(self) -> pd.DataFrame:
        """Bằng khen proposals that failed and go on as Giấy khen."""
        t = self.table
        return t.loc[(t["de_xuat"] == BANG_KHEN) & (t["de_xuat_thong_qua"] == GIAY_KHEN)]


def quorum_met(present: int, members: int, quorum: Fraction) -> bool:
    return members > 0 and Fraction(present, members) >= quorum


def count_votes(plan: Plan, year: int, meeting: dt.date, listed: pd.DataFrame,
                ballots: dict[str, dict[Key, str | None]]) -> Vote:
    members = voters(plan, meeting)
    present = [m.code for m in members if m.code in ballots]
    quorum = plan.council.quorum_fraction
    enough = quorum_met(len(present), len(members), quorum)
    fallback = plan.council.fallback_to_giay_khen
    rules = {kind: rule_of(plan, kind) for kind in dict.fromkeys(
        [*(text_of(k) for k in listed["de_xuat"]), GIAY_KHEN])}
    rows = []
    for key, row in zip(keys_of(listed), listed.to_dict("records"), strict=True):
        kind = text_of(row["de_xuat"])
        counts = {"dong_y": 0, "khong_dong_y": 0, "khong_bo_phieu": 0, "chua_gui": 0,
                  "mien_bieu_quyet": 0}
        for m in members:
            if recused(plan, m, key[0]):
                counts["mien_bieu_quyet"] += 1
            elif m.code not in ballots:
                counts["chua_gui"] += 1
            else:
                vote = ballots[m.code].get(key)
                bucket = {forms.AGREE: "dong_y", forms.DISAGREE: "khong_dong_y"}
                counts[bucket.get(vote, "khong_bo_phieu")] += 1
        voting = len(members) - counts["mien_bieu_quyet"]
        rule = rules[kind]
        result, carried, note = _verdict(kind, rule, rules[GIAY_KHEN], counts["dong_y"], voting,
                                         enough, fallback)
        rows.append({"ma_don_vi": text_of(row["ma_don_vi"]),
                     "ma_dien_hinh": text_of(row["ma_dien_hinh"]), "de_xuat": kind,
                     **counts, "thanh_vien": voting, "ty_le": ratio(counts["dong_y"], voting),
                     "ket_qua": result, "ten": text_of(row["ten"]), "loai": text_of(row["loai"]),
                     "phong_trao": text_of(row["phong_trao"]), "dieu_kien": rule.sign,
                     "de_xuat_thong_qua": carried, "ghi_chu": note})
    table = pd.DataFrame(rows, columns=BIEU_QUYET + VOTE_EXTRA, dtype=object)
    return Vote(year, meeting, plan.council.name, members, present, quorum, table, rules,
                plan.council.recuse_own_unit, fallback)


def _verdict(kind: str, rule: Rule, giay_khen: Rule, yes: int, voting: int, enough: bool,
             fallback: bool) -> tuple[str, str, str]:
    """(ket_qua, the proposal carried forward or '', a note)."""
    if not enough:
        return NO_QUORUM, "", ""
    if voting <= 0:
        return FAILED, "", "Không có thành viên nào được biểu quyết."
    if rule.passes(yes, voting):
        return PASSED, kind, ""
    if kind == BANG_KHEN and giay_khen.passes(yes, voting):
        if fallback:
            return FAILED, GIAY_KHEN, (f"Không đạt tỷ lệ Bằng khen ({rule.text}) nhưng đạt tỷ "
                                       f"lệ Giấy khen ({giay_khen.text}): chuyển thành "
                                       f"{GIAY_KHEN}.")
        return FAILED, "", (f"Đạt tỷ lệ Giấy khen ({giay_khen.text}) nhưng theo kế hoạch không "
                            "chuyển đề xuất Bằng khen thành Giấy khen.")
    return FAILED, "", ""


def csv_frame(vote: Vote) -> pd.DataFrame:
    """The table as data/bieu_quyet.csv writes it: ty_le with exactly 2 decimals."""
    return vote.table.assign(ty_le=[f"{v:.2f}" if v is not None else ""
                                    for v in vote.table["ty_le"]])


def voted_report(report: AnnualReport) -> AnnualReport:
    """The report the Tờ trình, the decision and the year's report are written from: each
    proposal replaced by what the council carried (failed ones emptied, fallbacks Giấy khen)."""
    vote = report.vote
    if vote is None:
        return report
    carried = dict(zip(keys_of(vote.table), vote.table["de_xuat_thong_qua"], strict=True))
    evaluations = report.evaluations
    new = [carried.get(k, text_of(d)) for k, d in zip(keys_of(evaluations),
                                                       evaluations["de_xuat"], strict=True)]
    return dataclasses.replace(report, evaluations=evaluations.assign(de_xuat=new))


def statement(vote: Vote) -> str:
    """The sentence documents say about the vote."""
    day = f"{vote.meeting.day:02d}/{vote.meeting.month:02d}/{vote.meeting.year}"
    if not vote.quorum_met:
        return (f"Cuộc biểu quyết của {vote.council} ngày {day} chưa đủ số phiếu "
                f"({len(vote.present)}/{len(vote.members)} thành viên gửi phiếu) nên chưa có "
                "đề xuất nào được thông qua; chưa đề nghị khen thưởng.")
    passed = int((vote.table["ket_qua"] == PASSED).sum())
    moved = len(vote.fallbacks)
    also = (f", {moved} đề xuất Bằng khen không đủ tỷ lệ được chuyển thành Giấy khen"
            if moved else "")
    return (f"Chỉ các đề xuất được {vote.council} biểu quyết thông qua tại cuộc họp ngày "
            f"{day} được đưa vào danh sách đề nghị ({passed}/{len(vote.table)} đề xuất được "
            f"thông qua{also}; {len(vote.present)}/{len(vote.members)} thành viên gửi phiếu; "
            "biên bản họp kèm theo).")
