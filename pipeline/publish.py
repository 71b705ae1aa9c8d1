"""The output edge: data files, the manifest, and the atomic swap of an output folder."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pandas as pd

TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

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
        {c: [csv_value(c, v) for v in frame[c]] if c in frame else [""] * len(frame)
         for c in columns},
        columns=columns,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                    encoding="utf-8")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False when unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def clean_leftovers(parent: Path) -> None:
    """Remove temporary folders a killed run left behind."""
    if not parent.is_dir():
        return
    for child in parent.iterdir():
        if child.name.startswith((TMP_PREFIX, OLD_PREFIX)) and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)


def publish(target: Path, build: Callable[[Path], None]) -> None:
    """Build into a temporary folder beside `target`, then swap it in atomically.

    At every instant `target` is either the previous complete folder or the new one.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(parent)
    tmp = parent / f"{TMP_PREFIX}{target.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        build(tmp)
        _fsync_tree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.is_dir() and not target.is_symlink() and _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous outputs
        return
    if target.exists():
        old = parent / f"{OLD_PREFIX}{target.name}-{os.getpid()}"
        os.rename(target, old)  # fallback where renameat2 is missing: a short gap
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh, contextlib.suppress(OSError):
                os.fsync(fh.fileno())

