"""Reader properties (hypothesis): valid rows written to a real .xlsx and read back through
`read_book` and `take_in` come out unchanged; the same rows written the way units really type
them (NFD text, codes in any case or without diacritics, extra spaces, text dates, decimal
commas, shuffled columns, title rows, "x"/"co" for yes) come out identical."""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import load_plan
from pipeline.findings import ERROR, WARNING
from pipeline.intake.nominations import nomination_key
from pipeline.intake.period import take_in
from pipeline.intake.readers import read_book
from pipeline.intake.rules import Registry
from pipeline.periods import ROMAN_OF, Period
from pipeline.sources import InputFile
from pipeline.text import strip_marks
from schemas.sheets import (
    ACTIVITY_FORMS,
    COVER,
    COVER_ITEMS,
    GENDERS,
    NO,
    RATING_NAMES,
    RATINGS,
    SCOPES,
    TYPES,
    YES,
    Column,
    Sheet,
    sheets_for,
)

PLAN = load_plan()
SHEETS = sheets_for(PLAN)
FILE = "don-vi.xlsx"
PLAN_START = dt.date(PLAN.plan.first_year, 1, 1)
PERIODS = [Period(year, quarter) for year in range(PLAN.plan.first_year, PLAN.plan.last_year + 1)
           for quarter in (1, 2, 3, 4)]
DATE_FORMATS = ("%d/%m/%Y", "{d}/{m}/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
TITLES = ("SỞ XÂY DỰNG TỈNH PHÚ THỌ", "BÁO CÁO ĐIỂN HÌNH TIÊN TIẾN", "(Kèm theo công văn số 15)")
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- valid rows ----------------------------------------------------------------------------
VN_LETTERS = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụ"
              "ưừứửữựvxyỳýỷỹỵ")
word = st.text(VN_LETTERS + VN_LETTERS.upper()[:40] + "0123456789", min_size=1, max_size=8)
sentence = st.lists(word, min_size=1, max_size=6).map(" ".join)
content = st.lists(st.text(VN_LETTERS, min_size=4, max_size=8), min_size=5,
                   max_size=10).map(" ".join)  # at least 24 characters
optional_text = st.none() | sentence
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Ngọc", "Thanh", "Minh", "Thuý")
GIVEN = ("Hoà", "Hòa", "Thuỷ", "Thủy", "Khoá", "Ánh", "Hương", "Tuấn", "Quỳnh", "Nguyệt", "Ước",
         "Đức", "Lan", "Huệ", "Loan")
person = st.tuples(st.sampled_from(FAMILY), st.lists(st.sampled_from(MIDDLE), max_size=2),
                   st.sampled_from(GIVEN)).map(lambda t: " ".join([t[0], *t[1], t[2]]))
collective = st.tuples(st.sampled_from(("Tổ", "Phòng", "Đội", "Bộ phận")), sentence).map(
    " ".join)
exemplar_code = st.text("ABCDEHKLMNPQTVXĐÔƠƯ0123456789-", min_size=1, max_size=20)
yes_no = st.sampled_from((None, YES, NO))


def decimal_score(maximum: int):
    """0 … maximum in hundredths: whole numbers and decimals."""
    return st.integers(0, maximum * 100).map(lambda n: Decimal(n).scaleb(-2))


@dataclass(frozen=True)
class UnitBook:
    """What a unit means to send: cover items and, per sheet, rows by column key."""

    period: Period
    unit: str
    cover: dict[str, object]
    rows: dict[str, list[dict]]

    @property
    def run_date(self) -> dt.date:
        return self.cover["ngay_lap"] + dt.timedelta(days=30)


@st.composite
def registration(draw, period: Period) -> dict:
    kind = draw(st.sampled_from(TYPES))
    scope = draw(st.sampled_from(SCOPES))
    row = {
        "stt": draw(st.none() | st.integers(1, 99)),
        "ma_dien_hinh": draw(exemplar_code), "loai": kind,
        "ten": draw(person if kind == "Cá nhân" else collective),
        "chuc_vu": draw(optional_text),
        "phong_trao": draw(st.sampled_from([m.code for m in PLAN.movements])),
        "pham_vi": scope,
        "linh_vuc": draw(sentence if scope == "Chuyên đề" else optional_text),
        "noi_dung": draw(content), "muc_tieu": draw(optional_text),
        "ngay_dang_ky": draw(st.dates(PLAN_START, period.last_day)),
        "trang_thai": draw(st.sampled_from((None, "Mới"))),
    }
    if kind == "Cá nhân":
        row["nam_sinh"] = draw(st.integers(1940, period.year - 18))
        row["gioi_tinh"] = draw(st.sampled_from(GENDERS))
    return row


