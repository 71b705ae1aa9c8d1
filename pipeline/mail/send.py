"""`mail send` and `mail remind`: the period's replies and reminders, reviewed or delivered.

Enters: the plan, a period, the inputs and outputs folders, `MailSettings`, and whether to
send. Replies come from `outputs/<P>/phan-hoi/` (the unit's reply text and annotated
workbooks, found through `manifest.json`), threaded on the unit's own latest message of the
period in `inputs/<P>/`. Leaves: every message as an `.eml` file in `outputs/<P>/thu-gui/`;
with `send`, each delivered over SMTP and recorded (unit, period, digest, server answer, time)
in `outputs/.mail/sent.jsonl`, fsynced before the next is sent. A message whose recipient,
kind, period and digest are already recorded is not sent again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import json
import re
import smtplib
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from pipeline.config import Plan, Unit
from pipeline.intake.discover import is_email, sent_at
from pipeline.mail.compose import Original, Outgoing, build, original_of
from pipeline.mail.errors import connection_error
from pipeline.mail.ledger import Journal, mail_folder, run_lock, write_atomic
from pipeline.mail.remind import reminder, units_due
from pipeline.mail.settings import TIMEOUT, Endpoint, MailError, MailSettings, tls_context
from pipeline.outputs.feedback import feedback_name
from pipeline.periods import Period

REPLY, REMINDER = "phan-hoi", "nhac-nop"
WILL_SEND = "Sẽ gửi (chạy lại với --send để gửi)"
SENT = "Đã gửi"
SENT_BEFORE = "Đã gửi trước đó, không gửi lại"
NO_ADDRESS = "Không gửi: đơn vị chưa có địa chỉ thư (email) trong tệp cấu hình"


@dataclass
class Row:
    unit: Unit
    outgoing: Outgoing | None
    status: str = ""
    answer: str = ""


def replies(plan: Plan, period: Period, inputs: Path, outputs: Path, sender: str) -> list[Row]:
    """One reply per unit with a reply text in outputs/<P>/phan-hoi/, in plan order."""
    folder = outputs / str(period) / "phan-hoi"
    manifest_path = outputs / str(period) / "manifest.json"
    if not folder.is_dir() or not manifest_path.is_file():
        raise MailError(f"Chưa có kết quả tổng hợp kỳ {period} trong '{outputs / str(period)}'; "
                        f"hãy chạy make report PERIOD={period} trước.")
    entries = json.loads(manifest_path.read_text(encoding="utf-8")).get("dau_vao", [])
    rows = []
    for unit in plan.units:
        text_path = folder / f"{unit.code}.txt"
        if not text_path.is_file():
            continue
        body = text_path.read_text(encoding="utf-8")
        mine = [e for e in entries if e.get("ma_don_vi") == unit.code]
        attachments = _workbooks(folder, unit.code, [e["tep"] for e in mine])
        original = _original(inputs / str(period), unit, mine)
        subject = f"Phản hồi báo cáo điển hình tiên tiến {period.label}"
        outgoing = build(REPLY, unit.code, sender, unit.email, subject, body, attachments,
                         original, str(period)) if unit.email else None
        rows.append(Row(unit, outgoing))
    return rows


def reminders(plan: Plan, period: Period, inputs: Path, run_date: dt.date,
              sender: str) -> list[Row]:
    """One reminder per unit valid in the period with no accepted file, in plan order."""
    deadline = plan.deadline(period)
    rows = []
    for due in units_due(plan, period, inputs / str(period), run_date):
        subject, body = reminder(due, period, deadline, run_date)
        unit = due.unit
        outgoing = build(REMINDER, unit.code, sender, unit.email, subject, body, [], None,
                         str(period)) if unit.email else None
        rows.append(Row(unit, outgoing))
    return rows


def deliver(rows: list[Row], period: Period, outputs: Path, settings: MailSettings,
            send: bool) -> list[Row]:
    """Write every message into thu-gui/; with `send`, deliver those not sent before."""
    with run_lock(outputs):
        journal = Journal(mail_folder(outputs) / "sent.jsonl")
        done = {_key(r) for r in journal.records}
        pending = []
        for row in rows:
            out = row.outgoing
            if out is None:
                row.status = NO_ADDRESS
                continue
            name = f"{row.unit.code}.eml" if out.kind == REPLY else f"{out.kind}_{out.unit}.eml"
            write_atomic(outputs / str(period) / "thu-gui" / name, out.as_bytes())
            if _key({"kind": out.kind, "period": str(period), "unit": out.unit,
                     "recipient": out.recipient, "digest": out.digest}) in done:
                row.status = SENT_BEFORE
            else:
                row.status = WILL_SEND
                pending.append(row)
        if send and pending:
            _send_all(pending, period, settings, journal)
    return rows


def _send_all(rows: list[Row], period: Period, settings: MailSettings, journal: Journal) -> None:
    endpoint = settings.need_smtp()
    smtp = connect_smtp(endpoint, settings)
    try:
        for row in rows:
            out = row.outgoing
            try:
                answer = _send_one(smtp, settings.sender, out)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError) as exc:
                row.status = f"Máy chủ từ chối: {_refusal(exc)}"
                _reset(smtp)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                raise connection_error(exc, endpoint, settings) from None
            journal.append({"kind": out.kind, "period": str(period), "unit": out.unit,
                            "recipient": out.recipient, "digest": out.digest,
                            "message_id": str(out.message["Message-ID"]),
                            "subject": out.subject, "attachments": out.attachments,
                            "answer": answer, "at": _now()})
            row.status, row.answer = SENT, answer
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def connect_smtp(endpoint: Endpoint, settings: MailSettings) -> smtplib.SMTP:
    """A connected (and, with a user, logged-in) SMTP session, or MailError."""
    smtp = None
    try:
        if endpoint.security == "tls":
            smtp = smtplib.SMTP_SSL(endpoint.host, endpoint.port, timeout=TIMEOUT,
                                    context=tls_context(settings))
        else:
            smtp = smtplib.SMTP(endpoint.host, endpoint.port, timeout=TIMEOUT)
        if endpoint.security == "starttls":
            smtp.starttls(context=tls_context(settings))
        if endpoint.user:
            _login(smtp, endpoint)
    except MailError:
        raise
    except Exception as exc:  # every failure becomes one line
        if smtp is not None:
            smtp.close()
        raise connection_error(exc, endpoint, settings) from None
    return smtp


def _login(smtp: smtplib.SMTP, endpoint: Endpoint) -> None:
    """AUTH PLAIN when offered (one exchange: a refusal is a clear 535), else smtplib's own
    choice among the mechanisms the server offers."""
    smtp.ehlo_or_helo_if_needed()
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered:
        smtp.login(endpoint.user, endpoint.password)
        return
    smtp.user, smtp.password = endpoint.user, endpoint.password
    smtp.auth("PLAIN", smtp.auth_plain)


def _send_one(smtp: smtplib.SMTP, sender: str, out: Outgoing) -> str:
    """MAIL, RCPT and DATA; the server's answer to DATA (its queue id, usually)."""
    data = out.as_bytes()
    code, text = smtp.mail(_address(sender))
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    code, text = smtp.rcpt(_address(out.recipient))
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({out.recipient: (code, text)})
    code, text = smtp.data(data)  # raises SMTPDataError unless 250
    return f"{code} {text.decode('utf-8', 'replace')}"


