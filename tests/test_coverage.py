"""Unfinished years and review windows are said so: on the console, on the report's first
page, in the workbook's overview and in manifest.json."""

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import DEFAULT_PLAN
from pipeline.periods import Period, coverage_note, missing_quarters, periods_between

SAMPLE = Path(__file__).resolve().parents[1] / "inputs"
YEAR_2025 = periods_between(Period(2025, 1), Period(2025, 4))


@pytest.mark.parametrize(("present", "run_date", "expected"), [
    ({1, 2, 3, 4}, dt.date(2026, 1, 20), ""),
    ({1, 2}, dt.date(2026, 1, 20), "Số liệu năm 2025 mới đến hết quý II; chưa có quý III, quý IV."),
    ({1, 2, 3, 4}, dt.date(2025, 10, 20), "Số liệu năm 2025 mới đến hết quý III; chưa có quý IV."),
    ({1, 3, 4}, dt.date(2026, 1, 20), "Số liệu năm 2025 chưa có quý II."),
    (set(), dt.date(2026, 1, 20),
     "Số liệu năm 2025 chưa có quý nào (quý I, quý II, quý III, quý IV)."),
])
def test_the_sentence_names_the_missing_quarters(present, run_date, expected):
    with_files = {Period(2025, q) for q in present}
    missing = missing_quarters(YEAR_2025, with_files, run_date)
    assert coverage_note("năm 2025", YEAR_2025, missing) == expected


def test_a_window_over_several_years_names_the_year_of_each_quarter():
    window = periods_between(Period(2021, 1), Period(2023, 2))
    missing = missing_quarters(window, set(window) - {Period(2021, 1)}, dt.date(2023, 7, 1))
    expected = "Số liệu giai đoạn chưa có quý I năm 2021."
    assert coverage_note("giai đoạn", window, missing) == expected


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml.replace("</w:p>", "\n"))


@pytest.fixture(scope="module")
def unfinished_year(tmp_path_factory):
    """The sample inputs without 2025-Q3 (and without the council's ballots): an annual run in
    October sees Q1 and Q2 only."""
    if not (SAMPLE / "2025-Q2").is_dir():
        pytest.skip("sample inputs not generated")
    base = tmp_path_factory.mktemp("annual")
    inputs = base / "inputs"
    shutil.copytree(SAMPLE, inputs, ignore=shutil.ignore_patterns("2025-Q3", "*-hoi-dong"))
    result = CliRunner().invoke(app, ["annual", "--year", "2025", "--inputs", str(inputs),
                                      "--outputs", str(base / "out"), "--run-date",
                                      "2025-10-20", "--no-pdf"])
    return result, base / "out" / "2025"


NOTE = "Số liệu năm 2025 mới đến hết quý II; chưa có quý III, quý IV."


def test_console_says_which_quarters_are_missing(unfinished_year):
    result, _ = unfinished_year
    assert result.exit_code == 0, result.output
    assert f"Lưu ý: {NOTE}" in result.output


def test_report_says_it_on_its_first_page(unfinished_year):
    _, out = unfinished_year
    text = _docx_text(out / "BaoCao_2025.docx")
    assert f"Lưu ý: {NOTE}" in text
    # before the first numbered section: on the first page
    assert text.index(NOTE) < text.index("I. KẾT QUẢ THỰC HIỆN TRONG NĂM")


def test_workbook_overview_says_it_under_the_title(unfinished_year):
    _, out = unfinished_year
    sheet = load_workbook(out / "TongHop_2025.xlsx")["Tổng quan"]
    assert sheet["A3"].value == f"Lưu ý: {NOTE}"


def test_manifest_records_it(unfinished_year):
    _, out = unfinished_year
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["so_lieu"] == {"ky_da_co": ["2025-Q1", "2025-Q2"],
                                   "ky_con_thieu": ["2025-Q3", "2025-Q4"], "ghi_chu": NOTE}
    assert manifest["ky"] == "2025"
    listed = {f["tep"] for f in manifest["dau_vao"]}
    on_disk = {f"{p.parent.name}/{p.name}" for p in (out.parent.parent / "inputs").glob("*/*")
               if p.is_file() and p.parent.name <= "2025-Q4"}
    assert listed == on_disk
    assert manifest["tong_so_dong"]["chap_nhan"] == sum(r["chap_nhan"]
                                                        for r in manifest["so_dong"])


def test_a_finished_year_says_nothing(tmp_path):
    if not (SAMPLE / "2024-Q4").is_dir():
        pytest.skip("sample inputs not generated")
    result = CliRunner().invoke(app, ["annual", "--year", "2024", "--inputs", str(SAMPLE),
                                      "--outputs", str(tmp_path), "--run-date", "2025-01-20",
                                      "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "Lưu ý" not in result.output
    manifest = json.loads((tmp_path / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["so_lieu"]["ky_con_thieu"] == [] and manifest["so_lieu"]["ghi_chu"] == ""
    assert "Lưu ý" not in _docx_text(tmp_path / "2024" / "BaoCao_2024.docx")


def test_a_review_window_without_its_first_quarter_says_so(tmp_path):
    if not (SAMPLE / "2025-Q1").is_dir():
        pytest.skip("sample inputs not generated")
    result = CliRunner().invoke(app, ["so-ket", "--inputs", str(SAMPLE), "--outputs",
                                      str(tmp_path), "--run-date", "2023-07-20", "--no-pdf",
                                      "--config", str(DEFAULT_PLAN)])
    assert result.exit_code == 0, result.output
    note = ("Số liệu giai đoạn từ quý I năm 2021 đến quý II năm 2023 chưa có quý I năm 2021.")
    assert f"Lưu ý: {note}" in result.output
    folder = tmp_path / "so-ket-2021-2023"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["so_lieu"]["ghi_chu"] == note
    assert load_workbook(folder / "TongHop_so-ket-2021-2023.xlsx")["Tổng quan"]["A3"].value \
        == f"Lưu ý: {note}"
