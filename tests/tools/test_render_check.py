"""`make check-render`: every generated workbook and document converts to PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
import xlsxwriter

from pipeline.tools import render_check
from pipeline.tools.render_check import batches, check, find_files, main


def _outputs(root: Path) -> Path:
    """A small outputs folder: a workbook, a document, a broken workbook, and files in the
    folders that are left out by default."""
    period = root / "2025-Q3"
    (period / "phan-hoi").mkdir(parents=True)
    (period / "data").mkdir()
    book = xlsxwriter.Workbook(str(period / "TongHop_2025-Q3.xlsx"))
    book.add_worksheet("Tổng quan").write_string(0, 0, "Tổng hợp điển hình tiên tiến")
    book.close()
    document = docx.Document()
    document.add_paragraph("Báo cáo quý III năm 2025")
    document.save(str(period / "BaoCao_2025-Q3.docx"))
    (period / "Hong.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (period / "data" / "loi.csv").write_text("muc_do\n", encoding="utf-8")
    shutil.copy(period / "TongHop_2025-Q3.xlsx", period / "phan-hoi" / "VP_bao-cao.xlsx")
    (root / "mau").mkdir()
    shutil.copy(period / "TongHop_2025-Q3.xlsx", root / "mau" / "Mau_VP.xlsx")
    (root / ".tmp-2025-Q4-1").mkdir()
    shutil.copy(period / "TongHop_2025-Q3.xlsx", root / ".tmp-2025-Q4-1" / "TongHop.xlsx")
    return root


def _names(root: Path, paths) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_files_skip_feedback_templates_and_half_built_folders(tmp_path):
    root = _outputs(tmp_path)
    assert _names(root, find_files(root)) == [
        "2025-Q3/BaoCao_2025-Q3.docx", "2025-Q3/Hong.xlsx", "2025-Q3/TongHop_2025-Q3.xlsx"]
    assert _names(root, find_files(root, include_all=True)) == [
        "2025-Q3/BaoCao_2025-Q3.docx", "2025-Q3/Hong.xlsx", "2025-Q3/TongHop_2025-Q3.xlsx",
        "2025-Q3/phan-hoi/VP_bao-cao.xlsx", "mau/Mau_VP.xlsx"]


def test_batches_keep_a_folder_together_but_never_two_files_with_one_stem():
    files = [Path("a/x.docx"), Path("a/x.xlsx"), Path("a/y.xlsx"), Path("b/x.xlsx")]
    assert batches(files) == [[Path("a/x.docx"), Path("a/y.xlsx")], [Path("a/x.xlsx")],
                              [Path("b/x.xlsx")]]


def test_missing_libreoffice_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(render_check.shutil, "which", lambda name: None)
    assert main([str(_outputs(tmp_path))]) == 2
    assert capsys.readouterr().out == (
        "Chưa cài LibreOffice (không tìm thấy lệnh soffice). Cài bằng: apt-get install "
        "libreoffice-calc-nogui libreoffice-writer-nogui\n")


def test_a_missing_outputs_folder_is_status_2(tmp_path):
    lines = []
    assert check(tmp_path / "khong-co", echo=lines.append) == 2
    assert lines == [f"Không có thư mục kết quả {tmp_path / 'khong-co'}."]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_converts_each_file_reports_the_broken_one_and_leaves_outputs_alone(tmp_path):
    root = _outputs(tmp_path / "outputs")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    lines = []
    assert check(root, echo=lines.append) == 1
    assert lines[0] == "Đạt: 2025-Q3/BaoCao_2025-Q3.docx"
    assert lines[1].startswith("Lỗi: 2025-Q3/Hong.xlsx – LibreOffice không chuyển được sang PDF (")
    assert lines[2:] == ["Đạt: 2025-Q3/TongHop_2025-Q3.xlsx",
                         "Đã kiểm tra 3 tệp: 2 đạt, 1 lỗi."]
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before  # no PDF left here
