"""Earlier periods' intake, kept under `outputs/.cache/` so that a re-run does not redo them.

Taking in a period depends on nothing but the program (its own source and the libraries that
read and validate workbooks), the plan file, the run date, and the files of that period and of
every earlier one (registrations carry over from period to period). A period's key is one
SHA-256 over all of these, chained period after period, so any change to any of them (a file
added, removed, renamed or re-sent, the config edited, the program upgraded, another run date)
gives new keys and the cached intake is never used for other inputs. A period in which a file
timed out or killed its reader (F06) is not kept: that outcome depends on the machine, not on
the files. Each entry is a pickle of the period's frames and registry, written atomically; an
entry that cannot be loaded counts as absent. Entries the latest run did not use are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

from pipeline import model
from pipeline.config import Plan
from pipeline.intake.rules import Registry
from pipeline.periods import Period

FOLDER = ".cache"
# The libraries whose behaviour shapes an intake (reading, parsing, validating, frames).
_LIBRARIES = ("dhtt", "python-calamine", "pandas", "pandera", "numpy", "defusedxml", "olefile",
              "pydantic")
_UNSTABLE = {"F06"}  # findings that depend on the machine, not on the files


@cache
def program_digest() -> str:
    """The program's own source and the versions of the libraries an intake depends on."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for package in ("pipeline", "schemas"):
        for path in sorted((root / package).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = ""
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """Every file of a period folder, by name and content (absent folder: a fixed value)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.is_file():
                digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    else:
        digest.update(b"absent")
    return digest.hexdigest()


class IntakeCache:
    """The cached intake of a run's earlier periods, one file per period key."""

    def __init__(self, outputs: Path, plan: Plan, run_date: dt.date):
        self.folder = outputs / FOLDER / "intake"
        self._chain = hashlib.sha256(
            f"{program_digest()}\0{plan.source_hash}\0{run_date.isoformat()}".encode()
        ).hexdigest()
        self._used: set[str] = set()

    def key(self, period: Period, folder: Path) -> str:
        """The next key of the chain: this period's files on top of every earlier period's."""
        self._chain = hashlib.sha256(
            f"{self._chain}\0{period}\0{folder_digest(folder)}".encode()
        ).hexdigest()
        return self._chain

    def load(self, key: str) -> tuple[model.Intake, Registry] | None:
        self._used.add(key)
        try:
            with (self.folder / f"{key}.pickle").open("rb") as fh:
                intake, registry = pickle.load(fh)
        except Exception:  # absent, truncated or from an incompatible pickle: taken in again
            return None
        if not isinstance(intake, model.Intake) or not isinstance(registry, Registry):
            return None
        return intake, registry

    def store(self, key: str, intake: model.Intake, registry: Registry) -> None:
        self._used.add(key)
        if intake.findings["ma_loi"].isin(_UNSTABLE).any():
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".pickle")
        except OSError:
            return  # a cache that cannot be written only costs time
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((intake, registry), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / f"{key}.pickle")
        except OSError:
            Path(tmp).unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries this run did not use (another run's files being written stay)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("[!.]*.pickle"):
            if path.stem not in self._used:
                path.unlink(missing_ok=True)
