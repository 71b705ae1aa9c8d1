"""The narrative documents: layout of the .docx, numbers equal to the data, golden files.

Regenerate the golden files after an intended change:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/outputs/test_documents.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from pipeline.model import BANG_KHEN, GIAY_KHEN, LATE, MISSING, ON_TIME, REJECTED
from pipeline.outputs.documents import annual as annual_doc
from pipeline.outputs.documents import blocks as blocks_doc
from pipeline.outputs.documents import ntvt as ntvt_doc
from pipeline.outputs.documents import quarterly as quarterly_doc
from pipeline.outputs.documents import render as render_doc
from pipeline.outputs.documents import review as review_doc
from tests.factories import (
    make_annual_report,
    make_period_report,
    make_plan,
    make_review_report,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
FONT = "Times New Roman"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ---- helpers ---------------------------------------------------------------------------------
def docx_lines(path: Path) -> list[str]:
    """The body in reading order: one line per paragraph, one per table row (cells joined)."""
    doc = Document(path)
    lines = []
    for element in doc.element.body:
        if element.tag == f"{W}p":
            lines.append("".join(t.text or "" for t in element.iter(f"{W}t")))
        elif element.tag == f"{W}tbl":
            for row in element.iter(f"{W}tr"):
                cells = ["\n".join("".join(t.text or "" for t in p.iter(f"{W}t"))
                                   for p in cell.iter(f"{W}p")).strip()
                         for cell in row.iter(f"{W}tc")]
                lines.append(" | ".join(cells))
    return lines


def docx_text(path: Path) -> str:
    return "\n".join(docx_lines(path))


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        if not UPDATE:
            pytest.fail(f"golden file {name} was missing and has been written; rerun")
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs; if intended, run UPDATE_GOLDEN=1 .venv/bin/pytest {__file__}")


@pytest.fixture(scope="module")
def period():
    return make_period_report("2025-Q2", run_date=dt.date(2025, 7, 20))


@pytest.fixture(scope="module")
def period_files(period, tmp_path_factory):
    return quarterly_doc.write_period_documents(period, tmp_path_factory.mktemp("period"))


@pytest.fixture(scope="module")
def annual():
    return make_annual_report(2024, run_date=dt.date(2025, 1, 15))


@pytest.fixture(scope="module")
def annual_files(annual, tmp_path_factory):
    return annual_doc.write_annual_documents(annual, tmp_path_factory.mktemp("annual"))


@pytest.fixture(scope="module")
def review_files(tmp_path_factory):
    report = make_review_report("tong-ket", run_date=dt.date(2025, 6, 30))
    return review_doc.write_review_documents(report, tmp_path_factory.mktemp("review"))


# ---- small functions -------------------------------------------------------------------------
@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2025, 7, 20), "Phú Thọ, ngày 20 tháng 7 năm 2025"),
    (dt.date(2025, 1, 5), "Phú Thọ, ngày 05 tháng 01 năm 2025"),
    (dt.date(2024, 2, 9), "Phú Thọ, ngày 09 tháng 02 năm 2024"),
    (dt.date(2025, 3, 1), "Phú Thọ, ngày 01 tháng 3 năm 2025"),
    (dt.date(2025, 12, 31), "Phú Thọ, ngày 31 tháng 12 năm 2025"),
])
def test_place_and_date_follows_decree_30(day, expected):
    assert blocks_doc.place_and_date("Phú Thọ", day) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Kết quả quý III năm 2025", "Kết quả quý\u00a0III năm\u00a02025"),
    ("giai đoạn 2021 – 2025", "giai đoạn 2021\u00a0–\u00a02025"),
    ("Sở Xây dựng năm nay", "Sở Xây dựng năm nay"),
])
def test_keep_together_binds_years_to_their_word(text, expected):
    assert blocks_doc.keep_together(text) == expected


@pytest.mark.parametrize(("now", "before", "expected"), [
    (10, 9, "tăng 1 so với quý I năm 2025"),
    (7, 9, "giảm 2 so với quý I năm 2025"),
    (9, 9, "không thay đổi so với quý I năm 2025"),
    (1500, 2, "tăng 1.498 so với quý I năm 2025"),
])
def test_compare_text(now, before, expected):
    assert blocks_doc.compare_text(now, before, "quý I năm 2025") == expected


@pytest.mark.parametrize(("kinds", "expected"), [
    (["Tập thể", "Cá nhân", "Cá nhân"], "1 tập thể và 2 cá nhân"),
    (["Cá nhân", "Cá nhân"], "2 cá nhân"),
    (["Tập thể"], "1 tập thể"),
    ([], ""),
])
def test_kinds_phrase_leaves_out_empty_kinds(kinds, expected):
    assert blocks_doc.kinds_phrase([{"loai": k} for k in kinds]) == expected


def test_proper_name():
    assert blocks_doc.proper_name("SỞ XÂY DỰNG") == "Sở Xây dựng"
    assert blocks_doc.proper_name("SỞ GIAO THÔNG VẬN TẢI") == "Sở Giao thông vận tải"


def test_table_rejects_a_row_that_does_not_fit_its_layout():
    with pytest.raises(ValueError, match="table awards: 3 cells, layout has 4"):
        blocks_doc.table("awards", ["STT", "Họ và tên", "Đơn vị", "Thành tích"],
                         [["1", "A", "B"]])


def test_number_sections_skips_empty_sections():
    para = blocks_doc.para
    blocks = blocks_doc.number_sections([("Một", [para("a")]), ("Hai", []), ("Ba", [para("b")])])
    assert [b["text"] for b in blocks] == ["I. MỘT", "a", "II. BA", "b"]


def test_bar_chart_is_inline_svg_with_escaped_labels():
    svg = render_doc.bar_chart_svg(blocks_doc.chart("Biểu đồ", ["Quý II", "Quý I"],
                                  [("A & B", [4, 2]), ("<C>", [0, 1])]))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 ')
    assert "A &amp; B" in svg and "&lt;C&gt;" in svg
    assert svg.count("<rect") == 2 + 4  # legend + one bar per value
    assert 'width="430"' in svg  # the largest value spans the whole bar area


# ---- the Word layout -------------------------------------------------------------------------
def test_docx_page_is_a4_portrait_with_decree_margins(period_files):
    section = Document(period_files[0]).sections[0]
    def mm(length):  # Word stores twips: 210 mm is 11906 twips = 210.01 mm
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20.0, 20.0)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30.0, 15.0)
    assert section.different_first_page_header_footer
    page = section.header.paragraphs[0]
    assert page.style.name == "VB Page" and page.style.paragraph_format.alignment == 1
    assert "PAGE" in "".join(t.text for t in page._p.iter(qn("w:instrText")))
    assert section.first_page_header.paragraphs[0].text == ""


@pytest.mark.parametrize("part", ["word/styles.xml", "word/document.xml", "word/header1.xml"])
def test_docx_uses_times_new_roman_only(period_files, part):
    with zipfile.ZipFile(period_files[0]) as z:
        xml = z.read(part).decode()
    fonts = re.findall(r"<w:rFonts ([^>]*)/>", xml)
    for attrs in fonts:
        assert "Theme" not in attrs and "theme" not in attrs, attrs
        for name in re.findall(r'w:(?:ascii|hAnsi|cs|eastAsia)="([^"]*)"', attrs):
            assert name == FONT
    if part == "word/styles.xml":
        assert len(fonts) > 10


def test_docx_letterhead(period_files):
    doc = Document(period_files[0])
    head = doc.tables[0]
    left = [p.text for p in head.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in head.cell(0, 1).paragraphs if p.text]
    assert left == ["UBND TỈNH PHÚ THỌ", "SỞ XÂY DỰNG"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert head.cell(1, 0).text == "Số:        /BC-SXD"
    assert head.cell(1, 1).text == "Phú Thọ, ngày 20 tháng 7 năm 2025"
    assert head.cell(1, 1).paragraphs[0].runs[0].italic
    assert head.cell(0, 0).paragraphs[1].runs[0].bold
    body = [p.text for p in doc.paragraphs if p.text]
    assert body[:2] == ["BÁO CÁO",
                        "Kết quả xây dựng điển hình tiên tiến quý\u00a0II năm\u00a02025"]
    sign = doc.tables[-1]
    lines = [p.text for p in sign.cell(0, 0).paragraphs]
    assert lines[0] == "Nơi nhận:" and lines[-1] == "- Lưu: VT, VP."
    assert lines[1:-1] == [f"- {r};" for r in period_files_plan_recipients()]
    assert sign.cell(0, 1).paragraphs[0].text == "GIÁM ĐỐC"


def period_files_plan_recipients() -> list[str]:
    from tests.factories import make_plan
    return list(make_plan().reports.recipients)


def test_docx_has_no_leftover_template_tags(period_files, annual_files, review_files):
    for path in [*period_files, *annual_files, *review_files]:
        if path.suffix == ".docx":
            text = docx_text(path)
            assert "{{" not in text and "{%" not in text and "}}" not in text, path.name


def test_rendering_twice_gives_identical_bytes(period, tmp_path):
    first = quarterly_doc.write_period_documents(period, tmp_path / "a")
    second = quarterly_doc.write_period_documents(period, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    with zipfile.ZipFile(first[0]) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 7, 20, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2025-07-20T00:00:00Z" in core and "<cp:revision>1</cp:revision>" in core


def test_template_generator_is_deterministic_and_committed():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "make_docx_templates", blocks_doc.TEMPLATES / "make_docx_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build_template()
    assert built == module.build_template()
    assert built == blocks_doc.DOCX_TEMPLATE.read_bytes(), "run templates/make_docx_templates.py"


def test_template_tables_keep_their_grid():
    """What lets `_Template.fix_tables` do nothing: no row of the template's tables spans or
    loops over cells, and every row has one cell per grid column. And what lets `_as_saved`
    read the part as text: values are only printed as text, never in an attribute."""
    with zipfile.ZipFile(blocks_doc.DOCX_TEMPLATE) as z:
        xml = z.read("word/document.xml").decode()
    assert not re.search(r"\{%-?\s*(tc|hm|vm|colspan|cellbg)\b", xml)
    assert not re.search(r"<[^>]*[{%]", xml)
    body = Document(blocks_doc.DOCX_TEMPLATE).element.body
    tables = list(body.iter(f"{W}tbl"))
    assert len(tables) > len(blocks_doc.TABLE_LAYOUTS)
    for tbl in tables:
        columns = len(tbl.find(f"{W}tblGrid").findall(f"{W}gridCol"))
        assert not list(tbl.iter(f"{W}gridSpan"))
        assert {len(row.findall(f"{W}tc")) for row in tbl.iter(f"{W}tr")} == {columns}


def _docxtpl_bytes(context: dict) -> bytes:
    """render_docx done by docxtpl's own template class."""
    from docxtpl import DocxTemplate
    day = dt.date.fromisoformat(context["run_date"])
    tpl = DocxTemplate(blocks_doc.DOCX_TEMPLATE)
    tpl.render({"doc": context, "layouts": blocks_doc.TABLE_LAYOUTS},
               render_doc.build_environment())
    render_doc.fix_core_properties(tpl.docx.core_properties,
                                   f"{context['kind']} - {context['subject']}",
                                   blocks_doc.proper_name(context["issuer"]["name"]), day)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return render_doc.fixed_zip(buffer.getvalue(), day)


