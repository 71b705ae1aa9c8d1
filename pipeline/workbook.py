"""The consolidated workbooks leadership reads (OUTPUTS.md, "The consolidated workbook").

Three writers, one per run kind: `write_period_workbook`, `write_annual_workbook`,
`write_review_workbook`. They take the report objects of `pipeline.model` and never change
them. Everything a person reads is Vietnamese; every column header comes from `HEADERS`.

Formatting choices, the same on every sheet:
- Times New Roman 11 (the workbook's default font, so empty cells and charts match).
- Numbers use the standard Excel codes `#,##0.00` (scores) and `#,##0` (counts). In a format
  code ',' and '.' are placeholders for "thousands separator" and "decimal point": Excel and
  LibreOffice show them with the reader's locale, so a Vietnamese Windows shows `1.234,50`.
  Writing `#.##0,00` would instead be taken literally and break on every machine.
  Years and months use `0` (no separator: 1985, not 1.985). Dates are `dd/mm/yyyy`.
- Header row frozen, autofilter on every table (several tables on a sheet are Excel tables,
  each with its own filter), widths fitted from the content (capped; long text wraps and the
  row height follows), A4 landscape, one page wide, header rows repeated, footer with the
  period label and "Trang &P/&N".
- Text typed by a unit is always written with `write_string` and the workbook is opened with
  `strings_to_formulas`/`strings_to_urls` off: "=SUM(...)" stays text, never a formula.
- Deterministic bytes: the document's creation date is the run date; xlsxwriter already fixes
  the zip entries' timestamps.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.worksheet import Worksheet

from pipeline import model, remote_book
from pipeline.config import Plan
from pipeline.findings import ERROR, NOTICE, SEVERITY_ORDER, WARNING
from pipeline.parallel import WriterFailed
from pipeline.periods import ROMAN_OF, parse_period
from pipeline.review import ACTIVE, WITHDRAWN
from pipeline.score import exemplar_key
from pipeline.streamed import StreamedWorksheet, write_columns
from pipeline.text import vn_date, vn_sort_key

FONT = "Times New Roman"
FONT_SIZE = 11
SCORE_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DELTA_FORMAT = "+#,##0;-#,##0;0"
PLAIN_INT_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"
MAX_TEXT_WIDTH = 46
LINE_HEIGHT = 13.0  # points per wrapped line of Times New Roman 11 (its line spacing is ~12.7)

PERIOD_SHEETS = ("Tổng quan", "Nộp báo cáo", "Đăng ký", "Chấm điểm", "Đề xuất",
                 "Người tốt việc tốt", "Hoạt động", "Khó khăn - Kiến nghị", "Lỗi dữ liệu")
ANNUAL_SHEETS = ("Tổng quan", "Đánh giá năm", "Đề nghị khen thưởng", "So sánh năm trước")
REVIEW_SHEETS = ("Tổng quan", "Xu hướng", "Số liệu", "Điển hình tiêu biểu",
                 "Sổ theo dõi điển hình")

CLASSES = ("Xuất sắc", "Tốt", "Đạt", "Chưa đạt")
TYPES = ("Tập thể", "Cá nhân")
STATUSES = (model.ON_TIME, model.LATE, model.MISSING, model.REJECTED)
YES, NO = "Có", "Không"

# ---- the one mapping from column id to the header a person reads ---------------------------------
HEADERS: dict[str, str] = {
    "stt": "STT",
    "ma_don_vi": "Mã đơn vị",
    "ten_don_vi": "Đơn vị",
    "ma_dien_hinh": "Mã điển hình",
    "loai": "Loại",
    "ten": "Tên điển hình",
    "nam_sinh": "Năm sinh",
    "gioi_tinh": "Giới tính",
    "chuc_vu": "Chức vụ",
    "phong_trao": "Phong trào",
    "pham_vi": "Phạm vi",
    "linh_vuc": "Lĩnh vực",
    "noi_dung": "Nội dung",
    "muc_tieu": "Mục tiêu, chỉ tiêu",
    "ngay_dang_ky": "Ngày đăng ký",
    "ky_dang_ky": "Kỳ đăng ký",
    "trang_thai": "Trạng thái",
    "tep": "Tệp",
    "ngay_lap": "Ngày lập",
    "ngay_nop": "Ngày nộp",
    "han_nop": "Hạn nộp",
    "nguoi_gui": "Người gửi",
    "so_loi": "Số lỗi",
    "so_canh_bao": "Số cảnh báo",
    "diem_chung": "Điểm chung",
    "diem_cu_the": "Điểm cụ thể",
    "tong_diem": "Tổng điểm",
    "xep_loai": "Xếp loại",
    "xep_loai_nam_truoc": "Xếp loại năm trước",
    "du_dieu_kien": "Đủ điều kiện",
    "ly_do": "Lý do không đủ điều kiện",
    "hang": "Hạng",
    "de_xuat": "Đề xuất",
    "giai_thich": "Giải thích",
    "dieu_chinh": "Điều chỉnh của Hội đồng",
    "so_sang_kien": "Số sáng kiến",
    "xep_loai_cb": "Xếp loại cán bộ",
    "ky_luat": "Kỷ luật",
    "antt": "Đạt chuẩn ANTT",
    "thanh_tich": "Thành tích nổi bật",
    "ky": "Kỳ",
    "ho_ten": "Họ và tên",
    "thang": "Tháng",
    "ket_qua": "Kết quả, tác dụng",
    "hinh_thuc_khen": "Hình thức đã khen",
    "de_nghi_tuyen_truyen": "Đề nghị tuyên truyền",
    "ngay": "Ngày",
    "hinh_thuc": "Hình thức",
    "so_nguoi": "Số người tham gia",
    "ghi_chu": "Ghi chú",
    "kho_khan": "Khó khăn, vướng mắc",
    "muc_do": "Mức độ",
    "trang_tinh": "Trang tính",
    "o": "Ô",
    "ma_loi": "Mã lỗi",
    "thong_bao": "Nội dung lỗi",
    # review frames (pipeline.review)
    "nam": "Năm",
    "dang_ky": "Đăng ký trong năm",
    "dang_ky_moi": "Đăng ký mới",
    "dang_theo_doi": "Đang theo dõi",
    "da_cham": "Được chấm điểm",
    "xuat_sac": "Xuất sắc",
    "tot": "Tốt",
    "dat": "Đạt",
    "chua_dat": "Chưa đạt",
    "ca_nhan_nam": "Cá nhân nam",
    "ca_nhan_nu": "Cá nhân nữ",
    "so_viec_tot": "Người tốt việc tốt",
    "so_de_nghi_tuyen_truyen": "Đề nghị tuyên truyền",
    "so_hoat_dong": "Hoạt động",
    "so_nguoi_tham_gia": "Lượt người tham gia",
    "so_nam_xuat_sac": "Số năm Xuất sắc",
    "nam_xuat_sac": "Các năm Xuất sắc",
    "ky_rut": "Kỳ rút",
    "ngay_rut": "Ngày rút",
    "su_kien": "Sự kiện",
    "so_du_dieu_kien": "Số đủ điều kiện trong nhóm",
    "chi_tieu": "Chỉ tiêu Giấy khen",
    "xep_loai_cb_nam_truoc": "Xếp loại cán bộ năm trước",
    # table-specific wording, looked up as "<table>.<column>" first
    "kho_khan.de_xuat": "Đề xuất, kiến nghị",
    "dang_ky.noi_dung": "Nội dung mô hình, thành tích",
    "nguoi_tot.noi_dung": "Nội dung việc tốt",
    "danh_gia.ky": "Kỳ đánh giá",
}

_CRITERION = re.compile(r"^([A-Z][0-9]{1,2})(_dv|_hd)?$")
# register columns per period / year (pipeline.review.period_column): tong_diem_2024_q3,
# xep_loai_2024_q3, xep_loai_2024, de_xuat_2024
_DATED = re.compile(r"^(tong_diem|xep_loai|de_xuat)_(\d{4})(?:_q([1-4]))?$")
_DATED_HEADERS = {"tong_diem": "Điểm", "xep_loai": "Xếp loại", "de_xuat": "Đề xuất"}
_DATE_COLUMNS = {"ngay_lap", "ngay_nop", "han_nop", "ngay_dang_ky", "ngay", "ngay_rut"}
_SCORE_COLUMNS = {"diem_chung", "diem_cu_the", "tong_diem", "diem"}
_PLAIN_INT_COLUMNS = {"nam_sinh", "thang", "nam", "stt"}
_COUNT_COLUMNS = {"so_loi", "so_canh_bao", "so_nguoi", "hang", "so_sang_kien", "dang_ky",
                  "dang_ky_moi", "dang_theo_doi", "da_cham", "xuat_sac", "tot", "dat",
                  "chua_dat", "ca_nhan_nam", "ca_nhan_nu", "so_viec_tot",
                  "so_de_nghi_tuyen_truyen", "so_hoat_dong", "so_nguoi_tham_gia",
                  "so_nam_xuat_sac", "so_du_dieu_kien", "chi_tieu"}
_FLAG_COLUMNS = {"du_dieu_kien", "ky_luat", "antt"}
_PERIOD_COLUMNS = {"ky", "ky_dang_ky", "ky_rut"}
_LONG_TEXT = {"noi_dung", "thanh_tich", "giai_thich", "dieu_chinh", "kho_khan", "de_xuat",
              "thong_bao", "ket_qua", "ly_do", "ghi_chu", "muc_tieu", "tep"}
_CENTERED = {"loai", "phong_trao", "gioi_tinh", "trang_thai", "xep_loai", "xep_loai_nam_truoc",
             "muc_do", "o", "ma_loi", "xep_loai_cb", "ma_don_vi", "pham_vi"}

# colours a leader reads at a glance (fills are light so black text stays legible)
CLASS_FILLS = {"Xuất sắc": "#C6EFCE", "Tốt": "#DDEBF7", "Đạt": "#FFF2CC", "Chưa đạt": "#F8CBAD"}
CLASS_CHART = {"Xuất sắc": "#2E7D32", "Tốt": "#1F77B4", "Đạt": "#F2B134", "Chưa đạt": "#C0504D"}
STATUS_FILLS = {model.ON_TIME: "#C6EFCE", model.LATE: "#FFEB9C", model.MISSING: "#F8CBAD",
                model.REJECTED: "#E6B8B7"}
STATUS_CHART = {model.ON_TIME: "#2E7D32", model.LATE: "#F2B134", model.MISSING: "#C0504D",
                model.REJECTED: "#7F3F98"}
SEVERITY_FILLS = {ERROR: "#F8CBAD", WARNING: "#FFEB9C", NOTICE: "#DDEBF7"}
FLAG_FILLS = {NO: "#F8CBAD"}
HEADER_FILL = "#D9E1F2"
COUNCIL_FILL = "#FFE699"
NOT_APPLICABLE_FILL = "#F2F2F2"
TYPE_CHART = {"Tập thể": "#1F4E79", "Cá nhân": "#9DC3E6"}


def header(column: str, table: str = "") -> str:
    """The Vietnamese header of a column id; criterion columns read 'G1 ĐV' / 'G1 HĐ'."""
    if f"{table}.{column}" in HEADERS:
        return HEADERS[f"{table}.{column}"]
    if column in HEADERS:
        return HEADERS[column]
    m = _CRITERION.match(column)
    if m:
        return m.group(1) + {"_dv": "\nĐV", "_hd": "\nHĐ", None: ""}[m.group(2)]
    m = _DATED.match(column)
    if m:
        what, year, quarter = m.groups()
        when = f"quý {ROMAN_OF[int(quarter)]}/{year}" if quarter else f"năm {year}"
        return f"{_DATED_HEADERS[what]} {when}"
    raise KeyError(f"no Vietnamese header for column '{column}'")


def has_header(column: str) -> bool:
    return column in HEADERS or bool(_CRITERION.match(column) or _DATED.match(column))


def kind_of(column: str) -> str:
    """How a column's values are written: date, score, int, count, flag, period, long or text."""
    if column in _DATE_COLUMNS:
        return "date"
    if _CRITERION.match(column):
        return "criterion"
    if column in _SCORE_COLUMNS or column.startswith("tong_diem_"):
        return "score"
    if column in _PLAIN_INT_COLUMNS:
        return "int"
    if column in _COUNT_COLUMNS:
        return "count"
    if column in _FLAG_COLUMNS:
        return "flag"
    if column in _PERIOD_COLUMNS:
        return "period"
    if column in _LONG_TEXT:
        return "long"
    return "text"


