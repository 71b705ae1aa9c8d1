"""Faults are failures, said plainly: a full or read-only disk, a refused permission, a folder
removed during the run, exhausted memory or a bug each stop `report` with one Vietnamese line
naming what and where, the traceback in a log file (on the console only with --debug), exit
status 3 (which `make` treats as a failure), and the previous outputs and the inputs untouched.

Each fault is injected into the real entry point (`python -m pipeline`, a fresh interpreter per
run) by a patch applied before the command line runs; where the test may mount a tmpfs (root),
a really full and a really read-only file system are tried too.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.faults import FAULT_STATUS, what_and_where
from pipeline.parallel import WriterFailed, _rebuilt

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs"
CONFIG = REPO / "plans" / "2021-2025.toml"
PERIOD = "2021-Q2"

# Patches applied in the child before the command line runs, by name.
DRIVER = r'''
import errno, os, shutil, sys
from pathlib import Path

fault, outputs = sys.argv[1], Path(sys.argv[2])
sys.argv = ["pipeline", *sys.argv[3:]]
import pipeline.outputs.publish as publish
import pipeline.run as run


def raising(error):
    def fail(*args, **kwargs):
        raise error
    return fail


def refusing(code):
    """mkdir under the outputs refused as a read-only or forbidden file system refuses it."""
    real = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.resolve().is_relative_to(outputs.resolve()) and not self.exists():
            raise OSError(code, os.strerror(code), str(self))
        return real(self, *args, **kwargs)
    Path.mkdir = mkdir


if fault == "enospc":  # a write in the run itself (os.write on an open file: no file name)
    run.write_json = raising(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
elif fault == "enospc-writer":  # the workbook, written by the forked writer process
    def full(report, path, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    run.write_period_workbook = full
elif fault == "erofs":
    refusing(errno.EROFS)
elif fault == "eacces":
    refusing(errno.EACCES)
elif fault == "vanished":  # the folder being built removed just before it is swapped in
    real = publish._fsync_tree

    def remove_then_sync(root):
        shutil.rmtree(root)
        root.mkdir()  # and a writer made it again, empty
        real(root)
    publish._fsync_tree = remove_then_sync
elif fault == "memory":
    run.score_period = raising(MemoryError())
elif fault == "bug":
    run.write_data = raising(RuntimeError("hỏng"))
from pipeline.cli import app
app()
'''


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# The run's stage lines (pipeline.progress, on stderr when it is not a terminal).
PROGRESS = re.compile(r"^\[ *\d+\.\d giây\] .*\n", re.M)


def run(fault: str, inputs: Path, outputs: Path, *extra: str) -> subprocess.CompletedProcess:
    """The report run with `fault` injected; its stderr without the stage lines, so that what
    the tests read is exactly what the run said besides its progress."""
    env = {**os.environ, "COLUMNS": "1000", "XDG_CACHE_HOME": str(outputs.parent / "xdg")}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, fault, str(outputs), "report", "--period", PERIOD,
         "--inputs", str(inputs), "--outputs", str(outputs), "--run-date", "2021-07-20",
         "--config", str(CONFIG), "--no-pdf", *extra],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    done.stderr = PROGRESS.sub("", done.stderr)
    return done


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> tuple[Path, Path]:
    """The inputs of one quarter and the outputs of a good run over them."""
    if not (SAMPLE / PERIOD).is_dir():
        pytest.skip("sample inputs not generated")
    base = tmp_path_factory.mktemp("faults")
    shutil.copytree(SAMPLE / PERIOD, base / "inputs" / PERIOD)
    done = run("none", base / "inputs", base / "outputs")
    assert done.returncode == 1, done.stderr
    return base / "inputs", base / "outputs"


@pytest.fixture
def setup(previous, tmp_path) -> tuple[Path, Path, dict, dict]:
    inputs, outputs = previous
    shutil.copytree(outputs, tmp_path / "outputs")
    out = tmp_path / "outputs"
    return inputs, out, tree_hashes(inputs), tree_hashes(out / PERIOD)


def logs(outputs: Path) -> list[Path]:
    return sorted((outputs / "nhat-ky").glob("su-co-*.log"))


CASES = {
    "enospc": "Hết chỗ trống trên đĩa khi ghi thư mục kết quả '{out}'.",
    "enospc-writer": "Hết chỗ trống trên đĩa khi ghi '{out}/2021-Q2/TongHop_2021-Q2.xlsx'.",
    "vanished": "Không tìm thấy '{out}/2021-Q2': tệp hoặc thư mục đã bị xóa hay di chuyển "
                "trong khi chương trình đang chạy.",
    "memory": "Máy không đủ bộ nhớ để hoàn thành lần chạy (tại pipeline/run.py, "
              "hàm build_period_report).",
    "bug": "Lỗi ngoài dự kiến của chương trình (RuntimeError: hỏng) tại pipeline/run.py, "
           "hàm build.",
}


@pytest.mark.parametrize("fault", list(CASES))
def test_a_fault_stops_the_run_with_one_line_a_log_and_status_3(setup, fault):
    inputs, out, inputs_before, outputs_before = setup
    done = run(fault, inputs, out)
    (log,) = logs(out)
    expected = (f"Sự cố: {CASES[fault].format(out=out)} Lần chạy đã dừng. "
                f"Chi tiết kỹ thuật: {log}")
    assert (done.returncode, done.stderr, done.stdout) == (3, expected + "\n", "")
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert tree_hashes(out / PERIOD) == outputs_before
    assert tree_hashes(inputs) == inputs_before
    assert sorted(p.name for p in out.iterdir() if p.name != ".cache") == [PERIOD, "nhat-ky"]


@pytest.mark.parametrize(("fault", "what"), [
    ("erofs", "Ổ đĩa chỉ cho đọc, không ghi được '{out}/2021-Q2'."),
    ("eacces", "Không đủ quyền truy cập '{out}/2021-Q2'."),
])
def test_outputs_that_cannot_be_written_log_to_the_system_temporary_folder(setup, fault, what):
    inputs, out, inputs_before, outputs_before = setup
    done = run(fault, inputs, out)
    found = re.fullmatch(r".* Chi tiết kỹ thuật: (\S+) \(.*\)\n", done.stderr)
    assert found, done.stderr
    log = Path(found.group(1))
    try:
        assert log.parent == Path(tempfile.gettempdir())
        assert (done.returncode, done.stderr) == (3, (
            f"Sự cố: {what.format(out=out)} Lần chạy đã dừng. Chi tiết kỹ thuật: {log} "
            f"(không ghi được vào '{out}' nên ghi vào thư mục tạm của hệ thống)\n"))
        assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")
    finally:
        log.unlink(missing_ok=True)
    assert tree_hashes(out / PERIOD) == outputs_before
    assert tree_hashes(inputs) == inputs_before
    assert logs(out) == []


def test_with_debug_the_traceback_reaches_the_console_too(setup):
    inputs, out, *_ = setup
    done = run("enospc-writer", inputs, out, "--debug")
    assert done.returncode == 3
    assert "Traceback (most recent call last)" in done.stderr
    assert "OSError: [Errno 28] No space left on device" in done.stderr  # the writer's
    assert done.stderr.splitlines()[-1].startswith("Sự cố: Hết chỗ trống trên đĩa khi ghi")


def test_make_treats_a_fault_as_a_failure():
    """The Makefile's rule: status 0 and 1 are a finished run, anything above fails."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "OK12 = status=$$?; [ $$status -le 1 ] || exit $$status" in makefile
    assert FAULT_STATUS == 3