def _every_block(context: dict, text: str) -> dict:
    """The context with `text` in a block of every type, a table of every layout and every
    other field the template prints, and an appendix with the same blocks."""
    blocks = [{"type": kind, "text": text}
              for kind in ("heading1", "heading2", "heading3", "para", "basis", "center")]
    blocks.append({"type": "article", "label": "Điều 1.", "text": text})
    for layout, columns in blocks_doc.TABLE_LAYOUTS.items():
        cells = [text, "", *["1"] * (len(columns) - 2)]
        blocks += [blocks_doc.table(layout, cells, [cells, [""] * len(columns)], cells),
                   blocks_doc.table(layout, cells, [])]
    return {**context, "blocks": blocks, "recipient": text, "authority": text,
            "recipients": [text, ""],
            "appendix": {"kind": text, "subject": text, "note": text, "blocks": blocks}}


TRICKY_TEXTS = ['Nhà "Văn hóa" & <b>Đoàn</b> \'khu\' > 5', "", " hai  đầu ", "Dòng một\nDòng hai",
                "cột\tcột", "a\r\nb", "dòng\rmới", "ký tự\x01lạ\x1f", "\ufffe\uffff",
                "ngắt\ftrang\a"]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_template_shortcuts_save_what_docxtpl_saves(period, text, tmp_path):
    context = _every_block(quarterly_doc.period_report_context(period), text)
    path = render_doc.render_docx(context, tmp_path / "fast.docx")
    assert path.read_bytes() == _docxtpl_bytes(context)


