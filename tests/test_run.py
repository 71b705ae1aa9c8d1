"""End to end on the shipped sample inputs: what the clerk runs, checked as a clerk would."""

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs"
PERIOD = "2025-Q3"
RUN_DATE = "2025-10-20"


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    if not (SAMPLE / PERIOD).is_dir():
        pytest.skip("sample inputs not generated")
    base = tmp_path_factory.mktemp("run")
    inputs = base / "inputs"
    shutil.copytree(SAMPLE, inputs)
    before = tree_hashes(inputs)
    args = ["report", "--period", PERIOD, "--inputs", str(inputs), "--run-date", RUN_DATE,
            "--no-pdf"]
    first = CliRunner().invoke(app, [*args, "--outputs", str(base / "out1")])
    second = CliRunner().invoke(app, [*args, "--outputs", str(base / "out2")])
    return base, inputs, before, first, second


def test_report_completes_with_status_1_because_units_made_mistakes(sample_run):
    _, _, _, first, _ = sample_run
    assert first.exit_code == 1, first.output
    lines = first.stdout.splitlines()  # the summary; the run's stages are told on stderr
    assert lines[0] == "Quý III/2025: 9/10 đơn vị đã nộp, 1 muộn, 1 chưa nộp."
    assert lines[1].startswith("3 lỗi trong 3 tệp – xem trang «Lỗi dữ liệu» của "
                               "TongHop_2025-Q3.xlsx")


def test_inputs_are_never_modified(sample_run):
    _, inputs, before, _, _ = sample_run
    assert tree_hashes(inputs) == before


def test_two_runs_give_byte_identical_outputs(sample_run):
    base, *_ = sample_run
    one, two = tree_hashes(base / "out1" / PERIOD), tree_hashes(base / "out2" / PERIOD)
    assert one == two
    assert {"TongHop_2025-Q3.xlsx", "manifest.json", "data/loi.csv", "data/cham_diem.csv",
            "data/dang_ky.csv", "data/nop_bao_cao.csv", "data/nguoi_tot_viec_tot.csv",
            "data/hoat_dong.csv"} <= set(one)


def test_manifest_rows_always_balance_and_every_input_is_listed(sample_run):
    base, inputs, *_ = sample_run
    manifest = json.loads((base / "out1" / PERIOD / "manifest.json").read_text("utf-8"))
    for entry in manifest["so_dong"]:
        assert entry["doc"] == (entry["chap_nhan"] + entry["tu_choi"] + entry["bi_thay_the"]
                                + entry["gop"])
    assert manifest["can_doi"] is True
    listed = {e["tep"].split("/")[0] for e in manifest["dau_vao"]}
    assert listed == {p.name for p in (inputs / PERIOD).iterdir()}
    for e in manifest["dau_vao"]:
        if "/" not in e["tep"]:
            data = (inputs / PERIOD / e["tep"]).read_bytes()
            assert e["sha256"] == hashlib.sha256(data).hexdigest()


def test_submission_status_of_every_expected_unit(sample_run):
    base, *_ = sample_run
    rows = read_csv(base / "out1" / PERIOD / "data" / "nop_bao_cao.csv")
    status = {r["ma_don_vi"]: r["trang_thai"] for r in rows}
    assert list(rows[0]) == ["ma_don_vi", "trang_thai", "tep", "ngay_lap"]
    assert "TTR" not in status  # folded into the provincial inspectorate after 2025-06-30
    assert status["QHKT"] == "Muộn"
    assert status["KCHT"] == "Chưa nộp"
    assert status["VP"] == "Đúng hạn"


def test_data_files_have_the_contract_columns(sample_run):
    base, *_ = sample_run
    data = base / "out1" / PERIOD / "data"
    expected = {
        "dang_ky.csv": "ma_don_vi,ma_dien_hinh,loai,ten,nam_sinh,gioi_tinh,chuc_vu,phong_trao,"
                       "pham_vi,linh_vuc,ngay_dang_ky,trang_thai,nguon",
        "cham_diem.csv": "ma_don_vi,ma_dien_hinh,ten,loai,phong_trao,diem_chung,diem_cu_the,"
                         "tong_diem,xep_loai,du_dieu_kien,ly_do,hang,de_xuat,nguon",
        "nguoi_tot_viec_tot.csv": "ma_don_vi,ho_ten,thang,noi_dung,de_nghi_tuyen_truyen,nguon",
        "hoat_dong.csv": "ma_don_vi,ngay,hinh_thuc,noi_dung,so_nguoi,nguon",
        "nop_bao_cao.csv": "ma_don_vi,trang_thai,tep,ngay_lap",
        "loi.csv": "muc_do,ma_don_vi,tep,trang_tinh,o,ma_loi,thong_bao",
    }
    for name, header in expected.items():
        raw = (data / name).read_bytes()
        assert raw.startswith("\ufeff".encode())
        assert raw.decode("utf-8-sig").splitlines()[0].startswith(header), name
    for row in read_csv(data / "cham_diem.csv"):
        assert len(row["tong_diem"].split(".")[1]) == 2
        assert row["du_dieu_kien"] in ("true", "false")