# --- a real tmpfs: full, then read-only (root only; skipped where mount is not permitted) ------
@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    path.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("mount is not permitted here")
    try:
        yield path
    finally:
        if subprocess.run(["umount", str(path)], capture_output=True, check=False).returncode:
            subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def small_previous_outputs(out: Path) -> None:
    (out / PERIOD / "data").mkdir(parents=True)
    for name in ("manifest.json", f"TongHop_{PERIOD}.xlsx", "data/loi.csv"):
        (out / PERIOD / name).write_text(f"kết quả lần chạy trước: {name}", encoding="utf-8")


def test_a_really_full_disk(previous, tmp_path):
    inputs, _ = previous
    inputs_before = tree_hashes(inputs)
    with tmpfs(tmp_path / "disk", "96k") as disk:
        out = disk / "outputs"
        small_previous_outputs(out)
        before = tree_hashes(out / PERIOD)
        done = run("none", inputs, out)
        assert done.returncode == 3, done.stderr
        found = re.fullmatch(
            r"Sự cố: Hết chỗ trống trên đĩa khi ghi (.*)\. Lần chạy đã dừng\. Chi tiết kỹ thuật: "
            r"(\S+)( \(không ghi được vào '(.*)' nên ghi vào thư mục tạm của hệ thống\))?\n",
            done.stderr)
        assert found, done.stderr
        log = Path(found.group(2))
        try:
            assert "No space left on device" in log.read_text(encoding="utf-8")
        finally:
            if log.parent == Path(tempfile.gettempdir()):
                log.unlink()
        assert tree_hashes(out / PERIOD) == before
        assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
    assert tree_hashes(inputs) == inputs_before


