"""Sample inputs: the unit workbooks a clerk would receive, generated deterministically.

## Sample data (`inputs/`)

`inputs/2021-Q2/` … `inputs/2025-Q3/` hold, for every quarter, the workbooks the units of
the plan config would have e-mailed to the Office, made by `python -m pipeline.sample --out
inputs --first 2021-Q2 --last 2025-Q3` (seed 2025: the same command always gives the same
bytes). Each unit valid in the quarter sends one workbook with the five sheets of
TEMPLATE.md:

- `Thông tin`: the cover, with the period in the forms units really use ("2025-Q2",
  "Quý II/2025", "Q2/2025", "quý 2 năm 2025"), the preparer, a `Ngày lập` a few days before
  the deadline, difficulties and proposals in Vietnamese.
- `Đăng ký`: in 2021-Q2 every unit registers 3–6 exemplars (collectives and individuals,
  VHCS / HCM / NVCT); QLVT and KCHT register in 2025-Q1, their first quarter. Later quarters
  now and then add an exemplar, adjust one (`Điều chỉnh`) or withdraw one (`Rút`).
- `Chấm điểm`: one row per active exemplar with G1–G5 and its movement's criteria. Totals
  spread over Xuất sắc, Tốt, Đạt and Chưa đạt; a few exemplars are strong every year
  (consecutive Xuất sắc years, candidates for Bằng khen and for the final review).
- `Người tốt việc tốt` (0–3 good deeds) and `Hoạt động` (1–3 activities).

Units write like real units: title rows above the header, moved columns, codes without
diacritics or in capitals ("tap the", "vhcs", "co"), text dates ("05/07/2025"), decimal
commas ("8,5"), and one unit (always the same) uses a two-row header in `Chấm điểm`.

Every quarter a handful of files carry realistic mistakes: a score above the maximum, a
missing birth year, an unknown movement code, a duplicate exemplar code, a score for an
unregistered code, a month outside the quarter, an activity outside the quarter, an e-mail
address without "@"; one file in the whole set (QHKT's, in 2021-Q3) names the wrong period
on its cover and is rejected.

The last quarter (2025-Q3) also has: one late unit (QHKT, `Ngày lập` after the deadline),
one file that came as a saved e-mail (`.eml`, sent from the unit's address), one unit that
sent a corrected file after a first one (the earlier is superseded), one unit that sent
nothing (KCHT), and the council's `hoi-dong.xlsx` adjusting three criteria.

The same generator makes the benchmark's inputs (`units`, `rows_per_unit`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from pathlib import Path

import xlsxwriter

from pipeline.config import Plan, Unit, load_plan
from pipeline.periods import ROMAN_OF, Period, parse_period, periods_between
from pipeline.text import strip_marks
from schemas.sheets import (
    ACTIVITY_FORMS,
    COVER,
    COVER_ITEMS,
    NO,
    RATING_NAMES,
    YES,
    Column,
    Sheet,
    council_sheet,
    sheets_for,
)

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


# ---- public API --------------------------------------------------------------------------------
def generate(plan: Plan, periods: list[Period], out_dir: Path, seed: int = 2025, *,
             rows_per_unit: int | None = None, units: list[Unit] | None = None,
             mistakes: bool = True, late_unit: str | None = "QHKT") -> list[Path]:
    """Write the unit workbooks of every period to out_dir/<period>/; return the paths."""
    roster = list(units) if units is not None else list(plan.units)
    profiles = make_profiles(roster, seed)
    rolls: dict[str, Roll] = {}
    written: list[Path] = []
    for index, period in enumerate(periods):
        present = [u for u in roster if u.valid_on(period.last_day)]
        last = index == len(periods) - 1
        roles = assign_roles(present, period, seed, late_unit) if last else {}
        wrong = index == 1 and len(periods) > 2 and mistakes
        faults = assign_mistakes(present, period, seed, roles, wrong) if mistakes else {}
        reports = []
        for unit in present:
            if roles.get(unit.code) == "missing":
                continue
            roll = rolls.get(unit.code, Roll())
            report, after = simulate(plan, unit, period, roll, profiles[unit.code], seed,
                                     rows_per_unit)
            fault = faults.get(unit.code)
            if fault:
                report = apply_mistake(plan, report, fault, roll, profiles[unit.code], seed)
            rolls[unit.code] = roll if fault == "wrong_period" else after
            reports.append((report, fault))
        folder = out_dir / str(period)
        folder.mkdir(parents=True, exist_ok=True)
        files = submissions(plan, reports, roles, profiles, seed, mistakes)
        if last and reports:
            files["hoi-dong.xlsx"] = council_file(plan, reports, roles, seed)
        for name, data in sorted(files.items()):
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    return written


def make_profiles(roster: list[Unit], seed: int) -> dict[str, Profile]:
    """Each unit's habits; exactly one unit (chosen by the seed) uses a two-row header."""
    two_row = roster[random.Random(f"{seed}/two-row").randrange(len(roster))].code if roster else ""
    return {u.code: _profile(u, seed, u.code == two_row) for u in roster}


