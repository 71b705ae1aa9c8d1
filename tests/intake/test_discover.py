"""Discovering a period folder's files and opening saved e-mails into their attachments."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from email.message import EmailMessage

import pytest
import xlsxwriter

from pipeline.findings import Finding
from pipeline.intake.discover import Discovered, discover, is_email, sanitise_name, unique_name

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def make_xlsx(text: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet("Thông tin").write(0, 0, text)
    book.close()
    return out.getvalue()


def make_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def make_email(attachments: list[tuple[str | None, bytes, tuple[str, str]]], **headers) -> bytes:
    message = EmailMessage()
    message["From"] = headers.get("sender", "Phòng Kế hoạch <KeHoach@SoXayDung.PhuTho.gov.vn>")
    message["To"] = "vanphong@soxaydung.phutho.gov.vn"
    message["Subject"] = "Báo cáo điển hình tiên tiến quý II năm 2025"
    message["Date"] = headers.get("date", "Mon, 30 Jun 2025 20:15:00 +0000")
    message.set_content("Kính gửi Văn phòng Sở, đơn vị gửi báo cáo quý II.")
    for filename, content, (maintype, subtype) in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def test_email_attachments_become_named_input_files(tmp_path):
    first, second = make_xlsx("bản 1"), make_xlsx("bản 2")
    eml = make_email(
        [
            ("C:\\Users\\ke toan\\Ba\u0301o ca\u0301o\tquý 2.xlsx", first, XLSX_MIME),
            ("../Báo cáo quý 2.xlsx", second, XLSX_MIME),
            ("Công văn.docx", make_docx(), ("application", "octet-stream")),
            ("Ảnh chụp.pdf", b"%PDF-1.7 ...", ("application", "pdf")),
        ]
    )
    (tmp_path / "thu-ke-hoach.eml").write_bytes(eml)
    found = discover(tmp_path)
    assert [(f.name, f.data, f.submitted, f.sender, f.container) for f in found.files] == [
        (
            "thu-ke-hoach.eml/Báo cáo quý 2.xlsx",
            first,
            dt.datetime(2025, 7, 1, 3, 15),
            "kehoach@soxaydung.phutho.gov.vn",
            "thu-ke-hoach.eml",
        ),
        (
            "thu-ke-hoach.eml/Báo cáo quý 2 (2).xlsx",
            second,
            dt.datetime(2025, 7, 1, 3, 15),
            "kehoach@soxaydung.phutho.gov.vn",
            "thu-ke-hoach.eml",
        ),
    ]
    assert [f.sha256 for f in found.files] == [
        hashlib.sha256(first).hexdigest(),
        hashlib.sha256(second).hexdigest(),
    ]
    assert found.containers == [("thu-ke-hoach.eml", hashlib.sha256(eml).hexdigest())]
    assert found.findings == []


def test_attachments_with_the_same_name_are_made_unique(tmp_path):
    book = make_xlsx("x")
    eml = make_email(
        [
            ("TTKD_Q2.xlsx", book, XLSX_MIME),
            ("ttkd_q2.xlsx", book, XLSX_MIME),
            ("TTKD_Q2.xlsx", book, XLSX_MIME),
            (None, book, ("application", "octet-stream")),  # no name: sniffed as a workbook
        ],
        date="Tue, 01 Jul 2025 09:00:00 +0700",
    )
    (tmp_path / "a.eml").write_bytes(eml)
    found = discover(tmp_path)
    assert [f.name for f in found.files] == [
        "a.eml/TTKD_Q2.xlsx",
        "a.eml/ttkd_q2 (2).xlsx",
        "a.eml/TTKD_Q2 (3).xlsx",
        "a.eml/tệp đính kèm.xlsx",
    ]
    assert {f.submitted for f in found.files} == {dt.datetime(2025, 7, 1, 9, 0)}


def test_an_email_without_a_workbook_gives_f08(tmp_path):
    eml = make_email([("Ảnh chụp.pdf", b"%PDF-1.7 ...", ("application", "pdf"))])
    (tmp_path / "thieu-tep.eml").write_bytes(eml)
    found = discover(tmp_path)
    assert found == Discovered(
        files=[],
        containers=[("thieu-tep.eml", hashlib.sha256(eml).hexdigest())],
        findings=[
            Finding(
                severity="Lỗi",
                unit="",
                file="thieu-tep.eml",
                sheet="",
                cell="",
                code="F08",
                message=(
                    "Thư điện tử không có tệp Excel đính kèm; "
                    "đề nghị đơn vị gửi lại kèm tệp báo cáo."
                ),
            )
        ],
    )


def test_plain_files_are_listed_by_name_skipping_hidden_locks_and_folders(tmp_path):
    (tmp_path / "VP_Q2.xlsx").write_bytes(b"vp")
    (tmp_path / "hoi-dong.xlsx").write_bytes(b"hd")
    (tmp_path / "TTKD_Q2.xls").write_bytes(b"ttkd")
    (tmp_path / ".DS_Store").write_bytes(b"mac")
    (tmp_path / "~$VP_Q2.xlsx").write_bytes(b"lock")
    (tmp_path / "cu").mkdir()
    (tmp_path / "cu" / "VP_Q1.xlsx").write_bytes(b"old")
    (tmp_path / "not-really.eml").write_bytes(b"just some text\nwith lines\n")
    found = discover(tmp_path)
    assert [(f.name, f.data, f.sha256, f.container) for f in found.files] == [
        ("TTKD_Q2.xls", b"ttkd", hashlib.sha256(b"ttkd").hexdigest(), None),
        ("VP_Q2.xlsx", b"vp", hashlib.sha256(b"vp").hexdigest(), None),
        ("hoi-dong.xlsx", b"hd", hashlib.sha256(b"hd").hexdigest(), None),
        (
            "not-really.eml",
            b"just some text\nwith lines\n",
            hashlib.sha256(b"just some text\nwith lines\n").hexdigest(),
            None,
        ),
    ]
    assert found.containers == [] and found.findings == []


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Mon, 30 Jun 2025 17:00:00 +0000", dt.datetime(2025, 7, 1, 0, 0)),
        ("Mon, 30 Jun 2025 23:59:00 +0700", dt.datetime(2025, 6, 30, 23, 59)),
        ("Mon, 30 Jun 2025 12:00:00 -0500", dt.datetime(2025, 7, 1, 0, 0)),
        ("Mon, 30 Jun 2025 17:00:00 -0000", dt.datetime(2025, 7, 1, 0, 0)),  # zone unknown: UTC
        ("hôm qua", None),
    ],
)
def test_the_date_is_taken_in_vietnam_time(tmp_path, date, expected):
    (tmp_path / "m.eml").write_bytes(make_email([("a.xlsx", make_xlsx("a"), XLSX_MIME)], date=date))
    assert [f.submitted for f in discover(tmp_path).files] == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bao cao.xlsx", "bao cao.xlsx"),
        ("/etc/../../Báo cáo.xlsx", "Báo cáo.xlsx"),
        ("..\\..\\Windows\\VP.xls", "VP.xls"),
        ("Ba\u0301o\x00 ca\u0301o\x1b.ods", "Báo cáo.ods"),
        ("...ẩn.xlsx", "ẩn.xlsx"),
        ("", "dự phòng.xlsx"),
        (None, "dự phòng.xlsx"),
        ("/", "dự phòng.xlsx"),
        ("a" * 300 + ".xlsx", "a" * 115 + ".xlsx"),
    ],
)
def test_sanitise_name(raw, expected):
    assert sanitise_name(raw, "dự phòng.xlsx") == expected


def test_unique_name_counts_from_2_before_the_extension():
    taken: set[str] = set()
    names = [unique_name(n, taken) for n in ["a.xlsx", "A.xlsx", "a.xlsx", "a (2).xlsx", "b"]]
    assert names == ["a.xlsx", "A (2).xlsx", "a (3).xlsx", "a (2) (2).xlsx", "b"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"From: a@b.vn\r\nDate: Mon, 30 Jun 2025 17:00:00 +0000\r\n\r\nbody", True),
        (b"Received: from x\r\n\tby y\r\nMIME-Version: 1.0\r\nSubject: s\r\n\r\n", True),
        (b"From a@b.vn Mon Jun 30 17:00:00 2025\nFrom: a@b.vn\nTo: c@d.vn\n\n", True),
        (b"Subject: only one field\n\nbody", False),
        (b"PK\x03\x04From: a\nDate: b\n", False),
        (b"Ma don vi: VP\nTen: Van phong\n", False),
        (b"", False),
    ],
)
def test_is_email_sniffs_the_header_block(data, expected):
    assert is_email(data) is expected
