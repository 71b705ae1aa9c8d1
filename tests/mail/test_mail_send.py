"""`mail send` and `mail remind` against a real SMTP server (aiosmtpd, STARTTLS + AUTH) on
127.0.0.1: dry run, delivery, exactly once, threading on the unit's own message."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import os
import shutil
import subprocess
import sys

import pytest

from pipeline import run
from pipeline.mail.ledger import Journal
from pipeline.mail.send import SENT, SENT_BEFORE, WILL_SEND, deliver, reminders, replies
from pipeline.mail.settings import MailError, load_settings
from pipeline.periods import Period
from tests.mail.mailservers import SmtpServer
from tests.mail.mailtools import PLAN, ROOT, SAMPLE

Q3 = Period(2025, 3)
RUN_DATE = dt.date(2025, 10, 20)


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    outputs = tmp_path_factory.mktemp("reported")
    run.run_report(PLAN, Q3, SAMPLE, outputs, RUN_DATE, "2021-2025.toml", pdf=False)
    return outputs


@pytest.fixture
def outputs(reported, tmp_path):
    target = tmp_path / "outputs"
    shutil.copytree(reported, target)
    return target


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path)
    yield server
    server.stop()


def parsed(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def reply_units(outputs) -> list[str]:
    return sorted(p.stem for p in (outputs / str(Q3) / "phan-hoi").glob("*.txt"))


def test_dry_run_writes_messages_and_sends_nothing(smtp, outputs):
    settings = load_settings(env=smtp.env())
    rows = deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings,
                   send=False)
    units = reply_units(outputs)
    assert [r.unit.code for r in rows] == [u.code for u in PLAN.units if u.code in units]
    assert {r.status for r in rows} == {WILL_SEND}
    assert smtp.messages == []
    assert not (outputs / ".mail" / "sent.jsonl").exists()
    written = sorted(p.stem for p in (outputs / str(Q3) / "thu-gui").glob("*.eml"))
    assert written == units
    # the unit that wrote by e-mail gets a reply to its own message
    ttqh = parsed((outputs / str(Q3) / "thu-gui" / "TTQH.eml").read_bytes())
    assert ttqh["In-Reply-To"] == "<dhtt-2025-Q3-ttqh@phutho.gov.vn>"
    assert ttqh["References"] == "<dhtt-2025-Q3-ttqh@phutho.gov.vn>"
    assert ttqh["Subject"].startswith("Re: Báo cáo điển hình tiên tiến quý III năm 2025")
    assert ttqh["To"] == "ttqh.sxd@phutho.gov.vn"
    text = (outputs / str(Q3) / "phan-hoi" / "TTQH.txt").read_text(encoding="utf-8")
    assert ttqh.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    # a unit with annotated workbooks gets them attached, as named in its reply text
    for row in rows:
        for name in row.outgoing.attachments:
            assert name in row.outgoing.message.get_body(("plain",)).get_content()
            assert (outputs / str(Q3) / "phan-hoi" / name).is_file()
    assert any(r.outgoing.attachments for r in rows)


def test_send_delivers_once_and_a_rerun_sends_nothing(smtp, outputs):
    settings = load_settings(env=smtp.env())
    rows = deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings,
                   send=True)
    units = reply_units(outputs)
    assert {r.status for r in rows} == {SENT}
    assert sorted(m.recipients[0] for m in smtp.messages) == sorted(
        PLAN.unit(u).email for u in units)
    sent = Journal(outputs / ".mail" / "sent.jsonl").records
    assert [r["unit"] for r in sent] == [r.unit.code for r in rows]
    assert all(r["answer"].startswith("250 2.0.0 Ok: queued as TEST") for r in sent)
    # what was sent is what the dry run showed: the thu-gui copy is the delivered message
    for delivered in smtp.messages:
        message = parsed(delivered.data)
        unit = next(u for u in units if PLAN.unit(u).email == delivered.recipients[0])
        saved = parsed((outputs / str(Q3) / "thu-gui" / f"{unit}.eml").read_bytes())
        assert message["Message-ID"] == saved["Message-ID"]

    again = deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs,
                    settings, send=True)
    assert {r.status for r in again} == {SENT_BEFORE}
    assert len(smtp.messages) == len(units)


def test_a_changed_reply_is_sent_again(smtp, outputs):
    settings = load_settings(env=smtp.env())
    deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings, True)
    count = len(smtp.messages)
    text = outputs / str(Q3) / "phan-hoi" / "KHTC.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("Kính gửi", "Kính gửi:"),
                    encoding="utf-8")
    rows = deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings,
                   True)
    assert [r.unit.code for r in rows if r.status == SENT] == ["KHTC"]
    assert len(smtp.messages) == count + 1


def test_a_report_rerun_on_another_day_is_not_resent(smtp, outputs, tmp_path):
    """Same findings, another run date: the workbooks' time stamps differ, the content not."""
    settings = load_settings(env=smtp.env())
    deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings, True)
    count = len(smtp.messages)
    run.run_report(PLAN, Q3, SAMPLE, outputs, RUN_DATE + dt.timedelta(days=1), "2021-2025.toml",
                   pdf=False)
    rows = deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings,
                   True)
    assert {r.status for r in rows} == {SENT_BEFORE}
    assert len(smtp.messages) == count


