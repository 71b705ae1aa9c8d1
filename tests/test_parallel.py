"""The forked writer: its file appears, its failure stops the run, it never outlives the run."""

import os
import time

import pytest

from pipeline import parallel
from pipeline.parallel import WriterFailed, alongside


@pytest.fixture(autouse=True)
def small_run(monkeypatch):
    """Whether `alongside` forks depends on the memory the process holds; the test process
    grows as the suite runs, so these tests pin it small (the tests that need no fork say so)."""
    monkeypatch.setattr(parallel, "resident_memory", lambda: 50 * 2**20)


def test_the_job_writes_in_another_process_while_the_body_runs(tmp_path):
    target = tmp_path / "book.txt"
    with alongside(lambda: target.write_text(str(os.getpid()), encoding="utf-8"), "book"):
        (tmp_path / "other.txt").write_text("khác", encoding="utf-8")
    assert (tmp_path / "other.txt").exists()
    if (os.cpu_count() or 1) > 1:
        assert int(target.read_text(encoding="utf-8")) != os.getpid()


def test_a_failing_job_raises_after_the_body(tmp_path):
    def fail() -> None:
        raise ValueError("hỏng")

    ran = []
    with pytest.raises(WriterFailed, match="book"), alongside(fail, "book"):
        ran.append(True)
    assert ran == [True]


def test_a_failing_body_kills_the_job(tmp_path):
    pids = tmp_path / "pid"

    def slow() -> None:
        # Written whole, then renamed: the test never sees a file still being written.
        partial = tmp_path / "pid.partial"
        partial.write_text(str(os.getpid()))
        partial.replace(pids)
        time.sleep(60)

    with pytest.raises(KeyError), alongside(slow, "book"):
        deadline = time.monotonic() + 30
        while not pids.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pids.exists(), "the job never started"
        raise KeyError("body")
    pid = int(pids.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_without_fork_the_job_runs_first(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    order = []
    with alongside(lambda: order.append("job"), "book"):
        order.append("body")
    assert order == ["job", "body"]


def test_over_the_memory_budget_the_job_runs_here(monkeypatch):
    monkeypatch.setattr(parallel, "MEMORY_BUDGET", parallel.resident_memory())
    order = []
    with alongside(lambda: order.append(os.getpid()), "book"):
        order.append(os.getpid())
    assert order == [os.getpid(), os.getpid()]


def test_resident_memory_is_this_process():
    assert 10 * 2**20 < parallel.resident_memory() < 2**32


def test_when_fork_fails_the_job_runs_here(monkeypatch):
    def refuse(self) -> None:
        raise OSError("no more processes")

    monkeypatch.setattr(parallel.multiprocessing.get_context("fork").Process, "start", refuse)
    order = []
    with alongside(lambda: order.append(("job", os.getpid())), "book"):
        order.append(("body", os.getpid()))
    assert order == [("job", os.getpid()), ("body", os.getpid())]
