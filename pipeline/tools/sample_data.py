"""The sample generator's records and vocabulary: exemplars, units' profiles and reports;
Vietnamese names, collectives, contents, deeds, activities, and the forms units write
periods, dates and codes in.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.config import Plan, Unit
from pipeline.periods import ROMAN_OF, Period

VIETNAM = dt.timezone(dt.timedelta(hours=7))
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
COLLECTIVE, INDIVIDUAL = "Tập thể", "Cá nhân"


# ---- vocabulary --------------------------------------------------------------------------------
_FAMILY = ("Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Phan",
           "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Đinh", "Hà", "Cao", "Lương", "Tạ")


_MIDDLE = {
    "Nam": ("Văn", "Quang", "Đức", "Minh", "Hữu", "Xuân", "Thanh", "Ngọc", "Mạnh", "Tiến",
            "Công", "Văn"),
    "Nữ": ("Thị", "Thị", "Thị Thu", "Thị Minh", "Thu", "Thanh", "Ngọc", "Phương", "Hồng",
           "Thị Hồng", "Thị Ngọc"),
}


_GIVEN = {
    "Nam": ("Huy", "Hùng", "Dũng", "Tuấn", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường",
            "Trung", "Khánh", "Phong", "Quân", "Hiếu", "Tùng", "Việt", "Bình", "Đạt", "Kiên",
            "Hòa", "Thủy"),
    "Nữ": ("Hà", "Hương", "Lan", "Hoa", "Hằng", "Linh", "Trang", "Nga", "Thảo", "Huyền",
           "Yến", "Mai", "Ngọc", "Dung", "Thủy", "Loan", "Nhung", "Vân", "Oanh", "Hòa", "Thúy"),
}


_COLLECTIVES = {
    "VP": ("Tổ Một cửa - Văn phòng Sở", "Bộ phận Tiếp nhận và trả kết quả",
           "Tổ Văn thư - Lưu trữ", "Chi đoàn Văn phòng Sở", "Tổ Công nghệ thông tin"),
    "TTR": ("Đoàn Thanh tra xây dựng số 1", "Tổ Tiếp công dân",
            "Đội Thanh tra trật tự xây dựng số 2"),
    "KHTC": ("Tổ Thẩm định dự toán", "Tổ Kế toán - Tài vụ", "Tổ Quản lý vốn đầu tư công"),
    "QLXD": ("Tổ Thẩm định dự án", "Tổ Cấp phép xây dựng", "Tổ Quản lý chất lượng công trình"),
    "QHKT": ("Tổ Quy hoạch chung", "Tổ Thẩm định quy hoạch chi tiết", "Tổ Kiến trúc - Cảnh quan"),
    "PTDT": ("Tổ Hạ tầng kỹ thuật đô thị", "Tổ Phát triển đô thị",
             "Tổ Cấp thoát nước và chiếu sáng"),
    "QLN": ("Tổ Quản lý nhà ở xã hội", "Tổ Thị trường bất động sản", "Tổ Quản lý công sở"),
    "TTKD": ("Đội Kiểm định số 1", "Đội Kiểm định số 2", "Phòng Thí nghiệm LAS-XD",
             "Tổ Quan trắc công trình"),
    "TTQH": ("Xưởng Quy hoạch số 1", "Xưởng Thiết kế kiến trúc", "Tổ Khảo sát địa hình"),
    "QLVT": ("Tổ Quản lý vận tải hành khách", "Tổ Sát hạch lái xe", "Bộ phận Cấp phù hiệu xe"),
    "KCHT": ("Tổ Quản lý đường bộ", "Tổ Bảo trì cầu, đường",
             "Đội Tuần tra hành lang an toàn giao thông"),
}


_GENERIC_COLLECTIVES = ("Tổ Chuyên môn số 1", "Tổ Chuyên môn số 2", "Bộ phận Tổng hợp",
                        "Chi đoàn thanh niên", "Tổ Công đoàn", "Tổ Nghiệp vụ")


_POSITIONS = ("Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng",
              "Trưởng phòng", "Văn thư", "Kế toán viên", "Kỹ sư", "Kiểm định viên",
              "Kiến trúc sư", "Thanh tra viên", "Nhân viên", "")


_CONTENTS = {
    "NVCT": (
        "Rút ngắn thời gian thẩm định hồ sơ cấp phép xây dựng xuống {d} ngày làm việc",
        "Hoàn thành thẩm định {n} hồ sơ dự án đầu tư xây dựng trước thời hạn, không để tồn đọng",
        "Chủ trì kiểm định chất lượng {n} công trình trọng điểm của tỉnh, kiến nghị xử lý kịp "
        "thời các sai sót",
        "Tham mưu ban hành quy định phân cấp quản lý quy hoạch, kiến trúc trên địa bàn tỉnh",
        "Xây dựng cơ sở dữ liệu nhà ở và thị trường bất động sản, cập nhật đầy đủ {n} dự án",
        "Thẩm định {n} đồ án quy hoạch chi tiết đúng thời hạn, bảo đảm chất lượng",
        "Đề xuất giải pháp tháo gỡ vướng mắc giải ngân vốn đầu tư công, đạt {p}% kế hoạch năm",
    ),
    "VHCS": (
        "Thực hiện nghiêm văn hóa công sở, {p}% hồ sơ thủ tục hành chính giải quyết đúng và "
        "trước hạn",
        "Xây dựng mô hình “Công sở xanh - sạch - đẹp - an toàn” tại đơn vị",
        "Số hóa {n} hồ sơ lưu trữ, dùng văn bản điện tử thay văn bản giấy trong xử lý công việc",
        "Tiếp nhận, trả kết quả thủ tục hành chính qua dịch vụ công trực tuyến toàn trình, "
        "người dân không phải đi lại nhiều lần",
        "Thực hành tiết kiệm, giảm {p}% chi phí văn phòng phẩm và điện năng so với năm trước",
    ),
    "HCM": (
        "Lắng nghe, đối thoại với người dân và doanh nghiệp; giải quyết dứt điểm {n} kiến nghị "
        "về cấp phép xây dựng",
        "Gương mẫu “nói đi đôi với làm”, đi đầu đổi mới lề lối làm việc, xử lý công việc đúng hạn",
        "Thường xuyên xuống cơ sở nắm bắt khó khăn, hướng dẫn các xã hoàn thiện hồ sơ quy hoạch "
        "nông thôn mới",
        "Tích cực phòng, chống tham nhũng, tiêu cực; công khai, minh bạch quy trình thẩm định",
        "Học tập chuyên đề làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh gắn với nhiệm vụ "
        "chuyên môn",
    ),
}


_TARGETS = {
    INDIVIDUAL: ("Phấn đấu đạt danh hiệu Chiến sĩ thi đua cơ sở",
                 "Hoàn thành xuất sắc nhiệm vụ năm {y}", "Có ít nhất 01 sáng kiến được công nhận",
                 ""),
    COLLECTIVE: ("Đạt danh hiệu Tập thể lao động xuất sắc", "100% hồ sơ giải quyết đúng hạn",
                 "Đạt danh hiệu Tập thể lao động tiên tiến năm {y}", ""),
}


_FIELDS = ("Cải cách hành chính", "Chuyển đổi số", "Quy hoạch - kiến trúc", "Cấp phép xây dựng",
           "Kiểm định chất lượng", "Quản lý nhà ở", "Thanh tra, kiểm tra", "Hạ tầng kỹ thuật")


_INITIATIVES = ("Ứng dụng phần mềm theo dõi tiến độ thẩm định hồ sơ",
                "Số hóa quy trình cấp phép xây dựng", "Bản đồ số quy hoạch đô thị",
                "Mẫu hóa biên bản kiểm tra hiện trường", "Sổ tay hướng dẫn thủ tục nhà ở xã hội")


_ACHIEVEMENTS = (
    "Giải quyết {n} hồ sơ trong quý, 100% đúng hạn",
    "Được UBND tỉnh tặng Bằng khen vì thành tích xuất sắc trong cải cách hành chính",
    "Sáng kiến “{i}” được Hội đồng sáng kiến cơ sở công nhận",
    "Hoàn thành trước {d} ngày so với kế hoạch nhiệm vụ được giao",
    "Được người dân, doanh nghiệp gửi thư cảm ơn vì tinh thần phục vụ",
    "",
)


_DEEDS = (
    ("Nhặt được ví có {n} triệu đồng cùng giấy tờ tùy thân, đã liên hệ trả lại người đánh rơi",
     "Người đánh rơi gửi thư cảm ơn đơn vị"),
    ("Tham gia hiến máu tình nguyện lần thứ {k}, góp phần cứu người bệnh tại Bệnh viện Đa khoa "
     "tỉnh Phú Thọ", "Lan tỏa phong trào hiến máu trong cơ quan"),
    ("Ủng hộ {n} triệu đồng và nhu yếu phẩm giúp đồng bào vùng lũ huyện {place} khắc phục "
     "hậu quả thiên tai", "Kịp thời hỗ trợ các hộ bị thiệt hại"),
    ("Kịp thời sơ cứu, đưa người bị tai nạn giao thông trên Quốc lộ 2 đi cấp cứu",
     "Nạn nhân qua cơn nguy kịch"),
    ("Nhận đỡ đầu, hỗ trợ học tập cho {k} học sinh có hoàn cảnh khó khăn tại huyện {place}",
     "Các em được tiếp tục đến trường"),
    ("Góp công, góp tiền sửa chữa nhà ở cho hộ nghèo tại huyện {place}",
     "Gia đình có nơi ở an toàn trước mùa mưa bão"),
    ("Phát hiện, báo tin kịp thời vụ cháy tại khu dân cư và cùng người dân dập lửa",
     "Ngăn cháy lan sang các nhà bên cạnh"),
)


_PLACES = ("Thanh Sơn", "Tân Sơn", "Yên Lập", "Cẩm Khê", "Đoan Hùng", "Hạ Hòa", "Thanh Thủy",
           "Tam Nông", "Thanh Ba")


_PRAISE = ("", "", "Thư khen của Giám đốc Sở", "Giấy khen của Công đoàn Sở",
           "Biểu dương tại cuộc họp giao ban")


_ACTIVITIES = {
    "Tuyên truyền": ("Đăng {n} tin, bài giới thiệu gương điển hình tiên tiến trên Cổng thông "
                     "tin điện tử của Sở",),
    "Tham quan, học tập kinh nghiệm": ("Tham quan, học tập mô hình một cửa liên thông tại Sở "
                                       "Xây dựng tỉnh Vĩnh Phúc",),
    "Kiểm tra, đánh giá": ("Kiểm tra tiến độ thực hiện đăng ký điển hình tiên tiến của các tổ "
                           "chuyên môn",),
    "Sơ kết, tổng kết": ("Sơ kết công tác thi đua, khen thưởng {label}",),
    "Tôn vinh, khen thưởng": ("Biểu dương {k} gương người tốt, việc tốt tại cuộc họp cơ quan",),
    "Khác": ("Phát động đợt thi đua cao điểm hoàn thành nhiệm vụ {label}",
             "Tổ chức tọa đàm chia sẻ cách làm hay trong cải cách hành chính"),
}


_DIFFICULTIES = (
    "Một số cá nhân đăng ký điển hình chưa có sáng kiến được công nhận do thủ tục công nhận "
    "sáng kiến còn kéo dài.",
    "Khối lượng công việc chuyên môn lớn, nhân lực mỏng nên hoạt động nhân rộng điển hình "
    "còn hạn chế.",
    "Kinh phí cho hoạt động tuyên truyền, tôn vinh điển hình còn ít.",
    "Một số tiêu chí chấm điểm còn định tính, khó lượng hóa.",
    "Không có.",
    "",
)


_DIFFICULTIES_2025 = ("Việc sắp xếp, kiện toàn tổ chức bộ máy ảnh hưởng đến việc theo dõi các "
                      "điển hình đã đăng ký.",)


_PROPOSALS = (
    "Đề nghị Sở tổ chức tập huấn cách xây dựng và chấm điểm điển hình tiên tiến.",
    "Đề nghị tăng cường đăng tải các mô hình hay trên Cổng thông tin điện tử của Sở.",
    "Đề nghị Hội đồng Thi đua - Khen thưởng Sở xem xét khen thưởng đột xuất cho các cá nhân có "
    "thành tích xuất sắc.",
    "Đề nghị bổ sung kinh phí khen thưởng gương người tốt, việc tốt.",
    "",
)


_COUNCIL_REASONS = (
    "Minh chứng chưa đầy đủ, Hội đồng chấm lại theo hồ sơ thực tế",
    "Sáng kiến chưa được Hội đồng sáng kiến công nhận trong kỳ",
    "Kết quả kiểm tra thực tế thấp hơn báo cáo của đơn vị",
)


_UNKNOWN_MOVEMENTS = ("VHSC", "TDKT", "CCHC", "NVCM")
_PERIOD_FORMS: tuple[Callable[[Period], str], ...] = (
    str,
    lambda p: p.label_short,
    lambda p: f"Q{p.quarter}/{p.year}",
    lambda p: f"quý {p.quarter} năm {p.year}",
    lambda p: p.label,
)


_DATE_FORMS: dict[str, Callable[[dt.date], str]] = {
    "dd/mm/yyyy": lambda d: d.strftime("%d/%m/%Y"),
    "d/m/yyyy": lambda d: f"{d.day}/{d.month}/{d.year}",
    "dd-mm-yyyy": lambda d: d.strftime("%d-%m-%Y"),
    "dd.mm.yyyy": lambda d: d.strftime("%d.%m.%Y"),
    "yyyy-mm-dd": lambda d: d.isoformat(),
}


_FILE_NAMES = (
    "{u}_BaoCao_Q{q}_{y}.xlsx",
    "bao cao DHTT quy {q} - {u}.xlsx",
    "{u}-DHTT-{y}-Q{q}.xlsx",
    "{ul}_quy{q}_{y}.xlsx",
    "Bao cao dien hinh tien tien Q{q}.{y} ({u}).xlsx",
    "{u} - BC thi dua quy {r} nam {y}.xlsx",
)


_CODE_STYLES = ("{u}-{n:02d}", "{u}-{n:02d}", "{u}{n:03d}", "DH{n:02d}", "{u}.DH{n:02d}")
_OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "ủy": "uỷ", "úy": "uý", "ùy": "uỳ"}
# Mistakes a unit makes; "wrong_period" (the whole file rejected) is used once per generation.
MISTAKES = ("score_above_max", "missing_birth_year", "unknown_movement", "duplicate_code",
            "unregistered_score", "month_outside", "date_outside", "bad_email")


# ---- records -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Exemplar:
    code: str
    kind: str
    name: str
    birth_year: int | None
    gender: str | None
    position: str
    movement: str
    scope: str
    field: str
    content: str
    target: str
    registered: dt.date
    base: float  # the exemplar's typical total score
    drift: float  # points gained (or lost) per year


@dataclass(frozen=True)
class Roll:
    """A unit's active exemplars after a period, and how many codes it has issued."""

    active: tuple[Exemplar, ...] = ()
    issued: int = 0