# ---- values --------------------------------------------------------------------------------------
def is_blank(value: object) -> bool:
    """None, NaN, pd.NA, NaT and '' are blank (frames from pandas may hold any of them)."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:  # the common cases first: this runs for every cell of a province's tables
        return not value.strip()
    if kind is float or kind is Decimal:
        return value != value  # NaN (what pandas checks for both)
    if kind is int or kind is bool or kind is dt.date:
        return False
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def display_text(value: object, kind: str) -> str:
    """What a cell shows, as text: for measuring widths and for text cells."""
    if is_blank(value):
        return ""
    if kind == "date":
        return vn_date(_as_date(value))
    if kind == "flag":
        return YES if _truthy(value) else NO
    if kind == "period":
        period = parse_period(value)
        return period.label_short if period else str(value)
    if kind == "score":
        return f"{Decimal(str(value)):,.2f}"
    if kind == "criterion":
        return f"{Decimal(str(value)).normalize():f}"
    if kind in ("count", "int"):
        return f"{int(value):,}" if kind == "count" else str(int(value))
    return str(value)


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in {"có", "true", "x", "1"}
    return bool(value)


def _as_date(value: object) -> dt.date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def unit_names(plan: Plan) -> dict[str, str]:
    return {u.code: u.name for u in plan.units}


def unit_positions(plan: Plan) -> dict[str, int]:
    """Each unit code's place in the plan (`Plan.unit_order` as one lookup table)."""
    positions: dict[str, int] = {}
    for i, unit in enumerate(plan.units):
        positions.setdefault(unit.code, i)
    return positions


def _texts(frame: pd.DataFrame, column: str) -> list[str]:
    """A column's values as text, '' for blanks and for a missing column."""
    if column not in frame:
        return [""] * len(frame)
    return ["" if is_blank(v) else str(v) for v in frame[column]]


def in_unit_order(frame: pd.DataFrame, plan: Plan, *then: str, by_name: str = "") -> pd.DataFrame:
    """A new frame in the plan's unit order, then by `then` columns, then by a name (Vietnamese)."""
    positions, after = unit_positions(plan), len(plan.units)
    units = _texts(frame, "ma_don_vi")
    rest = list(zip(*(_texts(frame, c) for c in then), strict=True)) if then else [()] * len(frame)
    names = ([() if is_blank(v) else vn_sort_key(v) for v in frame[by_name]]
             if by_name and by_name in frame else [()] * len(frame))
    keys = [(positions.get(u, after), u, r, n) for u, n, r in zip(units, names, rest, strict=True)]
    order = sorted(range(len(frame)), key=keys.__getitem__)
    return frame.iloc[order].reset_index(drop=True)


def with_unit_names(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """A new frame with `ten_don_vi` filled from the plan where it is missing."""
    names = unit_names(plan)
    given = frame["ten_don_vi"] if "ten_don_vi" in frame else pd.Series([None] * len(frame),
                                                                          index=frame.index)
    filled = [g if not is_blank(g) else names.get(str(c), "" if is_blank(c) else str(c))
              for g, c in zip(given, frame["ma_don_vi"], strict=True)]
    return frame.assign(ten_don_vi=filled)


def where(frame: pd.DataFrame, flags: Sequence[bool]) -> pd.DataFrame:
    """The rows whose flag is true, as a new frame (an empty list keeps the columns)."""
    return frame.loc[pd.Series(list(flags), index=frame.index, dtype=bool)].reset_index(drop=True)


def numbered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(stt=range(1, len(frame) + 1))


# ---- the sheet writer ----------------------------------------------------------------------------
class _Formats:
    """Formats built once per distinct property set (xlsxwriter wants them shared)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cache: dict[tuple, object] = {}
        self.cells: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"font_name": FONT, **props})
        return self.cache[key]

    def cell(self, kind: str, fill: str | None = None, bold: bool = False, column: str = ""):
        key = (kind, fill, bold, column)
        if key not in self.cells:
            self.cells[key] = self._cell(kind, fill, bold, column)
        return self.cells[key]

    def _cell(self, kind: str, fill: str | None, bold: bool, column: str):
        props: dict = {"border": 1, "border_color": "#A6A6A6", "valign": "top",
                       "font_size": FONT_SIZE}
        if kind == "score":
            props.update(num_format=SCORE_FORMAT, align="right")
        elif kind == "criterion":
            props.update(num_format=CRITERION_FORMAT, align="right")
        elif kind == "count":
            props.update(num_format=COUNT_FORMAT, align="right")
        elif kind == "int":
            props.update(num_format=PLAIN_INT_FORMAT,
                         align="center" if column == "stt" else "right")
        elif kind == "delta":
            props.update(num_format=DELTA_FORMAT, align="right")
        elif kind == "date":
            props.update(num_format=DATE_FORMAT, align="center")
        elif (kind in ("flag", "period", "centered") or column in _CENTERED
              or column.startswith("xep_loai")):
            props.update(align="center", text_wrap=True)
        else:
            props.update(text_wrap=True)
        if fill:
            props["bg_color"] = fill
        if bold:
            props["bold"] = True
        return self.get(**props)

    def rule(self, **props):
        """A conditional format's format (no font: the cell keeps its own)."""
        key = ("rule", *sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]

    def header(self):
        return self.get(bold=True, bg_color=HEADER_FILL, border=1, border_color="#808080",
                        align="center", valign="vcenter", text_wrap=True, font_size=FONT_SIZE)

    def title(self):
        return self.get(bold=True, font_size=14, align="center", valign="vcenter",
                        text_wrap=True)

    def subtitle(self):
        return self.get(italic=True, font_size=12, align="center", valign="vcenter")

    def section(self):
        return self.get(bold=True, font_size=12)

    def plain(self, **extra):
        return self.get(font_size=FONT_SIZE, **extra)


class _Columns:
    """A frame's columns as lists of Python values, each converted once, on first use."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.lists: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def values(self, column: str) -> list:
        """The column's values (all None for a column the frame lacks)."""
        if column not in self.lists:
            self.lists[column] = (self.frame[column].tolist() if column in self.frame
                                  else [None] * len(self.frame))
        return self.lists[column]

    def strings(self, column: str) -> list[str]:
        """The column's values as `str` gives them."""
        key = f"str:{column}"
        if key not in self.lists:
            self.lists[key] = [str(v) for v in self.values(column)]
        return self.lists[key]


# A table column's own fill per row (or None where the column has none): given the column id
# and the table's columns; a fill it gives wins over the value's fill of `fills`.
CellFill = Callable[[str, _Columns], Sequence[str | None] | None]
# The fill a CellFill gives a cell that a conditional format of the sheet paints: the cell is
# written without a fill of its own, and not at all when it is blank.
PAINTED = "painted"

ROWS_AT_ONCE = 2000  # a table is prepared and written this many rows at a time


@dataclass
class _TableColumn:
    """One column of a table being written: what to write per row and how to show it."""

    col: int
    column: str
    kind: str
    fills: dict[str, str]
    shown: Callable[[object], str]  # display_text for this column, computed once per value
    longest: int = 0  # the longest line of its texts
    line_breaks: bool = False  # whether a text holds a line break


@dataclass
class _Sheet:
    """One worksheet being written: remembers widths and wrapped texts to size rows."""

    ws: Worksheet
    fmt: _Formats
    widths: dict[int, float] = field(default_factory=dict)
    fixed: dict[int, float] = field(default_factory=dict)
    wrapped: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    header_rows: list[int] = field(default_factory=list)
    folded: set[int] = field(default_factory=set)  # columns grouped one level, collapsed

    def widen(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0), width)

    def final_widths(self) -> dict[int, float]:
        """Each column's width: the fixed one, else the widest content; capped."""
        final = {**self.widths, **self.fixed}
        return {c: min(w, MAX_TEXT_WIDTH) for c, w in final.items()}

    def write(self, row: int, col: int, value: object, kind: str, fmt, wrap: bool = True) -> None:
        """Write one value by its kind; text always as a string, never a formula."""
        ws = self.ws
        if is_blank(value):
            ws.write_blank(row, col, None, fmt)
            return
        if kind in ("score", "criterion", "count", "int", "delta"):
            ws.write_number(row, col, float(value) if kind in ("score", "criterion")
                            else int(value), fmt)
        elif kind == "date":
            ws.write_datetime(row, col, dt.datetime.combine(_as_date(value), dt.time()), fmt)
        else:
            text = display_text(value, kind)
            ws.write_string(row, col, text, fmt)
            if wrap:
                self.wrapped.setdefault(row, []).append((col, text))
        self.widen(col, _measure(display_text(value, kind), kind))

    def table(self, frame: pd.DataFrame, columns: Sequence[str], top: int, *, left: int = 0,
              name: str = "", fills: dict[str, dict[str, str]] | None = None,
              cell_fill: CellFill | None = None, headers: dict[str, str] | None = None) -> int:
        """Header at `top`, one row per record below; returns the last row written.

        Every column is measured first (so the sheet's widths are final: nothing may widen
        them afterwards), then the rows are written in order, each after its height, a few
        thousand at a time: a streamed sheet never goes back to a row."""
        fills = fills or {}
        texts = [(headers or {}).get(c) or header(c, name) for c in columns]
        table = [_TableColumn(left + j, c, kind_of(c), fills.get(c, {}), _shower(kind_of(c)))
                 for j, c in enumerate(columns)]
        for spec, text in zip(table, texts, strict=True):
            self.widen(spec.col, _header_width(text))
            if spec.column in frame:
                self._measure_column(frame[spec.column].tolist(), spec)
        widths = self.final_widths()
        # Without folded columns a row's height is its tallest cell's: a column whose every
        # text fits one line cannot make a row taller.
        wrapping = {s.col for s in table if self.folded or s.line_breaks
                    or s.longest > _line_length(widths.get(s.col, 10))}
        ws, head = self.ws, self.fmt.header()
        lines = self.row_lines(1, [(s.col, [t]) for s, t in zip(table, texts, strict=True)],
                               widths)
        ws.set_row(top, LINE_HEIGHT * max(lines[0], 1) + 3)
        for spec, text in zip(table, texts, strict=True):
            ws.write_string(top, spec.col, text, head)
        for start in range(0, len(frame), ROWS_AT_ONCE):
            rows = _Columns(frame.iloc[start:start + ROWS_AT_ONCE])
            cells = [(spec.col, *self._cells(rows, spec, cell_fill)) for spec in table]
            lines = self.row_lines(len(rows), [(col, texts) for col, *_, texts in cells
                                               if texts is not None and col in wrapping],
                                   widths)
            write_columns(ws, top + 1 + start, [cell[:4] for cell in cells],
                          [LINE_HEIGHT * count + 3 if count > 1 else None for count in lines])
        last = top + max(len(frame), 1)
        if not len(frame):
            for j in range(len(columns)):
                ws.write_blank(top + 1, left + j, None, self.fmt.cell("text"))
            ws.write_string(top + 1, left, "(không có)", self.fmt.cell("text"))
        return last

    def _measure_column(self, given: list, spec: _TableColumn) -> None:
        """Widen a table column to its widest value and note its longest line (each distinct
        value measured once)."""
        try:  # 1, 1.0 and True are equal but show differently: (type, value) if types mix
            distinct = (list(dict.fromkeys(given)) if len(set(map(type, given))) == 1
                        else [v for _, v in dict.fromkeys((type(v), v) for v in given)])
        except TypeError:  # an unhashable value
            distinct = given
        texts = [spec.shown(v) for v in distinct if not is_blank(v)]
        if texts:
            spec.line_breaks = any("\n" in t for t in texts)
            spec.longest = (max(len(line) for t in texts for line in t.split("\n"))
                            if spec.line_breaks else max(map(len, texts)))
            self.widen(spec.col, _width(spec.longest, spec.kind))

    def _cells(self, rows: _Columns, spec: _TableColumn, cell_fill: CellFill | None) -> tuple:
        """One table column over some rows: (how it is written: "string", "number" or
        "datetime"; values to write or None for a blank; formats; the wrapped texts or None
        for a column of numbers or dates)."""
        kind, column, fills, shown = spec.kind, spec.column, spec.fills, spec.shown
        given = rows.values(column)
        as_text = kind not in _NUMBER_KINDS and kind != "date"
        if as_text:
            written_as, values = "string", [None if is_blank(v) else shown(v) for v in given]
        elif kind == "date":
            written_as, values = "datetime", [
                None if is_blank(v) else dt.datetime.combine(_as_date(v), dt.time())
                for v in given]
        else:
            number = float if kind in ("score", "criterion") else int
            written_as, values = "number", [None if is_blank(v) else number(v) for v in given]
        # the text of every cell where it picks a fill
        texts = (values if as_text
                 else [None if x is None else shown(v) for v, x in zip(given, values,
                                                                       strict=True)]
                 if fills else None)
        own = cell_fill(column, rows) if cell_fill else None
        if not own and not fills:
            formats = [self.fmt.cell(kind, column=column)] * len(given)
        else:
            chosen = ([f or fills.get(t) for f, t in zip(own, texts, strict=True)] if own and fills
                      else [f or None for f in own] if own else [fills.get(t) for t in texts])
            by_fill = {f: self.fmt.cell(kind, None if f == PAINTED else f, column=column)
                       for f in dict.fromkeys(chosen)}  # in order: formats are numbered
            formats = [by_fill[f] for f in chosen]
            if PAINTED in by_fill:  # a blank painted cell is left out
                formats = [None if x is None and f == PAINTED else fmt
                           for fmt, f, x in zip(formats, chosen, values, strict=True)]
        return written_as, values, formats, values if as_text else None

    def row_lines(self, count: int, texts: Iterable[tuple[int, Sequence[str | None]]],
                  widths: dict[int, float]) -> list[int]:
        """Per row of `count` rows: the most lines one of its texts (given per column, None
        for no text) needs in its column's width; the folded (hidden) columns count only in a
        row that has nothing else; 0 for a row without text."""
        shown, every = [0] * count, [0] * count
        for col, column in texts:
            width, known = widths.get(col, 10), {}
            lines = [0 if t is None else known[t] if t in known
                     else known.setdefault(t, _lines(t, width)) for t in column]
            every = list(map(max, every, lines))
            if col not in self.folded:
                shown = list(map(max, shown, lines))
        return [s or e for s, e in zip(shown, every, strict=True)]

    def finish(self, *, freeze: tuple[int, int] | None, filter_range: tuple | None,
               footer_title: str, period_label: str, repeat: tuple[int, int] | None,
               side_margin: float = 0.4) -> None:
        """Widths, the heights of rows written by `write` and `_grid`, freeze, filter and
        print setup."""
        ws = self.ws
        final = self.final_widths()
        for col, width in sorted(final.items()):
            fold = {"level": 1, "hidden": True} if col in self.folded else {}
            ws.set_column(col, col, round(width, 1), None, fold)
        if self.folded:
            ws.outline_settings(True, True, True, False)  # "+" on the column after a group
            for col in sorted(self.folded):
                if col + 1 not in self.folded:
                    ws.set_column(col + 1, col + 1, round(final.get(col + 1, 8.43), 1), None,
                                  {"collapsed": True})
        headers = set(self.header_rows)
        for row, items in sorted(self.wrapped.items()):
            lines = self.row_lines(1, [(col, [text]) for col, text in items], final)[0]
            if lines > 1 or row in headers:
                ws.set_row(row, LINE_HEIGHT * max(lines, 1) + 3)
        if freeze:
            ws.freeze_panes(*freeze)
        if filter_range:
            ws.autofilter(*filter_range)
        _print_setup(ws, footer_title, period_label, repeat, side_margin)


