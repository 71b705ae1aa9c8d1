"""Reading workbooks that strangers made: sniff the format, refuse dangerous files, read values.

`read_book` is the reader itself; it may still make the Rust reader (calamine) allocate without
end or loop on a crafted file, so the pipeline calls it through `ReaderPool`, whose worker
processes run under memory and CPU limits and a wall-clock deadline. A file that kills a worker
costs that worker (replaced at once) and becomes an `UnreadableFile`, never a failed run.

Every failure is an `UnreadableFile(code, message)` with a findings code and a Vietnamese message
that tells the clerk what to ask the unit for.
"""

from __future__ import annotations

import importlib
import io
import itertools
import os
import re
import resource
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from xml.etree.ElementTree import ParseError

import olefile
import python_calamine
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from pipeline.parallel import worker_env
from pipeline.sources import InputFile, RawBook, RawSheet, UnreadableFile

WORKBOOK_FORMATS = ("xlsx", "xlsm", "xls", "ods")
BLANK_ROWS_STOP = 50  # reading a sheet stops after this many consecutive blank rows

# Package limits, checked on the zip central directory before any part is inflated. The ratio
# limit is Apache POI's (ZipSecureFile: an entry may not inflate more than 100 times) and only
# applies to entries above 1 MiB, so small, very repetitive parts stay allowed.
MAX_ENTRIES = 10_000
MAX_UNPACKED = 200 * 2**20
MAX_RATIO = 100
RATIO_FLOOR = 2**20
_HEAD_CAP = 2**20  # the most read from a small part that is only sniffed

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_XLSM_TYPES = (b"ms-excel.sheet.macroenabled.main+xml", b"ms-excel.template.macroenabled.main+xml")
_XLSX_TYPES = (b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml")
_OTHER_OFFICE_TYPES = (b"wordprocessingml", b"presentationml", b"sheet.binary")
_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085

_ASK_RESAVE = "đề nghị đơn vị mở tệp bằng Excel, lưu lại (.xlsx) và gửi lại"
MESSAGES = {
    "F01": (
        "Tệp bị hỏng hoặc không phải tệp Excel hợp lệ, không mở được; "
        "đề nghị đơn vị lưu lại bằng Excel và gửi lại."
    ),
    "F02": "Tệp có mật khẩu, đề nghị đơn vị gửi lại bản không đặt mật khẩu.",
    "F03": "Tệp rỗng (0 byte), không có nội dung; đề nghị đơn vị gửi lại tệp báo cáo đã điền.",
    "F04": (
        "Định dạng tệp không được hỗ trợ: chỉ nhận tệp .xlsx, .xlsm, .xls hoặc .ods; "
        "đề nghị đơn vị lưu tệp báo cáo theo mẫu (.xlsx) và gửi lại."
    ),
    "F05": "Tệp có cấu trúc bất thường, có thể gây hại ({reason}) nên không được mở; "
    + _ASK_RESAVE
    + ".",
    "F06": "Đọc tệp quá {seconds} giây cho phép nên phải dừng; tệp có thể bị hỏng "
    "hoặc quá lớn; " + _ASK_RESAVE + ".",
}
_DIED = (
    "Chương trình đọc bị dừng đột ngột khi mở tệp (tệp có thể bị hỏng hoặc cần quá nhiều "
    "bộ nhớ); " + _ASK_RESAVE + "."
)


def unreadable(code: str, **facts: object) -> UnreadableFile:
    """The `UnreadableFile` for a code, with its Vietnamese message filled with `facts`."""
    return UnreadableFile(code, MESSAGES[code].format(**facts))


# --- sniffing -------------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """The workbook format by content: "xlsx", "xlsm", "xls", "ods", "encrypted", or None."""
    try:
        return _identify(data)
    except UnreadableFile as failure:
        return "encrypted" if failure.code == "F02" else None
    except Exception:  # a sniffer never fails: a file it cannot judge is simply not a workbook
        return None


def _identify(data: bytes) -> str:
    """The workbook format, or the UnreadableFile that says why there is none (F01-F05)."""
    if not data:
        raise unreadable("F03")
    if data.startswith(_ZIP_MAGIC):
        with _open_zip(data) as package:
            _check_package(package)
            return _zip_format(package)
    if data.startswith(_OLE_MAGIC):
        return _ole_format(data)
    raise unreadable("F04")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise unreadable("F01") from exc


def _check_package(package: zipfile.ZipFile) -> None:
    """Refuse zip bombs from the central directory alone (F05)."""
    entries = package.infolist()
    if len(entries) > MAX_ENTRIES:
        raise unreadable("F05", reason=f"quá nhiều thành phần nén: {len(entries)}")
    if sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise unreadable("F05", reason="dung lượng sau giải nén quá lớn")
    for entry in entries:
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * entry.compress_size:
            raise unreadable("F05", reason="tỉ lệ nén bất thường (bom nén)")


def _read_head(package: zipfile.ZipFile, name: str) -> bytes:
    with package.open(name) as part:
        return part.read(_HEAD_CAP)


def _zip_format(package: zipfile.ZipFile) -> str:
    names = {n.lower(): n for n in package.namelist()}
    types = b""
    if "[content_types].xml" in names:
        types = _read_head(package, names["[content_types].xml"]).lower()
        if any(t in types for t in _XLSM_TYPES):
            return "xlsm"
        if any(t in types for t in _XLSX_TYPES):
            return "xlsx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    manifest = names.get("meta-inf/manifest.xml")
    if "mimetype" in names and _read_head(package, names["mimetype"]).strip() == _ODS_MIME:
        return _ods_format(package, manifest)
    if manifest and "content.xml" in names and _ODS_MIME in _read_head(package, manifest):
        return _ods_format(package, manifest)
    if any(t in types for t in _OTHER_OFFICE_TYPES) or not any(n.startswith("xl/") for n in names):
        raise unreadable("F04" if names else "F01")  # another kind of document, or a plain zip
    raise unreadable("F01")  # a spreadsheet package with parts missing


def _ods_format(package: zipfile.ZipFile, manifest: str | None) -> str:
    # An ODS saved with a password keeps its zip layout; the manifest declares the encryption.
    if manifest and b"encryption-data" in _read_head(package, manifest):
        raise unreadable("F02")
    return "ods"


def _ole_format(data: bytes) -> str:
    """xls, or F02 for an encrypted package (password-protected xlsx) or an xls with FILEPASS."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path).lower(): path for path in ole.listdir()}
            if "encryptioninfo" in streams or "encryptedpackage" in streams:
                raise unreadable("F02")
            book = streams.get("workbook") or streams.get("book")
            if book is None:
                raise unreadable("F04" if streams else "F01")
            head = ole.openstream(book).read(2**16)
    except UnreadableFile:
        raise
    except Exception as exc:  # olefile raises many kinds on a broken container
        raise unreadable("F01") from exc
    if _has_filepass(head):
        raise unreadable("F02")
    return "xls"


def _has_filepass(stream: bytes) -> bool:
    """Whether the workbook globals declare encryption: a FILEPASS record before the sheets."""
    pos = 0
    for _ in range(64):
        if pos + 4 > len(stream):
            return False
        kind = int.from_bytes(stream[pos : pos + 2], "little")
        size = int.from_bytes(stream[pos + 2 : pos + 4], "little")
        if kind == _BIFF_FILEPASS:
            return True
        if kind == _BIFF_BOUNDSHEET:
            return False
        pos += 4 + size
    return False


# --- package defences -----------------------------------------------------------------------

# An XML part may declare a DTD: entity expansion ("billion laughs") or external entities (XXE).
# Excel never writes one, so any DOCTYPE in any XML part refuses the file. defusedxml parses only
# the prolog (it stops at the root element), so this costs almost nothing.
#
# Each part calamine will parse is then read once through `zipfile`, which stops at the size the
# central directory declares and checks the CRC: a part that lies about its size fails here (F01)
# instead of inflating without bound in the Rust reader.
#
# Finally calamine stores a sheet as one dense grid from its first to its last value, so one stray
# value at Z1048576 costs 27 million cells (~850 MB, 2 s) although reading stops after 50 blank
# rows. The sheet XML is therefore scanned (a regex over the stream, no tree) and cut before the
# first <row> that lies beyond 50 blank rows: calamine never sees what we would not read, and a
# formatted-but-empty used range of a million rows costs one chunk of scanning.

_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row\b([^>]*)>")
_VALUE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(?:v|is)\b")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d{1,9})[\"']")
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?)sheetData\b[^>]*>")
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?)worksheet\b")
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_CHUNK = 2**20


def _defuse(data: bytes, kind: str) -> bytes:
    """The bytes to hand to calamine: `data`, or a copy with far-away rows cut off."""
    if kind not in ("xlsx", "xlsm", "ods"):
        return data
    cuts: dict[str, int] = {}
    with _open_zip(data) as package:
        for entry in package.infolist():
            if entry.is_dir() or not entry.filename.lower().endswith((".xml", ".rels")):
                continue
            cut = _check_part(package, entry, count_rows=kind != "ods")
            if cut is not None:
                cuts[entry.filename] = cut
        return _cut_package(package, cuts) if cuts else data


def _check_part(package: zipfile.ZipFile, entry: zipfile.ZipInfo, count_rows: bool) -> int | None:
    """Refuse a DTD; read the part through (size and CRC checked) or up to where a sheet is cut."""
    try:
        with package.open(entry) as part:
            chunks = iter(lambda: part.read(_CHUNK), b"")
            head = next(chunks, b"")
            if _may_declare_dtd(head) and _declares_dtd(package, entry):
                raise unreadable("F05", reason="khai báo thực thể XML (DOCTYPE/ENTITY)")
            chunks = itertools.chain([head], chunks)
            cut = _blank_gap_offset(chunks) if count_rows else None
            if cut is None:
                for _chunk in chunks:  # read to the end so that the CRC is checked
                    pass
            return cut
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise unreadable("F01") from exc


def _may_declare_dtd(head: bytes) -> bool:
    """False when the root element plainly comes first (the usual case, decided cheaply)."""
    root = _ELEMENT_START.search(head)
    return root is None or b"<!" in head[: root.start()]


def _declares_dtd(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether defusedxml meets a DTD before the root element (any encoding expat knows)."""
    try:
        with package.open(entry) as part:
            for _event, _element in iterparse(part, events=("start",), forbid_dtd=True):
                return False  # the root element came first: no DTD
    except DefusedXmlException:
        return True
    except (ParseError, UnicodeError, LookupError):
        return False  # not XML expat can judge: calamine decides whether it can read it
    return False


def _blank_gap_offset(chunks: Iterator[bytes]) -> int | None:
    """Offset of the first <row> of a sheet that lies beyond BLANK_ROWS_STOP blank rows."""
    in_data, row, last_value, base, carry = False, 0, 0, 0, b""
    for chunk in chunks:
        buffer = carry + chunk
        end = buffer.rfind(b"<")  # tags before the last "<" are complete
        if end <= 0:
            carry = buffer
            continue
        start = 0
        if not in_data:
            opening = _SHEET_DATA.search(buffer, 0, end)
            in_data, start = opening is not None, opening.end() if opening else end
        value = _VALUE_TAG.search(buffer, start, end)  # the next value, reused until passed
        for tag in _ROW_TAG.finditer(buffer, start, end) if in_data else ():
            if value and value.start() < tag.start():
                last_value = row  # the previous row holds a value
                value = _VALUE_TAG.search(buffer, tag.end(), end)
            number = _ROW_NUMBER.search(tag[1])
            row = int(number[1]) if number else row + 1
            if row > last_value + BLANK_ROWS_STOP:
                return base + tag.start()
        if value and row:
            last_value = row
        base += end
        carry = buffer[end:]
    return None


def _cut_package(package: zipfile.ZipFile, cuts: dict[str, int]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for entry in package.infolist():
            if entry.filename in cuts:
                with package.open(entry) as part:
                    content = _cut_sheet(part.read(cuts[entry.filename]))
            else:
                content = package.read(entry)
            copy.writestr(entry, content)
    return out.getvalue()


def _cut_sheet(head: bytes) -> bytes:
    """A sheet's XML up to a <row>, closed again so that it stays well-formed."""
    data_prefix = _SHEET_DATA.search(head)
    root_prefix = _ROOT.search(head)
    data_tag = data_prefix[1] if data_prefix else b""
    root_tag = root_prefix[1] if root_prefix else data_tag
    return head + b"</" + data_tag + b"sheetData></" + root_tag + b"worksheet>"


# --- reading --------------------------------------------------------------------------------


def read_book(data: bytes) -> RawBook:
    """Every sheet's values; raises UnreadableFile (F01-F05) when the file cannot be used."""
    kind = _identify(data)
    safe = _defuse(data, kind)
    try:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(safe)) as book:
            sheets = [_read_sheet(book, meta) for meta in book.sheets_metadata]
    except python_calamine.PasswordError as exc:
        raise unreadable("F02") from exc
    except MemoryError as exc:
        raise unreadable("F05", reason="cần quá nhiều bộ nhớ") from exc
    except (python_calamine.CalamineError, ValueError, OSError, OverflowError) as exc:
        raise unreadable("F01") from exc
    return RawBook(format=kind, sheets=sheets)


def _read_sheet(book: python_calamine.CalamineWorkbook, meta: object) -> RawSheet:
    sheet = book.get_sheet_by_name(meta.name)
    visibility = str(meta.visible).rsplit(".", 1)[-1].lower()
    return RawSheet(name=meta.name, rows=_sheet_rows(sheet), visibility=visibility)


def _sheet_rows(sheet: python_calamine.CalamineSheet) -> list[list[object]]:
    """rows[0] is Excel row 1 and column 0 is A; stops after BLANK_ROWS_STOP blank rows.

    python-calamine's iter_rows yields the blank rows above the first value (from Excel row 1)
    but starts each row at the first used column, so only columns are padded here.
    """
    if sheet.start is None:
        return []
    left = sheet.start[1]
    rows: list[list[object]] = []
    blank_run = 0
    for raw in sheet.iter_rows():
        row = [None] * left + [None if v == "" else v for v in raw]
        blank_run = blank_run + 1 if all(v is None for v in row) else 0
        if blank_run >= BLANK_ROWS_STOP:
            break
        rows.append(row)
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


# --- worker processes -----------------------------------------------------------------------
#
# Workers are fresh interpreters (`python -c`), not multiprocessing children: "spawn" and
# "forkserver" children re-import the parent's __main__ (the CLI, and pandas with it), and "fork"
# would copy a parent that has pandas loaded. A worker imports only this module and talks to the
# parent through its stdin/stdout with multiprocessing's length-prefixed Connection framing.

Outcome = RawBook | UnreadableFile


@dataclass
class _Worker:
    process: subprocess.Popen
    inbox: Connection  # parent -> worker: the bytes of one file at a time
    outbox: Connection  # worker -> parent: one reply per file
    job: int | None = None
    started: float = 0.0  # when the file's deadline started: sent to a ready worker
    ready: bool = False  # started up (interpreter and reader imported): says so once
    spawned: float = 0.0


def worker_main() -> None:
    """Entry point of a worker process: argv is (reader "module:function", memory, cpu seconds)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    module, _, function = sys.argv[1].partition(":")
    reader = getattr(importlib.import_module(module), function)
    inbox = Connection(os.dup(0), writable=False)
    outbox = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print from a library goes to stderr, never into the replies
    _serve(inbox, outbox, int(sys.argv[2]), int(sys.argv[3]), reader)


def _serve(
    inbox: Connection, outbox: Connection, memory_limit: int, cpu_seconds: int, reader: Callable
) -> None:
    """A worker's loop: read each file it is sent, reply with an outcome, until the pipe closes."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    outbox.send(READY)  # a file's deadline runs from now, not from the interpreter's start
    while True:
        try:
            data = inbox.recv_bytes()
        except (EOFError, OSError):
            return
        # RLIMIT_CPU counts the whole life of the process, so each file gets a fresh budget on
        # top of what was used so far: a worker looping after its parent died is stopped too.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(usage.ru_utime + usage.ru_stime) + cpu_seconds
        if cpu_hard != resource.RLIM_INFINITY:
            soft = min(soft, cpu_hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, cpu_hard))
        outbox.send(_outcome_of(reader, data))