def _original(folder: Path, unit: Unit, entries: list[dict]) -> Original | None:
    """The unit's latest message of the period (by Date): one whose attachment the manifest
    gives to the unit, or one sent from the unit's registered address."""
    containers = {e["tep"].split("/", 1)[0] for e in entries if "/" in e.get("tep", "")}
    found = []
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or not path.is_file():
            continue
        data = path.read_bytes()
        if not is_email(data):
            continue
        original, sender = original_of(data)
        mine = path.name in containers or (unit.email and sender == unit.email.lower())
        if mine and original.message_id:
            when = sent_at(email.message_from_bytes(data, policy=email.policy.default))
            found.append((when or dt.datetime.min, path.name, original))
    return max(found, key=lambda f: (f[0], f[1]))[2] if found else None


def _workbooks(folder: Path, code: str, files: list[str]) -> list[tuple[str, bytes]]:
    """The unit's annotated workbooks in phan-hoi/ (feedback_name; "name (2).xlsx" when two
    of its files had the same stem)."""
    wanted = {feedback_name(code, f) for f in files}
    patterns = [re.compile(rf"^{re.escape(Path(n).stem)}(?: \(\d+\))?\.xlsx$") for n in wanted]
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.xlsx"))
            if any(pattern.match(p.name) for pattern in patterns)]


def _key(record: dict) -> tuple:
    return (record.get("kind"), record.get("period"), record.get("unit"),
            record.get("recipient"), record.get("digest"))


def _address(text: str) -> str:
    return parseaddr(text)[1] or text


def _refusal(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    else:
        code, text = exc.smtp_code, exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(str(text).split())}"


def _reset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.rset()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
