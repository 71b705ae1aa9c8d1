"""The blank unit workbook (`make templates`), generated from the sheet declarations.

Everything a unit reads in the template - sheet names, headers, allowed values, hints,
examples, guide lines - comes from schemas/sheets.py and the plan; this module only lays it
out with xlsxwriter: dropdowns fed by a hidden list sheet, numeric and date validations,
protected headers, print set-up and a `Hướng dẫn` sheet. Output is byte-identical for
identical inputs (fixed document properties, no clock).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from pipeline.text import excel_col, fold, vn_date
from schemas.sheets import COVER, Column, Sheet, cover_guide, cover_items, sheets_for

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from pipeline.config import Plan, Unit
    from pipeline.periods import Period

GUIDE_SHEET = "Hướng dẫn"
LIST_SHEET = "DanhMuc"
NOMINATION_SHEET = "nguoi_tot"  # the light nomination workbook's one data sheet (its key)
DATA_ROWS = 500  # rows 2..501 carry the validations and the unlocked input format
FIRST_BIRTH_YEAR = 1940  # TEMPLATE.md: an individual's Năm sinh is 1940 … year − 18
ADULT_AGE = 18
FONT = {"font_name": "Times New Roman", "font_size": 11}
LINE_PT = 15  # height of one line of 11 pt text
LANDSCAPE_FROM = 100  # total column width (characters) above which a sheet prints landscape
PAGE_CHARS = 240  # column width (characters) still readable on one A4 landscape page
REQUIRED_FILL, OPTIONAL_FILL = "#F8CBAD", "#DDEBF7"
DATE_FORMAT = "dd/mm/yyyy"
TITLE_LIMIT, MESSAGE_LIMIT = 32, 255  # Excel's limits for validation titles and messages

_REQUIRED_LABEL = {"required": "Bắt buộc", "expected": "Nên có", "optional": "Không bắt buộc"}
_GUIDE_COLUMNS = (("Cột / Mục", 26), ("Bắt buộc", 15), ("Giá trị cho phép", 34),
                  ("Hướng dẫn", 52), ("Ví dụ", 22))
_CELL = {**FONT, "text_wrap": True, "valign": "vcenter", "border": 1}
_STYLES = {
    "required": {**_CELL, "bold": True, "align": "center", "bg_color": REQUIRED_FILL},
    "optional": {**_CELL, "bold": True, "align": "center", "bg_color": OPTIONAL_FILL},
    "label": {**_CELL, "bold": True, "valign": "top"},
    "cell": {**_CELL, "valign": "top"},
    "title": {**FONT, "bold": True, "font_size": 14, "align": "center", "valign": "vcenter",
              "text_wrap": True},
    "heading": {**FONT, "bold": True, "font_size": 12, "valign": "vcenter"},
    "text": {**FONT, "text_wrap": True, "valign": "top"},
    "input": {**FONT, "locked": False, "text_wrap": True, "valign": "top"},
    "plain": {**FONT},
}


@dataclass
class _Book:
    """What every sheet writer needs: the workbook, the plan, the unit, the period, the lists."""

    workbook: Workbook
    plan: Plan
    unit: Unit
    period: Period
    lists: dict[tuple[str, ...], str]
    styles: dict = field(default_factory=dict)

    def style(self, name: str, **props):
        """One xlsxwriter format per distinct set of properties, created on first use."""
        key = (name, tuple(sorted(props.items())))
        if key not in self.styles:
            self.styles[key] = self.workbook.add_format({**_STYLES[name], **props})
        return self.styles[key]


@dataclass(frozen=True)
class Rule:
    """What a column accepts: the xlsxwriter validation, its wording and its number format."""

    validation: dict | None
    allowed: str
    num_format: str = "General"


# --- public API -------------------------------------------------------------------------
def template_name(unit: Unit, period: Period) -> str:
    return f"{unit.code}_{period}.xlsx"


def nomination_template_name(unit: Unit, period: Period) -> str:
    return f"{unit.code}_{period}_NguoiTotViecTot.xlsx"


def write_templates(plan: Plan, period: Period, out_dir: Path) -> list[Path]:
    """Write one blank workbook per unit valid in the period; return the paths in plan order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in plan.units_for(period):
        path = out_dir / template_name(unit, period)
        write_template(plan, unit, period, path)
        paths.append(path)
    return paths