_NUMBER_KINDS = ("score", "criterion", "count", "int", "delta")
_PLAIN_TEXT_KINDS = ("text", "long")


def _shower(kind: str) -> Callable[[object], str]:
    """`display_text` for a column of `kind`; the text of each distinct value is computed once
    (a string in a text column is its own text)."""
    texts: dict[tuple, str] = {}

    def shown(value: object) -> str:
        if kind in _PLAIN_TEXT_KINDS and type(value) is str:
            return value
        try:
            key = (type(value), value)
            if key not in texts:
                texts[key] = display_text(value, kind)
            return texts[key]
        except TypeError:  # an unhashable value
            return display_text(value, kind)
    return shown


def _measure(text: str, kind: str) -> float:
    """The width a text of a column of `kind` asks for."""
    return _width(max(len(line) for line in text.split("\n")), kind)


def _width(longest: int, kind: str) -> float:
    """The width a column of `kind` asks for, from its longest line of text."""
    if kind in ("score", "criterion", "count", "int", "delta"):
        return longest + 3
    if kind == "date":
        return 12
    return min(longest, MAX_TEXT_WIDTH if kind == "long" else 32) + 2


def _header_width(text: str) -> float:
    """Headers wrap between words: the longest word must fit, and short headers stay one line."""
    words = max((len(w) for w in text.split()), default=0)
    return max(words + 2, min(len(text), 14) + 2)


def _line_length(width: float) -> float:
    """Characters per line in a column: Times New Roman fits ~1.18 characters per width unit
    (the unit is Calibri's digit); a little margin for word breaks."""
    return max(width * 1.18 - 1.5, 1)


def _lines(text: str, width: float) -> int:
    """Wrapped lines of a text in a column."""
    usable = _line_length(width)
    return sum(max(1, math.ceil(len(part) / usable)) for part in text.split("\n"))


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _print_setup(ws: Worksheet, title: str, period_label: str,
                 repeat: tuple[int, int] | None, side_margin: float = 0.4) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=side_margin, right=side_margin, top=0.5, bottom=0.6)
    ws.center_horizontally()
    if repeat:
        ws.repeat_rows(*repeat)
    font = f'&"{FONT},Regular"&9'
    ws.set_footer(f"&L{font}{_footer_text(title)}&C{font}{_footer_text(period_label)}"
                  f"&R{font}Trang &P/&N")


def _book_options() -> dict:
    """xlsxwriter's options for our workbooks (a new dict each time: xlsxwriter changes it)."""
    return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE}}


@contextmanager
def _new_book(path: Path, run_date: dt.date, title: str, remote: bool = False,
              ) -> Iterator[tuple[xlsxwriter.Workbook, _Formats]]:
    """A workbook to fill, written to `path` when the block ends. Its temporary files (the
    streamed sheets' rows, the parts before they are zipped) live in a folder of their own,
    removed even when the block fails. `remote`: a RemoteBook, whose worker process writes
    the file (the block ends once every call is sent)."""
    properties = {"title": title, "author": "Văn phòng Sở Xây dựng",
                  "company": "Sở Xây dựng tỉnh Phú Thọ",
                  "created": dt.datetime.combine(run_date, dt.time())}
    try:
        book = remote_book.RemoteBook(str(path), _book_options()) if remote else None
    except (OSError, WriterFailed):  # no worker to be had: written here
        book = None
    if book is not None:
        try:
            book.set_properties(properties)
            yield book, _Formats(book)
            book.close()
        except BaseException:
            book.kill()
            raise
        return
    with tempfile.TemporaryDirectory(prefix="tonghop-") as scratch:
        book = xlsxwriter.Workbook(str(path), {**_book_options(), "tmpdir": scratch})
        book.set_properties(properties)
        yield book, _Formats(book)
        book.close()


def _add_sheet(book: xlsxwriter.Workbook, name: str, streamed: bool = True) -> Worksheet:
    """A new worksheet; a streamed one (rows written as they come) for a table that may be a
    province's size. The overview sheets stay in memory: their Excel tables (`add_table`) and
    their charts' cached values need the cells kept."""
    return book.add_worksheet(name, StreamedWorksheet if streamed else None)


def _titles(sheet: _Sheet, width: int, title: str, subtitle: str) -> None:
    """Title and subtitle centred across the table's columns (rows 0 and 1)."""
    ws, fmt = sheet.ws, sheet.fmt
    last = max(width - 1, 0)
    for row, text, height, style in ((0, title, 24, fmt.title()),
                                     (1, subtitle, 19, fmt.subtitle())):
        ws.set_row(row, height)
        if last:
            ws.merge_range(row, 0, row, last, text, style)
        else:
            ws.write_string(row, 0, text, style)


@dataclass(frozen=True)
class _Context:
    """What every sheet of one workbook shares."""

    plan: Plan
    label: str  # "quý II năm 2025", "năm 2024", "2021 – 2025"
    run_date: dt.date
    book_title: str

    @property
    def subtitle(self) -> str:
        return f"{self.label[:1].upper()}{self.label[1:]} — ngày lập: {vn_date(self.run_date)}"


def _table_sheet(book, fmt: _Formats, ctx: _Context, sheet_name: str, title: str,
                 frame: pd.DataFrame, columns: Sequence[str], *, name: str = "",
                 fills: dict | None = None, cell_fill: CellFill | None = None,
                 freeze_col: int = 0, fixed: dict[str, float] | None = None,
                 streamed: bool = True) -> _Sheet:
    """A sheet holding one table: title, subtitle, header at row 3, frozen and filtered
    (streamed unless a chart reads its cells)."""
    sheet = _Sheet(_add_sheet(book, sheet_name, streamed), fmt)
    for column, width in (fixed or {}).items():
        sheet.fixed[list(columns).index(column)] = width
    _titles(sheet, len(columns), title, ctx.subtitle)
    top = 3
    last = sheet.table(frame, columns, top, name=name, fills=fills, cell_fill=cell_fill)
    sheet.finish(freeze=(top + 1, freeze_col), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))
    return sheet


# ---- quarterly workbook --------------------------------------------------------------------------
def write_period_workbook(report: model.PeriodReport, path: Path,
                          remote: bool = False) -> remote_book.RemoteBook | None:
    """`TongHop_<period>.xlsx`: the nine sheets of OUTPUTS.md, in their order. `remote`: the
    cells are written and the file zipped by a worker process (remote_book) while the caller
    goes on; returns that RemoteBook (its `finishing()` waits for the file)."""
    plan, intake = report.plan, report.intake
    ctx = _Context(plan, report.period.label, report.run_date,
                   f"Tổng hợp điển hình tiên tiến {report.period.label}")
    with _new_book(Path(path), report.run_date, ctx.book_title, remote) as (book, fmt):
        _overview_sheet(book, fmt, ctx, report)
        _submissions_sheet(book, fmt, ctx, intake.submissions)
        _registrations_sheet(book, fmt, ctx, intake.registrations)
        _scores_sheet(book, fmt, ctx, report.scores)
        proposals = _proposals(report.scores)
        _proposal_sheet(book, fmt, ctx, "Đề xuất", proposals,
                        "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐỀ XUẤT GIỚI THIỆU",
                        "Không có điển hình được đề xuất trong kỳ.")
        _good_deeds_sheet(book, fmt, ctx, intake.good_deeds)
        _activities_sheet(book, fmt, ctx, intake.activities)
        _difficulties_sheet(book, fmt, ctx, intake.difficulties)
        _findings_sheet(book, fmt, ctx, intake.findings)
    return book if isinstance(book, remote_book.Remote) else None


def _proposals(scores: pd.DataFrame) -> pd.DataFrame:
    """The exemplars with a proposal, as a new frame."""
    return where(scores, [not is_blank(v) for v in scores["de_xuat"]])


def _submissions_sheet(book, fmt, ctx: _Context, submissions: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(in_unit_order(submissions, ctx.plan), ctx.plan))
    columns = ["stt", "ten_don_vi", "trang_thai", "tep", "ngay_lap", "ngay_nop", "han_nop",
               "so_loi", "so_canh_bao"]
    _table_sheet(book, fmt, ctx, "Nộp báo cáo", "TÌNH HÌNH NỘP BÁO CÁO CỦA CÁC ĐƠN VỊ", frame,
                 columns, fills={"trang_thai": STATUS_FILLS}, freeze_col=2,
                 fixed={"stt": 5, "trang_thai": 12})


def _registrations_sheet(book, fmt, ctx: _Context, registrations: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(
        in_unit_order(registrations, ctx.plan, "ma_dien_hinh"), ctx.plan))
    columns = ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "nam_sinh", "gioi_tinh",
               "chuc_vu", "phong_trao", "pham_vi", "linh_vuc", "noi_dung", "ngay_dang_ky",
               "ky_dang_ky", "trang_thai"]
    _table_sheet(book, fmt, ctx, "Đăng ký", "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN ĐĂNG KÝ", frame,
                 columns, name="dang_ky", freeze_col=4,
                 fixed={"stt": 5, "ten_don_vi": 22, "noi_dung": 40, "ten": 22})


def score_columns_shown(plan: Plan, scores: pd.DataFrame) -> list[str]:
    """Per criterion: the unit's score, and the council's beside it where the council scored."""
    out = []
    for crit in plan.all_criteria:
        out.append(f"{crit.code}_dv")
        council = f"{crit.code}_hd"
        if council in scores and any(not is_blank(v) for v in scores[council].dropna()):
            out.append(council)
    return out


# The scoring sheet must print one A4 landscape page wide (OUTPUTS.md) with ~25 criterion
# columns: every width is the narrowest that shows its values ("100.00", "Xuất sắc") on one
# line, and the long texts wrap in moderate columns (rows grow taller, the print scale stays
# as large as possible).
# A criterion's score shows as the unit typed it (General: 14, 9.5, 7.25), which fits a
# column two thirds as wide as "14.00"; the sums keep two decimals.
CRITERION_WIDTH = 4.3
CRITERION_FORMAT = "General"
SCORE_WIDTHS = {"stt": 4, "ten_don_vi": 12, "ma_dien_hinh": 8, "ten": 13, "loai": 7,
                "phong_trao": 6, "diem_chung": 6.3, "diem_cu_the": 6.3, "tong_diem": 6.3,
                "xep_loai": 8, "du_dieu_kien": 6.3, "ly_do": 12, "hang": 4.5, "de_xuat": 9.5,
                "giai_thich": 22, "dieu_chinh": 14}


