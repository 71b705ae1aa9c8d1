"""Mail settings: the environment wins, secrets only from it, plain only on loopback; and the
report over fetched mail equals the report over the same workbooks."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

from pipeline import run
from pipeline.mail.fetch import fetch_mail
from pipeline.mail.settings import MailError, is_loopback, load_settings
from pipeline.periods import Period
from tests.mail.mailservers import start_dovecot
from tests.mail.mailtools import PLAN, ROOT, SAMPLE, address, message

BASE = {"DHTT_IMAP_HOST": "mail.phutho.gov.vn", "DHTT_IMAP_USER": "vanphong",
        "DHTT_IMAP_PASSWORD": "bí-mật-123"}


def test_defaults_and_the_environment_over_the_file(tmp_path):
    path = tmp_path / "mail.toml"
    path.write_text('[imap]\nhost = "tep.example.vn"\nfolder = "Bao cao"\nsecurity = "starttls"\n'
                    '[mail]\nfrom = "vp@phutho.gov.vn"\nmax_size_mb = 10\n', encoding="utf-8")
    settings = load_settings(env=BASE, path=path)
    imap = settings.imap
    assert (imap.host, imap.port, imap.security, imap.folder) == (
        "mail.phutho.gov.vn", 143, "starttls", "Bao cao")
    assert settings.sender == "vp@phutho.gov.vn" and settings.max_bytes == 10 * 2**20
    assert settings.smtp is None
    assert load_settings(env=BASE).imap.port == 993  # tls by default
    assert "bí-mật-123" not in repr(settings)


@pytest.mark.parametrize(("env", "message"), [
    ({"DHTT_IMAP_SECURITY": "plain"},
     "DHTT_IMAP_SECURITY=plain (không mã hóa) chỉ được dùng với máy chủ trên chính máy này "
     "(127.0.0.1, localhost), không dùng với 'mail.phutho.gov.vn': hãy dùng tls hoặc starttls."),
    ({"DHTT_IMAP_SECURITY": "ssl"},
     "DHTT_IMAP_SECURITY 'ssl' không hợp lệ; chỉ nhận tls, starttls hoặc plain."),
    ({"DHTT_IMAP_PORT": "99999"},
     "DHTT_IMAP_PORT '99999' không hợp lệ; hãy ghi một số từ 1 đến 65535."),
    ({"DHTT_IMAP_PASSWORD": ""},
     "Đã đặt DHTT_IMAP_USER nhưng chưa đặt DHTT_IMAP_PASSWORD (mật khẩu chỉ đặt trong biến môi "
     "trường)."),
    ({"DHTT_MAIL_FROM": "vanphong"},
     "Địa chỉ gửi thư DHTT_MAIL_FROM 'vanphong' không hợp lệ."),
])
def test_bad_settings_are_one_line(env, message):
    with pytest.raises(MailError) as caught:
        load_settings(env=BASE | env)
    assert str(caught.value) == message


def test_a_password_in_the_settings_file_is_refused(tmp_path):
    path = tmp_path / "mail.toml"
    path.write_text('[smtp]\nhost = "smtp.example.vn"\npassword = "lo-ra"\n', encoding="utf-8")
    with pytest.raises(MailError) as caught:
        load_settings(env={}, path=path)
    assert str(caught.value) == (
        f"Tệp cài đặt thư '{path}' không được chứa mật khẩu ([smtp] password); mật khẩu chỉ đặt "
        "trong biến môi trường DHTT_SMTP_PASSWORD.")
    assert "lo-ra" not in str(caught.value)


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.3.2.1", True), ("::1", True), ("localhost", True),
    ("10.0.0.1", False), ("mail.phutho.gov.vn", False), ("localhost.example.vn", False)])
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_cli_without_settings_is_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DHTT_")}
    done = subprocess.run([sys.executable, "-m", "pipeline", "mail", "fetch", "--inputs",
                           str(tmp_path), "--outputs", str(tmp_path / "out"), "--settings",
                           str(tmp_path / "none.toml")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == ("Lỗi: Chưa đặt máy chủ nhận thư: hãy đặt biến môi trường "
                           "DHTT_IMAP_HOST, DHTT_IMAP_USER và DHTT_IMAP_PASSWORD (xem README, "
                           "mục Nhận và gửi thư).\n")


def test_every_mail_command_has_vietnamese_help():
    for command in ("fetch", "send", "remind"):
        done = subprocess.run([sys.executable, "-m", "pipeline", "mail", command, "--help"],
                              cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0 and "Cách dùng:" in done.stdout and "thư" in done.stdout


def test_the_report_over_fetched_mail_equals_the_report_over_the_files(tmp_path):
    """Each unit's Q3 workbook e-mailed from its registered address, fetched, reported: the
    same registrations, scores and statuses as the report over the workbooks themselves."""
    server = start_dovecot()
    try:
        by_files, by_mail = tmp_path / "files", tmp_path / "mail"
        for inputs in (by_files, by_mail):
            shutil.copytree(SAMPLE, inputs / "inputs")
        folder = by_mail / "inputs" / "2025-Q3"
        messages = []
        for path in sorted(folder.iterdir()):
            if path.name == "hoi-dong.xlsx":  # the council's own file stays a file
                continue
            data = path.read_bytes()
            if path.suffix != ".eml":
                code = _unit_from_name(path.name)
                # sent on the cover's day, so lateness is judged alike; a resent file later
                hour = 10 if "gui lai" in path.name else 9
                sent = dt.datetime.combine(_made(data), dt.time(hour))
                data = message(address(code), [(path.name, data)], sent,
                               subject=f"Báo cáo quý III - {code}")
            messages.append(data)
            path.unlink()
        server.deliver(*messages)
        fetch_mail(PLAN, by_mail / "inputs", by_mail / "outputs",
                   load_settings(env=server.mailbox_env("tls")))
    finally:
        server.stop()
    assert len(list(folder.glob("*.eml"))) == len(messages)
    q3 = Period(2025, 3)
    for root in (by_files, by_mail):
        run.run_report(PLAN, q3, root / "inputs", root / "outputs", dt.date(2025, 10, 20),
                       "2021-2025.toml", pdf=False)
    for name, skip in (("dang_ky.csv", {"nguon"}), ("cham_diem.csv", {"nguon"}),
                       ("nop_bao_cao.csv", {"tep", "ngay_nop", "nguoi_gui"})):
        assert _rows(by_mail, name, skip) == _rows(by_files, name, skip), name


def _made(data: bytes) -> dt.date:
    from pipeline.intake.parse import find_sheet, read_cover
    from pipeline.intake.readers import read_book
    from pipeline.text import parse_date
    from schemas.sheets import COVER

    cover = read_cover(find_sheet(read_book(data), COVER)[0][1])
    return parse_date(cover["ngay_lap"][0])


def _unit_from_name(name: str) -> str:
    for unit in PLAN.units:
        if unit.code in name.rsplit(".", 1)[0].replace("-", " ").replace("_", " ").split():
            return unit.code
    raise AssertionError(f"no unit in {name}")


def _rows(root, name: str, skip: set[str]) -> list[dict]:
    path = root / "outputs" / "2025-Q3" / "data" / name
    with path.open(encoding="utf-8-sig") as fh:
        return [{k: v for k, v in r.items() if k not in skip} for r in csv.DictReader(fh)]
