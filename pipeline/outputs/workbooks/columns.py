"""What the consolidated workbooks show: sheet lists, Vietnamese headers, column kinds, fills,
and small helpers over the report frames (unit order and names, blanks, display text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

import pandas as pd

from pipeline import model
from pipeline.config import Plan
from pipeline.findings import ERROR, NOTICE, WARNING
from pipeline.periods import ROMAN_OF, parse_period
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
    # review frames (pipeline.scoring.review)
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
# register columns per period / year (pipeline.scoring.review.period_column): tong_diem_2024_q3,
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


CRITERION_FORMAT = "General"


# ---- quarterly overview --------------------------------------------------------------------------
def count_by(frame: pd.DataFrame, column: str, values: Iterable[str]) -> list[int]:
    """How many rows hold each of `values` in `column` (0 for a missing column)."""
    if frame is None or column not in frame:
        return [0 for _ in values]
    seen = [str(v) for v in frame[column] if not is_blank(v)]
    return [seen.count(v) for v in values]
