"""The unit workbook's sheets, columns, allowed values, hints and examples (TEMPLATE.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandera.pandas as pa

from pipeline import wording
from pipeline.text import clean, fold, strip_marks, vn_date

if TYPE_CHECKING:
    from pipeline.config import Plan
    from pipeline.periods import Period

Kind = Literal["text", "int", "date", "code", "yesno", "score", "year", "month"]

YES, NO = "Có", "Không"
TYPES = ("Tập thể", "Cá nhân")
GENDERS = ("Nam", "Nữ")
SCOPES = ("Toàn diện", "Chuyên đề")
STATUSES = ("Mới", "Điều chỉnh", "Rút")
RATINGS = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")
RATING_NAMES = {
    "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
    "HTTNV": "Hoàn thành tốt nhiệm vụ",
    "HTNV": "Hoàn thành nhiệm vụ",
    "KHTNV": "Không hoàn thành nhiệm vụ",
}
ACTIVITY_FORMS = (
    "Tuyên truyền",
    "Tham quan, học tập kinh nghiệm",
    "Kiểm tra, đánh giá",
    "Sơ kết, tổng kết",
    "Tôn vinh, khen thưởng",
    "Khác",
)


@dataclass(frozen=True)
class Column:
    """One column of a unit sheet, with everything a person and the validator need."""

    key: str
    header: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    default: str | int | None = None
    min_len: int | None = None
    max_len: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    hint: str = ""
    example: object = None
    width: int = 14
    group: str = ""
    required_when: str = ""  # a condition a person reads, for columns required only sometimes

    @property
    def match_key(self) -> str:
        return fold(self.header)

    def canonical(self, value: str) -> str | None:
        """A code as a unit typed it -> its canonical spelling, or None if not allowed."""
        key = fold(value)
        for choice in self.choices:
            if fold(choice) == key:
                return choice
        return dict(self.aliases).get(key)

    def matches(self, header_key: str, code: str = "") -> bool:
        """Does a header (its folded key, and the code it starts with) name this column?

        A score column is found by its criterion code at the start: "G1", "G1. Thành tích…",
        "G1 (20 điểm)"; `code` is that leading code as written ("g1"), see `leading_code`.
        """
        if header_key == self.match_key:
            return True
        return self.kind == "score" and code == self.key.lower()


_LEADING_CODE = re.compile(r"\s*([a-z]+[0-9]+)(?![0-9])")


def leading_code(header: object) -> str:
    """The criterion code a header starts with, lower case: 'G1 (20 điểm)' -> 'g1'."""
    m = _LEADING_CODE.match(strip_marks(clean(header)).lower())
    return m.group(1) if m else ""


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    columns: tuple[Column, ...]
    guide: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    min_rows: int = 0

    @property
    def match_keys(self) -> set[str]:
        return {fold(self.name), *(fold(a) for a in self.aliases)}

    @property
    def required_columns(self) -> tuple[Column, ...]:
        """Columns whose header must be present for the header row to be recognised."""
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema of the sheet's typed frame (after tolerant parsing)."""
        columns = {}
        for col in self.columns:
            checks = []
            if col.choices:
                checks.append(pa.Check.isin(list(col.choices), name=f"choice:{col.key}"))
            if col.max_len:
                checks.append(pa.Check.str_length(max_value=col.max_len, name=f"max_len:{col.key}"))
            if col.min_len:
                checks.append(pa.Check.str_length(min_value=col.min_len, name=f"min_len:{col.key}"))
            if col.minimum is not None:
                checks.append(pa.Check.ge(col.minimum, name=f"minimum:{col.key}"))
            if col.maximum is not None:
                checks.append(pa.Check.le(col.maximum, name=f"maximum:{col.key}"))
            columns[col.key] = pa.Column(
                object, checks=checks, nullable=not col.required, required=False
            )
        return pa.DataFrameSchema(columns, name=self.name, strict=False)


