"""Fill a generated blank template with valid rows, as a careful unit clerk would.

Used by the template tests and, later, by the round trip through intake and validation:
the returned dict says exactly what was written, by sheet key and column key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from pipeline.config import Plan
from pipeline.periods import Period
from schemas.sheets import ACTIVITY_FORMS, COVER, COVER_ITEMS, NO, YES, sheets_for

DATE_FORMAT = "dd/mm/yyyy"


def valid_rows(plan: Plan, period: Period, unit_code: str, ngay_lap: dt.date) -> dict:
    """The rows to write, by sheet key and column key: a VHCS collective and two individuals
    (NVCT, HCM) registered, a full score row for each (every active exemplar is scored, so
    the file raises no finding), a good deed and an activity."""
    collective = f"{unit_code}-TT01"
    return {
        "thong_tin": {
            "nguoi_lap": "Nguyễn Văn An",
            "dien_thoai": "0210 3846 123",
            "email": "vanthu@phutho.gov.vn",
            "ngay_lap": ngay_lap,
            "kho_khan": "Một số đơn vị mới sáp nhập chưa quen biểu mẫu.",
            "de_xuat": "Đề nghị Sở tổ chức tập huấn cách lập báo cáo.",
        },
        "dang_ky": [
            {"stt": 1, "ma_dien_hinh": collective, "loai": "Tập thể",
             "ten": "Tổ Hành chính - Một cửa", "phong_trao": "VHCS", "pham_vi": "Toàn diện",
             "noi_dung": "Xây dựng công sở văn minh, tiếp nhận hồ sơ đúng hẹn 100%.",
             "muc_tieu": "Không có hồ sơ trễ hạn.", "ngay_dang_ky": period.first_day,
             "trang_thai": "Mới"},
            {"stt": 2, "ma_dien_hinh": f"{unit_code}-CN01", "loai": "Cá nhân",
             "ten": "Nguyễn Thị Hoa", "nam_sinh": period.year - 40, "gioi_tinh": "Nữ",
             "chuc_vu": "Chuyên viên", "phong_trao": "NVCT", "pham_vi": "Chuyên đề",
             "linh_vuc": "Cải cách hành chính",
             "noi_dung": "Chủ trì thẩm định hồ sơ đúng hạn, đề xuất cải tiến quy trình một cửa.",
             "ngay_dang_ky": period.first_day},
            {"stt": 3, "ma_dien_hinh": f"{unit_code}-CN02", "loai": "Cá nhân",
             "ten": "Trần Văn Đức", "nam_sinh": period.year - 35, "gioi_tinh": "Nam",
             "chuc_vu": "Phó Trưởng phòng", "phong_trao": "HCM", "pham_vi": "Toàn diện",
             "noi_dung": "Gương mẫu học tập và làm theo Bác, gần dân, lắng nghe doanh nghiệp.",
             "ngay_dang_ky": period.first_day + dt.timedelta(days=3)},
        ],
        "cham_diem": [
            {"stt": 1, "ma_dien_hinh": collective, "ten": "Tổ Hành chính - Một cửa",
             **_scores(plan, "VHCS"),
             "so_sang_kien": 1, "ky_luat": NO, "antt": YES,
             "thanh_tich": "Giải quyết 1.250 hồ sơ, không hồ sơ nào trễ hẹn.",
             "minh_chung": "Báo cáo số 15/BC-VP"},
            {"stt": 2, "ma_dien_hinh": f"{unit_code}-CN01", "ten": "Nguyễn Thị Hoa",
             **_scores(plan, "NVCT"), "so_sang_kien": 0, "xep_loai_cb": "HTXSNV",
             "ky_luat": NO},
            {"stt": 3, "ma_dien_hinh": f"{unit_code}-CN02", "ten": "Trần Văn Đức",
             **_scores(plan, "HCM"), "xep_loai_cb": "HTTNV", "ky_luat": NO},
        ],
        "nguoi_tot": [
            {"stt": 1, "ho_ten": "Lê Minh Tuấn", "nam_sinh": period.year - 30,
             "gioi_tinh": "Nam", "chuc_vu": "Lái xe", "thang": period.months[1],
             "noi_dung": "Nhặt được ví có 5 triệu đồng, trả lại người đánh rơi.",
             "ket_qua": "Được nhân dân khen ngợi.", "hinh_thuc_khen": "Biểu dương",
             "tuyen_truyen": YES},
        ],
        "hoat_dong": [
            {"stt": 1, "ngay": period.first_day + dt.timedelta(days=20),
             "hinh_thuc": ACTIVITY_FORMS[1],
             "noi_dung": "Tham quan mô hình một cửa điện tử của Sở Tư pháp.",
             "so_nguoi": 25, "ghi_chu": "Kết hợp sinh hoạt chuyên đề."},
        ],
    }


def fill_template_with_valid_rows(path: Path, plan: Plan, period: Period,
                                  ngay_lap: dt.date | None = None) -> dict:
    """Write valid rows into the template at `path` (saved in place); return what was written.

    Columns are found by their declared header in row 1, never by a fixed letter. The unit
    code is the one pre-filled on the cover; `ngay_lap` defaults to the period's last day.
    """
    workbook = openpyxl.load_workbook(path)
    cover = workbook[COVER.name]
    labels = {cover.cell(r, 1).value: r for r in range(2, cover.max_row + 1)}
    unit_code = cover.cell(labels[_label("ma_don_vi")], 2).value
    rows = valid_rows(plan, period, unit_code, ngay_lap or period.last_day)
    for key, value in rows["thong_tin"].items():
        _put(cover.cell(labels[_label(key)], 2), value)
    for sheet in sheets_for(plan):
        if sheet.name not in workbook.sheetnames:  # the light nomination workbook
            continue
        ws = workbook[sheet.name]
        columns = {cell.value: cell.column for cell in ws[1]}
        for offset, row in enumerate(rows[sheet.key]):
            for col_key, value in row.items():
                _put(ws.cell(2 + offset, columns[sheet.column(col_key).header]), value)
    workbook.save(path)
    return rows


def _label(key: str) -> str:
    return next(item.label for item in COVER_ITEMS if item.key == key)


def _put(cell, value) -> None:
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def _scores(plan: Plan, movement: str) -> dict[str, float | int]:
    return {c.code: _score(c.max) for c in plan.criteria_of(movement)}


def _score(maximum: int) -> float | int:
    """A plausible self-assessment below the maximum, with a decimal half now and then."""
    return maximum - 1.5 if maximum >= 10 else maximum - 1
