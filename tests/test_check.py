"""`check FILE` is the report's intake for one file: it accepts whatever `report` accepts (saved
e-mails, .xls, .ods, the council's file), takes the period from the file's folder or cover (or
--period), and gives exactly the findings the report gives for that file."""

from __future__ import annotations

import datetime as dt
import email.message
import io
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_plan
from pipeline.intake.readers import ReaderPool
from pipeline.model import LOI
from pipeline.periods import Period, parse_period
from pipeline.run import build_period_report, check_file
from tests.intake.test_readers import make_ods

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs"
CONFIG = REPO / "plans" / "2021-2025.toml"
PLAN = load_plan(CONFIG)
SOFFICE = shutil.which("soffice")
# The sample quarters compared file by file: the plan's first with files (no earlier
# registrations), the first with the units added in 2025, and the latest (a saved e-mail, the
# council's file, a unit's file sent again). DHTT_CHECK_ALL=1 compares every sample quarter.
QUARTERS = ["2021-Q2", "2025-Q1", "2025-Q3"]
if os.environ.get("DHTT_CHECK_ALL"):
    QUARTERS = sorted(p.name for p in SAMPLE.iterdir() if p.is_dir())


def run_date(period: Period) -> dt.date:
    return period.last_day + dt.timedelta(days=20)


def records(frame: pd.DataFrame) -> list[dict]:
    return frame[LOI].to_dict("records")


def report_findings(inputs: Path, outputs: Path, period: Period) -> pd.DataFrame:
    """The findings of the report's intake for `period` (what loi.csv is written from)."""
    with ReaderPool() as pool:
        from pipeline.intake.cache import IntakeCache

        cache = IntakeCache(outputs, PLAN, run_date(period))
        return build_period_report(PLAN, period, inputs, run_date(period), pool,
                                   cache).report.intake.findings


def of_file(findings: pd.DataFrame, name: str) -> list[dict]:
    return records(findings[findings["tep"].map(lambda t: t.split("/", 1)[0] == name)])


def compare_folder(inputs: Path, outputs: Path, period: Period) -> list[str]:
    """Check every file of the period's folder; the names compared."""
    everything = report_findings(inputs, outputs, period)
    names = sorted(p.name for p in (inputs / str(period)).iterdir())
    with ReaderPool() as pool:  # one pool for all the checks: they are many
        for name in names:
            found, findings = check_file(PLAN, inputs / str(period) / name, inputs,
                                         run_date(period), outputs=outputs, pool=pool)
            assert found == period, name
            assert records(findings) == of_file(everything, name), name
    return names


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


@pytest.mark.parametrize("quarter", QUARTERS)
def test_check_agrees_with_the_report_on_every_sample_file(quarter, tmp_path):
    if not (SAMPLE / quarter).is_dir():
        pytest.skip("sample inputs not generated")
    names = compare_folder(SAMPLE, tmp_path / "outputs", parse_period(quarter))
    assert len(names) >= 9


# --- a quarter built by the test: every kind of file a clerk meets ---------------------------
def mail(path: Path, sender: str, attachments: dict[str, bytes]) -> None:
    msg = email.message.EmailMessage()
    msg["From"] = sender
    msg["To"] = "vanphong.sxd@phutho.gov.vn"
    msg["Subject"] = "Báo cáo quý III"
    msg["Date"] = "Thu, 09 Oct 2025 09:00:00 +0700"
    msg.set_content("Kính gửi Văn phòng Sở, đơn vị gửi báo cáo quý III.")
    for name, data in attachments.items():
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    path.write_bytes(bytes(msg))


def edit(path: Path, target: Path, change) -> None:
    workbook = openpyxl.load_workbook(path)
    change(workbook)
    workbook.save(target)


def set_cover(workbook, label: str, value) -> None:
    for key, cell in workbook["Thông tin"].iter_rows(min_col=1, max_col=2):
        if key.value == label:
            cell.value = value