@st.composite
def assessment(draw, reg: dict) -> dict:
    individual = reg["loai"] == "Cá nhân"
    row = {
        "stt": draw(st.none() | st.integers(1, 99)), "ma_dien_hinh": reg["ma_dien_hinh"],
        "ten": draw(st.sampled_from((None, reg["ten"]))),
        **{c.code: draw(decimal_score(c.max)) for c in PLAN.criteria_of(reg["phong_trao"])},
        "so_sang_kien": draw(st.none() | st.integers(0, 20)),
        "xep_loai_cb": draw(st.none() | st.sampled_from(RATINGS)) if individual else None,
        "ky_luat": draw(yes_no),
        "antt": draw(st.sampled_from((YES, NO)) if not individual and PLAN.movement(
            reg["phong_trao"]).security_gate else yes_no),
        "thanh_tich": draw(optional_text), "minh_chung": draw(optional_text),
    }
    return row


@st.composite
def good_deed(draw, period: Period) -> dict:
    return {
        "stt": draw(st.none() | st.integers(1, 99)), "ho_ten": draw(person),
        "nam_sinh": draw(st.none() | st.integers(1940, 2005)),
        "gioi_tinh": draw(st.none() | st.sampled_from(GENDERS)), "chuc_vu": draw(optional_text),
        "thang": draw(st.sampled_from(period.months)), "noi_dung": draw(content),
        "ket_qua": draw(optional_text), "hinh_thuc_khen": draw(optional_text),
        "tuyen_truyen": draw(yes_no),
    }


@st.composite
def activity(draw, period: Period) -> dict:
    return {
        "stt": draw(st.none() | st.integers(1, 99)),
        "ngay": draw(st.dates(period.first_day, period.last_day)),
        "hinh_thuc": draw(st.sampled_from(ACTIVITY_FORMS)), "noi_dung": draw(sentence),
        "so_nguoi": draw(st.none() | st.integers(0, 500)), "ghi_chu": draw(optional_text),
    }


@st.composite
def unit_books(draw) -> UnitBook:
    period = draw(st.sampled_from(PERIODS))
    unit = draw(st.sampled_from([u.code for u in PLAN.units_for(period)]))
    regs = draw(st.lists(registration(period), max_size=4,
                         unique_by=lambda r: r["ma_dien_hinh"].casefold()))
    scores = [draw(assessment(reg)) for reg in draw(st.permutations(regs))]
    cover = {
        "ma_don_vi": unit, "ten_don_vi": PLAN.unit(unit).name, "ky_bao_cao": str(period),
        "nguoi_lap": draw(person), "dien_thoai": draw(st.sampled_from((None, "0210 3846 123"))),
        "email": draw(st.sampled_from((None, "vanthu@phutho.gov.vn"))),
        "ngay_lap": period.last_day + dt.timedelta(days=draw(st.integers(0, 15))),
        "phien_ban_mau": PLAN.plan.template_version,
        "kho_khan": draw(optional_text), "de_xuat": draw(optional_text),
    }
    return UnitBook(period, unit, cover, {
        "dang_ky": regs, "cham_diem": scores,
        "nguoi_tot": draw(st.lists(good_deed(period), max_size=3)),
        "hoat_dong": draw(st.lists(activity(period), max_size=3)),
    })


