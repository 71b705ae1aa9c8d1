"""Sample inputs: the unit workbooks a clerk would receive, generated deterministically.

## Sample data (`inputs/`)

`inputs/2021-Q2/` … `inputs/2025-Q3/` hold, for every quarter, the workbooks the units of
the plan config would have e-mailed to the Office, made by `python -m pipeline.tools.sample --out
inputs --first 2021-Q2 --last 2025-Q3` (seed 2025: the same command always gives the same
bytes). Each unit valid in the quarter sends one workbook with the five sheets of
TEMPLATE.md:

- `Thông tin`: the cover, with the period in the forms units really use ("2025-Q2",
  "Quý II/2025", "Q2/2025", "quý 2 năm 2025"), the preparer, a `Ngày lập` a few days before
  the deadline, difficulties and proposals in Vietnamese.
- `Đăng ký`: in 2021-Q2 every unit registers 3–6 exemplars (collectives and individuals,
  VHCS / HCM / NVCT); QLVT and KCHT register in 2025-Q1, their first quarter. Later quarters
  now and then add an exemplar, adjust one (`Điều chỉnh`) or withdraw one (`Rút`).
- `Chấm điểm`: one row per active exemplar with G1–G5 and its movement's criteria. Totals
  spread over Xuất sắc, Tốt, Đạt and Chưa đạt; a few exemplars are strong every year
  (consecutive Xuất sắc years, candidates for Bằng khen and for the final review).
- `Người tốt việc tốt` (0–3 good deeds) and `Hoạt động` (1–3 activities).

Units write like real units: title rows above the header, moved columns, codes without
diacritics or in capitals ("tap the", "vhcs", "co"), text dates ("05/07/2025"), decimal
commas ("8,5"), and one unit (always the same) uses a two-row header in `Chấm điểm`.

Every quarter a handful of files carry realistic mistakes: a score above the maximum, a
missing birth year, an unknown movement code, a duplicate exemplar code, a score for an
unregistered code, a month outside the quarter, an activity outside the quarter, an e-mail
address without "@"; one file in the whole set (QHKT's, in 2021-Q3) names the wrong period
on its cover and is rejected.

The last quarter (2025-Q3) also has: one late unit (QHKT, `Ngày lập` after the deadline),
one file that came as a saved e-mail (`.eml`, sent from the unit's address), one unit that
sent a corrected file after a first one (the earlier is superseded), one unit that sent
nothing (KCHT), the council's `hoi-dong.xlsx` adjusting three criteria, and the nomination
files five units sent during the quarter with their good people, good deeds of the first two
months (`pipeline/tools/sample_nominations.py`), so `make ntvt` has something to list.

`inputs/2026-Q1/` … `inputs/2026-Q3/` are the same generator's run under the draft 2026–2030
plan (`--first 2026-Q1 --last 2026-Q3 --config plans/2026-2030.toml`): its own units,
template version and deadlines, registrations starting afresh in its first quarter.

The same generator makes the benchmark's inputs (`units`, `rows_per_unit`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from dataclasses import replace
from pathlib import Path

from pipeline.config import Plan, Unit, load_plan
from pipeline.periods import Period, parse_period, periods_between
from pipeline.tools.sample_data import (
    _ACHIEVEMENTS,
    _ACTIVITIES,
    _COLLECTIVES,
    _CONTENTS,
    _DEEDS,
    _DIFFICULTIES,
    _DIFFICULTIES_2025,
    _FIELDS,
    _GENERIC_COLLECTIVES,
    _POSITIONS,
    _PRAISE,
    _PROPOSALS,
    _TARGETS,
    _UNKNOWN_MOVEMENTS,
    COLLECTIVE,
    INDIVIDUAL,
    MISTAKES,
    Exemplar,
    Profile,
    Report,
    Roll,
    _score_above_max,
    make_name,
)
from pipeline.tools.sample_files import (
    _code,
    _day_in,
    _evidence,
    _fill,
    _lift,
    _profile,
    _rating,
    _registration_row,
    council_file,
    submissions,
)
from pipeline.tools.sample_nominations import nomination_files
from schemas.sheets import (
    ACTIVITY_FORMS,
    NO,
    YES,
)


# ---- public API --------------------------------------------------------------------------------
def generate(plan: Plan, periods: list[Period], out_dir: Path, seed: int = 2025, *,
             rows_per_unit: int | None = None, units: list[Unit] | None = None,
             mistakes: bool = True, late_unit: str | None = "QHKT",
             nominations: bool = True) -> list[Path]:
    """Write the unit workbooks of every period to out_dir/<period>/; return the paths.

    `nominations`: the last period also has the nomination files some units sent early
    (pipeline.tools.sample_nominations)."""
    roster = list(units) if units is not None else list(plan.units)
    profiles = make_profiles(roster, seed)
    rolls: dict[str, Roll] = {}
    written: list[Path] = []
    for index, period in enumerate(periods):
        present = [u for u in roster if u.valid_on(period.last_day)]
        last = index == len(periods) - 1
        roles = assign_roles(present, period, seed, late_unit) if last else {}
        wrong = index == 1 and len(periods) > 2 and mistakes
        faults = assign_mistakes(present, period, seed, roles, wrong) if mistakes else {}
        reports = []
        for unit in present:
            if roles.get(unit.code) == "missing":
                continue
            roll = rolls.get(unit.code, Roll())
            report, after = simulate(plan, unit, period, roll, profiles[unit.code], seed,
                                     rows_per_unit)
            fault = faults.get(unit.code)
            if fault:
                report = apply_mistake(plan, report, fault, roll, profiles[unit.code], seed)
            rolls[unit.code] = roll if fault == "wrong_period" else after
            reports.append((report, fault))
        folder = out_dir / str(period)
        folder.mkdir(parents=True, exist_ok=True)
        files = submissions(plan, reports, roles, profiles, seed, mistakes)
        if last and reports:
            files["hoi-dong.xlsx"] = council_file(plan, reports, roles, seed)
        if last and nominations:
            files |= nomination_files(plan, [r for r, _ in reports], profiles, seed)
        for name, data in sorted(files.items()):
            path = folder / name
            path.write_bytes(data)
            written.append(path)
    return written


def make_profiles(roster: list[Unit], seed: int) -> dict[str, Profile]:
    """Each unit's habits; exactly one unit (chosen by the seed) uses a two-row header."""
    two_row = roster[random.Random(f"{seed}/two-row").randrange(len(roster))].code if roster else ""
    return {u.code: _profile(u, seed, u.code == two_row) for u in roster}


