"""An xlsxwriter workbook written by a worker process while the run goes on.

Preparing the consolidated workbook (measuring columns, choosing formats, turning frames into
cell values) needs the run's frames; writing the cells' XML and zipping the file does not.
`RemoteBook` stands for an xlsxwriter `Workbook`: every call the workbook code makes on it and
on the sheets, formats and charts it returns is recorded and sent, in batches, to a fresh
interpreter that makes the same calls, in the same order, on a real `Workbook` (so the file has
the same bytes). The worker holds a few MB, not the run's frames: a forked writer would count
every page of them a second time (see parallel.py), so this keeps both cores busy within the
memory budget at any size.

The worker imports only xlsxwriter and `pipeline.outputs.workbooks.streamed`; it dies with the run
(PR_SET_PDEATHSIG). A failure in it fails the run (`WriterFailed`, its traceback on stderr).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from multiprocessing.connection import Connection

import xlsxwriter
from xlsxwriter.chart import Chart
from xlsxwriter.chart_area import ChartArea
from xlsxwriter.chart_bar import ChartBar
from xlsxwriter.chart_column import ChartColumn
from xlsxwriter.chart_doughnut import ChartDoughnut
from xlsxwriter.chart_line import ChartLine
from xlsxwriter.chart_pie import ChartPie
from xlsxwriter.chart_radar import ChartRadar
from xlsxwriter.chart_scatter import ChartScatter
from xlsxwriter.chart_stock import ChartStock
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pipeline.outputs.workbooks.streamed import write_columns
from pipeline.parallel import WriterFailed, _describe, _die_with, _rebuilt, trim_heap, worker_env

# Calls that make an object later calls refer to; a batch ends after each, so that the worker
# has made it before it unpickles a call that refers to it.
MAKERS = frozenset({"add_worksheet", "add_format", "add_chart"})
_CHARTS = {"area": ChartArea, "bar": ChartBar, "column": ChartColumn, "doughnut": ChartDoughnut,
           "line": ChartLine, "pie": ChartPie, "radar": ChartRadar, "scatter": ChartScatter,
           "stock": ChartStock}
# Methods whose result the caller would need and a Remote cannot give.
RETURNING = frozenset({"add_chartsheet", "get_worksheet_by_name", "worksheets",
                       "get_default_url_format", "add_vba_project"})
BATCH = 2000  # calls per message at most (a table's rows go as one call: write_columns)
TRIM_AFTER = 2**20  # after a message this big (bytes), the worker returns freed heap to the system

_made: dict[int, object] = {}  # in the worker: the real objects, by number


def _real(number: int) -> object:
    """Unpickling a `Remote` in the worker gives the object it stands for."""
    return _made[number]


class Remote:
    """Stands for an xlsxwriter object in the worker (of class `kind`). Any method of that class
    can be called: the call is recorded and returns None, except those that make an object (a
    `Remote` for it); `get_name` answers here (a sheet's name). A name the class lacks fails
    here, where the mistake is, not later in the worker."""

    def __init__(self, link: _Link, number: int, kind: type, name: str = ""):
        self._link, self._number, self._kind, self._name = link, number, kind, name

    def __reduce__(self):
        return (_real, (self._number,))

    def __getattr__(self, method: str):
        if method.startswith("_") or (method != "write_columns"
                                      and not callable(getattr(self._kind, method, None))):
            raise AttributeError(f"{self._kind.__name__} has no method {method!r}")
        if method in RETURNING:
            raise NotImplementedError(f"{method}: its result cannot come back from the worker")
        return lambda *args, **kwargs: self._link.call(self, method, args, kwargs)

    def get_name(self) -> str:
        return self._name


def _made_kind(method: str, args: tuple, kwargs: dict) -> tuple[type, str]:
    """The class (and a sheet's name) of what a maker call makes."""
    if method == "add_worksheet":
        name = args[0] if args else kwargs.get("name")
        kind = args[1] if len(args) > 1 else kwargs.get("worksheet_class")
        return kind or Worksheet, str(name or "")
    if method == "add_format":
        return Format, ""
    options = args[0] if args else kwargs.get("options", {})
    return _CHARTS.get(options.get("type"), Chart), ""


class _Link:
    """The recorded calls on their way to the worker."""

    def __init__(self, process: subprocess.Popen, outbox: Connection, failure: str):
        self.process, self.outbox, self.failure = process, outbox, failure
        self.calls: list[tuple] = []
        self.count = 0

    def call(self, target: Remote | None, method: str, args: tuple, kwargs: dict,
             ) -> Remote | None:
        made = None
        if method in MAKERS:
            self.count += 1
            made = Remote(self, self.count, *_made_kind(method, args, kwargs))
        self.calls.append((made._number if made else 0, target, method, args, kwargs))
        if made or method == "write_columns" or len(self.calls) >= BATCH:
            self.flush()
        return made

    def flush(self) -> None:
        if not self.calls:
            return
        data = pickle.dumps(self.calls, protocol=pickle.HIGHEST_PROTOCOL)
        self.calls = []
        try:
            self.outbox.send_bytes(data)
        except OSError as error:  # the worker is gone: what stopped it is in its failure file
            self.process.wait()
            raise WriterFailed(f"workbook worker: {error}", *self.failed()) from None

    def failed(self) -> tuple:
        """WriterFailed's details from what the worker wrote when it failed (if it could)."""
        try:
            with open(self.failure, encoding="utf-8") as fh:
                return _rebuilt(tuple(json.load(fh)))
        except (OSError, ValueError, TypeError):
            return ()


class RemoteBook(Remote):
    """An xlsxwriter Workbook(filename, options) made by a worker process (see the module).

    `close()` sends the last calls and returns at once; `finishing()` waits for the file. The
    temporary files (streamed rows, parts before zipping) go to a folder the worker is given
    and this process removes once the worker is gone, however it ended."""

    def __init__(self, filename: str, options: dict):
        self._scratch = tempfile.mkdtemp(prefix="tonghop-")
        failure = os.path.join(self._scratch, "failure.json")
        command = [sys.executable, "-c",
                   "from pipeline.outputs.workbooks.remote_book import serve; serve()",
                   str(os.getpid()), failure]
        process = None
        try:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, env=worker_env(),
                                       bufsize=0)
            outbox = Connection(os.dup(process.stdin.fileno()), readable=False)
            process.stdin.close()
            link = _Link(process, outbox, failure)
            super().__init__(link, 0, xlsxwriter.Workbook)
            link.call(None, "Workbook", (filename, {**options, "tmpdir": self._scratch}), {})
            link.flush()  # made before any call on it is unpickled
        except BaseException:
            if process is not None:
                process.kill()
                process.wait()
            shutil.rmtree(self._scratch, ignore_errors=True)
            raise

    def close(self) -> None:
        """Send the last calls (the worker then zips the file); returns at once."""
        try:
            self._link.call(self, "close", (), {})
            self._link.flush()
        finally:
            self._link.outbox.close()

    def kill(self) -> None:
        """Stop the worker (the file is not made)."""
        self._link.process.kill()
        self._link.process.wait()
        with contextlib.suppress(OSError):
            self._link.outbox.close()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def wait(self) -> None:
        """Wait for the file; WriterFailed when the worker failed."""
        status = self._link.process.wait()
        details = self._link.failed() if status != 0 else ()
        shutil.rmtree(self._scratch, ignore_errors=True)
        if status != 0:
            raise WriterFailed(f"workbook worker: exit status {status}", *details)

    @contextlib.contextmanager
    def finishing(self) -> Iterator[None]:
        """The body runs while the worker writes; on leaving, wait for the file (WriterFailed
        if the worker failed); when the body fails (or the wait is interrupted), the worker
        is stopped."""
        try:
            yield
            self.wait()
        except BaseException:
            self.kill()
            raise


# --- the worker ---------------------------------------------------------------------------------
def serve() -> None:
    """A worker's loop: make each batch of calls it is sent, until the pipe closes."""
    _die_with(int(sys.argv[1]))
    inbox = Connection(os.dup(0), writable=False)
    os.dup2(2, 1)  # a stray print goes to stderr
    try:
        while True:
            try:
                data = inbox.recv_bytes()
            except EOFError:
                return
            _replay(data)
            if len(data) > TRIM_AFTER:  # a table's rows: give their memory back
                del data
                trim_heap()
    except BaseException as exc:  # what stopped it goes to the run (its log), not the console
        with contextlib.suppress(BaseException), open(sys.argv[2], "w", encoding="utf-8") as fh:
            json.dump(_describe(exc), fh)
        os._exit(1)


def _replay(data: bytes) -> None:
    """Make one batch of calls (their arguments are gone when this returns)."""
    for made, target, method, args, kwargs in pickle.loads(data):
        if method == "Workbook":  # the book itself, number 0
            _made[0] = xlsxwriter.Workbook(*args, **kwargs)
        elif method == "write_columns":  # a table's rows on a sheet
            write_columns(target, *args, **kwargs)
        else:
            result = getattr(target, method)(*args, **kwargs)
            if made:
                _made[made] = result
