"""`make bench`: a whole province's quarter, timed against a floor and a naive baseline.

A synthetic plan of N units (U0001…) is written next to the results, and one quarter of unit
workbooks (the plan's first quarter, `rows` exemplars per unit, about 5 % of the files with
mistakes) is generated once with the sample generator and kept under `<out>/inputs/`, keyed by
its parameters. Every measurement runs in a subprocess; the process tree's resident memory
(workers included) is sampled with psutil, and each figure is the median of `runs` runs:

- end-to-end: the real `report --no-pdf` job on that quarter (N = 500; and 250 / 500 / 1,000 to
  show that the cost grows linearly);
- floor: reading every file with python-calamine and writing as many rows with xlsxwriter in
  constant-memory mode: the least any program doing the job could spend;
- naive: what a clerk's script does: `pandas.read_excel` (openpyxl) per file, concat, to_excel;
- the sample quarter's `report --no-pdf` (inputs/, every quarter read for registrations), cold
  (empty intake cache) and warm, against the bare import of its dependencies;
- a row-heavy quarter: a few units (9) sending 5,000 exemplars each, every file with a finding
  or a few (generated with an older template version: one warning on each cover, plus the
  generator's mistakes), end-to-end, floor and naive script measured the same way;
- feedback for one of those 5,000-row files with 3 flagged cells, against reading that file
  with python-calamine (in one process, libraries imported, median of several repetitions).

The figures go to `<out>/bench.json` and a short Vietnamese summary to stdout. `--smoke` runs
the same code on a few tiny files once (CI); its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BASE_PLAN = ROOT / "plans" / "2021-2025.toml"
SAMPLE_INPUTS = ROOT / "inputs"
SAMPLE_RUN_DATE = "2025-10-20"
SAMPLE_PERIOD = "2025-Q3"
DEPENDENCIES = ("pandas", "pandera.pandas", "openpyxl", "xlsxwriter", "docxtpl", "jinja2", "typer",
                "pydantic", "python_calamine")
SAMPLE_EVERY = 0.02  # seconds between two memory samples
GIB = 2**30
MIB = 2**20


@dataclasses.dataclass(frozen=True)
class Settings:
    files: int = 500
    rows: int = 200
    scales: tuple[int, ...] = (250, 500, 1000)
    runs: int = 3
    seed: int = 2025
    heavy_units: int = 9
    heavy_rows: int = 5000


FULL = Settings()
SMOKE = Settings(files=4, rows=3, scales=(2, 4), runs=1, heavy_units=4, heavy_rows=20)
OLD_TEMPLATE = "ĐHTT-2021-2025 v0"  # the row-heavy quarter's files: one warning on each cover


# --- inputs ---------------------------------------------------------------------------------
def plan_text(units: int) -> str:
    """The sample plan's TOML with its units replaced by `units` synthetic ones (U0001…)."""
    text = BASE_PLAN.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("[[units]]"))
    criteria = next(i for i, line in enumerate(lines) if line.startswith("[[general_criteria]]"))
    end = criteria
    while end > 0 and lines[end - 1].startswith("#"):
        end -= 1
    blocks = [
        f'[[units]]\ncode = "U{i:04d}"\nname = "Đơn vị thử nghiệm số {i}"\n'
        f'email = "u{i:04d}.sxd@phutho.gov.vn"\n\n'
        for i in range(1, units + 1)
    ]
    # the council (issue 14) names the sample's units: the synthetic plan has none
    council = next((i for i, line in enumerate(lines) if line.startswith("[council]")),
                   len(lines))
    while council > 0 and lines[council - 1].startswith("#"):
        council -= 1
    return "".join(lines[:first]) + "".join(blocks) + "".join(lines[end:council])


