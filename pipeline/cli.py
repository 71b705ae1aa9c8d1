"""The command line: one command per job, shared options declared once, Vietnamese help."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.config import PLANS, ConfigError, Plan, load_plan, plan_path_for
from pipeline.periods import Month, Period, parse_month, parse_period, period_of
from pipeline.text import parse_date


def _vietnamese_help_labels() -> None:
    """Typer's help panels are titled in English; give the clerk Vietnamese titles.

    These are module constants of typer.rich_utils; when a Typer release drops one, the
    English default simply stays.
    """
    from typer import rich_utils

    labels = {"OPTIONS_PANEL_TITLE": "Tùy chọn", "ARGUMENTS_PANEL_TITLE": "Tham số",
              "COMMANDS_PANEL_TITLE": "Lệnh", "ERRORS_PANEL_TITLE": "Lỗi",
              "DEFAULT_STRING": "[mặc định: {}]", "REQUIRED_LONG_STRING": "[bắt buộc]",
              "RICH_HELP": "Xem hướng dẫn: [blue]'{command_path} {help_option}'[/]"}
    for name, text in labels.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


class _Vietnamese:
    """typer's command classes with the usage line, the help option and command-line errors
    in Vietnamese (click writes them in English)."""

    options_metavar = "[TÙY CHỌN]"
    subcommand_metavar = "LỆNH [THAM SỐ]..."

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix="Cách dùng: ")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help, option.metavar = "Hiện hướng dẫn này rồi thoát.", ""
        return option


class _Command(_Vietnamese, typer.core.TyperCommand):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_metavar = _Vietnamese.options_metavar


class _Group(_Vietnamese, typer.core.TyperGroup):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options_metavar = _Vietnamese.options_metavar
        self.subcommand_metavar = _Vietnamese.subcommand_metavar


def usage_error_text(error: Exception) -> str | None:
    """A command-line mistake click reports in English, said in Vietnamese (None: keep the
    English text, for a mistake not foreseen here)."""
    from typer._click import exceptions as ex

    message = getattr(error, "message", "") or ""
    if isinstance(error, ex.NoSuchOption):
        hint = (f" Các tùy chọn gần giống: {', '.join(sorted(error.possibilities))}."
                if error.possibilities else "")
        return f"Không có tùy chọn {error.option_name}.{hint}"
    if isinstance(error, ex.MissingParameter):
        return f"Thiếu {_param_name(error) or 'một tham số bắt buộc'}."
    if isinstance(error, ex.BadOptionUsage):
        if "does not take a value" in message:
            return f"Tùy chọn {error.option_name} không nhận giá trị."
        return f"Tùy chọn {error.option_name} cần có giá trị đi kèm."
    if isinstance(error, ex.BadParameter):
        name = _param_name(error) or "một tham số"
        if "valid integer" in message:
            return f"Giá trị của {name} phải là một số nguyên, ví dụ 2024."
        return f"Giá trị của {name} không hợp lệ."
    if found := re.match(r"Got unexpected extra argument\(s\) \((.*)\)$", message):
        return f"Thừa tham số: {found.group(1)}."
    if found := re.match(r"No such command (['\"])(.*)\1\.(?: Did you mean (.*)\?)?$", message):
        guess = f" Có phải là {found.group(3)}?" if found.group(3) else ""
        return f"Không có lệnh '{found.group(2)}'.{guess}"
    if message == "Missing command.":
        return "Thiếu tên lệnh (report, ntvt, annual, ballots, so-ket, tong-ket, templates, check, mail)."
    return None


def _param_name(error: Exception) -> str:
    """The option (--period) or argument (TỆP) a command-line error is about, or ''."""
    param = getattr(error, "param", None)
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "argument":
        return f"tham số {param.metavar or str(param.name).upper()}"
    return "tùy chọn " + " / ".join(getattr(param, "opts", None) or [str(param.name)])


def _vietnamese_errors() -> None:
    """Show click's command-line errors in Vietnamese through typer's own error panel."""
    from typer import rich_utils

    show = rich_utils.rich_format_error
    if getattr(show, "vietnamese", False):
        return

    def rich_format_error(error) -> None:
        text = usage_error_text(error)
        if text is not None:
            error.format_message = lambda: text
        show(error)

    rich_format_error.vietnamese = True
    rich_utils.rich_format_error = rich_format_error
    if hasattr(rich_utils, "OptionHighlighter"):
        rich_utils.OptionHighlighter.highlights.append(r"(?P<usage>Cách dùng: )")


_vietnamese_help_labels()
_vietnamese_errors()
app = typer.Typer(
    cls=_Group,
    help="ĐHTT – tiếp nhận, kiểm tra, chấm điểm và báo cáo điển hình tiên tiến của Sở Xây dựng.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

Inputs = Annotated[Path, typer.Option("--inputs", metavar="THƯ_MỤC", help="Thư mục dữ liệu vào (mỗi kỳ một thư mục con).")]
Outputs = Annotated[Path, typer.Option("--outputs", metavar="THƯ_MỤC", help="Thư mục kết quả.")]
RunDate = Annotated[str, typer.Option("--run-date", metavar="NGÀY", help="Ngày tổng hợp, dạng 2025-07-20 hoặc 20/07/2025 (mặc định: hôm nay).")]
Config = Annotated[Path | None, typer.Option("--config", metavar="TỆP", help="Tệp cấu hình kế hoạch (TOML); mặc định: kế hoạch trong thư mục plans/ có năm chứa kỳ, năm hoặc đợt được chạy.")]
Debug = Annotated[bool, typer.Option("--debug", metavar="", help="In chi tiết lỗi kỹ thuật khi chương trình dừng.")]
Pdf = Annotated[bool, typer.Option("--pdf/--no-pdf", metavar="", help="Tạo bản PDF của các văn bản khi máy có LibreOffice.")]
PeriodOpt = Annotated[str, typer.Option("--period", metavar="KỲ", help="Kỳ báo cáo, ví dụ 2025-Q2 (mặc định: kỳ mới nhất trong thư mục dữ liệu vào).")]


class _Stop(Exception):
    """A bad command line or configuration: one line, exit status 2."""


def _date(text: str) -> dt.date:
    """The run date: ISO (2025-07-20) or day-first as a clerk writes it (20/07/2025)."""
    if not text:
        return dt.date.today()
    day = parse_date(text)
    if day is None:
        raise _Stop(f"Ngày tổng hợp '{text}' không hợp lệ; hãy ghi dạng 2025-07-20 hoặc "
                    "20/07/2025.")
    return day


def _period(text: str) -> Period:
    found = parse_period(text)
    if found is None:
        raise _Stop(f"Kỳ báo cáo '{text}' không hợp lệ; hãy ghi dạng 2025-Q2.")
    return found


def _plan_path(path: Path | None, period: Period, what: str = "") -> Path:
    """The plan file given, or the one of plans/ whose years hold the period."""
    return path if path is not None else plan_path_for(period, PLANS, what=what)


def _plan(path: Path | None, period: Period, what: str = "") -> Plan:
    return load_plan(_plan_path(path, period, what))


def _say(line: str) -> None:
    """A line of a command's summary, as it is (no markup, no wrapping mid-path)."""
    out.print(escape(line), highlight=False, soft_wrap=True)