@dataclass(frozen=True)
class CoverItem:
    key: str
    label: str
    required: Literal["required", "expected", "optional"] = "optional"
    hint: str = ""
    example: str = ""


YESNO_ALIASES = (("x", YES), ("co", YES), ("khong", NO))
RATING_ALIASES = tuple((fold(name), code) for code, name in RATING_NAMES.items())

COVER_ITEMS = (
    CoverItem("ma_don_vi", "Mã đơn vị", "required", "Mã đơn vị theo danh sách của Sở."),
    CoverItem("ten_don_vi", "Tên đơn vị", "optional", "Tên đầy đủ của đơn vị."),
    CoverItem("ky_bao_cao", "Kỳ báo cáo", "required", "Quý báo cáo, ghi dạng năm-Qquý hoặc "
              "Quý (số La Mã)/năm."),
    CoverItem("nguoi_lap", "Người lập", "expected", "Họ tên người lập biểu."),
    CoverItem("dien_thoai", "Điện thoại", "optional", "Số điện thoại liên hệ."),
    CoverItem("email", "Email", "optional", "Địa chỉ thư điện tử liên hệ."),
    CoverItem("ngay_lap", "Ngày lập", "required", "Ngày lập biểu, dạng dd/mm/yyyy."),
    CoverItem("phien_ban_mau", "Phiên bản mẫu", "optional", "Do Sở ghi sẵn, không sửa."),
    CoverItem("kho_khan", "Khó khăn, vướng mắc", "optional", "Khó khăn, vướng mắc của đơn vị."),
    CoverItem("de_xuat", "Đề xuất, kiến nghị", "optional", "Đề xuất, kiến nghị của đơn vị."),
)

def cover_items(plan: Plan, period: Period | None = None) -> tuple[CoverItem, ...]:
    """The cover items with the plan's and the period's examples (`COVER_ITEMS` has none)."""
    at = wording.reference_period(plan, period)
    examples = {
        "ma_don_vi": ("", wording.example_unit(plan, at)),
        "ky_bao_cao": (f"Quý báo cáo, ví dụ {at} hoặc {at.label_short}.", str(at)),
    }
    return tuple(
        CoverItem(i.key, i.label, i.required, examples[i.key][0] or i.hint, examples[i.key][1])
        if i.key in examples else i for i in COVER_ITEMS)


def cover_guide(period: Period) -> tuple[str, ...]:
    """The cover sheet's guide lines, the period's forms as examples."""
    return (
        COVER.guide[0],
        COVER.guide[1],
        f"Kỳ báo cáo ghi dạng {wording.period_forms(period)}.",
        COVER.guide[2],
    )


COVER = Sheet(
    key="thong_tin",
    name="Thông tin",
    columns=(
        Column("muc", "Mục", required=True, width=24),
        Column("noi_dung", "Nội dung", required=True, width=70),
    ),
    aliases=("Trang bìa", "Thong tin chung"),
    guide=(
        "Ghi thông tin chung của đơn vị ở cột Nội dung, mỗi mục một dòng; không sửa cột Mục.",
        "Mã đơn vị, Kỳ báo cáo và Ngày lập là bắt buộc: thiếu hoặc sai thì cả tệp không được tiếp nhận.",
        "Khó khăn, vướng mắc và Đề xuất, kiến nghị được tổng hợp vào báo cáo của Sở.",
    ),
)