# --- what the intake should accept --------------------------------------------------------
def expected_frames(book: UnitBook) -> dict[str, list[dict]]:
    """The accepted frames' records (without `nguon` and `row`) the rows must give."""
    unit, period, rows = book.unit, book.period, book.rows
    regs = {r["ma_dien_hinh"]: r for r in rows["dang_ky"]}
    reg_keys = ("loai", "ten", "nam_sinh", "gioi_tinh", "chuc_vu", "phong_trao", "pham_vi",
                "linh_vuc", "ngay_dang_ky", "noi_dung", "muc_tieu")
    registrations = sorted(
        ({"ma_don_vi": unit, "ma_dien_hinh": code, **{k: r.get(k) for k in reg_keys},
          "trang_thai": "Mới", "ky_dang_ky": str(period)} for code, r in regs.items()),
        key=lambda r: r["ma_dien_hinh"])
    assessments = []
    for r in rows["cham_diem"]:
        reg = regs[r["ma_dien_hinh"]]
        assessments.append({
            "ma_don_vi": unit, "ma_dien_hinh": reg["ma_dien_hinh"], "ten": reg["ten"],
            "loai": reg["loai"], "phong_trao": reg["phong_trao"],
            "ngay_dang_ky": reg["ngay_dang_ky"], "ky": str(period),
            "so_sang_kien": r["so_sang_kien"] or 0, "xep_loai_cb": r["xep_loai_cb"],
            "ky_luat": r["ky_luat"] == YES, "antt": None if r["antt"] is None else r["antt"] == YES,
            "thanh_tich": r["thanh_tich"], "minh_chung": r["minh_chung"],
            **{c.code: r.get(c.code) for c in PLAN.all_criteria},
        })
    deed_keys = ("ho_ten", "thang", "noi_dung")
    deed_extra = ("nam_sinh", "gioi_tinh", "chuc_vu", "ket_qua", "hinh_thuc_khen")
    deeds, seen = [], set()
    for r in rows["nguoi_tot"]:  # a nomination repeated is listed once (issue 21)
        key = nomination_key(unit, r["thang"], r["ho_ten"], r["noi_dung"])
        if key not in seen:
            seen.add(key)
            deeds.append({"ma_don_vi": unit, **{k: r[k] for k in deed_keys},
                          "de_nghi_tuyen_truyen": r["tuyen_truyen"] or YES,
                          **{k: r[k] for k in deed_extra}})
    activities = [{"ma_don_vi": unit, **{k: r[k] for k in ("ngay", "hinh_thuc", "noi_dung",
                                                           "so_nguoi", "ghi_chu")}}
                  for r in rows["hoat_dong"]]
    cover = book.cover
    nominations_only = rows["nguoi_tot"] and not any(
        rows[k] for k in rows if k != "nguoi_tot")  # a nomination file is not a report
    difficulties = [{"ma_don_vi": unit, "ten_don_vi": cover["ten_don_vi"],
                     "kho_khan": cover["kho_khan"] or "", "de_xuat": cover["de_xuat"] or ""}
                    ] if (cover["kho_khan"] or cover["de_xuat"]) and not nominations_only else []
    return {"registrations": registrations, "assessments": assessments, "good_deeds": deeds,
            "activities": activities, "difficulties": difficulties}


def accepted(result) -> dict[str, list[dict]]:
    intake = result.intake
    return {name: [{k: v for k, v in r.items() if k not in ("nguon", "row", "ngay_nhan", "trung")}
                   for r in getattr(intake, name).to_dict("records")]
            for name in ("registrations", "assessments", "good_deeds", "activities",
                         "difficulties")}


# --- writing: as the template lays it out, or as units really type it ----------------------
@dataclass
class Grid:
    """One sheet to write: its rows of cell values (row 0 is Excel row 1) and merged ranges."""

    key: str  # the sheet's key ("thong_tin", "dang_ky", …)
    name: str
    rows: list[list[object]]
    data_rows: list[int] = field(default_factory=list)  # Excel rows of the data, in order
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive


@dataclass
class Layout:
    grids: list[Grid]
    date_1904: bool = False


def canonical(book: UnitBook) -> Layout:
    cover = [[c.header for c in COVER.columns]] + [
        [item.label, book.cover[item.key]] for item in COVER_ITEMS
        if book.cover[item.key] is not None]
    grids = [Grid(COVER.key, COVER.name, cover)]
    for sheet in SHEETS:
        rows = book.rows[sheet.key]
        body = [[row.get(c.key) for c in sheet.columns] for row in rows]
        grids.append(Grid(sheet.key, sheet.name, [[c.header for c in sheet.columns], *body],
                          list(range(2, len(rows) + 2))))
    return Layout(grids)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def spaced(text: str) -> str:
    return "  " + "   ".join(text.split(" ")) + " "


MOVED_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy", "uý": "úy",
               "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


