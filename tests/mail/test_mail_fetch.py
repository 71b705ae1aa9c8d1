"""`mail fetch` against a real Dovecot on 127.0.0.1: a quarter's messages, exactly once."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.mail import fetch as fetch_module
from pipeline.mail.fetch import KEYWORD, NO_PERIOD, UNKNOWN_NO_WORKBOOK, fetch_mail
from pipeline.mail.ledger import Journal
from pipeline.mail.settings import MailError, load_settings
from tests.intake.test_readers import CORPUS, make_ods
from tests.mail.mailservers import PASSWORD, free_port, start_dovecot, wait_for
from tests.mail.mailtools import (
    PLAN,
    PLAN_FILE,
    ROOT,
    address,
    forwarded,
    message,
    ods_cover,
    sample,
)

D = dt.datetime


@pytest.fixture
def dovecot():
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture
def folders(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    return inputs, outputs


def settings_for(server, security="tls", **extra):
    env = server.mailbox_env(security) | extra
    return load_settings(env=env)


def flags(server) -> dict[str, tuple[str, ...]]:
    """Message-ID (or subject) -> flags on the server."""
    with server.client() as box:
        return {(m.headers.get("message-id") or (m.subject,))[0]: m.flags
                for m in box.fetch(headers_only=True, mark_seen=False)}


def eml_files(inputs: Path) -> dict[str, list[str]]:
    return {p.name: sorted(f.name for f in p.glob("*.eml")) for p in sorted(inputs.iterdir())}


def quarter() -> dict[str, bytes]:
    """A quarter's messages, each kind the issue lists."""
    xls = CORPUS / "sheetjs" / "A4X_gnumeric.xls"
    xls_data = xls.read_bytes() if xls.is_file() else None
    khtc = message(address("KHTC"), [("KHTC_BaoCao_Q3_2025.xlsx",
                                      sample("KHTC_BaoCao_Q3_2025.xlsx"))], D(2025, 10, 3, 9))
    messages = {
        "khtc": khtc,
        "khtc-copy": khtc,  # the same message twice in the mailbox
        "two": message(address("QLVT"), [("QLVT-DHTT-2025-Q3.xlsx",
                                          sample("QLVT-DHTT-2025-Q3.xlsx")),
                                         ("QLVT quy II.ods", ods_cover("QLVT", "2025-Q2"))],
                       D(2025, 10, 6, 14)),
        "forwarded": forwarded(address("TTKD"), message(
            "truongphong@gmail.com", [("TTKD.xlsx", sample(
                "TTKD - BC thi dua quy III nam 2025.xlsx"))], D(2025, 10, 2, 8)),
            D(2025, 10, 2, 10)),
        "no-id": message(address("QHKT"), [("QHKT.xlsx", sample(
            "bao cao DHTT quy 3 - QHKT.xlsx"))], D(2025, 10, 7, 16), message_id=None),
        "encrypted": message(address("QLXD"), [("QLXD.ods", make_ods(encrypted=True))],
                             D(2025, 10, 8, 8)),
        "junk": message("quangcao@example.com", [], D(2025, 10, 4, 1),
                        subject="Khuyến mãi lớn"),
        "stranger": message("canhan@gmail.com", [("PTDT.xlsx", sample(
            "PTDT-DHTT-2025-Q3.xlsx"))], D(2025, 10, 5, 7)),
        "oversize": message(address("VP"), [("VP.xlsx", os.urandom(90_000))],
                            D(2025, 10, 5, 9), subject="Tệp rất lớn"),
    }
    if xls_data is not None:
        messages["xls"] = message(address("QLN"), [("QLN.xls", xls_data)], D(2025, 10, 8, 9))
    return messages