@dataclass(frozen=True)
class Report:
    """What one unit writes for one period: cover items and rows keyed by column key."""

    unit: Unit
    period: Period
    cover: dict[str, object]
    rows: dict[str, tuple[dict[str, object], ...]]


@dataclass(frozen=True)
class Profile:
    """How a unit fills its workbooks, the same every period."""

    period_form: int
    title_rows: int
    shuffle: bool
    loose_codes: bool
    date_form: str | None
    comma_decimals: bool
    half_points: float
    code_style: str
    file_name: str
    two_row_header: bool
    staff: str
    phone: str


def make_name(rng: random.Random, gender: str) -> str:
    middle = rng.choice(_MIDDLE[gender])
    given = rng.choice([g for g in _GIVEN[gender] if not middle.endswith(g)])
    return " ".join((rng.choice(_FAMILY), middle, given))


def _score_above_max(plan: Plan, rng: random.Random, scores: tuple) -> tuple:
    if not scores:
        return scores
    i = rng.randrange(len(scores))
    row = dict(scores[i])
    crit = rng.choice([c for c in plan.all_criteria if c.code in row])
    row[crit.code] = crit.max + rng.choice((1, 2, 5, 10))
    return (*scores[:i], row, *scores[i + 1:])


def file_name(profile: Profile, code: str, period: Period) -> str:
    return profile.file_name.format(u=code, ul=code.lower(), q=period.quarter, y=period.year,
                                    r=ROMAN_OF[period.quarter])