def moved_tones(name: str) -> str:
    """Old-style tone placement to new style: 'Hoà' -> 'Hòa', 'Thuỷ' -> 'Thủy'."""
    for old, new in MOVED_TONES.items():
        name = name.replace(old, new)
    return name


def text_variants(text: str) -> list[str]:
    return [text, nfd(text), spaced(text), nfd(spaced(text))]


def code_variants(code: str) -> list[str]:
    plain = strip_marks(code)
    return [code, code.upper(), code.lower(), plain, plain.upper(), plain.lower(),
            nfd(code.upper()), f"  {code} "]


YES_VARIANTS = ["Có", "có", "CÓ", "co", "Co", "x", "X", " x "]
NO_VARIANTS = ["Không", "không", "KHÔNG", "khong", "Khong "]


def date_variants(day: dt.date) -> list[object]:
    texts = [day.strftime(f.replace("{d}", str(day.day)).replace("{m}", str(day.month)))
             for f in DATE_FORMATS]
    return [day, dt.datetime.combine(day, dt.time(8, 30)), *texts, f" {texts[0]} "]


def variants(sheet_key: str, col: Column, value: object) -> list[object]:
    """Every way a unit may type `value` in this column that must read as `value`."""
    if col.kind == "date":
        return date_variants(value)
    if col.kind == "score":
        text = format(value, "f")
        return [float(value), text, text.replace(".", ","), f" {text.replace('.', ',')} "]
    if col.kind in ("int", "year", "month"):
        return [value, str(value), f" {value} "]
    if col.kind == "yesno":
        return YES_VARIANTS if value == YES else NO_VARIANTS
    if col.kind == "code":
        more = [RATING_NAMES[value], strip_marks(RATING_NAMES[value]).lower()] \
            if col.key == "xep_loai_cb" else []
        return code_variants(value) + more
    if col.key == "ma_dien_hinh":  # the registration's spelling is kept, case included
        return [value, nfd(value), f" {value}  "] if sheet_key == "dang_ky" else [
            value, value.lower(), value.upper(), f"  {value.lower()} ", nfd(value)]
    if sheet_key == "cham_diem" and col.key == "ten":  # an echo: case and tone placement free
        return [*text_variants(value), value.upper(), moved_tones(value), nfd(moved_tones(value))]
    return text_variants(value)


def header_variants(col: Column) -> list[str]:
    header = col.header
    out = [header, header.upper(), header.lower(), strip_marks(header), nfd(header),
           header.replace(" ", "\n", 1), f" {header}  "]
    if col.kind == "score":
        text = header.split(". ", 1)[1]
        out += [col.key, col.key.lower(), f"{col.key}: {strip_marks(text).upper()}"]
    return out


def sheet_name_variants(name: str) -> list[str]:
    return [name, name.upper(), strip_marks(name), strip_marks(name).lower(), nfd(name),
            f" {name} "]


def cover_value_variants(book: UnitBook, key: str, value: object) -> list[object]:
    period = book.period
    if key == "ky_bao_cao":
        roman = ROMAN_OF[period.quarter]
        return [value, f"Q{period.quarter}/{period.year}", f"Quý {roman}/{period.year}",
                f"Quý {period.quarter} năm {period.year}", f"quý {roman.lower()} năm {period.year}",
                nfd(f"QUÝ {roman} - {period.year}")]
    if key == "ma_don_vi":
        return [value, value.lower(), f" {value} "]
    if key == "ngay_lap":
        return date_variants(value)
    return text_variants(value)


titles = st.lists(st.sampled_from(TITLES), min_size=1, max_size=3).map(lambda ts: [[t] for t in ts])


@st.composite
def perturbed(draw, book: UnitBook) -> Layout:
    """The same content as `canonical(book)`, typed the way units really type it."""
    cover_rows = [[draw(st.sampled_from(header_variants(c))) for c in COVER.columns]]
    for item in COVER_ITEMS:
        value = book.cover[item.key]
        if value is not None:
            label = draw(st.sampled_from([item.label, item.label.upper(),
                                          strip_marks(item.label), f"{item.label}:"]))
            cover_rows.append([label, draw(st.sampled_from(
                cover_value_variants(book, item.key, value)))])
    cover = Grid(COVER.key, draw(st.sampled_from(sheet_name_variants(COVER.name))),
                 draw(titles) + cover_rows)
    grids = [cover, *(draw(perturbed_sheet(sheet, book.rows[sheet.key])) for sheet in SHEETS)]
    return Layout(draw(st.permutations(grids)), date_1904=draw(st.booleans()))