def prepare(out: Path, units: int, rows: int, seed: int,
            old_template: bool = False) -> tuple[Path, Path, str]:
    """(plan file, inputs folder, period) of a synthetic province; generated once, then reused.
    With `old_template` the files are made from an older template version than the plan's."""
    from pipeline.config import load_plan
    from pipeline.tools.sample import generate

    key = f"u{units}-r{rows}-s{seed}" + ("-old" if old_template else "")
    folder = out / "inputs" / key
    plan_path = folder / "plan.toml"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        text = plan_text(units)
        if old_template:  # the files are made from this plan, the run uses the real one
            (folder / "old.toml").write_text(re.sub(r'(?m)^template_version = ".*"$',
                                                    f'template_version = "{OLD_TEMPLATE}"',
                                                    text), encoding="utf-8")
        plan_path.write_text(text, encoding="utf-8")
        plan = load_plan(folder / "old.toml" if old_template else plan_path)
        # full workbooks only: the figures stay comparable with earlier measurements
        generate(plan, [plan.first_period], folder / "data", seed, rows_per_unit=rows,
                 late_unit=None, nominations=False)
        done.write_text(key, encoding="utf-8")
    plan = load_plan(plan_path)
    return plan_path, folder / "data", str(plan.first_period)


# --- measuring one subprocess -----------------------------------------------------------------
@dataclasses.dataclass
class Sample:
    seconds: float
    cpu_seconds: float
    peak_rss: int
    status: int
    peak_pss: int = 0  # 0: not sampled


def measure(command: list[str], cwd: Path = ROOT, pss: bool = False) -> Sample:
    """Wall time, CPU time (children included) and peak memory of the whole process tree:
    the sum of its processes' RSS, and with `pss` also the sum of their PSS (a page that
    forked processes share counts once in PSS, once per process in RSS). Reading PSS costs
    the kernel a walk of the page tables, so it is sampled only in runs made for memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peak = peak_pss = 0
    try:
        root = psutil.Process(process.pid)
        while process.poll() is None:
            tree = _tree(root)
            peak = max(peak, _sum(tree, _rss))
            if pss:
                peak_pss = max(peak_pss, _sum(tree, _pss))
            time.sleep(SAMPLE_EVERY)
    except psutil.NoSuchProcess:
        pass
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n"
                           f"{err.decode(errors='replace')[-2000:]}")
    return Sample(seconds, cpu, peak, process.returncode, peak_pss)


def _tree(root: psutil.Process) -> list[psutil.Process]:
    return [root, *root.children(recursive=True)]


def _sum(processes: list[psutil.Process], size) -> int:
    total = 0
    for proc in processes:
        try:
            total += size(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, FileNotFoundError,
                ProcessLookupError):
            continue
    return total


def _rss(proc: psutil.Process) -> int:
    return proc.memory_info().rss


def _pss(proc: psutil.Process) -> int:
    """Proportional set size from /proc/PID/smaps_rollup (Linux); RSS where it is missing."""
    try:
        with open(f"/proc/{proc.pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _rss(proc)


def summary(samples: list[Sample]) -> dict:
    return {
        "median_s": round(statistics.median(s.seconds for s in samples), 3),
        "runs_s": [round(s.seconds, 3) for s in samples],
        "cpu_median_s": round(statistics.median(s.cpu_seconds for s in samples), 3),
        "peak_rss_mib": round(max(s.peak_rss for s in samples) / MIB, 1),
    }


def repeat(runs: int, command: list[str], before=None) -> dict:
    samples = []
    for _ in range(runs):
        if before:
            before()
        samples.append(measure(command))
    return summary(samples)


# --- the jobs -------------------------------------------------------------------------------
def report_command(plan: Path, inputs: Path, period: str, outputs: Path,
                   pdf: bool = False) -> list[str]:
    return [sys.executable, "-m", "pipeline", "report", "--config", str(plan), "--inputs",
            str(inputs), "--outputs", str(outputs), "--period", period, "--run-date",
            _run_date(period), "--pdf" if pdf else "--no-pdf"]


def _run_date(period: str) -> str:
    """A run date after the quarter's deadline, so that nothing is dated in the future."""
    year, quarter = int(period[:4]), int(period[-1])
    return f"{year + quarter // 4}-{quarter % 4 * 3 + 1:02d}-20"


def floor_job(folder: Path, target: Path) -> int:
    """The floor: read every sheet of every file with calamine, write as many rows again."""
    import python_calamine
    import xlsxwriter

    rows = 0
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    sheet = book.add_worksheet("rows")
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
            continue
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            for values in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False):
                sheet.write_row(rows, 0, values)
                rows += 1
    book.close()
    return rows


