"""The sample-input generator: deterministic, well-formed, and what inputs/ holds."""

from __future__ import annotations

import datetime as dt
import email
import io
import unicodedata
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.config import PLANS, Unit, load_plan
from pipeline.council.sample import write_sample_ballots
from pipeline.periods import Period, parse_period, periods_between
from pipeline.text import fold, parse_date, parse_decimal
from pipeline.tools.sample import (
    apply_mistake,
    assign_mistakes,
    assign_roles,
    generate,
    main,
    make_profiles,
    simulate,
)
from pipeline.tools.sample_data import Roll
from schemas.sheets import COVER, council_sheet, sheets_for

PLAN = load_plan()
INPUTS = Path(__file__).resolve().parents[2] / "inputs"
EARLY = [Period(2021, 2), Period(2021, 3), Period(2021, 4)]
LATE = [Period(2025, 2), Period(2025, 3)]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


NOMINATIONS = "de cu NTVT"  # in the name of the sample's nomination files


def _workbooks(folder: Path):
    """(file name, sender, e-mail date, openpyxl workbook) for every unit workbook of a folder
    (nomination files apart)."""
    for path in sorted(folder.iterdir()):
        if path.name == "hoi-dong.xlsx" or NOMINATIONS in path.name:
            continue
        if path.suffix == ".eml":
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for part in msg.iter_attachments():
                yield (path.name, msg["From"].addresses[0].addr_spec,
                       parsedate_to_datetime(msg["Date"]), load_workbook(io.BytesIO(
                           part.get_content())))
        else:
            yield path.name, None, None, load_workbook(path)


def _cover(book) -> dict[str, object]:
    return {fold(r[0]): r[1] for r in book["Thông tin"].iter_rows(values_only=True) if r[0]}


def _table(sheet) -> list[dict[str, object]]:
    """Rows of a data sheet keyed by folded header; a two-row header is read as one."""
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if any(fold(v) in ("stt", "madienhinh") for v in r))
    keys = [fold(v) for v in rows[head]]
    if head + 1 < len(rows) and "G1" in rows[head + 1]:
        head += 1
        keys = [fold(low) if low else key for key, low in zip(keys, rows[head], strict=True)]
    return [dict(zip(keys, r, strict=True)) for r in rows[head + 1:] if any(r)]


def test_two_runs_are_byte_identical(tmp_path):
    generate(PLAN, EARLY, tmp_path / "a")
    generate(PLAN, EARLY, tmp_path / "b")
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    # 9 units x 3 periods, one missing, one resend, one council file, 9 nomination files
    assert len(first) == 37
    assert first == second


def test_every_workbook_has_the_declared_sheets(tmp_path):
    generate(PLAN, EARLY, tmp_path)
    expected = [COVER.name, *(s.name for s in sheets_for(PLAN))]
    count = 0
    for period in EARLY:
        for name, _sender, _date, book in _workbooks(tmp_path / str(period)):
            assert book.sheetnames == expected, name
            count += 1
    assert count == 9 + 9 + 9  # the last period: one missing unit, one unit sent twice
    council = load_workbook(tmp_path / "2021-Q4" / "hoi-dong.xlsx")
    assert council.sheetnames == ["Điều chỉnh"]
    header = next(council.active.iter_rows(values_only=True))
    assert list(header) == [c.header for c in council_sheet(PLAN).columns]


def test_covers_name_the_unit_and_the_folder_period_unless_mistaken(tmp_path):
    generate(PLAN, EARLY, tmp_path / "clean", mistakes=False)
    generate(PLAN, EARLY, tmp_path / "mistaken")
    wrong = {"clean": [], "mistaken": []}
    bad_mail = {"clean": 0, "mistaken": 0}
    for variant in wrong:
        for period in EARLY:
            for name, _s, _d, book in _workbooks(tmp_path / variant / str(period)):
                cover = _cover(book)
                assert PLAN.unit(cover["madonvi"]) is not None
                if parse_period(cover["kybaocao"]) != period:
                    wrong[variant].append((str(period), name))
                bad_mail[variant] += "@" not in cover["email"]
    assert wrong == {"clean": [], "mistaken": [("2021-Q3", "bao cao DHTT quy 3 - QHKT.xlsx")]}
    assert bad_mail["clean"] == 0