def two_row_header(draw, order: list[Column], top: int) -> tuple[list, list, list]:
    """A group title merged over each run of criteria, the criteria under it, and every
    other header merged down over both rows, as Vietnamese forms do."""
    upper, lower, merges = [], [], []
    for i, col in enumerate(order):
        if col.group:
            starts = i == 0 or order[i - 1].group != col.group
            upper.append(draw(st.sampled_from([col.group, col.group.upper()])) if starts else None)
            lower.append(draw(st.sampled_from(header_variants(col))))
            if starts:
                end = i
                while end + 1 < len(order) and order[end + 1].group == col.group:
                    end += 1
                if end > i:
                    merges.append((top, i, top, end))
        else:
            upper.append(draw(st.sampled_from(header_variants(col))))
            lower.append(None)
            merges.append((top, i, top + 1, i))
    return upper, lower, merges


EXTRA_HEADER = "Ghi chú riêng của đơn vị"


@st.composite
def perturbed_sheet(draw, sheet: Sheet, rows: list[dict]) -> Grid:
    """Shuffled columns under 1–3 title rows (a two-row header on 'Chấm điểm' now and then),
    maybe a column not in the template, blank and STT-only rows between the data rows."""
    order = list(draw(st.permutations(sheet.columns)))
    extra = draw(st.booleans())
    title = draw(titles)
    merges = []
    if any(c.group for c in order) and draw(st.booleans()):
        upper, lower, merges = two_row_header(draw, order, len(title))
        header = [upper + [EXTRA_HEADER] * extra, lower + [None] * extra]
    else:
        header = [[draw(st.sampled_from(header_variants(c))) for c in order]
                  + [EXTRA_HEADER] * extra]
    grid = Grid(sheet.key, draw(st.sampled_from(sheet_name_variants(sheet.name))),
                title + header, merges=merges)
    for row in rows:
        for _ in range(draw(st.integers(0, 2))):
            filler = draw(st.sampled_from(("blank", "stt", "extra") if extra else ("blank", "stt")))
            grid.rows.append([draw(st.integers(1, 99)) if filler == "stt" and c.key == "stt"
                              else None for c in order]
                             + ([draw(sentence) if filler == "extra" else None] if extra else []))
        grid.data_rows.append(len(grid.rows) + 1)
        grid.rows.append([None if row.get(c.key) is None else
                          draw(st.sampled_from(variants(sheet.key, c, row[c.key])))
                          for c in order] + ([draw(optional_text)] if extra else []))
    return grid


def write(path: Path, layout: Layout) -> bytes:
    """Real dates and numbers where the grid has them, text as text (never a formula)."""
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": layout.date_1904})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for grid in layout.grids:
        ws = workbook.add_worksheet(grid.name)
        for r, cells in enumerate(grid.rows):
            for c, value in enumerate(cells):
                if value is None or any(r0 <= r <= r1 and c0 <= c <= c1
                                        for r0, c0, r1, c1 in grid.merges):
                    continue
                if isinstance(value, dt.date):
                    if not isinstance(value, dt.datetime):
                        value = dt.datetime.combine(value, dt.time())
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, int | float | Decimal):
                    ws.write_number(r, c, float(value))
                else:
                    ws.write_string(r, c, value)
        for r0, c0, r1, c1 in grid.merges:
            ws.merge_range(r0, c0, r1, c1, grid.rows[r0][c0])
    workbook.close()
    return path.read_bytes()


def take(book: UnitBook, data: bytes):
    items = [(InputFile(FILE, data, "0"), read_book(data))]
    return take_in(PLAN, book.period, book.run_date, items, Registry())


def problems(result) -> list[tuple[str, str, str, str]]:
    return [(f.muc_do, f.trang_tinh, f.o, f.thong_bao) for f in result.intake.findings.itertuples()
            if f.muc_do in (ERROR, WARNING)]