def assign_roles(present: list[Unit], period: Period, seed: int,
                 late_unit: str | None) -> dict[str, str]:
    """The last period's cast: a late unit, a missing one, an e-mail, a corrected resend."""
    roles = {}
    if late_unit and any(u.code == late_unit for u in present):
        roles[late_unit] = "late"
    free = [u.code for u in present if u.code not in roles]
    if len(free) >= 2:
        roles[free.pop()] = "missing"
    rng = random.Random(f"{seed}/roles/{period}")
    for role in ("email", "resend"):
        if free:
            roles[free.pop(rng.randrange(len(free)))] = role
    return roles


def assign_mistakes(present: list[Unit], period: Period, seed: int, roles: dict[str, str],
                    wrong_period: bool) -> dict[str, str]:
    """Which units' files carry a mistake this period: a handful, at least 5 % of files."""
    rng = random.Random(f"{seed}/mistakes/{period}")
    candidates = [u.code for u in present if u.code not in roles]
    count = min(len(candidates), max(3, math.ceil(0.05 * len(present))))
    chosen = rng.sample(candidates, count)
    kinds = list(MISTAKES)
    rng.shuffle(kinds)
    faults = {code: kinds[i % len(kinds)] for i, code in enumerate(chosen)}
    if wrong_period and len(candidates) > count:
        spare = [c for c in candidates if c not in faults]
        faults[rng.choice(spare)] = "wrong_period"
    return faults


# ---- simulation of one unit's period -----------------------------------------------------------
def simulate(plan: Plan, unit: Unit, period: Period, roll: Roll, profile: Profile, seed: int,
             rows_per_unit: int | None) -> tuple[Report, Roll]:
    """The unit's workbook content for the period, and its exemplars afterwards."""
    rng = random.Random(f"{seed}/{period}/{unit.code}")
    style = profile.code_style
    active, issued = list(roll.active), roll.issued
    registrations = []
    if not roll.active and not roll.issued:
        count = rows_per_unit or rng.randint(3, 6)
        for i in range(count):
            issued += 1
            kind = (COLLECTIVE, INDIVIDUAL)[i] if i < 2 else None
            ex = make_exemplar(rng, plan, unit, period, _code(style, unit, issued), kind)
            active.append(ex)
            registrations.append(_registration_row(ex, rng.choice(("", "Mới")), ex.registered))
    else:
        # At most one row per code in a sheet: only earlier exemplars are adjusted or withdrawn,
        # and never both in the same period.
        if rng.random() < 0.15:
            issued += 1
            ex = make_exemplar(rng, plan, unit, period, _code(style, unit, issued))
            active.append(ex)
            registrations.append(_registration_row(ex, "Mới", ex.registered))
        adjusted = None
        if roll.active and rng.random() < 0.12:
            i = rng.randrange(len(roll.active))
            adjusted = adjust_exemplar(rng, active[i], period)
            active[i] = adjusted
            registrations.append(_registration_row(adjusted, "Điều chỉnh", _day_in(rng, period)))
        ordinary = [e for e in active[:len(roll.active)] if e.base < 90 and e is not adjusted]
        if len(active) > 2 and ordinary and rng.random() < 0.08:
            gone = rng.choice(ordinary)
            active.remove(gone)
            registrations.append(_registration_row(gone, "Rút", _day_in(rng, period)))
    scores = tuple(score_row(rng, plan, ex, period, profile.half_points) for ex in active)
    cover = make_cover(rng, plan, unit, period) | {"nguoi_lap": profile.staff,
                                                    "dien_thoai": profile.phone}
    report = Report(
        unit=unit,
        period=period,
        cover=cover,
        rows={
            "dang_ky": tuple(registrations),
            "cham_diem": scores,
            "nguoi_tot": make_good_deeds(rng, period),
            "hoat_dong": make_activities(rng, period),
        },
    )
    return report, Roll(tuple(active), issued)


