"""The intake cache holds data, not code: an entry is unpickled only when it carries this user's
signature for its key; a planted or altered entry runs nothing and is taken in again."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_plan
from pipeline.intake import cache as cache_module
from pipeline.intake.cache import IntakeCache, key_path, signing_key
from pipeline.intake.rules import Registry
from pipeline.periods import Period
from tests.factories import make_intake

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs"
CONFIG = REPO / "plans" / "2021-2025.toml"
RUN_DATE = "2021-10-20"


class Planted:
    """A pickle that creates a file when it is loaded (it could as well run a shell command)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "đã chạy mã"))


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test signs with a key of its own, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def report(inputs: Path, outputs: Path):
    return CliRunner().invoke(app, ["report", "--period", "2021-Q4", "--inputs", str(inputs),
                                    "--outputs", str(outputs), "--run-date", RUN_DATE,
                                    "--config", str(CONFIG), "--no-pdf"])


@pytest.fixture
def inputs(tmp_path) -> Path:
    periods = ("2021-Q2", "2021-Q3", "2021-Q4")
    if not all((SAMPLE / p).is_dir() for p in periods):
        pytest.skip("sample inputs not generated")
    for p in periods:
        shutil.copytree(SAMPLE / p, tmp_path / "inputs" / p)
    return tmp_path / "inputs"


def entries(outputs: Path) -> list[Path]:
    return sorted((outputs / ".cache" / "intake").glob("*.entry"))


def loads(outputs: Path, entry: Path) -> bool:
    """Whether the cache would use `entry` (signature good, content an intake)."""
    cache = IntakeCache(outputs, load_plan(CONFIG), dt.date.fromisoformat(RUN_DATE))
    return cache.load(entry.stem) is not None


def test_the_key_is_kept_outside_the_outputs_readable_by_its_owner_only(tmp_path):
    secret = signing_key()
    path = key_path()
    assert path == tmp_path / "user-cache" / "dhtt" / "cache.key"
    assert secret is not None and len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signing_key() == secret  # made once, then read


def test_a_key_others_can_read_signs_nothing(tmp_path):
    signing_key()
    key_path().chmod(0o644)
    assert signing_key() is None


def test_a_planted_pickle_runs_nothing_and_the_entry_is_taken_in_again(inputs, tmp_path):
    first, second = tmp_path / "out1", tmp_path / "out2"
    assert report(inputs, first).exit_code == 1
    assert report(inputs, second).exit_code == 1  # its own cache, valid
    planted = entries(second)
    assert [p.stem for p in planted] and all(loads(second, p) for p in planted)
    marker = tmp_path / "pwned.txt"
    payload = pickle.dumps(Planted(marker))
    for entry in planted:
        # bare pickle, the old file name, and the new format with a forged signature
        entry.write_bytes(cache_module._MAGIC + b"\0" * 32 + payload)
        entry.with_suffix(".pickle").write_bytes(payload)
    assert report(inputs, second).exit_code == 1
    assert not marker.exists()
    assert tree_hashes(second / "2021-Q4") == tree_hashes(first / "2021-Q4")
    # every entry was taken in again, signed, and the old-format files are gone
    assert entries(second) == planted
    assert all(loads(second, p) for p in planted)
    assert not list((second / ".cache" / "intake").glob("*.pickle"))


def test_an_altered_entry_is_ignored_and_recomputed(inputs, tmp_path):
    outputs = tmp_path / "out"
    assert report(inputs, outputs).exit_code == 1
    before = tree_hashes(outputs / "2021-Q4")
    entry = entries(outputs)[0]
    data = bytearray(entry.read_bytes())
    data[-20] ^= 0x01  # one bit of the pickled frames
    entry.write_bytes(bytes(data))
    assert not loads(outputs, entry)
    assert report(inputs, outputs).exit_code == 1
    assert loads(outputs, entry)
    assert tree_hashes(outputs / "2021-Q4") == before


def test_an_entry_signed_for_another_key_is_not_used(inputs, tmp_path):
    """A valid entry copied under another period's name would give wrong data: refused."""
    outputs = tmp_path / "out"
    assert report(inputs, outputs).exit_code == 1
    one, two = entries(outputs)[:2]
    shutil.copyfile(one, two)
    assert not loads(outputs, two)


def test_without_a_place_for_the_key_nothing_is_cached(inputs, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    outputs = tmp_path / "out"
    assert report(inputs, outputs).exit_code == 1
    assert entries(outputs) == []


def test_entries_are_data_for_one_period(tmp_path):
    """Store then load through the signature, in process."""
    plan = load_plan(CONFIG)
    cache = IntakeCache(tmp_path, plan, dt.date(2021, 10, 20))
    key = cache.key(Period(2021, 2), tmp_path / "absent")
    intake = make_intake(plan, "2021-Q2")
    intake.findings = intake.findings[intake.findings["ma_loi"] != "F06"]
    cache.store(key, intake, Registry())
    loaded = cache.load(key)
    assert loaded is not None
    assert loaded[0].registrations.equals(intake.registrations)
    assert os.listdir(tmp_path / ".cache" / "intake") == [f"{key}.entry"]


def test_a_run_of_an_earlier_quarter_leaves_the_later_quarters_entries(inputs, tmp_path):
    """`check` on a late file of 2021-Q3 reaches 2021-Q2 only: the entry of 2021-Q3 the report
    made stays for the next report, which then reads nothing again."""
    outputs = tmp_path / "out"
    assert report(inputs, outputs).exit_code == 1
    made = {p.name: p.stat().st_mtime_ns for p in entries(outputs)}
    assert sorted(name.partition("_")[0] for name in made) == ["2021-Q2", "2021-Q3"]
    late = inputs / "2021-Q3" / "KHTC_BaoCao_Q3_2021.xlsx"
    checked = CliRunner().invoke(app, ["check", str(late), "--inputs", str(inputs), "--outputs",
                                       str(outputs), "--run-date", RUN_DATE, "--config",
                                       str(CONFIG)])
    assert checked.exit_code in (0, 1), checked.output
    assert {p.name: p.stat().st_mtime_ns for p in entries(outputs)} == made
    assert report(inputs, outputs).exit_code == 1
    assert {p.name: p.stat().st_mtime_ns for p in entries(outputs)} == made  # all loaded


def test_entries_made_stale_are_removed_by_the_run_that_replaces_them(inputs, tmp_path):
    """Another run date gives every period a new entry; the old ones go."""
    outputs = tmp_path / "out"
    assert report(inputs, outputs).exit_code == 1
    old = {p.name for p in entries(outputs)}
    later = CliRunner().invoke(app, ["report", "--period", "2021-Q4", "--inputs", str(inputs),
                                     "--outputs", str(outputs), "--run-date", "2021-10-21",
                                     "--config", str(CONFIG), "--no-pdf"])
    assert later.exit_code == 1
    new = {p.name for p in entries(outputs)}
    assert len(new) == 2 and not new & old
