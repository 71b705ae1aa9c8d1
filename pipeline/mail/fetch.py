"""`mail fetch`: every message of the Office mailbox not imported yet, saved unchanged as an
`.eml` file in `inputs/<period>/`, exactly once.

Enters: the plan, the inputs and outputs folders, `MailSettings`. Leaves: the `.eml` files,
one record per imported message in outputs/.mail/imported.jsonl (the authority on what was
imported), the keyword `$DHTT-Imported` on the server's copy, and a `FetchResult` for the
summary. Per message: the file is written atomically, then the record is appended and fsynced,
then the message is flagged; a crash between any two steps is repaired by the next run (the
file name depends only on the message, so it is never written twice under two names).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError

from pipeline.config import Plan
from pipeline.intake.readers import ReaderPool
from pipeline.mail.errors import connection_error
from pipeline.mail.ledger import Journal, mail_folder, write_atomic
from pipeline.mail.route import Routed, identity_tag, message_key, route
from pipeline.mail.settings import TIMEOUT, Endpoint, MailError, MailSettings, tls_context
from pipeline.periods import Period

KEYWORD = "$DHTT-Imported"
UNKNOWN_NO_WORKBOOK = "Người gửi không phải đơn vị trong kế hoạch và thư không có tệp Excel"
TOO_BIG = "Thư quá lớn ({size} MB, giới hạn {limit} MB)"
NO_PERIOD = "Không xác định được kỳ báo cáo (trang bìa không đọc được, ngày gửi ngoài kế hoạch)"
HEADER_BULK = 200


@dataclass(frozen=True)
class Left:
    """A message left in the mailbox, listed the first time it is seen."""

    reason: str
    sender: str
    subject: str
    date: str


@dataclass
class FetchResult:
    imported: list[Routed] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)  # newly listed this run
    already: int = 0  # messages imported by an earlier run
    seen: int = 0  # messages in the folder
    keywords: bool = True  # the server kept the $DHTT-Imported keyword


Progress = Callable[[int], Callable[[], None]]  # given the count, returns "one more done"


def connect(endpoint: Endpoint, settings: MailSettings) -> BaseMailBox:
    """A logged-in mailbox with the folder selected, or MailError naming what failed."""
    try:
        if endpoint.security == "tls":
            box = MailBox(endpoint.host, endpoint.port, timeout=TIMEOUT,
                          ssl_context=tls_context(settings))
        elif endpoint.security == "starttls":
            box = MailBoxStartTls(endpoint.host, endpoint.port, timeout=TIMEOUT,
                                  ssl_context=tls_context(settings))
        else:
            box = MailBoxUnencrypted(endpoint.host, endpoint.port, timeout=TIMEOUT)
    except Exception as exc:  # every failure becomes one line
        raise connection_error(exc, endpoint, settings) from None
    try:
        if (endpoint.user + endpoint.password).isascii():
            box.login(endpoint.user, endpoint.password, initial_folder=None)
        else:  # LOGIN takes ASCII only: AUTHENTICATE PLAIN carries UTF-8
            box.login_utf8(endpoint.user, endpoint.password, initial_folder=None)
        box.folder.set(endpoint.folder)
    except Exception as exc:
        _close(box)
        raise connection_error(exc, endpoint, settings) from None
    return box


def fetch_mail(plan: Plan | list[Plan], inputs: Path, outputs: Path, settings: MailSettings,
               progress: Progress | None = None) -> FetchResult:
    """`plan`: the plan, or the plans of plans/ (the first one first), when a message may
    belong to a period of any of them (a late file of the previous plan)."""
    endpoint = settings.need_imap()
    imported = Journal(mail_folder(outputs) / "imported.jsonl")
    listed = Journal(mail_folder(outputs) / "left.jsonl")
    box = connect(endpoint, settings)
    try:
        with ReaderPool(workers=1) as pool:
            return _fetch(box, plan, inputs, settings, imported, listed, pool, progress)
    except MailError:
        raise
    except (ImapToolsError, imaplib.IMAP4.error, ConnectionError, TimeoutError, EOFError,
            ssl.SSLError) as exc:
        raise connection_error(exc, endpoint, settings) from None
    finally:
        _close(box)


def _fetch(box: BaseMailBox, plan: Plan | list[Plan], inputs: Path, settings: MailSettings,
           imported: Journal, listed: Journal, pool: ReaderPool,
           progress: Progress | None) -> FetchResult:
    endpoint = settings.imap
    result = FetchResult(keywords=_keywords_allowed(box))
    validity = str(box.folder.status(endpoint.folder, ["UIDVALIDITY"]).get("UIDVALIDITY", ""))
    done_keys = {r["key"] for r in imported.records if r.get("key")}
    done_uids = {(r.get("uidvalidity"), r.get("uid")) for r in imported.records}
    listed_keys = {(r.get("key"), r.get("reason")) for r in listed.records}
    uids = box.uids("ALL")
    result.seen = len(uids)
    heads = list(box.fetch(uid_list=uids, headers_only=True, mark_seen=False,
                           bulk=HEADER_BULK)) if uids else []
    step = progress(len(heads)) if progress else (lambda: None)
    for head in heads:
        key = message_key(_header(head, "message-id"))
        if (key and key in done_keys) or (validity, head.uid) in done_uids:
            result.already += 1
            _mark(box, head, result)
            step()
            continue
        size = head.size_rfc822
        if size > settings.max_bytes:
            reason = TOO_BIG.format(size=_mb(size), limit=_mb(settings.max_bytes))
            _leave(listed, listed_keys, result, key or f"uid:{validity}:{head.uid}", reason, head)
            step()
            continue
        data = _raw(box, head.uid)
        if data is None:  # expunged meanwhile by another client
            step()
            continue
        key = key or message_key(None, data)
        if key in done_keys:  # a copy of a message imported already (same bytes, no Message-ID)
            result.already += 1
            _mark(box, head, result)
            step()
            continue
        routed = route(plan, data, key, pool)
        if not routed.known_sender and not routed.workbooks:
            _leave(listed, listed_keys, result, key, UNKNOWN_NO_WORKBOOK, head)
        elif not routed.periods:
            _leave(listed, listed_keys, result, key, NO_PERIOD, head)
        else:
            for period in routed.periods:
                _save(inputs / str(period), routed, data)
            imported.append({"event": "imported", "key": key, "uidvalidity": validity,
                             "uid": head.uid, "periods": [str(p) for p in routed.periods],
                             "file": routed.file_name, "sender": routed.sender or "",
                             "unit": routed.unit, "at": _now()})
            done_keys.add(key)
            result.imported.append(routed)
            _mark(box, head, result)
            if endpoint.move_to:
                box.move(head.uid, endpoint.move_to)
        step()
    return result


def _save(folder: Path, routed: Routed, data: bytes) -> None:
    """The message's bytes under its name, unless this folder holds it already (under the
    name it had when a crash came between the file and the record)."""
    tag = identity_tag(routed.key)
    if any(folder.glob(f"*_{tag}.eml")) if folder.is_dir() else False:
        return
    write_atomic(folder / routed.file_name, data)


def _leave(listed: Journal, listed_keys: set, result: FetchResult, key: str, reason: str,
           head) -> None:
    if (key, reason) in listed_keys:
        return
    left = Left(reason=reason, sender=head.from_ or "", subject=head.subject or "",
                date=head.date_str or "")
    listed.append({"event": "left", "key": key, "reason": reason, "sender": left.sender,
                   "subject": left.subject, "date": left.date, "at": _now()})
    listed_keys.add((key, reason))
    result.left.append(left)


def _keywords_allowed(box: BaseMailBox) -> bool:
    """Whether the selected folder accepts new keywords (PERMANENTFLAGS holds \\*)."""
    flags = box.client.untagged_responses.get("PERMANENTFLAGS") or []
    text = b" ".join(f for f in flags if isinstance(f, bytes))
    return b"\\*" in text or KEYWORD.encode() in text


def _mark(box: BaseMailBox, head, result: FetchResult) -> None:
    """Flag the server's copy; a server that refuses keywords is passed by (the local record
    is the authority). imap-tools' `flag` would also EXPUNGE the folder: STORE is sent here."""
    if not result.keywords or KEYWORD in head.flags:
        return
    typ, _ = box.client.uid("STORE", head.uid, "+FLAGS", f"({KEYWORD})")
    if typ != "OK":
        result.keywords = False


def _raw(box: BaseMailBox, uid: str) -> bytes | None:
    """The message exactly as the server holds it (BODY.PEEK: the \\Seen flag is left alone)."""
    typ, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid}: {typ}")
    for item in data or ():
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _header(head, name: str) -> str | None:
    values = head.headers.get(name) or ()
    return values[0] if values else None


def _close(box: BaseMailBox) -> None:
    with contextlib.suppress(Exception):  # the connection may already be gone
        box.logout()


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def summary(result: FetchResult) -> dict[tuple[Period, str], int]:
    """Messages imported this run per (period, unit); a message of two periods counts in each."""
    counts: dict[tuple[Period, str], int] = {}
    for routed in result.imported:
        for period in routed.periods:
            counts[(period, routed.unit)] = counts.get((period, routed.unit), 0) + 1
    return dict(sorted(counts.items()))