def test_mistakes_flag_changes_the_output(tmp_path):
    generate(PLAN, EARLY, tmp_path / "with")
    generate(PLAN, EARLY, tmp_path / "without", mistakes=False)
    with_, without = _tree(tmp_path / "with"), _tree(tmp_path / "without")
    assert with_.keys() == without.keys()
    changed = {k for k in with_ if with_[k] != without[k]}
    mistaken, drafts, wrong = set(), set(), set()
    for index, period in enumerate(EARLY):
        present = PLAN.units_for(period)
        roles = assign_roles(present, period, 2025, "QHKT") if period == EARLY[-1] else {}
        faults = assign_mistakes(present, period, 2025, roles, index == 1)
        wrong |= {code for code, kind in faults.items() if kind == "wrong_period"}
        for name, _s, _d, book in _workbooks(tmp_path / "without" / str(period)):
            unit = _cover(book)["madonvi"]
            if unit in faults:
                mistaken.add(f"{period}/{name}")
            elif roles.get(unit) == "resend":
                drafts.add(f"{period}/{name}")
    assert len(mistaken) == 3 + 4 + 3 and wrong == {"QHKT"} and len(drafts) == 2
    assert mistaken <= changed
    # Besides those: the resend unit's first draft (a score above the maximum, or one activity
    # less), the council file, and the later files of the unit whose whole file was rejected
    # (its registrations of that period never happened).
    others = changed - mistaken - drafts
    # (nomination files repeat their unit's cover and good deeds, mistakes included)
    assert {k for k in others
            if "QHKT" not in k and "hoi-dong" not in k and NOMINATIONS not in k} == set()


def test_a_score_above_the_maximum_is_exactly_one_cell():
    unit = PLAN.unit("VP")
    profile = make_profiles([unit], 2025)["VP"]
    report, _ = simulate(PLAN, unit, EARLY[0], Roll(), profile, 2025, None)
    mistaken = apply_mistake(PLAN, report, "score_above_max", Roll(), profile, 2025)
    over = [(row["ma_dien_hinh"], c.code) for row in mistaken.rows["cham_diem"]
            for c in PLAN.all_criteria if c.code in row and row[c.code] > c.max]
    assert len(over) == 1
    assert all(c.code not in row or row[c.code] <= c.max
               for row in report.rows["cham_diem"] for c in PLAN.all_criteria)


def test_scores_fill_exactly_the_movement_criteria_within_maxima(tmp_path):
    generate(PLAN, EARLY[:1], tmp_path, mistakes=False)
    checked = 0
    for _name, _s, _d, book in _workbooks(tmp_path / "2021-Q2"):
        movement = {str(r["madienhinh"]).strip().upper(): fold(r["phongtrao"]).upper()
                    for r in _table(book["Đăng ký"])}
        for row in _table(book["Chấm điểm"]):
            code = str(row["madienhinh"]).strip().upper()
            own = {c.code for c in PLAN.criteria_of(movement[code])}
            for crit in PLAN.all_criteria:
                value = next(v for k, v in row.items() if k.startswith(crit.code.lower()))
                if crit.code in own:
                    assert 0 <= parse_decimal(value) <= crit.max
                else:
                    assert value is None
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("rows", [7, 40])
def test_rows_per_unit_scales_the_registrations_and_the_scores(tmp_path, rows):
    units = [Unit(code=f"DV{i}", name=f"Đơn vị {i}", email=f"dv{i}@example.vn") for i in range(3)]
    generate(PLAN, LATE, tmp_path, units=units, rows_per_unit=rows, mistakes=False)
    sizes = [(len(_table(book["Đăng ký"])), len(_table(book["Chấm điểm"])))
             for _name, _s, _d, book in _workbooks(tmp_path / "2025-Q2")]
    assert sizes == [(rows, rows)] * 3


def test_the_last_period_has_a_late_unit_an_email_a_resend_a_missing_unit(tmp_path):
    generate(PLAN, LATE, tmp_path)
    deadline = PLAN.deadline(LATE[-1])
    made: dict[str, list[dt.date]] = {}
    senders = []
    for name, sender, sent, book in _workbooks(tmp_path / "2025-Q3"):
        cover = _cover(book)
        made.setdefault(cover["madonvi"], []).append(parse_date(cover["ngaylap"]))
        if sender:
            unit = PLAN.unit(cover["madonvi"])
            senders.append((sender == unit.email, sent.date() <= deadline, name.endswith(".eml")))
    expected = {u.code for u in PLAN.units_for(LATE[-1])} - {"KCHT"}
    assert set(made) == expected
    assert all(d > deadline for d in made["QHKT"])
    assert [code for code, days in made.items() if len(days) == 2] != []
    assert all(d <= deadline for code, days in made.items() if code != "QHKT" for d in days)
    assert senders == [(True, True, True)]