def naive_job(folder: Path, target: Path) -> int:
    """A clerk's script: pandas.read_excel (openpyxl) per file, concat per sheet, to_excel."""
    import pandas as pd

    frames: dict[str, list[pd.DataFrame]] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in (".xlsx", ".xlsm"):
            continue
        for name, frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").items():
            frames.setdefault(name, []).append(frame.assign(tep=path.name))
    rows = 0
    with pd.ExcelWriter(target) as writer:
        for name, parts in sorted(frames.items()):
            merged = pd.concat(parts, ignore_index=True)
            rows += len(merged)
            merged.to_excel(writer, sheet_name=name[:31], index=False)
    return rows


def feedback_job(folder: Path, target: Path, repeats: int = 7) -> dict:
    """Feedback for the folder's first unit workbook with 3 flagged cells (a cover cell and
    one deep in each table) against reading the file with calamine; figures to `target`."""
    import io

    import python_calamine

    from pipeline.findings import ERROR, NOTICE, WARNING, Finding
    from pipeline.outputs.feedback import feedback_workbook_bytes

    path = next(p for p in sorted(folder.iterdir()) if p.suffix.lower() == ".xlsx"
                and p.name != "hoi-dong.xlsx")
    data = path.read_bytes()

    def read() -> list:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [book.get_sheet_by_name(n).to_python() for n in book.sheet_names]

    sheets = read()
    names = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    deep = [max(len(rows) - 10, 1) for rows in sheets]
    findings = [Finding(WARNING, "", path.name, names[0], "B6", "B10", "Phiên bản mẫu cũ.", 6),
                Finding(ERROR, "", path.name, names[1], f"C{deep[1]}", "C02", "Sai.", deep[1]),
                Finding(NOTICE, "", path.name, names[2], f"D{deep[2]}", "C01", "Xem.", deep[2])]

    def timed(work) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    feedback_workbook_bytes(data, "xlsx", findings, "T")  # warm: lazy imports
    result = {"file": path.name, "rows": sum(len(rows) for rows in sheets),
              "calamine_read_s": round(timed(read), 4),
              "feedback_s": round(timed(lambda: feedback_workbook_bytes(
                  data, "xlsx", findings, "T")), 4)}
    result["feedback_over_read"] = round(result["feedback_s"] / result["calamine_read_s"], 2)
    target.write_text(json.dumps(result), encoding="utf-8")
    return result