def assign_roles(present: list[Unit], period: Period, seed: int,
                 late_unit: str | None) -> dict[str, str]:
    """The last period's cast: a late unit, a missing one, an e-mail, a corrected resend."""
    roles = {}
    if late_unit and any(u.code == late_unit for u in present):
        roles[late_unit] = "late"
    free = [u.code for u in present if u.code not in roles]
    if len(free) >= 2:
        roles[free.pop()] = "missing"
    rng = random.Random(f"{seed}/roles/{period}")
    for role in ("email", "resend"):
        if free:
            roles[free.pop(rng.randrange(len(free)))] = role
    return roles


def assign_mistakes(present: list[Unit], period: Period, seed: int, roles: dict[str, str],
                    wrong_period: bool) -> dict[str, str]:
    """Which units' files carry a mistake this period: a handful, at least 5 % of files."""
    rng = random.Random(f"{seed}/mistakes/{period}")
    candidates = [u.code for u in present if u.code not in roles]
    count = min(len(candidates), max(3, math.ceil(0.05 * len(present))))
    chosen = rng.sample(candidates, count)
    kinds = list(MISTAKES)
    rng.shuffle(kinds)
    faults = {code: kinds[i % len(kinds)] for i, code in enumerate(chosen)}
    if wrong_period and len(candidates) > count:
        spare = [c for c in candidates if c not in faults]
        faults[rng.choice(spare)] = "wrong_period"
    return faults


