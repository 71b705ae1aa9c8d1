"""A quarterly report keeps its tables to what leadership decides on: a table longer than the
plan's `list_limit` goes to PhuLuc_<period>.docx, with a sentence in the report pointing to it
(the workbook holds the same rows)."""

import dataclasses
import datetime as dt

import pytest

from pipeline.outputs.documents import quarterly as quarterly_doc
from pipeline.outputs.documents.blocks import move_long_tables, para, table
from tests.factories import make_period_report
from tests.outputs.test_documents import docx_lines


def _lines(path) -> list[str]:
    return docx_lines(path)


def _rows(n: int) -> list[list[str]]:
    return [[str(i), f"Tên {i}", "Đơn vị", "Ghi chú"] for i in range(1, n + 1)]


def test_only_tables_longer_than_the_limit_move():
    short = table("awards", ["STT", "Họ và tên", "Đơn vị", "Thành tích"], _rows(3))
    long = table("awards", ["STT", "Họ và tên", "Đơn vị", "Thành tích"], _rows(4))
    blocks = [{"type": "heading1", "text": "I. MỘT"}, para("Danh sách:"), short,
              {"type": "heading1", "text": "II. HAI"}, para("Danh sách:"), long]
    kept, moved = move_long_tables(blocks, 3, "PhuLuc_2025-Q2.docx", "TongHop_2025-Q2.xlsx")
    assert kept == [*blocks[:4], para("Danh sách."),
                    para("Danh sách chi tiết (4 dòng) tại mục I Phụ lục kèm theo Báo cáo này "
                         "(tệp PhuLuc_2025-Q2.docx) và trong bảng tổng hợp "
                         "TongHop_2025-Q2.xlsx.")]
    assert moved == [{"type": "heading1", "text": "I. HAI"}, long]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    report = make_period_report("2025-Q2", run_date=dt.date(2025, 7, 20))
    plan = report.plan.model_copy(update={"reports": report.plan.reports.model_copy(
        update={"list_limit": 5})})
    small = dataclasses.replace(report, plan=plan)
    folder = tmp_path_factory.mktemp("appendix")
    return report, quarterly_doc.write_period_documents(small, folder), folder


def test_the_appendix_holds_every_row_the_report_no_longer_shows(written):
    report, paths, folder = written
    assert [p.name for p in paths] == ["BaoCao_2025-Q2.docx", "BaoCao_2025-Q2.html",
                                       "NguoiTotViecTot_2025-Q2.docx", "PhuLuc_2025-Q2.docx"]
    body = _lines(folder / "BaoCao_2025-Q2.docx")
    appendix = _lines(folder / "PhuLuc_2025-Q2.docx")
    pointers = [x for x in body if x.startswith("Danh sách chi tiết (")]
    assert pointers and all("Phụ lục kèm theo Báo cáo này (tệp PhuLuc_2025-Q2.docx)" in x
                            for x in pointers)
    # keep_together binds "quý II năm 2025" with no-break spaces, as every subject line does
    assert [x.replace("\xa0", " ") for x in appendix[:2]] == [
        "PHỤ LỤC", "Danh sách chi tiết kèm theo Báo cáo kết quả xây dựng điển hình tiên tiến "
        "quý II năm 2025"]
    # no letterhead, no signature in the appendix file
    assert not any("CỘNG HÒA" in x or "Nơi nhận" in x for x in appendix)
    # every row of every table longer than the limit is in the appendix, not in the report
    tables = [b for b in quarterly_doc.period_report_context(report)["blocks"]
              if b["type"] == "table"]
    moved = [" | ".join(row) for b in tables if len(b["rows"]) > 5 for row in b["rows"]]
    kept = [" | ".join(row) for b in tables if len(b["rows"]) <= 5 for row in b["rows"]]
    assert moved and kept
    assert all(x in appendix and x not in body for x in moved)
    assert all(x in body for x in kept)


def test_only_the_signed_documents_are_converted(written):
    _, paths, _ = written
    assert [p.name for p in quarterly_doc.signed_documents(paths)] == [
        "BaoCao_2025-Q2.docx", "BaoCao_2025-Q2.html", "NguoiTotViecTot_2025-Q2.docx"]


def test_a_long_list_in_the_good_deeds_letter_goes_to_its_own_appendix(tmp_path):
    """The letter to the province follows the same rule: its exemplar list (4 rows here, over
    a limit of 3 set for the test) goes to PhuLuc_NguoiTotViecTot_<period>.docx."""
    report = make_period_report("2025-Q2", run_date=dt.date(2025, 7, 20))
    plan = report.plan.model_copy(update={"reports": report.plan.reports.model_copy(
        update={"list_limit": 3})})
    paths = quarterly_doc.write_period_documents(dataclasses.replace(report, plan=plan),
                                                 tmp_path)
    assert "PhuLuc_NguoiTotViecTot_2025-Q2.docx" in [p.name for p in paths]
    letter = docx_lines(tmp_path / "NguoiTotViecTot_2025-Q2.docx")
    appendix = docx_lines(tmp_path / "PhuLuc_NguoiTotViecTot_2025-Q2.docx")
    assert any(x.startswith("Danh sách chi tiết (") and "Phụ lục kèm theo Danh sách này (tệp "
               "PhuLuc_NguoiTotViecTot_2025-Q2.docx)" in x for x in letter)
    assert "(Kèm theo Danh sách số" in " ".join(appendix).replace("\xa0", " ")
    assert [p.name for p in quarterly_doc.signed_documents(paths)] == [
        "BaoCao_2025-Q2.docx", "BaoCao_2025-Q2.html", "NguoiTotViecTot_2025-Q2.docx"]