def make_exemplar(rng: random.Random, plan: Plan, unit: Unit, period: Period, code: str,
                  kind: str | None = None) -> Exemplar:
    kind = kind or rng.choices((COLLECTIVE, INDIVIDUAL), (35, 65))[0]
    movements = [m.code for m in plan.movements]
    movement = rng.choice(movements)
    tier = rng.choices(("star", "good", "fair", "weak"), (15, 35, 35, 15))[0]
    base, drift = {
        "star": (rng.uniform(92.5, 96.5), 0.0),
        "good": (rng.uniform(80, 88), rng.uniform(0, 2)),
        "fair": (rng.uniform(68, 80), rng.uniform(-1, 1.5)),
        "weak": (rng.uniform(52, 66), rng.uniform(-1, 2)),
    }[tier]
    scope = rng.choices(("Toàn diện", "Chuyên đề"), (70, 30))[0]
    if kind == COLLECTIVE:
        name = rng.choice((*_COLLECTIVES.get(unit.code, _GENERIC_COLLECTIVES), unit.name))
        birth, gender, position = None, None, ""
    else:
        gender = rng.choice(("Nam", "Nữ"))
        name = make_name(rng, gender)
        birth = period.year - rng.randint(24, 58)
        position = rng.choice(_POSITIONS)
    return Exemplar(
        code=code, kind=kind, name=name, birth_year=birth, gender=gender, position=position,
        movement=movement, scope=scope,
        field=rng.choice(_FIELDS) if scope == "Chuyên đề" else "",
        content=_fill(rng, rng.choice(_CONTENTS.get(movement, _CONTENTS["NVCT"])), period),
        target=_fill(rng, rng.choice(_TARGETS[kind]), period),
        registered=_day_in(rng, period), base=base, drift=drift,
    )


def adjust_exemplar(rng: random.Random, ex: Exemplar, period: Period) -> Exemplar:
    """A re-registration: new content or target, or a promotion."""
    if ex.kind == INDIVIDUAL and rng.random() < 0.4:
        return replace(ex, position=rng.choice(("Phó Trưởng phòng", "Trưởng phòng",
                                                "Chuyên viên chính")))
    return replace(ex, content=_fill(rng, rng.choice(_CONTENTS.get(ex.movement,
                                                                   _CONTENTS["NVCT"])), period),
                   target=_fill(rng, rng.choice(_TARGETS[ex.kind]), period))


def score_row(rng: random.Random, plan: Plan, ex: Exemplar, period: Period,
              half: float) -> dict[str, object]:
    """Scores around the exemplar's level; strong exemplars stay at Xuất sắc."""
    years = period.year - ex.registered.year
    spread = 1.2 if ex.base >= 90 else 3.0
    ratio = max(0.3, min(0.99, (ex.base + ex.drift * years + rng.gauss(0, spread)) / 100))
    criteria = plan.criteria_of(ex.movement)
    row: dict[str, object] = {"ma_dien_hinh": ex.code, "ten": ex.name}
    for crit in criteria:
        value = max(0.0, min(crit.max, crit.max * (ratio + rng.gauss(0, 0.05))))
        step = 2 if rng.random() < half else 1
        row[crit.code] = round(value * step) / step
    if ex.base >= 90:
        _lift(row, criteria, plan.thresholds.xuat_sac + 0.5)
    row = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in row.items()}
    strong = ex.base >= 85
    row["so_sang_kien"] = rng.choice((0, 1, 1, 2, 3) if strong else (0, 0, 0, 0, 1))
    if ex.kind == INDIVIDUAL:
        row["xep_loai_cb"] = _rating(rng, ex.base)
        row["ky_luat"] = YES if ex.base < 66 and rng.random() < 0.05 else rng.choice((NO, NO, ""))
    else:
        row["ky_luat"] = rng.choice((NO, ""))
        movement = plan.movement(ex.movement)
        if movement and movement.security_gate:
            row["antt"] = NO if ex.base < 80 and rng.random() < 0.05 else YES
    if rng.random() < 0.6:
        row["thanh_tich"] = _fill(rng, rng.choice(_ACHIEVEMENTS), period)
    row["minh_chung"] = _evidence(rng, period)
    return row


def make_cover(rng: random.Random, plan: Plan, unit: Unit, period: Period) -> dict[str, object]:
    deadline = plan.deadline(period)
    difficulties = _DIFFICULTIES + (_DIFFICULTIES_2025 if period.year >= 2025 else ())
    return {
        "ma_don_vi": unit.code,
        "ten_don_vi": unit.name,
        "ky_bao_cao": period,
        "email": unit.email,
        "ngay_lap": deadline - dt.timedelta(days=rng.randint(1, 7)),
        "phien_ban_mau": plan.plan.template_version,
        "kho_khan": rng.choice(difficulties),
        "de_xuat": rng.choice(_PROPOSALS),
    }