REGISTRATION = Sheet(
    key="dang_ky",
    name="Đăng ký",
    columns=(
        Column("stt", "STT", "int", width=6, hint="Số thứ tự (không bắt buộc).", example=1),
        Column("ma_dien_hinh", "Mã điển hình", "text", True, max_len=20, width=14,
               hint="Mã do đơn vị tự đặt, tối đa 20 ký tự, giữ nguyên qua các kỳ."),
        Column("loai", "Loại", "code", True, TYPES, width=12,
               hint="Tập thể hoặc Cá nhân.", example="Cá nhân"),
        Column("ten", "Tên điển hình", "text", True, max_len=200, width=28,
               hint="Họ và tên cá nhân hoặc tên tập thể.", example="Nguyễn Thị Hoa"),
        Column("nam_sinh", "Năm sinh", "year", width=10,
               hint="Bắt buộc với cá nhân; để trống với tập thể.", example=1985,
               required_when="Bắt buộc với cá nhân"),
        Column("gioi_tinh", "Giới tính", "code", False, GENDERS, width=10,
               hint="Nam hoặc Nữ; bắt buộc với cá nhân, để trống với tập thể.", example="Nữ",
               required_when="Bắt buộc với cá nhân"),
        Column("chuc_vu", "Chức vụ", width=18, hint="Chức vụ (không bắt buộc).",
               example="Chuyên viên"),
        Column("phong_trao", "Phong trào", "code", True, width=12),  # codes: the plan's
        Column("pham_vi", "Phạm vi", "code", True, SCOPES, width=12,
               hint="Toàn diện hoặc Chuyên đề.", example="Toàn diện"),
        Column("linh_vuc", "Lĩnh vực", width=18,
               hint="Bắt buộc khi Phạm vi là Chuyên đề.", example="",
               required_when="Bắt buộc khi Phạm vi là Chuyên đề"),
        Column("noi_dung", "Nội dung mô hình, thành tích", "text", True, min_len=20, width=40,
               hint="Mô tả mô hình, thành tích; ít nhất 20 ký tự.",
               example="Chủ trì thẩm định hồ sơ đúng hạn, đề xuất cải tiến quy trình một cửa."),
        Column("muc_tieu", "Mục tiêu, chỉ tiêu", width=30, hint="Không bắt buộc."),
        Column("ngay_dang_ky", "Ngày đăng ký", "date", True, width=13,
               hint="Ngày đăng ký, dạng dd/mm/yyyy, trong các năm của kế hoạch."),
        Column("trang_thai", "Trạng thái", "code", False, STATUSES, width=12,
               hint="Mới, Điều chỉnh hoặc Rút (rút đăng ký); để trống là đăng ký mới hoặc cập nhật."),
    ),
    aliases=("Dang ky dien hinh",),
    guide=(
        "Mỗi dòng là một điển hình (tập thể hoặc cá nhân) đơn vị đăng ký mới hoặc điều chỉnh trong kỳ.",
        "Điển hình đã đăng ký ở kỳ trước vẫn tiếp tục theo dõi, không cần đăng ký lại.",
        "Mã điển hình do đơn vị tự đặt và giữ nguyên qua các kỳ; không ghi trùng mã trong một trang.",
        "Muốn rút đăng ký, ghi lại mã điển hình và chọn Trạng thái là Rút.",
        "Năm sinh và Giới tính chỉ ghi với cá nhân.",
    ),
)


