"""Acceptance: what the Office clerk meets in a real quarter, run through the command line.

One copied period folder (2025-Q3 of the samples, alone, so the run is quick) receives the odd
things clerks really get: legacy .xls and LibreOffice .ods files, a password-protected file, a
cover letter in .docx, a zero-byte file, a truncated workbook named after a unit, e-mails from
a wrong or unknown sender, an identical second copy, a sheet whose header moved to row 5
amid extra columns, and a cover saying "Quý 3/2025". Then: an empty period folder, broken
plan configs, a plan with one more unit, and the next plan's templates.
"""

import csv
import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs" / "2025-Q3"
PLAN = REPO / "plans" / "2021-2025.toml"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "realworld"  # ../shared beside the checkout, if present
ENCRYPTED = CORPUS / "calamine" / "pass_protected.xlsx"
SOFFICE = shutil.which("soffice")
RUN_DATE = "2025-10-20"
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def convert(source: Path, fmt: str, out_dir: Path) -> Path:
    """A unit's workbook re-saved by LibreOffice as .xls or .ods (private profile)."""
    profile = out_dir / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", fmt, "--outdir", str(out_dir), str(source)],
                   check=True, capture_output=True, timeout=180)
    return out_dir / f"{source.stem}.{fmt}"


def email(path: Path, sender: str, day: int, name: str, data: bytes) -> None:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "vanphong.sxd@phutho.gov.vn"
    msg["Subject"] = "Báo cáo quý III"
    vietnam = timezone(timedelta(hours=7))
    msg["Date"] = format_datetime(datetime(2025, 10, day, 9, 0, tzinfo=vietnam))
    msg.set_content("Kính gửi Văn phòng Sở,\nĐơn vị gửi báo cáo quý III.\n")
    msg.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    path.write_bytes(bytes(msg))