def make_good_deeds(rng: random.Random, period: Period) -> tuple[dict[str, object], ...]:
    rows = []
    for _ in range(rng.choices((0, 1, 2, 3), (25, 35, 25, 15))[0]):
        gender = rng.choice(("Nam", "Nữ"))
        deed, result = rng.choice(_DEEDS)
        rows.append({
            "ho_ten": make_name(rng, gender),
            "nam_sinh": period.year - rng.randint(22, 58) if rng.random() < 0.7 else None,
            "gioi_tinh": gender,
            "chuc_vu": rng.choice(_POSITIONS),
            "thang": rng.choice(period.months),
            "noi_dung": _fill(rng, deed, period),
            "ket_qua": result if rng.random() < 0.7 else "",
            "hinh_thuc_khen": rng.choice(_PRAISE),
            "tuyen_truyen": rng.choices((YES, "", NO), (75, 15, 10))[0],
        })
    return tuple(rows)


def make_activities(rng: random.Random, period: Period) -> tuple[dict[str, object], ...]:
    rows = []
    for _ in range(rng.randint(1, 3)):
        form = rng.choice(ACTIVITY_FORMS)
        rows.append({
            "ngay": _day_in(rng, period),
            "hinh_thuc": form,
            "noi_dung": _fill(rng, rng.choice(_ACTIVITIES[form]), period),
            "so_nguoi": rng.randint(8, 120),
            "ghi_chu": rng.choice(("", "", "Có ảnh kèm theo", "Lồng ghép họp cơ quan")),
        })
    return tuple(sorted(rows, key=lambda r: r["ngay"]))


def make_name(rng: random.Random, gender: str) -> str:
    middle = rng.choice(_MIDDLE[gender])
    given = rng.choice([g for g in _GIVEN[gender] if not middle.endswith(g)])
    return " ".join((rng.choice(_FAMILY), middle, given))


# ---- mistakes ----------------------------------------------------------------------------------
def apply_mistake(plan: Plan, report: Report, kind: str, before: Roll, profile: Profile,
                  seed: int) -> Report:
    """The report with one realistic mistake of the given kind."""
    rng = random.Random(f"{seed}/mistake/{report.period}/{report.unit.code}")
    rows = dict(report.rows)
    cover = dict(report.cover)
    if kind == "wrong_period":
        cover["ky_bao_cao"] = report.period.previous()
    elif kind == "bad_email":
        cover["email"] = (report.unit.email or "vanphong.sxd@phutho.gov.vn").replace("@", ".")
    elif kind == "score_above_max":
        rows["cham_diem"] = _score_above_max(plan, rng, rows["cham_diem"])
    elif kind == "unregistered_score":
        code = _code(profile.code_style, report.unit, before.issued + 50)
        extra = {"ma_dien_hinh": code, "ten": make_name(rng, "Nữ"), "minh_chung": ""}
        extra |= {c.code: c.max - 1 for c in plan.criteria_of(plan.movements[0].code)}
        rows["cham_diem"] = (*rows["cham_diem"], extra)
    elif kind == "month_outside":
        deed = {"ho_ten": make_name(rng, "Nam"), "gioi_tinh": "Nam", "tuyen_truyen": YES,
                "noi_dung": _fill(rng, rng.choice(_DEEDS)[0], report.period)}
        deed["thang"] = report.period.previous().months[-1]
        rows["nguoi_tot"] = (*rows["nguoi_tot"], deed)
    elif kind == "date_outside":
        late = dict(rows["hoat_dong"][-1])
        late["ngay"] = report.period.last_day + dt.timedelta(days=rng.randint(3, 20))
        rows["hoat_dong"] = (*rows["hoat_dong"], late)
    else:
        rows["dang_ky"] = _registration_mistake(plan, rng, report, kind, before)
    return replace(report, cover=cover, rows=rows)


def _score_above_max(plan: Plan, rng: random.Random, scores: tuple) -> tuple:
    if not scores:
        return scores
    i = rng.randrange(len(scores))
    row = dict(scores[i])
    crit = rng.choice([c for c in plan.all_criteria if c.code in row])
    row[crit.code] = crit.max + rng.choice((1, 2, 5, 10))
    return (*scores[:i], row, *scores[i + 1:])