def write_nomination_templates(plan: Plan, period: Period, out_dir: Path) -> list[Path]:
    """Write one light nomination workbook (cover and good-deeds sheet) per unit valid in the
    period, for the good people, good deeds units send during the quarter."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit in plan.units_for(period):
        path = out_dir / nomination_template_name(unit, period)
        write_template(plan, unit, period, path, nominations=True)
        paths.append(path)
    return paths


def write_template(plan: Plan, unit: Unit, period: Period, path: Path,
                   nominations: bool = False) -> None:
    """Write the blank workbook of one unit for one period (`nominations`: the light one)."""
    workbook = xlsxwriter.Workbook(str(path), {"default_format_properties": dict(FONT)})
    workbook.set_properties(document_properties(plan, unit, period))
    data_sheets = sheets_for(plan, period)
    if nominations:
        data_sheets = tuple(s for s in data_sheets if s.key == NOMINATION_SHEET)
    book = _Book(workbook, plan, unit, period, list_ranges(plan, period, data_sheets))
    guide = workbook.add_worksheet(GUIDE_SHEET)
    _write_cover(book, workbook.add_worksheet(COVER.name))
    for sheet in data_sheets:
        _write_data_sheet(book, workbook.add_worksheet(sheet.name), sheet)
    _write_guide(book, guide, data_sheets, nominations)
    _write_lists(book, workbook.add_worksheet(LIST_SHEET))
    workbook.close()


def document_properties(plan: Plan, unit: Unit, period: Period) -> dict:
    """Fixed properties: `created` is the period's first day, never the clock."""
    issuer = plan.issuer_on(period.last_day)
    return {
        "title": f"Biểu mẫu báo cáo điển hình tiên tiến {period.label} – {unit.name}",
        "subject": plan.plan.name,
        "author": f"{issuer.name} – {issuer.place}",
        "company": f"{issuer.superior} – {issuer.name}",
        "keywords": f"{unit.code}, {period}, {plan.plan.template_version}",
        "comments": plan.plan.template_version,
        "created": dt.datetime.combine(period.first_day, dt.time()),
    }


# --- allowed lists ----------------------------------------------------------------------
def list_ranges(plan: Plan, period: Period, data_sheets: tuple[Sheet, ...]
                ) -> dict[tuple[str, ...], str]:
    """Every distinct allowed list -> its defined name, in first-use order.

    The unit codes of the period come first (for the cover's Mã đơn vị), then each coded
    column's choices; identical lists (Có/Không, Nam/Nữ) share one range.
    """
    lists = {tuple(u.code for u in plan.units_for(period)): "DM_madonvi"}
    for sheet in data_sheets:
        for col in sheet.columns:
            if col.choices and col.choices not in lists:
                lists[col.choices] = "DM_" + fold("_".join(col.choices) if col.kind == "yesno"
                                                  else col.header)
    return lists


def _write_lists(book: _Book, ws: Worksheet) -> None:
    """The hidden sheet the dropdowns read: one column per list, its name in row 1."""
    for index, (values, name) in enumerate(book.lists.items()):
        ws.write_string(0, index, name, book.style("plain", bold=True))
        for row, value in enumerate(values, start=1):
            ws.write_string(row, index, value)
        col = excel_col(index)
        book.workbook.define_name(name, f"={LIST_SHEET}!${col}$2:${col}${len(values) + 1}")
        ws.set_column(index, index, max(14, *(len(v) + 2 for v in values)))
    ws.protect("", {"format_columns": True})
    ws.hide()


