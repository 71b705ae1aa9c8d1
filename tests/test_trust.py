"""Trust at scale: every job is byte-for-byte reproducible, inputs are never touched, and a run
killed at any moment leaves the previous outputs whole (pipeline.outputs.publish)."""

from __future__ import annotations

import contextlib
import email.message
import email.utils
import errno
import fcntl
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.config import load_plan
from pipeline.outputs import publish as pub

pytestmark = pytest.mark.slow  # end-to-end; `make test-fast` skips it

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs"
CONFIG = REPO / "plans" / "2021-2025.toml"
HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def hidden(folder: Path) -> list[str]:
    """Hidden entries beside the outputs, except the intake cache (pipeline.intake.cache)."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith(".") and p.name != ".cache")


def leftovers(folder: Path) -> list[str]:
    """What publish() builds in or swaps out (outputs/.cache is the intake cache's, not ours)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".tmp-", ".old-")))


def copy_periods(dest: Path, *periods: str) -> Path:
    if not all((SAMPLE / p).is_dir() for p in periods):
        pytest.skip("sample inputs not generated")
    for p in periods:
        shutil.copytree(SAMPLE / p, dest / p)
    return dest


def mail_instead(folder: Path, name: str, unit: str) -> None:
    """Replace a plain workbook by the saved e-mail that carried it (the other way files come)."""
    path = folder / name
    msg = email.message.EmailMessage()
    msg["From"] = f"{unit.name} <{unit.email}>"
    msg["To"] = "vanphong.sxd@phutho.gov.vn"
    msg["Subject"] = "Báo cáo điển hình tiên tiến"
    msg["Date"] = "Mon, 10 Jan 2022 09:15:00 +0700"
    msg.set_content("Kính gửi Văn phòng Sở, đơn vị gửi báo cáo quý.")
    msg.add_attachment(path.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename=name)
    (folder / "thu-VP.eml").write_bytes(bytes(msg))
    path.unlink()


# --- 1 and 2: every job twice, in two interpreters with different hash seeds ------------------
RUN_DATE = "2022-01-20"
JOBS = {
    "2021-Q4": ["report", "--period", "2021-Q4", "--run-date", RUN_DATE],
    "2021": ["annual", "--year", "2021", "--run-date", RUN_DATE, "--no-pdf"],
    "so-ket-2021-2023": ["so-ket", "--run-date", RUN_DATE, "--no-pdf"],
    "tong-ket-2021-2025": ["tong-ket", "--run-date", RUN_DATE, "--no-pdf"],
    "mau": ["templates", "--period", "2022-Q1"],
}
# One interpreter runs every job through the command line, as the clerk would, one by one.
CHILD = """
import json, sys
from typer.testing import CliRunner
from pipeline.cli import app

inputs, outputs, config, jobs = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
codes = {}
for folder, args in jobs.items():
    result = CliRunner().invoke(app, [*args, "--inputs", inputs, "--outputs", outputs,
                                      "--config", config])
    codes[folder] = [result.exit_code, repr(result.exception), result.output[-2000:]]
print(json.dumps(codes))
"""


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    import json

    base = tmp_path_factory.mktemp("twice")
    inputs = copy_periods(base / "inputs", "2021-Q2", "2021-Q3", "2021-Q4")
    vp = load_plan().unit("VP")
    mail_instead(inputs / "2021-Q4", "VP_BaoCao_Q4_2021.xlsx", vp)
    before = tree_hashes(inputs) | {"config": hashlib.sha256(CONFIG.read_bytes()).hexdigest()}
    children = []
    for seed in ("1", "2"):  # set iteration order differs between the two interpreters
        env = {**os.environ, "PYTHONHASHSEED": seed}
        children.append(subprocess.Popen(
            [sys.executable, "-c", CHILD, str(inputs), str(base / f"out{seed}"), str(CONFIG),
             json.dumps(JOBS)], cwd=base, env=env, stdout=subprocess.PIPE, text=True))
    codes = [json.loads(c.communicate(timeout=600)[0]) for c in children]
    # The quarter again over the first outputs: earlier periods now come from outputs/.cache.
    cached = sorted(p.name for p in (base / "out1" / ".cache").rglob("*") if p.is_file())
    again = subprocess.run(
        [sys.executable, "-c", CHILD, str(inputs), str(base / "out1"), str(CONFIG),
         json.dumps({"2021-Q4": JOBS["2021-Q4"]})], cwd=base, env={**os.environ,
         "PYTHONHASHSEED": "3"}, stdout=subprocess.PIPE, text=True, timeout=600, check=True)
    codes.append(json.loads(again.stdout))
    after = tree_hashes(inputs) | {"config": hashlib.sha256(CONFIG.read_bytes()).hexdigest()}
    return base, before, after, codes, cached


def test_every_job_completes(twice):
    *_, codes, _ = twice
    for run in codes[:2]:
        assert {k: v[0] for k, v in run.items()} == {
            "2021-Q4": 1, "2021": 0, "so-ket-2021-2023": 0, "tong-ket-2021-2025": 0, "mau": 0,
        }, run
    assert codes[2]["2021-Q4"][0] == 1, codes[2]


def test_a_rerun_over_a_warm_cache_gives_the_same_bytes_as_a_cold_run(twice):
    base, *_, cached = twice
    assert cached  # the re-run of 2021-Q4 had earlier periods' intake to reuse
    assert tree_hashes(base / "out1" / "2021-Q4") == tree_hashes(base / "out2" / "2021-Q4")


@pytest.mark.parametrize("folder", list(JOBS))
def test_two_runs_give_byte_identical_files(twice, folder):
    base, *_ = twice
    one, two = tree_hashes(base / "out1" / folder), tree_hashes(base / "out2" / folder)
    assert one
    assert one == two


def test_the_compared_runs_cover_every_kind_of_output(twice):
    base, *_ = twice
    names = set(tree_hashes(base / "out1"))
    suffixes = {Path(n).suffix for n in names}
    assert {".xlsx", ".docx", ".html", ".csv", ".json", ".txt"} <= suffixes
    assert {"2021-Q4/manifest.json", "2021-Q4/TongHop_2021-Q4.xlsx",
            "2021-Q4/BaoCao_2021-Q4.docx", "2021-Q4/BaoCao_2021-Q4.html",
            "2021/TongHop_2021.xlsx", "2021/data/de_xuat.csv",
            "so-ket-2021-2023/TongHop_so-ket-2021-2023.xlsx",
            "tong-ket-2021-2025/data/so_theo_doi.csv"} <= names
    assert any(n.startswith("2021-Q4/phan-hoi/") and n.endswith(".xlsx") for n in names)
    assert any(n.startswith("mau/") and n.endswith(".xlsx") for n in names)


def test_the_mailed_workbook_was_taken_in_from_the_email(twice):
    base, *_ = twice
    manifest = (base / "out1" / "2021-Q4" / "manifest.json").read_text("utf-8")
    assert '"tep": "thu-VP.eml"' in manifest
    assert '"tep": "thu-VP.eml/VP_BaoCao_Q4_2021.xlsx"' in manifest


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_report_pdfs_are_byte_identical(twice):
    base, *_ = twice
    pdfs = sorted(p.name for p in (base / "out1" / "2021-Q4").glob("*.pdf"))
    assert pdfs == ["BaoCao_2021-Q4.pdf", "NguoiTotViecTot_2021-Q4.pdf"]
    for name in pdfs:
        assert (base / "out1" / "2021-Q4" / name).read_bytes() == \
            (base / "out2" / "2021-Q4" / name).read_bytes()


def test_inputs_and_config_are_untouched_by_every_job(twice):
    _, before, after, *_ = twice
    assert after == before


def test_no_temporary_folder_is_left_beside_the_outputs(twice):
    base, *_ = twice
    assert leftovers(base / "out1") == []
    assert leftovers(base / "out2") == []


# --- 3: publish() unit behaviour ---------------------------------------------------------------
def writer(**files: str):
    def build(out: Path) -> None:
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
    return build


def test_first_publish_creates_the_folder(tmp_path):
    pub.publish(tmp_path / "out" / "2025-Q3", writer(a="1"))
    assert tree_hashes(tmp_path / "out" / "2025-Q3") == {"a": hashlib.sha256(b"1").hexdigest()}
    assert hidden(tmp_path / "out") == []


def test_publish_replaces_the_previous_folder_whole(tmp_path):
    target = tmp_path / "2025-Q3"
    pub.publish(target, writer(a="old", b="old"))
    pub.publish(target, writer(a="new"))
    assert sorted(p.name for p in target.iterdir()) == ["a"]
    assert (target / "a").read_text("utf-8") == "new"
    assert hidden(tmp_path) == []


def test_the_previous_folder_stays_in_place_while_building(tmp_path):
    target = tmp_path / "2025-Q3"
    pub.publish(target, writer(a="old"))
    seen = []

    def build(out: Path) -> None:
        seen.append((target / "a").read_text("utf-8"))
        (out / "a").write_text("new", encoding="utf-8")
        seen.append((target / "a").read_text("utf-8"))

    pub.publish(target, build)
    assert seen == ["old", "old"]
    assert (target / "a").read_text("utf-8") == "new"


def test_a_failed_build_leaves_the_previous_folder_and_no_temporary_one(tmp_path):
    target = tmp_path / "2025-Q3"
    pub.publish(target, writer(a="old"))

    def build(out: Path) -> None:
        (out / "a").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        pub.publish(target, build)
    assert (target / "a").read_text("utf-8") == "old"
    assert hidden(tmp_path) == []


def test_an_existing_folder_is_swapped_in_one_step_not_two_renames(tmp_path, monkeypatch):
    target = tmp_path / "2025-Q3"
    pub.publish(target, writer(a="old"))

    def no_rename(*args):
        raise AssertionError(f"plain rename {args} leaves a moment without outputs")

    monkeypatch.setattr(os, "rename", no_rename)
    pub.publish(target, writer(a="new"))
    assert (target / "a").read_text("utf-8") == "new"


def test_a_first_publish_never_overwrites_a_folder_that_appeared_meanwhile(tmp_path):
    target = tmp_path / "2025-Q3"
    other = ("import sys; from pathlib import Path; from pipeline.outputs.publish import publish; "
             "publish(Path(sys.argv[1]), lambda out: (out / 'b').write_text('other'))")

    def build(out: Path) -> None:  # a concurrent run publishes first while this one builds
        subprocess.run([sys.executable, "-c", other, str(target)], check=True)
        assert (target / "b").read_text("utf-8") == "other"
        (out / "a").write_text("mine", encoding="utf-8")

    pub.publish(target, build)
    assert sorted(p.name for p in target.iterdir()) == ["a"]
    assert (target / "a").read_text("utf-8") == "mine"
    assert hidden(tmp_path) == []


def test_without_renameat2_publish_still_completes(tmp_path, monkeypatch):
    monkeypatch.setattr(pub, "_rename2", lambda *a: errno.ENOSYS)
    target = tmp_path / "2025-Q3"
    pub.publish(target, writer(a="old"))
    pub.publish(target, writer(a="new"))
    assert (target / "a").read_text("utf-8") == "new"
    assert hidden(tmp_path) == []


def test_abandoned_temporary_folders_are_cleaned_but_a_live_build_is_spared(tmp_path):
    for name in (".tmp-2025-Q3-999999", ".old-2025-Q3-12", ".tmp-2024-7"):
        (tmp_path / name / "data").mkdir(parents=True)
        (tmp_path / name / "data" / "loi.csv").write_text("x", encoding="utf-8")
    (tmp_path / ".tmp-stale-link-3").symlink_to(tmp_path / ".tmp-2024-7")
    live = tmp_path / ".tmp-2025-Q2-4242"
    live.mkdir()
    (tmp_path / ".hidden-by-the-clerk").mkdir()
    fd = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as a concurrent run holds its folder
    try:
        pub.publish(tmp_path / "2025-Q3", writer(a="new"))
    finally:
        os.close(fd)
    assert hidden(tmp_path) == [".hidden-by-the-clerk", ".tmp-2025-Q2-4242"]
    pub.clean_leftovers(tmp_path)
    assert hidden(tmp_path) == [".hidden-by-the-clerk"]


def test_a_leftover_with_our_own_pid_does_not_leak_into_the_new_outputs(tmp_path):
    stale = tmp_path / f".tmp-2025-Q3-{os.getpid()}"
    stale.mkdir()
    (stale / "stale.csv").write_text("x", encoding="utf-8")
    pub.publish(tmp_path / "2025-Q3", writer(a="new"))
    assert sorted(p.name for p in (tmp_path / "2025-Q3").iterdir()) == ["a"]


def test_a_symlinked_target_keeps_its_link_and_gets_the_new_folder(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "2025-Q3"
    pub.publish(real, writer(a="old"))
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "2025-Q3").symlink_to(real, target_is_directory=True)
    pub.publish(outputs / "2025-Q3", writer(a="new"))
    assert (outputs / "2025-Q3").is_symlink()
    assert (real / "a").read_text("utf-8") == "new"
    assert hidden(outputs) == [] and hidden(shared) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_files_and_folders_reach_the_disk_before_and_after_the_swap(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = tmp_path / "2025-Q3"

    def build(out: Path) -> None:
        (out / "data").mkdir()
        (out / "data" / "loi.csv").write_text("x", encoding="utf-8")

    pub.publish(target, build)
    tmp = str(tmp_path / f".tmp-2025-Q3-{os.getpid()}")
    # Before the swap: the file, its folder, the folder being swapped in; after: the parent.
    assert synced[:3] == [f"{tmp}/data/loi.csv", f"{tmp}/data", tmp]
    assert synced[3:] and set(synced[3:]) == {str(tmp_path)}


# --- 3: SIGKILL at many moments of real runs, a watcher that never sees the folder missing ------
class Watcher(threading.Thread):
    """Polls the published folder and counts the moments it is missing or incomplete."""

    def __init__(self, target: Path, must_have: list[str]):
        super().__init__(daemon=True)
        self.target, self.must_have = target, must_have
        self.polls = self.misses = 0
        self.stop = threading.Event()
        self.paused = threading.Lock()  # held by the test while it puts old outputs back

    def run(self) -> None:
        while not self.stop.is_set():
            with self.paused:
                self.polls += 1
                if not all(os.path.exists(self.target / name) for name in self.must_have):
                    self.misses += 1
            time.sleep(0)  # let the test take the lock


def cli(inputs: Path, outputs: Path, run_date: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "report", "--period", "2021-Q3", "--inputs",
            str(inputs), "--outputs", str(outputs), "--run-date", run_date, "--no-pdf",
            "--config", str(CONFIG)]


def started_build(outputs: Path, pid: int) -> bool:
    return (outputs / f".tmp-2021-Q3-{pid}").exists()


def run_and_kill(command: list[str], outputs: Path, delay: float, after_build_starts: bool,
                 cwd: Path) -> int | None:
    """Start a run, SIGKILL it `delay` seconds after start (or after its build folder appears);
    returns the exit status when it finished first, None when it was killed."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if after_build_starts:
            while process.poll() is None and not started_build(outputs, process.pid):
                time.sleep(0.002)
        time.sleep(delay)
        if process.poll() is not None:
            return process.returncode
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None
    finally:  # the reader workers of the killed run, by its group id
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def timed_run(command: list[str], outputs: Path, cwd: Path) -> tuple[int, float, float]:
    """Exit status, seconds until the build folder appeared, seconds until the run ended."""
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    appeared = None
    while process.poll() is None:
        if appeared is None and started_build(outputs, process.pid):
            appeared = time.monotonic() - start
        time.sleep(0.002)
    end = time.monotonic() - start
    return process.returncode, appeared if appeared is not None else end, end


def previous_outputs(target: Path) -> None:
    """A complete folder from an earlier run (its files differ from what the next run writes)."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "data").mkdir(parents=True)
    for name in ("manifest.json", "TongHop_2021-Q3.xlsx", "data/loi.csv", "ghi-chu.txt"):
        (target / name).write_text(f"kết quả của lần chạy trước: {name}", encoding="utf-8")


def test_a_run_killed_at_any_moment_leaves_old_or_new_outputs_whole(tmp_path):
    inputs = copy_periods(tmp_path / "inputs", "2021-Q3")
    for path in (inputs / "2021-Q3").iterdir():  # three units keep each run short
        if not path.name.startswith(("VP_", "KHTC_", "bao cao DHTT quy 3 - QHKT")):
            path.unlink()
    outputs = tmp_path / "outputs"
    target = outputs / "2021-Q3"
    previous_outputs(target)
    old = tree_hashes(target)
    command = cli(inputs, outputs, "2021-10-20")
    watcher = Watcher(target, ["manifest.json", "TongHop_2021-Q3.xlsx", "data/loi.csv"])
    watcher.start()
    try:
        status, build_at, end = timed_run(command, outputs, tmp_path)
        print(f"run {end:.2f}s, build folder at {build_at:.2f}s")
        assert status == 1
        new = tree_hashes(target)
        assert set(new) > {"manifest.json", "TongHop_2021-Q3.xlsx", "data/loi.csv"}
        rng = random.Random(20251020)
        # A moment sampled over the whole run, three over its build-and-swap phase, and the
        # moment the build folder appears; each kill starts from the previous outputs.
        moments = [(rng.uniform(0, end), False)]
        moments += [(rng.uniform(0, (end - build_at) * 1.1), True) for _ in range(3)]
        moments += [(0.0, True)]
        killed = []
        for delay, after_build_starts in moments:
            with watcher.paused:
                previous_outputs(target)
            finished = run_and_kill(command, outputs, delay, after_build_starts, tmp_path)
            assert finished in (None, 1)
            assert tree_hashes(target) in (old, new), f"partial outputs, kill at {delay:.3f}s"
            killed.append(finished is None)
        # The next run of any job cleans what the killed runs left beside the outputs.
        templates = [sys.executable, "-m", "pipeline", "templates", "--period", "2021-Q4",
                     "--inputs", str(inputs), "--outputs", str(outputs), "--config", str(CONFIG)]
        assert subprocess.run(templates, cwd=tmp_path, capture_output=True).returncode == 0
    finally:
        watcher.stop.set()
        watcher.join()
    assert any(killed)
    assert leftovers(outputs) == []
    assert tree_hashes(target) in (old, new)
    assert watcher.polls > 1000
    assert watcher.misses == 0