def _registration_mistake(plan: Plan, rng: random.Random, report: Report, kind: str,
                          before: Roll) -> tuple:
    rows = report.rows["dang_ky"]
    day = _day_in(rng, report.period)
    code_style = "{u}-X{n:02d}" if len(report.unit.code) < 16 else "X{n:02d}"
    if kind == "duplicate_code":
        kept = [r for r in rows if r["trang_thai"] != "Rút"]
        if kept:
            source, rows = kept[-1], rows
        elif before.active:
            source = _registration_row(rng.choice(before.active), "Điều chỉnh", day)
            rows = (*rows, source)
        else:
            return rows
        return (*rows, source | {"muc_tieu": "Bổ sung chỉ tiêu theo góp ý của Hội đồng"})
    if kind == "missing_birth_year":
        people = [e for e in before.active if e.kind == INDIVIDUAL]
        ex = rng.choice(people) if people else make_exemplar(
            rng, plan, report.unit, report.period, _code(code_style, report.unit, 1), INDIVIDUAL)
        row = _registration_row(ex, "Điều chỉnh" if people else "Mới", day)
        return (*rows, row | {"nam_sinh": None})
    # unknown_movement: a new registration with a movement code the plan does not have
    ex = make_exemplar(rng, plan, report.unit, report.period, _code(code_style, report.unit, 2))
    return (*rows, _registration_row(ex, "Mới", day) | {"phong_trao": rng.choice(
        _UNKNOWN_MOVEMENTS)})


# ---- files of a period -------------------------------------------------------------------------
def submissions(plan: Plan, reports: list[tuple[Report, str | None]], roles: dict[str, str],
                profiles: dict[str, Profile], seed: int, mistakes: bool = True) -> dict[str, bytes]:
    """File name -> bytes for every file the units sent this period.

    The resend unit's first file is an earlier draft: with a score above the maximum when
    mistakes are wanted, else lacking its last activity.
    """
    files: dict[str, bytes] = {}
    for report, _fault in reports:
        code = report.unit.code
        profile = profiles[code]
        role = roles.get(code)
        rng = random.Random(f"{seed}/send/{report.period}/{code}")
        name = file_name(profile, code, report.period)
        if role == "late":
            late = plan.deadline(report.period) + dt.timedelta(days=rng.randint(2, 6))
            report = replace(report, cover=report.cover | {"ngay_lap": late})
        if role == "resend":
            made = report.cover["ngay_lap"]
            draft = report.rows | (
                {"cham_diem": _score_above_max(plan, rng, report.rows["cham_diem"])} if mistakes
                else {"hoat_dong": report.rows["hoat_dong"][:-1]})
            first = replace(report, rows=draft,
                            cover=report.cover | {"ngay_lap": made - dt.timedelta(days=3)})
            files[name] = render_workbook(plan, first, profile, seed)
            name = name.removesuffix(".xlsx") + " (gui lai).xlsx"
        data = render_workbook(plan, report, profile, seed)
        if role == "email":
            name = f"Bao cao DHTT quy {ROMAN_OF[report.period.quarter]}-{report.period.year}" \
                   f" - {code}.eml"
            data = email_bytes(plan, report, data, file_name(profile, code, report.period), rng)
        files[name] = data
    return files


def file_name(profile: Profile, code: str, period: Period) -> str:
    return profile.file_name.format(u=code, ul=code.lower(), q=period.quarter, y=period.year,
                                    r=ROMAN_OF[period.quarter])


def email_bytes(plan: Plan, report: Report, workbook: bytes, attachment: str,
                rng: random.Random) -> bytes:
    """A saved e-mail carrying the workbook, sent from the unit's address the day after."""
    unit, period = report.unit, report.period
    made = report.cover["ngay_lap"]
    sent = dt.datetime.combine(made + dt.timedelta(days=1),
                               dt.time(rng.randint(7, 10), rng.randint(0, 59)), VIETNAM)
    office = plan.units[0].email or "vanphong.sxd@phutho.gov.vn"
    msg = EmailMessage()
    msg["From"] = formataddr((unit.name, unit.email or f"{unit.code.lower()}@example.vn"))
    msg["To"] = office
    msg["Subject"] = f"Báo cáo điển hình tiên tiến {period.label} - {unit.name}"
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<dhtt-{period}-{unit.code.lower()}@phutho.gov.vn>"
    msg.set_content(
        "Kính gửi Văn phòng Sở,\n\n"
        f"{unit.name} gửi báo cáo điển hình tiên tiến {period.label} theo biểu mẫu đính kèm.\n\n"
        "Trân trọng./.\n"
    )
    msg.add_attachment(workbook, *XLSX_TYPE, filename=attachment)
    msg.set_boundary(f"==dhtt-{period}-{unit.code}==")
    return msg.as_bytes(policy=SMTP)