def test_every_file_with_problems_gets_feedback(sample_run):
    base, *_ = sample_run
    out = base / "out1" / PERIOD
    problems = {r["tep"] for r in read_csv(out / "data" / "loi.csv")}
    feedback = list((out / "phan-hoi").glob("*.xlsx"))
    assert len(feedback) == len(problems)
    assert (out / "phan-hoi" / "QHKT.txt").read_text("utf-8").startswith("Kính gửi")


def test_history_checks_small_periods_together_and_merges_as_one_by_one(monkeypatch):
    """load_history checks the constraints of several small periods in one pandera call per
    sheet, and every period's intake is what taking it in alone gives."""
    import datetime as dt

    from pandas.testing import assert_frame_equal

    from pipeline.config import load_plan
    from pipeline.intake import period as intake
    from pipeline.intake.readers import ReaderPool
    from pipeline.intake.rules import Registry
    from pipeline.periods import Period, periods_between
    from pipeline.run import load_history, read_period

    plan, inputs, last, day = load_plan(), Path("inputs"), Period(2022, 4), dt.date(2023, 1, 20)
    monkeypatch.setattr(intake, "CONSTRAINT_BATCH", 100)
    calls = []
    real = intake.constraint_cases
    monkeypatch.setattr(intake, "constraint_cases",
                        lambda decl, rows: calls.append(len(rows)) or real(decl, rows))
    with ReaderPool() as pool:
        history, _ = load_history(plan, inputs, last, day, pool)
        batched = len(calls)
        registry, alone = Registry(), {}
        for period in periods_between(plan.first_period, last):
            files, books, findings, _ = read_period(inputs / str(period), pool)
            if files or findings:
                alone[period] = intake.take_in(plan, period, day, books, registry, findings)
                registry = alone[period].registry
    assert list(history) == list(alone)
    files = sum(len(list((inputs / str(p)).iterdir())) for p in alone)
    one_by_one = len(calls) - batched
    assert files > intake.CONSTRAINT_BATCH / 2 and batched * 3 <= one_by_one
    for period, taken in alone.items():
        for name in ("registrations", "assessments", "good_deeds", "activities", "submissions",
                     "findings"):
            assert_frame_equal(getattr(history[period].intake, name),
                               getattr(taken.intake, name), obj=f"{period} {name}")


def _report(inputs: Path, out: Path):
    return CliRunner().invoke(app, ["report", "--period", PERIOD, "--inputs", str(inputs),
                                    "--run-date", RUN_DATE, "--no-pdf", "--outputs", str(out)])


def test_too_big_to_fork_workers_write_the_workbook_and_annotate_the_files(sample_run,
                                                                         monkeypatch):
    """When a forked writer would not fit in memory, a worker annotates the units' files
    while the run prepares the workbook, and another writes the workbook's cells while the
    run writes the data files: the same bytes as the small run's forked writer."""
    from pipeline import run
    from pipeline.outputs import feedback
    from pipeline.outputs.workbooks import remote_book

    base, inputs, *_ = sample_run
    monkeypatch.setattr(run, "fork_fits", lambda: False)
    monkeypatch.setattr(run, "two_cores", lambda: True)
    annotated, books = [], []
    real_results = feedback.BackgroundAnnotations.results
    real_init = remote_book.RemoteBook.__init__
    monkeypatch.setattr(feedback.BackgroundAnnotations, "results",
                        lambda self: annotated.append(len(self.jobs)) or real_results(self))
    monkeypatch.setattr(remote_book.RemoteBook, "__init__",
                        lambda self, *args: books.append(args[0]) or real_init(self, *args))
    result = _report(inputs, base / "big")
    assert result.exit_code == 1, result.output
    assert annotated and annotated[0] > 0
    assert [Path(b).name for b in books] == [f"TongHop_{PERIOD}.xlsx"]
    assert tree_hashes(base / "big" / PERIOD) == tree_hashes(base / "out1" / PERIOD)


def test_without_a_worker_process_the_workbook_is_written_here(sample_run, monkeypatch):
    from pipeline import run
    from pipeline.outputs.workbooks import remote_book

    base, inputs, *_ = sample_run
    monkeypatch.setattr(run, "fork_fits", lambda: False)
    monkeypatch.setattr(run, "two_cores", lambda: True)

    def no_process(*args, **kwargs):
        raise OSError("no process")

    monkeypatch.setattr(remote_book, "RemoteBook", no_process)
    result = _report(inputs, base / "no-worker")
    assert result.exit_code == 1, result.output
    assert tree_hashes(base / "no-worker" / PERIOD) == tree_hashes(base / "out1" / PERIOD)


def test_a_feedback_file_the_worker_fails_on_gets_the_list_alone(monkeypatch):
    from pipeline.outputs import feedback
    from pipeline.sources import UnreadableFile

    job = _feedback_job()

    Failing = pool_doing(lambda payloads: [UnreadableFile("F06", "hết thời gian")] * len(payloads))
    monkeypatch.setattr(feedback, "ReaderPool", Failing)
    legacy = (job[0], "xls", *job[2:])  # listed alone by design: nothing to tell
    with feedback.BackgroundAnnotations([job, legacy]) as annotations:
        pass
    assert annotations.results() == [
        (feedback.feedback_workbook_bytes(b"", None, *job[2:]), feedback.WORKER_STOPPED),
        (feedback.feedback_workbook_bytes(b"", None, *job[2:]), "")]