def test_a_quarter_is_fetched_once_into_its_periods(dovecot, folders, tmp_path):
    inputs, outputs = folders
    messages = quarter()
    dovecot.deliver(*messages.values())
    settings_file = tmp_path / "mail.toml"
    settings_file.write_text("[mail]\nmax_size_mb = 0.08\n", encoding="utf-8")
    settings = load_settings(env=dovecot.mailbox_env("tls"), path=settings_file)

    result = fetch_mail(PLAN, inputs, outputs, settings)

    imported = {r.file_name: r for r in result.imported}
    expected = len(messages) - 3  # the copy, the junk and the oversize message stay
    assert len(imported) == expected
    q3 = sorted((inputs / "2025-Q3").glob("*.eml"))
    assert len(q3) == expected
    # saved unchanged: each file is one of the messages, byte for byte
    delivered = set(messages.values())
    assert all(p.read_bytes() in delivered for p in q3)
    # the two-workbook message whose ods names 2025-Q2 is in both periods
    two = [p for p in q3 if p.read_bytes() == messages["two"]]
    assert len(two) == 1 and (inputs / "2025-Q2" / two[0].name).read_bytes() == messages["two"]
    assert sorted(p.name for p in (inputs / "2025-Q2").iterdir()) == [two[0].name]
    # names: date sent, unit (by sender, else cover), identity tag
    units = {r.unit for r in result.imported}
    assert {"KHTC", "QLVT", "TTKD", "QHKT", "QLXD", "PTDT"} <= units
    stranger = next(r for r in result.imported if r.sender == "canhan@gmail.com")
    assert stranger.file_name.startswith("2025-10-05_PTDT_") and not stranger.known_sender
    # the encrypted attachment has no readable cover: the window of its Date (2025-Q3)
    assert next(r for r in result.imported if r.unit == "QLXD").periods == (
        PLAN.first_period.__class__(2025, 3),)
    # what stays is listed, with its reason
    reasons = sorted(left.reason for left in result.left)
    assert reasons[0] == UNKNOWN_NO_WORKBOOK
    assert reasons[1].startswith("Thư quá lớn (0,") and "giới hạn 0,1 MB" in reasons[1]
    assert result.already == 1  # the duplicate Message-ID
    # flagged on the server, never deleted: junk and oversize are not flagged
    with dovecot.client() as box:
        unflagged = [m.subject for m in box.fetch(headers_only=True, mark_seen=False)
                     if KEYWORD not in m.flags]
        assert sorted(unflagged) == ["Khuyến mãi lớn", "Tệp rất lớn"]
        assert len(box.uids()) == len(messages)  # nothing deleted or moved
    # the journal holds one record per imported message
    journal = Journal(outputs / ".mail" / "imported.jsonl")
    assert sorted(r["file"] for r in journal.records) == sorted(imported)

    # a second run imports nothing, lists nothing again, changes no file
    before = {p: p.read_bytes() for p in inputs.rglob("*.eml")}
    again = fetch_mail(PLAN, inputs, outputs, settings)
    assert again.imported == [] and again.left == []
    assert again.already == len(messages) - 2
    assert {p: p.read_bytes() for p in inputs.rglob("*.eml")} == before


def test_discover_reads_fetched_mail_as_saved_mail(dovecot, folders):
    """Attribution by sender and lateness by Date work on fetched files as on saved ones."""
    from pipeline.intake.discover import discover

    inputs, outputs = folders
    late = message(address("KHTC"), [("KHTC.xlsx", sample("KHTC_BaoCao_Q3_2025.xlsx"))],
                   D(2025, 10, 20, 9))
    dovecot.deliver(late)
    fetch_mail(PLAN, inputs, outputs, settings_for(dovecot))
    found = discover(inputs / "2025-Q3")
    assert [f.sender for f in found.files] == [address("KHTC")]
    assert found.files[0].submitted == D(2025, 10, 20, 9)


@pytest.mark.parametrize("security", ["starttls", "plain"])
def test_starttls_and_plain_on_loopback(dovecot, folders, security):
    inputs, outputs = folders
    dovecot.deliver(message(address("VP"), [("VP.xlsx", sample("VP_BaoCao_Q3_2025.xlsx"))],
                            D(2025, 10, 1, 8)))
    result = fetch_mail(PLAN, inputs, outputs, settings_for(dovecot, security))
    assert [r.unit for r in result.imported] == ["VP"]


