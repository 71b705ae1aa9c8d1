"""Plain records passed between the file-system edge and the stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class InputFile:
    """One workbook to process: a file dropped in the period folder or an e-mail attachment."""

    name: str  # as `tep` shows it: "TTKD_Q2.xlsx" or "message.eml/attachment.xlsx"
    data: bytes = field(repr=False)
    sha256: str = ""
    submitted: dt.datetime | None = None  # the e-mail's Date, in Vietnam's time (UTC+7)
    sender: str | None = None  # the e-mail's From address, lower case
    container: str | None = None  # the .eml file name when it came by e-mail


@dataclass(frozen=True)
class RawSheet:
    """A sheet's cell values: rows[0] is Excel row 1, rows[r][0] is column A.

    Values are None, str, int, float, bool, datetime.date/datetime/time or timedelta.
    Rows after 50 consecutive blank rows are not read.
    """

    name: str
    rows: list[list[object]]
    visibility: str = "visible"  # "visible", "hidden" or "veryhidden" (Excel's sheet state)


@dataclass(frozen=True)
class RawBook:
    format: str  # "xlsx", "xlsm", "xls", "ods"
    sheets: list[RawSheet]


class UnreadableFile(Exception):
    """A file that cannot be opened; `code` is a findings code, `message` Vietnamese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
