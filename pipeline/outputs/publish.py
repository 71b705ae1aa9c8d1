"""The output edge: data files, the manifest, and the atomic swap of an output folder."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import functools
import gc
import json
import os
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pandas as pd

from pipeline.parallel import libc, resident_memory, trim_heap

try:
    import fcntl
except ImportError:  # not POSIX: no locks, every leftover counts as abandoned
    fcntl = None

TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
# `.tmp-<name>-<pid>` (a folder being built, or the previous outputs just swapped out) and
# `.old-<name>-<pid>` (the previous outputs, where renameat2 is missing).
_LEFTOVER = re.compile(r"^\.(?:tmp|old)-.+-\d+$")
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
# renameat2 itself or the file system lacks the call: fall back to plain renames.
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}

# Columns written with exactly two decimals (a score a person checks by hand).
SCORE_COLUMNS = {"diem_chung", "diem_cu_the", "tong_diem"}


def csv_value(key: str, value: object) -> str:
    """One value as the data files write it (OUTPUTS.md 'Value conventions')."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if key in SCORE_COLUMNS:
            return f"{value:.2f}"
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return f"{value:.2f}" if key in SCORE_COLUMNS else repr(value).removesuffix(".0")
    return str(value)


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """UTF-8 with BOM, comma-separated, exactly `columns` first (then nothing else)."""
    out = pd.DataFrame(
        {c: _csv_column(c, frame[c]) if c in frame else [""] * len(frame) for c in columns},
        columns=columns,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def _csv_column(key: str, values: pd.Series) -> list[str]:
    """`csv_value` of every value, each distinct value converted once (a column repeats few
    values: codes, statuses, scores)."""
    seen: dict[tuple[type, object], str] = {}
    out = []
    for value in values:
        try:
            text = seen.get((type(value), value))
        except TypeError:  # an unhashable value
            out.append(csv_value(key, value))
            continue
        if text is None:
            text = seen[(type(value), value)] = csv_value(key, value)
        out.append(text)
    return out


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                    encoding="utf-8")


# Below this much resident memory a full collection costs more time than it gives back.
RELEASE_ABOVE = 256 * 2**20


def release_memory() -> None:
    """Collect garbage and give the freed heap back to the system (glibc's malloc_trim): the
    big frames of one stage are gone before the next stage grows. A small run skips it."""
    if resident_memory() < RELEASE_ABOVE:
        return
    gc.collect()
    trim_heap()


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    fn = getattr(libc(), "renameat2", None)
    if fn is None:
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def _rename2(src: Path, dst: Path, flags: int) -> int:
    """renameat2(src, dst, flags): 0 when done, else the errno (ENOSYS when unavailable)."""
    fn = _renameat2()
    if fn is None:
        return errno.ENOSYS
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return 0
    return ctypes.get_errno()


def _swap_in(tmp: Path, target: Path) -> None:
    """Make `tmp` the `target`; afterwards `tmp` holds the previous outputs, if there were any.

    With renameat2, `target` never goes missing: RENAME_EXCHANGE swaps the two names in one
    step, and a first run uses RENAME_NOREPLACE so that a concurrent run's folder is never
    overwritten by a plain rename.
    """
    for _ in range(5):  # a concurrent run may create or swap `target` between our attempts
        code = _rename2(tmp, target, _RENAME_EXCHANGE)
        if code == errno.ENOENT:  # no previous outputs
            code = _rename2(tmp, target, _RENAME_NOREPLACE)
            if code == errno.EEXIST:
                continue
        if code == 0:
            return
        if code not in _UNSUPPORTED:
            raise OSError(code, os.strerror(code), str(target))
        break
    # No atomic exchange here (not Linux, or an old kernel or file system): two renames, with
    # a short moment in which `target` is missing.
    if target.exists() or target.is_symlink():
        os.rename(target, tmp.with_name(OLD_PREFIX + tmp.name.removeprefix(TMP_PREFIX)))
    os.rename(tmp, target)


def _lock(fd: int, wait: bool) -> bool:
    """An exclusive lock on an open folder; False when another process holds it."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _claim(tmp: Path) -> int:
    """Create `tmp` empty and lock it for the life of the build; returns the locked descriptor.

    The kernel drops the lock when the process dies (even by SIGKILL), which is how the next
    run tells an abandoned folder from one a concurrent run is still building.
    """
    for _ in range(5):
        with contextlib.suppress(FileExistsError):
            tmp.mkdir()
        try:
            fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except FileNotFoundError:
            continue
        _lock(fd, wait=True)
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(fd), os.stat(tmp, follow_symlinks=False)):
                for child in list(tmp.iterdir()):  # a dead process with our pid left it
                    _remove(child)
                return fd
        os.close(fd)  # a cleaner removed it between mkdir and lock: make it again
    raise OSError(errno.EAGAIN, "cannot claim the temporary folder", str(tmp))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def clean_leftovers(parent: Path) -> None:
    """Remove temporary folders a killed run left behind; spare those a live run is building."""
    if not parent.is_dir():
        return
    for child in sorted(parent.iterdir()):
        if not _LEFTOVER.match(child.name):
            continue
        if child.is_symlink() or not child.is_dir():
            _remove(child)
            continue
        try:
            fd = os.open(child, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            continue
        try:
            if _lock(fd, wait=False):
                shutil.rmtree(child, ignore_errors=True)
        finally:
            os.close(fd)


def publish(target: Path, build: Callable[[Path], None]) -> None:
    """Build into a temporary folder beside `target`, then swap it in atomically.

    At every instant `target` is either the previous complete folder or the new one. When
    `target` is a symbolic link, the folder it points to is replaced and the link kept.
    """
    if target.is_symlink():
        target = target.resolve()
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(parent)
    tmp = parent / f"{TMP_PREFIX}{target.name}-{os.getpid()}"
    fd = _claim(tmp)
    try:
        try:
            build(tmp)
            _fsync_tree(tmp)
            if not _still_claimed(fd, tmp):  # removed (and made again) while being built
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(tmp))
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _swap_in(tmp, target)
        _fsync(parent)
    finally:
        os.close(fd)
    for leftover in (tmp, tmp.with_name(OLD_PREFIX + tmp.name.removeprefix(TMP_PREFIX))):
        _remove(leftover)  # the previous outputs
    _fsync(parent)


def _still_claimed(fd: int, tmp: Path) -> bool:
    """Whether `tmp` is still the folder claimed as `fd`: never publish a folder someone
    removed during the build and a writer then made again, half empty."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(tmp, follow_symlinks=False))
    except OSError:
        return False


def _fsync(path: Path) -> None:
    """Flush a file's data or a folder's entries to disk; quietly skipped where unsupported."""
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Every file, then every folder bottom-up, so the swapped-in folder survives a power cut."""
    paths = sorted(root.rglob("*"), key=lambda p: (-len(p.parts), str(p)))
    for path in [*paths, root]:
        if not path.is_symlink():
            _fsync(path)
