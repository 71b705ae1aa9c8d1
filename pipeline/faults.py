"""Faults: what stops a run that is nobody's mistake in a unit's file or the command line.

A full or read-only disk, a folder removed while the run writes, a permission refused, memory
exhausted, a bug: the clerk gets one Vietnamese line naming what happened and where, the
technical details go to a log file (under outputs/nhat-ky/, or the system's temporary folder
when the outputs cannot be written), and the run exits with FAULT_STATUS so that `make` and a
scheduled job see a failure.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path

FAULT_STATUS = 3
LOG_FOLDER = "nhat-ky"
_PACKAGE = Path(__file__).resolve().parent
# A folder publish() builds in: `.tmp-<name>-<pid>`; the clerk knows it as `<name>`.
_BUILDING = re.compile(r"^\.tmp-(.+)-\d+$")


def os_error(exc: BaseException) -> OSError | None:
    """The OSError behind `exc`: itself, or what it wraps (xlsxwriter's FileCreateError, a
    writer process's failure) or was raised from."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno is not None:
            return exc
        wrapped = getattr(exc, "error", None)
        if not isinstance(wrapped, BaseException):
            wrapped = next((a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)),
                           None)
        exc = wrapped or exc.__cause__ or exc.__context__
    return None


def place(path: str | os.PathLike) -> str:
    """A path as the clerk knows it: the folder being built named as the folder it becomes."""
    parts = [(_BUILDING.sub(r"\1", p) if _BUILDING.match(p) else p) for p in Path(path).parts]
    return f"'{Path(*parts)}'" if parts else "''"


def _frame(exc: BaseException) -> str:
    """The innermost step of the program the exception passed through."""
    found = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_PACKAGE) and not frame.name.startswith("<"):  # <lambda>…
            found = (f"tại {path.relative_to(_PACKAGE.parent).as_posix()}, "
                     f"hàm {frame.name}")
    return found or "ngoài mã của chương trình"


def what_and_where(exc: BaseException, outputs: Path | None) -> str:
    """One sentence: what stopped the run, and where."""
    error = os_error(exc)
    if error is not None:
        if error.filename is not None:
            where = place(error.filename)
        elif outputs is not None:
            where = f"thư mục kết quả {place(outputs)}"
        else:
            where = "một tệp của chương trình"
        code = error.errno
        if code in (errno.ENOSPC, errno.EDQUOT):
            return f"Hết chỗ trống trên đĩa khi ghi {where}."
        if code == errno.EROFS:
            return f"Ổ đĩa chỉ cho đọc, không ghi được {where}."
        if code in (errno.EACCES, errno.EPERM):
            return f"Không đủ quyền truy cập {where}."
        if code == errno.ENOENT:
            return (f"Không tìm thấy {where}: tệp hoặc thư mục đã bị xóa hay di chuyển trong "
                    "khi chương trình đang chạy.")
        if code == errno.EIO:
            return f"Ổ đĩa báo lỗi đọc ghi tại {where}."
        name = errno.errorcode.get(code, str(code))
        return f"Lỗi hệ thống ({name}) khi truy cập {where}."
    cause = getattr(exc, "error", None)
    if isinstance(exc, MemoryError) or isinstance(cause, MemoryError):
        return f"Máy không đủ bộ nhớ để hoàn thành lần chạy ({_frame(exc)})."
    summary = getattr(exc, "summary", "") or f"{type(exc).__name__}: {exc}"
    return f"Lỗi ngoài dự kiến của chương trình ({summary}) {_frame(exc)}."


def write_log(exc: BaseException, outputs: Path | None) -> tuple[Path | None, bool]:
    """The traceback (and a writer process's) into a new log file: (its path, whether it went
    to the system's temporary folder because the outputs could not take it)."""
    now = dt.datetime.now()
    name = f"su-co-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    text = "".join([
        f"Thời điểm: {now.isoformat(timespec='seconds')}\n",
        f"Lệnh: {' '.join(sys.argv)}\n",
        f"Thư mục làm việc: {os.getcwd()}\n\n",
        *traceback.format_exception(exc),
    ])
    details = getattr(exc, "details", "")
    if details:
        text += f"\nTiến trình phụ:\n{details.rstrip()}\n"
    if outputs is not None:
        folder = outputs / LOG_FOLDER
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
            return folder / name, False
        except OSError:
            pass
    try:
        path = Path(tempfile.gettempdir()) / f"dhtt-{name}"
        path.write_text(text, encoding="utf-8")
        return path, outputs is not None
    except OSError:
        return None, outputs is not None


def fault_line(exc: BaseException, outputs: Path | None) -> str:
    """The one line the clerk reads; writes the log it names."""
    log, fell_back = write_log(exc, outputs)
    line = f"Sự cố: {what_and_where(exc, outputs)} Lần chạy đã dừng."
    if log is None:
        return line + " Không ghi được nhật ký kỹ thuật; chạy lại với --debug để xem chi tiết."
    line += f" Chi tiết kỹ thuật: {log}"
    if fell_back:
        line += (f" (không ghi được vào {place(outputs)} nên ghi vào thư mục tạm của hệ "
                 "thống)")
    return line