def _scores_sheet(book, fmt: _Formats, ctx: _Context, scores: pd.DataFrame) -> None:
    plan = ctx.plan
    criteria = score_columns_shown(plan, scores)
    lead = ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao"]
    tail = ["diem_chung", "diem_cu_the", "tong_diem", "xep_loai", "du_dieu_kien", "ly_do",
            "hang", "de_xuat", "giai_thich", "dieu_chinh"]
    columns = lead + criteria + tail
    shown = scores[[c for c in scores.columns if c in {"ma_don_vi", *columns}]]  # sorted lighter
    frame = numbered(with_unit_names(in_unit_order(shown, plan, "ma_dien_hinh"), plan))
    own = {m.code: {c.code for c in plan.criteria_of(m.code)} for m in plan.movements}

    def council_fill(column: str, rows: _Columns) -> list[str | None] | None:
        m = _CRITERION.match(column)
        if not m:
            return None
        code = m.group(1)
        outside = {movement for movement, codes in own.items() if code not in codes}
        if m.group(2) != "_hd":
            return [PAINTED if movement in outside else None
                    for movement in rows.strings("phong_trao")]
        return [PAINTED if movement in outside else COUNCIL_FILL if not is_blank(value) else None
                for movement, value in zip(rows.strings("phong_trao"), rows.values(column),
                                           strict=True)]

    sheet = _Sheet(_add_sheet(book, "Chấm điểm"), fmt)
    for j, column in enumerate(columns):
        sheet.fixed[j] = CRITERION_WIDTH if _CRITERION.match(column) else SCORE_WIDTHS[column]
    _titles(sheet, len(columns), "BẢNG CHẤM ĐIỂM ĐIỂN HÌNH TIÊN TIẾN", ctx.subtitle)
    sheet.ws.write_string(2, 0, "ĐV: điểm đơn vị tự chấm; HĐ: điểm Hội đồng Thi đua - Khen "
                          "thưởng chấm lại (tô vàng, là điểm được dùng); ô xám: tiêu chí không "
                          "thuộc phong trào của điển hình.", fmt.plain(italic=True))
    top = 4
    _criteria_groups(sheet, plan, columns, top - 1)
    last = sheet.table(frame, columns, top, cell_fill=council_fill,
                       fills={"xep_loai": CLASS_FILLS, "du_dieu_kien": FLAG_FILLS})
    if len(frame):
        _not_applicable_rules(sheet, own, columns, top + 1, last)
    sheet.finish(freeze=(top + 1, 4), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top - 1, top),
                 side_margin=0.25)


def _not_applicable_rules(sheet: _Sheet, own: dict[str, set[str]], columns: list[str],
                          first: int, last: int) -> None:
    """The criterion cells outside the exemplar's movement (`own`: movement -> its criteria)
    grey and bordered by a conditional format on the movement column, the same look as a
    formatted blank cell: a province's sheet has hundreds of thousands of them."""
    movement = xl_col_to_name(columns.index("phong_trao"))
    outside: dict[tuple[str, ...], list[int]] = {}  # movements a criterion is not of -> columns
    for j, column in enumerate(columns):
        if m := _CRITERION.match(column):
            others = tuple(code for code, codes in own.items() if m.group(1) not in codes)
            if others:
                outside.setdefault(others, []).append(j)
    paint = sheet.fmt.rule(bg_color=NOT_APPLICABLE_FILL, border=1, border_color="#A6A6A6")
    for others, cols in outside.items():
        test = ",".join(f'EXACT(${movement}{first + 1},"{code.replace(chr(34), chr(34) * 2)}")'
                        for code in others)
        runs = _runs(cols)
        sheet.ws.conditional_format(first, runs[0][0], last, runs[0][1], {
            "type": "formula", "criteria": f"=OR({test})", "format": paint,
            "multi_range": " ".join(xl_range(first, a, last, b) for a, b in runs)})


def _runs(cols: list[int]) -> list[tuple[int, int]]:
    """Sorted column numbers as (first, last) runs of adjacent ones."""
    runs: list[tuple[int, int]] = []
    for col in cols:
        if runs and runs[-1][1] == col - 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def _criteria_groups(sheet: _Sheet, plan: Plan, columns: list[str], row: int) -> None:
    """A group row above the criteria: 'Tiêu chí chung', then each movement's short name."""
    groups = [("Tiêu chí chung", {c.code for c in plan.general_criteria})]
    groups += [(f"{m.short} ({m.code})", {c.code for c in m.criteria}) for m in plan.movements]
    head = sheet.fmt.header()
    lines = 1
    for title, codes in groups:
        cols = [j for j, c in enumerate(columns)
                if _CRITERION.match(c) and _CRITERION.match(c).group(1) in codes]
        if not cols:
            continue
        if _lines(title, len(cols) * CRITERION_WIDTH) > 2:  # a narrow block: the code alone
            title = title[title.rfind("(") + 1:-1]
        if len(cols) > 1:
            sheet.ws.merge_range(row, cols[0], row, cols[-1], title, head)
        else:
            sheet.ws.write_string(row, cols[0], title, head)
        lines = max(lines, _lines(title, len(cols) * CRITERION_WIDTH))
    sheet.ws.set_row(row, LINE_HEIGHT * lines + 3)


def _proposal_sheet(book, fmt: _Formats, ctx: _Context, sheet_name: str,
                    proposals: pd.DataFrame, title: str, empty: str) -> None:
    """The proposals ready to print and sign, with the two signature blocks below."""
    plan = ctx.plan
    frame = numbered(with_unit_names(in_unit_order(proposals, plan, "ma_dien_hinh"), plan))
    columns = ["stt", "ten_don_vi", "ten", "loai", "phong_trao", "tong_diem", "xep_loai", "hang",
               "de_xuat"]
    sheet = _Sheet(_add_sheet(book, sheet_name), fmt)
    fixed = {"stt": 5, "ten_don_vi": 30, "ten": 28, "loai": 9, "phong_trao": 10, "tong_diem": 9,
             "xep_loai": 10, "hang": 6, "de_xuat": 36}
    for j, column in enumerate(columns):
        sheet.fixed[j] = fixed[column]
    _titles(sheet, len(columns), title, ctx.subtitle)
    top = 3
    last = sheet.table(frame, columns, top, headers={"ten": "Điển hình"},
                       fills={"xep_loai": CLASS_FILLS})
    if frame.empty:
        sheet.ws.write_string(top + 1, 1, empty, fmt.cell("text"))
    _signatures(sheet, ctx, last + 2, len(columns))
    sheet.finish(freeze=(top + 1, 0), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))


def _signatures(sheet: _Sheet, ctx: _Context, row: int, width: int) -> None:
    """'NGƯỜI LẬP BIỂU' on the left, place and date then 'LÃNH ĐẠO SỞ' on the right."""
    ws, fmt = sheet.ws, sheet.fmt
    issuer = ctx.plan.issuer_on(ctx.run_date)
    day = ctx.run_date
    place = f"{issuer.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    right = (width // 2, width - 1)
    ws.merge_range(row, right[0], row, right[1], place,
                   fmt.plain(italic=True, align="center"))
    ws.merge_range(row + 1, 0, row + 1, 2, "NGƯỜI LẬP BIỂU", fmt.plain(bold=True, align="center"))
    ws.merge_range(row + 1, right[0], row + 1, right[1], "LÃNH ĐẠO SỞ",
                   fmt.plain(bold=True, align="center"))
    note = fmt.plain(italic=True, align="center")
    ws.merge_range(row + 2, 0, row + 2, 2, "(Ký, ghi rõ họ tên)", note)
    ws.merge_range(row + 2, right[0], row + 2, right[1], "(Ký, ghi rõ họ tên, đóng dấu)", note)


def _good_deeds_sheet(book, fmt, ctx: _Context, deeds: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(
        in_unit_order(deeds, ctx.plan, "thang", by_name="ho_ten"), ctx.plan))
    columns = ["stt", "ten_don_vi", "ho_ten", "nam_sinh", "gioi_tinh", "chuc_vu", "thang",
               "noi_dung", "ket_qua", "hinh_thuc_khen", "de_nghi_tuyen_truyen"]
    _table_sheet(book, fmt, ctx, "Người tốt việc tốt",
                 "GƯƠNG NGƯỜI TỐT, VIỆC TỐT", frame, columns, name="nguoi_tot", freeze_col=3,
                 fixed={"stt": 5, "ten_don_vi": 22, "noi_dung": 40, "thang": 8,
                        "de_nghi_tuyen_truyen": 12})


def _activities_sheet(book, fmt, ctx: _Context, activities: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(in_unit_order(activities, ctx.plan, "ngay"), ctx.plan))
    columns = ["stt", "ten_don_vi", "ngay", "hinh_thuc", "noi_dung", "so_nguoi", "ghi_chu"]
    _table_sheet(book, fmt, ctx, "Hoạt động", "HOẠT ĐỘNG XÂY DỰNG, NHÂN RỘNG ĐIỂN HÌNH TIÊN TIẾN",
                 frame, columns, freeze_col=2,
                 fixed={"stt": 5, "ten_don_vi": 26, "noi_dung": 46, "so_nguoi": 10})


def _difficulties_sheet(book, fmt, ctx: _Context, difficulties: pd.DataFrame) -> None:
    frame = numbered(with_unit_names(in_unit_order(difficulties, ctx.plan), ctx.plan))
    columns = ["stt", "ten_don_vi", "kho_khan", "de_xuat"]
    _table_sheet(book, fmt, ctx, "Khó khăn - Kiến nghị",
                 "KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ", frame, columns,
                 name="kho_khan", freeze_col=2,
                 fixed={"stt": 5, "ten_don_vi": 30, "kho_khan": 55, "de_xuat": 55})


def _findings_sheet(book, fmt, ctx: _Context, findings: pd.DataFrame) -> None:
    plan = ctx.plan
    rows = findings.to_dict("records")
    rows.sort(key=lambda r: (
        plan.unit_order(str(r.get("ma_don_vi") or "")), str(r.get("tep") or ""),
        str(r.get("trang_tinh") or ""), int(r.get("row") or 0) if not is_blank(r.get("row"))
        else 0, SEVERITY_ORDER.get(r.get("muc_do"), 9), str(r.get("o") or "")))
    frame = pd.DataFrame(rows, columns=list(findings.columns))
    names = unit_names(plan)
    frame = numbered(frame.assign(ten_don_vi=[
        names.get(str(c), "Chưa xác định đơn vị" if is_blank(c) else str(c))
        for c in frame["ma_don_vi"]]))
    columns = ["stt", "muc_do", "ten_don_vi", "tep", "trang_tinh", "o", "ma_loi", "thong_bao"]
    _table_sheet(book, fmt, ctx, "Lỗi dữ liệu", "LỖI VÀ CẢNH BÁO VỀ DỮ LIỆU CỦA CÁC ĐƠN VỊ",
                 frame, columns, fills={"muc_do": SEVERITY_FILLS}, freeze_col=2,
                 fixed={"stt": 5, "muc_do": 10, "ten_don_vi": 24, "tep": 26, "o": 6,
                        "ma_loi": 8, "thong_bao": 56})


# ---- quarterly overview --------------------------------------------------------------------------
def count_by(frame: pd.DataFrame, column: str, values: Iterable[str]) -> list[int]:
    """How many rows hold each of `values` in `column` (0 for a missing column)."""
    if frame is None or column not in frame:
        return [0 for _ in values]
    seen = [str(v) for v in frame[column] if not is_blank(v)]
    return [seen.count(v) for v in values]


def active_registrations(registrations: pd.DataFrame) -> pd.DataFrame:
    return where(registrations, [str(v) != "Rút" for v in registrations["trang_thai"]])


def key_figures(report: model.PeriodReport) -> list[tuple[str, int]]:
    """The quarter's headline numbers, in the order the overview shows them."""
    intake, scores = report.intake, report.scores
    status = dict(zip(STATUSES, count_by(intake.submissions, "trang_thai", STATUSES),
                      strict=True))
    regs = intake.registrations
    new = sum(1 for v in regs["ky_dang_ky"] if str(v) == str(report.period)) if (
        "ky_dang_ky" in regs) else 0
    eligible = [bool(v) for v in scores["du_dieu_kien"]] if len(scores) else []
    severities = count_by(intake.findings, "muc_do", (ERROR, WARNING))
    tell = count_by(intake.good_deeds, "de_nghi_tuyen_truyen", (YES,))[0]
    return [
        ("Đơn vị phải báo cáo", len(intake.submissions)),
        ("Đơn vị đã nộp (đúng hạn và muộn)", status[model.ON_TIME] + status[model.LATE]),
        ("Điển hình đang theo dõi", len(active_registrations(regs))),
        ("Điển hình đăng ký mới trong kỳ", new),
        ("Điển hình rút đăng ký trong kỳ", count_by(regs, "trang_thai", ("Rút",))[0]),
        ("Điển hình được chấm điểm", len(scores)),
        ("Xếp loại Xuất sắc", count_by(scores, "xep_loai", ("Xuất sắc",))[0]),
        ("Không đủ điều kiện xét khen", eligible.count(False)),
        ("Đề xuất giới thiệu điển hình", len(_proposals(scores))),
        ("Gương người tốt, việc tốt", len(intake.good_deeds)),
        ("Trong đó đề nghị tuyên truyền", tell),
        ("Hoạt động của các đơn vị", len(intake.activities)),
        ("Lỗi dữ liệu", severities[0]),
        ("Cảnh báo", severities[1]),
    ]


