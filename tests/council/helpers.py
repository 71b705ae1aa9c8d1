"""Small councils, proposal lists and filled-in ballots for the council tests."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd

from pipeline.config import Council, CouncilMember, load_plan
from pipeline.council import forms
from pipeline.council.ballots import TOP, write_ballot
from pipeline.intake.readers import read_book
from pipeline.model import BANG_KHEN, GIAY_KHEN, PRAISE
from pipeline.sources import InputFile, UnreadableFile

MEETING = dt.date(2025, 12, 20)
UNITS = ("VP", "KHTC", "QLXD", "QHKT", "PTDT", "QLN", "TTKD", "TTQH", "VP", "KHTC")


def council(n: int = 10, **settings) -> Council:
    """n members TV01… (TV01 Chủ tịch, the last Thư ký), member i of unit UNITS[i]."""
    members = [CouncilMember(code=f"TV{i:02d}", name=f"Thành viên số {i}",
                             role="Chủ tịch" if i == 1 else "Thư ký" if i == n else "Ủy viên",
                             title="Chức vụ", unit=UNITS[(i - 1) % len(UNITS)])
               for i in range(1, n + 1)]
    return Council(members=settings.pop("members", members), **settings)


def plan_with(c: Council):
    return load_plan().model_copy(update={"council": c})


def listed(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """(unit, code, name, proposal) rows as `members.proposals` gives them."""
    return pd.DataFrame([{"ma_don_vi": u, "ma_dien_hinh": c, "ten": n, "loai": "Cá nhân",
                          "phong_trao": "NVCT", "de_xuat": d, "tong_diem": 95,
                          "xep_loai": "Xuất sắc"}
                         for u, c, n, d in rows], dtype=object)


LIST = listed(("VP", "VP-01", "Nguyễn Thị Hoa", BANG_KHEN),
              ("KHTC", "KH-02", "Trần Văn Minh", GIAY_KHEN),
              ("QLXD", "QL-03", "Lê Thị Lan", PRAISE))


def filled(plan, member_code: str, votes: dict[int, object], *, year: int = 2025,
           day: object = "15/12/2025", edits: dict[tuple[int, str], object] | None = None,
           cover: dict[str, object] | None = None, frame: pd.DataFrame = LIST) -> bytes:
    """A member's ballot as written by `write_ballot`, filled in with openpyxl: `votes` by row
    index (0-based), `edits` of other cells by (row index, column key), cover items by label."""
    member = next(m for m in plan.council.members if m.code == member_code)
    with tempfile.TemporaryDirectory() as folder:  # never inside the checkout
        tmp = Path(folder) / f"ballot-{member_code}.xlsx"
        write_ballot(plan, year, MEETING, member, frame, tmp)
        book = openpyxl.load_workbook(tmp)
    sheet = book[forms.BALLOT_NAME]
    keys = [c.key for c in forms.BALLOT.columns]
    for i, vote in votes.items():
        sheet.cell(TOP + 2 + i, 1 + keys.index("y_kien")).value = vote
    for (i, key), value in (edits or {}).items():
        sheet.cell(TOP + 2 + i, 1 + keys.index(key)).value = value
    front = book[forms.COVER_NAME]
    given = {"Ngày bỏ phiếu": day, **(cover or {})}
    for row in front.iter_rows():
        if row[0].value in given:
            row[1].value = given[row[0].value]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(name: str, data: bytes):
    """(file, book) as the reader pool gives them: an UnreadableFile for a bad file."""
    try:
        book = read_book(data)
    except UnreadableFile as failure:
        book = failure
    return InputFile(name, data, "0" * 64), book