def test_council_adjusts_real_scores_of_the_last_period(tmp_path):
    generate(PLAN, LATE, tmp_path)
    folder = tmp_path / "2025-Q3"
    scores = {}
    for _name, _s, _d, book in _workbooks(folder):
        unit = _cover(book)["madonvi"]
        for row in _table(book["Chấm điểm"]):
            code = str(row["madienhinh"]).strip().upper()
            for key, value in row.items():
                scores[(unit, code, key[:2].upper())] = parse_decimal(value)
    council = list(load_workbook(folder / "hoi-dong.xlsx").active.iter_rows(values_only=True))
    assert len(council) == 4
    for unit, code, criterion, score, reason in council[1:]:
        assert reason
        assert parse_decimal(score) < scores[(unit, code.upper(), criterion)]


def test_exactly_one_unit_writes_a_two_row_header(tmp_path):
    generate(PLAN, EARLY[:1], tmp_path)
    two_row = []
    for name, _s, _d, book in _workbooks(tmp_path / "2021-Q2"):
        rows = list(book["Chấm điểm"].iter_rows(max_row=4, values_only=True))
        for i, row in enumerate(rows[:-1]):
            if "Tiêu chí chung" in row:
                g = row.index("Tiêu chí chung")
                assert rows[i + 1][g:g + 5] == ("G1", "G2", "G3", "G4", "G5")
                two_row.append(name)
    assert two_row == ["TTKD - BC thi dua quy II nam 2021.xlsx"]


def test_committed_inputs_equal_a_fresh_generation(tmp_path):
    generate(PLAN, periods_between(Period(2021, 2), Period(2025, 3)), tmp_path)
    write_sample_ballots(PLAN, tmp_path, 2025, dt.date(2025, 12, 20))  # as `main` does
    # The plan being lived in: its quarters so far, under its own (draft) plan file.
    generate(load_plan(PLANS / "2026-2030.toml"),
             periods_between(Period(2026, 1), Period(2026, 3)), tmp_path)
    fresh = _tree(tmp_path)
    committed = _tree(INPUTS)
    assert sorted(committed) == sorted(fresh)
    assert [k for k in fresh if fresh[k] != committed[k]] == []
    assert sum(len(v) for v in fresh.values()) < 5_000_000


def test_cli_writes_the_requested_periods_and_rejects_a_bad_one(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--first", "2021-Q2", "--last", "2021-Q3"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2021-Q2", "2021-Q3"]
    assert "Đã tạo 28 tệp" in capsys.readouterr().out  # 19 and 9 nomination files
    with pytest.raises(SystemExit) as exit_info:
        main(["--out", str(tmp_path), "--first", "2021-Q5"])
    assert exit_info.value.code == 2


def test_the_last_period_has_nomination_files_repeating_and_adding_good_deeds(tmp_path):
    generate(PLAN, LATE, tmp_path)
    folder = tmp_path / "2025-Q3"
    workbook_deeds: dict[str, set] = {}
    for _name, _s, _d, book in _workbooks(folder):
        unit = _cover(book)["madonvi"]
        workbook_deeds.setdefault(unit, set()).update(
            (r["thang"], unicodedata.normalize("NFC", r["hovaten"])) for r in _table(
                book["Người tốt việc tốt"]))
    files = sorted(p for p in folder.iterdir() if NOMINATIONS in p.name)
    assert len(files) == 9
    light, months, new = 0, {}, 0
    for path in files:
        book = load_workbook(path)
        light += book.sheetnames == ["Thông tin", "Người tốt việc tốt"]
        cover = _cover(book)
        assert parse_period(cover["kybaocao"]) == LATE[-1]
        assert all(not _table(book[s]) for s in book.sheetnames[1:] if s != "Người tốt việc tốt")
        rows = _table(book["Người tốt việc tốt"])
        months[path.name] = sorted({r["thang"] for r in rows})
        new += sum((r["thang"], unicodedata.normalize("NFC", r["hovaten"]))
                   not in workbook_deeds[cover["madonvi"]] for r in rows)
    assert 0 < light < len(files)
    assert [m for m in months.values() if m == [7, 8]] == [[7, 8]]  # one late July nomination
    assert new >= len(files)  # each adds a nomination its unit's workbook leaves out
