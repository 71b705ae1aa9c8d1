"""docs/OUTPUTS.md stays true: every file a sample run of each job writes is listed there."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

pytestmark = pytest.mark.slow  # end-to-end; `make test-fast` skips it

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs"
PLAN_2021 = REPO / "plans" / "2021-2025.toml"
FILE_NAME = re.compile(r"`([^`]+\.(?:xlsx|docx|html|pdf|csv|json|txt))`")


def documented() -> list[re.Pattern]:
    """The file names of docs/OUTPUTS.md, `<part>` standing for any name part."""
    text = (REPO / "docs" / "OUTPUTS.md").read_text(encoding="utf-8")
    names = {n for n in FILE_NAME.findall(text) if "*" not in n}
    return [re.compile("".join("[^/]+" if part.startswith("<") else re.escape(part)
                               for part in re.split(r"(<[^>]+>)", name)) + "$")
            for name in sorted(names)]


JOBS = [["report", "--period", "2025-Q3", "--run-date", "2025-10-20"],
        ["ntvt", "--month", "2025-08", "--run-date", "2025-09-10"],
        ["annual", "--year", "2024", "--run-date", "2025-01-20"],
        ["ballots", "--year", "2025", "--run-date", "2025-12-20"],
        ["annual", "--year", "2025", "--run-date", "2025-12-20"],
        ["so-ket", "--run-date", "2023-07-20", "--config", str(PLAN_2021)],
        ["tong-ket", "--run-date", "2025-04-20", "--config", str(PLAN_2021)],
        ["templates", "--period", "2025-Q4"]]


def test_every_file_a_sample_run_writes_is_documented(tmp_path):
    if not (SAMPLE / "2025-Q3").is_dir():
        pytest.skip("sample inputs not generated")
    out = tmp_path / "out"
    for job in JOBS:
        pdf = [] if job[0] in ("templates", "ballots") else ["--no-pdf"]
        result = CliRunner().invoke(app, [*job, "--inputs", str(SAMPLE), "--outputs", str(out),
                                          *pdf])
        assert result.exit_code in (0, 1), result.output
    patterns = documented()
    # names inside each job's folder; the templates' folder is named with them (mau/…)
    written = [p.relative_to(out if folder.name == "mau" else folder).as_posix()
               for folder in out.iterdir() if folder.is_dir() and not folder.name.startswith(".")
               for p in folder.rglob("*") if p.is_file()]
    assert len(written) > 50
    missing = sorted(n for n in written if not any(p.match(n) for p in patterns))
    assert missing == []


def test_the_pdfs_and_the_appendix_are_documented():
    patterns = documented()
    for name in ("BaoCao_2025-Q2.pdf", "NguoiTotViecTot_2025-Q2.pdf", "PhuLuc_2025-Q2.docx",
                 "ToTrinh_2025.pdf", "manifest.json"):
        assert any(p.match(name) for p in patterns), name


def test_the_readme_and_docs_stand_alone():
    """A clone has no ../shared: the README and docs link only inside the repository."""
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, path.name
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not target.startswith(("http://", "https://")):
                assert (path.parent / target).exists(), (path.name, target)