def move_header_to_row_5(path: Path, sheet: str) -> None:
    """Three title rows and a blank row above the header, one extra column inside, one after."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.insert_rows(1, 4)
    ws["A1"] = "BÁO CÁO ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN QUÝ III/2025"
    ws["A2"] = "Đơn vị: Phòng Quản lý vận tải"
    ws.insert_cols(3)
    ws["C5"] = "Ghi chú nội bộ"
    last = ws.max_column + 1
    ws.cell(5, last, "Người nhập")
    ws.cell(6, last, "Tuấn")
    wb.save(path)


def set_cover_period(path: Path, text: str) -> None:
    wb = openpyxl.load_workbook(path)
    for label, value in wb["Thông tin"].iter_rows(min_col=1, max_col=2):
        if label.value == "Kỳ báo cáo":
            value.value = text
    wb.save(path)


@pytest.fixture(scope="module")
def odd_quarter(tmp_path_factory):
    if not SAMPLE.is_dir():
        pytest.skip("sample inputs not generated")
    if SOFFICE is None or not ENCRYPTED.is_file():
        pytest.skip("needs LibreOffice and the shared real-world corpus")
    base = tmp_path_factory.mktemp("odd")
    folder = base / "inputs" / "2025-Q3"
    shutil.copytree(SAMPLE, folder)
    for name, fmt in [("KHTC_BaoCao_Q3_2025.xlsx", "xls"), ("PTDT-DHTT-2025-Q3.xlsx", "ods")]:
        convert(folder / name, fmt, base)
        shutil.move(base / f"{Path(name).stem}.{fmt}", folder / f"{Path(name).stem}.{fmt}")
        (folder / name).unlink()
    qln = folder / "bao cao DHTT quy 3 - QLN.xlsx"
    qln_bytes = qln.read_bytes()
    qln.unlink()
    shutil.copyfile(ENCRYPTED, folder / "QLN_BaoCao_Q3_2025.xlsx")
    email(folder / "Fwd bao cao QLN.eml", "Nguyễn Văn Hùng <qlxd.sxd@phutho.gov.vn>", 9,
          "BC QLN quy 3.xlsx", qln_bytes)
    email(folder / "bao cao.eml", "Ai đó <nguoila@gmail.com>", 12, "baocao.xlsx",
          qln_bytes[:4000])
    letter = docx.Document()
    letter.add_paragraph("Công văn về việc gửi báo cáo quý III")
    letter.save(folder / "Cong van so 123.docx")
    (folder / "KCHT_Q3_2025.xlsx").write_bytes(b"")
    ttkd = (folder / "TTKD - BC thi dua quy III nam 2025.xlsx").read_bytes()
    (folder / "TTKD_Q3.xlsx").write_bytes(ttkd[:5000])
    move_header_to_row_5(folder / "QLVT-DHTT-2025-Q3.xlsx", "Đăng ký")
    set_cover_period(folder / "bao cao DHTT quy 3 - QHKT.xlsx", "Quý 3/2025")
    shutil.copyfile(folder / "bao cao DHTT quy 3 - QLXD.xlsx",
                    folder / "bao cao DHTT quy 3 - QLXD - Copy.xlsx")
    result = invoke("report", "--inputs", str(base / "inputs"), "--outputs", str(base / "out"),
                    "--run-date", RUN_DATE, "--no-pdf")
    return base / "out" / "2025-Q3", result


def findings(out: Path) -> dict[str, set[tuple[str, str, str, str, str]]]:
    """File -> {(level, unit, sheet, cell, code)} from loi.csv."""
    found: dict[str, set] = {}
    for row in read_csv(out / "data" / "loi.csv"):
        found.setdefault(row["tep"], set()).add(
            (row["muc_do"], row["ma_don_vi"], row["trang_tinh"], row["o"], row["ma_loi"]))
    return found


def file_level(found: set) -> set:
    """Findings about the file or its cover (codes F…, B…); the folder has no history, so
    score rows of earlier registrations are rejected too and are not what these tests look at."""
    return {f for f in found if f[4].startswith(("F", "B"))}


def test_odd_quarter_completes_with_status_1_and_says_where_the_results_are(odd_quarter):
    _, result = odd_quarter
    assert result.exit_code == 1, result.output
    assert "Kết quả:" in result.output and "lỗi trong" in result.output


def test_submission_status_survives_every_odd_file(odd_quarter):
    out, _ = odd_quarter
    status = {r["ma_don_vi"]: (r["trang_thai"], r["tep"])
              for r in read_csv(out / "data" / "nop_bao_cao.csv")}
    assert status == {
        "VP": ("Đúng hạn", "VP_BaoCao_Q3_2025 (gui lai).xlsx"),
        "KHTC": ("Đúng hạn", "KHTC_BaoCao_Q3_2025.xls"),
        "QLXD": ("Đúng hạn", "bao cao DHTT quy 3 - QLXD.xlsx"),
        "QHKT": ("Muộn", "bao cao DHTT quy 3 - QHKT.xlsx"),
        "PTDT": ("Đúng hạn", "PTDT-DHTT-2025-Q3.ods"),
        "QLN": ("Đúng hạn", "Fwd bao cao QLN.eml/BC QLN quy 3.xlsx"),
        "TTKD": ("Đúng hạn", "TTKD - BC thi dua quy III nam 2025.xlsx"),
        "TTQH": ("Đúng hạn", "Bao cao DHTT quy III-2025 - TTQH.eml/"
                             "Bao cao dien hinh tien tien Q3.2025 (TTQH).xlsx"),
        "QLVT": ("Đúng hạn", "QLVT-DHTT-2025-Q3.xlsx"),
        "KCHT": ("Bị từ chối", "KCHT_Q3_2025.xlsx"),
    }


def test_each_unreadable_file_is_rejected_with_its_code_and_tied_to_a_unit_if_possible(odd_quarter):
    out, _ = odd_quarter
    found = findings(out)
    assert found["QLN_BaoCao_Q3_2025.xlsx"] == {("Lỗi", "QLN", "", "", "F02")}
    assert found["KCHT_Q3_2025.xlsx"] == {("Lỗi", "KCHT", "", "", "F03")}
    assert found["TTKD_Q3.xlsx"] == {("Lỗi", "TTKD", "", "", "F01")}
    assert found["Cong van so 123.docx"] == {("Lỗi", "", "", "", "F04")}
    assert found["bao cao.eml/baocao.xlsx"] == {("Lỗi", "", "", "", "F01")}


def test_wrong_sender_copy_and_moved_header_are_flagged_not_rejected(odd_quarter):
    out, _ = odd_quarter
    found = findings(out)
    assert file_level(found["Fwd bao cao QLN.eml/BC QLN quy 3.xlsx"]) == {
        ("Cảnh báo", "QLN", "", "", "F09")}
    assert file_level(found["bao cao DHTT quy 3 - QLXD - Copy.xlsx"]) == {
        ("Cảnh báo", "QLXD", "", "", "F07")}
    qlvt = {f for f in found["QLVT-DHTT-2025-Q3.xlsx"]
            if f[2] == "Đăng ký" and f[4] in ("S03", "C02")}
    assert qlvt == {("Lưu ý", "QLVT", "Đăng ký", "C5", "S03"),
                    ("Lưu ý", "QLVT", "Đăng ký", "P5", "S03"),
                    ("Lỗi", "QLVT", "Đăng ký", "I8", "C02")}
    assert not file_level(found.get("bao cao DHTT quy 3 - QHKT.xlsx", set()))


def test_manifest_lists_every_file_with_its_fate_and_balances(odd_quarter):
    out, _ = odd_quarter
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    fate = {e["tep"]: e["ket_qua"] for e in manifest["dau_vao"] if "ket_qua" in e}
    assert fate["KHTC_BaoCao_Q3_2025.xls"] == "Được tiếp nhận"
    assert fate["PTDT-DHTT-2025-Q3.ods"] == "Được tiếp nhận"
    assert fate["bao cao DHTT quy 3 - QLXD - Copy.xlsx"] == "Bị thay thế"
    for name in ["QLN_BaoCao_Q3_2025.xlsx", "KCHT_Q3_2025.xlsx", "TTKD_Q3.xlsx",
                 "Cong van so 123.docx", "bao cao.eml/baocao.xlsx"]:
        assert fate[name] == "Bị từ chối", name
    assert manifest["can_doi"] is True
    for entry in manifest["so_dong"]:
        assert entry["doc"] == (entry["chap_nhan"] + entry["tu_choi"] + entry["bi_thay_the"]
                                + entry["gop"])


def test_replies_name_each_rejected_file_with_what_to_send_again(odd_quarter):
    out, _ = odd_quarter
    replies = out / "phan-hoi"
    qln = (replies / "QLN.txt").read_text("utf-8")
    assert "Kính gửi: Phòng Quản lý nhà và Thị trường bất động sản" in qln
    assert "gửi lại bản không đặt mật khẩu" in qln
    kcht = (replies / "KCHT.txt").read_text("utf-8")
    assert "Tệp rỗng (0 byte)" in kcht
    assert (replies / "KCHT_KCHT_Q3_2025.xlsx").is_file()
    assert (replies / "Cong van so 123.xlsx").is_file()


def test_an_empty_period_folder_is_a_normal_run_where_every_unit_is_missing(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "2025-Q4").mkdir(parents=True)
    result = invoke("report", "--inputs", str(inputs), "--outputs", str(tmp_path / "out"),
                    "--run-date", "2026-01-20", "--no-pdf")
    assert result.exit_code == 0, result.output
    data = tmp_path / "out" / "2025-Q4" / "data"
    status = [(r["ma_don_vi"], r["trang_thai"]) for r in read_csv(data / "nop_bao_cao.csv")]
    assert status == [(code, "Chưa nộp") for code in
                      ["VP", "KHTC", "QLXD", "QHKT", "PTDT", "QLN", "TTKD", "TTQH", "QLVT", "KCHT"]]
    assert read_csv(data / "loi.csv") == []


def plan_text() -> str:
    return PLAN.read_text("utf-8")


@pytest.mark.parametrize("old, new, message", [
    ("day = 10", "day = 10 ngày", "sai cú pháp TOML"),
    ("max = 20\n", "max = 25\n",
     "movements VHCS: điểm tối đa tiêu chí chung và cụ thể cộng lại là 105, phải bằng 100."),
    ("giay_khen_quota = 0.30", 'giay_khen_quota = "30%"',
     "khóa 'awards.giay_khen_quota': phải là số."),
    ('code = "KCHT"', 'code = "QLN"', "units: mã 'QLN' bị trùng."),
])
def test_a_broken_config_stops_with_one_vietnamese_line_and_status_2(tmp_path, old, new, message):
    config = tmp_path / "plan.toml"
    config.write_text(plan_text().replace(old, new, 1), "utf-8")
    (tmp_path / "inputs" / "2025-Q3").mkdir(parents=True)
    result = invoke("report", "--inputs", str(tmp_path / "inputs"), "--outputs",
                    str(tmp_path / "out"), "--config", str(config), "--run-date", RUN_DATE,
                    "--no-pdf")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Lỗi: Tệp cấu hình '{config}'")
    assert message in lines[0]
    assert not (tmp_path / "out").exists()


NEW_UNIT = '''[[units]]
code = "BQLDA"
name = "Ban Quản lý dự án đầu tư xây dựng"
email = "bqlda.sxd@phutho.gov.vn"
valid_from = 2025-07-01

'''


def test_a_unit_added_to_the_config_is_expected_and_gets_a_template(tmp_path):
    text = plan_text()
    anchor = text.index("# " + "-" * 76 + "\n# TIÊU CHÍ.")
    config = tmp_path / "plan.toml"
    config.write_text(text[:anchor] + NEW_UNIT + text[anchor:], "utf-8")
    (tmp_path / "inputs" / "2025-Q3").mkdir(parents=True)
    result = invoke("report", "--inputs", str(tmp_path / "inputs"), "--outputs",
                    str(tmp_path / "out"), "--config", str(config), "--run-date", RUN_DATE,
                    "--no-pdf")
    assert result.exit_code == 0, result.output
    status = read_csv(tmp_path / "out" / "2025-Q3" / "data" / "nop_bao_cao.csv")
    assert status[-1] == {"ma_don_vi": "BQLDA", "trang_thai": "Chưa nộp", "tep": "", "ngay_lap": ""}
    result = invoke("templates", "--inputs", str(tmp_path / "inputs"), "--outputs",
                    str(tmp_path / "out"), "--config", str(config), "--period", "2025-Q4")
    assert result.exit_code == 0, result.output
    assert "Đã tạo 11 mẫu quý IV năm 2025" in result.output
    assert (tmp_path / "out" / "mau" / "BQLDA_2025-Q4_NguoiTotViecTot.xlsx").is_file()
    assert (tmp_path / "out" / "mau" / "BQLDA_2025-Q4.xlsx").is_file()


def test_the_next_plan_is_a_copied_config_and_its_templates_need_no_code_change(tmp_path):
    text = (plan_text().replace('code = "2021-2025"', 'code = "2026-2030"')
            .replace("giai đoạn 2021 – 2025", "giai đoạn 2026 – 2030")
            .replace("first_year = 2021", "first_year = 2026")
            .replace("last_year = 2025", "last_year = 2030")
            .replace("ĐHTT-2021-2025 v1", "ĐHTT-2026-2030 v1")
            .replace('first = "2021-Q1"\nlast = "2023-Q2"', 'first = "2026-Q1"\nlast = "2028-Q2"')
            .replace('first = "2021-Q1"\nlast = "2025-Q1"', 'first = "2026-Q1"\nlast = "2030-Q1"'))
    config = tmp_path / "2026-2030.toml"
    config.write_text(text, "utf-8")
    (tmp_path / "inputs").mkdir()
    result = invoke("templates", "--inputs", str(tmp_path / "inputs"), "--outputs",
                    str(tmp_path / "out"), "--config", str(config), "--period", "2026-Q1")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out" / "mau").iterdir())
    units = ["VP", "KHTC", "QLXD", "QHKT", "PTDT", "QLN", "TTKD", "TTQH", "QLVT", "KCHT"]
    assert names == sorted([f"{code}_2026-Q1.xlsx" for code in units]
                           + [f"{code}_2026-Q1_NguoiTotViecTot.xlsx" for code in units])
    cover = openpyxl.load_workbook(tmp_path / "out" / "mau" / "VP_2026-Q1.xlsx")["Thông tin"]
    items = {row[0]: row[1] for row in cover.iter_rows(values_only=True)}
    assert items["Kỳ báo cáo"] == "2026-Q1"
    assert items["Phiên bản mẫu"] == "ĐHTT-2026-2030 v1"
    outside = invoke("templates", "--inputs", str(tmp_path / "inputs"), "--outputs",
                     str(tmp_path / "out2"), "--period", "2026-Q1", "--config",
                     "plans/2021-2025.toml")
    assert outside.exit_code == 2
    assert "nằm ngoài kế hoạch 2021-2025" in outside.output
    # Without --config the period picks the shipped plan whose years hold it.
    chosen = invoke("templates", "--inputs", str(tmp_path / "inputs"), "--outputs",
                    str(tmp_path / "out3"), "--period", "2026-Q1")
    assert chosen.exit_code == 0, chosen.output
    cover = openpyxl.load_workbook(tmp_path / "out3" / "mau" / "VP_2026-Q1.xlsx")["Thông tin"]
    assert dict(cover.iter_rows(values_only=True))["Phiên bản mẫu"] == "ĐHTT-2026-2030 v1"