def council_file(plan: Plan, reports: list[tuple[Report, str | None]], roles: dict[str, str],
                 seed: int) -> bytes:
    """The council's `hoi-dong.xlsx`: three criteria of clean, accepted rows adjusted."""
    period = reports[0][0].period
    rng = random.Random(f"{seed}/council/{period}")
    clean = [r for r, fault in reports
             if not fault and roles.get(r.unit.code) != "resend" and r.rows["cham_diem"]]
    chosen = rng.sample(clean, min(3, len(clean)))
    reasons = rng.sample(_COUNCIL_REASONS, len(_COUNCIL_REASONS))
    rows = []
    for i, report in enumerate(sorted(chosen, key=lambda r: r.unit.code)):
        row = rng.choice(report.rows["cham_diem"])
        crit = rng.choice([c for c in plan.all_criteria if c.code in row and row[c.code] >= 1])
        new = row[crit.code] - rng.choice((1, 1.5, 2))
        new = max(0, int(new) if float(new).is_integer() else new)
        rows.append([report.unit.code, row["ma_dien_hinh"], crit.code, new,
                     reasons[i % len(reasons)]])
    sheet = council_sheet(plan)
    created = dt.datetime.combine(plan.deadline(period) + dt.timedelta(days=5), dt.time(9))
    return workbook_bytes([(sheet.name, list(sheet.columns), rows, (), False)], created,
                          "Hội đồng Thi đua - Khen thưởng Sở")


# ---- rendering ---------------------------------------------------------------------------------
def render_workbook(plan: Plan, report: Report, profile: Profile, seed: int) -> bytes:
    """The report as the unit's workbook, written with the unit's habits."""
    rng = random.Random(f"{seed}/render/{report.period}/{report.unit.code}")
    titles = _titles(report, profile)
    cover_rows = [[item.label, _cover_value(item.key, report, profile)] for item in COVER_ITEMS]
    drafts = [(COVER.name, list(COVER.columns), cover_rows, titles[:1], False)]
    for sheet in sheets_for(plan):
        two_row = profile.two_row_header and sheet.key == "cham_diem"
        columns = _column_order(sheet, profile, seed, report.unit.code, two_row)
        echo = sheet.key == "cham_diem"
        rows = [
            [_cell(i + 1 if c.key == "stt" else row.get(c.key), c, profile, rng, echo)
             for c in columns]
            for i, row in enumerate(report.rows[sheet.key])
        ]
        drafts.append((sheet.name, columns, rows, titles, two_row))
    created = dt.datetime.combine(report.cover["ngay_lap"], dt.time(8))
    return workbook_bytes(drafts, created, report.cover.get("nguoi_lap") or report.unit.name)