def test_a_run_killed_between_two_messages_sends_each_once(smtp, outputs, monkeypatch):
    settings = load_settings(env=smtp.env())
    units = reply_units(outputs)
    original = Journal.append
    calls = []

    class Killed(BaseException):
        pass

    def append_then_die(self, record):
        original(self, record)
        calls.append(record)
        if len(calls) == 2:
            raise Killed

    monkeypatch.setattr(Journal, "append", append_then_die)
    with pytest.raises(Killed):
        deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings, True)
    monkeypatch.undo()
    assert len(smtp.messages) == 2
    deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings, True)
    recipients = sorted(m.recipients[0] for m in smtp.messages)
    assert recipients == sorted(PLAN.unit(u).email for u in units)  # each exactly once


def test_a_refused_recipient_is_reported_and_not_recorded(smtp, outputs):
    settings = load_settings(env=smtp.env())
    smtp.refuse.add(PLAN.unit("KHTC").email)
    rows = deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings,
                   True)
    khtc = next(r for r in rows if r.unit.code == "KHTC")
    assert khtc.status == "Máy chủ từ chối: 550 5.1.1 Hộp thư không tồn tại"
    assert "KHTC" not in {r["unit"] for r in Journal(outputs / ".mail" / "sent.jsonl").records}
    smtp.refuse.clear()
    rows = deliver(replies(PLAN, Q3, SAMPLE, outputs, settings.sender), Q3, outputs, settings,
                   True)
    assert [r.unit.code for r in rows if r.status == SENT] == ["KHTC"]


def test_wrong_smtp_password_and_untrusted_certificate(smtp, outputs):
    rows = replies(PLAN, Q3, SAMPLE, outputs, "vanphong@phutho.gov.vn")
    wrong = load_settings(env=smtp.env() | {"DHTT_SMTP_PASSWORD": "sai"})
    with pytest.raises(MailError) as caught:
        deliver(rows, Q3, outputs, wrong, True)
    assert str(caught.value) == (f"Đăng nhập máy chủ SMTP 127.0.0.1:{smtp.port} thất bại: sai "
                                 "tên đăng nhập hoặc mật khẩu (DHTT_SMTP_USER, "
                                 "DHTT_SMTP_PASSWORD).")
    env = smtp.env()
    del env["DHTT_MAIL_CAFILE"]
    with pytest.raises(MailError) as caught:
        deliver(rows, Q3, outputs, load_settings(env=env), True)
    assert "chứng chỉ của máy chủ không được tin cậy" in str(caught.value)
    assert smtp.messages == []


def test_send_before_report_is_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "mail", "send", "--period", "2025-Q3", "--inputs",
         str(SAMPLE), "--outputs", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DHTT_MAIL_FROM": "vanphong@phutho.gov.vn"})
    assert done.returncode == 2
    assert done.stderr.strip() == (f"Lỗi: Chưa có kết quả tổng hợp kỳ 2025-Q3 trong "
                                   f"'{tmp_path / '2025-Q3'}'; hãy chạy make report "
                                   "PERIOD=2025-Q3 trước.")


# --- reminders ---------------------------------------------------------------------------


def not_accepted(outputs) -> list[str]:
    with (outputs / str(Q3) / "data" / "nop_bao_cao.csv").open(encoding="utf-8-sig") as fh:
        return [r["ma_don_vi"] for r in csv.DictReader(fh)
                if r["trang_thai"] in ("Chưa nộp", "Bị từ chối")]


def test_reminders_before_and_after_the_deadline(smtp, outputs):
    settings = load_settings(env=smtp.env())
    due = PLAN.deadline(Q3)
    expected = not_accepted(outputs)
    assert expected  # the sample quarter has units that did not report

    before = reminders(PLAN, Q3, SAMPLE, due - dt.timedelta(days=3), settings.sender)
    assert [r.unit.code for r in before] == expected
    deliver(before, Q3, outputs, settings, True)
    first = parsed(smtp.messages[0].data)
    assert first["Subject"] == ("Nhắc nộp báo cáo điển hình tiên tiến quý III năm 2025 "
                                "(sắp đến hạn)")
    body = first.get_body(("plain",)).get_content()
    assert f"Hạn nộp báo cáo là ngày {due:%d/%m/%Y} (sắp đến hạn)." in body
    assert len(smtp.messages) == len(expected)

    # the same day again: nothing; after the deadline: a new reminder, "đã quá hạn"
    again = deliver(reminders(PLAN, Q3, SAMPLE, due - dt.timedelta(days=3), settings.sender),
                    Q3, outputs, settings, True)
    assert {r.status for r in again} == {SENT_BEFORE}
    late = deliver(reminders(PLAN, Q3, SAMPLE, due + dt.timedelta(days=5), settings.sender),
                   Q3, outputs, settings, True)
    assert {r.status for r in late} == {SENT}
    last = parsed(smtp.messages[-1].data)
    assert last["Subject"].endswith("(đã quá hạn)")
    assert f"Hạn nộp báo cáo là ngày {due:%d/%m/%Y}, nay đã quá hạn." in last.get_body(
        ("plain",)).get_content()
    assert len(smtp.messages) == 2 * len(expected)


def test_cli_remind_dry_run(smtp, tmp_path):
    env = {**os.environ, **smtp.env(), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "mail", "remind", "--period", "2025-Q3", "--inputs",
         str(SAMPLE), "--outputs", str(tmp_path), "--run-date", "2025-10-01"],
        cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "Chưa gửi thư nào" in done.stdout
    assert smtp.password not in done.stdout + done.stderr
    assert list((tmp_path / "2025-Q3" / "thu-gui").glob("nhac-nop_*.eml"))
    assert smtp.messages == []
