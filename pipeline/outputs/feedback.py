"""Feedback to units: an annotated copy of their workbook and a ready-to-send reply text.

The workbook is the unit's own file with every faulty cell filled and commented, plus a sheet
`Phản hồi` listing the problems; a file openpyxl cannot load gets that sheet alone. Output
bytes depend only on the inputs: the document properties and every zip entry's time come from
`stamp`, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import re
import textwrap
import threading
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from pipeline.findings import ERROR, NOTICE, SEVERITY_ORDER, WARNING, Finding
from pipeline.intake.readers import ReaderPool
from pipeline.sources import UnreadableFile
from pipeline.text import fold

FEEDBACK_SHEET = "Phản hồi"
AUTHOR = "Văn phòng Sở"
SIGNATURE = "Văn phòng Sở Xây dựng"
DEFAULT_STAMP = dt.datetime(2000, 1, 1)
ANNOTATABLE = frozenset({"xlsx", "xlsm"})

# Excel's own "Bad" / "Neutral" / light-blue fills: red, yellow, blue, text still readable.
FILLS = {
    ERROR: PatternFill("solid", fgColor="FFC7CE"),
    WARNING: PatternFill("solid", fgColor="FFEB9C"),
    NOTICE: PatternFill("solid", fgColor="DDEBF7"),
}
ANNOTATED_NOTE = ("Trong các trang của đơn vị, ô có lỗi được tô đỏ, ô có cảnh báo tô vàng, "
                  "ô có lưu ý tô xanh, kèm ghi chú của Văn phòng Sở.")
HEADERS = ("Mức độ", "Trang tính", "Ô", "Mã lỗi", "Nội dung")
WIDTHS = (11, 22, 9, 8, 90)
HEADER_ROW = 3
# A workbook whose parts (media and binaries aside) unpack to more than MAX_XML_BYTES is not
# annotated: the unit gets the `Phản hồi` sheet alone. The patch route costs a pass over the
# bytes (a 50 MB sheet: about a second); openpyxl, its fallback, loads every cell: a formatted
# million-row range (42 MB of XML) takes 23 s, 5 MB (5,000 rows of 15 columns) 2 s.
MAX_XML_BYTES = 50_000_000
MAX_OPENPYXL_XML_BYTES = 10_000_000
MAX_ROW, MAX_COL = 1_048_576, 16_384
_ZIP_MIN = dt.datetime(1980, 1, 1)
_ZIP_MAX = dt.datetime(2107, 12, 31, 23, 59, 58)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10)
}
# One paragraph per line: webmail reflows text, and hard breaks pasted into it look broken.
_WRAP = 10_000
_NOT_XML = ("xl/media/", "xl/embeddings/", "xl/vbaProject", "xl/printerSettings/")
_COORDINATE = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")


class TooLarge(ValueError):
    """A workbook too large to annotate within the run's memory."""


# ---------------------------------------------------------------------------------------------
# The annotated workbook


def write_feedback_workbook(
    data: bytes,
    fmt: str | None,
    findings: list[Finding],
    path: Path,
    title: str,
    stamp: dt.datetime = DEFAULT_STAMP,
) -> None:
    """Write the feedback workbook for one input file to `path` (always `.xlsx`).

    `title` heads the `Phản hồi` sheet, followed by the counts ("Phản hồi tệp TTKD_Q2.xlsx: 2 lỗi,
    …"); `stamp` is written as the document's created/modified time and every zip entry's time.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(feedback_workbook_bytes(data, fmt, findings, title, stamp))


def feedback_workbook_bytes(
    data: bytes,
    fmt: str | None,
    findings: list[Finding],
    title: str,
    stamp: dt.datetime = DEFAULT_STAMP,
) -> bytes:
    """The feedback workbook's bytes: the annotated copy, or the `Phản hồi` sheet alone."""
    return feedback_workbook(data, fmt, findings, title, stamp)[0]


def feedback_workbook(
    data: bytes,
    fmt: str | None,
    findings: list[Finding],
    title: str,
    stamp: dt.datetime = DEFAULT_STAMP,
) -> tuple[bytes, str]:
    """`feedback_workbook_bytes`, with why the unit's own file could not be annotated (for the
    clerk; '' when it was, or when its format is never annotated: .xls and .ods units get the
    list alone by design)."""
    ordered = order_findings(findings)
    why = ""
    if (fmt or "").lower() in ANNOTATABLE:
        try:
            return _annotated_bytes(data, ordered, title, stamp), ""
        except TooLarge:
            why = "tệp quá lớn để chú thích"
        except MemoryError:
            why = "không đủ bộ nhớ để chú thích"
        except Exception:  # any load or save failure: the unit gets the list alone
            why = "không mở được tệp để chú thích"
    return _workbook_bytes(_listing_workbook(ordered, title), stamp), why