def test_template_shortcuts_save_what_docxtpl_saves_for_each_document(period, annual, tmp_path):
    review = make_review_report("tong-ket", run_date=dt.date(2025, 6, 30))
    for i, context in enumerate([
            quarterly_doc.period_report_context(period), ntvt_doc.deeds_list_context(period),
            annual_doc.annual_report_context(annual),
            annual_doc.proposal_submission_context(annual),
            annual_doc.award_decision_context(annual), review_doc.review_report_context(review)]):
        path = render_doc.render_docx(context, tmp_path / f"{i}.docx")
        assert path.read_bytes() == _docxtpl_bytes(context), i


def test_compiled_template_cache_cold_warm_or_damaged_renders_the_same(period, tmp_path,
                                                                     monkeypatch):
    """The part's compiled code kept between runs (jinja's bytecode cache, in the temporary
    folder) gives the same document as compiling it; a damaged cache file is compiled over
    and written again."""
    import tempfile

    from jinja2.bccache import bc_magic
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    context = quarterly_doc.period_report_context(period)
    expected = _docxtpl_bytes(context)
    outcomes = []
    for step in ("cold", "warm", "damaged"):
        render_doc._compiled.cache_clear()  # a new run
        if step == "damaged":
            for cached in (tmp_path / "tmp").rglob("*.cache"):
                cached.write_bytes(bc_magic + b"\x80garbage")  # right header, torn body
        outcomes.append(render_doc.render_docx(context, tmp_path / f"{step}.docx").read_bytes())
    assert [o == expected for o in outcomes] == [True, True, True]
    (cached,) = (tmp_path / "tmp").rglob("*.cache")
    assert cached.read_bytes().startswith(bc_magic) and b"garbage" not in cached.read_bytes()