# --- rules: one place decides both the validation and its wording -----------------------
def column_rule(sheet: Sheet, col: Column, plan: Plan, period: Period,
                lists: dict[tuple[str, ...], str]) -> Rule:
    """The validation, the guide's 'allowed values' text and the number format of a column."""
    if col.choices:
        allowed = "; ".join(col.choices)
        if col.default is not None:
            allowed += f" (để trống là {col.default})"
        return Rule({"validate": "list", "source": "=" + lists[col.choices]}, allowed)
    if col.kind == "score":
        return Rule(
            {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": col.maximum},
            f"Số từ 0 đến {col.maximum:g}, có thể có phần thập phân (ví dụ 8,5)",
        )
    if col.kind == "int":
        low = int(col.minimum or 0)
        allowed = f"Số nguyên từ {low} trở lên"
        if col.default is not None:
            allowed += f" (để trống là {col.default})"
        return Rule({"validate": "integer", "criteria": ">=", "value": low}, allowed, "0")
    if col.kind == "year":
        low, high = birth_years(sheet, period)
        return Rule({"validate": "integer", "criteria": "between", "minimum": low,
                     "maximum": high}, f"Năm (4 chữ số) từ {low} đến {high}", "0")
    if col.kind == "month":
        first, _, last = period.months
        return Rule({"validate": "integer", "criteria": "between", "minimum": first,
                     "maximum": last},
                    "Tháng thuộc quý: " + ", ".join(str(m) for m in period.months), "0")
    if col.kind == "date":
        low, high = date_range(sheet, plan, period)
        return Rule({"validate": "date", "criteria": "between", "minimum": low,
                     "maximum": high},
                    f"Ngày dạng dd/mm/yyyy, từ {vn_date(low)} đến {vn_date(high)}", DATE_FORMAT)
    return _text_rule(col)


def _text_rule(col: Column) -> Rule:
    if col.min_len and col.max_len:
        return Rule({"validate": "length", "criteria": "between", "minimum": col.min_len,
                     "maximum": col.max_len},
                    f"Văn bản từ {col.min_len} đến {col.max_len} ký tự", "@")
    if col.max_len:
        return Rule({"validate": "length", "criteria": "<=", "value": col.max_len},
                    f"Văn bản, tối đa {col.max_len} ký tự", "@")
    if col.min_len:
        return Rule({"validate": "length", "criteria": ">=", "value": col.min_len},
                    f"Văn bản, ít nhất {col.min_len} ký tự", "@")
    return Rule(None, "Văn bản", "@")


def birth_years(sheet: Sheet, period: Period) -> tuple[int, int]:
    """An exemplar is an adult born from 1940 (TEMPLATE.md); elsewhere only a sane year."""
    if sheet.key == "dang_ky":
        return FIRST_BIRTH_YEAR, period.year - ADULT_AGE
    return 1900, period.year


def date_range(sheet: Sheet, plan: Plan, period: Period) -> tuple[dt.date, dt.date]:
    """Activities happen inside the period; registrations inside the plan's years."""
    if sheet.key == "hoat_dong":
        return period.first_day, period.last_day
    return dt.date(plan.plan.first_year, 1, 1), dt.date(plan.plan.last_year, 12, 31)


def validation_options(col: Column, rule: Rule) -> dict | None:
    """xlsxwriter options: the rule plus a prompt (the column's hint) and an error text."""
    if rule.validation is None and not col.hint:
        return None
    options = dict(rule.validation or {"validate": "any"})
    title = f"{col.key} (0–{col.maximum:g} điểm)" if col.kind == "score" else col.header
    options["input_title"] = fit(title, TITLE_LIMIT)
    options["input_message"] = fit(col.hint or rule.allowed + ".", MESSAGE_LIMIT)
    if rule.validation is not None:
        options["error_title"] = fit(f"{col.header}: giá trị không hợp lệ", TITLE_LIMIT)
        options["error_message"] = fit(f"{col.header}: {rule.allowed}.", MESSAGE_LIMIT)
    return options


def fit(text: str, limit: int) -> str:
    """Shorten a text to Excel's limit (UTF-16 units), cutting at a word and adding '…'."""
    if _utf16_len(text) <= limit:
        return text
    cut = text
    while _utf16_len(cut) > limit - 1:
        cut = cut[:-1]
    head, space, _ = cut.rpartition(" ")
    return (head if space and head else cut).rstrip(" ,;:.") + "…"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _check(status: int | None, what: str) -> None:
    """xlsxwriter reports a rejected option by a return code and a warning: make it loud."""
    if status not in (None, 0):
        raise ValueError(f"xlsxwriter refused {what} (status {status})")


# --- layout helpers ---------------------------------------------------------------------
def line_count(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (a safe estimate)."""
    chars = max(1, int(width) - 1)
    return sum(max(1, len(textwrap.wrap(part, chars))) for part in str(text).split("\n"))


def header_height(columns: tuple[Column, ...]) -> float:
    """Row height (points) that shows every header fully in its declared width."""
    return max(line_count(c.header, c.width) for c in columns) * LINE_PT + 6


def pages_wide(total_width: float) -> int:
    """Pages across: one, unless the sheet would print too small to read (Chấm điểm)."""
    return max(1, math.ceil(total_width / PAGE_CHARS))


def _print_setup(book: _Book, ws: Worksheet, total_width: float, header_rows: int = 1,
                 key_columns: int = 0) -> None:
    """A4, landscape when wide, fit to the page width, repeated header, page-numbered footer."""
    ws.set_paper(9)  # A4
    if total_width > LANDSCAPE_FROM:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(pages_wide(total_width), 0)
    if key_columns and pages_wide(total_width) > 1:
        ws.repeat_columns(0, key_columns - 1)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.center_horizontally()
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    font = '&"Times New Roman,Regular"'
    ws.set_footer(f"&L{font}{book.unit.code} – {book.period}&C{font}Trang &P/&N&R{font}&A",
                  {"scale_with_doc": False})


# --- cover ------------------------------------------------------------------------------
def cover_values(plan: Plan, unit: Unit, period: Period) -> dict[str, str]:
    """The cover items the generator fills in, by item key."""
    return {
        "ma_don_vi": unit.code,
        "ten_don_vi": unit.name,
        "ky_bao_cao": str(period),
        "phien_ban_mau": plan.plan.template_version,
    }


def _cover_validation(book: _Book, key: str) -> dict:
    """Ngày lập must be a date, Mã đơn vị one of the period's units; other items only prompt."""
    if key == "ngay_lap":
        first_day = dt.date(book.plan.plan.first_year, 1, 1)
        return {"validate": "date", "criteria": ">=", "value": first_day,
                "error_title": "Ngày lập không hợp lệ",
                "error_message": f"Ghi ngày dạng dd/mm/yyyy, từ {vn_date(first_day)}."}
    if key == "ma_don_vi":
        codes = tuple(u.code for u in book.plan.units_for(book.period))
        return {"validate": "list", "source": "=" + book.lists[codes],
                "error_title": "Mã đơn vị không hợp lệ",
                "error_message": fit("Chọn mã đơn vị trong danh sách: " + "; ".join(codes) + ".",
                                     MESSAGE_LIMIT)}
    return {"validate": "any"}


def _write_cover(book: _Book, ws: Worksheet) -> None:
    label_col, value_col = COVER.columns
    ws.set_column(0, 0, label_col.width)
    ws.set_column(1, 1, value_col.width, book.style("input", num_format="@"))
    ws.write_string(0, 0, label_col.header, book.style("required"))
    ws.write_string(0, 1, value_col.header, book.style("required"))
    ws.set_comments_author(book.plan.issuer_on(book.period.last_day).name)
    prefilled = cover_values(book.plan, book.unit, book.period)
    for row, item in enumerate(cover_items(book.plan, book.period), start=1):
        ws.write_string(row, 0, item.label, book.style("label"))
        if item.hint:
            ws.write_comment(row, 0, item.hint, {"x_scale": 1.6})
        if item.key == "phien_ban_mau":
            ws.write_string(row, 1, prefilled[item.key],
                            book.style("input", num_format="@", locked=True))
        elif item.key in prefilled:
            ws.write_string(row, 1, prefilled[item.key])
        elif item.key == "ngay_lap":
            ws.write_blank(row, 1, None, book.style("input", num_format=DATE_FORMAT))
        options = _cover_validation(book, item.key) | {
            "input_title": fit(item.label, TITLE_LIMIT),
            "input_message": fit(item.hint, MESSAGE_LIMIT),
        }
        _check(ws.data_validation(row, 1, row, 1, options), f"validation of {item.label}")
    ws.freeze_panes(1, 0)
    ws.protect("", {"format_columns": True, "format_rows": True})
    _print_setup(book, ws, label_col.width + value_col.width)


# --- data sheets ------------------------------------------------------------------------
def _write_data_sheet(book: _Book, ws: Worksheet, sheet: Sheet) -> None:
    for index, col in enumerate(sheet.columns):
        rule = column_rule(sheet, col, book.plan, book.period, book.lists)
        ws.set_column(index, index, col.width, book.style("input", num_format=rule.num_format))
        ws.write_string(0, index, col.header,
                        book.style("required" if col.required else "optional"))
        options = validation_options(col, rule)
        if options:
            status = ws.data_validation(1, index, DATA_ROWS, index, options)
            _check(status, f"validation of {sheet.name}!{col.header}")
    ws.set_row(0, header_height(sheet.columns))
    frozen = key_columns(sheet)
    ws.freeze_panes(1, frozen)
    ws.autofilter(0, 0, DATA_ROWS, len(sheet.columns) - 1)
    ws.protect("", {"format_columns": True, "format_rows": True, "sort": True,
                    "autofilter": True, "insert_rows": True, "delete_rows": True})
    _print_setup(book, ws, sum(c.width for c in sheet.columns), key_columns=frozen)


def key_columns(sheet: Sheet) -> int:
    """Columns kept in view (frozen, repeated on print) on the wide score sheet: STT … Tên."""
    if sheet.key != "cham_diem":
        return 0
    return next((i + 1 for i, c in enumerate(sheet.columns) if c.key == "ten"), 0)


# --- guide ------------------------------------------------------------------------------
def general_guide(plan: Plan, unit: Unit, period: Period, data_sheets: tuple[Sheet, ...],
                  nominations: bool = False) -> list[str]:
    """The guide's opening lines: whose file, which period, the deadline, the conventions."""
    names = ", ".join([COVER.name, *(s.name for s in data_sheets)])
    if nominations:
        months = ", ".join(str(m) for m in period.months)
        return [
            f"Biểu mẫu đề cử gương người tốt, việc tốt của {unit.name} (mã {unit.code}), "
            f"{period.label} (ghi trên trang {COVER.name} là {period}).",
            f"Hằng tháng, đơn vị gửi tệp này khi có gương người tốt, việc tốt (tháng {months}); "
            "mỗi lần gửi ghi Ngày lập mới. Gửi lại đề cử của một tháng thì tệp gửi sau thay "
            "thế đề cử tháng đó của tệp trước. Đề cử đã gửi không cần nhắc lại trong báo cáo "
            "quý; nếu nhắc lại, chương trình chỉ tính một lần.",
            f"Điền các trang {names}; không đổi tên trang, không sửa dòng tiêu đề.",
            "Tiêu đề nền cam là cột bắt buộc; nền xanh là cột không bắt buộc. Chọn một ô sẽ "
            "thấy lời nhắc; ô có mũi tên thì chọn giá trị trong danh sách.",
        ]
    return [
        f"Biểu mẫu của {unit.name} (mã {unit.code}), kỳ báo cáo {period.label} "
        f"(ghi trên trang {COVER.name} là {period}). Hạn gửi: {vn_date(plan.deadline(period))}.",
        f"Điền các trang {names}; không đổi tên trang, không sửa dòng tiêu đề. "
        "Trang nào không có nội dung trong kỳ thì để trống.",
        "Tiêu đề nền cam là cột bắt buộc; nền xanh là cột không bắt buộc hoặc chỉ bắt buộc "
        "trong một số trường hợp (xem cột Hướng dẫn). Chọn một ô sẽ thấy lời nhắc; ô có mũi "
        "tên thì chọn giá trị trong danh sách.",
        "Ngày ghi dạng dd/mm/yyyy; điểm có thể có phần thập phân. Dòng tiêu đề được khóa "
        "(không đặt mật khẩu) để tránh sửa nhầm; vẫn điền, thêm dòng, sắp xếp và lọc được.",
    ]


def guide_rows(sheet: Sheet, plan: Plan, period: Period, lists: dict[tuple[str, ...], str]
               ) -> list[tuple[str, str, str, str, str]]:
    """The guide's table of a data sheet: header, required, allowed values, hint, example."""
    rows = []
    for col in sheet.columns:
        rule = column_rule(sheet, col, plan, period, lists)
        example = "" if col.example in (None, "") else str(col.example)
        rows.append((col.header, "Bắt buộc" if col.required else (
            col.required_when or "Không bắt buộc"),
                     rule.allowed, col.hint, example))
    return rows


def cover_guide_rows(plan: Plan, unit: Unit, period: Period
                     ) -> list[tuple[str, str, str, str, str]]:
    """The guide's table of the cover: item, required, what goes in, hint, example."""
    prefilled = cover_values(plan, unit, period)
    rows = []
    for item in cover_items(plan, period):
        allowed = "Đã ghi sẵn" if item.key in prefilled else ""
        if item.key == "ngay_lap":
            allowed = "Ngày dạng dd/mm/yyyy"
        rows.append((item.label, _REQUIRED_LABEL[item.required], allowed, item.hint,
                     prefilled.get(item.key, item.example)))
    return rows


def _write_guide(book: _Book, ws: Worksheet, data_sheets: tuple[Sheet, ...],
                 nominations: bool = False) -> None:
    widths = [w for _, w in _GUIDE_COLUMNS]
    for index, width in enumerate(widths):
        ws.set_column(index, index, width)
    title = ("HƯỚNG DẪN ĐIỀN BIỂU MẪU ĐỀ CỬ NGƯỜI TỐT, VIỆC TỐT " if nominations else
             "HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO ĐIỂN HÌNH TIÊN TIẾN ") + book.period.label.upper()
    ws.merge_range(0, 0, 0, len(widths) - 1, title, book.style("title"))
    ws.set_row(0, 2 * LINE_PT + 8)
    lines = general_guide(book.plan, book.unit, book.period, data_sheets, nominations)
    row = _write_paragraphs(book, ws, 2, lines, widths)
    cover = Sheet(**{**COVER.__dict__, "guide": cover_guide(book.period)})
    sections = [(cover, cover_guide_rows(book.plan, book.unit, book.period))]
    sections += [(s, guide_rows(s, book.plan, book.period, book.lists)) for s in data_sheets]
    for sheet, rows in sections:
        ws.write_string(row + 1, 0, f"Trang «{sheet.name}»", book.style("heading"))
        ws.set_row(row + 1, LINE_PT + 8)
        row = _write_paragraphs(book, ws, row + 2, sheet.guide, widths)
        for index, (header, _) in enumerate(_GUIDE_COLUMNS):
            ws.write_string(row, index, header, book.style("optional"))
        row += 1
        for values in rows:
            for index, value in enumerate(values):
                ws.write_string(row, index, value, book.style("label" if index == 0 else "cell"))
            height = max(line_count(v, w) for v, w in zip(values, widths, strict=True))
            ws.set_row(row, height * LINE_PT + 4)
            row += 1
    ws.protect("", {"format_columns": True, "format_rows": True})
    _print_setup(book, ws, sum(widths), header_rows=0)


def _write_paragraphs(book: _Book, ws: Worksheet, row: int, lines, widths: list[int]) -> int:
    """Bulleted lines, each merged across the guide's width; returns the next free row."""
    for line in lines:
        text = f"• {line}"
        ws.merge_range(row, 0, row, len(widths) - 1, text, book.style("text"))
        ws.set_row(row, line_count(text, sum(widths) * 0.95) * LINE_PT + 4)
        row += 1
    return row