# ---- simulation of one unit's period -----------------------------------------------------------
def simulate(plan: Plan, unit: Unit, period: Period, roll: Roll, profile: Profile, seed: int,
             rows_per_unit: int | None) -> tuple[Report, Roll]:
    """The unit's workbook content for the period, and its exemplars afterwards."""
    rng = random.Random(f"{seed}/{period}/{unit.code}")
    style = profile.code_style
    active, issued = list(roll.active), roll.issued
    registrations = []
    if not roll.active and not roll.issued:
        count = rows_per_unit or rng.randint(3, 6)
        for i in range(count):
            issued += 1
            kind = (COLLECTIVE, INDIVIDUAL)[i] if i < 2 else None
            ex = make_exemplar(rng, plan, unit, period, _code(style, unit, issued), kind)
            active.append(ex)
            registrations.append(_registration_row(ex, rng.choice(("", "Mới")), ex.registered))
    else:
        # At most one row per code in a sheet: only earlier exemplars are adjusted or withdrawn,
        # and never both in the same period.
        if rng.random() < 0.15:
            issued += 1
            ex = make_exemplar(rng, plan, unit, period, _code(style, unit, issued))
            active.append(ex)
            registrations.append(_registration_row(ex, "Mới", ex.registered))
        adjusted = None
        if roll.active and rng.random() < 0.12:
            i = rng.randrange(len(roll.active))
            adjusted = adjust_exemplar(rng, active[i], period)
            active[i] = adjusted
            registrations.append(_registration_row(adjusted, "Điều chỉnh", _day_in(rng, period)))
        ordinary = [e for e in active[:len(roll.active)] if e.base < 90 and e is not adjusted]
        if len(active) > 2 and ordinary and rng.random() < 0.08:
            gone = rng.choice(ordinary)
            active.remove(gone)
            registrations.append(_registration_row(gone, "Rút", _day_in(rng, period)))
    scores = tuple(score_row(rng, plan, ex, period, profile.half_points) for ex in active)
    cover = make_cover(rng, plan, unit, period) | {"nguoi_lap": profile.staff,
                                                    "dien_thoai": profile.phone}
    report = Report(
        unit=unit,
        period=period,
        cover=cover,
        rows={
            "dang_ky": tuple(registrations),
            "cham_diem": scores,
            "nguoi_tot": make_good_deeds(rng, period),
            "hoat_dong": make_activities(rng, period),
        },
    )
    return report, Roll(tuple(active), issued)


def make_exemplar(rng: random.Random, plan: Plan, unit: Unit, period: Period, code: str,
                  kind: str | None = None) -> Exemplar:
    kind = kind or rng.choices((COLLECTIVE, INDIVIDUAL), (35, 65))[0]
    movements = [m.code for m in plan.movements]
    movement = rng.choice(movements)
    tier = rng.choices(("star", "good", "fair", "weak"), (15, 35, 35, 15))[0]
    base, drift = {
        "star": (rng.uniform(92.5, 96.5), 0.0),
        "good": (rng.uniform(80, 88), rng.uniform(0, 2)),
        "fair": (rng.uniform(68, 80), rng.uniform(-1, 1.5)),
        "weak": (rng.uniform(52, 66), rng.uniform(-1, 2)),
    }[tier]
    scope = rng.choices(("Toàn diện", "Chuyên đề"), (70, 30))[0]
    if kind == COLLECTIVE:
        name = rng.choice((*_COLLECTIVES.get(unit.code, _GENERIC_COLLECTIVES), unit.name))
        birth, gender, position = None, None, ""
    else:
        gender = rng.choice(("Nam", "Nữ"))
        name = make_name(rng, gender)
        birth = period.year - rng.randint(24, 58)
        position = rng.choice(_POSITIONS)
    return Exemplar(
        code=code, kind=kind, name=name, birth_year=birth, gender=gender, position=position,
        movement=movement, scope=scope,
        field=rng.choice(_FIELDS) if scope == "Chuyên đề" else "",
        content=_fill(rng, rng.choice(_CONTENTS.get(movement, _CONTENTS["NVCT"])), period),
        target=_fill(rng, rng.choice(_TARGETS[kind]), period),
        registered=_day_in(rng, period), base=base, drift=drift,
    )


def adjust_exemplar(rng: random.Random, ex: Exemplar, period: Period) -> Exemplar:
    """A re-registration: new content or target, or a promotion."""
    if ex.kind == INDIVIDUAL and rng.random() < 0.4:
        return replace(ex, position=rng.choice(("Phó Trưởng phòng", "Trưởng phòng",
                                                "Chuyên viên chính")))
    return replace(ex, content=_fill(rng, rng.choice(_CONTENTS.get(ex.movement,
                                                                   _CONTENTS["NVCT"])), period),
                   target=_fill(rng, rng.choice(_TARGETS[ex.kind]), period))