def workbook_bytes(drafts: Iterable[tuple[str, list[Column], list[list], tuple, bool]],
                   created: dt.datetime, author: str) -> bytes:
    """Write sheets (name, columns, rows, title rows, two-row header) to .xlsx bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_urls": False,
                                        "strings_to_formulas": False})
    book.set_properties({"created": created, "author": author, "title": "Báo cáo ĐHTT"})
    formats = {
        "title": book.add_format({"bold": True, "align": "center", "font_size": 13}),
        "head": book.add_format({"bold": True, "text_wrap": True, "align": "center",
                                 "valign": "vcenter", "border": 1, "bg_color": "#DDEBF7"}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
    }
    for name, columns, rows, titles, two_row in drafts:
        _write_sheet(book.add_worksheet(name), formats, columns, rows, titles, two_row)
    book.close()
    return buffer.getvalue()


def _write_sheet(ws, formats, columns, rows, titles, two_row) -> None:
    r = 0
    for title in titles:
        if len(columns) > 1:
            ws.merge_range(r, 0, r, len(columns) - 1, title, formats["title"])
        else:
            ws.write_string(r, 0, title, formats["title"])
        r += 1
    if two_row:
        _write_two_row_header(ws, formats["head"], columns, r)
        r += 2
    else:
        for c, col in enumerate(columns):
            ws.write_string(r, c, col.header, formats["head"])
        r += 1
    ws.freeze_panes(r, 0)
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
    for row in rows:
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, value, formats["date"])
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
        r += 1


def _write_two_row_header(ws, head, columns: list[Column], r: int) -> None:
    """Group titles merged across their columns; other headers merged down both rows."""
    c = 0
    while c < len(columns):
        group = columns[c].group
        if not group:
            ws.merge_range(r, c, r + 1, c, columns[c].header, head)
            c += 1
            continue
        end = c
        while end + 1 < len(columns) and columns[end + 1].group == group:
            end += 1
        if end > c:
            ws.merge_range(r, c, r, end, group, head)
        else:
            ws.write_string(r, c, group, head)
        for k in range(c, end + 1):
            ws.write_string(r + 1, k, columns[k].key, head)
        c = end + 1


def _column_order(sheet: Sheet, profile: Profile, seed: int, unit: str,
                  two_row: bool) -> list[Column]:
    """The declared order, or with a few non-score columns swapped (kept the same each period)."""
    columns = list(sheet.columns)
    movable = [i for i, c in enumerate(columns) if c.kind != "score" and c.key != "stt"]
    if profile.shuffle and not two_row and len(movable) > 1:
        rng = random.Random(f"{seed}/columns/{unit}/{sheet.key}")
        for _ in range(rng.randint(1, 2)):
            i, j = rng.sample(movable, 2)
            columns[i], columns[j] = columns[j], columns[i]
    return columns


def _cell(value: object, col: Column, profile: Profile, rng: random.Random,
          echo: bool = False) -> object:
    """A canonical value as this unit writes it; echo: a code or name repeated from Đăng ký."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return _DATE_FORMS[profile.date_form](value) if profile.date_form else value
    if isinstance(value, str) and profile.loose_codes:
        if col.kind in ("code", "yesno") and rng.random() < 0.6:
            return _loosen(value, rng)
        if echo and col.key == "ma_dien_hinh" and rng.random() < 0.3:
            return value.lower() + rng.choice(("", " "))
        if echo and col.key == "ten" and rng.random() < 0.5:
            return _old_tones(value)
    if col.kind == "score" and isinstance(value, float) and profile.comma_decimals:
        return f"{value:g}".replace(".", ",")
    return value


def _cover_value(key: str, report: Report, profile: Profile) -> object:
    value = report.cover.get(key)
    if key == "ky_bao_cao":
        return _PERIOD_FORMS[profile.period_form](value)
    if isinstance(value, dt.date) and profile.date_form:
        return _DATE_FORMS[profile.date_form](value)
    return value or None


def _titles(report: Report, profile: Profile) -> tuple[str, ...]:
    lines = (f"BÁO CÁO ĐIỂN HÌNH TIÊN TIẾN {report.period.label_short.upper()}",
             f"Đơn vị: {report.unit.name}")
    return lines[:profile.title_rows]


# ---- small helpers -----------------------------------------------------------------------------
def _profile(unit: Unit, seed: int, two_row: bool) -> Profile:
    rng = random.Random(f"{seed}/habits/{unit.code}")
    gender = rng.choice(("Nam", "Nữ"))
    return Profile(
        period_form=rng.randrange(len(_PERIOD_FORMS)),
        title_rows=rng.choices((0, 1, 2), (60, 25, 15))[0],
        shuffle=rng.random() < 0.2,
        loose_codes=rng.random() < 0.25,
        date_form=rng.choice(tuple(_DATE_FORMS)) if rng.random() < 0.3 else None,
        comma_decimals=rng.random() < 0.3,
        half_points=rng.choice((0.0, 0.1, 0.3)),
        code_style=rng.choice(_CODE_STYLES),
        file_name=rng.choice(_FILE_NAMES),
        two_row_header=two_row,
        staff=make_name(rng, gender),
        phone=rng.choice((f"0210.3{rng.randint(800000, 899999)}",
                          f"09{rng.randint(10, 99)} {rng.randint(100, 999)} "
                          f"{rng.randint(100, 999)}")),
    )


def _code(style: str, unit: Unit, number: int) -> str:
    code = style.format(u=unit.code, n=number)
    return code if len(code) <= 20 else f"DH{number:02d}"


def _registration_row(ex: Exemplar, status: str, day: dt.date) -> dict[str, object]:
    return {
        "ma_dien_hinh": ex.code, "loai": ex.kind, "ten": ex.name, "nam_sinh": ex.birth_year,
        "gioi_tinh": ex.gender, "chuc_vu": ex.position, "phong_trao": ex.movement,
        "pham_vi": ex.scope, "linh_vuc": ex.field, "noi_dung": ex.content,
        "muc_tieu": ex.target, "ngay_dang_ky": day, "trang_thai": status,
    }


def _lift(row: dict[str, object], criteria, floor: float) -> None:
    """Raise the scores with most headroom until the total reaches floor."""
    while sum(row[c.code] for c in criteria) < floor:
        crit = max(criteria, key=lambda c: c.max - row[c.code])
        row[crit.code] = min(crit.max, row[crit.code] + 1)


