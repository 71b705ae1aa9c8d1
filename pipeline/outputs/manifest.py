"""manifest.json: every input with its hash and fate, and row counts that always add up."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline.config import Plan
from pipeline.intake.discover import folder_files
from pipeline.intake.outcome import FileOutcome
from pipeline.outputs.publish import write_json
from pipeline.periods import Period, periods_between
from schemas.sheets import sheets_for

LIBRARIES = ("pandas", "pandera", "openpyxl", "xlsxwriter", "python-calamine", "docxtpl",
             "python-docx", "jinja2", "pydantic", "typer", "defusedxml")


def versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def build_manifest(plan: Plan, period: Period, run_date: dt.date, outcomes: list[FileOutcome],
                   containers: list[tuple[str, str]], config_name: str,
                   deeds: pd.DataFrame | None = None, label: str | None = None) -> dict:
    """The manifest of an output folder; `deeds` (the good deeds listed) adds where each
    nomination came from and which repeats were merged into it; `label` names the folder's
    period when it is not the quarter (a month's list: "2025-08")."""
    names = {d.key: d.name for d in sheets_for(plan)} | {"dieu_chinh": "Điều chỉnh"}
    inputs = []
    for name, sha in containers:
        inputs.append({"tep": name, "sha256": sha, "loai": "thư điện tử", "ket_qua": "Đã tách tệp "
                       "đính kèm"})
    for o in sorted(outcomes, key=lambda o: o.file.name):
        kind = {"loai": "tệp đề cử người tốt, việc tốt"} if o.nominations else {}
        inputs.append(kind | {
            "tep": o.file.name,
            "sha256": o.file.sha256 or hashlib.sha256(o.file.data).hexdigest(),
            "kich_thuoc": len(o.file.data),
            "dinh_dang": o.format or "",
            "ma_don_vi": o.unit,
            "ket_qua": o.status,
            "ngay_lap": o.ngay_lap.isoformat() if o.ngay_lap else "",
            "nguoi_gui": o.file.sender or "",
        })
    rows = []
    totals = {"doc": 0, "chap_nhan": 0, "tu_choi": 0, "bi_thay_the": 0, "gop": 0}
    for o in sorted(outcomes, key=lambda o: (plan.unit_order(o.unit), o.file.name)):
        for key, (read, accepted, rejected, superseded, merged) in o.counts.items():
            entry = {"ma_don_vi": o.unit, "tep": o.file.name, "trang_tinh": names.get(key, key),
                     "doc": read, "chap_nhan": accepted, "tu_choi": rejected,
                     "bi_thay_the": superseded, "gop": merged}
            rows.append(entry)
            for k in totals:
                totals[k] += entry[k]
    manifest = {
        "chuong_trinh": {"ten": "dhtt", "phien_ban": _own_version(), "thu_vien": versions()},
        "ke_hoach": {"tep": config_name, "sha256": plan.source_hash, "ma": plan.plan.code},
        "ky": label or str(period),
        "ngay_chay": run_date.isoformat(),
        "dau_vao": inputs,
        "so_dong": rows,
        "tong_so_dong": totals,
        # read = accepted + rejected + superseded + merged (a repeated nomination)
        "can_doi": totals["doc"] == (totals["chap_nhan"] + totals["tu_choi"]
                                     + totals["bi_thay_the"] + totals["gop"]),
    }
    if label:
        manifest["quy"] = str(period)
    if deeds is not None:
        manifest["nguoi_tot_viec_tot"] = nomination_sources(deeds)
    return manifest


def nomination_sources(deeds: pd.DataFrame) -> list[dict]:
    """Each nomination listed: unit, month, name, the row kept, the repeats merged into it."""
    return [{"ma_don_vi": d["ma_don_vi"], "thang": int(d["thang"]), "ho_ten": d["ho_ten"],
             "nguon": d["nguon"],
             "trung": list(d.get("trung") or ())}
            for d in deeds.to_dict("records")]


def build_summary_manifest(plan: Plan, scope: str, run_date: dt.date, config_name: str,
                           inputs: list[dict], rows: list[dict], coverage: dict) -> dict:
    """manifest.json of a run over several periods (annual, sơ kết, tổng kết): the quarter's
    fields where they have a meaning here. `inputs`: every file of the period folders read
    ({tep, sha256, kich_thuoc}); `rows`: the rows used per period and sheet ({ky, trang_tinh,
    chap_nhan}); the read = accepted + rejected + superseded balance of each file stays in its
    quarter's own manifest (a year's run does not judge units' files again). `coverage`: the
    quarters the figures include and lack (`so_lieu`)."""
    return {
        "chuong_trinh": {"ten": "dhtt", "phien_ban": _own_version(), "thu_vien": versions()},
        "ke_hoach": {"tep": config_name, "sha256": plan.source_hash, "ma": plan.plan.code},
        "ky": scope,
        "ngay_chay": run_date.isoformat(),
        "dau_vao": inputs,
        "so_dong": rows,
        "tong_so_dong": {"chap_nhan": sum(r["chap_nhan"] for r in rows)},
        "so_lieu": coverage,
    }


def _own_version() -> str:
    try:
        return metadata.version("dhtt")
    except metadata.PackageNotFoundError:
        return ""


# The accepted rows a year's or a review's figures are built from, by the sheet they came from.
_USED_ROWS = (("registrations", "Đăng ký"), ("assessments", "Chấm điểm"),
              ("good_deeds", "Người tốt việc tốt"), ("activities", "Hoạt động"))


def write_summary_manifest(plan: Plan, scope: str, run_date: dt.date, config_name: str,
                           inputs: Path, last: Period, history: dict, coverage: dict,
                           out: Path) -> None:
    """manifest.json of an annual or review run: every file of the period folders read (up to
    `last`) with its SHA-256, the rows used per period and sheet, the quarters covered."""
    files = []
    for period in periods_between(plan.first_period, last):
        for path in folder_files(inputs / str(period)):  # the files the intake read
            data = path.read_bytes()
            files.append({"tep": f"{period}/{path.name}",
                          "sha256": hashlib.sha256(data).hexdigest(), "kich_thuoc": len(data)})
    rows = [{"ky": str(period), "trang_tinh": sheet, "chap_nhan": len(getattr(intake, field))}
            for period, (intake, _) in sorted(history.items())
            for field, sheet in _USED_ROWS]
    write_json(build_summary_manifest(plan, scope, run_date, config_name, files, rows, coverage),
               out / "manifest.json")
