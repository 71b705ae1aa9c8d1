"""Reminders: which units of a period have no accepted file yet, and what to tell them.

Enters: the plan, the period, its folder in `inputs/` and the run date. Leaves: for each unit
valid in the period without an accepted file (nothing sent, or every file refused), whether it
sent something, and the Vietnamese reminder (subject and body), which says "sắp đến hạn"
until the deadline of the config and "đã quá hạn" after it. The files are judged by the
intake's own first stage (the same acceptance as `report`), read in the hardened reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Plan, Unit
from pipeline.intake.discover import discover
from pipeline.intake.outcome import ACCEPTED
from pipeline.intake.period import ConstraintBatch, open_period
from pipeline.intake.readers import ReaderPool
from pipeline.outputs.feedback import SIGNATURE
from pipeline.periods import Period


@dataclass(frozen=True)
class Due:
    unit: Unit
    refused: bool  # the unit sent files, none of them accepted


def units_due(plan: Plan, period: Period, folder: Path, run_date: dt.date) -> list[Due]:
    """Units valid in `period` (plan order) with no accepted file in `folder`."""
    units = plan.units_for(period)
    sent: set[str] = set()
    accepted: set[str] = set()
    if folder.is_dir():
        found = discover(folder)
        with ReaderPool(workers=1) as pool:
            books = zip(found.files, pool.read_each(found.files), strict=True)
            opened = open_period(plan, period, run_date, books, ConstraintBatch(plan),
                                 found.findings)
        for outcome in opened.outcomes:
            sent.add(outcome.unit)
            if outcome.status == ACCEPTED:
                accepted.add(outcome.unit)
    return [Due(u, u.code in sent) for u in units if u.code not in accepted]


def reminder(due: Due, period: Period, deadline: dt.date, run_date: dt.date) -> tuple[str, str]:
    """(subject, body) of the reminder to one unit."""
    unit = due.unit
    day = f"{deadline:%d/%m/%Y}"
    before = run_date <= deadline
    state = "sắp đến hạn" if before else "đã quá hạn"
    subject = f"Nhắc nộp báo cáo điển hình tiên tiến {period.label} ({state})"
    if due.refused:
        received = (f"Văn phòng Sở Xây dựng đã nhận được tệp của đơn vị (mã đơn vị {unit.code}) "
                    f"nhưng chưa có tệp báo cáo {period.label} về xây dựng điển hình tiên tiến "
                    "nào được tiếp nhận (lý do nêu trong thư phản hồi của Văn phòng Sở).")
    else:
        received = (f"Đến ngày {run_date:%d/%m/%Y}, Văn phòng Sở Xây dựng chưa nhận được báo cáo "
                    f"{period.label} về xây dựng điển hình tiên tiến của đơn vị (mã đơn vị "
                    f"{unit.code}).")
    if before:
        ask = (f"Hạn nộp báo cáo là ngày {day} (sắp đến hạn). Đề nghị đơn vị hoàn thành và gửi "
               "báo cáo theo mẫu trước hạn để Văn phòng Sở kịp tổng hợp.")
    else:
        ask = (f"Hạn nộp báo cáo là ngày {day}, nay đã quá hạn. Đề nghị đơn vị gửi báo cáo theo "
               "mẫu trong thời gian sớm nhất để Văn phòng Sở tổng hợp.")
    lines = [f"Kính gửi: {unit.name}", "", received, "", ask, "",
             "Nếu đơn vị đã gửi báo cáo, xin vui lòng bỏ qua thư này.", "",
             "Trân trọng./.", SIGNATURE, ""]
    return subject, "\n".join(lines)