def job_command(job: str, folder: Path, target: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline.tools.bench", "--job", job, str(folder), str(target)]


def rows_read(outputs: Path, period: str) -> tuple[int, int]:
    """(files, data rows read) from the run's manifest."""
    manifest = json.loads((outputs / period / "manifest.json").read_text(encoding="utf-8"))
    files = sum(1 for f in manifest["dau_vao"] if f.get("dinh_dang"))
    return files, manifest["tong_so_dong"]["doc"]


# --- the benchmark --------------------------------------------------------------------------
def run(settings: Settings, out: Path, smoke: bool) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    # The package is measured as installed: compiled to bytecode, as pip compiles a package it
    # installs and as the dependencies of the bare-import baseline are. (An editable install
    # under PYTHONDONTWRITEBYTECODE would otherwise compile every module in every run.)
    for package in ("pipeline", "schemas"):
        compileall.compile_dir(ROOT / package, quiet=1)
    work = Path(tempfile.mkdtemp(prefix="dhtt-bench-"))
    try:
        return _run(settings, out, work, smoke)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(settings: Settings, out: Path, work: Path, smoke: bool) -> dict:
    runs = settings.runs
    plan, inputs, period = prepare(out, settings.files, settings.rows, settings.seed)
    outputs = work / "outputs"
    e2e = repeat(runs, report_command(plan, inputs, period, outputs),
                 before=lambda: shutil.rmtree(outputs, ignore_errors=True))
    files, rows = rows_read(outputs, period)
    floor = repeat(runs, job_command("floor", inputs / period, work / "floor.xlsx"))
    naive = repeat(runs, job_command("naive", inputs / period, work / "naive.xlsx"))

    scaling = []
    for n in settings.scales:
        if n == settings.files:
            point, n_rows = e2e, rows
        else:
            p_plan, p_inputs, p_period = prepare(out, n, settings.rows, settings.seed)
            p_out = work / f"outputs-{n}"
            point = repeat(runs, report_command(p_plan, p_inputs, p_period, p_out),
                           before=lambda p=p_out: shutil.rmtree(p, ignore_errors=True))
            n_rows = rows_read(p_out, p_period)[1]
        scaling.append({"units": n, "rows": n_rows, **point,
                        "ms_per_unit": round(1000 * point["median_s"] / n, 1)})
    memory = _memory_run(out, work, max(settings.scales), settings)

    sample_out = work / "sample"
    # the sample's quarter of the 2021-2025 plan (its whole history read), as first measured
    sample_command = [sys.executable, "-m", "pipeline", "report", "--inputs", str(SAMPLE_INPUTS),
                      "--outputs", str(sample_out), "--run-date", SAMPLE_RUN_DATE, "--no-pdf",
                      "--period", SAMPLE_PERIOD, "--config", str(BASE_PLAN)]
    sample_cold = repeat(runs, sample_command,
                         before=lambda: shutil.rmtree(sample_out, ignore_errors=True))
    sample_warm = repeat(runs, sample_command)
    bare = repeat(runs, [sys.executable, "-c", "import " + ", ".join(DEPENDENCIES)])
    heavy = _heavy_run(out, work, settings)

    seconds = e2e["median_s"]
    largest = max(scaling, key=lambda p: p["units"])
    ratios = {
        "end_to_end_over_floor": round(seconds / floor["median_s"], 2),
        "naive_over_end_to_end": round(naive["median_s"] / seconds, 2),
        "sample_cold_over_import": round(sample_cold["median_s"] / bare["median_s"], 2),
        "sample_warm_over_import": round(sample_warm["median_s"] / bare["median_s"], 2),
        "heavy_end_to_end_over_floor": round(heavy["end_to_end"]["median_s"]
                                             / heavy["floor"]["median_s"], 2),
        "heavy_naive_over_end_to_end": round(heavy["naive"]["median_s"]
                                             / heavy["end_to_end"]["median_s"], 2),
        "feedback_over_calamine_read": heavy["feedback"]["feedback_over_read"],
        "heavy_pdf_over_no_pdf": (round(heavy["end_to_end_with_pdf"]["median_s"]
                                        / heavy["end_to_end"]["median_s"], 2)
                                  if heavy["end_to_end_with_pdf"] else None),
    }
    smallest = min(scaling, key=lambda p: p["units"])
    linearity = round(largest["ms_per_unit"] / smallest["ms_per_unit"], 2)
    targets = {
        "end_to_end_over_floor": _target(ratios["end_to_end_over_floor"], "<=", 1.3),
        "naive_over_end_to_end": _target(ratios["naive_over_end_to_end"], ">=", 3),
        "peak_memory_gib_largest": _target(round(memory["peak_rss_sum_mib"] / 1024, 3), "<=", 1),
        "sample_warm_over_import": _target(ratios["sample_warm_over_import"], "<=", 2.5),
        "sample_cold_over_import": _target(ratios["sample_cold_over_import"], "<=", 2.5),
        "heavy_end_to_end_over_floor": _target(ratios["heavy_end_to_end_over_floor"], "<=", 1.5),
        "heavy_peak_memory_gib": _target(
            round(heavy["end_to_end"]["peak_rss_mib"] / 1024, 3), "<=", 1),
        "feedback_over_calamine_read": _target(ratios["feedback_over_calamine_read"], "<=", 2),
    }
    if ratios["heavy_pdf_over_no_pdf"] is not None:  # measured only with LibreOffice
        targets["heavy_pdf_over_no_pdf"] = _target(ratios["heavy_pdf_over_no_pdf"], "<=", 1.3)
    return {
        "smoke": smoke,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "settings": dataclasses.asdict(settings),
        "input": {"units": settings.files, "files": files, "rows": rows, "period": period},
        "end_to_end": {**e2e, "rows_per_s": round(rows / seconds, 1),
                       "files_per_min": round(60 * files / seconds, 1),
                       "rows_per_min": round(60 * rows / seconds)},
        "floor": floor,
        "naive": naive,
        "scaling": scaling,
        "scaling_largest_over_smallest_per_unit": linearity,
        "memory_largest": memory,
        "sample": {"report_cold": sample_cold, "report_warm": sample_warm, "bare_import": bare},
        "heavy": heavy,
        "ratios": ratios,
        "targets": targets,
    }


def _memory_run(out: Path, work: Path, units: int, settings: Settings) -> dict:
    """One more run at the largest scale, for memory only: the tree's peak RSS sum and PSS sum
    (PSS is the memory the machine really gives the run: a page that processes share counts
    once there, once per process in RSS)."""
    plan, inputs, period = prepare(out, units, settings.rows, settings.seed)
    target = work / f"memory-{units}"
    sample = measure(report_command(plan, inputs, period, target), pss=True)
    shutil.rmtree(target, ignore_errors=True)
    return {"units": units, "seconds": round(sample.seconds, 3),
            "peak_rss_sum_mib": round(sample.peak_rss / MIB, 1),
            "peak_pss_mib": round(sample.peak_pss / MIB, 1)}


def _heavy_run(out: Path, work: Path, settings: Settings) -> dict:
    """The row-heavy quarter: end-to-end, floor and naive script, then the feedback measure."""
    plan, inputs, period = prepare(out, settings.heavy_units, settings.heavy_rows, settings.seed,
                                   old_template=True)
    outputs = work / "heavy"
    e2e = repeat(settings.runs, report_command(plan, inputs, period, outputs),
                 before=lambda: shutil.rmtree(outputs, ignore_errors=True))
    files, rows = rows_read(outputs, period)
    annotated = len(list((outputs / period / "phan-hoi").glob("*.xlsx")))
    floor = repeat(settings.runs, job_command("floor", inputs / period, work / "floor-h.xlsx"))
    naive = repeat(settings.runs, job_command("naive", inputs / period, work / "naive-h.xlsx"))
    target = work / "feedback.json"
    subprocess.run(job_command("feedback", inputs / period, target), check=True,
                   stdout=subprocess.DEVNULL)
    # the same report with its PDFs, as a clerk with LibreOffice installed runs it
    with_pdf = None
    if shutil.which("soffice") or shutil.which("libreoffice"):
        with_pdf = repeat(settings.runs, report_command(plan, inputs, period, outputs, pdf=True),
                          before=lambda: shutil.rmtree(outputs, ignore_errors=True))
        with_pdf["pdfs"] = sorted(p.name for p in (outputs / period).glob("*.pdf"))
    return {"units": settings.heavy_units, "files": files, "rows": rows,
            "feedback_files": annotated, "end_to_end": e2e, "floor": floor, "naive": naive,
            "end_to_end_with_pdf": with_pdf,
            "feedback": json.loads(target.read_text(encoding="utf-8"))}


def _target(value: float, op: str, limit: float) -> dict:
    met = value <= limit if op == "<=" else value >= limit
    return {"value": value, "limit": f"{op} {limit}", "met": met}


def describe(result: dict) -> str:
    """The figures for a person, in Vietnamese."""
    e2e, r, t, h = result["end_to_end"], result["ratios"], result["targets"], result["heavy"]
    inp = result["input"]
    lines = [
        f"Đo hiệu năng{' (bản thu nhỏ)' if result['smoke'] else ''}: {inp['files']} tệp, "
        f"{_n(inp['rows'])} dòng dữ liệu, máy {result['machine']['cpus']} nhân; trung vị của "
        f"{result['settings']['runs']} lần chạy.",
        f"- Toàn bộ (report): {_s(e2e['median_s'])}; {e2e['rows_per_s']:.0f} dòng/giây; "
        f"{e2e['files_per_min']:.0f} tệp/phút; bộ nhớ đỉnh {e2e['peak_rss_mib']:.0f} MiB.",
        f"- Mức sàn (calamine + xlsxwriter): {_s(result['floor']['median_s'])}; "
        f"toàn bộ / sàn = {_x(r['end_to_end_over_floor'])}.",
        f"- Cách làm đơn giản (pandas + openpyxl): {_s(result['naive']['median_s'])}; "
        f"đơn giản / toàn bộ = {_x(r['naive_over_end_to_end'])}.",
        f"- Bộ nhớ đỉnh của cả cây tiến trình ở {result['memory_largest']['units']} đơn vị: "
        f"{result['memory_largest']['peak_rss_sum_mib']:.0f} MiB (cộng RSS từng tiến trình); "
        f"{result['memory_largest']['peak_pss_mib']:.0f} MiB tính theo PSS (trang dùng chung "
        "tính một lần).",
        "- Theo quy mô: " + "; ".join(
            f"{p['units']} đơn vị {_s(p['median_s'])} ({p['ms_per_unit']:.0f} ms/đơn vị, "
            f"{p['peak_rss_mib']:.0f} MiB)" for p in result["scaling"]) + ".",
        f"- Quý mẫu: {_s(result['sample']['report_cold']['median_s'])} lần đầu, "
        f"{_s(result['sample']['report_warm']['median_s'])} khi chạy lại; nạp thư viện "
        f"{_s(result['sample']['bare_import']['median_s'])} (gấp {_x(r['sample_cold_over_import'])}"
        f" / {_x(r['sample_warm_over_import'])}).",
        f"- Quý nhiều dòng ({h['files']} tệp, {_n(h['rows'])} dòng, {h['feedback_files']} tệp "
        f"phản hồi): toàn bộ {_s(h['end_to_end']['median_s'])}, sàn "
        f"{_s(h['floor']['median_s'])} (gấp {_x(r['heavy_end_to_end_over_floor'])}), đơn giản "
        f"{_s(h['naive']['median_s'])} (gấp {_x(r['heavy_naive_over_end_to_end'])}); bộ nhớ đỉnh "
        f"{h['end_to_end']['peak_rss_mib']:.0f} MiB.",
        (f"- Quý nhiều dòng kèm PDF (LibreOffice): {_s(h['end_to_end_with_pdf']['median_s'])} "
         f"(gấp {_x(r['heavy_pdf_over_no_pdf'])} so với không PDF); PDF: "
         f"{', '.join(h['end_to_end_with_pdf']['pdfs']) or 'không có'}."
         if h["end_to_end_with_pdf"] else
         "- Quý nhiều dòng kèm PDF: không đo (máy không có LibreOffice)."),
        f"- Phản hồi một tệp {_n(h['feedback']['rows'])} dòng, 3 ô: "
        f"{_s(h['feedback']['feedback_s'])}; đọc tệp bằng calamine "
        f"{_s(h['feedback']['calamine_read_s'])} (gấp {_x(r['feedback_over_calamine_read'])}).",
        "- Mục tiêu: " + "; ".join(
            f"{name} {v['value']} {v['limit']}: {'đạt' if v['met'] else 'CHƯA ĐẠT'}"
            for name, v in t.items()) + ".",
    ]
    return "\n".join(lines)


def _n(count: int) -> str:
    """201657 -> '201.657' (Vietnamese thousands separator)."""
    return f"{count:,}".replace(",", ".")


def _s(seconds: float) -> str:
    return f"{seconds:.2f} giây".replace(".", ",")


def _x(ratio: float) -> str:
    return f"{ratio:.2f} lần".replace(".", ",")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.tools.bench",
        description="Đo hiệu năng: một quý của cả tỉnh so với mức sàn và cách làm đơn giản.",
    )
    parser.add_argument("--out", type=Path, default=Path("outputs/bench"),
                        help="thư mục kết quả (bench.json, dữ liệu vào đã tạo)")
    parser.add_argument("--smoke", action="store_true", help="bản thu nhỏ, chạy một lần (CI)")
    parser.add_argument("--runs", type=int, default=None, help="số lần chạy mỗi phép đo")
    parser.add_argument("--job", nargs=3, metavar=("TÊN", "THƯ_MỤC", "TỆP"),
                        help=argparse.SUPPRESS)  # one floor/naive run, in its own process
    args = parser.parse_args(argv)
    if args.job:
        name, folder, target = args.job
        job = {"floor": floor_job, "naive": naive_job, "feedback": feedback_job}[name]
        job(Path(folder), Path(target))
        return 0
    settings = SMOKE if args.smoke else FULL
    if args.runs:
        settings = dataclasses.replace(settings, runs=args.runs)
    result = run(settings, args.out, args.smoke)
    (args.out / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
    print(describe(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