def council_row_for_nobody(workbook) -> None:
    sheet = workbook["Điều chỉnh"]
    row = [cell.value for cell in sheet[sheet.max_row]]
    row[1] = "VP-99"  # no such exemplar: H01
    sheet.append(row)


@pytest.fixture
def built(tmp_path) -> Path:
    """2025-Q3 of the sample with every odd file added; earlier quarters as they are."""
    if not (SAMPLE / "2025-Q3").is_dir():
        pytest.skip("sample inputs not generated")
    inputs = tmp_path / "inputs"
    for period in ("2025-Q1", "2025-Q2", "2025-Q3"):
        shutil.copytree(SAMPLE / period, inputs / period)
    folder = inputs / "2025-Q3"
    qln = (folder / "bao cao DHTT quy 3 - QLN.xlsx").read_bytes()
    (folder / "TTR_BaoCao_Q3_2025.ods").write_bytes(make_ods())
    (folder / "khoa.ods").write_bytes(make_ods(encrypted=True))
    (folder / "rong.xlsx").write_bytes(b"")
    (folder / "cat-ngang.xlsx").write_bytes(qln[:3000])
    (folder / "cong-van.docx").write_bytes(b"PK\x03\x04 not a workbook")
    mail(folder / "thu-khong-dinh-kem.eml", "QLN <qln.sxd@phutho.gov.vn>", {})
    mail(folder / "thu-hai-tep.eml", "Ai đó <nguoila@gmail.com>",
         {"QLN quy 3.xlsx": qln, "hong.xlsx": qln[:4000]})
    edit(folder / "bao cao DHTT quy 3 - QLXD.xlsx", folder / "QLXD quy 2 nham.xlsx",
         lambda wb: set_cover(wb, "Kỳ báo cáo", "2025-Q2"))  # B05
    edit(folder / "KHTC_BaoCao_Q3_2025.xlsx", folder / "KHTC sai ma.xlsx",
         lambda wb: set_cover(wb, "Mã đơn vị", "KHTCX"))  # B02
    edit(folder / "hoi-dong.xlsx", folder / "hoi-dong.xlsx", council_row_for_nobody)
    if SOFFICE:
        convert = subprocess.run(
            [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
             "--convert-to", "xls", "--outdir", str(tmp_path),
             str(folder / "PTDT-DHTT-2025-Q3.xlsx")], capture_output=True, timeout=180,
            check=False)
        if convert.returncode == 0:
            (folder / "PTDT-DHTT-2025-Q3.xlsx").unlink()
            shutil.move(tmp_path / "PTDT-DHTT-2025-Q3.xls", folder / "PTDT-DHTT-2025-Q3.xls")
    return inputs


def test_check_agrees_with_the_report_on_every_file_a_clerk_meets(built, tmp_path):
    names = compare_folder(built, tmp_path / "outputs", Period(2025, 3))
    assert {"thu-hai-tep.eml", "thu-khong-dinh-kem.eml", "TTR_BaoCao_Q3_2025.ods",
            "hoi-dong.xlsx", "Bao cao DHTT quy III-2025 - TTQH.eml"} <= set(names)


def test_a_file_checked_before_it_is_filed_gets_what_the_report_will_say(built, tmp_path):
    """A file still outside inputs/: checked as if it lay in its cover's period folder (the one
    of the same name there is the one it replaces)."""
    received = tmp_path / "moi-nhan"
    received.mkdir()
    source = built / "2025-Q3" / "VP_BaoCao_Q3_2025 (gui lai).xlsx"
    edit(source, received / source.name, lambda wb: set_cover(wb, "Ngày lập", "30/09/2025"))
    found, findings = check_file(PLAN, received / source.name, built, dt.date(2025, 10, 20))
    shutil.copyfile(received / source.name, source)
    everything = report_findings(built, tmp_path / "outputs", Period(2025, 3))
    assert found == Period(2025, 3)
    assert records(findings) == of_file(everything, source.name)
    assert "F07" in {f["ma_loi"] for f in records(findings)}  # now the older of VP's two