def exemplars_by_movement(plan: Plan, registrations: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Active exemplars per movement (short name): [collectives, individuals]."""
    active = active_registrations(registrations)
    out = []
    for m in plan.movements:
        rows = where(active, [str(v) == m.code for v in active["phong_trao"]])
        out.append((m.short, count_by(rows, "loai", TYPES)))
    return out


def classes_by_unit(plan: Plan, scores: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Classification counts per unit with scored exemplars, in the plan's order."""
    classes: dict[str, list[str]] = {}  # unit code -> its exemplars' classes (blanks left out)
    given = scores["xep_loai"] if "xep_loai" in scores else [None] * len(scores)
    for code, cls in zip(scores["ma_don_vi"], given, strict=True):
        classes.setdefault(str(code), []).extend(() if is_blank(cls) else (str(cls),))
    return [(unit.name, [classes[unit.code].count(c) for c in CLASSES])
            for unit in plan.units if unit.code in classes]


def _overview_sheet(book, fmt: _Formats, ctx: _Context, report: model.PeriodReport) -> None:
    plan, intake, prev = ctx.plan, report.intake, report.previous
    sheet = _Sheet(book.add_worksheet("Tổng quan"), fmt)
    ws = sheet.ws
    sheet.fixed.update({0: 44, 1: 12, 2: 12, 3: 12, 4: 12, 5: 12, 6: 3})
    _titles(sheet, 6, "TỔNG HỢP ĐIỂN HÌNH TIÊN TIẾN",
            f"{plan.issuer_on(ctx.run_date).name} — {ctx.subtitle}")
    then_label = "Quý trước" if prev is None else prev.period.label_short

    row = 3
    ws.write_string(row, 0, "1. Tình hình nộp báo cáo", fmt.section())
    now = count_by(intake.submissions, "trang_thai", STATUSES)
    before = count_by(prev.intake.submissions, "trang_thai", STATUSES) if prev else None
    status_top = row + 1
    row = _compare_table(sheet, status_top, "Trạng thái", STATUSES, now, before, then_label,
                         fills=STATUS_FILLS)
    row = _note(sheet, row + 1, 6, status_note(plan, intake.submissions))

    row += 2
    ws.write_string(row, 0, "2. Các chỉ số chính", fmt.section())
    figures = key_figures(report)
    previous_figures = dict(key_figures(prev)) if prev else None
    row = _compare_table(sheet, row + 1, "Chỉ tiêu", [f for f, _ in figures],
                         [v for _, v in figures],
                         [previous_figures[f] for f, _ in figures] if prev else None, then_label)
    row = _note(sheet, row + 1, 6, changes_note(plan, intake.registrations, report.period))

    row += 2
    ws.write_string(row, 0, "3. Điển hình đang theo dõi theo phong trào và loại", fmt.section())
    movement_top = row + 1
    by_movement = exemplars_by_movement(plan, intake.registrations)
    before_movement = dict(exemplars_by_movement(plan, prev.intake.registrations)) if prev else {}
    rows = [[name, *counts, sum(counts), sum(before_movement[name]) if prev else None]
            for name, counts in by_movement]
    row = _grid(sheet, movement_top, ["Phong trào", *TYPES, "Cộng", then_label, "Tăng, giảm"],
                [[*r, None if r[-1] is None else r[-2] - r[-1]] for r in rows],
                ["text", "count", "count", "count", "count", "delta"])

    row += 2
    ws.set_h_pagebreaks([row])  # sections 4 and 5 and their chart print on the second page
    ws.write_string(row, 0, "4. Xếp loại theo đơn vị", fmt.section())
    class_top = row + 1
    by_unit = classes_by_unit(plan, report.scores)
    row = _grid(sheet, class_top, ["Đơn vị", *CLASSES, "Cộng"],
                [[name, *counts, sum(counts)] for name, counts in by_unit],
                ["text", "count", "count", "count", "count", "count"],
                header_fills={CLASSES[i]: CLASS_FILLS[CLASSES[i]] for i in range(4)})

    row += 2
    ws.write_string(row, 0, "5. Điển hình đề xuất giới thiệu", fmt.section())
    proposals = in_unit_order(_proposals(report.scores), plan, "ma_dien_hinh")
    names = unit_names(plan)
    rows = [[f"{ten} ({names.get(unit, unit)})", loai, movement, total, cls]
            for ten, unit, loai, movement, total, cls in zip(
                *(proposals[c] for c in ("ten", "ma_don_vi", "loai", "phong_trao", "tong_diem",
                                         "xep_loai")), strict=True)]
    row = _grid(sheet, row + 1, ["Điển hình (đơn vị)", "Loại", "Phong trào", "Tổng điểm",
                                 "Xếp loại"], rows, ["text", "text", "text", "score", "text"])

    _overview_charts(book, sheet, status_top, movement_top, len(by_movement), class_top,
                     len(by_unit))
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)


def _names(plan: Plan, frame: pd.DataFrame) -> str:
    names = unit_names(plan)
    ordered = in_unit_order(frame, plan, "ma_dien_hinh")
    return "; ".join(f"{ten} ({names.get(str(unit), unit)})"
                     for ten, unit in zip(ordered["ten"], ordered["ma_don_vi"], strict=True))


def status_note(plan: Plan, submissions: pd.DataFrame) -> list[str]:
    """Which units are late, missing or rejected: the names behind the counts."""
    names, ordered = unit_names(plan), in_unit_order(submissions, plan)
    lines = []
    for status in (model.LATE, model.MISSING, model.REJECTED):
        units = [names.get(str(c), str(c)) for c, s in
                 zip(ordered["ma_don_vi"], ordered["trang_thai"], strict=True) if s == status]
        if units:
            lines.append(f"{status}: {'; '.join(units)}.")
    return lines or ["Tất cả các đơn vị đã nộp báo cáo đúng hạn."]


def changes_note(plan: Plan, registrations: pd.DataFrame, period) -> list[str]:
    """The exemplars registered and withdrawn in the period, by name."""
    new = where(registrations, [str(k) == str(period) and str(t) != "Rút" for k, t in
                                zip(registrations["ky_dang_ky"], registrations["trang_thai"],
                                    strict=True)]) if "ky_dang_ky" in registrations else None
    gone = where(registrations, [str(t) == "Rút" for t in registrations["trang_thai"]])
    lines = []
    if new is not None and len(new):
        lines.append(f"Đăng ký mới: {_names(plan, new)}.")
    if len(gone):
        lines.append(f"Rút đăng ký: {_names(plan, gone)}.")
    return lines


def _note(sheet: _Sheet, row: int, width: int, lines: Sequence[str]) -> int:
    """Italic lines merged across `width` columns, wrapped; returns the last row written."""
    last = row - 1
    span = sum(sheet.fixed.get(j, 8.43) for j in range(width))
    for i, text in enumerate(lines):
        fmt = sheet.fmt.plain(italic=True, text_wrap=True, valign="top")
        sheet.ws.merge_range(row + i, 0, row + i, width - 1, text, fmt)
        sheet.ws.set_row(row + i, LINE_HEIGHT * _lines(text, span) + 3)
        last = row + i
    return last


def _compare_table(sheet: _Sheet, top: int, first: str, labels: Sequence[str],
                   now: Sequence[int], before: Sequence[int] | None, then_label: str,
                   fills: dict[str, str] | None = None) -> int:
    """Label | Kỳ này | <then> | Tăng, giảm — an Excel table; returns the last row."""
    rows = [[label, n, None if before is None else before[i],
             None if before is None else n - before[i]] for i, (label, n) in
            enumerate(zip(labels, now, strict=True))]
    return _grid(sheet, top, [first, "Kỳ này", then_label, "Tăng, giảm"], rows,
                 ["text", "count", "count", "delta"], label_fills=fills)


def _grid(sheet: _Sheet, top: int, headers: Sequence[str], rows: Sequence[Sequence],
          kinds: Sequence[str], *, label_fills: dict[str, str] | None = None,
          header_fills: dict[str, str] | None = None) -> int:
    """A small Excel table (own filter) of plain values; returns its last row."""
    ws, fmt = sheet.ws, sheet.fmt
    for j, text in enumerate(headers):
        fill = (header_fills or {}).get(text)
        head = fmt.header() if not fill else fmt.get(
            bold=True, bg_color=fill, border=1, border_color="#808080", align="center",
            valign="vcenter", text_wrap=True, font_size=FONT_SIZE)
        ws.write_string(top, j, text, head)
        sheet.wrapped.setdefault(top, []).append((j, text))
    sheet.header_rows.append(top)
    for i, values in enumerate(rows, start=1):
        for j, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            fill = (label_fills or {}).get(str(value)) if j == 0 else None
            sheet.write(top + i, j, value, kind, fmt.cell(kind, fill))
    last = top + max(len(rows), 1)
    if not rows:
        ws.write_string(top + 1, 0, "(không có)", fmt.cell("text"))
        for j in range(1, len(headers)):
            ws.write_blank(top + 1, j, None, fmt.cell("text"))
    ws.add_table(top, 0, last, len(headers) - 1, {
        "style": None, "autofilter": True,
        "columns": [{"header": h, "header_format": fmt.header()} for h in headers]})
    for j, text in enumerate(headers):  # add_table rewrites headers: keep the fills
        fill = (header_fills or {}).get(text)
        if fill:
            ws.write_string(top, j, text, fmt.get(
                bold=True, bg_color=fill, border=1, border_color="#808080", align="center",
                valign="vcenter", text_wrap=True, font_size=FONT_SIZE))
    return last


def _chart_fonts(chart, title: str) -> None:
    font = {"name": FONT, "size": 10}
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_x_axis({"num_font": font})
    chart.set_y_axis({"num_font": font, "major_gridlines": {"visible": True,
                                                            "line": {"color": "#D9D9D9"}}})


def _overview_charts(book, sheet: _Sheet, status_top: int, movement_top: int, movements: int,
                     class_top: int, units: int) -> None:
    """Native charts beside the tables: submissions, exemplars by movement, classes by unit."""
    name = sheet.ws.get_name()
    pie = book.add_chart({"type": "pie"})
    pie.add_series({
        "name": "Tình hình nộp báo cáo",
        "categories": [name, status_top + 1, 0, status_top + 4, 0],
        "values": [name, status_top + 1, 1, status_top + 4, 1],
        "points": [{"fill": {"color": STATUS_CHART[s]}} for s in STATUSES],
        "data_labels": {"value": True, "position": "outside_end",
                        "font": {"name": FONT, "size": 10}},
    })
    pie.set_title({"name": "Tình hình nộp báo cáo",
                   "name_font": {"name": FONT, "size": 12, "bold": True}})
    pie.set_legend({"position": "right", "font": {"name": FONT, "size": 10}})
    sheet.ws.insert_chart(status_top - 1, 7, pie, {"x_scale": 1.0, "y_scale": 1.0,
                                                   "object_position": 1})

    column = book.add_chart({"type": "column"})
    for j, kind in enumerate(TYPES, start=1):
        column.add_series({
            "name": [name, movement_top, j],
            "categories": [name, movement_top + 1, 0, movement_top + max(movements, 1), 0],
            "values": [name, movement_top + 1, j, movement_top + max(movements, 1), j],
            "fill": {"color": TYPE_CHART[kind]},
            "data_labels": {"value": True, "font": {"name": FONT, "size": 9}},
        })
    _chart_fonts(column, "Điển hình theo phong trào và loại")
    sheet.ws.insert_chart(status_top + 15, 7, column, {"x_scale": 1.0, "y_scale": 1.0,
                                                       "object_position": 1})

    bar = book.add_chart({"type": "bar", "subtype": "stacked"})
    for j, cls in enumerate(CLASSES, start=1):
        bar.add_series({
            "name": [name, class_top, j],
            "categories": [name, class_top + 1, 0, class_top + max(units, 1), 0],
            "values": [name, class_top + 1, j, class_top + max(units, 1), j],
            "fill": {"color": CLASS_CHART[cls]},
            "gap": 60,
        })
    _chart_fonts(bar, "Xếp loại điển hình theo đơn vị")
    bar.set_y_axis({"reverse": True, "num_font": {"name": FONT, "size": 10}})
    bar.set_x_axis({"num_font": {"name": FONT, "size": 10}, "major_unit": 1,
                    "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    sheet.ws.insert_chart(class_top - 1, 7, bar, {
        "x_scale": 1.25, "y_scale": max(1.0, 0.35 + 0.12 * units), "object_position": 1})


# ---- annual workbook -----------------------------------------------------------------------------
PROPOSAL_ORDER = {model.BANG_KHEN: 0, model.GIAY_KHEN: 1, model.PRAISE: 2}