def score_row(rng: random.Random, plan: Plan, ex: Exemplar, period: Period,
              half: float) -> dict[str, object]:
    """Scores around the exemplar's level; strong exemplars stay at Xuất sắc."""
    years = period.year - ex.registered.year
    spread = 1.2 if ex.base >= 90 else 3.0
    ratio = max(0.3, min(0.99, (ex.base + ex.drift * years + rng.gauss(0, spread)) / 100))
    criteria = plan.criteria_of(ex.movement)
    row: dict[str, object] = {"ma_dien_hinh": ex.code, "ten": ex.name}
    for crit in criteria:
        value = max(0.0, min(crit.max, crit.max * (ratio + rng.gauss(0, 0.05))))
        step = 2 if rng.random() < half else 1
        row[crit.code] = round(value * step) / step
    if ex.base >= 90:
        _lift(row, criteria, plan.thresholds.xuat_sac + 0.5)
    row = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in row.items()}
    strong = ex.base >= 85
    row["so_sang_kien"] = rng.choice((0, 1, 1, 2, 3) if strong else (0, 0, 0, 0, 1))
    if ex.kind == INDIVIDUAL:
        row["xep_loai_cb"] = _rating(rng, ex.base)
        row["ky_luat"] = YES if ex.base < 66 and rng.random() < 0.05 else rng.choice((NO, NO, ""))
    else:
        row["ky_luat"] = rng.choice((NO, ""))
        movement = plan.movement(ex.movement)
        if movement and movement.security_gate:
            row["antt"] = NO if ex.base < 80 and rng.random() < 0.05 else YES
    if rng.random() < 0.6:
        row["thanh_tich"] = _fill(rng, rng.choice(_ACHIEVEMENTS), period)
    row["minh_chung"] = _evidence(rng, period)
    return row


def make_cover(rng: random.Random, plan: Plan, unit: Unit, period: Period) -> dict[str, object]:
    deadline = plan.deadline(period)
    difficulties = _DIFFICULTIES + (_DIFFICULTIES_2025 if period.year >= 2025 else ())
    return {
        "ma_don_vi": unit.code,
        "ten_don_vi": unit.name,
        "ky_bao_cao": period,
        "email": unit.email,
        "ngay_lap": deadline - dt.timedelta(days=rng.randint(1, 7)),
        "phien_ban_mau": plan.plan.template_version,
        "kho_khan": rng.choice(difficulties),
        "de_xuat": rng.choice(_PROPOSALS),
    }


def make_good_deeds(rng: random.Random, period: Period) -> tuple[dict[str, object], ...]:
    rows = []
    for _ in range(rng.choices((0, 1, 2, 3), (25, 35, 25, 15))[0]):
        gender = rng.choice(("Nam", "Nữ"))
        deed, result = rng.choice(_DEEDS)
        rows.append({
            "ho_ten": make_name(rng, gender),
            "nam_sinh": period.year - rng.randint(22, 58) if rng.random() < 0.7 else None,
            "gioi_tinh": gender,
            "chuc_vu": rng.choice(_POSITIONS),
            "thang": rng.choice(period.months),
            "noi_dung": _fill(rng, deed, period),
            "ket_qua": result if rng.random() < 0.7 else "",
            "hinh_thuc_khen": rng.choice(_PRAISE),
            "tuyen_truyen": rng.choices((YES, "", NO), (75, 15, 10))[0],
        })
    return tuple(rows)


def make_activities(rng: random.Random, period: Period) -> tuple[dict[str, object], ...]:
    rows = []
    for _ in range(rng.randint(1, 3)):
        form = rng.choice(ACTIVITY_FORMS)
        rows.append({
            "ngay": _day_in(rng, period),
            "hinh_thuc": form,
            "noi_dung": _fill(rng, rng.choice(_ACTIVITIES[form]), period),
            "so_nguoi": rng.randint(8, 120),
            "ghi_chu": rng.choice(("", "", "Có ảnh kèm theo", "Lồng ghép họp cơ quan")),
        })
    return tuple(sorted(rows, key=lambda r: r["ngay"]))


# ---- mistakes ----------------------------------------------------------------------------------
def apply_mistake(plan: Plan, report: Report, kind: str, before: Roll, profile: Profile,
                  seed: int) -> Report:
    """The report with one realistic mistake of the given kind."""
    rng = random.Random(f"{seed}/mistake/{report.period}/{report.unit.code}")
    rows = dict(report.rows)
    cover = dict(report.cover)
    if kind == "wrong_period":
        cover["ky_bao_cao"] = report.period.previous()
    elif kind == "bad_email":
        cover["email"] = (report.unit.email or "vanphong.sxd@phutho.gov.vn").replace("@", ".")
    elif kind == "score_above_max":
        rows["cham_diem"] = _score_above_max(plan, rng, rows["cham_diem"])
    elif kind == "unregistered_score":
        code = _code(profile.code_style, report.unit, before.issued + 50)
        extra = {"ma_dien_hinh": code, "ten": make_name(rng, "Nữ"), "minh_chung": ""}
        extra |= {c.code: c.max - 1 for c in plan.criteria_of(plan.movements[0].code)}
        rows["cham_diem"] = (*rows["cham_diem"], extra)
    elif kind == "month_outside":
        deed = {"ho_ten": make_name(rng, "Nam"), "gioi_tinh": "Nam", "tuyen_truyen": YES,
                "noi_dung": _fill(rng, rng.choice(_DEEDS)[0], report.period)}
        deed["thang"] = report.period.previous().months[-1]
        rows["nguoi_tot"] = (*rows["nguoi_tot"], deed)
    elif kind == "date_outside":
        late = dict(rows["hoat_dong"][-1])
        late["ngay"] = report.period.last_day + dt.timedelta(days=rng.randint(3, 20))
        rows["hoat_dong"] = (*rows["hoat_dong"], late)
    else:
        rows["dang_ky"] = _registration_mistake(plan, rng, report, kind, before)
    return replace(report, cover=cover, rows=rows)