def test_a_really_read_only_disk(previous, tmp_path):
    inputs, _ = previous
    with tmpfs(tmp_path / "disk", "4m") as disk:
        out = disk / "outputs"
        small_previous_outputs(out)
        before = tree_hashes(out / PERIOD)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True,
                                 check=False)
        if remount.returncode != 0:
            pytest.skip("remount is not permitted here")
        done = run("none", inputs, out)
        found = re.fullmatch(r".* Chi tiết kỹ thuật: (\S+) \(.*\)\n", done.stderr)
        assert found, done.stderr
        log = Path(found.group(1))
        try:
            assert (done.returncode, done.stderr) == (3, (
                f"Sự cố: Ổ đĩa chỉ cho đọc, không ghi được '{out}/{PERIOD}'. Lần chạy đã dừng. "
                f"Chi tiết kỹ thuật: {log} (không ghi được vào '{out}' nên ghi vào thư mục tạm "
                "của hệ thống)\n"))
        finally:
            log.unlink(missing_ok=True)
        assert tree_hashes(out / PERIOD) == before


# --- the sentence for each fault, wherever it arose ------------------------------------------
@pytest.mark.parametrize(("error", "sentence"), [
    (OSError(errno.EIO, "I/O error", "/d/outputs/.tmp-2025-Q3-77/data/loi.csv"),
     "Ổ đĩa báo lỗi đọc ghi tại '/d/outputs/2025-Q3/data/loi.csv'."),
    (OSError(errno.EMFILE, "Too many open files"),
     "Lỗi hệ thống (EMFILE) khi truy cập thư mục kết quả '/d/outputs'."),
    (OSError(errno.EPERM, "Operation not permitted", "/d/outputs/2025-Q3"),
     "Không đủ quyền truy cập '/d/outputs/2025-Q3'."),
    # the workbook worker (a fresh interpreter) of a run too big to fork
    (WriterFailed("workbook worker: exit status 1",
                  *_rebuilt(("OSError", errno.ENOSPC, "No space left on device", None,
                             "OSError: [Errno 28] No space left on device", "Traceback…"))),
     "Hết chỗ trống trên đĩa khi ghi thư mục kết quả '/d/outputs'."),
    (WriterFailed("workbook worker: exit status 1",
                  *_rebuilt(("MemoryError", None, None, None, "MemoryError", "Traceback…"))),
     "Máy không đủ bộ nhớ để hoàn thành lần chạy (ngoài mã của chương trình)."),
    (WriterFailed("TongHop_2025-Q3.xlsx: exit status 1",
                  *_rebuilt(("KeyError", None, None, None, "KeyError: 'x'", "Traceback…"))),
     "Lỗi ngoài dự kiến của chương trình (KeyError: 'x') ngoài mã của chương trình."),
])
def test_the_sentence_names_what_and_where(error, sentence):
    assert what_and_where(error, Path("/d/outputs")) == sentence