def score_sheet(plan: Plan, period: Period | None = None) -> Sheet:
    """'Chấm điểm': its criteria columns, the gated movements and the examples from the plan."""
    gate = wording.gate_condition(plan)
    if gate:
        antt = Column("antt", "Đạt chuẩn ANTT", "yesno", False, (YES, NO), YESNO_ALIASES,
                      width=10, hint=f"Bắt buộc với {gate}: Có hoặc Không.",
                      required_when=f"Bắt buộc với {gate}")
        antt_guide = f"Xếp loại chỉ ghi với cá nhân. {gate[:1].upper()}{gate[1:]} phải ghi Đạt chuẩn ANTT."
    else:
        antt = Column("antt", "Đạt chuẩn ANTT", "yesno", False, (YES, NO), YESNO_ALIASES,
                      width=10, hint="Không bắt buộc: kế hoạch không có phong trào yêu cầu "
                                     "đạt chuẩn ANTT.")
        antt_guide = "Xếp loại chỉ ghi với cá nhân. Đạt chuẩn ANTT không bắt buộc."
    criteria = []
    for crit in plan.general_criteria:
        criteria.append(Column(
            crit.code, f"{crit.code}. {crit.text}", "score", True, minimum=0, maximum=crit.max,
            hint=f"Điểm tiêu chí chung {crit.code}: {crit.text} (từ 0 đến {crit.max}).",
            example=crit.max, width=9, group="Tiêu chí chung"))
    for mov in plan.movements:
        for crit in mov.criteria:
            criteria.append(Column(
                crit.code, f"{crit.code}. {crit.text}", "score", False, minimum=0,
                maximum=crit.max,
                hint=f"Chỉ chấm với phong trào {mov.code}: {crit.text} (từ 0 đến {crit.max}).",
                width=9, group=f"Tiêu chí {mov.code}",
                required_when=f"Bắt buộc với phong trào {mov.code}"))
    return Sheet(
        key="cham_diem",
        name="Chấm điểm",
        columns=(
            Column("stt", "STT", "int", width=6),
            Column("ma_dien_hinh", "Mã điển hình", "text", True, max_len=20, width=14,
                   hint="Mã điển hình đã đăng ký.",
                   example=wording.example_exemplar(plan, period)),
            Column("ten", "Tên điển hình", width=26, hint="Không bắt buộc; để đối chiếu."),
            *criteria,
            Column("so_sang_kien", "Số sáng kiến", "int", default=0, minimum=0, width=10,
                   hint="Số sáng kiến được công nhận trong kỳ (số nguyên, mặc định 0).",
                   example=0),
            Column("xep_loai_cb", "Xếp loại", "code", False, RATINGS, RATING_ALIASES, width=11,
                   hint="Chỉ với cá nhân: HTXSNV, HTTNV, HTNV hoặc KHTNV."),
            Column("ky_luat", "Kỷ luật", "yesno", False, (YES, NO), YESNO_ALIASES, default=NO,
                   width=9, hint="Có hoặc Không (mặc định Không).", example=NO),
            antt,
            Column("thanh_tich", "Thành tích nổi bật", width=36,
                   hint="Thành tích nổi bật trong kỳ (đưa vào báo cáo)."),
            Column("minh_chung", "Minh chứng", width=24, hint="Văn bản, đường dẫn minh chứng."),
        ),
        aliases=("Cham diem dien hinh", "Tự chấm điểm"),
        guide=(
            "Mỗi điển hình đang theo dõi của đơn vị chấm điểm một dòng.",
            f"Chấm đủ các tiêu chí chung {wording.general_range(plan)} và các tiêu chí của đúng "
            "phong trào đã đăng ký; để trống tiêu chí của phong trào khác.",
            "Điểm từ 0 đến mức tối đa của tiêu chí (xem bảng dưới hoặc lời nhắc khi chọn ô); có thể dùng số thập phân (8,5).",
            antt_guide,
        ),
    )


GOOD_DEEDS = Sheet(
    key="nguoi_tot",
    name="Người tốt việc tốt",
    columns=(
        Column("stt", "STT", "int", width=6),
        Column("ho_ten", "Họ và tên", "text", True, width=24, example="Trần Văn Minh"),
        Column("nam_sinh", "Năm sinh", "year", width=10),
        Column("gioi_tinh", "Giới tính", "code", False, GENDERS, width=10),
        Column("chuc_vu", "Chức vụ", width=18),
        Column("thang", "Tháng", "month", True, width=8,
               hint="Tháng (số) thuộc quý báo cáo.", example=4),
        Column("noi_dung", "Nội dung việc tốt", "text", True, min_len=20, width=44,
               hint="Nội dung việc tốt; ít nhất 20 ký tự.",
               example="Nhặt được ví có 5 triệu đồng, trả lại người đánh rơi."),
        Column("ket_qua", "Kết quả, tác dụng", width=30),
        Column("hinh_thuc_khen", "Hình thức đã khen", width=20),
        Column("tuyen_truyen", "Đề nghị tuyên truyền", "yesno", False, (YES, NO), YESNO_ALIASES,
               default=YES, width=12, hint="Có hoặc Không (mặc định Có)."),
    ),
    aliases=("Nguoi tot viec tot", "NTVT", "Gương người tốt việc tốt"),
    guide=(
        "Mỗi dòng là một gương người tốt, việc tốt trong quý; ghi tháng xảy ra (số tháng).",
        "Đề nghị tuyên truyền: Có nếu đề nghị Sở giới thiệu lên {upward}.",  # see _good_deeds
    ),
)