def test_rendered_text_is_encoded_in_batches_or_kept_as_text():
    chunks = ["Tổng ", "hợp", "", "<w:p>", "quý", " III", "\n", "năm ", "2025"]
    for size in (1, 2, 3, 100):
        assert render_doc._encoded(iter(chunks), size) == "".join(chunks).encode("utf-8")
        with_surrogate = [*chunks[:5], "\ud800", *chunks[5:]]
        assert render_doc._encoded(iter(with_surrogate), size) == "".join(with_surrogate)


# ---- the content equals the data -------------------------------------------------------------
def test_quarterly_report_numbers_equal_the_frames(period, period_files):
    text = docx_text(period_files[0])
    intake, scores = period.intake, period.scores
    active = intake.registrations[intake.registrations["trang_thai"].fillna("") != "Rút"]
    kinds = active["loai"].value_counts()
    assert (f"toàn Sở có {len(active)} điển hình tiên tiến đang được theo dõi, xây dựng "
            f"({kinds.get('Tập thể', 0)} tập thể, {kinds.get('Cá nhân', 0)} cá nhân)") in text
    classes = scores["xep_loai"].value_counts()
    assert (f"Có {len(scores)} điển hình được chấm điểm, đánh giá trong kỳ; kết quả xếp loại: "
            f"{classes.get('Xuất sắc', 0)} Xuất sắc, {classes.get('Tốt', 0)} Tốt, "
            f"{classes.get('Đạt', 0)} Đạt, {classes.get('Chưa đạt', 0)} Chưa đạt.") in text
    gated = int((~scores["du_dieu_kien"].astype(bool)).sum())
    assert f"Có {gated} điển hình chưa đủ điều kiện xét chọn" in text
    status = intake.submissions["trang_thai"].value_counts()
    assert all(status.get(s, 0) > 0 for s in (ON_TIME, LATE, MISSING, REJECTED))
    assert (f"Có {len(intake.submissions)} đơn vị phải báo cáo quý II năm 2025 (hạn nộp ngày "
            f"10/07/2025): {status[ON_TIME]} đơn vị nộp đúng hạn, {status[LATE]} "
            f"đơn vị nộp muộn, {status[MISSING]} đơn vị chưa nộp, "
            f"{status[REJECTED]} đơn vị có tệp không tiếp nhận được.") in text
    deeds = intake.good_deeds
    proposed = int((deeds["de_nghi_tuyen_truyen"].map(blocks_doc._yes)).sum())
    assert (f"Các đơn vị báo cáo {len(deeds)} gương người tốt, việc tốt" in text
            and f"đề nghị tuyên truyền, giới thiệu {proposed} gương." in text)
    excellent = scores[scores["de_xuat"].fillna("") == "Giới thiệu điển hình"]
    assert f"Có {len(excellent)} điển hình đủ điều kiện, xếp loại Xuất sắc" in text
    people = int(intake.activities["so_nguoi"].fillna(0).sum())
    units = intake.activities["ma_don_vi"].nunique()
    assert (f"Trong quý II năm 2025, có {units} đơn vị tổ chức {len(intake.activities)} hoạt "
            f"động tuyên truyền, học tập, nhân rộng điển hình với {people} lượt người tham gia, "
            "cụ thể theo hình thức như sau:") in text


