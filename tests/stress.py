"""`make test-stress`: the whole suite, three times, with two CPU-busy processes beside it.

A test that races a timer (a file read as soon as it exists, a fixed sleep instead of a wait
for a condition) passes on an idle machine and fails on a busy one; CI machines are busy.
Run as `python -m tests.stress [--runs N] [--busy N] [pytest arguments…]`; the status is 0
only when every run passed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUSY_LOOP = "while True:\n    pass\n"


def start_busy(count: int) -> list[subprocess.Popen]:
    """`count` processes that each keep one core busy until they are killed."""
    return [subprocess.Popen([sys.executable, "-c", BUSY_LOOP], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(count)]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.kill()
    for process in processes:
        process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.stress",
        description="Chạy toàn bộ bộ kiểm thử nhiều lần khi máy đang bận.")
    parser.add_argument("--runs", type=int, default=3, help="số lần chạy (mặc định 3)")
    parser.add_argument("--busy", type=int, default=2,
                        help="số tiến trình chiếm CPU chạy song song (mặc định 2)")
    args, pytest_args = parser.parse_known_args(argv)
    busy = start_busy(args.busy)
    results: list[tuple[int, float]] = []
    try:
        for run in range(1, args.runs + 1):
            print(f"Lần {run}/{args.runs}: {args.busy} tiến trình bận chạy song song…",
                  flush=True)
            start = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT,
                                  check=False)
            results.append((done.returncode, time.monotonic() - start))
    finally:
        stop(busy)
    for run, (status, seconds) in enumerate(results, 1):
        verdict = "đạt" if status == 0 else f"KHÔNG ĐẠT (mã thoát {status})"
        print(f"Lần {run}: {verdict}, {seconds:.0f} giây.")
    failed = sum(status != 0 for status, _ in results)
    print(f"{args.runs - failed}/{args.runs} lần đạt.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
