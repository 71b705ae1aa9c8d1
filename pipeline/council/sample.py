"""The sample's returned ballots: `inputs/<year>-hoi-dong/`, deterministic.

In: the plan, the sample's `inputs/` (already generated) and the year. Out: the ballots the
members would send back, made with `ballots.write_ballot` for the year's real proposals and
filled in with openpyxl as a member's Excel would: one member sends none, one abstains on a
row, one sends his ballot twice (the later one changes a vote), one sends it by e-mail, and
some type `đồng ý` in lower case or in decomposed Unicode. With a 7-member council and one
ballot missing no Bằng khen reaches 90 %: they fall back to Giấy khen, as the plan allows.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import tempfile
import unicodedata
import zipfile
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from pathlib import Path

import openpyxl

from pipeline.config import Plan
from pipeline.council import forms
from pipeline.council.ballots import TOP, ballot_name, write_ballot
from pipeline.council.members import proposals, voters
from pipeline.model import PRAISE

VIETNAM = dt.timezone(dt.timedelta(hours=7))
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def write_sample_ballots(plan: Plan, inputs: Path, year: int, meeting: dt.date,
                         seed: int = 2025) -> list[Path]:
    from pipeline.periods import Period
    from pipeline.run import load_scored
    from pipeline.scoring.review import build_annual

    history = load_scored(plan, inputs, Period(year, 4), meeting)
    listed = proposals(build_annual(plan, year, meeting, history).evaluations)
    members = voters(plan, meeting)
    if len(members) < 4 or listed.empty:
        return []
    rng = random.Random(f"{seed}-hoi-dong-{year}")
    folder = inputs / f"{year}-hoi-dong"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    n = len(listed)
    praise = [i for i, k in enumerate(listed["de_xuat"]) if k == PRAISE] or [n - 1]
    refused = praise[len(praise) // 2]  # a Biểu dương three members vote against
    missing = members[-2]  # one member sends nothing
    twice, mailed, abstains = members[2], members[3], members[1]
    written = []
    for k, member in enumerate(members):
        if member is missing:
            continue
        votes = {i: forms.AGREE for i in range(n)}
        if k in (0, 2, 4):
            votes[refused] = forms.DISAGREE
        if member is abstains:
            votes[rng.randrange(n)] = None
        if k == len(members) - 1:  # typed by hand: lower case, decomposed Unicode
            for i in range(0, n, 3):
                votes[i] = unicodedata.normalize("NFD", forms.AGREE.lower())
        day = meeting - dt.timedelta(days=rng.randint(2, 5))
        data = _filled(plan, year, meeting, member, listed, votes, day)
        name = ballot_name(year, member.code)
        if member is twice:  # a first ballot, then a corrected one two days later
            first = dict(votes)
            first[rng.randrange(n)] = forms.DISAGREE
            early = _filled(plan, year, meeting, member, listed, first, day - dt.timedelta(2))
            written.append(_write(folder / name, early))
            name = name.replace(".xlsx", " (gửi lại).xlsx")
        if member is mailed:
            written.append(_write(folder / f"Phiếu bầu {member.name}.eml",
                                  _email(plan, member, data, name, day)))
            continue
        written.append(_write(folder / name, data))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _filled(plan: Plan, year: int, run_date: dt.date, member, listed, votes: dict,
            day: dt.date) -> bytes:
    """A member's ballot as Excel saves it once filled in."""
    with tempfile.TemporaryDirectory(prefix="phieu-mau-") as scratch:
        path = Path(scratch) / "phieu.xlsx"
        write_ballot(plan, year, run_date, member, listed, path)
        book = openpyxl.load_workbook(path)
    cover = book[forms.COVER_NAME]
    for row in cover.iter_rows():
        if row[0].value == "Ngày bỏ phiếu":
            row[1].value = dt.datetime.combine(day, dt.time())
            row[1].number_format = "dd/mm/yyyy"
    sheet = book[forms.BALLOT_NAME]
    column = 1 + [c.key for c in forms.BALLOT.columns].index("y_kien")
    for i, vote in votes.items():
        cell = sheet.cell(TOP + 2 + i, column)
        if cell.value != forms.NO_VOTE:  # a recused row stays as it is
            cell.value = vote
    book.properties.modified = book.properties.created = dt.datetime.combine(day, dt.time())
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed(buffer.getvalue(), day)


def _fixed(data: bytes, day: dt.date) -> bytes:
    """openpyxl stamps the zip entries and the modified date with the clock: pinned to `day`."""
    from pipeline.outputs.documents.render import fixed_zip

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        core = package.read("docProps/core.xml").decode("utf-8")
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                  rf"\g<1>{day.isoformat()}T00:00:00Z\g<2>", core)
    return fixed_zip(data, day, {"docProps/core.xml": core.encode("utf-8")})


def _email(plan: Plan, member, workbook: bytes, attachment: str, day: dt.date) -> bytes:
    sent = dt.datetime.combine(day, dt.time(16, 30), VIETNAM)
    msg = EmailMessage()
    msg["From"] = formataddr((member.name, f"{member.code.lower()}.sxd@phutho.gov.vn"))
    msg["To"] = plan.units[0].email or "vanphong.sxd@phutho.gov.vn"
    msg["Subject"] = f"Phiếu bầu năm {day.year} - {member.name}"
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<phieu-bau-{member.code.lower()}@phutho.gov.vn>"
    msg.set_content("Kính gửi Thư ký Hội đồng,\n\nTôi gửi phiếu bầu đã điền theo tệp đính kèm.\n\n"
                    "Trân trọng./.\n")
    msg.add_attachment(workbook, *XLSX_TYPE, filename=attachment)
    msg.set_boundary(f"==phieu-bau-{member.code}==")
    return msg.as_bytes(policy=SMTP)
