"""The local records of the mail channel under outputs/.mail/, and atomic file writing.

Enters: records (plain dicts) to append; paths to write bytes to.
Leaves: `Journal` (an append-only JSON-lines file, each record fsynced before `append`
returns; a line torn by a crash is ignored when read), `run_lock` (one mail command at a time
on an outputs folder) and `write_atomic` (temporary file, fsync, rename, fsync of the folder).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.mail.settings import MailError

FOLDER = ".mail"


def mail_folder(outputs: Path) -> Path:
    return outputs / FOLDER


class Journal:
    """One JSON object per line, appended and fsynced one by one."""

    def __init__(self, path: Path):
        self.path = path
        self.records: list[dict] = list(_read(path))

    def append(self, record: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if _ends_torn(fd):  # a crash cut the last record short: start on a line of its own
                line = "\n" + line
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        self.records.append(record)


def _read(path: Path) -> Iterator[dict]:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise MailError(f"Không đọc được sổ ghi thư '{path}': {exc.strerror}.") from None
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # a line torn by a crash: its action is redone, never doubled
            continue
        if isinstance(record, dict):
            yield record


def _ends_torn(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


@contextlib.contextmanager
def run_lock(outputs: Path) -> Iterator[None]:
    """Hold outputs/.mail/lock: a second mail command on the same folder stops at once."""
    folder = mail_folder(outputs)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise MailError(f"Không tạo được thư mục '{folder}': {exc.strerror}.") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MailError("Một lệnh thư khác đang chạy trên cùng thư mục kết quả; hãy chờ lệnh "
                            "đó xong rồi chạy lại.") from None
        yield
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """`path` holds `data` whole or keeps what it held: a hidden temporary file, renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")  # hidden: discover skips it
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