WORKER_STOPPED = "việc chú thích phải dừng (quá thời gian hoặc hết bộ nhớ)"
WORKER_FAILED = "việc chú thích gặp lỗi"


def list_only_notice(name: str, why: str) -> str:
    """The clerk's line for a feedback workbook that holds the list of problems alone."""
    return (f"Bản phản hồi tệp '{name}' chỉ gồm danh sách lỗi, không tô màu và ghi chú trên "
            f"từng ô: {why}.")


FeedbackJob = tuple  # feedback_workbook_bytes's arguments: data, format, findings, title, stamp


def annotate_in_worker(payload: bytes) -> tuple[bytes, str]:
    """`feedback_workbook` in a ReaderPool worker; `payload` is a pickled FeedbackJob."""
    return feedback_workbook(*pickle.loads(payload))


class BackgroundAnnotations:
    """Feedback workbooks made by a worker process (a ReaderPool of one: a fresh interpreter
    under memory and time limits) while this process writes something else; a thread of this
    process only passes the files and collects the results. A file the worker fails on
    (deadline, memory, crash) gets the list of its problems alone, as when annotating fails;
    when no worker can be had at all, `results` makes the workbooks here. When the block
    fails, the thread stops after the file in hand and nothing waits for it."""

    def __init__(self, jobs: list[FeedbackJob], deadline: float = 60.0):
        self.jobs = jobs
        self.deadline = deadline
        self._made: list[object] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._make, name="phan-hoi", daemon=True)

    def __enter__(self) -> BackgroundAnnotations:
        if self.jobs:
            self._thread.start()
        return self

    def __exit__(self, kind: type | None, *exc_info: object) -> None:
        if kind is not None:
            self._stop.set()  # the run is failing: let its error through now
        elif self._thread.is_alive():
            self._thread.join()

    def _make(self) -> None:
        try:
            with ReaderPool(workers=1, deadline=self.deadline, reader=annotate_in_worker) as pool:
                for made in pool.each([pickle.dumps(job) for job in self.jobs]):
                    if self._stop.is_set():
                        return
                    self._made.append(made)
        except Exception:  # no worker to be had: results() makes what is missing here
            return

    def results(self) -> list[tuple[bytes, str]]:
        """Each job's `feedback_workbook`, in order (waits for the worker)."""
        self.__exit__(None)
        made = self._made + [None] * (len(self.jobs) - len(self._made))
        return [done if isinstance(done, tuple)
                else feedback_workbook(*job) if done is None
                else (feedback_workbook_bytes(b"", None, *job[2:]), _stopped(done, job))
                for done, job in zip(made, self.jobs, strict=True)]


def _stopped(failure: UnreadableFile, job: FeedbackJob) -> str:
    """Why a job the worker failed on holds the list alone ('' for a format never annotated)."""
    if (job[1] or "").lower() not in ANNOTATABLE:
        return ""
    return WORKER_STOPPED if failure.code == "F06" else WORKER_FAILED


