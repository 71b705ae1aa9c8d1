"""Good people, good deeds every month (`ntvt`), on the sample quarter received in stages.

The sample's 2025-Q3 folder is replayed as a clerk receives it: the units' July nomination
files early in August, their August files early in September, then the full workbooks. Each
month's list, made on its stage's run date, holds exactly that month's nominations received by
then; the quarter's report lists every nomination exactly once.
"""

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_plan
from pipeline.intake.discover import discover_files
from pipeline.intake.nominations import month_due, nomination_key
from pipeline.intake.period import take_in
from pipeline.intake.readers import ReaderPool
from pipeline.intake.rules import Registry
from pipeline.outputs.templates import write_template
from pipeline.periods import Month, Period, parse_month
from tests.template_fill import fill_template_with_valid_rows

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inputs" / "2025-Q3"
PLAN = load_plan()
# (files received, run date, month listed)
STAGES = [("thang 7", "2025-08-10", "2025-07"), ("thang 8", "2025-09-10", "2025-08"),
          ("", "2025-10-20", "2025-09")]


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def source_file(row: dict) -> str:
    """The file in the period folder a row came from (a saved e-mail for its attachment)."""
    return row["nguon"].rsplit("!", 2)[0].split("/")[0]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    if not SAMPLE.is_dir():
        pytest.skip("sample inputs not generated")
    base = tmp_path_factory.mktemp("monthly")
    folder = base / "inputs" / "2025-Q3"
    folder.mkdir(parents=True)
    received: list[set[str]] = []
    runs = []
    for marker, day, month in STAGES:
        for path in sorted(SAMPLE.iterdir()):
            if not marker or ("de cu NTVT" in path.name and marker in path.name):
                shutil.copyfile(path, folder / path.name)
        received.append({p.name for p in folder.iterdir()})
        result = invoke("ntvt", "--month", month, "--inputs", str(base / "inputs"), "--outputs",
                        str(base / "out"), "--run-date", day, "--no-pdf")
        assert result.exit_code == 0, result.output
        runs.append(result.output)
    report = invoke("report", "--inputs", str(base / "inputs"), "--outputs", str(base / "out"),
                    "--run-date", STAGES[-1][1], "--no-pdf")
    assert report.exit_code in (0, 1), report.output
    return base, received, runs


def test_each_month_lists_exactly_its_nominations_received_by_then(staged):
    base, received, _ = staged
    quarter = read_csv(base / "out" / "2025-Q3" / "data" / "nguoi_tot_viec_tot.csv")
    for (_, _, month), files in zip(STAGES, received, strict=True):
        listed = read_csv(base / "out" / month / "data" / "nguoi_tot_viec_tot.csv")
        number = parse_month(month).month
        expected = [r["nguon"] for r in quarter
                    if int(r["thang"]) == number and source_file(r) in files]
        assert sorted(r["nguon"] for r in listed) == sorted(expected), month
        assert listed and {int(r["thang"]) for r in listed} == {number}
    # the stages came from nomination files first: July's list is theirs alone
    july = read_csv(base / "out" / "2025-07" / "data" / "nguoi_tot_viec_tot.csv")
    assert all("de cu NTVT thang 7" in r["nguon"] for r in july)


def test_the_quarter_lists_every_nomination_exactly_once(staged):
    base, _, _ = staged
    out = base / "out" / "2025-Q3"
    quarter = read_csv(out / "data" / "nguoi_tot_viec_tot.csv")
    keys = [nomination_key(r["ma_don_vi"], r["thang"], r["ho_ten"], r["noi_dung"])
            for r in quarter]
    assert len(keys) == len(set(keys))
    # every monthly list's nominations are in the quarter's, from the same row
    for _, _, month in STAGES:
        listed = read_csv(base / "out" / month / "data" / "nguoi_tot_viec_tot.csv")
        assert {r["nguon"] for r in listed} <= {r["nguon"] for r in quarter}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    totals = manifest["tong_so_dong"]
    assert manifest["can_doi"] and totals["gop"] > 0
    assert totals["doc"] == (totals["chap_nhan"] + totals["tu_choi"] + totals["bi_thay_the"]
                             + totals["gop"])
    sources = manifest["nguoi_tot_viec_tot"]
    assert [s["nguon"] for s in sources] == [r["nguon"] for r in quarter]
    merged = [m for s in sources for m in s["trung"]]
    assert len(merged) == totals["gop"] and merged
    kinds = {i["tep"]: i.get("loai") for i in manifest["dau_vao"]}
    assert sum(k == "tệp đề cử người tốt, việc tốt" for k in kinds.values()) == 9
    # nothing the early files carried is lost once the full workbooks arrive
    for _, _, month in STAGES[:2]:
        early = read_csv(base / "out" / month / "data" / "nguoi_tot_viec_tot.csv")
        assert {r["nguon"] for r in early} <= {r["nguon"] for r in quarter}


def test_per_unit_counts_and_units_that_sent_none(staged):
    base, _, runs = staged
    units = read_csv(base / "out" / "2025-07" / "data" / "de_cu_theo_don_vi.csv")
    assert [u["ma_don_vi"] for u in units] == [u.code for u in PLAN.units
                                              if u.valid_on(dt.date(2025, 7, 31))]
    silent = [u for u in units if u["so_de_cu"] == "0"]
    assert silent and len(silent) < len(units)
    names = ", ".join(f"{u['ten_don_vi']} ({u['ma_don_vi']})" for u in silent)
    assert f"Chưa gửi đề cử tháng 7: {names}." in " ".join(runs[0].split())


