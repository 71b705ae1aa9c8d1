"""Every file of the real-world robustness corpus through the worker pool: no crash, no hang.

The corpus lies in the shared folder beside the repository (read-only in CI); each file is
copied to tmp_path first and nothing of it is ever copied into the repository.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
import python_calamine

from pipeline.findings import CODES
from pipeline.intake.readers import ReaderPool
from pipeline.sources import InputFile, RawBook, RawSheet, UnreadableFile

SHARED = Path(__file__).resolve().parents[3] / "shared"
CORPUS = SHARED / "corpus" / "realworld"  # ../shared beside the checkout, if present

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent")]

# Outcomes the reader must give for the notable files (a code, or the format read).
EXPECTED = {
    "calamine/pass_protected.xlsx": "F02",
    "poi/protected_passtika.xlsx": "F02",
    "excelize/encryptAES.xlsx": "F02",
    "xlsx-populate/encrypted__input.xlsx": "F02",
    "poi/password.xls": "F02",
    "phpspreadsheet/pwtest.xls": "F02",
    "sheetjs/password_2002_40_xor.xls": "F02",
    "sheetjs/password_2002_128_strong.xls": "F02",
    "poi/xor-encryption-abc.xls": "F02",
    "roo/encrypted-letmein.ods": "F02",
    "calamine/pass_protected.ods": "F02",
    "poi/poc-xmlbomb.xlsx": "F05",
    "poi/poc-xmlbomb-empty.xlsx": "F05",
    "phpspreadsheet/empty.csv": "F03",
    "exceljs/test-issue-991.csv": "F04",
    "roo/iso_8859_1.csv": "F04",
    "sheetjs/ErrorTypes.xlsb": "F04",
    "sheetjs/LO7322.fods": "F04",
    "sheetjs/CRLFX5_2.XLS": "F04",
    "calamine/too_small.xls": "F04",
    "poi/xlsx-corrupted.xlsx": "F01",
    "exceljs/missing-bits.xlsx": "F01",
    "calamine/issue_594_dos.ods": "F01",
    "roo/type_excel.xlsx": "xls",
    "roo/type_openoffice.xlsx": "ods",
    "calamine/vba.xlsm": "xlsm",
    "calamine/number_rows_repeated.ods": "ods",
    "poi/57893-many-merges.xlsx": "xlsx",
}


def corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    files = (p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")
    return sorted(str(p.relative_to(CORPUS)) for p in files)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, RawBook | UnreadableFile]:
    copy = tmp_path_factory.mktemp("corpus")
    inputs = []
    for relative in corpus_files():
        target = copy / relative.replace("/", "__")
        shutil.copyfile(CORPUS / relative, target)
        inputs.append(InputFile(name=relative, data=target.read_bytes()))
    with ReaderPool(workers=2, deadline=20) as pool:
        results = pool.read_all(inputs)
    return dict(zip([f.name for f in inputs], results, strict=True))


def describe(outcome: RawBook | UnreadableFile) -> str:
    return outcome.code if isinstance(outcome, UnreadableFile) else outcome.format


def test_every_file_is_a_book_or_a_vietnamese_refusal(outcomes):
    assert len(outcomes) == len(corpus_files()) > 100
    for name, outcome in outcomes.items():
        if isinstance(outcome, UnreadableFile):
            assert outcome.code in CODES, name
            assert "đề nghị đơn vị" in outcome.message, name
        else:
            assert isinstance(outcome, RawBook), name
            assert outcome.format in ("xlsx", "xlsm", "xls", "ods"), name
            for sheet in outcome.sheets:
                assert all(isinstance(row, list) for row in sheet.rows), name


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_notable_files(outcomes, name, expected):
    assert describe(outcomes[name]) == expected


def test_the_looping_ole_file_is_refused_quickly(outcomes):
    assert describe(outcomes["phpspreadsheet/oleloop.xls"]) in ("F01", "F06")


def test_a_normal_xlsx_gives_its_sheets_values_and_visibility(outcomes):
    book = outcomes["sheetjs/sheet_visibility.xlsx"]
    assert [(s.name, s.visibility) for s in book.sheets] == [
        ("Visible", "visible"),
        ("Hidden", "hidden"),
        ("VeryHidden", "veryhidden"),
    ]
    assert book.sheets[0].rows == [list("visible"), [float(ord(c)) for c in "visible"]]


@pytest.mark.parametrize(
    ("name", "first_rows"),
    [
        ("calamine/date_1904.xlsx", [[dt.date(2021, 1, 1), 15.0], [dt.date(2021, 1, 2), 16.0]]),
        ("calamine/date_1904.xls", [[dt.date(2021, 1, 1), 15], [dt.date(2021, 1, 2), 16]]),
        ("sheetjs/1904.xls", [[1.0, dt.date(1904, 1, 2), "1904-01-02", "1904-01-02"]]),
    ],
)
def test_1904_dates(outcomes, name, first_rows):
    assert outcomes[name].sheets[0].rows[: len(first_rows)] == first_rows


def calamine_only(data: bytes) -> RawBook:
    """No sniffing, no defences: hand the bytes straight to calamine (for the limit test)."""
    with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        names = book.sheet_names
    return RawBook("xlsx", [RawSheet(name, []) for name in names])


def test_memory_limit_turns_an_allocation_abort_into_f06(tmp_path):
    # Without the sniffer, calamine allocates without end on oleloop.xls; under RLIMIT_AS the
    # Rust allocator aborts the worker, which the pool replaces.
    target = tmp_path / "oleloop.xls"
    shutil.copyfile(CORPUS / "phpspreadsheet/oleloop.xls", target)
    good = InputFile(name="ok.xlsx", data=(CORPUS / "sheetjs/sushi.xlsx").read_bytes())
    files = [InputFile(name=target.name, data=target.read_bytes()), good]
    with ReaderPool(workers=1, deadline=20, memory_limit=2**30, reader=calamine_only) as pool:
        results = pool.read_all(files)
    assert describe(results[0]) == "F06"
    assert results[1] == RawBook("xlsx", [RawSheet("Sheet1", [])])