def test_activity_table_rows_equal_the_frame(period, period_files):
    lines = docx_lines(period_files[0])
    acts = period.intake.activities
    for form, rows in acts.groupby("hinh_thuc"):
        people = (str(int(rows["so_nguoi"].sum())) if rows["so_nguoi"].notna().any() else "")
        assert f"{form} | {len(rows)} | {rows['ma_don_vi'].nunique()} | {people}" in lines
    assert (f"Tổng cộng | {len(acts)} | {acts['ma_don_vi'].nunique()} | "
            f"{int(acts['so_nguoi'].fillna(0).sum())}") in lines
    notable = lines[lines.index("Một số hoạt động tiêu biểu:") + 1:]
    notable = notable[:next(i for i, x in enumerate(notable) if not x.startswith("- "))]
    assert len(notable) == min(blocks_doc.NOTABLE_ACTIVITIES, acts["noi_dung"].nunique())
    most = acts.sort_values("so_nguoi", ascending=False).iloc[0]
    assert any(f"({int(most['so_nguoi'])} người tham gia)." in x for x in notable)


def test_notable_activities_are_distinct_and_in_date_order():
    plan = make_plan()
    acts = [{"ma_don_vi": "VP", "ngay": dt.date(2025, 7, day), "noi_dung": text, "so_nguoi": n}
            for day, text, n in ((1, "Tọa đàm", 90), (2, "Tọa đàm.", 95), (3, "Hội thi", 10),
                                 (4, "Tham quan", 50), (5, "Sơ kết", 60))]
    chosen = quarterly_doc.notable_activities(plan, acts)
    assert [(a["ngay"].day, a["so_nguoi"]) for a in chosen] == [(2, 95), (4, 50), (5, 60)]


def test_the_same_difficulty_from_several_units_is_said_once():
    plan = make_plan()
    rows = [{"ma_don_vi": "VP", "kho_khan": "- Thiếu kinh phí.\n- Nhân lực mỏng"},
            {"ma_don_vi": "KHTC", "kho_khan": "Nhân lực mỏng;"},
            {"ma_don_vi": "QLXD", "kho_khan": "nhân lực mỏng"}]
    assert quarterly_doc.grouped_items(plan, rows, "kho_khan") == [
        ("Nhân lực mỏng", ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính",
                           "Phòng Quản lý xây dựng"]),
        ("Thiếu kinh phí", ["Văn phòng Sở"])]


def test_unit_table_adds_up_to_the_text_with_a_former_unit(period, tmp_path):
    plan = period.plan
    gone = plan.unit("TTR")  # Thanh tra Sở, valid to 30/06/2025, the fixture's last day
    later = period.period.next()
    assert gone.valid_to == period.period.last_day
    report = dataclasses.replace(period, period=later, previous=None)
    lines = docx_lines(quarterly_doc.write_period_documents(report, tmp_path)[0])
    active = period.intake.registrations[
        period.intake.registrations["trang_thai"].fillna("") != "Rút"]
    mine = int((active["ma_don_vi"] == gone.code).sum())
    assert mine > 0
    row = next(x for x in lines if x.startswith(f"{gone.name} (đến "))
    assert row.split(" | ")[1] == str(mine)
    total = next(x for x in lines if x.startswith("Tổng cộng | ") and x.count("|") == 6)
    assert total.split(" | ")[1] == str(len(active))
    assert any(x.startswith(f"- Văn phòng Sở rà soát {mine} điển hình đang đăng ký của "
                            f"{gone.name} (không còn là đơn vị thuộc Sở từ ngày ")
               for x in lines)


