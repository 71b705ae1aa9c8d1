"""Nothing of one plan in what the other plan's units and leaders read.

Two very different plans (the shipped 2021–2025 one and `tests/plans.OTHER_PLAN`, 2031–2035:
other units, criteria C1–C4, four movements of other codes, another gated movement, half-point
threshold, deadline on the month's last day, other recipients and bases). For each, the
repository's generator makes three quarters of unit files, and the real jobs write the blank
templates, a quarter's report (workbook, documents, annotated feedback copies and reply
texts), the annual evaluation of the plan's year and the mid-term review; every text in them
is searched for the other plan's codes, names, ranges, years and recipients.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline import run
from pipeline.config import load_plan
from pipeline.intake.covers import other_plan_of
from pipeline.periods import Period
from pipeline.tools.sample import generate
from tests.plans import leaks, write_other_plan

pytestmark = pytest.mark.slow

CASES = {  # plan code -> (plan file name, quarters generated, run date)
    "2031-2035": ("2031-2035.toml", [Period(2031, 1), Period(2031, 2), Period(2031, 3)],
                  dt.date(2031, 10, 25)),
    "2021-2025": ("2021-2025.toml", [Period(2025, 1), Period(2025, 2), Period(2025, 3)],
                  dt.date(2025, 10, 25)),
}
OTHER = {"2031-2035": "2021-2025", "2021-2025": "2031-2035"}
_TEXT_NODE = re.compile(r">([^<>]+)<")
_READ_ATTRS = re.compile(r'\b(?:prompt|promptTitle|error|errorTitle)="([^"]*)"')


def _texts(path: Path) -> str:
    """Every text a person reads in an output file (cells, comments, prompts, charts, words)."""
    if path.suffix in (".xlsx", ".docx"):
        parts = []
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".vml")) and "theme" not in name:
                    xml = archive.read(name).decode("utf-8")
                    parts += _TEXT_NODE.findall(xml) + _READ_ATTRS.findall(xml)
        return "\n".join(parts)
    if path.suffix in (".html", ".txt"):
        return path.read_text(encoding="utf-8")
    return ""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Plan code -> {output file (relative): its readable text}."""
    root = tmp_path_factory.mktemp("two-plans")
    write_other_plan(root / "plans")
    found = {}
    for code, (name, periods, day) in CASES.items():
        plan = load_plan(root / "plans" / name)
        inputs, out = root / code / "inputs", root / code / "outputs"
        generate(plan, periods, inputs)
        run.run_templates(plan, periods[-1].next(), out)
        run.run_report(plan, periods[-1], inputs, out, day, name, pdf=False)
        run.run_annual(plan, day.year, inputs, out, day, pdf=False)
        run.run_review(plan, "so-ket", inputs, out, day, pdf=False)
        found[code] = {str(p.relative_to(out)): _texts(p) for p in sorted(out.rglob("*"))
                       if p.is_file() and "data" not in p.parts and ".cache" not in p.parts}
    return found


@pytest.mark.parametrize("code", list(CASES))
def test_no_word_of_the_other_plan_in_what_people_read(outputs, code):
    texts = outputs[code]
    last, year = CASES[code][1][-1], CASES[code][2].year
    folders = {Path(name).parent.as_posix() for name in texts}
    assert {"mau", f"{last}/phan-hoi"} <= folders  # templates and feedback were written
    for name in (f"{last}/BaoCao_{last}.docx", f"{last}/BaoCao_{last}.html",
                 f"{last}/NguoiTotViecTot_{last}.docx", f"{last}/TongHop_{last}.xlsx",
                 f"{year}/ToTrinh_{year}.docx", f"{year}/QuyetDinh_GiayKhen_{year}.docx",
                 f"{year}/TongHop_{year}.xlsx"):
        assert texts.get(name), name
    found = {name: leaks(text, OTHER[code]) for name, text in texts.items()}
    assert {name: words for name, words in found.items() if words} == {}


def test_the_other_plans_own_words_are_what_its_templates_say(outputs):
    """The hints name the plan's movements, range and gated movement instead."""
    template = next(t for n, t in outputs["2031-2035"].items() if n.startswith("mau/"))
    assert "CDS2, XANH, TRE hoặc DAN." in template
    assert "Chấm đủ các tiêu chí chung C1–C4" in template
    assert "Bắt buộc với tập thể thuộc phong trào XANH: Có hoặc Không." in template
    assert "Tập thể thuộc phong trào XANH phải ghi Đạt chuẩn ANTT." in template
    assert "Hội đồng Thi đua tỉnh" in template  # the good-deeds guide names the plan's body
    assert "15/10/2031" in template  # an example date inside the template's period


def test_a_file_from_the_other_plans_template_gets_one_finding_saying_what_to_use(tmp_path):
    old_path, other_path = write_other_plan(tmp_path / "plans")
    old, other = load_plan(old_path), load_plan(other_path)
    generate(old, [Period(2025, 1)], tmp_path / "inputs", mistakes=False)
    path = next((tmp_path / "inputs" / "2025-Q1").glob("VP*.xlsx"))
    book = openpyxl.load_workbook(path)  # last year's file, its period changed by the unit
    cover = book["Thông tin"]
    row = next(r for r in range(1, 20) if cover.cell(r, 1).value == "Kỳ báo cáo")
    cover.cell(row, 2).value = "2031-Q1"
    book.save(path)
    # checked as the clerk would on its arrival in 2031-Q1 (the file still lies in the
    # folder of 2025-Q1, so the period is given)
    _, findings = run.check_file(other, path, tmp_path / "empty", dt.date(2031, 4, 20),
                                 Period(2031, 1))
    b11 = findings[findings["ma_loi"] == "B11"]
    assert list(b11["thong_bao"]) == [
        "Ô B9: tệp được lập từ mẫu của kế hoạch khác: phiên bản mẫu "
        "'ĐHTT-2021-2025 v1' là mẫu của Kế hoạch xây dựng điển hình tiên tiến của Sở Xây dựng, "
        "giai đoạn 2021 – 2025. Quý I năm 2031 thuộc Chương trình thi đua nêu gương giai đoạn "
        "2031 – 2035: đề nghị đơn vị dùng mẫu phiên bản 'NG-2031 v2' (mẫu 2031-Q1 Văn phòng Sở "
        "gửi), chép số liệu sang mẫu đó và gửi lại."]
    assert "B10" not in set(findings["ma_loi"])
    # Without a version, the movement codes tell: codes of the other plan, none of this one.
    assert other_plan_of(other, "", ["VHCS", "NVCT"]).code == "2021-2025"
    assert other_plan_of(other, "", ["VHCS", "XANH"]) is not None
    assert other_plan_of(other, "", ["XANH"]) is None
    assert other_plan_of(other, "", ["VHSC"]) is None  # a typo is not another plan
    assert other_plan_of(other, "NG-2031 v2", ["VHCS"]) is None
