"""A generated template, filled as a careful clerk would, round-trips through the real reader,
the intake and `check FILE`: no finding, every row accepted with exactly the values written."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_plan
from pipeline.findings import ERROR, WARNING
from pipeline.intake.period import take_in
from pipeline.intake.readers import read_book
from pipeline.intake.rules import Registry
from pipeline.outputs.templates import write_template
from pipeline.periods import Period
from pipeline.sources import InputFile
from schemas.sheets import YES
from tests.template_fill import fill_template_with_valid_rows

PLAN = load_plan()
ROOT = Path(__file__).resolve().parents[1]
# (unit, period): the plan's first quarter, a unit in its last quarter, a unit in its first ones
CASES = [("VP", Period(2021, 1)), ("TTR", Period(2025, 2)), ("KCHT", Period(2025, 4))]
G1_TOO_HIGH = ("Ô D2: điểm G1 là 20,5, vượt mức tối đa 20 của tiêu chí 'Thành tích xuất sắc, "
               "tiêu biểu trong lao động, học tập, công tác'. Vui lòng nhập từ 0 đến 20.")


def filled(tmp_path: Path, unit: str, period: Period) -> tuple[Path, dict]:
    path = tmp_path / f"{unit}_{period}.xlsx"
    write_template(PLAN, PLAN.unit(unit), period, path)
    return path, fill_template_with_valid_rows(path, PLAN, period)


def run_date(period: Period) -> dt.date:
    """A run after the default Ngày lập (the period's last day), so no B07 warning."""
    return period.last_day + dt.timedelta(days=10)


def take(path: Path, period: Period):
    data = path.read_bytes()
    item = InputFile(path.name, data, hashlib.sha256(data).hexdigest())
    return take_in(PLAN, period, run_date(period), [(item, read_book(data))], Registry())


def records(frame, drop=("nguon", "row")) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in drop} for r in frame.to_dict("records")]


def number(value):
    """What the filler wrote, as the intake types it: scores Decimal, other numbers as they are."""
    return Decimal(str(value)) if isinstance(value, float) else value


def expected_registrations(unit: str, period: Period, rows: list[dict]) -> list[dict]:
    keys = ("loai", "ten", "nam_sinh", "gioi_tinh", "chuc_vu", "phong_trao", "pham_vi",
            "linh_vuc", "ngay_dang_ky", "noi_dung", "muc_tieu")
    out = [{"ma_don_vi": unit, "ma_dien_hinh": r["ma_dien_hinh"], **{k: r.get(k) for k in keys},
            "trang_thai": "Mới", "ky_dang_ky": str(period)} for r in rows]
    return sorted(out, key=lambda r: r["ma_dien_hinh"])


def expected_assessments(unit: str, period: Period, rows: list[dict],
                         registered: list[dict]) -> list[dict]:
    by_code = {r["ma_dien_hinh"]: r for r in registered}
    out = []
    for r in rows:
        reg = by_code[r["ma_dien_hinh"]]
        out.append({
            "ma_don_vi": unit, "ma_dien_hinh": r["ma_dien_hinh"], "ten": reg["ten"],
            "loai": reg["loai"], "phong_trao": reg["phong_trao"],
            "ngay_dang_ky": reg["ngay_dang_ky"], "ky": str(period),
            "so_sang_kien": r.get("so_sang_kien", 0), "xep_loai_cb": r.get("xep_loai_cb"),
            "ky_luat": r["ky_luat"] == YES,
            "antt": None if r.get("antt") is None else r["antt"] == YES,
            "thanh_tich": r.get("thanh_tich"), "minh_chung": r.get("minh_chung"),
            **{c.code: number(r.get(c.code)) for c in PLAN.all_criteria},
        })
    return out


def expected_deeds(unit: str, rows: list[dict]) -> list[dict]:
    keys = ("ho_ten", "thang", "noi_dung", "nam_sinh", "gioi_tinh", "chuc_vu", "ket_qua",
            "hinh_thuc_khen")
    return [{"ma_don_vi": unit, **{k: r.get(k) for k in keys},
             "de_nghi_tuyen_truyen": r.get("tuyen_truyen", YES)} for r in rows]


def expected_activities(unit: str, rows: list[dict]) -> list[dict]:
    keys = ("ngay", "hinh_thuc", "noi_dung", "so_nguoi", "ghi_chu")
    return [{"ma_don_vi": unit, **{k: r.get(k) for k in keys}} for r in rows]


