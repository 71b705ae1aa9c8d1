"""Messages the way units send them, for the mail tests."""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import io
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from pipeline.config import DEFAULT_PLAN, load_plan
from tests.intake.test_readers import ODS_MANIFEST

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "inputs"
PLAN_FILE = DEFAULT_PLAN
PLAN = load_plan(PLAN_FILE)
VN = dt.timezone(dt.timedelta(hours=7))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def address(code: str) -> str:
    return PLAN.unit(code).email


def message(sender: str, attachments: list[tuple[str, bytes]], day: dt.datetime,
            subject: str = "Báo cáo điển hình tiên tiến", message_id: str | None = "auto",
            body: str = "Kính gửi Văn phòng Sở, đơn vị gửi báo cáo.") -> bytes:
    """A message with CRLF line ends (as IMAP stores it), Date in Vietnam's time."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = sender
    msg["To"] = "vanphong.sxd@phutho.gov.vn"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(day.replace(tzinfo=VN))
    if message_id == "auto":
        message_id = f"<{_tag(sender, subject, day, body, *attachments)}@test.invalid>"
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    for name, data in attachments:
        main, sub = (XLSX if name.endswith("x") else "application/octet-stream").split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes()


def forwarded(sender: str, inner: bytes, day: dt.datetime) -> bytes:
    """`inner` forwarded as an attached message (message/rfc822)."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = sender
    msg["To"] = "vanphong.sxd@phutho.gov.vn"
    msg["Subject"] = "Fwd: Báo cáo điển hình tiên tiến"
    msg["Date"] = format_datetime(day.replace(tzinfo=VN))
    msg["Message-ID"] = f"<fwd-{_tag(inner)}@test.invalid>"
    msg.set_content("Chuyển tiếp báo cáo của đơn vị.")
    msg.add_attachment(email.message_from_bytes(inner, policy=email.policy.SMTP))
    return msg.as_bytes()


def sample(name: str, period: str = "2025-Q3") -> bytes:
    return (SAMPLE / period / name).read_bytes()


def ods_cover(unit: str, period: str) -> bytes:
    """An OpenDocument workbook whose cover names `unit` and `period`."""
    rows = [("Mục", "Nội dung"), ("Mã đơn vị", unit), ("Kỳ báo cáo", period),
            ("Ngày lập", "05/07/2025")]
    cells = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p>'
            "</table:table-cell>" for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Thông tin">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", content)
        package.writestr("META-INF/manifest.xml", ODS_MANIFEST.format(extra=""))
    return out.getvalue()


def _tag(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
