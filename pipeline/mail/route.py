"""Where one fetched message goes: its identity, its period folder(s) and its file name.

Enters: the plan (or the plans, the one being lived in first), a message's raw bytes, and a
`ReaderPool` (the hardened reader, whose workers read the attached workbooks' covers). Leaves:
`Routed` — the message's identity (Message-ID, or the SHA-256 of its bytes), the unit it comes
from, the periods it belongs to (the covers' periods; when no cover names one, the period
whose submission window holds its `Date`) and the `.eml` name it is saved under (the same
name on every run, so a rerun never doubles it).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.config import Plan
from pipeline.intake.discover import open_email, sender_of, sent_at
from pipeline.intake.frames import cover_period
from pipeline.intake.parse import find_sheet, read_cover
from pipeline.intake.readers import ReaderPool
from pipeline.periods import Period, periods_between
from pipeline.sources import RawBook, UnreadableFile
from pipeline.text import clean
from schemas.sheets import COVER

_ID = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class Routed:
    key: str  # "<message-id>" or "sha256:<hex>"
    sender: str | None
    unit: str  # the plan's unit code, or "" when neither the sender nor a cover names one
    known_sender: bool  # the From address is a unit's registered address
    workbooks: int  # workbook attachments
    periods: tuple[Period, ...]
    sent: dt.datetime | None  # Date, Vietnam time
    file_name: str


def message_key(message_id: str | None, data: bytes | None = None) -> str | None:
    """The identity of a message: its Message-ID (angle brackets kept), else the SHA-256 of
    its bytes (None when the bytes are not known yet)."""
    found = _ID.search(message_id or "")
    if found:
        return f"<{found.group(1)}>"
    if data is None:
        return None
    return "sha256:" + hashlib.sha256(data).hexdigest()


def route(plans: Plan | Sequence[Plan], data: bytes, key: str, pool: ReaderPool) -> Routed:
    """Where a message goes. `plans`: the plan, or the plans a message may belong to, the one
    being lived in first (a late file of the previous plan names that plan's quarter).

    The periods: those the workbooks' covers name, in any of the plans (a cover beats a
    submission window, so a late file sent in the next plan's quarter still goes to its own
    quarter's folder); when no cover names one, the period whose submission window holds the
    day it was sent, in the first plan that has one. The unit: by the sender's address, else a
    cover's unit code, in the first plan holding one of the periods. The attachments are read
    once, whatever the number of plans; only their covers' period and unit are kept."""
    plans = [plans] if isinstance(plans, Plan) else list(plans)
    message = email.message_from_bytes(data, policy=email.policy.default)
    sender = sender_of(message)
    sent = sent_at(message)
    attachments = open_email("thu.eml", data)
    on_covers = [(cover_period(book), _cover_code(book))
              for book in (pool.read_each(attachments) if attachments else ())]
    named = {period for period, _ in on_covers if period is not None}
    periods = [p for p in named if any(plan.covers(p) for plan in plans)]
    chosen = next((plan for plan in plans if any(map(plan.covers, periods))), plans[0])
    if not periods:
        for plan in plans:
            fallback = window_period(plan, sent.date() if sent else None)
            if fallback is not None:
                chosen, periods = plan, [fallback]
                break
    known = _unit_of_sender(chosen, sender)
    unit = known or next(filter(None, (_unit_of_code(chosen, code) for _, code in on_covers)), "")
    return Routed(key=key, sender=sender, unit=unit, known_sender=bool(known),
                  workbooks=len(attachments), periods=tuple(sorted(periods)), sent=sent,
                  file_name=file_name(key, sent, unit))


def window_period(plan: Plan, day: dt.date | None) -> Period | None:
    """The period whose submission window holds `day`: after the previous period's deadline,
    up to and including its own. None when no period of the plan has it (or no date)."""
    if day is None:
        return None
    for period in periods_between(plan.first_period, plan.last_period):
        if plan.deadline(period.previous()) < day <= plan.deadline(period):
            return period
    return None


def file_name(key: str, sent: dt.datetime | None, unit: str) -> str:
    """`2025-10-05_TTKD_3fa2c1d8e0b4.eml`: the date sent, the unit, 12 hex of the identity."""
    day = f"{sent:%Y-%m-%d}" if sent else "khong-ngay"
    return f"{day}_{unit or 'khac'}_{identity_tag(key)}.eml"


def identity_tag(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _unit_of_sender(plan: Plan, sender: str | None) -> str:
    if not sender:
        return ""
    for unit in plan.units:
        if unit.email and unit.email.strip().lower() == sender:
            return unit.code
    return ""


def _cover_code(book: RawBook | UnreadableFile) -> str:
    """The unit code written on a workbook's cover, upper-cased ('' when none is read)."""
    if isinstance(book, UnreadableFile):
        return ""
    covers = find_sheet(book, COVER)
    if not covers:
        return ""
    return clean(read_cover(covers[0][1]).get("ma_don_vi", (None, ""))[0]).upper()


def _unit_of_code(plan: Plan, code: str) -> str:
    return code if code and plan.unit(code) else ""