def test_a_message_without_period_is_left_and_listed_once(dovecot, folders):
    inputs, outputs = folders
    dovecot.deliver(message(address("VP"), [], D(2030, 1, 1, 8), subject="Hỏi"))
    settings = settings_for(dovecot)
    first = fetch_mail(PLAN, inputs, outputs, settings)
    assert [left.reason for left in first.left] == [NO_PERIOD]
    assert fetch_mail(PLAN, inputs, outputs, settings).left == []


def test_a_crash_between_the_steps_of_a_message_imports_it_once(dovecot, folders, monkeypatch):
    inputs, outputs = folders
    a = message(address("VP"), [("VP.xlsx", sample("VP_BaoCao_Q3_2025.xlsx"))],
                D(2025, 10, 1, 8))
    b = message(address("KHTC"), [("KHTC.xlsx", sample("KHTC_BaoCao_Q3_2025.xlsx"))],
                D(2025, 10, 2, 8))
    dovecot.deliver(a, b)
    settings = settings_for(dovecot)

    class Killed(BaseException):
        pass

    def die(*args, **kwargs):
        raise Killed

    # killed after the file is written, before its record
    monkeypatch.setattr(Journal, "append", die)
    with pytest.raises(Killed):
        fetch_mail(PLAN, inputs, outputs, settings)
    monkeypatch.undo()
    assert len(list((inputs / "2025-Q3").glob("*.eml"))) == 1
    # killed after the record, before the flag
    monkeypatch.setattr(fetch_module, "_mark", die)
    with pytest.raises(Killed):
        fetch_mail(PLAN, inputs, outputs, settings)
    monkeypatch.undo()
    result = fetch_mail(PLAN, inputs, outputs, settings)
    files = sorted((inputs / "2025-Q3").glob("*.eml"))
    assert sorted(p.read_bytes() for p in files) == sorted([a, b])
    records = Journal(outputs / ".mail" / "imported.jsonl").records
    assert len(records) == 2 and len({r["key"] for r in records}) == 2
    assert len(result.imported) + result.already == 2
    assert all(KEYWORD in f for f in flags(dovecot).values())


