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
    """The forked writer did not finish (its traceback is on stderr)."""


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
    try:
        child = multiprocessing.get_context("fork").Process(
            target=_child, args=(job, os.getpid()), name=what)
        child.start()
    except OSError:  # no process to be had (memory, process limit): write it here
        child = None
    finally:
        gc.unfreeze()
    if child is None:
        job()
        yield
        return
    try:
        yield
    except BaseException:
        child.kill()
        child.join()
        raise
    child.join()
    if child.exitcode != 0:
        raise WriterFailed(f"{what}: exit status {child.exitcode}")


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


def _child(job: Callable[[], None], parent: int) -> None:
    _die_with(parent)
    job()


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG); if the parent
    is already gone, stop now."""
    prctl = getattr(libc(), "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
