"""Fuzzing a whole run: hypothesis builds unit workbooks full of garbage (wrong types, huge
strings, control characters, error cells, merged cells, empty and duplicate sheets) and the
report job must finish (status 0 or 1) with every sheet's rows accounted for."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import run
from pipeline.config import load_plan
from pipeline.intake.readers import ReaderPool
from pipeline.periods import Period
from schemas.sheets import COVER, COVER_ITEMS, council_sheet, sheets_for
from tests.template_fill import valid_rows

pytestmark = pytest.mark.slow  # end-to-end; `make test-fast` skips it

PLAN = load_plan()
PERIOD = Period(2025, 3)
RUN_DATE = dt.date(2025, 10, 20)
DATA_SHEETS = (*sheets_for(PLAN), council_sheet(PLAN))
ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")


@dataclass(frozen=True)
class Error:
    code: str


# --- cells --------------------------------------------------------------------------------------
def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


PLAUSIBLE = st.sampled_from([
    "VP", "KHTC", "QHKT", "vp", "XYZ", "VP-01", "VP-02", "vp-01", "Cá nhân", "Tập thể", "Mới",
    "Rút", "Điều chỉnh", "NVCT", "VHCS", "Toàn diện", "Chuyên đề", "Nữ", "Nam", "x", "Có",
    "Không", "2025-Q3", "Quý III/2025", "Q3/2025", "2025-Q2", "15/07/2025", "31/02/2025",
    "07/2025", "Hội nghị", "Tọa đàm", "Xuất sắc", "HTXSNV", "1e309", "-0", "18,5", "9.75",
    "Nguyễn Thị Hoà", "Rút ngắn thời gian thẩm định hồ sơ cấp phép xây dựng xuống 10 ngày",
    " ", "\u00a0", "=1+1", "'VP", "Nguyễn Thị Hòa", "NGUYỄN THỊ HOÀ", "G1", "N3", "V6",
])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
CONTROL = st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=4)
CELL = st.one_of(
    st.none(),
    PLAUSIBLE,
    st.integers(-10**15, 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    TEXT,
    st.tuples(TEXT, CONTROL, TEXT).map("".join),
    st.integers(1000, 32767).map(lambda n: "Đ" * n),  # up to Excel's longest cell text
    st.sampled_from(ERRORS).map(Error),
)


# --- sheets and books ---------------------------------------------------------------------------
@st.composite
def name_of(draw, decl) -> str:
    """The sheet's name as units spell it (case, diacritics, spaces, copies), or anything."""
    base = draw(st.sampled_from([decl.name, *decl.aliases]))
    change = draw(st.sampled_from([str, str, str.upper, str.lower, _strip_marks,
                                   lambda s: f" {s} ", lambda s: s + " (2)"]))
    return change(base) if draw(st.integers(0, 4)) else draw(TEXT)[:31]


@st.composite
def cover_rows(draw) -> list[list]:
    def mostly(*good: object) -> object:  # usually a value that is right
        return draw(st.sampled_from(good) if draw(st.integers(0, 3)) else CELL)

    values = {"Mã đơn vị": mostly("VP", "KHTC", "QHKT"),
              "Kỳ báo cáo": mostly("2025-Q3", "Quý III/2025"),
              "Ngày lập": mostly(dt.datetime(2025, 10, 5), "10/10/2025")}
    rows = [["Mục", "Nội dung"]]
    for item in COVER_ITEMS:
        if item.label in values:
            if draw(st.integers(0, 9)):
                rows.append([item.label, values[item.label]])
        elif draw(st.booleans()):
            rows.append([item.label, draw(CELL)])
    return draw(st.permutations(rows)) if draw(st.integers(0, 4)) == 0 else rows


def _cells(record: dict, columns) -> list:
    values = [record.get(c.key) for c in columns]
    return [dt.datetime.combine(v, dt.time()) if type(v) is dt.date else v for v in values]


VALID = valid_rows(PLAN, PERIOD, "VP", dt.date(2025, 10, 5)) | {"dieu_chinh": [
    {"ma_don_vi": "VP", "ma_dien_hinh": "VP-CN01", "tieu_chi": "G1", "diem": 15,
     "ly_do": "Hội đồng thẩm định lại minh chứng"}]}


@st.composite
def data_rows(draw, decl) -> list[list]:
    """Title rows, the declared header (perhaps damaged or missing), then valid rows of the
    template with some cells replaced by garbage, and garbage past the last column."""
    headers: list = [c.header for c in decl.columns]
    if draw(st.integers(0, 4)) == 0:
        headers[draw(st.integers(0, len(headers) - 1))] = draw(CELL)
    rows = draw(st.lists(st.lists(CELL, max_size=3), max_size=2))
    if draw(st.integers(0, 5)):
        rows.append(headers)
    for _ in range(draw(st.integers(0, 5))):
        row = _cells(draw(st.sampled_from(VALID[decl.key])), decl.columns)
        if draw(st.booleans()):
            for i in draw(st.lists(st.integers(0, len(row) - 1), max_size=3)):
                row[i] = draw(CELL)
        rows.append(row + draw(st.lists(CELL, max_size=2)))
    return rows


MERGES = st.lists(st.tuples(st.integers(0, 8), st.integers(0, 10), st.integers(1, 3)),
                  max_size=3, unique_by=lambda m: m[0])


