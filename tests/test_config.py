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
     "khóa 'awards.bang_khen_rule': giá trị không hợp lệ, chỉ nhận: 'xuat_sac' hoặc 'htxsnv'"),
    # codes as documented: the message says the rule the pattern applies
    ('code = "VHCS"', 'code = "2VH"', "khóa 'movements[mục thứ 1, 2VH].code': sai định dạng "
                                      "mã phong trào (chữ in hoa không dấu, có thể kèm chữ số "
                                      "sau chữ cái đầu, ví dụ CDS hoặc CDS2)"),
    ('code = "G1"', 'code = "GA"', "khóa 'general_criteria[mục thứ 1, GA].code': sai định dạng "
                                   "mã tiêu chí (một chữ in hoa không dấu rồi một hoặc hai chữ "
                                   "số, ví dụ G1 hoặc C12)"),
    # half points: refused in Vietnamese for maxima, more than two decimals for thresholds
    ("max = 20", "max = 19.5", "khóa 'general_criteria[mục thứ 1, G1].max': phải là số "
                               "nguyên, không có phần lẻ (điểm tối đa của tiêu chí tính bằng "
                               "điểm nguyên)"),
    ("xuat_sac = 90", "xuat_sac = 90.125", "khóa 'thresholds.xuat_sac': ngưỡng xếp loại chỉ "
                                           "được có tối đa 2 chữ số thập phân (ví dụ 92.5)"),
    # review windows ordered and inside the plan's years, overrides inside the plan
    ('last = "2023-Q2"', 'last = "2020-Q4"', "khóa 'reviews.so-ket': quý đầu 2021-Q1 sau quý "
                                             "cuối 2020-Q4"),
    ('first = "2021-Q1"', 'first = "2020-Q4"', "khóa 'reviews.so-ket.first': quý 2020-Q4 nằm "
                                               "ngoài các năm của kế hoạch (2021 – 2025)"),
    ("[deadlines.overrides]\n", '[deadlines.overrides]\n"2026-Q1" = 2026-04-15\n',
     "khóa 'deadlines.overrides.\"2026-Q1\"': quý 2026-Q1 nằm ngoài các năm của kế hoạch "
     "(2021 – 2025)"),
    ("day = 10", "day = 31", "khóa 'deadlines.day': ngày 31 không có ở mọi tháng: ghi một ngày "
                             "từ 1 đến 28, hoặc \"cuoi_thang\" (ngày cuối tháng)"),
    ("day = 10", 'day = "thứ hai"', "khóa 'deadlines.day': 'thứ hai' không hợp lệ: ghi một ngày "
                                    "từ 1 đến 28, hoặc \"cuoi_thang\" (ngày cuối tháng)"),
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
            .replace("last_year = 2025", "last_year = 2030")
            .replace('"2021-Q1"', '"2026-Q1"').replace('"2023-Q2"', '"2028-Q2"')
            .replace('"2025-Q1"', '"2030-Q1"'))
    path = tmp_path / "2026-2030.toml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    assert plan.first_period == Period(2026, 1) and plan.last_period == Period(2030, 4)


def test_a_movement_code_may_carry_digits_after_its_first_letter(tmp_path):
    plan = load_plan(broken(tmp_path, 'code = "VHCS"', 'code = "CDS2"'))
    assert plan.movement("CDS2").short == "Văn hóa công sở"


def test_the_deadline_may_be_the_last_day_of_the_month(tmp_path):
    plan = load_plan(broken(tmp_path, "day = 10", 'day = "cuoi_thang"'))
    assert plan.deadline(Period(2024, 4)) == dt.date(2025, 1, 31)
    assert plan.deadline(Period(2024, 1)) == dt.date(2024, 4, 30)
    assert plan.deadline(Period(2023, 4)) == dt.date(2024, 1, 31)


def test_a_half_point_threshold_classifies_exactly(tmp_path):
    plan = load_plan(broken(tmp_path, "xuat_sac = 90", "xuat_sac = 92.7"))
    from decimal import Decimal
    assert plan.classify(Decimal("92.70")) == "Xuất sắc"
    assert plan.classify(Decimal("92.69")) == "Tốt"


def test_the_console_keeps_the_item_path_of_a_refused_plan(tmp_path):
    path = broken(tmp_path, 'code = "TTKD"', 'code = "TT-KD"')
    (tmp_path / "inputs").mkdir()
    result = CliRunner().invoke(app, ["report", "--config", str(path), "--inputs",
                                      str(tmp_path / "inputs"), "--outputs",
                                      str(tmp_path / "out"), "--period", "2025-Q2"])
    assert result.exit_code == 2
    assert "khóa 'units[mục thứ 8, TT-KD].code'" in " ".join(result.output.split())
