"""The sample generator's files: unit workbooks (openpyxl, with the quirks units really
produce), saved e-mails, the council file and file names.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Iterable
from dataclasses import replace
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

import xlsxwriter

from pipeline.config import Plan, Unit
from pipeline.periods import ROMAN_OF, Period
from pipeline.text import strip_marks
from pipeline.tools.sample_data import (
    _CODE_STYLES,
    _COUNCIL_REASONS,
    _DATE_FORMS,
    _FILE_NAMES,
    _INITIATIVES,
    _OLD_TONES,
    _PERIOD_FORMS,
    _PLACES,
    VIETNAM,
    XLSX_TYPE,
    Exemplar,
    Profile,
    Report,
    _score_above_max,
    file_name,
    make_name,
)
from schemas.sheets import (
    COVER,
    COVER_ITEMS,
    RATING_NAMES,
    Column,
    Sheet,
    council_sheet,
    sheets_for,
)


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