@st.composite
def books(draw) -> list[dict]:
    """A cover (usually), data sheets (a sheet may come twice), empty and noise sheets."""
    sheets = []
    if draw(st.integers(0, 5)):
        sheets.append((draw(name_of(COVER)), draw(cover_rows())))
    for decl in draw(st.lists(st.sampled_from(DATA_SHEETS), max_size=5)):
        sheets.append((draw(name_of(decl)), draw(data_rows(decl))))
    for _ in range(draw(st.integers(0, 2))):
        noise = draw(st.just([]) | st.lists(st.lists(CELL, max_size=5), max_size=5))
        sheets.append((draw(TEXT.map(lambda s: s[:31])), noise))
    return [{"name": name, "rows": rows, "merges": draw(st.just([]) | st.just([]) | MERGES)}
            for name, rows in draw(st.permutations(sheets))]


def _write(ws, r: int, c: int, value: object, date) -> None:
    if value is None:
        return
    if isinstance(value, Error):
        ws.write_formula(r, c, "=1/0" if value.code == "#DIV/0!" else "=NA()", None, value.code)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, date)
    else:
        ws.write_string(r, c, value)


def workbook_bytes(book: list[dict]) -> bytes:
    """The book by xlsxwriter; sheet names set afterwards, so they may clash as in hostile files."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "nan_inf_to_errors": True})
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    for i, sheet in enumerate(book):
        ws = wb.add_worksheet(f"S{i}X")
        for r, row in enumerate(sheet["rows"]):
            for c, value in enumerate(row):
                _write(ws, r, c, value, date)
        for r, c, span in sheet["merges"]:
            ws.merge_range(r, c, r, c + span, "", date)
            cell = sheet["rows"][r][c] if r < len(sheet["rows"]) and c < len(
                sheet["rows"][r]) else None
            _write(ws, r, c, cell, date)
    wb.close()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                for i, sheet in enumerate(book):
                    name = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", sheet["name"])
                    text = text.replace(f'name="S{i}X"', f"name={quoteattr(name)}", 1)
                data = text.encode("utf-8")
            z.writestr(info, data)
    return target.getvalue()


FILE_NAMES = st.sampled_from(["VP_BaoCao_Q3_2025.xlsx", "bao cao DHTT quy 3.xlsx",
                              "KHTC-quy-3.xlsx", "Báo cáo ĐHTT (sửa lần 2).xlsx",
                              "hoi-dong.xlsx", "tệp.xls", "data.ods"])
BOOK = books()
FILES = st.dictionaries(FILE_NAMES, st.one_of(
    BOOK.map(workbook_bytes),
    BOOK.map(workbook_bytes),
    BOOK.map(workbook_bytes),
    BOOK.map(workbook_bytes).map(lambda b: b[: len(b) // 2]),  # cut short in transit
    st.binary(max_size=64),
), min_size=1, max_size=3)



# --- the run ------------------------------------------------------------------------------------
class _Shared:
    """The module's one reader pool, handed to the run as if it made its own."""

    def __init__(self, pool: ReaderPool):
        self.pool = pool

    def __enter__(self) -> ReaderPool:
        return self.pool

    def __exit__(self, *exc_info: object) -> None:
        return None


@pytest.fixture(scope="module")
def shared_pool():
    with ReaderPool() as pool, pytest.MonkeyPatch.context() as mp:
        mp.setattr(run, "ReaderPool", lambda: _Shared(pool))
        yield pool


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def check_run(files: dict[str, bytes], documents: bool) -> None:
    base = Path(tempfile.mkdtemp(prefix="dhtt-fuzz-"))
    patch = pytest.MonkeyPatch()
    if not documents:  # they take most of a run's time; a few examples below include them
        patch.setattr(run, "write_period_documents", lambda report, out: [])
    try:
        folder = base / "inputs" / str(PERIOD)
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        status = run.run_report(PLAN, PERIOD, base / "inputs", base / "outputs", RUN_DATE,
                                "2021-2025.toml", pdf=False)
        assert status in (0, 1)
        out = base / "outputs" / str(PERIOD)
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        assert {e["tep"] for e in manifest["dau_vao"]} == set(files)
        assert manifest["can_doi"] is True
        for entry in manifest["so_dong"]:  # a repeated nomination is merged (gop)
            assert entry["doc"] == (entry["chap_nhan"] + entry["tu_choi"] + entry["bi_thay_the"]
                                    + entry["gop"])
            assert min(entry["doc"], entry["chap_nhan"], entry["tu_choi"],
                       entry["bi_thay_the"], entry["gop"]) >= 0
        # Accepted rows are exactly the rows that reached the data files.
        for sheet, data in (("Người tốt việc tốt", "nguoi_tot_viec_tot.csv"),
                            ("Hoạt động", "hoat_dong.csv")):
            written = Counter(r["nguon"].split("!", 1)[0] for r in read_csv(out / "data" / data))
            accepted = Counter()
            for e in manifest["so_dong"]:
                if e["trang_tinh"] == sheet:
                    accepted[e["tep"]] += e["chap_nhan"]
            assert +written == +accepted, sheet
    finally:
        patch.undo()
        shutil.rmtree(base, ignore_errors=True)


SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(files=FILES)
def test_garbage_workbooks_never_crash_a_run_and_rows_always_balance(shared_pool, files):
    check_run(files, documents=False)


@settings(max_examples=4, deadline=None, suppress_health_check=SLOW)
@given(files=FILES)
def test_garbage_that_is_accepted_reaches_the_documents_safely(shared_pool, files):
    check_run(files, documents=True)
