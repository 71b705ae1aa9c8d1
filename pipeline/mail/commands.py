"""The `mail` command group: `mail fetch`, `mail send`, `mail remind` (typer, Vietnamese help).

Enters: the command line and the environment. Leaves: what the stages write, a rich summary
table, and the exit status: 0 done, 1 done but a server refused a message, 2 the command could
not be made (bad command line or settings, no connection, wrong password, TLS failure), with
one Vietnamese line and never a password, even with --debug.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from pipeline.cli import (
    Config,
    Debug,
    Inputs,
    Outputs,
    RunDate,
    _Command,
    _date,
    _Group,
    _period,
    _plan,
    _plan_path,
    _Stop,
    err,
    out,
)
from pipeline.config import PLANS, ConfigError, load_plan, plan_files
from pipeline.mail.settings import MailError, MailSettings, load_settings, scrub

mail_app = typer.Typer(cls=_Group, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_enable=False,
                       help="Nhận thư của các đơn vị từ hộp thư Văn phòng, gửi thư phản hồi và "
                            "thư nhắc nộp báo cáo.")

Settings = Annotated[Path, typer.Option("--settings", metavar="TỆP", help="Tệp cài đặt thư không chứa mật khẩu (TOML; mặc định mail.toml nếu có). Biến môi trường DHTT_* được ưu tiên.")]
Send = Annotated[bool, typer.Option("--send", metavar="", help="Gửi thật qua máy chủ SMTP (không có tùy chọn này: chỉ ghi thư vào thu-gui/ để xem trước).")]
MailPeriod = Annotated[str, typer.Option("--period", metavar="KỲ", help="Kỳ báo cáo, ví dụ 2025-Q3 (mặc định: kỳ mới nhất trong thư mục dữ liệu vào).")]
PROGRESS_FROM = 10  # messages: a progress bar on a fetch at least this long


def _guard(debug: bool, job, settings: list[MailSettings | None]) -> None:
    """Run a job; a mail, config or command-line problem is one line and exit status 2."""
    from pipeline.run import RunError

    try:
        status = job()
    except (MailError, ConfigError, RunError, _Stop) as exc:
        if debug:
            err.print(scrub(traceback.format_exc(), settings[0]), highlight=False, markup=False)
        text = scrub(str(exc), settings[0])
        err.print(f"[bold red]Lỗi:[/] {text}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    raise typer.Exit(status or 0)


def _load(path: Path, holder: list) -> MailSettings:
    settings = load_settings(path=path)
    holder[0] = settings
    return settings


def _chosen_period(period: str, inputs: Path):
    from pipeline import run

    return _period(period) if period else run.default_period(inputs)


@mail_app.command("fetch", cls=_Command)
def fetch(inputs: Inputs = Path("inputs"), outputs: Outputs = Path("outputs"),
          config: Config = None, settings: Settings = Path("mail.toml"),
          debug: Debug = False) -> None:
    """Nhận thư mới từ hộp thư Văn phòng (IMAP), lưu nguyên văn (.eml) vào thư mục kỳ báo cáo."""
    from pipeline.mail.fetch import fetch_mail
    from pipeline.mail.ledger import run_lock

    holder: list = [None]

    def job() -> int:
        import datetime as dt

        from pipeline.periods import period_of

        # a message may belong to any plan's period (a late file of the previous plan): the
        # plan being lived in (today's quarter) first, then the others of plans/
        if config is not None:
            plan = load_plan(config)
        else:
            today = _plan_path(None, period_of(dt.date.today()))
            plan = [load_plan(p) for p in [today, *(f for f in plan_files(PLANS) if f != today)]]
        mail = _load(settings, holder)
        mail.need_imap()
        if not inputs.is_dir():
            raise _Stop(f"Không tìm thấy thư mục dữ liệu vào '{inputs}'.")
        with run_lock(outputs), _progress() as progress:
            result = fetch_mail(plan, inputs, outputs, mail, progress)
        _fetch_summary(result, inputs)
        return 0

    _guard(debug, job, holder)


@mail_app.command("send", cls=_Command)
def send(period: MailPeriod = "", inputs: Inputs = Path("inputs"),
         outputs: Outputs = Path("outputs"), config: Config = None,
         send: Send = False, settings: Settings = Path("mail.toml"),
         debug: Debug = False) -> None:
    """Gửi thư phản hồi (nội dung trong phan-hoi/ và bảng tính đã ghi chú) cho từng đơn vị."""
    from pipeline.mail.send import deliver, replies

    holder: list = [None]

    def job() -> int:
        chosen = _chosen_period(period, inputs)
        plan = _plan(config, chosen)
        mail = _load(settings, holder)
        sender = mail.need_sender()
        if send:
            mail.need_smtp()
        rows = replies(plan, chosen, inputs, outputs, sender)
        return _send_summary(deliver(rows, chosen, outputs, mail, send), chosen, outputs, send,
                             "thư phản hồi")

    _guard(debug, job, holder)


@mail_app.command("remind", cls=_Command)
def remind(period: MailPeriod = "", inputs: Inputs = Path("inputs"),
           outputs: Outputs = Path("outputs"), run_date: RunDate = "",
           config: Config = None, send: Send = False,
           settings: Settings = Path("mail.toml"), debug: Debug = False) -> None:
    """Nhắc các đơn vị chưa có báo cáo được tiếp nhận trong kỳ (sắp đến hạn hoặc đã quá hạn)."""
    from pipeline.mail.send import deliver, reminders

    holder: list = [None]

    def job() -> int:
        chosen = _chosen_period(period, inputs)
        plan = _plan(config, chosen)
        mail = _load(settings, holder)
        from pipeline import run

        run.check_period(plan, chosen)
        sender = mail.need_sender()
        if send:
            mail.need_smtp()
        rows = reminders(plan, chosen, inputs, _date(run_date), sender)
        return _send_summary(deliver(rows, chosen, outputs, mail, send), chosen, outputs, send,
                             "thư nhắc")

    _guard(debug, job, holder)


class _progress:
    """A rich progress bar for long fetches, on a terminal only."""

    def __enter__(self):
        self.bar = None
        return self

    def __call__(self, total: int):
        if total < PROGRESS_FROM or not out.is_terminal:
            return lambda: None
        self.bar = Progress(TextColumn("Đang nhận thư"), BarColumn(), MofNCompleteColumn(),
                            console=out, transient=True)
        self.bar.start()
        task = self.bar.add_task("thu", total=total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.stop()


def _fetch_summary(result, inputs: Path) -> None:
    from rich.table import Table

    from pipeline.mail.fetch import summary

    counts = summary(result)
    if counts:
        table = Table(title="Thư đã nhận")
        for header in ("Kỳ", "Đơn vị", "Số thư"):
            table.add_column(header)
        for (period, unit), count in counts.items():
            table.add_row(str(period), unit or "(không rõ)", str(count))
        out.print(table)
    out.print(f"Đã nhận {len(result.imported)} thư mới vào {inputs}; {result.already} thư đã "
              f"nhận từ trước; hộp thư có {result.seen} thư.", highlight=False, soft_wrap=True)
    if result.left:
        table = Table(title="Thư để lại trong hộp thư (không nhận)")
        for header in ("Người gửi", "Tiêu đề", "Ngày gửi", "Lý do"):
            table.add_column(header, overflow="fold")
        for left in result.left:
            table.add_row(left.sender, left.subject, left.date, left.reason)
        out.print(table)
    if not result.keywords:
        out.print("Máy chủ không cho gắn nhãn $DHTT-Imported; thư đã nhận được ghi trong "
                  "outputs/.mail/imported.jsonl.", highlight=False, soft_wrap=True)


def _send_summary(rows, period, outputs: Path, send: bool, what: str) -> int:
    from rich.table import Table

    from pipeline.mail.send import SENT, SENT_BEFORE, WILL_SEND

    if not rows:
        out.print(f"Không có {what} nào cần gửi cho kỳ {period}.", highlight=False)
        return 0
    table = Table(title=f"{what.capitalize()} kỳ {period}")
    for header in ("Đơn vị", "Địa chỉ", "Tiêu đề", "Đính kèm", "Trạng thái"):
        table.add_column(header, overflow="fold")
    for row in rows:
        o = row.outgoing
        table.add_row(row.unit.code, row.unit.email or "—", o.subject if o else "—",
                      ", ".join(o.attachments) if o else "", row.status)
    out.print(table)
    folder = outputs / str(period) / "thu-gui"
    counts = {s: sum(r.status == s for r in rows) for s in (SENT, SENT_BEFORE, WILL_SEND)}
    if send:
        out.print(f"Đã gửi {counts[SENT]} thư; {counts[SENT_BEFORE]} thư đã gửi trước đó. Bản "
                  f"lưu: {folder}", highlight=False, soft_wrap=True)
    else:
        out.print(f"Chưa gửi thư nào. Xem trước các thư trong {folder}, rồi chạy lại với --send "
                  "để gửi.", highlight=False, soft_wrap=True)
    refused = [r for r in rows if r.status.startswith("Máy chủ từ chối")]
    return 1 if refused else 0
