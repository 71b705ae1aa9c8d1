"""The council's part of the annual job: ballots read into a vote, the vote's files written.

`take_vote` is pure over the ballots already read (pipeline.run reads the folder with the
hardened reader); `write_vote_files` writes, into the annual output folder being built:
`data/bieu_quyet.csv` (the tally), `data/phieu_bau.csv` (every ballot row and its fate),
`data/loi_phieu_bau.csv` (the ballots' findings), `phieu-bau-manifest.json` and the minutes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from pipeline import model
from pipeline.config import Plan
from pipeline.council.intake import ROW_COLUMNS, manifest_entries, rows_frame, take_ballots
from pipeline.council.members import proposals
from pipeline.council.minutes import write_minutes
from pipeline.council.tally import BIEU_QUYET, VOTE_EXTRA, Vote, count_votes, csv_frame
from pipeline.findings import ERROR, Finding
from pipeline.intake.frames import findings_frame
from pipeline.outputs.manifest import versions
from pipeline.outputs.publish import write_csv, write_json
from pipeline.sources import InputFile, RawBook, UnreadableFile

BALLOTS_OUT = "phieu-bau"  # outputs/<year>/phieu-bau/: the ballots `make ballots` sent out


def ballot_folder(inputs: Path, year: int) -> Path:
    return inputs / f"{year}-hoi-dong"


def take_vote(plan: Plan, report: model.AnnualReport,
              books: list[tuple[InputFile, RawBook | UnreadableFile]],
              found: list[Finding], meeting: dt.date, run_date: dt.date) -> Vote:
    """The returned ballots read, checked and counted against the year's proposals."""
    listed = proposals(report.evaluations)
    intake = take_ballots(plan, report.year, meeting, run_date, listed, books)
    vote = count_votes(plan, report.year, meeting, listed,
                       {m: b.votes for m, b in intake.winners.items()})
    vote.intake = intake
    vote.findings = [*found, *intake.findings]
    return vote


def vote_status(vote: Vote | None) -> int:
    """1 when a ballot has an error (as a unit's file would), else 0."""
    return int(vote is not None and any(f.severity == ERROR for f in vote.findings))


def write_vote_files(plan: Plan, vote: Vote, out: Path, config_name: str = "") -> Path:
    """The vote's data files and the minutes into `out`; returns the minutes' path."""
    data = out / "data"
    write_csv(csv_frame(vote), BIEU_QUYET + VOTE_EXTRA, data / "bieu_quyet.csv")
    write_csv(rows_frame(vote.intake), ROW_COLUMNS, data / "phieu_bau.csv")
    write_csv(findings_frame(plan, vote.findings), model.LOI, data / "loi_phieu_bau.csv")
    write_json({"nam": vote.year, "ngay_hop": vote.meeting.isoformat(),
                "cau_hinh": {"tep": config_name, "sha256": plan.source_hash},
                "phieu_bau": manifest_entries(vote.intake), "phien_ban": versions()},
               out / "phieu-bau-manifest.json")
    return write_minutes(plan, vote, out)


def keep_ballots(previous: Path, out: Path) -> None:
    """The ballots sent out (`make ballots`) survive the annual run's swap of the folder."""
    sent = previous / BALLOTS_OUT
    if sent.is_dir():
        shutil.copytree(sent, out / BALLOTS_OUT)
