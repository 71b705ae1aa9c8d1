"""The plan as configuration: loaded, validated, one clear Vietnamese line when wrong."""

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import DEFAULT_PLAN, ConfigError, load_plan
from pipeline.periods import Period

PLAN_TEXT = DEFAULT_PLAN.read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in PLAN_TEXT
    path = tmp_path / "plan.toml"
    path.write_text(PLAN_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


def test_default_plan_loads_with_the_domain_defaults():
    plan = load_plan()
    assert [u.code for u in plan.units] == ["VP", "TTR", "KHTC", "QLXD", "QHKT", "PTDT", "QLN",
                                            "TTKD", "TTQH", "QLVT", "KCHT"]
    assert [u.code for u in plan.units_for(Period(2024, 4))] == [
        "VP", "TTR", "KHTC", "QLXD", "QHKT", "PTDT", "QLN", "TTKD", "TTQH"]
    assert "QLVT" in [u.code for u in plan.units_for(Period(2025, 1))]
    assert "TTR" not in [u.code for u in plan.units_for(Period(2025, 3))]
    assert plan.deadline(Period(2025, 2)) == dt.date(2025, 7, 10)
    assert plan.deadline(Period(2025, 4)) == dt.date(2026, 1, 10)
    assert plan.criterion("G1").max == 20
    assert [c.code for c in plan.criteria_of("HCM")] == ["G1", "G2", "G3", "G4", "G5", "H1",
                                                         "H2", "H3", "H4"]
    assert plan.issuer_on(dt.date(2025, 7, 20)).valid_from == dt.date(2025, 7, 1)
    assert plan.classify(90) == "Xuất sắc" and plan.classify(89.99) == "Tốt"
    assert plan.reviews["tong-ket"].last_period == Period(2025, 1)


@pytest.mark.parametrize("old, new, message", [
    ("max = 20", "max = 25", "movements VHCS: điểm tối đa tiêu chí chung và cụ thể cộng lại là "
                             "105, phải bằng 100"),
    ('code = "VP"', 'code = "vp"', "khóa 'units[mục thứ 1, vp].code': sai định dạng mã (chỉ chữ "
                                   "in hoa không dấu và chữ số)"),
    ("giay_khen_quota = 0.30", "giay_khen_quota = 1.5", "khóa 'awards.giay_khen_quota': phải "
                                                        "không quá 1"),
    ("[thresholds]\n", "[thresholds]\nxuat = 1\n", "khóa 'thresholds.xuat': khóa không được hỗ "
                                                    "trợ (kiểm tra chính tả)"),
    ('bang_khen_rule = "xuat_sac"', 'bang_khen_rule = "hai_nam"',
     "khóa 'awards.bang_khen_rule': giá trị không hợp lệ, chỉ nhận: 'xuat_sac' or 'htxsnv'"),
    ('code = "TTKD"', 'code = "VP"', "units: mã 'VP' bị trùng"),
    ("first = \"2021-Q1\"", "first = \"2021-5\"", "khóa 'reviews.so-ket.first': '2021-5' không "
                                                  "phải một quý dạng 2025-Q2"),
])
def test_a_wrong_plan_names_the_key_and_the_problem(tmp_path, old, new, message):
    path = broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_plan(path)
    assert str(err.value) == f"Tệp cấu hình '{path}': {message}."


def test_a_toml_syntax_error_is_one_line(tmp_path):
    path = broken(tmp_path, "[plan]", "[plan")
    with pytest.raises(ConfigError) as err:
        load_plan(path)
    assert str(err.value).startswith(f"Tệp cấu hình '{path}' sai cú pháp TOML:")
    assert "\n" not in str(err.value)


def test_cli_stops_with_one_line_and_status_2_on_a_broken_config(tmp_path):
    path = broken(tmp_path, "max = 20", "max = 25")
    (tmp_path / "inputs").mkdir()
    result = CliRunner().invoke(app, ["report", "--config", str(path), "--inputs",
                                      str(tmp_path / "inputs"), "--outputs",
                                      str(tmp_path / "out"), "--period", "2025-Q2"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Lỗi: Tệp cấu hình")


def test_a_new_plan_is_a_new_file_no_code(tmp_path):
    text = (PLAN_TEXT.replace('code = "2021-2025"', 'code = "2026-2030"')
            .replace("first_year = 2021", "first_year = 2026")
            .replace("last_year = 2025", "last_year = 2030"))
    path = tmp_path / "2026-2030.toml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    assert plan.first_period == Period(2026, 1) and plan.last_period == Period(2030, 4)
