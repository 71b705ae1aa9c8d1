"""The council's vote end to end on the sample inputs: ballots out, ballots in, the tally, the
minutes, documents listing only what passed, byte-identical reruns; the config's checks."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline.config import ConfigError, load_plan
from pipeline.council.minutes_template import MINUTES_TEMPLATE, build_template
from pipeline.council.tally import BIEU_QUYET, VOTE_EXTRA
from pipeline.run import run_annual, run_ballots

INPUTS = Path(__file__).resolve().parents[2] / "inputs"
PLAN_FILE = Path(__file__).resolve().parents[2] / "plans" / "2021-2025.toml"
RUN, MEETING = dt.date(2025, 12, 22), dt.date(2025, 12, 20)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture(scope="module")
def annual(tmp_path_factory):
    plan = load_plan()
    out = tmp_path_factory.mktemp("out")
    sent = run_ballots(plan, 2025, INPUTS, out, RUN, MEETING)
    status = run_annual(plan, 2025, INPUTS, out, RUN, pdf=False, meeting_date=MEETING)
    first = _tree(out / "2025")
    again = run_annual(plan, 2025, INPUTS, out, RUN, pdf=False, meeting_date=MEETING)
    return plan, out / "2025", sent, status, first, again


def test_ballots_one_per_member_valid_on_the_meeting_day(annual):
    _, folder, sent, *_ = annual
    # TV05's term ended on 30/06/2025, TV06 joined on 01/07/2025
    assert [p.name for p in sent] == [f"PhieuBau_2025_TV0{i}.xlsx" for i in (1, 2, 3, 4, 6, 7, 8)]
    book = openpyxl.load_workbook(folder / "phieu-bau" / "PhieuBau_2025_TV03.xlsx")
    sheet = book["Phiếu bầu"]
    assert sheet.protection.sheet and not sheet.protection.password
    header = [c.value for c in sheet[4]]
    assert header == ["STT", "Mã đơn vị", "Mã điển hình", "Tên", "Loại", "Phong trào", "Đề xuất",
                      "Tổng điểm", "Xếp loại", "Ý kiến", "Ghi chú"]
    assert sheet["J5"].protection.locked is False and sheet["C5"].protection.locked is True
    assert sheet.data_validations.dataValidation[0].formula1 == '"Đồng ý,Không đồng ý"'


def test_the_sample_vote(annual):
    _, folder, _, status, *_ = annual
    assert status == 0  # the sample's ballots have no error
    rows = _csv(folder / "data" / "bieu_quyet.csv")
    assert list(rows[0]) == BIEU_QUYET + VOTE_EXTRA
    proposals = [r for r in _csv(folder / "data" / "de_xuat.csv") if r["de_xuat"]]
    assert [(r["ma_don_vi"], r["ma_dien_hinh"]) for r in rows] == [
        (r["ma_don_vi"], r["ma_dien_hinh"]) for r in proposals]
    for r in rows:  # TV07 sent nothing: 6 of 7 members voted on every row
        assert (r["chua_gui"], r["thanh_vien"]) == ("1", "7")
        assert sum(int(r[k]) for k in ("dong_y", "khong_dong_y", "khong_bo_phieu",
                                       "chua_gui")) == 7
    # 6/7 = 0.86 < 0.9: every Bằng khen fails and falls back to Giấy khen
    bang_khen = [r for r in rows if r["de_xuat"].endswith("Bằng khen")]
    assert bang_khen and {(r["ty_le"], r["ket_qua"], r["de_xuat_thong_qua"]) for r in bang_khen} \
        == {("0.86", "Không thông qua", "Đề nghị Giám đốc Sở tặng Giấy khen")}
    refused = [r for r in rows if r["ket_qua"] == "Không thông qua" and not r["de_xuat_thong_qua"]]
    assert [(r["dong_y"], r["khong_dong_y"], r["ty_le"]) for r in refused] == [("3", "3", "0.43")]
    assert any(r["khong_bo_phieu"] == "1" for r in rows)  # the abstention
    fates = _csv(folder / "data" / "phieu_bau.csv")
    assert {r["ket_qua"] for r in fates} == {"Được tiếp nhận", "Bị thay thế"}
    assert len(fates) == 7 * len(rows)  # 7 ballot files, one resent


def test_outputs_of_the_vote(annual):
    _, folder, *_ = annual
    minutes = _text(folder / "BienBan_HoiDong_2025.docx")
    for text in ("BIÊN BẢN", "Họp Hội đồng Thi đua - Khen thưởng Sở", "THƯ KÝ",
                 "CHỦ TỊCH HỘI ĐỒNG", "Ngô Thị Thanh Tâm", "Nguyễn Văn Thành",
                 "Thành viên không gửi phiếu: Vũ Thị Lan (Ủy viên).", "KẾT LUẬN",
                 "nên chuyển thành đề nghị Giám đốc Sở tặng Giấy khen"):
        assert text in minutes
    proposal = _text(folder / "ToTrinh_2025.docx")
    assert "không có tập thể, cá nhân đủ điều kiện đề nghị tặng Bằng khen" in proposal
    assert ("Chỉ các đề xuất được Hội đồng Thi đua - Khen thưởng Sở biểu quyết thông qua tại "
            "cuộc họp ngày 20/12/2025 được đưa vào danh sách đề nghị (25/36 đề xuất được thông "
            "qua, 10 đề xuất Bằng khen không đủ tỷ lệ được chuyển thành Giấy khen; 6/7 thành "
            "viên gửi phiếu; biên bản họp kèm theo).") in proposal
    decision = _text(folder / "QuyetDinh_GiayKhen_2025.docx")
    assert "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng Sở ngày 20/12/2025;" in decision
    assert "Văn thư - Lưu trữ" in decision  # a Bằng khen fallen back to Giấy khen
    assert "Phan Thị Hồng Vân" not in decision and "Phan Thị Hồng Vân" not in _text(
        folder / "BaoCao_2025.docx")  # the Biểu dương the council refused
    book = openpyxl.load_workbook(folder / "TongHop_2025.xlsx")
    assert book.sheetnames[-1] == "Biểu quyết"
    assert book["Biểu quyết"]._charts


def test_reruns_are_byte_identical_and_keep_the_ballots_sent(annual):
    *_, first, again = annual
    assert again == 0
    assert "phieu-bau/PhieuBau_2025_TV01.xlsx" in first
    second = _tree(annual[1])
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_without_the_folder_annual_is_as_before(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs, ignore=shutil.ignore_patterns("*-hoi-dong"))
    status = run_annual(load_plan(), 2025, inputs, tmp_path / "out", RUN, pdf=False)
    names = set(_tree(tmp_path / "out" / "2025"))
    assert status == 0
    assert names == {"TongHop_2025.xlsx", "BaoCao_2025.docx", "BaoCao_2025.html",
                     "ToTrinh_2025.docx", "QuyetDinh_GiayKhen_2025.docx", "data/de_xuat.csv",
                     "manifest.json"}
    assert "Biểu quyết" not in openpyxl.load_workbook(
        tmp_path / "out" / "2025" / "TongHop_2025.xlsx").sheetnames


def test_minutes_template_is_up_to_date():
    assert build_template() == MINUTES_TEMPLATE.read_bytes(), \
        "run python -m pipeline.council.minutes_template"


COUNCIL_ERRORS = [
    ('unit = "KHTC"', 'unit = "XYZ"',
     "council.members[mục thứ 4, TV04].unit: 'XYZ' không phải mã đơn vị của kế hoạch"),
    ('code = "TV02"', 'code = "TV01"', "council.members: mã 'TV01' bị trùng"),
    ('quorum = "2/3"', 'quorum = "3/2"', "khóa 'council.quorum': '3/2' phải là một tỷ lệ"),
    ('[council.kinds."Biểu dương"]', '[council.kinds."Khen"]',
     "khóa 'council.kinds': 'Khen' không phải một đề xuất khen thưởng hằng năm"),
    ("threshold = 0.9", "threshold = 1.5",
     "khóa 'council.kinds.Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen.threshold': '1.5' phải"),
    ('role = "Thư ký"', 'role = "Thủ quỹ"', "khóa 'council.members[mục thứ 8, TV08].role'"),
]


@pytest.mark.parametrize(("old", "new", "message"), COUNCIL_ERRORS)
def test_council_config_errors_name_the_item(tmp_path, old, new, message):
    text = PLAN_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_plan(path)
    assert message in str(error.value)
