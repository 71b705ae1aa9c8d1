"""Build in-memory unit workbooks (RawBook) for intake tests, the way units fill them."""

from __future__ import annotations

import datetime as dt

from pipeline.config import load_plan
from pipeline.intake.period import take_in
from pipeline.intake.rules import Registry
from pipeline.periods import Period
from pipeline.sources import InputFile, RawBook, RawSheet

PLAN = load_plan()
PERIOD = Period(2025, 2)
RUN_DATE = dt.date(2025, 7, 20)

REG_HEADER = ["STT", "Mã điển hình", "Loại", "Tên điển hình", "Năm sinh", "Giới tính", "Chức vụ",
              "Phong trào", "Phạm vi", "Lĩnh vực", "Nội dung mô hình, thành tích",
              "Mục tiêu, chỉ tiêu", "Ngày đăng ký", "Trạng thái"]
CRITERIA = [c.code for c in PLAN.all_criteria]
SCORE_HEADER = ["STT", "Mã điển hình", "Tên điển hình", *CRITERIA, "Số sáng kiến", "Xếp loại",
                "Kỷ luật", "Đạt chuẩn ANTT", "Thành tích nổi bật", "Minh chứng"]
DEED_HEADER = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Chức vụ", "Tháng",
               "Nội dung việc tốt", "Kết quả, tác dụng", "Hình thức đã khen",
               "Đề nghị tuyên truyền"]
ACT_HEADER = ["STT", "Ngày", "Hình thức", "Nội dung", "Số người tham gia", "Ghi chú"]
CONTENT = "Rút ngắn thời gian thẩm định hồ sơ cấp phép xây dựng xuống 10 ngày"


def cover(unit="VP", period="2025-Q2", made="05/07/2025", **extra) -> RawSheet:
    items = {"Mã đơn vị": unit, "Kỳ báo cáo": period, "Ngày lập": made,
             "Người lập": "Lê Thị Lan", "Email": "vanphong.sxd@phutho.gov.vn"}
    items.update(extra)
    rows = [["Mục", "Nội dung"]] + [[k, v] for k, v in items.items() if v is not None]
    return RawSheet("Thông tin", rows)


def reg_row(code="VP-01", kind="Cá nhân", name="Nguyễn Thị Hoà", year=1985, gender="Nữ",
            movement="NVCT", scope="Toàn diện", field=None, content=CONTENT,
            day="15/04/2025", status=None) -> list:
    return [1, code, kind, name, year, gender, "Chuyên viên", movement, scope, field, content,
            None, day, status]


def score_row(code="VP-01", name=None, scores=None, ideas=0, rating=None, discipline=None,
              security=None, achievement="Hoàn thành xuất sắc nhiệm vụ được giao") -> list:
    values = dict.fromkeys(CRITERIA)
    values.update(scores or {})
    return [1, code, name, *(values[c] for c in CRITERIA), ideas, rating, discipline, security,
            achievement, None]


FULL_NVCT = {"G1": 18, "G2": 9, "G3": 9, "G4": 5, "G5": 5, "N1": 24, "N2": 14, "N3": 9}
FULL_VHCS = {"G1": 18, "G2": 9, "G3": 9, "G4": 5, "G5": 5, "V1": 9, "V2": 9, "V3": 7, "V4": 7,
             "V5": 6, "V6": 6}


def book(*sheets: RawSheet) -> RawBook:
    return RawBook("xlsx", list(sheets))


def sheet(name: str, header: list, rows: list[list], title_rows: int = 0) -> RawSheet:
    return RawSheet(name, [["BÁO CÁO"]] * title_rows + [header, *rows])


def run(*books_: tuple[str, RawBook], registry: Registry | None = None, period=PERIOD,
        sender: str | None = None, submitted: dt.datetime | None = None):
    items = [(InputFile(name, b"", "0", submitted=submitted, sender=sender), b)
             for name, b in books_]
    return take_in(PLAN, period, RUN_DATE, items, registry or Registry())


def messages(result, code: str | None = None) -> list[tuple[str, str, str]]:
    f = result.intake.findings
    if code:
        f = f[f["ma_loi"] == code]
    return [(r.trang_tinh, r.o, r.thong_bao) for r in f.itertuples()]