def test_quarterly_unit_table_rows_equal_the_frames(period, period_files):
    lines = docx_lines(period_files[0])
    scores = period.scores
    for unit in period.plan.units_for(period.period):
        mine = scores[scores["ma_don_vi"] == unit.code]
        row = next(x for x in lines if x.startswith(f"{unit.name} | "))
        cells = row.split(" | ")
        assert cells[2] == str(len(mine))
        assert cells[3] == str(int((mine["xep_loai"] == "Xuất sắc").sum()))
        assert cells[6] == str(int((mine["xep_loai"] == "Chưa đạt").sum()))


def test_outstanding_exemplars_carry_their_own_achievement(period, period_files):
    lines = docx_lines(period_files[0])
    chosen = period.scores[period.scores["de_xuat"].fillna("") == "Giới thiệu điển hình"]
    assert len(chosen) > 0
    for row in chosen.itertuples():
        line = next(x for x in lines if f" | {row.ten} | " in x)
        assert blocks_doc.score_text(row.tong_diem) in line.split(" | ")
        if row.thanh_tich:
            assert blocks_doc._prose(row.thanh_tich) in line


def test_upward_documents_carry_no_birth_year_nor_discipline(period, period_files):
    years = {int(y) for y in period.intake.registrations["nam_sinh"].dropna()}
    years |= {int(y) for y in period.intake.good_deeds["nam_sinh"].dropna()}
    assert years
    for path in period_files:
        text = path.read_text("utf-8") if path.suffix == ".html" else docx_text(path)
        for year in years:
            assert str(year) not in text, (path.name, year)
        assert "kỷ luật" not in text.lower(), path.name


def test_good_deeds_list_groups_by_month_and_keeps_only_proposed(period, period_files):
    lines = [x for x in docx_lines(period_files[2]) if x]
    deeds = period.intake.good_deeds
    for row in deeds.itertuples():
        listed = any(f" | {row.ho_ten} | " in x for x in lines)
        assert listed == blocks_doc._yes(row.de_nghi_tuyen_truyen), row.ho_ten
    months = [x for x in lines if x.startswith("Tháng ")]
    proposed = deeds[deeds["de_nghi_tuyen_truyen"].map(blocks_doc._yes)]
    assert months == [f"Tháng {m} năm 2025" for m in sorted(set(proposed["thang"]))]
    assert lines[lines.index("DANH SÁCH") + 2] == "Kính gửi: Ban Thi đua - Khen thưởng tỉnh"


def test_a_quarter_without_data_says_so_in_one_sentence(period, tmp_path):
    intake = period.intake
    empty = dataclasses.replace(
        intake,
        registrations=intake.registrations.iloc[0:0], assessments=intake.assessments.iloc[0:0],
        good_deeds=intake.good_deeds.iloc[0:0], activities=intake.activities.iloc[0:0],
        difficulties=intake.difficulties.iloc[0:0])
    report = dataclasses.replace(period, intake=empty, scores=period.scores.iloc[0:0],
                                 previous=None)
    paths = quarterly_doc.write_period_documents(report, tmp_path)
    lines = docx_lines(paths[0])
    assert "Trong quý II năm 2025, chưa có điển hình nào được đơn vị chấm điểm, đánh giá." in lines
    assert ("Trong quý II năm 2025, các đơn vị chưa báo cáo gương người tốt, việc tốt."
            in lines)
    headings = [x for x in lines if re.match(r"^[IVX]+\. ", x)]
    assert "V. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐƠN VỊ" not in headings
    assert not any("KẾT QUẢ TRIỂN KHAI" in h for h in headings)  # no activities: omitted
    for i, line in enumerate(lines[:-1]):  # every heading is followed by content
        if line in headings:
            assert not re.match(r"^[IVX]+\. ", lines[i + 1]), line


