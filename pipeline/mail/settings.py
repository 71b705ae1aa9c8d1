"""Mail settings: the environment first, then an optional settings file, then defaults.

Enters: `os.environ` (DHTT_IMAP_*, DHTT_SMTP_*, DHTT_MAIL_FROM, DHTT_MAIL_CAFILE) and an
optional TOML file (`mail.toml`, git-ignored) that may hold the non-secret settings only.
Leaves: `MailSettings` (an `Endpoint` per protocol) and TLS contexts. Every problem is a
`MailError` whose message is one Vietnamese line; no message ever contains a password.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

SECURITIES = ("tls", "starttls", "plain")
DEFAULT_PORTS = {"imap": {"tls": 993, "starttls": 143, "plain": 143},
                 "smtp": {"tls": 465, "starttls": 587, "plain": 25}}
DEFAULT_MAX_MB = 25
TIMEOUT = 30.0  # seconds for connecting and for each server answer
_FIELDS = ("HOST", "PORT", "USER", "PASSWORD", "FOLDER", "SECURITY")
_FILE_KEYS = {"imap": {"host", "port", "user", "folder", "security", "move_to"},
              "smtp": {"host", "port", "user", "security"},
              "mail": {"from", "cafile", "max_size_mb"}}


class MailError(Exception):
    """The mail command cannot go on; the message is one Vietnamese line (exit status 2)."""


@dataclass(frozen=True)
class Endpoint:
    """One server: where, how and who. `password` is kept out of repr."""

    protocol: str  # "imap" or "smtp"
    host: str
    port: int
    security: str
    user: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    move_to: str = ""  # IMAP: a folder imported messages are moved to ("" = left in place)

    @property
    def name(self) -> str:
        return f"{self.protocol.upper()} {self.host}:{self.port}"


@dataclass(frozen=True)
class MailSettings:
    imap: Endpoint | None
    smtp: Endpoint | None
    sender: str  # DHTT_MAIL_FROM, the Office's address
    cafile: Path | None
    max_bytes: int

    def need_imap(self) -> Endpoint:
        if self.imap is None:
            raise MailError("Chưa đặt máy chủ nhận thư: hãy đặt biến môi trường DHTT_IMAP_HOST, "
                            "DHTT_IMAP_USER và DHTT_IMAP_PASSWORD (xem README, mục Nhận và gửi "
                            "thư).")
        return self.imap

    def need_smtp(self) -> Endpoint:
        if self.smtp is None:
            raise MailError("Chưa đặt máy chủ gửi thư: hãy đặt biến môi trường DHTT_SMTP_HOST, "
                            "DHTT_SMTP_USER và DHTT_SMTP_PASSWORD (xem README, mục Nhận và gửi "
                            "thư).")
        return self.smtp

    def need_sender(self) -> str:
        if not self.sender:
            raise MailError("Chưa đặt địa chỉ gửi thư của Văn phòng: hãy đặt biến môi trường "
                            "DHTT_MAIL_FROM, ví dụ DHTT_MAIL_FROM=vanphong.sxd@phutho.gov.vn.")
        return self.sender

    def passwords(self) -> list[str]:
        """The secrets, for scrubbing any text shown to a person."""
        return [e.password for e in (self.imap, self.smtp) if e is not None and e.password]


def load_settings(env: Mapping[str, str] | None = None, path: Path | None = None) -> MailSettings:
    """The settings from `env` (default: os.environ) over the file at `path` (if it exists)."""
    env = os.environ if env is None else env
    file = _read_file(path) if path is not None and path.is_file() else {}
    sender = env.get("DHTT_MAIL_FROM") or file.get("mail", {}).get("from", "")
    sender = str(sender).strip()
    if sender and "@" not in parseaddr(sender)[1]:
        raise MailError(f"Địa chỉ gửi thư DHTT_MAIL_FROM '{sender}' không hợp lệ.")
    cafile = env.get("DHTT_MAIL_CAFILE") or file.get("mail", {}).get("cafile", "")
    if cafile and not Path(cafile).is_file():
        raise MailError(f"Không tìm thấy tệp chứng chỉ DHTT_MAIL_CAFILE '{cafile}'.")
    size = file.get("mail", {}).get("max_size_mb", DEFAULT_MAX_MB)
    if not isinstance(size, int | float) or isinstance(size, bool) or size <= 0:
        raise MailError("Tệp cài đặt thư: mail.max_size_mb phải là một số dương (đơn vị MB).")
    return MailSettings(
        imap=_endpoint("imap", env, file.get("imap", {})),
        smtp=_endpoint("smtp", env, file.get("smtp", {})),
        sender=sender,
        cafile=Path(cafile) if cafile else None,
        max_bytes=int(size * 1024 * 1024),
    )


def _read_file(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        raise MailError(f"Không đọc được tệp cài đặt thư '{path}'.") from None
    except tomllib.TOMLDecodeError as exc:
        raise MailError(f"Tệp cài đặt thư '{path}' sai cú pháp TOML: {exc}.") from None
    for section, values in data.items():
        if section not in _FILE_KEYS or not isinstance(values, dict):
            raise MailError(f"Tệp cài đặt thư '{path}': mục [{section}] không được hỗ trợ "
                            "(chỉ có [imap], [smtp], [mail]).")
        for key in values:
            if "password" in key.lower() or "mat_khau" in key.lower():
                raise MailError(f"Tệp cài đặt thư '{path}' không được chứa mật khẩu ([{section}] "
                                f"{key}); mật khẩu chỉ đặt trong biến môi trường "
                                f"DHTT_{section.upper()}_PASSWORD.")
            if key not in _FILE_KEYS[section]:
                raise MailError(f"Tệp cài đặt thư '{path}': khóa [{section}] {key} không được hỗ "
                                "trợ (kiểm tra chính tả).")
    return data


def _endpoint(protocol: str, env: Mapping[str, str], file: dict) -> Endpoint | None:
    prefix = f"DHTT_{protocol.upper()}_"
    values = {name: env.get(prefix + name, "") for name in _FIELDS}
    for name in ("HOST", "PORT", "USER", "FOLDER", "SECURITY"):
        if not values[name] and name.lower() in file:
            values[name] = str(file[name.lower()])
    host = values["HOST"].strip()
    if not host:
        return None
    security = (values["SECURITY"] or "tls").strip().lower()
    if security not in SECURITIES:
        raise MailError(f"{prefix}SECURITY '{security}' không hợp lệ; chỉ nhận tls, starttls "
                        "hoặc plain.")
    if security == "plain" and not is_loopback(host):
        raise MailError(f"{prefix}SECURITY=plain (không mã hóa) chỉ được dùng với máy chủ trên "
                        f"chính máy này (127.0.0.1, localhost), không dùng với '{host}': hãy "
                        "dùng tls hoặc starttls.")
    port_text = values["PORT"].strip()
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise MailError(f"{prefix}PORT '{port_text}' không hợp lệ; hãy ghi một số từ 1 đến "
                            "65535.")
        port = int(port_text)
    else:
        port = DEFAULT_PORTS[protocol][security]
    user = values["USER"].strip()
    if user and not values["PASSWORD"]:
        raise MailError(f"Đã đặt {prefix}USER nhưng chưa đặt {prefix}PASSWORD (mật khẩu chỉ đặt "
                        "trong biến môi trường).")
    return Endpoint(protocol=protocol, host=host, port=port, security=security, user=user,
                    password=values["PASSWORD"], folder=values["FOLDER"].strip() or "INBOX",
                    move_to=str(file.get("move_to", "")).strip())


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and the name localhost: no traffic leaves this machine."""
    if host.strip().lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """Certificates verified, host names checked; a private CA when DHTT_MAIL_CAFILE is set."""
    cafile = str(settings.cafile) if settings.cafile else None
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError):
        raise MailError(f"Tệp chứng chỉ DHTT_MAIL_CAFILE '{cafile}' không đọc được hoặc không "
                        "phải chứng chỉ PEM.") from None


SCRUB_FROM = 6  # characters: a shorter password could be a word of a message, and mangle it


def scrub(text: str, settings: MailSettings | None) -> str:
    """`text` with every password replaced by ***. Messages are written never to hold one;
    this guards the --debug traceback against a library that would quote it."""
    for secret in settings.passwords() if settings else []:
        if len(secret) >= SCRUB_FROM:
            text = text.replace(secret, "***")
    return text