ACTIVITIES = Sheet(
    key="hoat_dong",
    name="Hoạt động",
    columns=(
        Column("stt", "STT", "int", width=6),
        Column("ngay", "Ngày", "date", True, width=12, hint="Ngày tổ chức, trong quý báo cáo."),
        Column("hinh_thuc", "Hình thức", "code", True, ACTIVITY_FORMS, width=26,
               hint="Chọn một hình thức trong danh sách."),
        Column("noi_dung", "Nội dung", "text", True, width=50),
        Column("so_nguoi", "Số người tham gia", "int", minimum=0, width=12),
        Column("ghi_chu", "Ghi chú", width=24),
    ),
    aliases=("Hoat dong cua don vi",),
    guide=(
        "Các hoạt động của đơn vị trong quý về xây dựng, nhân rộng điển hình tiên tiến.",
        "Ngày phải thuộc quý báo cáo; Hình thức chọn trong danh sách.",
    ),
)


def _with(sheet: Sheet, changes: dict[str, dict], **fields) -> Sheet:
    """The sheet with some columns' fields replaced (by column key), and some sheet fields."""
    columns = tuple(Column(**{**c.__dict__, **changes[c.key]}) if c.key in changes else c
                    for c in sheet.columns)
    return Sheet(**{**sheet.__dict__, "columns": columns, **fields})


def _registration(plan: Plan, period: Period | None) -> Sheet:
    at = wording.reference_period(plan, period)
    return _with(REGISTRATION, {
        "ma_dien_hinh": {"example": wording.example_exemplar(plan, at)},
        "phong_trao": {"choices": tuple(m.code for m in plan.movements),
                       "hint": f"{wording.movement_codes(plan)}.",
                       "example": wording.example_movement(plan)},
        "ngay_dang_ky": {"example": vn_date(wording.example_day(at))},
    })


def _good_deeds(plan: Plan, period: Period | None) -> Sheet:
    at = wording.reference_period(plan, period)
    guide = tuple(g.format(upward=plan.reports.upward) for g in GOOD_DEEDS.guide)
    return _with(GOOD_DEEDS, {"thang": {"example": at.months[0]}}, guide=guide)


def _activities(plan: Plan, period: Period | None) -> Sheet:
    at = wording.reference_period(plan, period)
    return _with(ACTIVITIES, {"ngay": {"example": vn_date(wording.example_day(at, 1, 20))}})


def sheets_for(plan: Plan, period: Period | None = None) -> tuple[Sheet, ...]:
    """The data sheets of the workbook in template order, with the plan's codes, criteria and
    wording; examples are taken from `period` (by default the plan's first quarter)."""
    return (_registration(plan, period), score_sheet(plan, period), _good_deeds(plan, period),
            _activities(plan, period))


DATA_SHEETS = ("dang_ky", "cham_diem", "nguoi_tot", "hoat_dong")


def council_sheet(plan: Plan) -> Sheet:
    """The council's adjustments file `hoi-dong.xlsx`, sheet 'Điều chỉnh'."""
    return Sheet(
        key="dieu_chinh",
        name="Điều chỉnh",
        columns=(
            Column("ma_don_vi", "Mã đơn vị", "code", True, tuple(u.code for u in plan.units)),
            Column("ma_dien_hinh", "Mã điển hình", "text", True, max_len=20),
            Column("tieu_chi", "Tiêu chí", "code", True, tuple(c.code for c in plan.all_criteria)),
            Column("diem", "Điểm", "score", True, minimum=0),
            Column("ly_do", "Lý do", "text", True),
        ),
    )