# ---- annual documents ------------------------------------------------------------------------
def test_annual_report_and_proposal(annual, annual_files):
    names = [p.name for p in annual_files]
    assert names == ["BaoCao_2024.docx", "BaoCao_2024.html", "ToTrinh_2024.docx",
                     "QuyetDinh_GiayKhen_2024.docx"]
    text = docx_text(annual_files[0])
    ev = annual.evaluations
    assert f"Năm 2024, có {len(ev)} điển hình được đánh giá" in text
    groups = [x for x in docx_lines(annual_files[0]) if re.match(r"^\d\. (Đề nghị|Biểu)", x)]
    assert groups == [  # one table per proposal made, none for a proposal nobody got
        f"{i}. {label}: {blocks_doc.kinds_phrase(ev[ev['de_xuat'] == p].to_dict('records'))}"
        for i, (label, p) in enumerate(
            [(label, p) for label, p in (
                ("Đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen", BANG_KHEN),
                ("Đề nghị Giám đốc Sở tặng Giấy khen", GIAY_KHEN), ("Biểu dương", "Biểu dương"))
             if (ev["de_xuat"] == p).any()], start=1)]
    assert len(groups) == 2
    submission = docx_lines(annual_files[2])
    assert "Số:        /TTr-SXD | Phú Thọ, ngày 15 tháng 01 năm 2025" in submission
    bk = ev[ev["de_xuat"] == BANG_KHEN]
    appendix = submission[submission.index("DANH SÁCH"):]
    for row in bk.itertuples():
        assert any(f" | {row.ten} | " in x for x in appendix), row.ten
    kinds = blocks_doc.kinds_phrase(bk.to_dict('records'))
    assert f"tặng Bằng khen cho {kinds} (có danh sách kèm " \
           "theo)./." in "\n".join(submission)


def test_award_decision_lists_the_giay_khen_proposals(annual, tmp_path):
    ev = annual.evaluations.copy()
    ev.loc[ev["de_xuat"] == BANG_KHEN, "de_xuat"] = GIAY_KHEN
    report = dataclasses.replace(annual, evaluations=ev)
    paths = annual_doc.write_annual_documents(report, tmp_path)
    lines = [x for x in docx_lines(paths[3]) if x]
    gk = ev[ev["de_xuat"] == GIAY_KHEN]
    assert len(gk) > 0
    assert lines[lines.index("QUYẾT ĐỊNH") + 2] == "GIÁM ĐỐC SỞ XÂY DỰNG"
    assert (f"Điều 1. Tặng Giấy khen của Giám đốc Sở Xây dựng cho "
            f"{blocks_doc.kinds_phrase(gk.to_dict('records'))} (có danh sách kèm theo)"
            ) in "\n".join(lines)
    appendix = lines[lines.index("DANH SÁCH"):]
    for row in gk.itertuples():
        assert any(f" | {row.ten} | " in x for x in appendix), row.ten
    assert "Nơi nhận:\n- Như Điều 3;\n- Lãnh đạo Sở;\n- Lưu: VT, VP. | GIÁM ĐỐC" in "\n".join(
        lines)


def test_award_decision_without_proposals_says_so(annual, tmp_path):
    ev = annual.evaluations.copy()
    ev["de_xuat"] = None
    paths = annual_doc.write_annual_documents(dataclasses.replace(annual, evaluations=ev), tmp_path)
    text = docx_text(paths[3])
    assert "Năm 2024, không có tập thể, cá nhân được đề nghị tặng Giấy khen" in text
    assert "Điều 1." not in text and "DANH SÁCH" not in text
    assert "0 tập thể" not in docx_text(paths[2])


# ---- review ----------------------------------------------------------------------------------
def test_review_report(review_files):
    assert [p.name for p in review_files] == ["BaoCao_tong-ket-2021-2025.docx",
                                              "BaoCao_tong-ket-2021-2025.html"]
    lines = docx_lines(review_files[0])
    assert lines[lines.index("BÁO CÁO") + 1].startswith("Tổng kết thực hiện Kế hoạch")


