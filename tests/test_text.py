"""Text helpers: matching keys, Vietnamese order and formats, periods."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.periods import Period, parse_period
from pipeline.text import (
    clean,
    excel_col,
    fold,
    name_key,
    parse_date,
    parse_decimal,
    vn_number,
    vn_sort_key,
)


@pytest.mark.parametrize("a, b", [("Đăng ký", "DANG KY"), ("Đăng ký", "đăng  ký"),
                                  ("Nội dung mô hình,\nthành tích", "noi dung mo hinh thanh tich"),
                                  ("Tập thể", "tap the")])
def test_fold_ignores_case_marks_spaces_punctuation(a, b):
    assert fold(a) == fold(b)


def test_name_key_ignores_tone_mark_placement_but_not_tones():
    assert name_key("Nguyễn Thị Hoà") == name_key("nguyễn thị hòa")
    assert name_key("Hóa") != name_key("Hòa")


def test_vietnamese_alphabetical_order():
    names = ["Đặng Văn An", "Dương Thị Bình", "Ánh", "Anh", "Ăn", "Âu", "Bình", "Ê", "E"]
    assert sorted(names, key=vn_sort_key) == ["Anh", "Ánh", "Ăn", "Âu", "Bình", "Dương Thị Bình",
                                              "Đặng Văn An", "E", "Ê"]


@pytest.mark.parametrize("text, period", [("2025-Q2", Period(2025, 2)),
                                          ("Q4/2024", Period(2024, 4)),
                                          ("Quý III/2025", Period(2025, 3)),
                                          ("quý 1 năm 2023", Period(2023, 1)),
                                          ("QUÝ IV NĂM 2022", Period(2022, 4)),
                                          ("Quý 5/2025", None), ("2025", None)])
def test_periods_in_every_listed_form(text, period):
    assert parse_period(text) == period


def test_period_labels_and_dates():
    p = Period(2025, 2)
    assert (p.label, p.label_short) == ("quý II năm 2025", "Quý II/2025")
    assert (p.first_day, p.last_day) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert Period(2024, 4).next() == Period(2025, 1)
    assert Period(2025, 1).previous() == Period(2024, 4)


@pytest.mark.parametrize("value, expected", [
    ("05/07/2025", dt.date(2025, 7, 5)), ("5/7/2025", dt.date(2025, 7, 5)),
    ("05-07-2025", dt.date(2025, 7, 5)), ("05.07.2025", dt.date(2025, 7, 5)),
    ("2025-07-05", dt.date(2025, 7, 5)), (45843, dt.date(2025, 7, 5)), ("31/02/2025", None),
    ("hôm qua", None), (True, None)])
def test_dates(value, expected):
    assert parse_date(value) == expected


def test_1904_serials():
    assert parse_date(44381, epoch1904=True) == dt.date(2025, 7, 5)


@pytest.mark.parametrize("value, expected", [("8,5", Decimal("8.5")), (8.5, Decimal("8.5")),
                                             ("1 000", Decimal(1000)), ("abc", None), ("", None),
                                             (float("nan"), None)])
def test_decimals(value, expected):
    assert parse_decimal(value) == expected


def test_vietnamese_number_format_and_columns():
    assert vn_number(Decimal("1234.5")) == "1.234,5"
    assert vn_number(92, 2) == "92"
    assert vn_number(1620, 0) == "1.620"
    assert [excel_col(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


# Spaces of every kind Unicode has (tab, no-break, em, ideographic, next line, separators…).
_WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


@given(st.text(st.sampled_from(["a", "ế", "e", "\u0302", "\u0301", "Đ", "\u200b", *_WHITESPACE])))
def test_clean_collapses_every_kind_of_whitespace_run_to_one_space_and_trims(text):
    expected = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    assert clean(text) == expected


def test_fold_keys_a_str_subclass_by_its_text_not_its_type():
    """fold remembers what it made: a str subclass equal to a plain text, but shown otherwise,
    must not stand for that text (nor the text for it)."""

    class Label(str):
        def __str__(self) -> str:
            return "nhãn " + super().__str__()

    assert fold(Label("COVER")) == "nhancover"  # what it shows, as before the cache
    assert fold("COVER") == "cover"
    assert fold(Label("COVER")) == "nhancover"
