"""The command line: every command documented in Vietnamese; bad arguments give status 2."""

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

COMMANDS = ["templates", "report", "ntvt", "annual", "so-ket", "tong-ket", "check"]


def test_every_command_has_vietnamese_help():
    runner = CliRunner()
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for command in COMMANDS:
        assert command in top.output
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        doc = app.registered_commands[[c.name for c in app.registered_commands].index(command)]
        assert doc.callback.__doc__ and any(ch in doc.callback.__doc__ for ch in "ăâđêôơư")


def test_usage_and_help_option_are_vietnamese():
    runner = CliRunner()
    for args in (["--help"], *([c, "--help"] for c in COMMANDS)):
        text = " ".join(runner.invoke(app, args).output.split())
        assert "Cách dùng: " in text and "[TÙY CHỌN]" in text, args
        assert "Hiện hướng dẫn này rồi thoát." in text, args
        assert not any(w in text for w in ("Usage", "OPTIONS", "Show this message")), args


@pytest.mark.parametrize("args, message", [
    (["report", "--bogus"], "Không có tùy chọn --bogus."),
    (["report", "--period"], "Tùy chọn --period cần có giá trị đi kèm."),
    (["report", "--debug=1"], "Tùy chọn --debug không nhận giá trị."),
    (["report", "thừa"], "Thừa tham số: thừa."),
    (["reprot"], "Không có lệnh 'reprot'. Có phải là 'report'?"),
    (["it's"], "Không có lệnh 'it's'."),
    (["annual", "--year", "năm"],
     "Giá trị của tùy chọn --year phải là một số nguyên, ví dụ 2024."),
    (["check"], "Thiếu tham số TỆP."),
])
def test_command_line_mistakes_are_told_in_vietnamese(args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize("args, message", [
    (["report", "--period", "2025-Q5"], "Lỗi: Kỳ báo cáo '2025-Q5' không hợp lệ; hãy ghi dạng "
                                        "2025-Q2."),
    (["report", "--period", "2026-Q1", "--config", "plans/2021-2025.toml"],
     "Lỗi: Kỳ 2026-Q1 nằm ngoài kế hoạch 2021-2025 (2021-Q1 – 2025-Q4); hãy chọn tệp cấu hình "
     "kế hoạch khác bằng CONFIG=…"),
    (["report", "--period", "2031-Q1"],
     "Lỗi: Không có kế hoạch nào trong thư mục plans/ bao gồm quý I năm 2031 (các tệp kế "
     "hoạch: '2021-2025.toml', '2026-2030.toml'); hãy thêm tệp kế hoạch của giai đoạn này hoặc "
     "chỉ rõ tệp bằng CONFIG=…"),
    (["report", "--run-date", "32/07/2025"], "Lỗi: Ngày tổng hợp '32/07/2025' không hợp lệ; hãy "
                                             "ghi dạng 2025-07-20 hoặc 20/07/2025."),
])
def test_bad_arguments_stop_with_one_line(tmp_path, args, message):
    (tmp_path / "inputs" / "2025-Q2").mkdir(parents=True)
    result = CliRunner().invoke(app, [*args, "--inputs", str(tmp_path / "inputs"),
                                      "--outputs", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == message


def test_missing_inputs_folder_is_status_2(tmp_path):
    result = CliRunner().invoke(app, ["report", "--inputs", str(tmp_path / "nowhere"),
                                      "--outputs", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Không tìm thấy thư mục dữ liệu vào" in result.output


def test_a_period_folder_named_in_words_is_pointed_out(tmp_path):
    (tmp_path / "inputs" / "Quý IV năm 2025").mkdir(parents=True)
    result = CliRunner().invoke(app, ["report", "--inputs", str(tmp_path / "inputs"),
                                      "--outputs", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"Lỗi: Thư mục '{tmp_path / 'inputs' / 'Quý IV năm 2025'}' cần đặt tên là '2025-Q4' để "
        "chương trình nhận ra kỳ báo cáo.")


def test_a_missing_period_folder_stops_but_an_empty_one_is_a_normal_run(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "2025-Q2").mkdir(parents=True)
    args = ["--inputs", str(inputs), "--outputs", str(tmp_path / "out"), "--no-pdf",
            "--run-date", "2025-07-20"]
    missing = CliRunner().invoke(app, ["report", "--period", "2025-Q3", *args])
    assert missing.exit_code == 2
    assert "Không có thư mục" in missing.output
    empty = CliRunner().invoke(app, ["report", "--period", "2025-Q2", *args])
    assert empty.exit_code == 0, empty.output
    # the summary on stdout (the run's stages are told on stderr)
    assert empty.stdout.splitlines()[0] == "Quý II/2025: 0/11 đơn vị đã nộp, 11 chưa nộp."