def order_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, then warnings, then notices; each by sheet (first seen), row and column."""
    findings = list(findings)
    sheet_rank: dict[str, int] = {}
    for f in findings:
        sheet_rank.setdefault(f.sheet, -1 if not f.sheet else len(sheet_rank))

    def key(f: Finding) -> tuple:
        row, col = _cell_position(f.cell) or (0, 0)
        return (SEVERITY_ORDER.get(f.severity, 9), sheet_rank[f.sheet], row, col, f.code, f.message)

    return sorted(findings, key=key)


def _annotated_bytes(data: bytes, findings: list[Finding], title: str, stamp: dt.datetime) -> bytes:
    """The annotated copy: the unit's package patched (pipeline/outputs/feedback_patch.py) or,
    when it holds anything the patch does not expect, the workbook loaded and saved with
    openpyxl."""
    size = _xml_size(data)
    if size > MAX_XML_BYTES:
        raise TooLarge("workbook too large to annotate")
    from pipeline.outputs.feedback_patch import annotated_bytes  # it imports this module

    try:
        return annotated_bytes(data, findings, title, stamp)
    except Exception:
        pass
    if size > MAX_OPENPYXL_XML_BYTES:
        raise TooLarge("workbook too large to load")
    wb = load_workbook(io.BytesIO(data), keep_vba=False, rich_text=True)
    for name in [n for n in wb.sheetnames if fold(n) == fold(FEEDBACK_SHEET)]:
        del wb[name]  # a feedback copy sent back to us: its old list is stale
    for (sheet, cell), hits in _group_by_cell(wb, findings).items():
        _annotate(sheet, cell, hits)
    ws = wb.create_sheet(FEEDBACK_SHEET, 0)
    _fill_listing(ws, findings, title, annotated=True)
    _activate_first(wb)
    wb.properties.lastModifiedBy = AUTHOR
    return _workbook_bytes(wb, stamp)


def _xml_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        return sum(i.file_size for i in parts if not i.filename.startswith(_NOT_XML))


def _group_by_cell(wb: Workbook, findings: list[Finding]) -> dict[tuple[Worksheet, str], list]:
    """Findings that point at a cell of a worksheet, keyed by (sheet, coordinate)."""
    groups: dict[tuple[Worksheet, str], list[Finding]] = {}
    for f in findings:
        ws = _find_sheet(wb, f.sheet)
        coordinate = _target_cell(ws, f.cell) if ws is not None else None
        if coordinate:
            groups.setdefault((ws, coordinate), []).append(f)
    return groups


def _find_sheet(wb: Workbook, name: str) -> Worksheet | None:
    """The worksheet named `name`, exactly or else by its folded name when that is unique."""
    if not name:
        return None
    sheets = [ws for ws in wb.worksheets if ws.title != FEEDBACK_SHEET]
    exact = [ws for ws in sheets if ws.title == name]
    folded = [ws for ws in sheets if fold(ws.title) == fold(name)]
    matches = exact or folded
    return matches[0] if len(matches) == 1 else None


def _cell_position(cell: str) -> tuple[int, int] | None:
    """(row, column) of "F12"; (12, 0) for a whole row "12"; None otherwise."""
    cell = cell.strip()
    if cell.isascii() and cell.isdigit():
        row = int(cell)
        return (row, 0) if 1 <= row <= MAX_ROW else None
    match = _COORDINATE.match(cell.upper())
    if match is None:
        return None
    row, col = int(match[2]), column_index_from_string(match[1])
    return (row, col) if 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL else None


def _target_cell(ws: Worksheet, cell: str) -> str | None:
    """The coordinate to mark: the cell itself, the row's first cell, or a merge's top-left."""
    position = _cell_position(cell)
    if position is None:
        return None
    row, col = position
    col = col or ws.min_column
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            row, col = merged.min_row, merged.min_col
            break
    return f"{get_column_letter(col)}{row}"


def _annotate(ws: Worksheet, coordinate: str, findings: list[Finding]) -> None:
    cell = ws[coordinate]
    worst = min(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9)).severity
    cell.fill = FILLS.get(worst, FILLS[NOTICE])
    text = comment_text(findings)
    old = cell.comment
    if old is not None and old.author != AUTHOR and old.text.strip():
        text = f"{text}\n\n(Ghi chú của đơn vị) {old.text.strip()}"
    lines = sum(1 + len(line) // 40 for line in text.splitlines())
    cell.comment = Comment(text, AUTHOR, height=min(20 + 15 * lines, 400), width=320)


def comment_text(findings: list[Finding]) -> str:
    """One line per finding: "Lỗi (C03): <message>"."""
    return "\n".join(f"{f.severity} ({f.code}): {_safe(f.message)}" for f in findings)


def _listing_workbook(findings: list[Finding], title: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = FEEDBACK_SHEET
    _fill_listing(ws, findings, title, annotated=False)
    wb.properties.creator = AUTHOR
    wb.properties.lastModifiedBy = AUTHOR
    return wb


def _fill_listing(ws: Worksheet, findings: list[Finding], title: str, annotated: bool) -> None:
    """The `Phản hồi` sheet: title, counts, then one row per finding."""
    heading = f"{title}: {count_text(findings)}."
    _put(ws, 1, 1, heading).font = Font(bold=True, size=13)
    if annotated and findings:
        _put(ws, 2, 1, ANNOTATED_NOTE).font = Font(italic=True)
    for col, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = _put(ws, HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, f in enumerate(findings, start=HEADER_ROW + 1):
        values = (f.severity, f.sheet, _cell_label(f.cell), f.code, f.message)
        for col, value in enumerate(values, start=1):
            cell = _put(ws, row, col, value)
            cell.alignment = Alignment(vertical="top", wrap_text=col in (2, 5))
            cell.border = _BORDER
        ws.cell(row, 1).fill = FILLS.get(f.severity, FILLS[NOTICE])
    last = HEADER_ROW + max(len(findings), 1)
    if not findings:
        _put(ws, HEADER_ROW + 1, 1, "Không có vấn đề nào.")
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(HEADERS))}{last}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def count_text(findings: list[Finding], skip_zero: bool = False) -> str:
    """ "2 lỗi, 1 cảnh báo, 0 lưu ý" (without the zero counts when `skip_zero`)."""
    counts = [(sum(f.severity == s for f in findings), s.lower()) for s in SEVERITY_ORDER]
    return ", ".join(f"{n} {word}" for n, word in counts if n or not skip_zero)


def _cell_label(cell: str) -> str:
    """ "dòng 12" for a whole-row finding, else the cell as given."""
    position = _cell_position(cell)
    return f"dòng {position[0]}" if position and not position[1] else cell


def _put(ws: Worksheet, row: int, col: int, value: str):
    """Write text as text: never a formula, never an illegal XML character."""
    cell = ws.cell(row, col)
    text = _safe(value)
    if text:
        cell.value = text
        cell.data_type = "s"
    return cell


def _safe(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", str(text)))


def _activate_first(wb: Workbook) -> None:
    """Open on the first sheet, with no other sheet selected (no accidental grouping)."""
    for ws in wb.worksheets:
        for view in ws.views.sheetView:
            view.tabSelected = False
    for cs in wb.chartsheets:
        for view in cs.sheetViews.sheetView:
            view.tabSelected = False
    for book_view in wb.views:
        book_view.firstSheet = 0
    wb.active = 0
    wb.active.sheet_view.tabSelected = True


def _workbook_bytes(wb: Workbook, stamp: dt.datetime) -> bytes:
    """Save without the clock: fixed document properties, then fixed zip entry metadata."""
    stamp = _naive_utc(stamp)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    # `Workbook.save` would stamp `modified` with the clock; the writer itself does not.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    return _fixed_zip(buffer.getvalue(), stamp)


def _naive_utc(stamp: dt.datetime) -> dt.datetime:
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp.replace(microsecond=0)


def _fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite a zip with the same entries in the same order, every time and mode fixed."""
    when = min(max(stamp, _ZIP_MIN), _ZIP_MAX).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(entry))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# File names


