"""The wiring: each job calls the stages in order and names every intermediate result."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import model, progress
from pipeline.config import Plan
from pipeline.findings import ERROR
from pipeline.intake.cache import IntakeCache
from pipeline.intake.discover import (
    Discovered,
    beside,
    discover,
    discover_files,
    folder_files,
    top_name,
)
from pipeline.intake.frames import cover_period
from pipeline.intake.nominations import month_report
from pipeline.intake.outcome import PeriodIntake
from pipeline.intake.period import ConstraintBatch, OpenedPeriod, finish_period, open_period
from pipeline.intake.readers import ReaderPool
from pipeline.intake.rules import Registry
from pipeline.outputs.documents.annual import write_annual_documents
from pipeline.outputs.documents.ntvt import write_month_documents
from pipeline.outputs.documents.quarterly import signed_documents, write_period_documents
from pipeline.outputs.documents.render import PdfConversion
from pipeline.outputs.documents.review import write_review_documents
from pipeline.outputs.feedback import (
    BackgroundAnnotations,
    FeedbackJob,
    feedback_name,
    feedback_workbook,
    list_only_notice,
    write_reply_text,
)
from pipeline.outputs.manifest import build_manifest, write_summary_manifest
from pipeline.outputs.publish import publish, release_memory, write_csv, write_json
from pipeline.outputs.templates import write_nomination_templates, write_templates
from pipeline.outputs.workbooks.annual import write_annual_workbook
from pipeline.outputs.workbooks.quarterly import write_period_workbook
from pipeline.outputs.workbooks.review import write_review_workbook
from pipeline.parallel import alongside, fork_fits, two_cores
from pipeline.periods import (
    Month,
    Period,
    coverage_note,
    missing_quarters,
    parse_period,
    periods_between,
)
from pipeline.scoring.review import build_annual, build_review
from pipeline.scoring.score import score_period


class RunError(Exception):
    """The run cannot be made (exit status 2); the message is one Vietnamese line."""


@dataclass
class PeriodRun:
    report: model.PeriodReport
    taken: PeriodIntake
    containers: list[tuple[str, str]]
    history: dict[Period, tuple[model.Intake, pd.DataFrame]]  # this period and the previous, scored


def periods_in(inputs: Path) -> list[Period]:
    """The period folders present in `inputs/`, oldest first."""
    if not inputs.is_dir():
        raise RunError(f"Không tìm thấy thư mục dữ liệu vào '{inputs}'.")
    periods = []
    for folder in inputs.iterdir():
        period = parse_period(folder.name) if folder.is_dir() else None
        if period is None:
            continue
        if folder.name != str(period):
            raise RunError(f"Thư mục '{folder}' cần đặt tên là '{period}' để chương trình nhận "
                           "ra kỳ báo cáo.")
        periods.append(period)
    return sorted(periods)


def default_period(inputs: Path) -> Period:
    periods = periods_in(inputs)
    if not periods:
        raise RunError(f"Thư mục '{inputs}' chưa có thư mục kỳ báo cáo nào "
                       f"(ví dụ {inputs}/2025-Q2); hãy chỉ rõ kỳ bằng PERIOD=2025-Q2.")
    return periods[-1]


def check_period(plan: Plan, period: Period) -> None:
    if not plan.covers(period):
        raise RunError(f"Kỳ {period} nằm ngoài kế hoạch {plan.plan.code} "
                       f"({plan.first_period} – {plan.last_period}); hãy chọn tệp cấu hình kế "
                       "hoạch khác bằng CONFIG=…")


def read_period(folder: Path, pool: ReaderPool, found: Discovered | None = None):
    """Every workbook of a period folder (or those `found` elsewhere), read in the worker pool
    as the intake takes them in: (files, (file, book) pairs, findings, containers)."""
    if found is None:
        if not folder.is_dir():
            return [], iter(()), [], []
        found = discover(folder)
    progress.grow(len(found.files))
    books = zip(found.files, progress.counted(pool.read_each(found.files)), strict=True)
    return found.files, books, found.findings, found.containers


def load_history(plan: Plan, inputs: Path, last: Period, run_date: dt.date,
                 pool: ReaderPool, cache: IntakeCache | None = None,
                 last_files: Discovered | None = None,
                 ) -> tuple[dict[Period, PeriodIntake], dict]:
    """Take in every period of the plan up to `last`: registrations live until withdrawn.

    Earlier periods keep their intake and registry only, not the files read; with a cache, an
    earlier period whose files (and every earlier period's) are unchanged is not read again.
    `last_files`: the files of `last` when they are not its folder's (`check FILE`).
    """
    registry = Registry()
    history: dict[Period, PeriodIntake] = {}
    extras = {}
    constraints = ConstraintBatch(plan)
    opened: list[tuple[OpenedPeriod, str]] = []  # opened, not merged yet: with their cache keys

    def finish() -> None:
        """Check what waits and merge the opened periods, in order."""
        nonlocal registry
        constraints.check()
        for period_opened, key in opened:
            taken = finish_period(period_opened, registry)
            registry = taken.registry
            if period_opened.period != last:
                taken = PeriodIntake(taken.intake, registry, [], [])
                if cache:
                    cache.store(key, taken.intake, registry)
            history[period_opened.period] = taken
        opened.clear()

    for period in periods_between(plan.first_period, last):
        folder = inputs / str(period)
        key = cache.key(period, folder) if cache else ""
        if cache and period != last and (hit := cache.load(key)):
            finish()
            intake, registry = hit
            history[period] = PeriodIntake(intake, registry, [], [])
            continue
        files, books, findings, containers = read_period(
            folder, pool, last_files if period == last else None)
        if not files and not findings and period != last:
            continue
        checked = constraints.checked
        opened.append((open_period(plan, period, run_date, books, constraints, findings), key))
        extras[period] = containers
        if constraints.checked != checked:  # a full batch was checked: merge what is open
            finish()
    finish()
    if cache:
        cache.prune()
    return history, extras


def build_period_report(plan: Plan, period: Period, inputs: Path, run_date: dt.date,
                        pool: ReaderPool, cache: IntakeCache | None = None) -> PeriodRun:
    check_period(plan, period)
    history, containers = load_history(plan, inputs, period, run_date, pool, cache)
    pool.close()  # every file is read: the workers' memory goes before scoring needs its own
    release_memory()
    progress.stage("Chấm điểm")
    previous_period = max((p for p in history if p < period), default=None)
    # The report compares with the previous period only: the others need no scoring.
    scored = {p: (history[p].intake, score_period(history[p].intake, plan))
              for p in (previous_period, period) if p is not None}
    current = history[period]
    previous = None
    if previous_period is not None:
        intake, scores = scored[previous_period]
        previous = model.PeriodReport(plan, previous_period, run_date, intake, scores)
    report = model.PeriodReport(plan, period, run_date, current.intake, scored[period][1],
                                previous)
    # The registry carries registrations into later periods; a report of this one has no use
    # for it (at 1,000 files it holds a few hundred thousand objects).
    current = dataclasses.replace(current, registry=Registry())
    return PeriodRun(report, current, containers.get(period, []), scored)


def exit_status(findings) -> int:
    return 1 if (findings["muc_do"] == ERROR).any() else 0


# --- outputs ------------------------------------------------------------------------------------
def write_data(run: PeriodRun, out: Path, config_name: str) -> None:
    report, intake = run.report, run.report.intake
    data = out / "data"
    write_csv(intake.registrations, model.DANG_KY + model.REGISTRATION_EXTRA,
              data / "dang_ky.csv")
    write_csv(report.scores, model.CHAM_DIEM, data / "cham_diem.csv")
    write_csv(intake.good_deeds, model.NGUOI_TOT, data / "nguoi_tot_viec_tot.csv")
    write_csv(intake.activities, model.HOAT_DONG, data / "hoat_dong.csv")
    write_csv(intake.submissions, model.NOP_BAO_CAO, data / "nop_bao_cao.csv")
    write_csv(intake.findings, model.LOI, data / "loi.csv")
    manifest = build_manifest(report.plan, report.period, report.run_date, run.taken.outcomes,
                              run.containers, config_name, intake.good_deeds)
    write_json(manifest, out / "manifest.json")


def _feedback_files(run: PeriodRun) -> list[tuple[str, str, list, bytes, str | None]]:
    """(file name, unit, problems, bytes, format) of each input file with problems, by name."""
    by_file: dict[str, list] = {}
    for f in run.taken.findings:
        by_file.setdefault(f.file, []).append(f)
    outcomes = {o.file.name: o for o in run.taken.outcomes}
    files = []
    for name in sorted(by_file):
        problems, outcome = by_file[name], outcomes.get(name)
        unit = outcome.unit if outcome else next((f.unit for f in problems if f.unit), "")
        files.append((name, unit, problems, outcome.file.data if outcome else b"",
                      outcome.format if outcome else None))
    return files


def feedback_jobs(run: PeriodRun) -> list[FeedbackJob]:
    """The feedback workbooks to make (feedback_workbook_bytes's arguments), in file order."""
    stamp = dt.datetime.combine(run.report.run_date, dt.time(8, 0))
    return [(data, fmt, problems, f"Phản hồi tệp {name}", stamp)
            for name, _, problems, data, fmt in _feedback_files(run)]


def write_feedback(run: PeriodRun, out: Path,
                   made: Iterable[tuple[bytes, str]] | None = None) -> list[str]:
    """phan-hoi/: each input file with problems annotated, and a reply text per unit; `made`
    are the feedback workbooks already made (BackgroundAnnotations), in file order. Returns
    the clerk's notices: the files whose copy holds the list of problems alone."""
    report = run.report
    plan, period = report.plan, report.period
    files = _feedback_files(run)
    if made is None:  # made here, each written before the next is made
        made = (feedback_workbook(*job) for job in feedback_jobs(run))
    folder = out / "phan-hoi"
    folder.mkdir(parents=True, exist_ok=True)
    per_unit: dict[str, list[tuple[str, list]]] = {}
    notices = []
    progress.stage("Ghi bản phản hồi cho đơn vị", len(files))
    for (name, unit, problems, _, _), (workbook, why) in zip(
            files, progress.counted(iter(made)), strict=True):
        _unique(folder / feedback_name(unit or None, name)).write_bytes(workbook)
        if why:
            notices.append(list_only_notice(name, why))
        if unit:
            per_unit.setdefault(unit, []).append((name, problems))
    by_file = {name for name, *_ in files}
    for o in run.taken.outcomes:
        if o.unit and o.file.name not in by_file:
            per_unit.setdefault(o.unit, []).append((o.file.name, []))
    # Corrections are due by the period's deadline; once it has passed, "as soon as possible".
    due = plan.deadline(period)
    deadline = f"ngày {due:%d/%m/%Y}" if report.run_date < due else None
    status = {s.ma_don_vi: s for s in report.intake.submissions.itertuples(index=False)}
    # Every unit that sent something (expected or not) gets a reply; a missing one a reminder.
    for unit in plan.units:
        sub = status.get(unit.code)
        if unit.code not in per_unit and (sub is None or sub.trang_thai != model.MISSING):
            continue
        note = None
        if sub is not None and sub.trang_thai == model.LATE:
            note = (f"Báo cáo được nộp ngày {sub.ngay_nop:%d/%m/%Y}, sau hạn nộp ngày "
                    f"{sub.han_nop:%d/%m/%Y}; đề nghị đơn vị lưu ý gửi đúng hạn ở các kỳ sau.")
        text = write_reply_text(unit.name, unit.code, period.label,
                                sorted(per_unit.get(unit.code, [])), deadline, note)
        (folder / f"{unit.code}.txt").write_text(text, encoding="utf-8")
    return notices


def _unique(path: Path) -> Path:
    """Two files with the same stem ('a.xls', 'a.xlsx') get 'a.xlsx' and 'a (2).xlsx'."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate

def _quiet(line: str) -> None:
    """Where a job's notices go when the caller gives no console."""


def _pdfs(documents: list[Path], out: Path, run_date: dt.date, pdf: bool) -> PdfConversion:
    """The signed documents' PDF conversion, started (nothing when `pdf` is off)."""
    return PdfConversion(signed_documents(documents) if pdf else [], out, run_date).start()


def _finish_pdfs(conversion: PdfConversion, say: Callable[[str], None]) -> None:
    for line in conversion.finish()[1]:
        say(line)


def run_report(plan: Plan, period: Period, inputs: Path, outputs: Path, run_date: dt.date,
               config_name: str, pdf: bool = True, say: Callable[[str], None] = _quiet) -> int:
    """`report`: everything for one period into outputs/<period>/, swapped in when complete."""
    check_period(plan, period)
    if not (inputs / str(period)).is_dir():
        raise RunError(f"Không có thư mục '{inputs / str(period)}'. Hãy tạo thư mục này và chép "
                       "tệp của các đơn vị vào (thư mục trống: mọi đơn vị được ghi 'Chưa nộp').")
    progress.stage("Đọc và kiểm tra tệp của các đơn vị", 0)
    with ReaderPool() as pool:
        run = build_period_report(plan, period, inputs, run_date, pool,
                                  IntakeCache(outputs, plan, run_date))

    release_memory()

    def build(out: Path) -> None:
        workbook = out / f"TongHop_{period}.xlsx"
        if fork_fits() or not two_cores():
            # small: the workbook is written by a forked process meanwhile (or first, on one
            # core); LibreOffice makes the reports' PDFs while the data and feedback are written
            with alongside(lambda: write_period_workbook(run.report, workbook), workbook.name):
                progress.stage("Lập báo cáo")
                documents = write_period_documents(run.report, out)
                with _pdfs(documents, out, run_date, pdf) as conversion:
                    progress.stage("Ghi dữ liệu và bảng tổng hợp")
                    write_data(run, out, config_name)
                    for line in write_feedback(run, out):
                        say(line)
                    if conversion.process is not None:
                        progress.stage("Chuyển báo cáo sang PDF")
                    _finish_pdfs(conversion, say)
                progress.stage("Hoàn tất bảng tổng hợp")
            return
        # big: the reports first (their peak is the run's own, with no worker beside it); then,
        # while the run prepares the workbook, a worker annotates the units' files, and while
        # the run writes the data files, another writes the workbook's cells and zips them
        progress.stage("Lập báo cáo")
        documents = write_period_documents(run.report, out)
        release_memory()
        with contextlib.ExitStack() as stack:
            conversion = stack.enter_context(_pdfs(documents, out, run_date, pdf))
            with BackgroundAnnotations(feedback_jobs(run)) as annotations:
                progress.stage("Ghi bảng tổng hợp")
                book = write_period_workbook(run.report, workbook, remote=True)
                if book is not None:
                    stack.enter_context(book.finishing())
            write_data(run, out, config_name)
            for line in write_feedback(run, out, annotations.results()):
                say(line)
            progress.stage("Hoàn tất bảng tổng hợp")
            _finish_pdfs(conversion, say)

    publish(outputs / str(period), build)
    return exit_status(run.report.intake.findings)


def run_ntvt(plan: Plan, month: Month, inputs: Path, outputs: Path, run_date: dt.date,
             config_name: str, pdf: bool = True,
             say: Callable[[str], None] = _quiet) -> model.MonthReport:
    """`ntvt`: the month's good people, good deeds from its quarter's files received so far,
    into outputs/<month>/ (letter, data, per-unit counts, manifest), swapped in when complete."""
    period = month.period
    check_period(plan, period)
    if not (inputs / str(period)).is_dir():
        raise RunError(f"Không có thư mục '{inputs / str(period)}' của {period.label}. Hãy tạo "
                       "thư mục này và chép tệp đề cử của các đơn vị vào.")
    with ReaderPool() as pool:
        history, containers = load_history(plan, inputs, period, run_date, pool,
                                            IntakeCache(outputs, plan, run_date))
    taken = history[period]
    report = month_report(plan, month, run_date, taken.intake.good_deeds)

    def build(out: Path) -> None:
        data = out / "data"
        write_csv(report.deeds, model.NGUOI_TOT, data / "nguoi_tot_viec_tot.csv")
        write_csv(report.units, model.MONTH_UNITS, data / "de_cu_theo_don_vi.csv")
        write_json(build_manifest(plan, period, run_date, taken.outcomes,
                                  containers.get(period, []), config_name, report.deeds,
                                  label=str(month)), out / "manifest.json")
        documents = write_month_documents(report, out)
        with _pdfs(documents, out, run_date, pdf) as conversion:
            _finish_pdfs(conversion, say)

    publish(outputs / str(month), build)
    return report


def load_scored(plan: Plan, inputs: Path, last: Period, run_date: dt.date,
                outputs: Path | None = None):
    """Every period up to `last`, taken in and scored: the memory annual and reviews need."""
    cache = IntakeCache(outputs, plan, run_date) if outputs is not None else None
    with ReaderPool() as pool:
        history, _ = load_history(plan, inputs, last, run_date, pool, cache)
    return {p: (h.intake, score_period(h.intake, plan)) for p, h in history.items()}


def default_year(inputs: Path) -> int:
    return default_period(inputs).year


def run_annual(plan: Plan, year: int, inputs: Path, outputs: Path, run_date: dt.date,
               pdf: bool = True, meeting_date: dt.date | None = None,
               config_name: str = "", say: Callable[[str], None] = _quiet) -> int:
    """`annual`: the year's evaluation and proposals into outputs/<year>/; with the council's
    ballots in inputs/<year>-hoi-dong/, their tally, the minutes, and documents listing only
    what passed."""
    # the council's modules are needed by the year's jobs only (a quarter's run starts faster)
    from pipeline.council import vote as council_vote
    from pipeline.council.members import NoCouncil
    from pipeline.council.tally import voted_report

    if not plan.plan.first_year <= year <= plan.plan.last_year:
        raise RunError(f"Năm {year} nằm ngoài kế hoạch {plan.plan.code}.")
    periods_in(inputs)
    history = load_scored(plan, inputs, Period(year, 4), run_date, outputs)
    quarters = periods_between(Period(year, 1), Period(year, 4))
    coverage = data_coverage(inputs, quarters, run_date, f"năm {year}")
    report = dataclasses.replace(build_annual(plan, year, run_date, history),
                                 coverage=coverage["ghi_chu"])
    # the council's vote, when its members' ballots are in inputs/<year>-hoi-dong/
    folder = council_vote.ballot_folder(inputs, year)
    if folder.is_dir():
        with ReaderPool() as pool:
            _, books, found, _ = read_period(folder, pool)
            books = list(books)
        try:
            vote = council_vote.take_vote(plan, report, books, found, meeting_date or run_date,
                                          run_date)
        except NoCouncil as exc:
            raise RunError(str(exc)) from None
        report = dataclasses.replace(report, vote=vote)

    def build(out: Path) -> None:
        council_vote.keep_ballots(outputs / str(year), out)
        workbook = out / f"TongHop_{year}.xlsx"
        with alongside(lambda: write_annual_workbook(report, workbook), workbook.name):
            documents = write_annual_documents(voted_report(report), out)
            if report.vote is not None:
                documents.append(council_vote.write_vote_files(plan, report.vote, out,
                                                               config_name))
            with _pdfs(documents, out, run_date, pdf) as conversion:
                write_csv(report.evaluations, model.DE_XUAT, out / "data" / "de_xuat.csv")
                write_summary_manifest(plan, str(year), run_date, config_name, inputs,
                                       Period(year, 4), history, coverage, out)
                _finish_pdfs(conversion, say)

    publish(outputs / str(year), build)
    return council_vote.vote_status(report.vote)


def run_ballots(plan: Plan, year: int, inputs: Path, outputs: Path, run_date: dt.date,
                meeting_date: dt.date | None = None) -> list[Path]:
    """`ballots`: one ballot per member valid on the meeting date, for the year's proposals,
    into outputs/<year>/phieu-bau/ (issue 14)."""
    from pipeline.council import vote as council_vote
    from pipeline.council.ballots import write_ballots
    from pipeline.council.members import NoCouncil, proposals

    if not plan.plan.first_year <= year <= plan.plan.last_year:
        raise RunError(f"Năm {year} nằm ngoài kế hoạch {plan.plan.code}.")
    periods_in(inputs)
    history = load_scored(plan, inputs, Period(year, 4), run_date, outputs)
    report = build_annual(plan, year, run_date, history)
    listed = proposals(report.evaluations)
    target = outputs / str(year) / council_vote.BALLOTS_OUT
    written: list[Path] = []

    def build(out: Path) -> None:
        written.extend(target / p.name for p in write_ballots(
            plan, year, run_date, meeting_date or run_date, listed, out))

    try:
        publish(target, build)
    except NoCouncil as exc:
        raise RunError(str(exc)) from None
    return written


def data_coverage(inputs: Path, periods: list[Period], run_date: dt.date, scope: str) -> dict:
    """Which quarters of a year or review window the figures include and lack (a quarter not
    ended by the run date, or whose folder holds no file), with the Vietnamese sentence the
    console, the report, the workbook and the manifest say."""
    with_files = {p for p in periods if _has_files(inputs / str(p))}
    missing = missing_quarters(periods, with_files, run_date)
    return {"ky_da_co": [str(p) for p in periods if p not in missing],
            "ky_con_thieu": [str(p) for p in missing],
            "ghi_chu": coverage_note(scope, periods, missing)}


def _has_files(folder: Path) -> bool:
    return bool(folder_files(folder))


def review_folder(plan: Plan, kind: str) -> str:
    review = plan.reviews[kind]
    return f"{kind}-{review.first_period.year}-{review.last_period.year}"


def run_review(plan: Plan, kind: str, inputs: Path, outputs: Path, run_date: dt.date,
               pdf: bool = True, config_name: str = "",
               say: Callable[[str], None] = _quiet) -> int:
    """`so-ket` / `tong-ket`: the review over its configured window."""
    if kind not in plan.reviews:
        raise RunError(f"Tệp cấu hình chưa khai báo đợt {kind} (mục [reviews.{kind}]).")
    periods_in(inputs)
    window = plan.reviews[kind]
    history = load_scored(plan, inputs, window.last_period, run_date, outputs)
    coverage = data_coverage(inputs, periods_between(window.first_period, window.last_period),
                             run_date, f"giai đoạn từ {window.first_period.label} đến "
                             f"{window.last_period.label}")
    report = dataclasses.replace(build_review(plan, kind, run_date, history),
                                 coverage=coverage["ghi_chu"])
    folder = review_folder(plan, kind)

    def build(out: Path) -> None:
        workbook = out / f"TongHop_{folder}.xlsx"
        with alongside(lambda: write_review_workbook(report, workbook), workbook.name):
            documents = write_review_documents(report, out)
            with _pdfs(documents, out, run_date, pdf) as conversion:
                write_review_data(report, out / "data")
                write_summary_manifest(plan, folder, run_date, config_name, inputs,
                                       window.last_period, history, coverage, out)
                _finish_pdfs(conversion, say)

    publish(outputs / folder, build)
    return 0


def write_review_data(report: model.ReviewReport, data: Path) -> None:
    for name, frame in (("thong_ke", report.counts), ("nguoi_tot_hoat_dong", report.deeds),
                        ("dien_hinh_tieu_bieu", report.honourees),
                        ("so_theo_doi", report.register), ("lich_su", report.history)):
        write_csv(frame, list(frame.columns), data / f"{name}.csv")


def run_templates(plan: Plan, period: Period, outputs: Path) -> tuple[list[Path], list[Path]]:
    """outputs/mau/: the blank workbook and the light nomination workbook of every unit."""
    check_period(plan, period)
    target = outputs / "mau"
    written: list[Path] = []
    nominations: list[Path] = []

    def build(out: Path) -> None:
        written.extend(target / p.name for p in write_templates(plan, period, out))
        nominations.extend(target / p.name
                           for p in write_nomination_templates(plan, period, out))

    publish(target, build)
    return written, nominations


def check_file(plan: Plan | Callable[[Period], Plan], path: Path, inputs: Path,
               run_date: dt.date, period: Period | None = None, outputs: Path | None = None,
               pool: ReaderPool | None = None) -> tuple[Period, pd.DataFrame]:
    """`check FILE`: the findings `report` gives for this file (a workbook, a saved e-mail, the
    council's file) as if it lay in inputs/<period>/ beside that folder's other files (one of
    the same name is the one it replaces), with every earlier period taken in as the report
    takes them (from the cache under `outputs` when there is one).

    The period: `period` (--period); else the folder the file lies in, when it is named as a
    period (inputs/2025-Q3/); else the period on its cover; else the latest period folder of
    `inputs`, as `report` chooses it. `plan` may be a function of that period (the plan whose
    years hold it). `pool`: a reader pool to use (else one of its own).
    """
    if not path.is_file():
        raise RunError(f"Không tìm thấy tệp '{path}'.")
    try:
        mine = discover_files([path])
    except OSError:
        raise RunError(f"Không đọc được tệp '{path}'.") from None
    with contextlib.nullcontext(pool) if pool is not None else ReaderPool() as pool:
        books = pool.read_all(mine.files)
        chosen = (period or _folder_period(path)
                  or next(filter(None, map(cover_period, books)), None)
                  or _latest_period(inputs))
        if chosen is None:
            raise RunError(f"Không xác định được kỳ báo cáo của tệp '{path.name}' (trang bìa "
                           "không ghi kỳ); hãy chỉ rõ kỳ, ví dụ: make check FILE=… "
                           "PERIOD=2025-Q3.")
        if callable(plan):
            plan = plan(chosen)
        check_period(plan, chosen)
        folder = inputs / str(chosen)
        others = discover(folder)  # none when the folder does not exist yet
        found = beside(others, mine, path.name)
        cache = IntakeCache(outputs, plan, run_date) if outputs is not None else None
        history, _ = load_history(plan, inputs, chosen, run_date, pool, cache, found)
    findings = history[chosen].intake.findings
    mine = [top_name(name) == path.name for name in findings["tep"]]
    return chosen, findings.loc[mine].reset_index(drop=True)


def _folder_period(path: Path) -> Period | None:
    found = parse_period(path.resolve().parent.name)
    return found if found is not None and str(found) == path.resolve().parent.name else None


def _latest_period(inputs: Path) -> Period | None:
    try:
        return periods_in(inputs)[-1] if inputs.is_dir() else None
    except (RunError, IndexError):
        return None