def test_a_fetch_killed_midway_and_rerun_imports_each_message_once(dovecot, folders):
    inputs, outputs = folders
    messages = [message(address("VP"), [("VP.xlsx", sample("VP_BaoCao_Q3_2025.xlsx"))],
                        D(2025, 9, 1 + i % 28, 8), subject=f"Báo cáo lần {i}")
                for i in range(40)]
    dovecot.deliver(*messages)
    env = {**os.environ, **dovecot.mailbox_env("tls")}
    # The fetch runs as the clerk starts it, except that it stops for good before saving the
    # fourth message (a gate, not a timer): the kill then always lands mid-way.
    gate = ("import threading, pipeline.mail.fetch as f\n"
            "save, seen = f._save, []\n"
            "def gated(*args):\n"
            "    seen.append(1)\n"
            "    if len(seen) > 3:\n"
            "        threading.Event().wait()\n"
            "    return save(*args)\n"
            "f._save = gated\n"
            "from pipeline.cli import app\n"
            "app(prog_name='python -m pipeline')\n")
    command = [sys.executable, "-c", gate, "mail", "fetch", "--inputs", str(inputs),
               "--outputs", str(outputs), "--config", str(PLAN_FILE)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    journal = outputs / ".mail" / "imported.jsonl"

    def some_imported() -> bool:
        return journal.is_file() and journal.read_bytes().count(b"\n") >= 3

    wait_for(lambda: some_imported() or process.poll() is not None, timeout=60,
             what="the first messages to be imported")
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the fetch ended before it could be killed"
    done = journal.read_bytes().count(b"\n")
    assert done == 3

    fetch_mail(PLAN, inputs, outputs, settings_for(dovecot))
    files = sorted((inputs / "2025-Q3").glob("*.eml"))
    assert sorted(p.read_bytes() for p in files) == sorted(messages)
    keys = [r["key"] for r in Journal(journal).records]
    assert len(keys) == len(set(keys)) == len(messages)


def test_a_server_without_keywords_still_imports_once(dovecot, folders, monkeypatch):
    inputs, outputs = folders
    dovecot.deliver(message(address("VP"), [("VP.xlsx", sample("VP_BaoCao_Q3_2025.xlsx"))],
                            D(2025, 10, 1, 8)))
    monkeypatch.setattr(fetch_module, "_keywords_allowed", lambda box: False)
    settings = settings_for(dovecot)
    first = fetch_mail(PLAN, inputs, outputs, settings)
    second = fetch_mail(PLAN, inputs, outputs, settings)
    assert (len(first.imported), second.imported, second.already) == (1, [], 1)
    assert not first.keywords
    assert all(KEYWORD not in f for f in flags(dovecot).values())


# --- connection failures: one Vietnamese line, never the password --------------------------


def test_wrong_password(dovecot, folders):
    inputs, outputs = folders
    settings = settings_for(dovecot, DHTT_IMAP_PASSWORD="sai-mat-khau")
    with pytest.raises(MailError) as caught:
        fetch_mail(PLAN, inputs, outputs, settings)
    text = str(caught.value)
    assert text == (f"Đăng nhập máy chủ IMAP 127.0.0.1:{dovecot.imaps_port} thất bại: sai tên "
                    "đăng nhập hoặc mật khẩu (DHTT_IMAP_USER, DHTT_IMAP_PASSWORD).")


def test_unreachable_host(folders):
    inputs, outputs = folders
    port = free_port()  # nothing listens there
    settings = load_settings(env={"DHTT_IMAP_HOST": "127.0.0.1", "DHTT_IMAP_PORT": str(port),
                                  "DHTT_IMAP_USER": "u", "DHTT_IMAP_PASSWORD": "p"})
    with pytest.raises(MailError) as caught:
        fetch_mail(PLAN, inputs, outputs, settings)
    assert str(caught.value) == (
        f"Không kết nối được máy chủ IMAP 127.0.0.1:{port}: máy chủ không trả lời, ngắt kết nối "
        "hoặc sai cổng (DHTT_IMAP_HOST, DHTT_IMAP_PORT).")


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_an_untrusted_certificate_is_refused(dovecot, folders, security):
    inputs, outputs = folders
    env = dovecot.mailbox_env(security)
    del env["DHTT_MAIL_CAFILE"]
    with pytest.raises(MailError) as caught:
        fetch_mail(PLAN, inputs, outputs, load_settings(env=env))
    assert "chứng chỉ của máy chủ không được tin cậy (self-signed certificate)" in str(
        caught.value)
    assert not (inputs / "2025-Q3").exists()


def test_cli_connection_failure_is_one_line_without_password(dovecot, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    env = {**os.environ, **dovecot.mailbox_env("tls"), "DHTT_IMAP_PASSWORD": PASSWORD + "x"}
    done = subprocess.run([sys.executable, "-m", "pipeline", "mail", "fetch", "--inputs",
                           str(inputs), "--outputs", str(tmp_path / "out"), "--debug"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert PASSWORD not in done.stdout + done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Lỗi: Đăng nhập máy chủ IMAP")


def test_cli_fetch_prints_the_summary(dovecot, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    dovecot.deliver(message(address("VP"), [("VP.xlsx", sample("VP_BaoCao_Q3_2025.xlsx"))],
                            D(2025, 10, 1, 8)),
                    message("la@example.com", [], D(2025, 10, 1, 9), subject="Chào"))
    env = {**os.environ, **dovecot.mailbox_env("tls"), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "pipeline", "mail", "fetch", "--inputs",
                           str(inputs), "--outputs", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "│ 2025-Q3 │ VP     │ 1      │" in done.stdout
    assert "Đã nhận 1 thư mới" in done.stdout and UNKNOWN_NO_WORKBOOK in done.stdout
    record = json.loads((tmp_path / "out" / ".mail" / "imported.jsonl").read_text())
    assert record["unit"] == "VP" and record["periods"] == ["2025-Q3"]