def _notice(line: str) -> None:
    """A line the clerk should read while the run goes on (a PDF that could not be made)."""
    err.print(f"[bold yellow]Lưu ý:[/] {escape(line)}", highlight=False, soft_wrap=True)


def _guard(debug: bool, job, outputs: Path | None = None):
    """Run a job; turn domain errors into one Vietnamese line and exit status 2, and any other
    error that stops it (a fault: disk full, read-only, memory, a bug) into one line naming
    what and where, its traceback in a log file (on the console only with --debug) and exit
    status 3 (pipeline.faults)."""
    from pipeline.faults import FAULT_STATUS, fault_line
    from pipeline.run import RunError

    try:
        status = job()
    except (ConfigError, RunError, _Stop) as exc:
        if debug:
            traceback.print_exc()
        err.print(f"[bold red]Lỗi:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except Exception as exc:
        if debug:
            traceback.print_exc()
            if getattr(exc, "details", ""):
                print(exc.details, file=sys.stderr)
        err.print(fault_line(exc, outputs), style="bold red", markup=False, highlight=False,
                  soft_wrap=True)
        raise typer.Exit(FAULT_STATUS) from None
    raise typer.Exit(status or 0)


@app.command("report", cls=_Command)
def report(period: PeriodOpt = "", inputs: Inputs = Path("inputs"),
           outputs: Outputs = Path("outputs"), run_date: RunDate = "",
           config: Config = None, pdf: Pdf = True, debug: Debug = False) -> None:
    """Tổng hợp một quý: kiểm tra tệp của các đơn vị, chấm điểm, lập bảng tổng hợp, báo cáo và phản hồi."""
    from pipeline import progress, run

    def job() -> int:
        day = _date(run_date)
        chosen = _period(period) if period else run.default_period(inputs)
        config_path = _plan_path(config, chosen)
        plan = load_plan(config_path)
        run.periods_in(inputs)
        with progress.shown(err):
            status = run.run_report(plan, chosen, inputs, outputs, day, config_path.name,
                                    pdf, _notice)
        _report_summary(outputs / str(chosen), chosen)
        return status

    _guard(debug, job, outputs)


Year = Annotated[int, typer.Option("--year", metavar="NĂM", help="Năm đánh giá (mặc định: năm mới nhất có dữ liệu).")]
MeetingDate = Annotated[str, typer.Option("--meeting-date", metavar="NGÀY", help="Ngày họp Hội đồng Thi đua - Khen thưởng, dạng 2025-12-20 hoặc 20/12/2025 (mặc định: ngày tổng hợp); thành viên được tính theo ngày này.")]


@app.command("ntvt", cls=_Command)
def ntvt(month: Annotated[str, typer.Option("--month", metavar="THÁNG", help="Tháng, ví dụ 2025-08 (mặc định: tháng trước ngày tổng hợp nếu đã có thư mục quý của tháng đó, nếu không thì tháng cuối của kỳ mới nhất).")] = "",
         inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
         run_date: RunDate = "", config: Config = None, pdf: Pdf = True,
         debug: Debug = False) -> None:
    """Người tốt, việc tốt hằng tháng: danh sách giới thiệu gửi cấp trên (nơi nhận theo kế hoạch) từ các tệp đã nhận."""
    from pipeline import run

    def job() -> int:
        day = _date(run_date)
        chosen = _month(month) if month else _default_month(inputs, day)
        run.periods_in(inputs)
        config_path = _plan_path(config, chosen.period)
        plan = load_plan(config_path)
        report = run.run_ntvt(plan, chosen, inputs, outputs, day, config_path.name, pdf,
                              _notice)
        _month_summary(report, outputs / str(chosen))
        return 0

    _guard(debug, job, outputs)


def _month(text: str) -> Month:
    found = parse_month(text)
    if found is None:
        raise _Stop(f"Tháng '{text}' không hợp lệ; hãy ghi dạng 2025-08.")
    return found


def _default_month(inputs: Path, day: dt.date) -> Month:
    """The month before the run date (a month's list is made early in the next one) when its
    quarter has a folder; else the last month of the latest quarter in `inputs/`."""
    from pipeline import run

    before = Month(day.year, day.month).previous()
    if (inputs / str(before.period)).is_dir():
        return before
    latest = run.default_period(inputs)
    return Month(latest.year, latest.months[-1])


def _month_summary(report, folder: Path) -> None:
    """How many nominations each unit sent, who sent none, and which came late."""
    month = report.month
    units = report.units
    sent = units[units["so_de_cu"] > 0]
    lines = [f"Tháng {month.month}/{month.year}: {int(units['so_de_cu'].sum())} đề cử "
             f"({int(units['so_de_nghi_tuyen_truyen'].sum())} đề nghị tuyên truyền) của "
             f"{len(sent)}/{len(units)} đơn vị."]
    silent = units[units["so_de_cu"] == 0]
    if len(silent):
        names = ", ".join(f"{r.ten_don_vi} ({r.ma_don_vi})" for r in silent.itertuples())
        lines.append(f"Chưa gửi đề cử tháng {month.month}: {names}.")
    if len(report.late):
        lines.append(f"Đề cử đến muộn của các tháng trước (đã có trong danh sách "
                     f"{month.period.label_short}, không thuộc danh sách tháng này):")
        for d in report.late.itertuples():
            source = str(d.nguon).rsplit("!", 2)[0]
            lines.append(f"  - {d.ho_ten} ({d.ma_don_vi}), tháng {d.thang}: tệp {source}, nhận "
                         f"ngày {d.ngay_nhan:%d/%m/%Y}.")
    lines.append(f"Kết quả: {folder}")
    for line in lines:
        _say(line)


@app.command("annual", cls=_Command)
def annual(year: Year = 0,
           inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
           run_date: RunDate = "", config: Config = None, pdf: Pdf = True,
           meeting_date: MeetingDate = "", debug: Debug = False) -> None:
    """Đánh giá hằng năm: xếp hạng, đề nghị Giấy khen, Bằng khen, Biểu dương; kiểm phiếu Hội đồng (nếu có), biên bản, tờ trình và dự thảo quyết định."""
    from pipeline import run

    def job() -> int:
        day = _date(run_date)
        meeting = _date(meeting_date) if meeting_date else day
        chosen = year or run.default_year(inputs)
        config_path = _plan_path(config, Period(chosen, 1), f"năm {chosen}")
        plan = load_plan(config_path)
        status = run.run_annual(plan, chosen, inputs, outputs, day, pdf, meeting, config_path.name,
                                _notice)
        _summary(outputs / str(chosen), status)
        _vote_summary(inputs, outputs, chosen)
        return status

    _guard(debug, job, outputs)


def _vote_summary(inputs: Path, outputs: Path, year: int) -> None:
    """One line on the council's vote (issue 14): its outcome, or that there was none."""
    from pipeline.council.vote import ballot_folder

    folder = ballot_folder(inputs, year)
    if not folder.is_dir():
        _say(f"Chưa có phiếu bầu của Hội đồng (thư mục {folder}): chỉ lập danh "
             "sách đề xuất, chưa kiểm phiếu.")
        return
    path = outputs / str(year) / "data" / "bieu_quyet.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    results = [row["ket_qua"] for row in rows]
    passed = results.count("Thông qua")
    moved = sum(1 for row in rows if row["ket_qua"] != "Thông qua" and row["de_xuat_thong_qua"])
    _say(f"Kiểm phiếu Hội đồng: {passed}/{len(results)} đề xuất được thông qua"
         + (f", {moved} đề xuất Bằng khen chuyển thành Giấy khen" if moved else "")
         + ("; chưa đủ số phiếu." if "Chưa đủ số phiếu" in results else ".")
         + f" Biên bản: {outputs / str(year) / f'BienBan_HoiDong_{year}.docx'}.")


@app.command("ballots", cls=_Command)
def ballots(year: Year = 0, inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
            run_date: RunDate = "", config: Config = None,
            meeting_date: MeetingDate = "", debug: Debug = False) -> None:
    """Tạo phiếu bầu của Hội đồng Thi đua - Khen thưởng: mỗi thành viên một tệp Excel liệt kê các đề xuất khen thưởng của năm."""
    from pipeline import run

    def job() -> int:
        day = _date(run_date)
        meeting = _date(meeting_date) if meeting_date else day
        chosen = year or run.default_year(inputs)
        plan = _plan(config, Period(chosen, 1), f"năm {chosen}")
        written = run.run_ballots(plan, chosen, inputs, outputs, day, meeting)
        _say(f"Đã tạo {len(written)} phiếu bầu năm {chosen} trong "
             f"{outputs / str(chosen) / 'phieu-bau'}.")
        return 0

    _guard(debug, job, outputs)


def _review(kind: str, inputs: Path, outputs: Path, run_date: str, config: Path | None,
            pdf: bool, debug: bool) -> None:
    from pipeline import run

    def job() -> int:
        # Without CONFIG: the plan of the latest period in inputs/ (the plan the data is in).
        config_path = config if config is not None else _plan_path(
            None, run.default_period(inputs))
        plan = load_plan(config_path)
        status = run.run_review(plan, kind, inputs, outputs, _date(run_date), pdf,
                                config_path.name, _notice)
        _summary(outputs / run.review_folder(plan, kind), status)
        return status

    _guard(debug, job, outputs)


@app.command("so-ket", cls=_Command)
def so_ket(inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
           run_date: RunDate = "", config: Config = None, pdf: Pdf = True,
           debug: Debug = False) -> None:
    """Sơ kết giữa kỳ: thống kê theo năm, phong trào, đơn vị và điển hình tiêu biểu giai đoạn."""
    _review("so-ket", inputs, outputs, run_date, config, pdf, debug)


@app.command("tong-ket", cls=_Command)
def tong_ket(inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
             run_date: RunDate = "", config: Config = None, pdf: Pdf = True,
             debug: Debug = False) -> None:
    """Tổng kết giai đoạn: thống kê, sổ theo dõi điển hình và điển hình tiêu biểu giai đoạn."""
    _review("tong-ket", inputs, outputs, run_date, config, pdf, debug)


@app.command("templates", cls=_Command)
def templates(period: Annotated[str, typer.Option("--period", metavar="KỲ", help="Kỳ của mẫu (mặc định: quý sau kỳ mới nhất trong thư mục dữ liệu vào).")] = "",
              inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
              config: Config = None, debug: Debug = False) -> None:
    """Tạo mẫu Excel trống cho từng đơn vị (thư mục mau/), đã ghi sẵn mã đơn vị và kỳ báo cáo."""
    from pipeline import run

    def job() -> int:
        if period:
            chosen = _period(period)
        elif inputs.is_dir() and run.periods_in(inputs):
            chosen = run.default_period(inputs).next()
        else:
            chosen = period_of(dt.date.today())
        plan = _plan(config, chosen)
        written, nominations = run.run_templates(plan, chosen, outputs)
        _say(f"Đã tạo {len(written)} mẫu {chosen.label} trong {outputs / 'mau'}, kèm "
             f"{len(nominations)} mẫu đề cử người tốt, việc tốt "
             "(…_NguoiTotViecTot.xlsx).")
        return 0

    _guard(debug, job, outputs)


@app.command("check", cls=_Command)
def check(file: Annotated[Path, typer.Argument(metavar="TỆP", help="Tệp của một đơn vị (Excel .xlsx, .xls, .ods, hoặc thư điện tử đã lưu .eml) hay tệp của Hội đồng (hoi-dong.xlsx).")],
          period: Annotated[str, typer.Option("--period", metavar="KỲ", help="Kỳ báo cáo, ví dụ 2025-Q3 (mặc định: kỳ của thư mục chứa tệp, rồi kỳ ghi ở trang bìa, rồi kỳ mới nhất trong thư mục dữ liệu vào).")] = "",
          inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
          run_date: RunDate = "", config: Config = None, debug: Debug = False) -> None:
    """Kiểm tra nhanh một tệp vừa nhận: in đúng những lỗi mà báo cáo của kỳ sẽ ghi cho tệp đó."""
    from pipeline import run

    def job() -> int:
        # The plan: the file given, or the one whose years hold the file's period.
        plan = load_plan(config) if config is not None else (lambda found: _plan(None, found))
        chosen = _period(period) if period else None
        found, findings = run.check_file(plan, file, inputs, _date(run_date), chosen, outputs)
        _print_findings(file.name, found, findings)
        return run.exit_status(findings)

    _guard(debug, job, outputs)


def _print_findings(name: str, period: Period, findings) -> None:
    if findings.empty:
        out.print(f"[green]Tệp {escape(name)} ({period.label}) hợp lệ, không có lỗi.[/]",
                  highlight=False)
        return
    table = Table(title=escape(f"Kết quả kiểm tra {name} – {period.label}"), show_lines=False)
    for header in ("Mức độ", "Trang tính", "Ô", "Mã", "Nội dung"):
        table.add_column(header, overflow="fold")
    colours = {"Lỗi": "red", "Cảnh báo": "yellow", "Lưu ý": "cyan"}
    for f in findings.itertuples(index=False):
        table.add_row(f"[{colours.get(f.muc_do, 'white')}]{f.muc_do}[/]", escape(f.trang_tinh),
                      escape(f.o), escape(f.ma_loi), escape(f.thong_bao))
    out.print(table)


def _report_summary(folder: Path, period: Period) -> None:
    """What the clerk needs after a quarter's run: who sent what, and where the problems are."""
    import csv

    def rows(name: str) -> list[dict]:
        with (folder / "data" / name).open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    status = [r["trang_thai"] for r in rows("nop_bao_cao.csv")]
    sent = sum(s in ("Đúng hạn", "Muộn") for s in status)
    parts = [f"{sent}/{len(status)} đơn vị đã nộp"]
    for label in ("Muộn", "Chưa nộp", "Bị từ chối"):
        if status.count(label):
            parts.append(f"{status.count(label)} {label.lower()}")
    problems = rows("loi.csv")
    errors = [r for r in problems if r["muc_do"] == "Lỗi"]
    files = len({r["tep"] for r in errors})
    lines = [f"{period.label_short}: " + ", ".join(parts) + "."]
    if errors:
        lines.append(f"{len(errors)} lỗi trong {files} tệp – xem trang «Lỗi dữ liệu» của "
                     f"TongHop_{period}.xlsx và thư mục phan-hoi/ (bản phản hồi gửi đơn vị).")
    else:
        lines.append("Không có lỗi dữ liệu.")
    lines.append(f"Kết quả: {folder}")
    for line in lines:
        _say(line)


def _summary(folder: Path, status: int) -> None:
    """After an annual or review run: the quarters its figures lack (from its manifest), then
    where the results are."""
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if note := manifest.get("so_lieu", {}).get("ghi_chu"):
        out.print(f"[bold yellow]Lưu ý:[/] {escape(note)}", highlight=False, soft_wrap=True)
    verdict = "có lỗi dữ liệu cần đơn vị sửa (xem Lỗi dữ liệu)" if status == 1 else "không có lỗi"
    _say(f"Đã ghi kết quả vào {folder} – {verdict}.")


# The mail channel's group (pipeline/mail/commands.py) uses the options declared above.
from pipeline.mail.commands import mail_app  # noqa: E402

app.add_typer(mail_app, name="mail")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