def _rating(rng: random.Random, base: float) -> str:
    if base >= 90:
        return "HTXSNV"
    if base >= 80:
        return rng.choices(("HTXSNV", "HTTNV"), (35, 65))[0]
    if base >= 66:
        return rng.choices(("HTXSNV", "HTTNV", "HTNV"), (5, 90, 5))[0]
    return rng.choices(("HTTNV", "HTNV", RATING_NAMES["HTTNV"]), (70, 15, 15))[0]


def _evidence(rng: random.Random, period: Period) -> str:
    day = _day_in(rng, period).strftime("%d/%m/%Y")
    return rng.choice((
        f"Quyết định số {rng.randint(12, 480)}/QĐ-SXD ngày {day}",
        f"Báo cáo số {rng.randint(5, 250)}/BC-SXD ngày {day}",
        f"Giấy khen số {rng.randint(20, 300)}/QĐ-SXD",
        "Hồ sơ lưu tại đơn vị",
        f"https://sxd.phutho.gov.vn/tin-tuc/dien-hinh-tien-tien-{period.year}-q{period.quarter}",
    ))


def _fill(rng: random.Random, template: str, period: Period) -> str:
    if "{" not in template:
        return template
    return template.format(
        n=rng.randint(12, 180), d=rng.choice((7, 10, 12, 15)), p=rng.choice((10, 15, 20, 98, 100)),
        k=rng.randint(2, 12), y=period.year, i=rng.choice(_INITIATIVES),
        place=rng.choice(_PLACES), label=period.label,
    )


def _day_in(rng: random.Random, period: Period) -> dt.date:
    span = (period.last_day - period.first_day).days
    return period.first_day + dt.timedelta(days=rng.randint(0, span))


def _loosen(value: str, rng: random.Random) -> str:
    """'Tập thể' as units type it: 'tap the', 'TẬP THỂ', 'tập thể'."""
    return rng.choice((strip_marks(value).lower(), value.upper(), value.lower()))


def _old_tones(name: str) -> str:
    """'Hòa' written with the old tone placement 'Hoà'."""
    words = name.split(" ")
    for i, word in enumerate(words):
        for new, old in _OLD_TONES.items():
            if word.endswith(new):
                words[i] = word[: -len(new)] + old
    return " ".join(words)


# ---- command line ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.sample",
        description="Tạo dữ liệu mẫu: tệp Excel của các đơn vị cho từng quý (tất định theo seed).",
    )
    parser.add_argument("--out", type=Path, default=Path("inputs"), help="thư mục đầu ra")
    parser.add_argument("--first", default="2021-Q2", help="quý đầu, ví dụ 2021-Q2")
    parser.add_argument("--last", default="2025-Q3", help="quý cuối, ví dụ 2025-Q3")
    parser.add_argument("--seed", type=int, default=2025, help="hạt giống ngẫu nhiên")
    parser.add_argument("--config", type=Path, default=None, help="tệp cấu hình kế hoạch")
    parser.add_argument("--rows-per-unit", type=int, default=None,
                        help="số điển hình mỗi đơn vị đăng ký ở kỳ đầu")
    parser.add_argument("--no-mistakes", action="store_true", help="không tạo lỗi mẫu")
    parser.add_argument("--late-unit", default="QHKT", help="đơn vị nộp muộn ở quý cuối")
    parser.add_argument("--no-ballots", action="store_true",
                        help="không tạo phiếu bầu mẫu của Hội đồng (inputs/<năm>-hoi-dong/)")
    args = parser.parse_args(argv)
    first, last = parse_period(args.first), parse_period(args.last)
    if first is None or last is None or last < first:
        parser.error("--first và --last phải là quý dạng 2025-Q2, quý đầu không sau quý cuối")
    plan = load_plan(args.config)
    paths = generate(plan, periods_between(first, last), args.out, args.seed,
                     rows_per_unit=args.rows_per_unit, mistakes=not args.no_mistakes,
                     late_unit=args.late_unit or None)
    # the council's returned ballots (issue 14), for the plan's last year when the sample
    # reaches it: the council's vote on that year's evaluation
    if not args.no_ballots and plan.council.members and last.year == plan.plan.last_year:
        from pipeline.council.sample import write_sample_ballots

        paths += write_sample_ballots(plan, args.out, last.year, dt.date(last.year, 12, 20),
                                      args.seed)
    print(f"Đã tạo {len(paths)} tệp trong {args.out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