def _registration_mistake(plan: Plan, rng: random.Random, report: Report, kind: str,
                          before: Roll) -> tuple:
    rows = report.rows["dang_ky"]
    day = _day_in(rng, report.period)
    code_style = "{u}-X{n:02d}" if len(report.unit.code) < 16 else "X{n:02d}"
    if kind == "duplicate_code":
        kept = [r for r in rows if r["trang_thai"] != "Rút"]
        if kept:
            source, rows = kept[-1], rows
        elif before.active:
            source = _registration_row(rng.choice(before.active), "Điều chỉnh", day)
            rows = (*rows, source)
        else:
            return rows
        return (*rows, source | {"muc_tieu": "Bổ sung chỉ tiêu theo góp ý của Hội đồng"})
    if kind == "missing_birth_year":
        people = [e for e in before.active if e.kind == INDIVIDUAL]
        ex = rng.choice(people) if people else make_exemplar(
            rng, plan, report.unit, report.period, _code(code_style, report.unit, 1), INDIVIDUAL)
        row = _registration_row(ex, "Điều chỉnh" if people else "Mới", day)
        return (*rows, row | {"nam_sinh": None})
    # unknown_movement: a new registration with a movement code the plan does not have
    ex = make_exemplar(rng, plan, report.unit, report.period, _code(code_style, report.unit, 2))
    return (*rows, _registration_row(ex, "Mới", day) | {"phong_trao": rng.choice(
        _UNKNOWN_MOVEMENTS)})


# ---- command line ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.tools.sample",
        description="Tạo dữ liệu mẫu: tệp Excel của các đơn vị cho từng quý (tất định theo seed).",
    )
    parser.add_argument("--out", type=Path, default=Path("inputs"), help="thư mục đầu ra")
    parser.add_argument("--first", default="2021-Q2", help="quý đầu, ví dụ 2021-Q2")
    parser.add_argument("--last", default="2025-Q3", help="quý cuối, ví dụ 2025-Q3")
    parser.add_argument("--seed", type=int, default=2025, help="hạt giống ngẫu nhiên")
    parser.add_argument("--config", type=Path, default=None, help="tệp cấu hình kế hoạch")
    parser.add_argument("--rows-per-unit", type=int, default=None,
                        help="số điển hình mỗi đơn vị đăng ký ở kỳ đầu")
    parser.add_argument("--no-mistakes", action="store_true", help="không tạo lỗi mẫu")
    parser.add_argument("--late-unit", default="QHKT", help="đơn vị nộp muộn ở quý cuối")
    parser.add_argument("--no-ballots", action="store_true",
                        help="không tạo phiếu bầu mẫu của Hội đồng (inputs/<năm>-hoi-dong/)")
    args = parser.parse_args(argv)
    first, last = parse_period(args.first), parse_period(args.last)
    if first is None or last is None or last < first:
        parser.error("--first và --last phải là quý dạng 2025-Q2, quý đầu không sau quý cuối")
    plan = load_plan(args.config)
    paths = generate(plan, periods_between(first, last), args.out, args.seed,
                     rows_per_unit=args.rows_per_unit, mistakes=not args.no_mistakes,
                     late_unit=args.late_unit or None)
    # the council's returned ballots (issue 14), for the plan's last year when the sample
    # reaches it: the council's vote on that year's evaluation
    if not args.no_ballots and plan.council.members and last.year == plan.plan.last_year:
        from pipeline.council.sample import write_sample_ballots

        paths += write_sample_ballots(plan, args.out, last.year, dt.date(last.year, 12, 20),
                                      args.seed)
    print(f"Đã tạo {len(paths)} tệp trong {args.out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