@pytest.mark.parametrize("unit, period", CASES, ids=[f"{u}-{p}" for u, p in CASES])
def test_a_filled_template_is_accepted_with_exactly_the_values_written(tmp_path, unit, period):
    path, written = filled(tmp_path, unit, period)
    result = take(path, period)
    intake = result.intake

    assert [(f.muc_do, f.o, f.ma_loi, f.thong_bao) for f in intake.findings.itertuples()
            if f.muc_do in (ERROR, WARNING)] == []
    n = {key: len(written[key]) for key in ("dang_ky", "cham_diem", "nguoi_tot", "hoat_dong")}
    assert result.outcomes[0].counts == {key: [count, count, 0, 0, 0] for key, count in n.items()}

    assert records(intake.registrations) == expected_registrations(unit, period,
                                                                   written["dang_ky"])
    assert records(intake.assessments) == expected_assessments(
        unit, period, written["cham_diem"], written["dang_ky"])
    assert records(intake.good_deeds, ("nguon", "ngay_nhan", "trung")) == expected_deeds(
        unit, written["nguoi_tot"])
    assert records(intake.activities) == expected_activities(unit, written["hoat_dong"])
    # where each accepted row came from: the file, the sheet and the Excel row
    assert list(intake.assessments["nguon"]) == [
        f"{path.name}!Chấm điểm!{row}" for row in range(2, 2 + n["cham_diem"])]

    cover = written["thong_tin"]
    submission = intake.submissions.set_index("ma_don_vi").loc[unit]
    assert (submission["trang_thai"], submission["tep"], submission["ngay_lap"]) == (
        "Đúng hạn", path.name, cover["ngay_lap"])
    assert records(intake.difficulties, drop=()) == [{
        "ma_don_vi": unit, "ten_don_vi": PLAN.unit(unit).name, "kho_khan": cover["kho_khan"],
        "de_xuat": cover["de_xuat"]}]
    read_cover = result.outcomes[0].cover
    assert {k: read_cover[k] for k in ("nguoi_lap", "dien_thoai", "email")} == {
        k: cover[k] for k in ("nguoi_lap", "dien_thoai", "email")}
    assert (read_cover["ma_don_vi"], read_cover["ky_bao_cao"], read_cover["phien_ban_mau"]) == (
        unit, str(period), PLAN.plan.template_version)


# --- `check FILE` --------------------------------------------------------------------------
def check(path: Path, tmp_path: Path, period: Period):
    """`check` with an empty inputs folder (no earlier registrations) and a fixed run date;
    COLUMNS wide enough for one table row per finding."""
    return CliRunner().invoke(app, ["check", str(path), "--inputs", str(tmp_path / "inputs"),
                                    "--outputs", str(tmp_path / "outputs"),
                                    "--run-date", run_date(period).isoformat()],
                              env={"COLUMNS": "400"})


def table_rows(output: str) -> list[list[str]]:
    """The body rows of the findings table, as lists of cell texts."""
    return [[cell.strip() for cell in line.strip().strip("│").split("│")]
            for line in output.splitlines() if line.startswith("│")]


def with_g1(path: Path, value) -> Path:
    workbook = openpyxl.load_workbook(path)
    workbook["Chấm điểm"]["D2"] = value
    bad = path.with_name("VP_G1.xlsx")
    workbook.save(bad)
    return bad


def test_check_says_a_filled_template_is_valid(tmp_path):
    unit, period = CASES[2]
    path, _ = filled(tmp_path, unit, period)
    result = check(path, tmp_path, period)
    assert (result.exit_code, result.output) == (
        0, f"Tệp {path.name} (quý IV năm 2025) hợp lệ, không có lỗi.\n")


def test_check_names_a_score_above_the_maximum_and_exits_1(tmp_path):
    unit, period = CASES[2]
    path, _ = filled(tmp_path, unit, period)
    result = check(with_g1(path, 20.5), tmp_path, period)
    assert result.exit_code == 1
    assert table_rows(result.output) == [["Lỗi", "Chấm điểm", "D2", "C06", G1_TOO_HIGH]]


def test_python_m_pipeline_check_exits_1_on_the_same_file(tmp_path):
    """The real entry point, once: the exit status reaches the shell."""
    unit, period = CASES[2]
    path, _ = filled(tmp_path, unit, period)
    bad = with_g1(path, 20.5)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", str(bad), "--inputs",
         str(tmp_path / "inputs"), "--outputs", str(tmp_path / "outputs"), "--run-date",
         run_date(period).isoformat()],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"},
        check=False)
    assert done.returncode == 1
    assert table_rows(done.stdout) == [["Lỗi", "Chấm điểm", "D2", "C06", G1_TOO_HIGH]]