def write_annual_workbook(report: model.AnnualReport, path: Path) -> None:
    """`TongHop_<year>.xlsx`: overview, the year's evaluation, proposals, comparison."""
    plan = report.plan
    label = f"năm {report.year}"
    ctx = _Context(plan, label, report.run_date,
                   f"Đánh giá điển hình tiên tiến {label}")
    with _new_book(Path(path), report.run_date, ctx.book_title) as (book, fmt):
        evaluations = report.evaluations
        _annual_overview(book, fmt, ctx, report)
        frame = numbered(with_unit_names(in_unit_order(evaluations, plan, "ma_dien_hinh"), plan))
        columns = [c for c in ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao",
                               "ky", "diem_chung", "tong_diem", "xep_loai", "xep_loai_nam_truoc",
                               "du_dieu_kien", "ly_do", "hang", "de_xuat", "giai_thich"]
                   if c in frame]
        _table_sheet(book, fmt, ctx, "Đánh giá năm",
                     f"ĐÁNH GIÁ ĐIỂN HÌNH TIÊN TIẾN NĂM {report.year}", frame, columns,
                     name="danh_gia", fills={"xep_loai": CLASS_FILLS,
                                             "xep_loai_nam_truoc": CLASS_FILLS,
                                             "du_dieu_kien": FLAG_FILLS},
                     freeze_col=4, fixed={"stt": 5, "ten_don_vi": 22, "ten": 22, "ly_do": 24,
                                          "giai_thich": 46, "de_xuat": 24})
        proposals = _proposals(evaluations)
        order = sorted(range(len(proposals)), key=lambda i: (
            PROPOSAL_ORDER.get(proposals["de_xuat"].iloc[i], 9),
            plan.unit_order(str(proposals["ma_don_vi"].iloc[i])),
            str(proposals["ma_dien_hinh"].iloc[i])))
        _proposal_sheet_ordered(book, fmt, ctx, proposals.iloc[order].reset_index(drop=True),
                                report.year)
        _comparison_sheet(book, fmt, ctx, report)
        if report.vote is not None:
            _vote_sheet(book, fmt, ctx, report.vote)


# ---- the council's vote (issue 14) ---------------------------------------------------------------
VOTE_FILLS = {"Thông qua": "#C6EFCE", "Không thông qua": "#F8CBAD", "Chưa đủ số phiếu": "#FFEB9C"}


def _vote_sheet(book, fmt: _Formats, ctx: _Context, vote) -> None:
    """`Biểu quyết`: the council's tally per proposal (pipeline.council.tally.Vote), the quorum
    line, and a chart of each proposal's yes-share against its kind's threshold."""
    from pipeline.council.members import SHORT

    plan, table = ctx.plan, vote.table
    sheet = _Sheet(book.add_worksheet("Biểu quyết"), fmt)
    headers = ["STT", "Đơn vị", "Mã điển hình", "Tên điển hình", "Đề xuất", "Đồng ý",
               "Không đồng ý", "Không bỏ phiếu", "Chưa gửi phiếu", "Thành viên", "Tỷ lệ đồng ý",
               "Ngưỡng", "Tỷ lệ thông qua", "Kết quả", "Đề xuất sau biểu quyết", "Ghi chú"]
    kinds = ["int", "text", "text", "text", "text", "count", "count", "count", "count", "count",
             "score", "score", "centered", "centered", "text", "long"]
    sheet.fixed.update({0: 5, 1: 24, 2: 12, 3: 24, 4: 11, 5: 8, 6: 9, 7: 9, 8: 9, 9: 10, 10: 9,
                        11: 9, 12: 10, 13: 15, 14: 30, 15: 40})
    _titles(sheet, len(headers), f"KẾT QUẢ BIỂU QUYẾT CỦA {vote.council.upper()} NĂM "
            f"{vote.year}", ctx.subtitle)
    met = "đạt" if vote.quorum_met else "chưa đạt"
    from pipeline.council.members import share_text

    _note(sheet, 2, len(headers), [
        f"Ngày họp {vn_date(vote.meeting)}: {len(vote.present)}/{len(vote.members)} thành viên "
        f"gửi phiếu, {met} tỷ lệ tối thiểu {share_text(vote.quorum)}."])
    names = unit_names(plan)
    rows = []
    for i, r in enumerate(table.to_dict("records"), start=1):
        rule = vote.rules[r["de_xuat"]]
        rows.append([i, names.get(r["ma_don_vi"], r["ma_don_vi"]), r["ma_dien_hinh"], r["ten"],
                     SHORT.get(r["de_xuat"], r["de_xuat"]), r["dong_y"], r["khong_dong_y"],
                     r["khong_bo_phieu"], r["chua_gui"], r["thanh_vien"], r["ty_le"],
                     Decimal(rule.threshold.numerator) / Decimal(rule.threshold.denominator),
                     r["dieu_kien"], r["ket_qua"], r["de_xuat_thong_qua"], r["ghi_chu"]])
    top = 4
    last = _grid(sheet, top, headers, rows, kinds)
    for i, r in enumerate(rows, start=1):  # the result's colour
        sheet.ws.write_string(top + i, 13, r[13], fmt.cell("centered", VOTE_FILLS.get(r[13])))
    if rows:
        chart = book.add_chart({"type": "column"})
        name = sheet.ws.get_name()
        chart.add_series({"name": "Tỷ lệ đồng ý", "categories": [name, top + 1, 2, last, 2],
                          "values": [name, top + 1, 10, last, 10],
                          "fill": {"color": "#1F4E79"}, "gap": 60})
        line = book.add_chart({"type": "line"})
        line.add_series({"name": "Ngưỡng thông qua", "categories": [name, top + 1, 2, last, 2],
                         "values": [name, top + 1, 11, last, 11],
                         "line": {"none": True},
                         "marker": {"type": "dash", "size": 9,
                                    "border": {"color": "#C0504D"}, "fill": {"color": "#C0504D"}}})
        chart.combine(line)
        _chart_fonts(chart, "Tỷ lệ đồng ý của từng đề xuất so với ngưỡng thông qua")
        chart.set_y_axis({"min": 0, "max": 1, "major_unit": 0.1, "num_format": "0%",
                          "num_font": {"name": FONT, "size": 10},
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_size({"width": max(720, 26 * len(rows)), "height": 340})
        sheet.ws.insert_chart(last + 2, 1, chart, {"object_position": 1})
    sheet.finish(freeze=(top + 1, 3), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=(top, top))


def _proposal_sheet_ordered(book, fmt, ctx: _Context, proposals: pd.DataFrame,
                            year: int) -> None:
    """Annual proposals grouped by award (Bằng khen, Giấy khen, Biểu dương)."""
    plan = ctx.plan
    frame = numbered(with_unit_names(proposals, plan))
    columns = ["stt", "ten_don_vi", "ten", "loai", "phong_trao", "tong_diem", "xep_loai", "hang",
               "de_xuat"]
    sheet = _Sheet(_add_sheet(book, "Đề nghị khen thưởng"), fmt)
    fixed = {"stt": 5, "ten_don_vi": 30, "ten": 28, "loai": 9, "phong_trao": 10, "tong_diem": 9,
             "xep_loai": 10, "hang": 6, "de_xuat": 38}
    for j, column in enumerate(columns):
        sheet.fixed[j] = fixed[column]
    _titles(sheet, len(columns), f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG ĐIỂN HÌNH TIÊN TIẾN NĂM {year}",
            ctx.subtitle)
    top = 3
    last = sheet.table(frame, columns, top, headers={"ten": "Điển hình"},
                       fills={"xep_loai": CLASS_FILLS})
    if frame.empty:
        sheet.ws.write_string(top + 1, 1, "Không có điển hình được đề nghị khen thưởng.",
                              fmt.cell("text"))
    _signatures(sheet, ctx, last + 2, len(columns))
    sheet.finish(freeze=(top + 1, 0), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))


AWARDS = (model.BANG_KHEN, model.GIAY_KHEN, model.PRAISE)
AWARD_SHORT = {model.BANG_KHEN: "Bằng khen", model.GIAY_KHEN: "Giấy khen",
               model.PRAISE: "Biểu dương"}
AWARD_CHART = {model.BANG_KHEN: "#C0504D", model.GIAY_KHEN: "#1F4E79",
               model.PRAISE: "#9DC3E6"}
YEAR_CHART = ("#1F4E79", "#9DC3E6")  # this year, the year before
# the overviews of the annual and review workbooks: a label column, five count columns, then
# the unit column of the lists on the second page; on the first page the charts stand over it
OVERVIEW_WIDTHS = {0: 40, 1: 11, 2: 11, 3: 11, 4: 11, 5: 11, 6: 28}
OVERVIEW_CHART_COL = 6
CHART_ROWS = 16  # rows a chart takes (288 px of 20 px rows, and a gap)
CHART_PLACE = {"x_offset": 12, "x_scale": 1.1, "y_scale": 1.0, "object_position": 1}
LIST_COLUMNS = 7


def annual_figures(evaluations: pd.DataFrame | None) -> list[tuple[str, int]]:
    """The year's headline numbers: evaluated, eligible, classes, proposals by kind."""
    if evaluations is None:
        evaluations = pd.DataFrame(columns=[*model.DE_XUAT, "du_dieu_kien"])
    eligible = [bool(v) for v in evaluations["du_dieu_kien"]] if (
        "du_dieu_kien" in evaluations) else []
    proposals = count_by(evaluations, "de_xuat", AWARDS)
    return [
        ("Điển hình được đánh giá", len(evaluations)),
        ("Đủ điều kiện xét khen", eligible.count(True)),
        *[(f"Xếp loại {c}", n) for c, n in zip(CLASSES, count_by(evaluations, "xep_loai",
                                                                 CLASSES), strict=True)],
        *[(a, n) for a, n in zip(AWARDS, proposals, strict=True)],
    ]


def evaluated_by_movement(plan: Plan, evaluations: pd.DataFrame | None
                          ) -> list[tuple[str, list[int]]]:
    """Evaluated exemplars per movement (short name): [collectives, individuals]."""
    out = []
    for m in plan.movements:
        rows = (None if evaluations is None
                else where(evaluations, [str(v) == m.code for v in evaluations["phong_trao"]]))
        out.append((m.short, count_by(rows, "loai", TYPES)))
    return out


def proposals_by_movement(plan: Plan, evaluations: pd.DataFrame) -> list[tuple[str, list[int]]]:
    """Proposals per movement (short name): [Bằng khen, Giấy khen, Biểu dương]."""
    return [(m.short, count_by(where(evaluations, [str(v) == m.code
                                                   for v in evaluations["phong_trao"]]),
                               "de_xuat", AWARDS)) for m in plan.movements]


def year_changes(report: model.AnnualReport) -> list[str]:
    """What changed since the previous year, exemplar by exemplar, in one sentence."""
    previous = report.previous
    if previous is None:
        return [f"Năm {report.year - 1} không có số liệu đánh giá để so sánh."]
    rank = {c: i for i, c in enumerate(CLASSES)}
    up = down = same = first = 0
    for now, before in zip(report.evaluations["xep_loai"],
                           report.evaluations["xep_loai_nam_truoc"], strict=True):
        if is_blank(before):
            first += 1
        elif rank[str(now)] < rank[str(before)]:
            up += 1
        elif rank[str(now)] > rank[str(before)]:
            down += 1
        else:
            same += 1
    seen = {exemplar_key(u, c) for u, c in zip(report.evaluations["ma_don_vi"],
                                               report.evaluations["ma_dien_hinh"], strict=True)}
    gone = sum(1 for u, c in zip(previous["ma_don_vi"], previous["ma_dien_hinh"], strict=True)
               if exemplar_key(u, c) not in seen)
    return [f"So với năm {report.year - 1}: {up} điển hình nâng xếp loại, {down} điển hình giảm "
            f"xếp loại, {same} điển hình giữ nguyên; {first} điển hình lần đầu được đánh giá; "
            f"{gone} điển hình được đánh giá năm {report.year - 1} không còn trong danh sách "
            f"năm nay (đã rút hoặc không chấm điểm)."]


def award_list(plan: Plan, evaluations: pd.DataFrame, award: str) -> list[list]:
    """Rows of the overview's list of one award: name, type, movement, total, rank/quota,
    last year's class, unit — in the plan's unit order."""
    names = unit_names(plan)
    chosen = in_unit_order(where(evaluations, [v == award for v in evaluations["de_xuat"]]),
                           plan, "ma_dien_hinh")
    return [[r["ten"], r["loai"], r["phong_trao"], r["tong_diem"],
             f"{int(r['hang'])}/{int(r['chi_tieu'])}", r.get("xep_loai_nam_truoc"),
             names.get(str(r["ma_don_vi"]), str(r["ma_don_vi"]))]
            for r in chosen.to_dict("records")]


def _annual_overview(book, fmt: _Formats, ctx: _Context, report: model.AnnualReport) -> None:
    """Key figures against the year before, by movement and type, proposals by movement,
    who is proposed for Bằng khen and Giấy khen; two native charts beside the tables."""
    plan, now, before = ctx.plan, report.evaluations, report.previous
    sheet = _Sheet(book.add_worksheet("Tổng quan"), fmt)
    ws = sheet.ws
    sheet.fixed.update(OVERVIEW_WIDTHS)
    _titles(sheet, LIST_COLUMNS, f"ĐÁNH GIÁ ĐIỂN HÌNH TIÊN TIẾN NĂM {report.year}",
            f"{plan.issuer_on(ctx.run_date).name} — {ctx.subtitle}")
    this, then = f"Năm {report.year}", f"Năm {report.year - 1}"

    row = 3
    ws.write_string(row, 0, "1. Kết quả đánh giá và đề nghị khen thưởng", fmt.section())
    figures = annual_figures(now)
    previous = dict(annual_figures(before)) if before is not None else None
    figures_top = row + 1
    row = _grid(sheet, figures_top, ["Chỉ tiêu", this, then, "Tăng, giảm"],
                [[f, n, None if previous is None else previous[f],
                  None if previous is None else n - previous[f]] for f, n in figures],
                ["text", "count", "count", "delta"],
                label_fills={f"Xếp loại {c}": CLASS_FILLS[c] for c in CLASSES})
    row = _note(sheet, row + 1, LIST_COLUMNS - 1, year_changes(report))

    row += 2
    ws.write_string(row, 0, "2. Điển hình được đánh giá theo phong trào và loại", fmt.section())
    by_movement = evaluated_by_movement(plan, now)
    earlier = dict(evaluated_by_movement(plan, before)) if before is not None else None
    rows = []
    for short, counts in by_movement:
        total = sum(counts)
        old = None if earlier is None else sum(earlier[short])
        rows.append([short, *counts, total, old, None if old is None else total - old])
    row = _grid(sheet, row + 1, ["Phong trào", *TYPES, "Cộng", then, "Tăng, giảm"], rows,
                ["text", "count", "count", "count", "count", "delta"])

    row += 2
    ws.write_string(row, 0, "3. Đề nghị khen thưởng theo phong trào", fmt.section())
    awards_top = row + 1
    by_award = proposals_by_movement(plan, now)
    row = _grid(sheet, awards_top, ["Phong trào", *AWARD_SHORT.values(), "Cộng"],
                [[short, *counts, sum(counts)] for short, counts in by_award],
                ["text", "count", "count", "count", "count"])

    row = max(row + 2, figures_top - 1 + 2 * CHART_ROWS)
    ws.set_h_pagebreaks([row])  # the lists of names print on the second page, below the charts
    headers = ["Điển hình", "Loại", "Phong trào", "Tổng điểm", "Hạng/chỉ tiêu",
               "Xếp loại năm trước", "Đơn vị"]
    kinds = ["text", "centered", "centered", "score", "centered", "centered", "text"]
    for number, award in enumerate((model.BANG_KHEN, model.GIAY_KHEN), start=4):
        rows = award_list(plan, now, award)
        ws.write_string(row, 0, f"{number}. {award} ({len(rows)})", fmt.section())
        row = _grid(sheet, row + 1, headers, rows, kinds) + 2
    _note(sheet, row - 1, LIST_COLUMNS, [
        "Hạng/chỉ tiêu: thứ hạng của điển hình trong nhóm cùng phong trào và loại / số Giấy "
        f"khen của nhóm ({quota_text(plan)} số điển hình đủ điều kiện)."])

    _annual_charts(book, sheet, report, figures_top, awards_top, len(by_award),
                   previous is not None)
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)


