"""Real mail servers on 127.0.0.1 for the mail tests: Dovecot (IMAP, IMAPS, STARTTLS) as a child
process with its own configuration in a temporary folder, and aiosmtpd (STARTTLS + AUTH).

Nothing here touches the network beyond loopback, the default ports or /var/run: Dovecot's
base_dir, state_dir and logs live in the temporary folder and it listens on free ports.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists()
                                      else None)
OPENSSL = shutil.which("openssl")
ENABLE = ("Dovecot is not installed: the mail tests against a real IMAP server are skipped. "
          "Enable them with `apt-get install -y dovecot-imapd` (Debian; .ci/run does it).")
USER, PASSWORD = "vanphong", "mật-khẩu-Thử 1"


def wait_for(condition, timeout: float = 15.0, what: str = "condition"):
    """Poll `condition` until it returns something true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def make_certificate(folder: Path, name: str = "server") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (it is its own CA)."""
    if OPENSSL is None:
        pytest.skip("openssl is needed to make the test servers' certificate")
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


@dataclass
class Dovecot:
    root: Path
    cert: Path
    imap_port: int = 0  # plain and STARTTLS
    imaps_port: int = 0  # implicit TLS
    process: subprocess.Popen | None = None
    env: dict = field(default_factory=dict)

    def mailbox_env(self, security: str = "tls") -> dict[str, str]:
        port = self.imaps_port if security == "tls" else self.imap_port
        return {"DHTT_IMAP_HOST": "127.0.0.1", "DHTT_IMAP_PORT": str(port),
                "DHTT_IMAP_USER": USER, "DHTT_IMAP_PASSWORD": PASSWORD,
                "DHTT_IMAP_SECURITY": security, "DHTT_MAIL_CAFILE": str(self.cert)}

    def client(self):
        from imap_tools import MailBox

        context = ssl.create_default_context(cafile=str(self.cert))
        return MailBox("127.0.0.1", self.imaps_port, ssl_context=context).login_utf8(USER, PASSWORD)

    def deliver(self, *messages: bytes) -> None:
        with self.client() as box:
            for data in messages:
                box.append(data, "INBOX")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot() -> Dovecot:
    if DOVECOT is None:
        pytest.skip(ENABLE)
    # Not under pytest's 0700 tmp folders: Dovecot's login processes run as an unprivileged
    # user and must reach base_dir.
    root = Path(tempfile.mkdtemp(prefix="dhtt-dovecot-"))
    root.chmod(0o755)
    cert, key = make_certificate(root)
    key.chmod(0o644)
    if os.geteuid() == 0:  # root: the package's own users; mail as an unprivileged user
        login, internal = "dovenull", "dovecot"
        owner = pwd.getpwnam("dovecot")
    else:  # a developer's machine: everything as this user
        login = internal = pwd.getpwuid(os.getuid()).pw_name
        owner = pwd.getpwuid(os.getuid())
    home = root / "home" / USER
    home.mkdir(parents=True)
    for path in (root / "home", home):
        os.chown(path, owner.pw_uid, owner.pw_gid)
    (root / "run").mkdir(mode=0o755)
    (root / "state").mkdir()
    (root / "passwd").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{owner.pw_uid}:{owner.pw_gid}::{home}\n", encoding="utf-8")
    server = Dovecot(root=root, cert=cert, imap_port=free_port(), imaps_port=free_port())
    config = f"""
base_dir = {root}/run
state_dir = {root}/state
instance_name = dhtt-test-{server.imaps_port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login}
default_internal_user = {internal}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {server.imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {server.imaps_port}
    ssl = yes
  }}
}}
"""
    (root / "dovecot.conf").write_text(config, encoding="utf-8")
    server.process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: server.process.poll() is not None
                 or (listening(server.imap_port) and listening(server.imaps_port)),
                 what="dovecot to listen")
        if server.process.poll() is not None:
            log = (root / "dovecot.log")
            detail = server.process.stderr.read().decode(errors="replace")
            detail += log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"dovecot did not start: {detail[-2000:]}")
    except BaseException:
        server.stop()
        raise
    return server


# --- SMTP ----------------------------------------------------------------------------------


@dataclass
class Delivered:
    sender: str
    recipients: list[str]
    data: bytes


class SmtpServer:
    """aiosmtpd on a free loopback port: STARTTLS required, AUTH required (after TLS)."""

    def __init__(self, folder: Path, user: str = "vanphong@phutho.gov.vn",
                 password: str = "smtp-Pass word 2"):
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.cert, key = make_certificate(folder, "smtp")
        self.user, self.password = user, password
        self.messages: list[Delivered] = []
        self.lock = threading.Lock()
        self.refuse: set[str] = set()  # recipients answered 550
        server = self

        class Handler:
            async def handle_RCPT(self, srv, session, envelope, address, options):
                if address in server.refuse:
                    return "550 5.1.1 Hộp thư không tồn tại"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, srv, session, envelope):
                with server.lock:
                    server.messages.append(Delivered(envelope.mail_from,
                                                     list(envelope.rcpt_tos),
                                                     envelope.original_content or b""))
                    number = len(server.messages)
                return f"250 2.0.0 Ok: queued as TEST{number:04d}"

        def authenticator(srv, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == server.user
                  and auth_data.password.decode("utf-8") == server.password)
            return AuthResult(success=ok, handled=False)

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.cert), str(key))
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     tls_context=context, require_starttls=True,
                                     authenticator=authenticator, auth_required=True,
                                     auth_require_tls=True)
        self.controller.start()

    def env(self) -> dict[str, str]:
        return {"DHTT_SMTP_HOST": "127.0.0.1", "DHTT_SMTP_PORT": str(self.port),
                "DHTT_SMTP_USER": self.user, "DHTT_SMTP_PASSWORD": self.password,
                "DHTT_SMTP_SECURITY": "starttls", "DHTT_MAIL_CAFILE": str(self.cert),
                "DHTT_MAIL_FROM": "Văn phòng Sở Xây dựng <vanphong@phutho.gov.vn>"}

    def stop(self) -> None:
        self.controller.stop()