def test_a_late_nomination_is_named_once_by_the_next_monthly_run(staged):
    base, _, runs = staged
    late = "tháng 7: tệp VP - de cu NTVT thang 8-2025.xlsx, nhận ngày 03/09/2025."
    assert late in " ".join(runs[1].split())
    assert "Đề cử đến muộn" not in runs[0]
    assert late not in " ".join(runs[2].split())  # not again: it came before August's was due
    august = read_csv(base / "out" / "2025-08" / "data" / "nguoi_tot_viec_tot.csv")
    assert all(r["thang"] == "8" for r in august)
    quarter = read_csv(base / "out" / "2025-Q3" / "data" / "nguoi_tot_viec_tot.csv")
    assert [r for r in quarter if r["thang"] == "7"
            and source_file(r) == "VP - de cu NTVT thang 8-2025.xlsx"]


def test_the_monthly_letter_introduces_the_proposed_nominations_by_unit(staged):
    base, _, _ = staged
    out = base / "out" / "2025-08"
    text = [p.text for p in docx.Document(out / "NguoiTotViecTot_2025-08.docx").paragraphs]
    joined = "\n".join(text)
    assert "Giới thiệu gương người tốt, việc tốt tháng 8 năm 2025" in joined.replace("\u00a0", " ")
    assert "Kính gửi: Ban Thi đua - Khen thưởng tỉnh" in joined
    listed = read_csv(out / "data" / "nguoi_tot_viec_tot.csv")
    proposed = [r for r in listed if r["de_nghi_tuyen_truyen"] == "Có"]
    units = [u.name for u in PLAN.units if u.code in {r["ma_don_vi"] for r in proposed}]
    headings = [t for t in text if t[:1].isdigit() and ". " in t]
    assert headings == [f"{i}. {name}" for i, name in enumerate(units, start=1)]
    cells = {c.text for t in docx.Document(out / "NguoiTotViecTot_2025-08.docx").tables
             for row in t.rows for c in row.cells}
    assert {r["ho_ten"] for r in proposed} <= cells
    assert not {r["ho_ten"] for r in listed if r["de_nghi_tuyen_truyen"] != "Có"} & cells


def test_reruns_are_byte_identical(staged, tmp_path):
    base, _, _ = staged
    for name in ("a", "b"):
        result = invoke("ntvt", "--month", "2025-08", "--inputs", str(base / "inputs"),
                        "--outputs", str(tmp_path / name), "--run-date", "2025-10-20",
                        "--no-pdf")
        assert result.exit_code == 0
    assert tree(tmp_path / "a" / "2025-08") == tree(tmp_path / "b" / "2025-08")
    assert sorted(tree(tmp_path / "a" / "2025-08")) == [
        "NguoiTotViecTot_2025-08.docx", "data/de_cu_theo_don_vi.csv",
        "data/nguoi_tot_viec_tot.csv", "manifest.json"]


def test_a_month_needs_its_quarter_folder_and_a_readable_month(tmp_path):
    (tmp_path / "inputs" / "2025-Q2").mkdir(parents=True)
    missing = CliRunner().invoke(app, ["ntvt", "--month", "2025-08", "--inputs",
                                       str(tmp_path / "inputs"), "--outputs", str(tmp_path)])
    assert missing.exit_code == 2 and "2025-Q3" in missing.output
    bad = CliRunner().invoke(app, ["ntvt", "--month", "2025-13", "--inputs",
                                   str(tmp_path / "inputs")])
    assert bad.exit_code == 2 and "Tháng '2025-13' không hợp lệ" in bad.output


def test_months_and_their_due_dates():
    assert parse_month("2025-08") == Month(2025, 8) == parse_month("8/2025")
    assert parse_month("2025-8") == Month(2025, 8) and parse_month("08-2025") is None
    assert Month(2025, 1).previous() == Month(2024, 12) and Month(2025, 12).next().month == 1
    assert Month(2025, 8).period == Period(2025, 3) and str(Month(2025, 8)) == "2025-08"
    assert month_due(PLAN, Month(2025, 7)) == dt.date(2025, 8, 10)
    assert month_due(PLAN, Month(2025, 9)) == PLAN.deadline(Period(2025, 3))


def test_the_light_nomination_workbook_is_read_as_a_nomination_file(tmp_path):
    period = Period(2025, 3)
    unit = PLAN.unit("QLXD")
    path = tmp_path / "QLXD_2025-Q3_NguoiTotViecTot.xlsx"
    write_template(PLAN, unit, period, path, nominations=True)
    written = fill_template_with_valid_rows(path, PLAN, period, dt.date(2025, 8, 4))
    (item,) = discover_files([path]).files
    with ReaderPool() as pool:
        book = pool.read_all([item])[0]
    taken = take_in(PLAN, period, dt.date(2025, 8, 5), [(item, book)], Registry())
    outcome = taken.outcomes[0]
    assert outcome.nominations and outcome.status == "Được tiếp nhận"
    assert list(taken.intake.good_deeds["ho_ten"]) == [r["ho_ten"] for r in written["nguoi_tot"]]
    assert [f for f in taken.findings if f.severity != "Lưu ý"] == []