# ---- HTML ------------------------------------------------------------------------------------
def test_html_is_self_contained_responsive_and_printable(period_files):
    html = period_files[1].read_text("utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media print" in html and "size: A4 portrait" in html
    assert "@media (max-width: 640px)" in html
    assert html.count("<svg") == 2
    assert re.findall(r"(?:src|href)=", html) == []
    assert re.findall(r"https?://", html) == ["http://"] * 2  # the SVG namespaces only
    assert "<script" not in html
    assert "Phú Thọ, ngày 20 tháng 7 năm 2025" in html


# ---- golden files ----------------------------------------------------------------------------
def test_golden_period(period_files):
    check_golden("BaoCao_2025-Q2.docx.txt", docx_text(period_files[0]) + "\n")
    check_golden("BaoCao_2025-Q2.html", period_files[1].read_text("utf-8"))
    check_golden("NguoiTotViecTot_2025-Q2.docx.txt", docx_text(period_files[2]) + "\n")


def test_golden_annual(annual_files):
    check_golden("BaoCao_2024.docx.txt", docx_text(annual_files[0]) + "\n")
    check_golden("ToTrinh_2024.docx.txt", docx_text(annual_files[2]) + "\n")
    check_golden("QuyetDinh_GiayKhen_2024.docx.txt", docx_text(annual_files[3]) + "\n")


def test_golden_review(review_files):
    check_golden("BaoCao_tong-ket-2021-2025.docx.txt", docx_text(review_files[0]) + "\n")


# ---- external renderers (skipped when absent) ------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(profile: Path, page: Path, *args: str) -> None:
    """Headless Chromium, offline and with a private profile, on a local page."""
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
        check=True, capture_output=True, timeout=120)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_html_prints_in_headless_chromium(period, period_files, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pdf = tmp_path / "x.pdf"
    run_chromium(tmp_path / "profile", period_files[1], "--no-pdf-header-footer",
                 f"--print-to-pdf={pdf}")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 2
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {
        (595, 842)}  # A4 portrait, from the template's @page
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    text = re.sub(r"\s+", " ", text)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Phú Thọ, ngày 20 tháng 7 năm 2025",
                     "I. KẾT QUẢ TRIỂN KHAI THỰC HIỆN", "Nơi nhận:", "GIÁM ĐỐC",
                     f"có {len(period.scores)} điển hình được chấm điểm".capitalize()):
        assert expected in text, expected
    for name in period.scores["ten"][period.scores["de_xuat"].fillna("") != ""]:
        assert name in text, name


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
def test_html_screenshots_in_headless_chromium(period_files, tmp_path, size):
    shot = tmp_path / "page.png"
    run_chromium(tmp_path / "profile", period_files[1], f"--window-size={size[0]},{size[1]}",
                 f"--screenshot={shot}")
    assert png_size(shot) == size
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed")
def test_pdf_conversion_is_reproducible(annual_files, tmp_path):
    source = [annual_files[2]]
    first = render_doc.convert_to_pdf(source, tmp_path / "a", dt.date(2025, 1, 15))
    second = render_doc.convert_to_pdf(source, tmp_path / "b", dt.date(2025, 1, 15))
    assert [p.name for p in first] == ["ToTrinh_2024.pdf"]
    data = first[0].read_bytes()
    assert data == second[0].read_bytes()
    assert b"/CreationDate(D:20250115000000" in data
    assert b"/MediaBox[0 0 595" in data.replace(b" [", b"[")  # A4: 595 × 842 pt


def test_convert_to_pdf_without_libreoffice_returns_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(render_doc.shutil, "which", lambda name: None)
    assert render_doc.convert_to_pdf([tmp_path / "x.docx"], tmp_path) == []


def test_frames_are_not_mutated(period, tmp_path):
    before = {name: frame.copy() for name, frame in (
        ("scores", period.scores), ("registrations", period.intake.registrations),
        ("good_deeds", period.intake.good_deeds))}
    quarterly_doc.write_period_documents(period, tmp_path)
    pd.testing.assert_frame_equal(before["scores"], period.scores)
    pd.testing.assert_frame_equal(before["registrations"], period.intake.registrations)
    pd.testing.assert_frame_equal(before["good_deeds"], period.intake.good_deeds)


def test_a_quarter_not_yet_due_is_said_not_counted_as_missing(annual, tmp_path):
    q4 = next(q for q in annual.quarters if q.period.quarter == 4)
    empty_q4 = dataclasses.replace(q4, scores=q4.scores.iloc[0:0])
    report = dataclasses.replace(
        annual, run_date=dt.date(2024, 12, 20),
        quarters=[empty_q4 if q is q4 else q for q in annual.quarters])
    lines = docx_lines(annual_doc.write_annual_documents(report, tmp_path)[0])
    assert not any(x.startswith("Quý IV/2024 | ") for x in lines)
    assert ("Báo cáo quý IV năm 2024 chưa đến hạn (hạn nộp ngày 10/01/2025), chưa tổng hợp."
            in lines)
    assert (f"Trong năm 2024, các đơn vị báo cáo định kỳ {len(annual.quarters) - 1} quý; kết "
            "quả từng quý như sau:") in lines
