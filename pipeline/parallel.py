"""One output writer in a forked process while the run writes the others (a 2-core machine
writes the province's consolidated workbook and its reports at the same time)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator

_PR_SET_PDEATHSIG = 1
# The memory a run keeps within. The forked writer reads the run's frames, and CPython's
# reference counts copy every page it reads: the two processes together need about twice
# what the run holds when it forks. Above half this budget the writer runs here instead.
MEMORY_BUDGET = 2**30


class WriterFailed(RuntimeError):
    """A writer process did not finish: `error` is what stopped it, rebuilt here when it was an
    OSError or MemoryError (None otherwise), `summary` its last traceback line, `details` the
    whole traceback (for the log: it is not printed)."""

    def __init__(self, message: str, error: BaseException | None = None, summary: str = "",
                 details: str = ""):
        super().__init__(message)
        self.error, self.summary, self.details = error, summary, details


@contextlib.contextmanager
def alongside(job: Callable[[], None], what: str) -> Iterator[None]:
    """Run `job` in a forked child while the body runs here; on leaving, wait for the child
    and raise WriterFailed if it failed. The child sees the run's frames without copying them
    (fork shares memory copy-on-write; the garbage collector's own bookkeeping is frozen first
    so that it does not copy them page by page). Without fork, on one core, when forking
    would take the run over MEMORY_BUDGET or when it fails, `job` simply runs here first. A
    child never outlives the run: it is killed when the run dies."""
    if not fork_fits():
        job()
        yield
        return
    gc.freeze()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    try:
        child = context.Process(target=_child, args=(job, os.getpid(), send), name=what)
        child.start()
    except OSError:  # no process to be had (memory, process limit): write it here
        child = None
    finally:
        gc.unfreeze()
        send.close()
    if child is None:
        receive.close()
        job()
        yield
        return
    try:
        try:
            yield
        except BaseException:
            child.kill()
            child.join()
            raise
        failure = _failure(child, receive)
        child.join()
    finally:
        receive.close()
    if child.exitcode != 0:
        raise WriterFailed(f"{what}: exit status {child.exitcode}", *_rebuilt(failure))


def _failure(child, receive) -> tuple | None:
    """Wait for the child to end or to report its failure; what it reported, if anything."""
    from multiprocessing.connection import wait

    wait([child.sentinel, receive])
    try:
        return receive.recv() if receive.poll() else None
    except (EOFError, OSError):  # it ended without a word: it succeeded, or was killed
        return None


def _describe(exc: BaseException) -> tuple:
    """What a failed writer sends back: (kind, errno, strerror, filename, summary, traceback)."""
    import traceback

    from pipeline.faults import os_error

    error = os_error(exc)
    kind = ("OSError" if error is not None else
            "MemoryError" if isinstance(exc, MemoryError) else type(exc).__name__)
    summary = traceback.format_exception_only(exc)[-1].strip()
    details = "".join(traceback.format_exception(exc))[-16000:]  # fits in the pipe at once
    filename = None if error is None or error.filename is None else os.fsdecode(error.filename)
    return (kind, error.errno if error else None, error.strerror if error else None,
            filename, summary[:2000], details)


def _rebuilt(failure: tuple | None) -> tuple:
    """WriterFailed's other arguments from what the child sent (nothing: it died silently)."""
    if not failure:
        return ()
    kind, code, strerror, filename, summary, details = failure
    error: BaseException | None = None
    if kind == "OSError":
        error = OSError(code, strerror, filename) if filename else OSError(code, strerror)
    elif kind == "MemoryError":
        error = MemoryError()
    return error, summary, details


def worker_env() -> dict[str, str]:
    """The environment of a fresh interpreter that imports this program as this process does
    (this process's module path, the current folder made explicit)."""
    paths = [p or os.getcwd() for p in sys.path]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def two_cores() -> bool:
    return (os.cpu_count() or 1) >= 2


def fork_fits() -> bool:
    """Whether `alongside` forks now: fork is available, there are two cores, and the two
    processes fit in MEMORY_BUDGET."""
    return ("fork" in multiprocessing.get_all_start_methods() and two_cores()
            and 2 * resident_memory() <= MEMORY_BUDGET)


@functools.cache
def libc() -> ctypes.CDLL | None:
    """The C library (for prctl, malloc_trim, renameat2); None where it cannot be found."""
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def trim_heap() -> None:
    """Give the heap glibc holds free back to the system (malloc_trim; nothing elsewhere)."""
    trim = getattr(libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def resident_memory() -> int:
    """This process's resident memory in bytes (Linux /proc; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child(job: Callable[[], None], parent: int, send) -> None:
    """The writer: a failure goes back to the run through `send`, not to the console."""
    _die_with(parent)
    try:
        job()
    except BaseException as exc:
        with contextlib.suppress(BaseException):
            send.send(_describe(exc))
        os._exit(1)


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG); if the parent
    is already gone, stop now."""
    prctl = getattr(libc(), "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