def test_the_clerk_is_told_which_feedback_holds_the_list_alone(sample_run, monkeypatch):
    """A unit file that cannot be annotated still gets its list of problems; the clerk reads
    which one, and why, on the console (small run: here; big run: the worker's reply)."""
    from pipeline import run
    from pipeline.outputs import feedback

    base, inputs, *_ = sample_run

    def refuse(*args):
        raise KeyError("an unexpected part")

    monkeypatch.setattr(feedback, "_annotated_bytes", refuse)
    result = _report(inputs, base / "list-alone")
    assert result.exit_code == 1, result.output
    told = [line for line in result.stderr.splitlines() if "chỉ gồm danh sách lỗi" in line]
    copies = sorted((base / "list-alone" / PERIOD / "phan-hoi").glob("*.xlsx"))
    assert told and len(told) <= len(copies)  # an .xls unit's copy is the list by design
    assert all(line.endswith("không mở được tệp để chú thích.") for line in told)

    # the worker's side of the pool, run here (where the monkeypatch holds)
    InProcess = pool_doing(lambda payloads: map(feedback.annotate_in_worker, payloads))

    monkeypatch.setattr(run, "fork_fits", lambda: False)
    monkeypatch.setattr(run, "two_cores", lambda: True)
    monkeypatch.setattr(feedback, "ReaderPool", InProcess)
    result = _report(inputs, base / "list-alone-big")
    assert result.exit_code == 1, result.output
    big = [line for line in result.stderr.splitlines() if "chỉ gồm danh sách lỗi" in line]
    assert [line.split("'")[1] for line in big] == [line.split("'")[1] for line in told]


def test_history_merges_opened_periods_once_a_batch_is_checked(monkeypatch):
    """Opened periods wait for the constraint check of at most one batch of files: memory
    stays bounded however the files fall into periods."""
    import datetime as dt

    from pipeline import run
    from pipeline.config import load_plan
    from pipeline.intake import period as intake
    from pipeline.intake.readers import ReaderPool
    from pipeline.periods import Period

    monkeypatch.setattr(intake, "CONSTRAINT_BATCH", 20)
    waiting, most = [0], [0]
    real_open, real_finish = run.open_period, run.finish_period

    def opening(*args, **kwargs):
        waiting[0] += 1
        most[0] = max(most[0], waiting[0])
        return real_open(*args, **kwargs)

    def finishing(*args, **kwargs):
        waiting[0] -= 1
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(run, "open_period", opening)
    monkeypatch.setattr(run, "finish_period", finishing)
    with ReaderPool() as pool:
        history, _ = run.load_history(load_plan(), Path("inputs"), Period(2023, 4),
                                      dt.date(2024, 1, 20), pool)
    assert len(history) >= 8 and waiting[0] == 0
    assert 2 <= most[0] <= 3  # about 8 files a period: a batch of 20 spans three at most


def pool_doing(each):
    """A stand-in for the feedback worker's ReaderPool whose `each` is given."""

    class Pool:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

    Pool.each = lambda self, payloads: each(payloads)
    return Pool


def _feedback_job():
    from pipeline.findings import ERROR, Finding
    from pipeline.outputs import feedback

    problem = Finding(ERROR, "TTQH", "a.xlsx", "Đăng ký", "B7", "V01", "Ô B7: thiếu tên.", 7)
    return (b"PK not really a workbook", "xlsx", [problem], "Phản hồi tệp a.xlsx",
            feedback.DEFAULT_STAMP)


def test_without_a_worker_the_feedback_is_made_here(monkeypatch):
    from pipeline.outputs import feedback

    class NoWorker:
        def __init__(self, *args, **kwargs):
            raise OSError("no process to be had")

    monkeypatch.setattr(feedback, "ReaderPool", NoWorker)
    job = _feedback_job()
    with feedback.BackgroundAnnotations([job, job]) as annotations:
        pass
    assert annotations.results() == [feedback.feedback_workbook(*job)] * 2


def test_a_failing_run_does_not_wait_for_the_feedback_worker(monkeypatch):
    import threading

    from pipeline.outputs import feedback

    release, served = threading.Event(), []

    def slow(payloads):
        for payload in payloads:
            release.wait()
            served.append(payload)
            yield b"made"

    Slow = pool_doing(slow)

    monkeypatch.setattr(feedback, "ReaderPool", Slow)
    annotations = feedback.BackgroundAnnotations([_feedback_job()] * 5)
    with pytest.raises(KeyboardInterrupt), annotations:
        raise KeyboardInterrupt  # the worker is still on its first file
    assert served == []
    release.set()
    annotations._thread.join()
    assert len(served) == 1 and annotations._made == []  # stopped after the file in hand
