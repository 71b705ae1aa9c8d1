"""A failed connection, login or session, IMAP or SMTP, said in one Vietnamese line.

Enters: the exception a mail library raised and the `Endpoint` it was talking to. Leaves: a
`MailError` that names the server and what went wrong (host unreachable, TLS failure, wrong
user or password, a folder missing, a server refusal), with every password scrubbed.
"""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl

from imap_tools.errors import MailboxFolderSelectError, MailboxLoginError, MailboxStarttlsError

from pipeline.mail.settings import Endpoint, MailError, MailSettings, scrub


def connection_error(exc: BaseException, endpoint: Endpoint, settings: MailSettings) -> MailError:
    where = f"máy chủ {endpoint.protocol.upper()} {endpoint.host}:{endpoint.port}"
    variable = f"DHTT_{endpoint.protocol.upper()}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        text = (f"Kết nối TLS tới {where} thất bại: chứng chỉ của máy chủ không được tin cậy "
                f"({exc.verify_message}); nếu máy chủ dùng chứng chỉ nội bộ, hãy đặt "
                "DHTT_MAIL_CAFILE.")
    elif isinstance(exc, ssl.SSLError | MailboxStarttlsError) or _starttls_refused(exc):
        text = (f"Kết nối TLS tới {where} thất bại; kiểm tra {variable}_SECURITY (tls hay "
                f"starttls) và {variable}_PORT.")
    elif _auth_refused(exc):
        text = (f"Đăng nhập {where} thất bại: sai tên đăng nhập hoặc mật khẩu "
                f"({variable}_USER, {variable}_PASSWORD).")
    elif isinstance(exc, MailboxFolderSelectError):
        text = f"Không mở được thư mục '{endpoint.folder}' trên {where} ({variable}_FOLDER)."
    elif isinstance(exc, socket.gaierror):
        text = f"Không tìm thấy {where}: tên máy chủ {variable}_HOST không đúng."
    elif isinstance(exc, smtplib.SMTPServerDisconnected | OSError | EOFError):
        text = (f"Không kết nối được {where}: máy chủ không trả lời, ngắt kết nối hoặc sai cổng "
                f"({variable}_HOST, {variable}_PORT).")
    else:
        text = f"{where} báo lỗi: {_one_line(exc)}."
    return MailError(scrub(text, settings))


def _auth_refused(exc: BaseException) -> bool:
    if isinstance(exc, MailboxLoginError | smtplib.SMTPAuthenticationError):
        return True
    return isinstance(exc, imaplib.IMAP4.error) and "AUTHENTICATIONFAILED" in str(exc)


def _starttls_refused(exc: BaseException) -> bool:
    return isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc).upper()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
