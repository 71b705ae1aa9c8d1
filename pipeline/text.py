"""Text normalisation shared by every stage: NFC, folding for matching, tolerant parsing."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_ALNUM_KEEP = re.compile(r"[^0-9a-z/\- ]+")
# Excel's 1900 date system serial 0 (with the 1900 leap-year bug absorbed by the offset).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def clean(value: object) -> str:
    """Trim, collapse inner spaces and normalise to NFC. None and blank become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # str.split() splits on the same whitespace as the regex \s+ and drops it at both ends.
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics: 'Đăng ký' -> 'Dang ky'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(value: object, keep_punct: bool = False) -> str:
    """The matching key of a header, sheet name or code: no case, marks, spaces or punctuation."""
    # exactly str: a subclass (an Enum, a str with its own __eq__) must not key the cache
    return _fold(value if type(value) is str else clean(value), keep_punct)


@functools.lru_cache(maxsize=2**16)
def _fold(text: str, keep_punct: bool) -> str:
    # The same few headers, sheet names and codes are folded for every file: remembered.
    text = strip_marks(clean(text)).lower()
    if keep_punct:
        return _NOT_ALNUM_KEEP.sub("", text)
    return _NOT_ALNUM.sub("", text)


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def name_key(value: object) -> str:
    """Compare names ignoring case and tone-mark placement ('Hoà' = 'Hòa').

    Each syllable's tone mark is moved to the end of the syllable, wherever the writer put it.
    """
    words = unicodedata.normalize("NFD", clean(value)).casefold().split(" ")
    keyed = []
    for word in words:
        tones = "".join(c for c in word if c in _TONE_MARKS)
        keyed.append("".join(c for c in word if c not in _TONE_MARKS) + tones)
    return " ".join(keyed)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object, epoch1904: bool = False) -> dt.date | None:
    """A real date, an Excel serial, or day-first text; None when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:
            return None
        base = dt.date(1904, 1, 1) if epoch1904 else _EXCEL_EPOCH
        return base + dt.timedelta(days=int(value))
    text = clean(value)
    for pattern, order in ((_DATE_DMY, (3, 2, 1)), (_DATE_YMD, (1, 2, 3))):
        m = pattern.match(text)
        if m:
            try:
                return dt.date(*(int(m.group(i)) for i in order))
            except ValueError:
                return None
    return None


def parse_decimal(value: object) -> Decimal | None:
    """A real number or text with a dot or a decimal comma; None when not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    text = clean(value).replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_int(value: object) -> int | None:
    number = parse_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def excel_col(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def vn_number(value: object, decimals: int = 2) -> str:
    """Vietnamese number formatting: '1.234,5' (dot for thousands, comma for decimals)."""
    number = Decimal(str(value))
    text = f"{number:,.{decimals}f}" if decimals else f"{number:,.0f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if decimals and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


_BASES = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter_key(ch: str) -> tuple[int, int]:
    nfd = unicodedata.normalize("NFD", ch.lower())
    tone = next((_TONES[c] for c in nfd if c in _TONES and c), 0)
    base = unicodedata.normalize(
        "NFC", "".join(c for c in nfd if c not in _TONES or not c)
    )
    if base in _BASES:
        return (_BASES.index(base) + 1000, tone)
    return (ord(base[0]) if base else 0, tone)


def vn_sort_key(value: object) -> tuple:
    """Vietnamese alphabetical order: Đ after D, Ă/Â after A, tones secondary."""
    text = clean(value)
    letters = [_letter_key(ch) for ch in text]
    return (tuple(b for b, _ in letters), tuple(t for _, t in letters), text)
