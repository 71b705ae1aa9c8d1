"""The workbook written by a worker process: the same bytes as writing it here, its failure
fails the run, it never outlives the run."""

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xlsxwriter

from pipeline.outputs.workbooks.remote_book import RemoteBook
from pipeline.outputs.workbooks.streamed import StreamedWorksheet, write_columns
from pipeline.parallel import WriterFailed, worker_env


def _options() -> dict:  # a new one each time: xlsxwriter changes it
    return {"strings_to_numbers": False, "default_format_properties": {"font_name": "Arial"}}


def _fill(book) -> None:
    """A little of everything the consolidated workbook does."""
    book.set_properties({"title": "Tổng hợp", "created": dt.datetime(2025, 10, 20)})
    bold = book.add_format({"bold": True, "border": 1})
    wrap = book.add_format({"text_wrap": True, "bg_color": "#FFF2CC"})
    overview = book.add_worksheet("Tổng quan")
    overview.merge_range(0, 0, 0, 3, "TỔNG QUAN", bold)
    overview.write_string(1, 0, "Đơn vị", bold)
    overview.write_number(1, 1, 12, wrap)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": [overview.get_name(), 1, 1, 1, 1], "name": "Số điển hình"})
    overview.insert_chart(3, 0, chart)
    table = book.add_worksheet("Đăng ký", StreamedWorksheet)
    table.set_column(0, 2, 20)
    table.write_string(0, 0, "Tên", bold)
    write_columns(table, 1, [(0, "string", ["Tổ Một cửa", "a & b", None], [wrap, wrap, wrap]),
                             (1, "number", [1, 2.5, None], [bold, None, bold]),
                             (2, "datetime", [dt.datetime(2025, 7, 1), None, None],
                              [bold, bold, None])],
                  [30, None, 45])
    table.conditional_format(1, 0, 3, 0, {"type": "blanks", "format": wrap})
    table.freeze_panes(1, 0)


def test_same_bytes_as_a_workbook_written_here(tmp_path):
    here = xlsxwriter.Workbook(str(tmp_path / "here.xlsx"), _options())
    _fill(here)
    here.close()
    remote = RemoteBook(str(tmp_path / "remote.xlsx"), _options())
    _fill(remote)
    remote.close()
    with remote.finishing():
        pass
    assert (tmp_path / "remote.xlsx").read_bytes() == (tmp_path / "here.xlsx").read_bytes()


def test_a_call_the_worker_fails_on_fails_the_run(tmp_path, capfd):
    book = RemoteBook(str(tmp_path / "b.xlsx"), {})
    scratch = Path(book._scratch)
    sheet = book.add_worksheet("S")
    sheet.write_string(0, 0)  # the text is missing: xlsxwriter fails in the worker
    with pytest.raises(WriterFailed, match="workbook worker") as caught:
        book.close()  # the pipe may already be broken here
        with book.finishing():
            pass
    # what stopped the worker comes back to the run (for its log), not to the console
    assert "write_string" in caught.value.details
    assert caught.value.summary.startswith("TypeError: ")
    assert capfd.readouterr().err == ""
    assert not (tmp_path / "b.xlsx").exists()
    assert not scratch.exists()  # the worker's temporary files are gone


def test_a_method_the_object_lacks_fails_where_it_is_called(tmp_path):
    book = RemoteBook(str(tmp_path / "b.xlsx"), {})
    with book.finishing():
        sheet = book.add_worksheet("S")
        chart = book.add_chart({"type": "pie"})
        chart.set_rotation(90)  # a pie chart's own method
        with pytest.raises(AttributeError, match="no method 'no_such_method'"):
            sheet.no_such_method(1)
        with pytest.raises(NotImplementedError, match="get_worksheet_by_name"):
            book.get_worksheet_by_name("S")
        book.close()
    assert (tmp_path / "b.xlsx").exists()


def test_a_failing_body_stops_the_worker(tmp_path):
    book = RemoteBook(str(tmp_path / "b.xlsx"), {})
    book.add_worksheet("S").write_string(0, 0, "x")
    book.close()
    process = book._link.process
    with pytest.raises(ValueError, match="hỏng"), book.finishing():
        raise ValueError("hỏng")
    assert process.poll() is not None
    assert not Path(book._scratch).exists()


def test_the_worker_dies_with_the_run(tmp_path):
    """A run killed while its worker waits for calls does not leave the worker behind."""
    script = ("import sys, time\n"
              "from pipeline.outputs.workbooks.remote_book import RemoteBook\n"
              f"book = RemoteBook({str(tmp_path / 'b.xlsx')!r}, {{}})\n"
              "print(book._link.process.pid, flush=True)\n"
              "time.sleep(60)\n")
    env = worker_env()
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env,
                           cwd=Path(__file__).resolve().parents[2])
    worker = int(run.stdout.readline())
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.05)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split()[2] != "Z"  # a zombie is dead, only not reaped yet
    except FileNotFoundError:
        return False
