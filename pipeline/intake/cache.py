"""Earlier periods' intake, kept under `outputs/.cache/` so that a re-run does not redo them.

Taking in a period depends on nothing but the program (its own source and the libraries that
read and validate workbooks), the plan file, the run date, and the files of that period and of
every earlier one (registrations carry over from period to period). A period's key is one
SHA-256 over all of these, chained period after period, so any change to any of them (a file
added, removed, renamed or re-sent, the config edited, the program upgraded, another run date)
gives new keys and the cached intake is never used for other inputs. A period in which a file
timed out or killed its reader (F06) is not kept: that outcome depends on the machine, not on
the files. Each entry is a pickle of the period's frames and registry, written atomically; an
entry that cannot be loaded counts as absent. Entries are named by their period; a run removes
the entries of the periods it reached that it did not use, and leaves those of periods it did
not reach (the later quarters, when an earlier one is checked or reported).

A cache must never run code, and unpickling can: output folders are shared between colleagues,
so anyone who can write there could plant an entry. Every entry is therefore signed with
HMAC-SHA256 under a key kept outside the output folder, in the user's own cache folder
(`$XDG_CACHE_HOME/dhtt/cache.key`, else `~/.cache/dhtt/cache.key`, created 0600), and an entry
is unpickled only when its signature checks; anything else (a planted or altered entry, one
signed by another user's key, a `.pickle` of an earlier version) is ignored and recomputed.
Whoever can write the key can already run code as the user. Where no key can be kept (a
read-only home), nothing is cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import pickle
import secrets
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
SUFFIX = ".entry"
_MAGIC = b"DHTT-INTAKE-1\n"  # then the HMAC-SHA256 signature, then the pickle
_MAC_SIZE = hashlib.sha256().digest_size


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
        """The next key of the chain: this period's files on top of every earlier period's,
        named after the period ('2025-Q2_…')."""
        self._chain = hashlib.sha256(
            f"{self._chain}\0{period}\0{folder_digest(folder)}".encode()
        ).hexdigest()
        return f"{period}_{self._chain}"

    def load(self, key: str) -> tuple[model.Intake, Registry] | None:
        self._used.add(key)
        secret = signing_key()
        if secret is None:
            return None
        try:
            data = (self.folder / f"{key}{SUFFIX}").read_bytes()
        except OSError:
            return None
        view = memoryview(data)
        head, mac = data[:len(_MAGIC)], data[len(_MAGIC):len(_MAGIC) + _MAC_SIZE]
        payload = view[len(_MAGIC) + _MAC_SIZE:]
        if head != _MAGIC or not hmac.compare_digest(mac, _sign(secret, key, payload)):
            return None  # not written by this user's program for this key: never unpickled
        try:
            intake, registry = pickle.loads(payload)
        except Exception:  # signed by an incompatible version of the program: taken in again
            return None
        if not isinstance(intake, model.Intake) or not isinstance(registry, Registry):
            return None
        return intake, registry

    def store(self, key: str, intake: model.Intake, registry: Registry) -> None:
        self._used.add(key)
        if intake.findings["ma_loi"].isin(_UNSTABLE).any():
            return
        secret = signing_key()
        if secret is None:
            return
        payload = pickle.dumps((intake, registry), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=SUFFIX)
        except OSError:
            return  # a cache that cannot be written only costs time
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + _sign(secret, key, payload))
                fh.write(payload)
            os.replace(tmp, self.folder / f"{key}{SUFFIX}")
        except OSError:
            Path(tmp).unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries this run made stale: another entry of a period it took in (from
        the cache or not: its files, an earlier period's, the program, the plan or the run date
        changed) and entries of older versions. Entries of the periods it did not reach stay:
        a run of an earlier quarter (`check` on a late file) leaves the later quarters' entries
        to the next report. Another run's entry being written stays too."""
        if not self.folder.is_dir():
            return
        reached = {key.partition("_")[0] for key in self._used}
        for path in self.folder.iterdir():
            if path.name.startswith("."):
                continue  # another run's entry being written
            period, named, _ = path.stem.partition("_")
            if path.suffix == SUFFIX and named and (period not in reached
                                                    or path.stem in self._used):
                continue
            with contextlib.suppress(OSError):
                path.unlink()


def _sign(secret: bytes, key: str, payload: bytes | memoryview) -> bytes:
    """The entry's signature: its cache key and its bytes, so an entry is good for its key only."""
    mac = hmac.new(secret, key.encode() + b"\0", hashlib.sha256)
    mac.update(payload)
    return mac.digest()


def key_path() -> Path:
    """Where the signing key is kept: the user's cache folder, never the output folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dhtt" / "cache.key"


def signing_key() -> bytes | None:
    """This user's key for signing cache entries, created on first use (0600); None when it
    cannot be kept or could be read by someone else (then nothing is cached)."""
    path = key_path()
    with contextlib.suppress(OSError):
        return _read_key(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            with contextlib.suppress(FileExistsError):  # another run made one meanwhile
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    with path.open("rb") as fh:
        info = os.fstat(fh.fileno())
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None  # another user's, or readable by others: it proves nothing
        secret = fh.read()
    return secret if len(secret) >= 32 else None