def quota_text(plan: Plan) -> str:
    """The Giấy khen quota as a person reads it: '30 %'."""
    percent = Decimal(str(plan.awards.giay_khen_quota)) * 100
    return f"{percent.normalize():f} %".replace(".", ",")


def _annual_charts(book, sheet: _Sheet, report: model.AnnualReport, figures_top: int,
                   awards_top: int, movements: int, with_previous: bool) -> None:
    """Classification this year against the year before; proposals by movement (stacked)."""
    name = sheet.ws.get_name()
    first_class = figures_top + 3  # figure rows: evaluated, eligible, then the four classes
    classes = book.add_chart({"type": "column"})
    for j in (1, 2) if with_previous else (1,):
        classes.add_series({
            "name": [name, figures_top, j],
            "categories": [name, first_class, 0, first_class + 3, 0],
            "values": [name, first_class, j, first_class + 3, j],
            "fill": {"color": YEAR_CHART[j - 1]},
            "data_labels": {"value": True, "font": {"name": FONT, "size": 9}},
        })
    _chart_fonts(classes, f"Xếp loại điển hình năm {report.year}"
                 + (f" so với năm {report.year - 1}" if with_previous else ""))
    sheet.ws.insert_chart(figures_top - 1, OVERVIEW_CHART_COL, classes, CHART_PLACE)

    awards = book.add_chart({"type": "column", "subtype": "stacked"})
    for j, award in enumerate(AWARDS, start=1):
        awards.add_series({
            "name": [name, awards_top, j],
            "categories": [name, awards_top + 1, 0, awards_top + max(movements, 1), 0],
            "values": [name, awards_top + 1, j, awards_top + max(movements, 1), j],
            "fill": {"color": AWARD_CHART[award]}, "gap": 80,
            "data_labels": {"value": True, "num_format": "#,##0;;",
                            "font": {"name": FONT, "size": 9}},
        })
    _chart_fonts(awards, "Đề nghị khen thưởng theo phong trào")
    sheet.ws.insert_chart(figures_top - 1 + CHART_ROWS, OVERVIEW_CHART_COL, awards, CHART_PLACE)


def _comparison_sheet(book, fmt: _Formats, ctx: _Context, report: model.AnnualReport) -> None:
    """Year on year: by movement × type, and by classification."""
    plan, now, before = ctx.plan, report.evaluations, report.previous
    sheet = _Sheet(book.add_worksheet("So sánh năm trước"), fmt)
    sheet.fixed.update({0: 36, 1: 12, 2: 12, 3: 12, 4: 12})
    _titles(sheet, 5, f"SO SÁNH KẾT QUẢ NĂM {report.year} VỚI NĂM {report.year - 1}",
            ctx.subtitle)

    def count(frame, movement, kind):
        if frame is None:
            return None
        return sum(1 for m, k in zip(frame["phong_trao"], frame["loai"], strict=True)
                   if m == movement and k == kind)

    rows = []
    for m in plan.movements:
        for kind in TYPES:
            n, b = count(now, m.code, kind), count(before, m.code, kind)
            rows.append([m.short, kind, n, b, None if b is None else n - b])
    this, last_year = f"Năm {report.year}", f"Năm {report.year - 1}"
    sheet.ws.write_string(3, 0, "1. Điển hình được đánh giá theo phong trào và loại",
                          fmt.section())
    top = 4
    end = _grid(sheet, top, ["Phong trào", "Loại", this, last_year, "Tăng, giảm"], rows,
                ["text", "text", "count", "count", "delta"])
    sheet.ws.write_string(end + 2, 0, "2. Xếp loại", fmt.section())
    n = count_by(now, "xep_loai", CLASSES)
    b = count_by(before, "xep_loai", CLASSES) if before is not None else None
    rows = [[c, n[i], None if b is None else b[i], None if b is None else n[i] - b[i]]
            for i, c in enumerate(CLASSES)]
    _grid(sheet, end + 3, ["Xếp loại", this, last_year, "Tăng, giảm"], rows,
          ["text", "count", "count", "delta"], label_fills=CLASS_FILLS)
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)


# ---- review workbook (sơ kết / tổng kết) ---------------------------------------------------------
TREND_COLUMNS = ("dang_ky_moi", "dang_theo_doi", "da_cham", "xuat_sac", "tot", "dat",
                 "chua_dat")
DEED_TREND_COLUMNS = ("so_viec_tot", "so_de_nghi_tuyen_truyen", "so_hoat_dong",
                      "so_nguoi_tham_gia")


def write_review_workbook(report: model.ReviewReport, path: Path) -> None:
    """Sơ kết / tổng kết: overview, trends with charts, counts, honourees and the register."""
    plan = report.plan
    label = f"{report.first.label_short} – {report.last.label_short}"
    ctx = _Context(plan, label, report.run_date, report.title)
    with _new_book(Path(path), report.run_date, report.title) as (book, fmt):
        trend = review_trend(report)
        _review_overview(book, fmt, ctx, report, trend)
        _trend_sheet(book, fmt, ctx, trend)
        counts = numbered(with_unit_names(
            in_unit_order(report.counts, plan, "nam", "phong_trao"), plan))
        _generic_sheet(book, fmt, ctx, "Số liệu",
                       "SỐ LIỆU ĐIỂN HÌNH THEO NĂM, PHONG TRÀO VÀ ĐƠN VỊ", counts,
                       lead=["stt", "nam", "ten_don_vi", "phong_trao"])
        honourees = numbered(with_unit_names(
            in_unit_order(report.honourees, plan, by_name="ten"), plan))
        _generic_sheet(book, fmt, ctx, "Điển hình tiêu biểu",
                       "ĐIỂN HÌNH TIÊU BIỂU GIAI ĐOẠN ĐỀ NGHỊ TÔN VINH", honourees,
                       lead=["stt", "ten_don_vi", "ten"])
        register = numbered(with_unit_names(in_unit_order(report.register, plan, "ma_dien_hinh"),
                                            plan))
        _register_sheet(book, fmt, ctx, register)


# the register prints the awards short; the note above the table gives the full wording
REGISTER_AWARDS = {model.BANG_KHEN: "Bằng khen UBND tỉnh", model.GIAY_KHEN:
                   "Giấy khen Giám đốc Sở", model.PRAISE: model.PRAISE}
REGISTER_LEAD = ["stt", "ten_don_vi", "ma_dien_hinh", "ten", "loai", "phong_trao", "ky_dang_ky",
                 "trang_thai", "ky_rut"]
REGISTER_DETAILS = ["gioi_tinh", "nam_sinh", "ngay_dang_ky", "ngay_rut"]


def register_layout(columns: Iterable[str]) -> tuple[list[str], set[str]]:
    """The register's columns in print order, and those folded (grouped and collapsed).

    Per year: its quarters' scores, then the year's classification and proposal. A year with
    an annual evaluation folds its quarters behind it (one click on "+" shows them); a year the
    window cuts, without an annual evaluation, keeps its quarters in sight. Personal details
    are folded too: the printed page keeps one column per year and stays readable."""
    present = list(columns)
    order = [c for c in REGISTER_LEAD if c in present]
    folded = {c for c in REGISTER_DETAILS if c in present}
    order += [c for c in REGISTER_DETAILS if c in present]
    dated = [(m.group(2), c, m) for c in present if (m := _DATED.match(c))]
    for year in sorted({y for y, _, _ in dated}):
        quarters = [c for y, c, m in dated if y == year and m.group(3)
                    and m.group(1) == "tong_diem"]
        annual = [c for y, c, m in dated if y == year and not m.group(3)]
        order += quarters + annual
        if annual:
            folded.update(quarters)
    return order, folded


def quarter_class(column: str, rows: _Columns) -> list[str | None] | None:
    """A quarter's total (`tong_diem_2024_q3`) is filled with that quarter's class colour."""
    if not column.startswith("tong_diem_"):
        return None
    classes = rows.values("xep_loai_" + column.removeprefix("tong_diem_"))
    return [CLASS_FILLS.get(str(c)) for c in classes]


def _register_sheet(book, fmt: _Formats, ctx: _Context, register: pd.DataFrame) -> None:
    """Sổ theo dõi: one row per exemplar; a quarter's score is coloured by its class."""
    columns, folded = register_layout(register.columns)
    frame = register.assign(**{c: [REGISTER_AWARDS.get(v, v) for v in register[c]]
                               for c in register.columns if c.startswith("de_xuat_")})

    sheet = _Sheet(_add_sheet(book, "Sổ theo dõi điển hình"), fmt)
    fixed = {"stt": 4.5, "ten_don_vi": 18, "ma_dien_hinh": 9, "ten": 18, "loai": 8,
             "phong_trao": 7, "ky_dang_ky": 10, "trang_thai": 9, "ky_rut": 10,
             "gioi_tinh": 7, "nam_sinh": 7, "ngay_dang_ky": 11, "ngay_rut": 11}
    for j, column in enumerate(columns):
        if column.startswith("tong_diem_"):
            sheet.fixed[j] = 7
        elif column.startswith("xep_loai_"):
            sheet.fixed[j] = 8.5
        elif column.startswith("de_xuat_"):
            sheet.fixed[j] = 11
        else:
            sheet.fixed[j] = fixed[column]
        if column in folded:
            sheet.folded.add(j)
    _titles(sheet, len(columns), "SỔ THEO DÕI ĐIỂN HÌNH TIÊN TIẾN", ctx.subtitle)
    note = ("Điểm từng quý (tô màu theo xếp loại quý) được gộp sau mỗi năm: bấm dấu + trên "
            "đầu cột để mở. Bằng khen UBND tỉnh: đề nghị Chủ tịch UBND tỉnh tặng Bằng khen; "
            "Giấy khen Giám đốc Sở: đề nghị Giám đốc Sở tặng Giấy khen.")
    sheet.ws.write_string(2, 0, note, fmt.plain(italic=True))
    top = 3
    last = sheet.table(frame, columns, top, cell_fill=quarter_class,
                       fills={c: CLASS_FILLS for c in columns if c.startswith("xep_loai")})
    sheet.finish(freeze=(top + 1, 4), filter_range=(top, 0, last, len(columns) - 1),
                 footer_title=ctx.book_title, period_label=ctx.label, repeat=(top, top))