def _outcome_of(reader: Callable, data: bytes) -> tuple:
    try:
        return ("book", reader(data))
    except UnreadableFile as failure:
        return ("unreadable", failure.code, failure.message)
    except MemoryError:
        failure = unreadable("F05", reason="cần quá nhiều bộ nhớ")
        return ("unreadable", failure.code, failure.message)
    except Exception:  # a reader bug must not stop the run; the traceback goes to stderr
        traceback.print_exc(file=sys.stderr)
        return ("unreadable", "F01", MESSAGES["F01"])


READY = ("ready",)
# A worker's start-up (a fresh interpreter importing its reader) is not a file's fault: on a busy
# machine it may take longer than a deadline. It counts only beyond this many seconds.
STARTUP_LIMIT = 60.0


class ReaderPool:
    """A few persistent worker processes that read workbooks under limits and a deadline.

    Each worker sets RLIMIT_AS once at start-up and a per-file RLIMIT_CPU; the parent kills a
    worker that overruns `deadline` seconds on one file and replaces any worker that dies (a
    SIGABRT from the Rust allocator at the memory limit, a SIGKILL): that file becomes F06 and
    the other files go on. `reader` must be a module-level function (workers import it by name).
    """

    def __init__(
        self,
        workers: int | None = None,
        deadline: float = 20.0,
        memory_limit: int = 2 * 2**30,
        reader: Callable[[bytes], RawBook] = read_book,
    ):
        self.size = workers or max(1, min(os.cpu_count() or 1, 4))
        self.deadline = deadline
        self.memory_limit = memory_limit
        self.reader = f"{reader.__module__}:{reader.__qualname__}"
        self._workers: list[_Worker] = []

    def __enter__(self) -> ReaderPool:
        if not self._workers:
            self._workers = [self._start() for _ in range(self.size)]
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.inbox.close()  # the worker sees EOF and returns
        for worker in self._workers:
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.outbox.close()
        self._workers = []

    def pids(self) -> list[int]:
        """The workers' process ids (for tests and diagnostics)."""
        return [w.process.pid for w in self._workers]

    def read(self, data: bytes) -> RawBook:
        outcome = next(self._run([data]))
        if isinstance(outcome, UnreadableFile):
            raise outcome
        return outcome

    def read_all(self, files: list[InputFile]) -> list[Outcome]:
        """One outcome per file, in the files' order; the files are read in parallel."""
        return list(self.read_each(files))

    def read_each(self, files: list[InputFile]) -> Iterator[Outcome]:
        """`read_all` as it goes: each outcome, in the files' order, as soon as it and those
        before it are read, so that the caller need not hold every workbook of a folder."""
        return self._run([f.data for f in files])

    def each(self, payloads: list[bytes]) -> Iterator[object]:
        """`read_each` for any `reader`: its result for each payload, in order, or an
        UnreadableFile where the worker failed (deadline, memory, crash)."""
        return self._run(payloads)

    def _start(self) -> _Worker:
        cpu_seconds = max(1, int(self.deadline) + 5)
        command = [
            sys.executable,
            "-c",
            "from pipeline.intake.readers import worker_main; worker_main()",
            self.reader,
            str(self.memory_limit),
            str(cpu_seconds),
        ]
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=worker_env(), bufsize=0
        )
        inbox = Connection(os.dup(process.stdin.fileno()), readable=False)
        outbox = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        return _Worker(process=process, inbox=inbox, outbox=outbox, spawned=time.monotonic())

    def _replace(self, worker: _Worker) -> _Worker:
        worker.process.kill()
        worker.process.wait()
        worker.inbox.close()
        worker.outbox.close()
        fresh = self._start()
        self._workers[self._workers.index(worker)] = fresh
        return fresh

    def _run(self, blobs: list[bytes]) -> Iterator[Outcome]:
        self.__enter__()
        outcomes: dict[int, Outcome] = {}  # read, not yet handed out
        queue = deque(range(len(blobs)))
        following = 0  # the next outcome to hand out
        while following < len(blobs):
            # Every idle worker gets the next file before an outcome is handed out, so that the
            # workers read on while the caller works on that outcome.
            for worker in [w for w in self._workers if w.job is None]:
                if queue:
                    self._dispatch(worker, queue.popleft(), blobs)
            if following not in outcomes:
                self._collect(outcomes)
                continue
            yield outcomes.pop(following)
            following += 1
            self._collect(outcomes, block=False)  # what was read while the caller worked

    def _dispatch(self, worker: _Worker, job: int, blobs: list[bytes]) -> None:
        for _attempt in range(3):
            if worker.process.poll() is not None:  # died while idle: not this file's fault
                worker = self._replace(worker)
            try:
                worker.inbox.send_bytes(blobs[job])
            except OSError:
                worker = self._replace(worker)
                continue
            worker.job, worker.started = job, time.monotonic()
            return
        raise RuntimeError("worker processes keep dying before they receive a file")

    def _collect(self, outcomes: dict[int, Outcome], block: bool = True) -> None:
        """The replies of busy workers: waiting for the first one (at most until a worker's
        deadline) unless `block` is false; a worker past its deadline is replaced."""
        busy = [w for w in self._workers if w.job is not None]
        if not busy:
            return
        timeout = max(0.0, min(self._due(w) for w in busy) - time.monotonic())
        ready = wait([w.outbox for w in busy], timeout if block else 0)
        now = time.monotonic()
        for worker in busy:
            job = worker.job
            if worker.outbox in ready:
                outcome = self._receive(worker)
                if outcome is READY:  # the file's deadline starts now
                    worker.ready, worker.started = True, now
                else:
                    outcomes[job] = outcome
            elif now >= self._due(worker):
                outcomes[job] = unreadable("F06", seconds=f"{self.deadline:g}")
                self._replace(worker)

    def _due(self, worker: _Worker) -> float:
        """When a busy worker's file is late: its deadline from the moment the worker was
        ready for it (a worker still starting up gets STARTUP_LIMIT more)."""
        if worker.ready:
            return worker.started + self.deadline
        return max(worker.started, worker.spawned + STARTUP_LIMIT) + self.deadline

    def _receive(self, worker: _Worker) -> Outcome | tuple:
        """The worker's reply: an outcome, or READY (the worker is still on its file)."""
        try:
            reply = worker.outbox.recv()
        except (EOFError, OSError):  # the worker died on this file
            self._replace(worker)
            return UnreadableFile("F06", _DIED)
        if reply == READY:
            return READY
        worker.job = None
        if reply[0] == "book":
            return reply[1]
        return UnreadableFile(reply[1], reply[2])
