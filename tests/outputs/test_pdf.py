"""PDFs made by LibreOffice neither stall a run nor litter its outputs: LibreOffice works in
a private folder, only finished PDFs are published, a PDF that could not be made is named in
one line with the reason. LibreOffice is stood in for by a small script on PATH that behaves
as the case needs (real LibreOffice conversions are tested in test_documents)."""

import os
import shutil
import stat
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.outputs.documents import blocks as blocks_doc

SAMPLE = Path(__file__).resolve().parents[2] / "inputs"
PERIOD, RUN_DATE = "2025-Q2", "2025-07-20"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# What the stand-in does: leaves LibreOffice's usual debris (a lock file beside each document
# and in its working folder, a temporary file in the output folder), then per `mode`.
FAKE = """\
#!{python}
import pathlib, sys, time
args = sys.argv[1:]
out = pathlib.Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
docs = [pathlib.Path(a) for a in args if a.endswith(".docx")]
pathlib.Path(".~lock.work#").write_text("lock")
(out / "lu22123rnfc.tmp").write_text("tmp")
for doc in docs:
    (doc.parent / f".~lock.{{doc.name}}#").write_text("lock")
mode = {mode!r}
if mode == "error":
    sys.exit(1)
for i, doc in enumerate(docs):
    pdf = out / (doc.stem + ".pdf")
    (out / f".~lock.{{pdf.name}}#").write_text("lock")
    if mode == "hang" and i == 1:
        pdf.write_bytes(b"%PDF-1.4 half written")
        time.sleep(120)
    pdf.write_bytes({pdf!r})
"""


def _fake_soffice(folder: Path, mode: str) -> None:
    folder.mkdir()
    script = folder / "soffice"
    script.write_text(textwrap.dedent(FAKE.format(python=sys.executable, mode=mode, pdf=PDF)))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def _report(tmp_path: Path, monkeypatch, mode: str):
    if not (SAMPLE / PERIOD).is_dir():
        pytest.skip("sample inputs not generated")
    _fake_soffice(tmp_path / "bin", mode)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(blocks_doc, "PDF_TIMEOUT", 3)
    result = CliRunner().invoke(app, ["report", "--period", PERIOD, "--inputs", str(SAMPLE),
                                      "--outputs", str(tmp_path / "out"), "--run-date",
                                      RUN_DATE])
    folder = tmp_path / "out" / PERIOD
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    return result, folder, files


WITHOUT_PDF = ["BaoCao_2025-Q2.docx", "BaoCao_2025-Q2.html", "NguoiTotViecTot_2025-Q2.docx",
               "TongHop_2025-Q2.xlsx", "manifest.json"]


def test_only_finished_pdfs_are_published(tmp_path, monkeypatch):
    result, folder, files = _report(tmp_path, monkeypatch, "ok")
    assert result.exit_code == 1, result.output  # the sample has mistakes in units' files
    assert files == sorted([*WITHOUT_PDF, "BaoCao_2025-Q2.pdf",
                            "NguoiTotViecTot_2025-Q2.pdf"])
    assert (folder / "BaoCao_2025-Q2.pdf").read_bytes().startswith(b"%PDF")
    assert "Không tạo được bản PDF" not in result.output


def test_a_stalled_libreoffice_is_stopped_and_named_and_leaves_nothing(tmp_path, monkeypatch):
    result, _, files = _report(tmp_path, monkeypatch, "hang")
    assert result.exit_code == 1, result.output
    # the first document was finished before LibreOffice stalled on the second
    assert files == sorted([*WITHOUT_PDF, "BaoCao_2025-Q2.pdf"])
    assert ("Lưu ý: Không tạo được bản PDF của NguoiTotViecTot_2025-Q2.docx: LibreOffice chạy "
            "quá 3 giây nên đã bị dừng.") in " ".join(result.output.split())


def test_a_libreoffice_error_is_named(tmp_path, monkeypatch):
    result, _, files = _report(tmp_path, monkeypatch, "error")
    assert files == WITHOUT_PDF
    said = " ".join(result.output.split())
    for name in ("BaoCao_2025-Q2.docx", "NguoiTotViecTot_2025-Q2.docx"):
        assert (f"Lưu ý: Không tạo được bản PDF của {name}: LibreOffice báo lỗi (mã 1)."
                in said)


def test_without_libreoffice_nothing_is_said(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    if not (SAMPLE / PERIOD).is_dir():
        pytest.skip("sample inputs not generated")
    result = CliRunner().invoke(app, ["report", "--period", PERIOD, "--inputs", str(SAMPLE),
                                      "--outputs", str(tmp_path / "out"), "--run-date",
                                      RUN_DATE])
    folder = tmp_path / "out" / PERIOD
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == WITHOUT_PDF
    assert "Không tạo được bản PDF" not in result.output
