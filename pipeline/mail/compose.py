"""Outgoing messages: a reply or a reminder to one unit, built with the standard `email`
package, and the digest that says whether the same content was sent before.

Enters: the Office's address, the unit's address, a subject, a body text, attachments (name,
bytes), and optionally the unit's own message to reply to. Leaves: `Outgoing` — the
`EmailMessage`, its digest (SHA-256 over the body and the attachments' names and content) and
its Message-ID, derived from the digest so that a message resent by a crash-rerun carries the
same Message-ID and mail clients show it once.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import io
import mimetypes
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from pipeline.intake.discover import sender_of

_RE = re.compile(r"^\s*(?:re|tl|trả lời|sv|aw)\s*:\s*", re.IGNORECASE)
# Parts of an Office file that only carry the time it was written: left out of the digest, so
# a report rerun on another day with the same findings is the same content.
_STAMP_PARTS = ("docProps/core.xml",)


@dataclass(frozen=True)
class Original:
    """The unit's own message that a reply answers."""

    message_id: str
    references: str
    subject: str


@dataclass(frozen=True)
class Outgoing:
    kind: str  # "phan-hoi" or "nhac-nop"
    unit: str
    recipient: str
    subject: str
    digest: str
    message: EmailMessage

    @property
    def attachments(self) -> list[str]:
        return [part.get_filename() or "" for part in self.message.iter_attachments()]

    def as_bytes(self) -> bytes:
        return with_subject(self.message.as_bytes(policy=email.policy.SMTP), self.subject)


def build(kind: str, unit: str, sender: str, recipient: str, subject: str, body: str,
          attachments: list[tuple[str, bytes]], original: Original | None = None,
          period: str = "") -> Outgoing:
    body = unicodedata.normalize("NFC", body)
    digest = content_digest(body, attachments)
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = recipient
    if original is not None:
        subject = reply_subject(original.subject) or subject
    message["Subject"] = unicodedata.normalize("NFC", subject)
    message["Date"] = formatdate(localtime=True)
    domain = sender.rsplit("@", 1)[-1].strip(">") or "localhost"
    message["Message-ID"] = f"<dhtt.{kind}.{period}.{unit}.{digest[:20]}@{domain}>"
    if original is not None and original.message_id:
        message["In-Reply-To"] = original.message_id
        message["References"] = " ".join(filter(None, [original.references,
                                                       original.message_id]))
    message["Content-Language"] = "vi"
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    for name, data in attachments:
        kind_, _ = mimetypes.guess_type(name)
        main, sub = (kind_ or "application/octet-stream").split("/", 1)
        message.add_attachment(data, maintype=main, subtype=sub,
                               filename=unicodedata.normalize("NFC", name))
    return Outgoing(kind=kind, unit=unit, recipient=recipient, subject=str(message["Subject"]),
                    digest=digest, message=message)


def with_subject(raw: bytes, subject: str) -> bytes:
    """`raw` with its Subject field re-encoded by `encode_words`. The standard library folds a
    long non-ASCII subject into encoded words with the space between two of them outside both,
    where readers drop it (RFC 2047 §6.2): "tiên tiến" arrived as "tiêntiến"."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    out, skipping = [], False
    for line in lines:
        if skipping and line[:1] in (b" ", b"\t"):
            continue
        skipping = line.lower().startswith(b"subject:")
        if skipping:
            line = b"Subject: " + encode_words(subject).encode("ascii")
        out.append(line)
    return b"\r\n".join(out) + sep + body


def encode_words(text: str, limit: int = 44) -> str:
    """RFC 2047 encoded words of whole words (at most `limit` bytes of UTF-8 each, so that an
    encoded word stays within 75 characters; a longer word alone), every space inside an
    encoded word, one encoded word per folded line."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii() and len(text) < 900:
        return text
    chunks, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(candidate.encode("utf-8")) + 1 > limit:
            chunks.append(current + " ")
            current = word
        else:
            current = candidate
    chunks.append(current)
    encoded = ("=?utf-8?b?" + base64.b64encode(c.encode("utf-8")).decode("ascii") + "?="
               for c in chunks)
    return "\r\n ".join(encoded)


def reply_subject(subject: str) -> str:
    """'Re: <subject>' (one 'Re:', whatever prefixes the unit's client added)."""
    text = " ".join(unicodedata.normalize("NFC", subject or "").split())
    while _RE.match(text):
        text = _RE.sub("", text, count=1)
    return f"Re: {text}" if text else ""


def content_digest(body: str, attachments: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    digest.update(b"body\0" + body.encode("utf-8") + b"\0")
    for name, data in sorted(attachments):
        digest.update(b"file\0" + name.encode("utf-8") + b"\0" + _content_hash(data) + b"\0")
    return digest.hexdigest()


def _content_hash(data: bytes) -> bytes:
    """An Office file's parts less its timestamp part; any other file's bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            digest = hashlib.sha256()
            for info in sorted(package.infolist(), key=lambda i: i.filename):
                if info.filename in _STAMP_PARTS:
                    continue
                digest.update(info.filename.encode() + b"\0" + package.read(info) + b"\0")
            return digest.hexdigest().encode()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return hashlib.sha256(data).hexdigest().encode()


def original_of(data: bytes) -> tuple[Original, str | None]:
    """The fields a reply needs from a saved message, and its sender."""
    message = email.message_from_bytes(data, policy=email.policy.default)

    def text(name: str) -> str:
        try:
            value = message[name]
        except (ValueError, TypeError, IndexError, AttributeError):
            return ""
        return " ".join(str(value).split()) if value is not None else ""

    return (Original(message_id=text("Message-ID"), references=text("References"),
                     subject=text("Subject")), sender_of(message))
