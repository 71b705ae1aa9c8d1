"""The file-system edge of intake: the files of a period folder, e-mails opened into attachments."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path, PurePath

from pipeline.findings import ERROR, Finding
from pipeline.intake.readers import sniff
from pipeline.sources import InputFile

VIETNAM = dt.timezone(dt.timedelta(hours=7))
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_NAME = 120  # characters kept of an attachment's name, extension included
_SNIFFED = ("xlsx", "xlsm", "xls", "ods", "encrypted")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")  # RFC 5322 field name: printable ASCII but ':'
_MAIL_FIELDS = {b"from", b"date", b"mime-version", b"to", b"subject", b"message-id", b"received"}
_NO_WORKBOOK = "Thư điện tử không có tệp Excel đính kèm; đề nghị đơn vị gửi lại kèm tệp báo cáo."


@dataclass(frozen=True)
class Discovered:
    files: list[InputFile]  # workbooks to read: plain files, then e-mail attachments in place
    containers: list[tuple[str, str]]  # (e-mail file name, sha256) for the manifest
    findings: list[Finding]


def folder_files(folder: Path) -> list[Path]:
    """The input files of a period folder, by name: regular files, not recursive, hidden and
    ~$lock files skipped; none when the folder does not exist."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir()
                   if not p.name.startswith((".", "~$")) and p.is_file()), key=lambda p: p.name)


def discover(folder: Path) -> Discovered:
    """Every input file of `folder` (`folder_files`), e-mails opened into their attachments."""
    return discover_files(folder_files(folder))


def discover_files(paths: list[Path]) -> Discovered:
    """These files as a period folder's: workbooks as they are, e-mails opened."""
    files: list[InputFile] = []
    containers: list[tuple[str, str]] = []
    findings: list[Finding] = []
    for path in paths:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if not is_email(data):
            files.append(InputFile(name=path.name, data=data, sha256=digest))
            continue
        containers.append((path.name, digest))
        attachments = open_email(path.name, data)
        files.extend(attachments)
        if not attachments:
            findings.append(Finding(ERROR, "", path.name, "", "", "F08", _NO_WORKBOOK))
    return Discovered(files=files, containers=containers, findings=findings)


def is_email(data: bytes) -> bool:
    """Whether the bytes are an RFC 822 message: a header block of mail fields at the start."""
    head = data[:8192].lstrip(b"\r\n")
    lines = head.splitlines()
    if lines and lines[0].startswith(b"From "):  # an mbox separator line
        lines = lines[1:]
    fields = set()
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):  # a folded continuation of the previous field
            continue
        if not _HEADER_LINE.match(line):
            return False
        fields.add(line.split(b":", 1)[0].strip().lower())
    return len(fields & _MAIL_FIELDS) >= 2


def open_email(eml_name: str, data: bytes) -> list[InputFile]:
    """The workbook attachments of one e-mail, named "<eml name>/<sanitised attachment name>"."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    submitted = sent_at(message)
    sender = sender_of(message)
    taken: set[str] = set()
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_payload(decode=True) or b""
        filename = _header_text(part.get_filename)
        kind = sniff(content)
        if kind not in _SNIFFED and not (filename or "").lower().endswith(WORKBOOK_SUFFIXES):
            continue
        name = unique_name(sanitise_name(filename, f"tệp đính kèm.{kind or 'xlsx'}"), taken)
        attachments.append(
            InputFile(
                name=f"{eml_name}/{name}",
                data=content,
                sha256=hashlib.sha256(content).hexdigest(),
                submitted=submitted,
                sender=sender,
                container=eml_name,
            )
        )
    return attachments


def sent_at(message: EmailMessage) -> dt.datetime | None:
    """The e-mail's Date in Vietnam's time (UTC+7), naive; a date without a zone is taken as UTC."""
    try:
        moment = getattr(message["Date"], "datetime", None)
    except (ValueError, TypeError, IndexError, AttributeError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(VIETNAM).replace(tzinfo=None)


def sender_of(message: EmailMessage) -> str | None:
    """The From address, lower case; None when there is none or it cannot be parsed."""
    try:
        addresses = message["From"].addresses if message["From"] is not None else ()
    except (AttributeError, IndexError, ValueError, TypeError):
        return None
    for address in addresses:
        if address.addr_spec and "@" in address.addr_spec:
            return address.addr_spec.strip().lower()
    return None


def sanitise_name(raw: str | None, fallback: str) -> str:
    """A safe file name: base name only, no control characters, NFC, at most MAX_NAME chars."""
    text = unicodedata.normalize("NFC", raw or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = re.sub(r"\s+", " ", text)  # tabs and line breaks become spaces
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = text.strip().lstrip(".").strip()
    if not text:
        text = fallback
    stem, suffix = _split_suffix(text)
    return stem[: MAX_NAME - len(suffix)].rstrip() + suffix


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or "name (2).xlsx", "name (3).xlsx"… so that no two attachments share a name."""
    stem, suffix = _split_suffix(name)
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem} ({number}){suffix}"
    taken.add(candidate.casefold())
    return candidate


def _split_suffix(name: str) -> tuple[str, str]:
    suffix = PurePath(name).suffix
    if not suffix or len(suffix) > 10 or suffix == name:
        return name, ""
    return name[: -len(suffix)], suffix


def _header_text(read: object) -> str | None:
    """A header value, or None when the header is absent or too malformed to decode."""
    try:
        value = read()
    except (ValueError, TypeError, IndexError, AttributeError, LookupError):
        return None
    return None if value is None else str(value)


def top_name(name: str) -> str:
    """The file in the period folder an input came from (an e-mail's, for its attachments)."""
    return name.split("/", 1)[0]


def beside(others: Discovered, mine: Discovered, name: str) -> Discovered:
    """A folder's files with `mine` in place of the file called `name`, in the folder's order."""
    files = sorted([*(f for f in others.files if top_name(f.name) != name), *mine.files],
                   key=lambda f: top_name(f.name))
    return Discovered(
        files=files,
        containers=sorted([*(c for c in others.containers if c[0] != name), *mine.containers]),
        findings=[*(f for f in others.findings if top_name(f.file) != name), *mine.findings])