def sources(result, book: UnitBook, layout: Layout) -> dict[str, list[str]]:
    """`nguon` of the accepted rows, and what it must be: file, sheet as written, Excel row."""
    intake = result.intake
    got = {"dang_ky": sorted(intake.registrations["nguon"]),
           "cham_diem": list(intake.assessments["nguon"]),
           # a repeated nomination is listed once, its repeats' sources under it (`trung`)
           "nguoi_tot": sorted([*intake.good_deeds["nguon"],
                                *(t for ts in intake.good_deeds["trung"] for t in ts)],
                               key=lambda n: int(n.rsplit("!", 1)[1])),
           "hoat_dong": list(intake.activities["nguon"])}
    grids = {grid.key: grid for grid in layout.grids}
    want = {key: [f"{FILE}!{grids[key].name}!{row}" for row in grids[key].data_rows]
            for key in got}
    want["dang_ky"].sort()
    return {"got": got, "want": want}


# --- the properties -------------------------------------------------------------------------
@SETTINGS
@given(st.data())
def test_valid_rows_read_back_unchanged_however_they_are_typed(data):
    book = data.draw(unit_books(), label="book")
    variant = data.draw(perturbed(book), label="perturbed")
    with tempfile.TemporaryDirectory() as tmp:
        plain = take(book, write(Path(tmp) / "plain.xlsx", canonical(book)))
        typed = take(book, write(Path(tmp) / "typed.xlsx", variant))

    assert problems(plain) == []
    assert accepted(plain) == expected_frames(book)
    found = sources(plain, book, canonical(book))
    assert found["got"] == found["want"]
    n = {key: len(rows) for key, rows in book.rows.items()}
    merged = n["nguoi_tot"] - len(expected_frames(book)["good_deeds"])
    assert plain.outcomes[0].counts == {
        key: [count, count - merged, 0, 0, merged] if key == "nguoi_tot" else
        [count, count, 0, 0, 0] for key, count in n.items()}

    assert problems(typed) == []
    assert accepted(typed) == accepted(plain)
    found = sources(typed, book, variant)
    assert found["got"] == found["want"]
    assert typed.outcomes[0].counts == plain.outcomes[0].counts
    assert pd.DataFrame.equals(typed.intake.submissions, plain.intake.submissions)


# --- found by the properties ---------------------------------------------------------------------
ONE_EXEMPLAR = UnitBook(
    Period(2025, 2), "VP",
    {"ma_don_vi": "VP", "ten_don_vi": "Văn phòng Sở", "ky_bao_cao": "2025-Q2",
     "nguoi_lap": "Lê Thị Lan", "dien_thoai": None, "email": None,
     "ngay_lap": dt.date(2025, 7, 5), "phien_ban_mau": None, "kho_khan": None, "de_xuat": None},
    {"dang_ky": [{"stt": 1, "ma_dien_hinh": "VP-01", "loai": "Cá nhân", "ten": "Nguyễn Thị Hoà",
                  "nam_sinh": 1985, "gioi_tinh": "Nữ", "phong_trao": "NVCT",
                  "pham_vi": "Toàn diện", "ngay_dang_ky": dt.date(2025, 4, 15),
                  "noi_dung": "Rút ngắn thời gian thẩm định hồ sơ xuống 10 ngày"}],
     "cham_diem": [{"stt": 1, "ma_dien_hinh": "VP-01", "G1": Decimal(18), "G2": Decimal("8.5"),
                    "G3": Decimal(9), "G4": Decimal(5), "G5": Decimal(5), "N1": Decimal(24),
                    "N2": Decimal(14), "N3": Decimal(9)}],
     "nguoi_tot": [], "hoat_dong": []})


@pytest.mark.parametrize("header", ["G1 (20 điểm)", "G1(20đ)", "G1 - 20"])
def test_a_score_header_with_its_maximum_after_the_code_is_found(tmp_path, header):
    """TEMPLATE.md: for score columns the criterion code at the start of the header is enough."""
    layout = canonical(ONE_EXEMPLAR)
    scores = next(g for g in layout.grids if g.key == "cham_diem")
    scores.rows[0] = [header if h.startswith("G1.") else h for h in scores.rows[0]]
    result = take(ONE_EXEMPLAR, write(tmp_path / FILE, layout))
    assert problems(result) == []
    assert list(result.intake.assessments["G1"]) == [Decimal(18)]
