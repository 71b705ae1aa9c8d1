"""A plan nothing in the program was written for: other years, units, criteria, movements, gate,
thresholds, quota, award rule, deadline rule, reviews, recipients and legal bases.

`write_other_plan(folder)` writes it as `2031-2035.toml` beside a copy of the shipped 2021–2025
plan, so a test can run both, and check that neither plan's words reach what the other's
users read. `WORDS` lists, per plan, the words that belong to it alone.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pipeline.config import DEFAULT_PLAN

OTHER_PLAN = """\
[plan]
code = "2031-2035"
name = "Chương trình thi đua nêu gương giai đoạn 2031 – 2035"
first_year = 2031
last_year = 2035
template_version = "NG-2031 v2"

[[issuers]]
superior = "UBND TỈNH PHÚ THỌ"
name = "SỞ XÂY DỰNG"
abbreviation = "SXD"
place = "Phú Thọ"
signer_title = "GIÁM ĐỐC"

[reports]
recipients = ["Hội đồng Thi đua tỉnh", "Văn phòng Đoàn Đại biểu"]
upward = "Hội đồng Thi đua tỉnh"
proposal_recipients = ["Như trên", "Hội đồng Thi đua tỉnh"]
decision_recipients = ["Như Điều 3", "Phòng Tổ chức cán bộ"]
good_deeds_recipients = ["Như trên", "Phòng Tổ chức cán bộ"]
proposal_bases = ["Căn cứ Luật Khen thưởng mẫu số 9;"]
decision_bases = ["Căn cứ Luật Khen thưởng mẫu số 9;", "Căn cứ Quy chế nêu gương số 7;"]

[[units]]
code = "BANA"
name = "Ban Alpha"
email = "alpha@example.vn"

[[units]]
code = "BANB"
name = "Ban Beta"
email = "beta@example.vn"

[[units]]
code = "TT7"
name = "Trung tâm Bảy"
email = "bay@example.vn"

[[units]]
code = "KHO"
name = "Kho lưu trữ"
email = "kho@example.vn"
valid_from = 2031-07-01

[[general_criteria]]
code = "C1"
text = "Kết quả công việc được giao"
max = 20

[[general_criteria]]
code = "C2"
text = "Đổi mới cách làm"
max = 15

[[general_criteria]]
code = "C3"
text = "Tinh thần đoàn kết"
max = 15

[[general_criteria]]
code = "C4"
text = "Tham gia hoạt động cộng đồng"
max = 10

[[movements]]
code = "CDS2"
name = "Chuyển đổi số trong cơ quan"
short = "Chuyển đổi số"
criteria = [
  { code = "D1", text = "Dùng dữ liệu số trong công việc", max = 25 },
  { code = "D2", text = "Dịch vụ công trực tuyến", max = 15 },
]

[[movements]]
code = "XANH"
name = "Cơ quan xanh, an toàn"
short = "Cơ quan xanh"
security_gate = true
criteria = [
  { code = "X1", text = "Tiết kiệm năng lượng", max = 20 },
  { code = "X2", text = "An toàn cơ quan", max = 20 },
]

[[movements]]
code = "TRE"
name = "Tuổi trẻ sáng tạo"
short = "Tuổi trẻ sáng tạo"
criteria = [
  { code = "T1", text = "Ý tưởng mới", max = 40 },
]

[[movements]]
code = "DAN"
name = "Gần dân, vì dân"
short = "Gần dân"
criteria = [
  { code = "Q1", text = "Giải quyết kiến nghị", max = 30 },
  { code = "Q2", text = "Đối thoại", max = 10 },
]

[thresholds]
xuat_sac = 92.5
tot = 82
dat = 68

[awards]
giay_khen_quota = 0.25
bang_khen_rule = "htxsnv"

[deadlines]
day = "cuoi_thang"

[deadlines.overrides]
"2031-Q2" = 2031-07-20

[reviews.so-ket]
title = "Sơ kết chặng một chương trình nêu gương"
first = "2031-Q1"
last = "2032-Q4"
min_excellent_years = 1

[reviews.tong-ket]
title = "Tổng kết chương trình nêu gương"
first = "2031-Q1"
last = "2035-Q2"
min_excellent_years = 3
"""

# What belongs to one plan alone: codes (as words), names, ranges, the gated movement's
# wording, years, recipients and legal bases.
WORDS = {
    "2021-2025": [
        r"\bVHCS\b", r"\bHCM\b", r"\bNVCT\b", r"G1\s*[–-]\s*G5",
        "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở",
        "Văn hóa công sở", "Học tập và làm theo Bác", "Nhiệm vụ chính trị, chuyên môn",
        "phong cách Hồ Chí Minh", r"\b202[1-5]\b", "Ban Thi đua - Khen thưởng tỉnh",
        "Sở Nội vụ", "Nghị định số 98/2023", "ĐHTT-2021-2025",
    ],
    "2031-2035": [
        r"\bCDS2\b", r"\bXANH\b", r"\bTRE\b", r"\bDAN\b", r"C1\s*[–-]\s*C4",
        "Chuyển đổi số trong cơ quan", "Cơ quan xanh", "Tuổi trẻ sáng tạo", "Gần dân",
        r"\b203[1-5]\b", "Hội đồng Thi đua tỉnh", "Phòng Tổ chức cán bộ", "Luật Khen thưởng mẫu",
        "NG-2031", "Chương trình thi đua nêu gương",
    ],
}


def write_other_plan(folder: Path) -> tuple[Path, Path]:
    """The shipped 2021–2025 plan and the other plan, side by side in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / DEFAULT_PLAN.name
    shutil.copyfile(DEFAULT_PLAN, old)
    other = folder / "2031-2035.toml"
    other.write_text(OTHER_PLAN, encoding="utf-8")
    return old, other


def leaks(text: str, plan_code: str) -> list[str]:
    """The words of `plan_code` found in a text."""
    return sorted({m.group(0) for w in WORDS[plan_code] for m in re.finditer(w, text)})
