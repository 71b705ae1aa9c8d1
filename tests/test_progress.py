"""Progress of a long run: rich on a terminal, one plain line per stage otherwise, nothing
unless the command line asks for it."""

from __future__ import annotations

import io

from rich.console import Console
from typer.testing import CliRunner

from pipeline import progress
from pipeline.cli import app


def _stages() -> None:
    progress.stage("Đọc tệp", 0)
    progress.grow(3)
    for _ in progress.counted(iter(range(3))):
        pass
    progress.stage("Ghi bản phản hồi", 2)
    progress.advance(2)


def test_nothing_is_shown_unless_asked(capsys):
    _stages()
    assert capsys.readouterr() == ("", "")


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    with progress.shown(Console(file=out, force_terminal=False, width=100)):
        _stages()
    lines = out.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["Đọc tệp…", "Ghi bản phản hồi (2 tệp)…"]
    assert all(line.startswith("[") and "giây]" in line for line in lines)


def test_rich_progress_on_a_terminal_counts_files_and_is_erased():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with progress.shown(console):
        _stages()
        live = progress._current
        assert [(t.description, t.completed, t.total) for t in live.progress.tasks] == [
            ("Ghi bản phản hồi", 2, 2)]
    assert "Ghi bản phản hồi" in out.getvalue()  # drawn, then erased (transient)
    assert progress._current.__class__ is progress._Silent


def test_report_tells_its_stages_on_stderr_and_keeps_stdout_for_the_summary(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "2025-Q2").mkdir(parents=True)
    result = CliRunner().invoke(app, ["report", "--period", "2025-Q2", "--inputs", str(inputs),
                                      "--outputs", str(tmp_path / "out"), "--no-pdf",
                                      "--run-date", "2025-07-20"])
    assert result.exit_code == 0, result.output
    assert "Đọc và kiểm tra tệp của các đơn vị…" in result.stderr
    assert "Chấm điểm…" in result.stderr
    assert "giây]" not in result.stdout