def review_trend(report: model.ReviewReport) -> pd.DataFrame:
    """Per year: the counts summed over units and movements, and deeds/activities."""
    years = sorted({int(y) for y in report.counts.get("nam", [])}
                   | {int(y) for y in report.deeds.get("nam", [])})
    rows = []
    for year in years:
        row = {"nam": year}
        for frame, columns in ((report.counts, TREND_COLUMNS), (report.deeds, DEED_TREND_COLUMNS)):
            of_year = where(frame, [int(y) == year for y in frame["nam"]])
            for column in columns:
                if column in frame:
                    row[column] = int(sum(int(v) for v in of_year[column] if not is_blank(v)))
        rows.append(row)
    present = [c for c in ("nam", *TREND_COLUMNS, *DEED_TREND_COLUMNS)
               if any(c in r for r in rows)]
    return pd.DataFrame(rows, columns=present or ["nam"])


def _generic_sheet(book, fmt, ctx: _Context, sheet_name: str, title: str, frame: pd.DataFrame,
                   lead: Sequence[str], hidden: Iterable[str] = ()) -> None:
    """A table sheet over whatever known columns the frame carries (codes replaced by names).

    A quarter's total (`tong_diem_2024_q3`) is coloured by that quarter's classification
    (`xep_loai_2024_q3`), which is then not repeated in a column of its own."""
    hidden = {"ma_don_vi", "nguon", "row", *hidden}
    columns = [c for c in lead if c in frame]
    columns += [c for c in frame.columns
                if c not in columns and c not in hidden and has_header(c)]

    fixed = {"stt": 5, "ten_don_vi": 22, "ten": 22, "giai_thich": 40}
    fixed.update({c: 7 for c in columns if c.startswith("tong_diem_")})
    class_fills = {c: CLASS_FILLS for c in columns if c.startswith("xep_loai")}
    _table_sheet(book, fmt, ctx, sheet_name, title, frame, columns,
                 fills={"xep_loai": CLASS_FILLS, **class_fills}, cell_fill=quarter_class,
                 freeze_col=min(len(lead), 4),
                 fixed={c: w for c, w in fixed.items() if c in columns})


def _trend_sheet(book, fmt: _Formats, ctx: _Context, trend: pd.DataFrame) -> None:
    sheet = _table_sheet(book, fmt, ctx, "Xu hướng", "XU HƯỚNG QUA CÁC NĂM", trend,
                         list(trend.columns), fixed={"nam": 8}, streamed=False)
    name, top, years = sheet.ws.get_name(), 3, len(trend)
    if not years:
        return
    columns = list(trend.columns)
    line = book.add_chart({"type": "line"})
    for column, colour in (("dang_theo_doi", "#1F4E79"), ("da_cham", "#2E7D32"),
                           ("so_viec_tot", "#C0504D"), ("so_hoat_dong", "#F2B134")):
        if column in columns:
            j = columns.index(column)
            line.add_series({"name": [name, top, j],
                             "categories": [name, top + 1, 0, top + years, 0],
                             "values": [name, top + 1, j, top + years, j],
                             "line": {"color": colour, "width": 2.25},
                             "marker": {"type": "circle", "fill": {"color": colour},
                                        "border": {"color": colour}}})
    _chart_fonts(line, "Điển hình, người tốt việc tốt và hoạt động qua các năm")
    sheet.ws.insert_chart(top + years + 2, 0, line, {"x_scale": 1.4, "y_scale": 1.1,
                                                     "object_position": 1})
    stacked = book.add_chart({"type": "column", "subtype": "stacked"})
    for column, cls in zip(("xuat_sac", "tot", "dat", "chua_dat"), CLASSES, strict=True):
        if column in columns:
            j = columns.index(column)
            stacked.add_series({"name": [name, top, j],
                                "categories": [name, top + 1, 0, top + years, 0],
                                "values": [name, top + 1, j, top + years, j],
                                "fill": {"color": CLASS_CHART[cls]}, "gap": 80})
    _chart_fonts(stacked, "Xếp loại điển hình qua các năm")
    sheet.ws.insert_chart(top + years + 2, 8, stacked, {"x_scale": 1.2, "y_scale": 1.1,
                                                        "object_position": 1})


YEAR_COLUMNS = ("dang_ky_moi", "dang_theo_doi", "xuat_sac", "so_viec_tot", "so_hoat_dong")
YEAR_COLOURS = {"dang_ky_moi": "#BDD7EE", "dang_theo_doi": "#1F4E79", "xuat_sac": "#2E7D32",
                "so_viec_tot": "#C0504D", "so_hoat_dong": "#9DC3E6"}


def _review_overview(book, fmt: _Formats, ctx: _Context, report: model.ReviewReport,
                     trend: pd.DataFrame) -> None:
    """The window's key figures, the years side by side, movements and types, the honourees;
    a line chart of exemplars and a column chart of deeds and activities beside the tables."""
    plan = ctx.plan
    sheet = _Sheet(book.add_worksheet("Tổng quan"), fmt)
    ws = sheet.ws
    sheet.fixed.update(OVERVIEW_WIDTHS)
    _titles(sheet, LIST_COLUMNS, report.title.upper(), ctx.subtitle)
    ws.set_row(0, 36)

    row = 3
    ws.write_string(row, 0, "1. Các chỉ số chính của giai đoạn", fmt.section())
    figures_top = row + 1
    row = _grid(sheet, figures_top, ["Chỉ tiêu", "Số lượng"],
                [[f, n] for f, n in review_figures(report)], ["text", "count"])
    row = _note(sheet, row + 1, LIST_COLUMNS - 1, [window_note(report)])

    row += 2
    ws.write_string(row, 0, "2. Kết quả qua các năm", fmt.section())
    years_top = row + 1
    years = review_years(report, trend)
    row = _grid(sheet, years_top, ["Năm", *(header(c) for c in YEAR_COLUMNS)], years,
                ["text", *("count" for _ in YEAR_COLUMNS)])

    row += 2
    ws.write_string(row, 0, "3. Điển hình đăng ký theo phong trào và loại", fmt.section())
    row = _grid(sheet, row + 1, ["Phong trào", *TYPES, "Cộng", "Đang theo dõi", "Tiêu biểu"],
                registered_by_movement(plan, report), ["text", *("count" for _ in range(5))])

    row = max(row + 2, figures_top - 1 + 2 * CHART_ROWS)
    ws.set_h_pagebreaks([row])  # the honourees print on the second page, below the charts
    honourees = honouree_list(plan, report.honourees)
    ws.write_string(row, 0, f"4. {model.PERIOD_EXEMPLAR} đề nghị tôn vinh ({len(honourees)})",
                    fmt.section())
    _grid(sheet, row + 1, ["Điển hình", "Loại", "Phong trào", "Số năm Xuất sắc",
                           "Các năm Xuất sắc", "Trạng thái", "Đơn vị"], honourees,
          ["text", "centered", "centered", "count", "centered", "centered", "text"])

    _review_charts(book, sheet, figures_top, years_top, len(years))
    sheet.finish(freeze=(3, 0), filter_range=None, footer_title=ctx.book_title,
                 period_label=ctx.label, repeat=None)


def _total(frame: pd.DataFrame, column: str) -> int:
    return int(sum(int(v) for v in frame[column] if not is_blank(v))) if column in frame else 0


def review_figures(report: model.ReviewReport) -> list[tuple[str, int]]:
    """The window's headline numbers: exemplars (from the register), honourees, deeds."""
    register = report.register
    status = [str(v) for v in register["trang_thai"]]
    dated = [c for c in register.columns if c.startswith("tong_diem_")]
    assessed = sum(1 for r in register[dated].itertuples(index=False)
                   if any(not is_blank(v) for v in r)) if dated else 0
    return [
        ("Điển hình đăng ký trong giai đoạn", len(register)),
        ("Điển hình đang theo dõi cuối giai đoạn", status.count(ACTIVE)),
        ("Điển hình đã rút đăng ký", status.count(WITHDRAWN)),
        ("Điển hình được chấm điểm", assessed),
        ("Lượt xếp loại Xuất sắc (cộng các năm)", _total(report.counts, "xuat_sac")),
        ("Điển hình tiêu biểu đề nghị tôn vinh", len(report.honourees)),
        ("Gương người tốt, việc tốt", _total(report.deeds, "so_viec_tot")),
        ("Trong đó đề nghị tuyên truyền", _total(report.deeds, "so_de_nghi_tuyen_truyen")),
        ("Hoạt động của các đơn vị", _total(report.deeds, "so_hoat_dong")),
        ("Lượt người tham gia hoạt động", _total(report.deeds, "so_nguoi_tham_gia")),
    ]


def year_label(report: model.ReviewReport, year: int) -> str:
    """'2023', or '2023 (quý I – II)' for a year the window cuts."""
    first = report.first if report.first.year == year else None
    last = report.last if report.last.year == year else None
    start, end = (first.quarter if first else 1), (last.quarter if last else 4)
    if (start, end) == (1, 4):
        return str(year)
    if start == end:
        return f"{year} (quý {ROMAN_OF[start]})"
    return f"{year} (quý {ROMAN_OF[start]} – {ROMAN_OF[end]})"


def window_note(report: model.ReviewReport) -> str:
    done = sorted(report.annual)
    cut = [y for y in range(report.first.year, report.last.year + 1) if y not in done]
    text = (f"Giai đoạn từ {report.first.label} đến {report.last.label}; "
            f"đã đánh giá cả năm: {', '.join(str(y) for y in done) or 'chưa có năm nào'}")
    if cut:
        text += (f"; năm {', '.join(str(y) for y in cut)} tính theo các quý trong giai đoạn, "
                 "chưa đánh giá cả năm")
    return text + "."


def review_years(report: model.ReviewReport, trend: pd.DataFrame) -> list[list]:
    """One row per year: its label, then YEAR_COLUMNS from the trend (0 where absent)."""
    return [[year_label(report, int(r["nam"])),
             *(0 if is_blank(r.get(c)) else int(r[c]) for c in YEAR_COLUMNS)]
            for r in trend.to_dict("records")]


def registered_by_movement(plan: Plan, report: model.ReviewReport) -> list[list]:
    """Per movement: registered collectives, individuals, total, active at the end, honourees."""
    register, honourees = report.register, report.honourees
    rows = []
    for m in plan.movements:
        mine = where(register, [str(v) == m.code for v in register["phong_trao"]])
        types = count_by(mine, "loai", TYPES)
        rows.append([m.short, *types, sum(types), count_by(mine, "trang_thai", (ACTIVE,))[0],
                     sum(1 for v in honourees["phong_trao"] if str(v) == m.code)])
    return rows


def honouree_list(plan: Plan, honourees: pd.DataFrame) -> list[list]:
    names = unit_names(plan)
    return [[r["ten"], r["loai"], r["phong_trao"], r["so_nam_xuat_sac"], r["nam_xuat_sac"],
             r["trang_thai"], names.get(str(r["ma_don_vi"]), str(r["ma_don_vi"]))]
            for r in in_unit_order(honourees, plan, by_name="ten").to_dict("records")]


def _review_charts(book, sheet: _Sheet, figures_top: int, years_top: int, years: int) -> None:
    """Exemplars over the years (new registrations as columns, active and Xuất sắc as lines,
    one combined chart); good deeds and activities over the years (columns)."""
    name = sheet.ws.get_name()
    last = years_top + max(years, 1)

    def series(j: int, position: str) -> dict:
        return {"name": [name, years_top, j], "categories": [name, years_top + 1, 0, last, 0],
                "values": [name, years_top + 1, j, last, j],
                "data_labels": {"value": True, "position": position,
                                "font": {"name": FONT, "size": 9}}}

    exemplars = book.add_chart({"type": "column"})
    line = book.add_chart({"type": "line"})
    deeds = book.add_chart({"type": "column"})
    for j, key in enumerate(YEAR_COLUMNS, start=1):
        colour = YEAR_COLOURS[key]
        if key == "dang_ky_moi":
            exemplars.add_series({**series(j, "inside_base"), "fill": {"color": colour},
                                  "gap": 120})
        elif key in ("dang_theo_doi", "xuat_sac"):
            line.add_series({**series(j, "above"), "line": {"color": colour, "width": 2.25},
                             "marker": {"type": "circle", "fill": {"color": colour},
                                        "border": {"color": colour}}})
        else:
            deeds.add_series({**series(j, "outside_end"), "fill": {"color": colour},
                              "gap": 80})
    exemplars.combine(line)
    _chart_fonts(exemplars, "Điển hình qua các năm")
    _chart_fonts(deeds, "Người tốt, việc tốt và hoạt động qua các năm")
    sheet.ws.insert_chart(figures_top - 1, OVERVIEW_CHART_COL, exemplars, CHART_PLACE)
    sheet.ws.insert_chart(figures_top - 1 + CHART_ROWS, OVERVIEW_CHART_COL, deeds, CHART_PLACE)
