"""`make check-render`: can LibreOffice open and print every workbook and document we wrote?

    python -m pipeline.tools.render_check OUTPUTS [--all] [--timeout 180]

Converts every .xlsx and .docx under OUTPUTS (the units' annotated copies in `phan-hoi/` and
the blank templates in `mau/` only with `--all`) to PDF with LibreOffice headless, into a
temporary folder that is deleted afterwards: the outputs folder is never touched. The files
of one folder go to one LibreOffice start, with its own throw-away profile
(`-env:UserInstallation`), so it neither needs nor disturbs a user's settings or an office
already open. Prints one line per file; exits 1 when a conversion fails, 2 when LibreOffice
is missing or the folder does not exist.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".xlsx", ".docx")
SKIPPED_FOLDERS = ("phan-hoi", "mau")
INSTALL_HINT = ("Chưa cài LibreOffice (không tìm thấy lệnh soffice). Cài bằng: "
                "apt-get install libreoffice-calc-nogui libreoffice-writer-nogui")
TIMEOUT = 180


@dataclass(frozen=True)
class Outcome:
    path: Path
    ok: bool
    reason: str = ""


def find_files(outputs: Path, include_all: bool = False) -> list[Path]:
    """The workbooks and documents under `outputs`, sorted; Office lock files (~$x) left out."""
    found = []
    for path in sorted(outputs.rglob("*")):
        rel = path.relative_to(outputs)
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        if path.name.startswith(("~$", ".~lock")) or any(p.startswith(".") for p in rel.parts):
            continue  # lock files, and the half-built folders of a run in progress (.tmp-…)
        if not include_all and any(p in SKIPPED_FOLDERS for p in rel.parts[:-1]):
            continue
        found.append(path)
    return found


def batches(files: Sequence[Path]) -> list[list[Path]]:
    """Files grouped for one LibreOffice start each: same folder, no two with the same stem
    (their PDFs would share a name)."""
    out: list[list[Path]] = []
    for path in files:
        home = next((b for b in out if b[0].parent == path.parent
                     and all(p.stem != path.stem for p in b)), None)
        if home is None:
            out.append([path])
        else:
            home.append(path)
    return out


def convert(soffice: str, paths: Sequence[Path], workdir: Path,
            timeout: float = TIMEOUT) -> list[Outcome]:
    """Files of one batch to PDF in a fresh folder under `workdir`, with one LibreOffice start
    (`timeout` seconds per file); a file is ok when its non-empty PDF came out."""
    out = workdir / f"{len(list(workdir.iterdir())):04d}"
    out.mkdir()
    command = [soffice, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
               "--convert-to", "pdf", "--outdir", str(out), *map(str, paths)]
    limit = timeout * len(paths)
    try:
        done = subprocess.run(command, capture_output=True, timeout=limit, check=False)
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"mã thoát {done.returncode}"
    except subprocess.TimeoutExpired:
        reason = f"quá {limit:g} giây"
    outcomes = []
    for path in paths:
        pdf = out / (path.stem + ".pdf")
        ok = pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
        outcomes.append(Outcome(path, ok, "" if ok else reason))
    return outcomes


def check(outputs: Path, include_all: bool = False, timeout: float = TIMEOUT,
          echo=print) -> int:
    """Convert every file, print one line each; the exit status (0, 1 or 2)."""
    if not outputs.is_dir():
        echo(f"Không có thư mục kết quả {outputs}.")
        return 2
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        echo(INSTALL_HINT)
        return 2
    files = find_files(outputs, include_all)
    if not files:
        echo(f"Không có bảng tính hay văn bản nào trong {outputs}.")
        return 0
    failed = 0
    with tempfile.TemporaryDirectory(prefix="dhtt-render-") as tmp:
        workdir = Path(tmp)
        (workdir / "profile").mkdir()
        outcomes = [o for batch in batches(files) for o in convert(soffice, batch, workdir,
                                                                   timeout)]
        for outcome in outcomes:
            shown = outcome.path.relative_to(outputs)
            if outcome.ok:
                echo(f"Đạt: {shown}")
            else:
                failed += 1
                echo(f"Lỗi: {shown} – LibreOffice không chuyển được sang PDF ({outcome.reason})")
    echo(f"Đã kiểm tra {len(files)} tệp: {len(files) - failed} đạt, {failed} lỗi.")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.tools.render_check",
        description="Chuyển các bảng tính, văn bản đã tạo sang PDF bằng LibreOffice để kiểm tra.")
    parser.add_argument("outputs", type=Path, help="thư mục kết quả (ví dụ outputs)")
    parser.add_argument("--all", action="store_true",
                        help="kiểm tra cả phan-hoi/ và mau/")
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help="số giây tối đa cho mỗi tệp (mặc định 180)")
    args = parser.parse_args(argv)
    return check(args.outputs, args.all, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