def feedback_name(unit: str | None, file_name: str) -> str:
    """`<unit>_<file stem>.xlsx`, or `<file stem>.xlsx`; "a.eml/b.xlsx" has the stem "a_b"."""
    parts = (_sanitise(PurePosixPath(p).stem) for p in re.split(r"[\\/]", file_name))
    stem = "_".join(p for p in parts if p) or "tep"
    prefix = _sanitise(unit or "")
    name = f"{prefix}_{stem}" if prefix else stem
    name = name[:150].rstrip(" .")
    if name.split(".")[0].lower() in _WINDOWS_RESERVED:
        name = f"{name}_"
    return f"{name}.xlsx"


def _sanitise(text: str) -> str:
    text = _WINDOWS_BAD.sub("", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip(" .")


# ---------------------------------------------------------------------------------------------
# The reply e-mail text


def write_reply_text(
    unit_name: str,
    unit_code: str,
    period_label: str,
    files: list[tuple[str, list[Finding]]],
    deadline_text: str | None,
    note: str | None = None,
) -> str:
    """A ready-to-send Vietnamese reply to one unit about its files of the period.

    A file is not accepted when it has an error at file or cover level (codes F…, B…); it is
    superseded when it has F07. `deadline_text` is a date as a person reads it ("15/07/2025",
    with or without a leading "ngày"). `note` is a paragraph added after the list of files
    (for instance that the report came after the deadline).
    """
    lines = [f"Kính gửi: {unit_name}", ""]
    if not files:
        lines += _wrap(
            f"Văn phòng Sở Xây dựng chưa nhận được báo cáo {period_label} về xây dựng điển hình "
            f"tiên tiến của đơn vị (mã đơn vị {unit_code}). Đề nghị đơn vị gửi báo cáo "
            f"{_by(deadline_text)}."
        )
        return _close(lines)
    lines += _wrap(
        f"Văn phòng Sở Xây dựng đã nhận được báo cáo {period_label} về xây dựng điển hình tiên "
        f"tiến của đơn vị (mã đơn vị {unit_code}), gồm {len(files)} tệp:"
    )
    for name, findings in files:
        lines += _wrap(f"- Tệp {name}: {file_status(findings)}.", indent="  ")
    if note:
        lines += ["", *_wrap(note)]
    problems = [(name, order_findings(fs)) for name, fs in files if fs]
    if not problems:
        lines += ["", *_wrap("Báo cáo đã được tiếp nhận đầy đủ. Cảm ơn sự phối hợp của đơn vị.")]
        return _close(lines)
    for name, findings in problems:
        counts = count_text(findings, skip_zero=True)
        lines += ["", *_wrap(f"Các vấn đề trong tệp {name} ({counts}):")]
        lines += _problem_lines(findings)
        lines += _wrap(_attachment_text(unit_code, name, findings))
    lines += ["", *_wrap(_request(files, deadline_text))]
    return _close(lines)


def file_status(findings: list[Finding]) -> str:
    """What became of a file, in words: rejected, superseded or accepted."""
    if any(_rejects_file(f) for f in findings):
        return "không được tiếp nhận (lý do nêu dưới đây)"
    if any(f.code == "F07" for f in findings):
        return "đã nhận nhưng không sử dụng vì đơn vị đã gửi tệp khác thay thế"
    errors = sum(f.severity == ERROR for f in findings)
    if errors:
        return f"đã tiếp nhận; các dòng có lỗi không được sử dụng ({errors} lỗi)"
    return "đã tiếp nhận"


def _attachment_text(unit_code: str, name: str, findings: list[Finding]) -> str:
    attachment = feedback_name(unit_code, name)
    marked = PurePosixPath(name).suffix.lower()[1:] in ANNOTATABLE and any(
        f.sheet and _cell_position(f.cell) for f in findings
    )
    if not marked:
        return f"Danh sách chi tiết xem tệp đính kèm {attachment}."
    return (
        f"Chi tiết xem tệp đính kèm {attachment}: các ô có vấn đề được tô màu (đỏ: lỗi, "
        "vàng: cảnh báo) và có ghi chú."
    )


def _rejects_file(f: Finding) -> bool:
    return f.severity == ERROR and f.code[:1] in ("F", "B")


def _problem_lines(findings: list[Finding]) -> list[str]:
    lines: list[str] = []
    for severity in (ERROR, WARNING, NOTICE):
        group = [f for f in findings if f.severity == severity]
        if group:
            lines.append(f"  {severity}:")
        for number, f in enumerate(group, start=1):
            place = _place(f)
            message = _CELL_PREFIX.sub("", f.message) if place else f.message
            lines += _wrap(f"{number}. {place}{message}", indent="    ", hang="       ")
    return lines


# Messages name their cell ("Ô B3: …", "Dòng 7: …"); the reply names it once, before the text.
_CELL_PREFIX = re.compile(r"^(?:Ô [A-Z]{1,3}\d+|Dòng \d+): ")


def _place(f: Finding) -> str:
    cell = f.cell.strip()
    where = ""
    if f.sheet:
        where = f'Trang "{f.sheet}"'
        if cell:
            label = _cell_label(cell)
            where += f", {label}" if label.startswith("dòng") else f", ô {cell}"
    return f"{where}: " if where else ""


def _request(files: list[tuple[str, list[Finding]]], deadline_text: str | None) -> str:
    """What the unit should do, decided by the file that is used (accepted, not superseded)."""
    used = [fs for _, fs in files
            if not any(_rejects_file(f) or f.code == "F07" for f in fs)]
    if not used:
        return (
            "Chưa có tệp nào của đơn vị được tiếp nhận; đề nghị đơn vị khắc phục các lỗi nêu trên "
            f"và gửi lại báo cáo {_by(deadline_text)} để Văn phòng Sở tổng hợp."
        )
    if any(f.severity == ERROR for f in used[0]):
        return (
            "Đề nghị đơn vị sửa các lỗi nêu trên và gửi lại tệp đã sửa "
            f"{_by(deadline_text)} để Văn phòng Sở tổng hợp."
        )
    if used[0]:
        return (
            "Các cảnh báo, lưu ý không ảnh hưởng đến việc tiếp nhận; đề nghị đơn vị xem lại và "
            f"gửi lại tệp đã điều chỉnh {_by(deadline_text)} nếu cần."
        )
    return (
        "Báo cáo của đơn vị đã được tiếp nhận; các vấn đề nêu trên thuộc tệp không được sử dụng, "
        "đơn vị không cần gửi lại."
    )


def _by(deadline_text: str | None) -> str:
    day = (deadline_text or "").strip().removeprefix("ngày ").strip()
    return f"chậm nhất ngày {day}" if day else "trong thời gian sớm nhất"


def _wrap(text: str, indent: str = "", hang: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=_WRAP,
        initial_indent=indent,
        subsequent_indent=indent if hang is None else hang,
        break_on_hyphens=False,
    )


def _close(lines: list[str]) -> str:
    return "\n".join([*lines, "", "Trân trọng./.", SIGNATURE, ""])