# --- what the clerk sees --------------------------------------------------------------------
def check_cli(*args: str):
    return CliRunner().invoke(app, ["check", *args, "--inputs", str(SAMPLE), "--run-date",
                                    "2025-10-20", "--config", str(CONFIG)],
                              env={"COLUMNS": "400"})


@pytest.fixture
def sample_q3():
    if not (SAMPLE / "2025-Q3").is_dir():
        pytest.skip("sample inputs not generated")


def test_a_saved_email_is_opened_and_named_by_its_cover_period(sample_q3, tmp_path):
    result = check_cli(str(SAMPLE / "2025-Q3" / "Bao cao DHTT quy III-2025 - TTQH.eml"),
                       "--outputs", str(tmp_path))
    assert (result.exit_code, result.output) == (
        0, "Tệp Bao cao DHTT quy III-2025 - TTQH.eml (quý III năm 2025) hợp lệ, không có lỗi.\n")


def test_the_council_file_is_checked_as_the_council_file(sample_q3, tmp_path):
    result = check_cli(str(SAMPLE / "2025-Q3" / "hoi-dong.xlsx"), "--outputs", str(tmp_path))
    assert (result.exit_code, result.output) == (
        0, "Tệp hoi-dong.xlsx (quý III năm 2025) hợp lệ, không có lỗi.\n")


def test_the_period_comes_from_the_cover_of_a_file_outside_inputs(sample_q3, tmp_path):
    copy = tmp_path / "TTQH.eml"
    shutil.copyfile(SAMPLE / "2025-Q3" / "Bao cao DHTT quy III-2025 - TTQH.eml", copy)
    result = check_cli(str(copy), "--outputs", str(tmp_path / "out"))
    assert result.output == "Tệp TTQH.eml (quý III năm 2025) hợp lệ, không có lỗi.\n"


def test_period_option_checks_the_file_as_sent_for_that_period(sample_q3, tmp_path):
    copy = tmp_path / "KHTC.xlsx"
    shutil.copyfile(SAMPLE / "2025-Q3" / "KHTC_BaoCao_Q3_2025.xlsx", copy)
    result = check_cli(str(copy), "--period", "2025-Q2", "--outputs", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "B05" in result.output
    assert "Kết quả kiểm tra KHTC.xlsx – quý II năm 2025" in result.output


def test_a_council_file_outside_any_period_folder_takes_the_latest_period(sample_q3, tmp_path):
    copy = tmp_path / "hoi-dong.xlsx"
    shutil.copyfile(SAMPLE / "2025-Q3" / "hoi-dong.xlsx", copy)
    # the inputs as they stood at the end of the 2021-2025 plan: 2025-Q3 is the latest period
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs, ignore=shutil.ignore_patterns("2026-*"))
    result = CliRunner().invoke(app, ["check", str(copy), "--outputs", str(tmp_path / "out"),
                                      "--inputs", str(inputs), "--run-date", "2025-10-20",
                                      "--config", str(CONFIG)], env={"COLUMNS": "400"})
    assert (result.exit_code, result.output) == (
        0, "Tệp hoi-dong.xlsx (quý III năm 2025) hợp lệ, không có lỗi.\n")


def test_without_any_period_check_asks_for_one(tmp_path):
    path = tmp_path / "hoi-dong.xlsx"
    path.write_bytes(io.BytesIO(b"").getvalue())
    result = CliRunner().invoke(app, ["check", str(path), "--inputs", str(tmp_path / "none"),
                                      "--outputs", str(tmp_path / "out"), "--config",
                                      str(CONFIG)])
    assert (result.exit_code, result.output) == (2, (
        "Lỗi: Không xác định được kỳ báo cáo của tệp 'hoi-dong.xlsx' (trang bìa không ghi "
        "kỳ); hãy chỉ rõ kỳ, ví dụ: make check FILE=… PERIOD=2025-Q3.\n"))
