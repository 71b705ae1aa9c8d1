"""Routing a fetched message over the plans of plans/: a cover's period beats a submission
window, in whichever plan it lies; the attachments are read once."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.config import PLANS, load_plan
from pipeline.intake.readers import ReaderPool
from pipeline.mail.route import message_key, route
from tests.mail.mailtools import PLAN, address, message, ods_cover

D = dt.datetime
NEXT = PLANS / "2026-2030.toml"


@pytest.fixture(scope="module")
def pool():
    with ReaderPool(workers=1) as pool:
        yield pool


@pytest.fixture(scope="module")
def plans():
    if not NEXT.is_file():
        pytest.skip("no 2026-2030 plan")
    return [load_plan(NEXT), PLAN]  # the plan being lived in first, as `mail fetch` orders them


def routed(plans, pool, data):
    return route(plans, data, message_key(None, data), pool)


def test_a_late_file_of_the_previous_plan_goes_to_its_own_quarter(plans, pool):
    """Sent in March 2026 (2026-Q1's submission window), its cover says 2025-Q2."""
    data = message(address("QLVT"), [("QLVT quy II.ods", ods_cover("QLVT", "2025-Q2"))],
                   D(2026, 3, 5, 9))
    assert [str(p) for p in routed(plans, pool, data).periods] == ["2025-Q2"]


def test_without_a_cover_the_window_of_the_first_plan_that_has_one(plans, pool):
    in_2026 = message(address("QLVT"), [], D(2026, 3, 5, 9))
    in_2025 = message(address("QLVT"), [], D(2025, 10, 6, 9))
    assert [str(p) for p in routed(plans, pool, in_2026).periods] == ["2026-Q1"]
    assert [str(p) for p in routed(plans, pool, in_2025).periods] == ["2025-Q3"]


def test_the_attachments_are_read_once_whatever_the_number_of_plans(plans, pool, monkeypatch):
    read = []
    real = pool.read_each
    monkeypatch.setattr(pool, "read_each", lambda files: read.append(len(files)) or real(files))
    data = message(address("QLVT"), [("a.ods", ods_cover("QLVT", "2099-Q1"))], D(2026, 3, 5, 9))
    routed(plans, pool, data)
    assert read == [1]


def test_covers_naming_quarters_of_two_plans_go_to_both(plans, pool):
    """A unit sends its late 2025-Q4 file and its 2026-Q1 file in one message."""
    data = message(address("QLVT"), [("cu.ods", ods_cover("QLVT", "2025-Q4")),
                                      ("moi.ods", ods_cover("QLVT", "2026-Q1"))],
                   D(2026, 4, 2, 9))
    assert [str(p) for p in routed(plans, pool, data).periods] == ["2025-Q4", "2026-Q1"]
