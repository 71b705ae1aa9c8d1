"""What a long run is doing, for the clerk watching it.

The stages call `stage("Đọc tệp của các đơn vị", total)` and `advance()`; nothing is shown
unless the command line wraps the run in `shown(console)`. On a terminal that is a rich
progress line (stage, files done out of the total, time), erased when the run ends; otherwise
(a log, CI) one plain line per stage. Messages go to the console given (the program's stderr),
so the run's summary on stdout stays as it was.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class _Silent:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def grow(self, more: int) -> None:
        pass

    def advance(self, step: int = 1) -> None:
        pass


class _Plain(_Silent):
    """One line per stage, with its total when known (logs, CI)."""

    def __init__(self, console: Console):
        self.console, self.start = console, time.monotonic()

    def stage(self, name: str, total: int | None = None) -> None:
        count = f" ({total} tệp)" if total else ""
        self.console.print(f"[{time.monotonic() - self.start:5.1f} giây] {name}{count}…",
                           highlight=False, markup=False, soft_wrap=True)


class _Live(_Silent):
    """A rich progress line: the stage, files done out of the total, elapsed time."""

    def __init__(self, progress: Progress):
        self.progress, self.task = progress, None
        self.lock = threading.Lock()

    def stage(self, name: str, total: int | None = None) -> None:
        with self.lock:
            if self.task is not None:
                self.progress.remove_task(self.task)
            self.task = self.progress.add_task(name, total=total)

    def grow(self, more: int) -> None:
        with self.lock:
            if self.task is not None:
                task = self.progress.tasks[-1]
                self.progress.update(self.task, total=(task.total or 0) + more)

    def advance(self, step: int = 1) -> None:
        with self.lock:
            if self.task is not None:
                self.progress.advance(self.task, step)


_current: _Silent = _Silent()


def stage(name: str, total: int | None = None) -> None:
    """A new stage begins (`total`: the files it goes through, when known)."""
    _current.stage(name, total)


def grow(more: int) -> None:
    """The stage's total grows (files found as the stage goes)."""
    _current.grow(more)


def advance(step: int = 1) -> None:
    """`step` more files of the stage are done."""
    _current.advance(step)


def counted(items: Iterator, step: int = 1) -> Iterator:
    """`items`, advancing the stage as each one is taken."""
    for item in items:
        yield item
        advance(step)


@contextlib.contextmanager
def shown(console: Console) -> Iterator[None]:
    """Show the stages of the run inside the block on `console`."""
    global _current
    if console.is_terminal:
        bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                       transient=True)
        reporter: _Silent = _Live(bar)
    else:
        bar, reporter = contextlib.nullcontext(), _Plain(console)
    before, _current = _current, reporter
    try:
        with bar:
            yield
    finally:
        _current = before
