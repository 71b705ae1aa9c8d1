"""Synthetic report objects for the writers' tests (workbooks, Word and HTML reports).

Everything here follows the frame contract of `pipeline.model` and the default plan: several
units, all three movements, both types, a council adjustment, a gated exemplar, submissions
in every status, findings of every severity, and text a unit typed that starts with "=", "+",
"-" or "@". Scores are Decimal and consistent (totals add up, classification follows the
plan's thresholds, ranks follow SCORING.md), so a writer's output can be checked by hand.

Public helpers (stable; other tests import them):
    make_plan() -> Plan
    make_intake(plan, period, *, exemplars=None) -> Intake
    make_scores(plan, intake) -> pd.DataFrame
    make_period_report(period="2025-Q2", *, run_date=None, with_previous=True) -> PeriodReport
    make_history(last="2025-Q1") -> {Period: (Intake, scores)} (pipeline.scoring.review's History)
    make_annual_report(year=2024, *, run_date=None) -> AnnualReport (real build_annual)
    make_review_report(kind="tong-ket", *, run_date=None) -> ReviewReport (real build_review)
    EXEMPLARS: the exemplar specs used by default
    FORMULA_TEXT: the "=..." text a unit typed (appears in Chấm điểm's thanh_tich)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import pandas as pd

from pipeline import model
from pipeline.config import Plan, load_plan
from pipeline.findings import ERROR, NOTICE, WARNING
from pipeline.periods import Period, parse_period

FORMULA_TEXT = "=SUM(A1:A9) hồ sơ kiểm định hoàn thành trước hạn"
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Exemplar:
    """One synthetic exemplar and how it scores in a quarter."""

    unit: str
    code: str
    kind: str  # "Tập thể" | "Cá nhân"
    name: str
    movement: str
    level: Decimal  # fraction of each criterion's maximum the unit gives itself
    registered: dt.date
    birth_year: int | None = None
    gender: str | None = None
    title: str = ""
    initiatives: int = 0
    rating: str | None = None  # HTXSNV…KHTNV, individuals only
    discipline: bool = False
    security: bool | None = None  # Đạt chuẩn ANTT, VHCS collectives
    achievement: str = ""
    council: tuple[tuple[str, Decimal, str], ...] = ()  # (criterion, council score, reason)


EXEMPLARS: tuple[Exemplar, ...] = (
    Exemplar("VP", "VP-01", "Cá nhân", "Nguyễn Thị Hoa", "NVCT", Decimal("0.95"),
             dt.date(2021, 4, 15), 1985, "Nữ", "Chuyên viên", 2, "HTXSNV",
             achievement="Chủ trì số hóa hồ sơ một cửa, rút ngắn 30% thời gian giải quyết."),
    Exemplar("VP", "VP-02", "Tập thể", "Bộ phận Tiếp nhận và Trả kết quả", "VHCS",
             Decimal("0.85"), dt.date(2021, 5, 10), security=True,
             achievement="Không có hồ sơ trễ hạn trong quý."),
    Exemplar("TTR", "TTR-01", "Cá nhân", "Đặng Văn Long", "HCM", Decimal("0.92"),
             dt.date(2022, 3, 1), 1979, "Nam", "Thanh tra viên", 1, "HTTNV", discipline=True,
             achievement="Tiếp công dân định kỳ, giải quyết dứt điểm 12 đơn thư."),
    Exemplar("KHTC", "KHTC-01", "Tập thể", "Tổ Thẩm định giá", "VHCS", Decimal("0.93"),
             dt.date(2021, 6, 20), security=False,
             achievement="Thẩm định 45 hồ sơ giá đúng hạn."),
    Exemplar("QLXD", "QLXD-01", "Cá nhân", "Trần Minh Đức", "NVCT", Decimal("0.96"),
             dt.date(2021, 4, 20), 1988, "Nam", "Phó Trưởng phòng", 3, "HTXSNV",
             achievement="Hướng dẫn cấp phép xây dựng trực tuyến toàn trình.",
             council=(("N1", Decimal("20"), "Hồ sơ minh chứng chưa đủ cho mức điểm tối đa"),)),
    Exemplar("QLXD", "QLXD-02", "Cá nhân", "Lê Thị Ánh", "HCM", Decimal("0.94"),
             dt.date(2023, 2, 14), 1992, "Nữ", "Chuyên viên", 1, "HTXSNV",
             achievement="Đối thoại với 20 doanh nghiệp về thủ tục cấp phép."),
    Exemplar("QHKT", "QHKT-01", "Tập thể", "Tổ Quy hoạch vùng", "NVCT", Decimal("0.75"),
             dt.date(2022, 1, 5),
             achievement="- Hoàn thành 3 đồ án quy hoạch phân khu; - Lấy ý kiến cộng đồng."),
    Exemplar("TTKD", "TTKD-01", "Cá nhân", "Phạm Quốc Bảo", "NVCT", Decimal("0.92"),
             dt.date(2021, 4, 15), 1983, "Nam", "Kiểm định viên", 2, "HTXSNV",
             achievement=FORMULA_TEXT),
    Exemplar("TTQH", "TTQH-01", "Tập thể", "Xưởng Thiết kế quy hoạch số 1", "HCM",
             Decimal("0.60"), dt.date(2022, 7, 1),
             achievement="@Xưởng 1: lập 2 đồ án quy hoạch chung xã."),
    Exemplar("QLVT", "QLVT-01", "Cá nhân", "Hoàng Thị Ngọc Ánh", "VHCS", Decimal("0.84"),
             dt.date(2025, 3, 20), 1990, "Nữ", "Chuyên viên", 0, "HTTNV",
             achievement="+ Cải tiến quy trình cấp phù hiệu xe."),
)

# unit -> (status, file, Ngày lập offset from the deadline in days or None)
SUBMISSIONS = {
    "VP": (model.ON_TIME, "VP_quy2.xlsx", -5),
    "TTR": (model.ON_TIME, "Thanh tra/Bao cao quy 2.xlsx", -2),
    "KHTC": (model.LATE, "KHTC.xlsx", 4),
    "QLXD": (model.ON_TIME, "thu-qlxd.eml/BaoCao_QLXD.xlsx", 0),
    "QHKT": (model.ON_TIME, "QHKT.xlsm", -1),
    "PTDT": (model.MISSING, "", None),
    "QLN": (model.REJECTED, "QLN_bao_cao.xlsx", -3),
    "TTKD": (model.ON_TIME, "TTKD_Q2.xlsx", -7),
    "TTQH": (model.LATE, "ttqh.ods", 12),
    "QLVT": (model.ON_TIME, "QLVT.xlsx", -4),
    "KCHT": (model.MISSING, "", None),
}


@cache
def make_plan() -> Plan:
    """The shipped 2021–2025 plan."""
    return load_plan()


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _unit_score(level: Decimal, maximum: int) -> Decimal:
    """A half-point score near level × max."""
    return (level * maximum * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def _in_period(ex: Exemplar, period: Period) -> bool:
    unit = make_plan().unit(ex.unit)
    return ex.registered <= period.last_day and unit.valid_on(period.last_day)


def _registrations(plan: Plan, period: Period, exemplars) -> pd.DataFrame:
    rows = []
    for ex in exemplars:
        first = ex.registered
        new_here = period.first_day <= first <= period.last_day
        rows.append({
            "ma_don_vi": ex.unit, "ma_dien_hinh": ex.code, "loai": ex.kind, "ten": ex.name,
            "nam_sinh": ex.birth_year, "gioi_tinh": ex.gender, "chuc_vu": ex.title or None,
            "phong_trao": ex.movement, "pham_vi": "Toàn diện", "linh_vuc": None,
            "ngay_dang_ky": first, "trang_thai": "Mới" if new_here else None,
            "nguon": f"{SUBMISSIONS[ex.unit][1]}!Đăng ký!{6 + len(rows)}",
            "noi_dung": ex.achievement or f"Mô hình điển hình của {ex.name}.",
            "muc_tieu": None,
            "ky_dang_ky": f"{first.year}-Q{(first.month - 1) // 3 + 1}",
        })
    frame = pd.DataFrame(rows, columns=model.DANG_KY + model.REGISTRATION_EXTRA)
    return _in_plan_order(plan, frame, "ma_dien_hinh")


def _assessments(plan: Plan, period: Period, exemplars) -> pd.DataFrame:
    codes = [c.code for c in plan.all_criteria]
    rows = []
    for i, ex in enumerate(exemplars):
        row = {
            "ma_don_vi": ex.unit, "ma_dien_hinh": ex.code, "ten": ex.name, "loai": ex.kind,
            "phong_trao": ex.movement, "ngay_dang_ky": ex.registered, "ky": str(period),
            "so_sang_kien": ex.initiatives, "xep_loai_cb": ex.rating, "ky_luat": ex.discipline,
            "antt": ex.security, "thanh_tich": ex.achievement or None, "minh_chung": None,
            "nguon": f"{SUBMISSIONS[ex.unit][1]}!Chấm điểm!{6 + i}",
        }
        wanted = {c.code: c.max for c in plan.criteria_of(ex.movement)}
        for code in codes:
            row[code] = _unit_score(ex.level, wanted[code]) if code in wanted else None
        rows.append(row)
    return pd.DataFrame(rows, columns=model.ASSESSMENT_BASE + codes)


def _council(exemplars) -> pd.DataFrame:
    rows = [
        {"ma_don_vi": ex.unit, "ma_dien_hinh": ex.code, "tieu_chi": crit, "diem": score,
         "ly_do": reason, "nguon": f"hoi-dong.xlsx!Điều chỉnh!{2 + i}"}
        for i, ex in enumerate(exemplars) for crit, score, reason in ex.council
    ]
    return pd.DataFrame(rows, columns=model.COUNCIL)


def _gates(ex: Exemplar, plan: Plan) -> list[str]:
    reasons = []
    if ex.discipline:
        reasons.append("đang chịu hình thức kỷ luật")
    if ex.kind == "Cá nhân" and ex.rating in ("HTNV", "KHTNV"):
        reasons.append("xếp loại chất lượng dưới mức hoàn thành tốt nhiệm vụ")
    movement = plan.movement(ex.movement)
    if ex.kind == "Tập thể" and movement.security_gate and ex.security is False:
        reasons.append("cơ quan, đơn vị chưa đạt chuẩn an toàn về an ninh, trật tự")
    return reasons


def make_scores(plan: Plan, intake: model.Intake) -> pd.DataFrame:
    """The scoring stage's output for the intake, computed the way SCORING.md says."""
    by_code = {(e.unit, e.code): e for e in EXEMPLARS}
    general = {c.code for c in plan.general_criteria}
    codes = [c.code for c in plan.all_criteria]
    council = {(r.ma_don_vi, r.ma_dien_hinh, r.tieu_chi): (r.diem, r.ly_do)
               for r in intake.council.itertuples()}
    rows = []
    for a in intake.assessments.to_dict("records"):
        ex = by_code[(a["ma_don_vi"], a["ma_dien_hinh"])]
        row = {k: a[k] for k in model.CHAM_DIEM if k in a}
        changes, chung, cu_the = [], Decimal(0), Decimal(0)
        for code in codes:
            unit_score = a[code]
            adjusted = council.get((ex.unit, ex.code, code))
            used = adjusted[0] if adjusted else unit_score
            row[f"{code}_dv"], row[f"{code}_hd"] = unit_score, adjusted[0] if adjusted else None
            row[code] = used
            if adjusted:
                changes.append(f"{code}: {_vn(unit_score)} → {_vn(used)} ({adjusted[1]})")
            if used is not None:
                if code in general:
                    chung += used
                else:
                    cu_the += used
        total = _round(chung + cu_the)
        reasons = _gates(ex, plan)
        row.update({
            "diem_chung": _round(chung), "diem_cu_the": _round(cu_the), "tong_diem": total,
            "xep_loai": plan.classify(total), "du_dieu_kien": not reasons,
            "ly_do": "; ".join(reasons) or None, "hang": None, "de_xuat": None,
            "so_sang_kien": a["so_sang_kien"], "ngay_dang_ky": a["ngay_dang_ky"],
            "xep_loai_cb": a["xep_loai_cb"], "ky_luat": a["ky_luat"], "antt": a["antt"],
            "thanh_tich": a["thanh_tich"], "ky": a["ky"],
            "dieu_chinh": "; ".join(changes) or None, "giai_thich": None,
        })
        rows.append(row)
    columns = model.CHAM_DIEM + model.SCORE_EXTRA + [
        f"{c}{s}" for c in codes for s in ("_dv", "_hd", "")]
    frame = pd.DataFrame(rows, columns=columns)
    return _in_plan_order(plan, _rank(frame), "ma_dien_hinh")


def _rank(scores: pd.DataFrame) -> pd.DataFrame:
    """Ranks, proposals and explanations per movement × type (SCORING.md)."""
    out = scores.copy()
    for (movement, kind), group in out.groupby(["phong_trao", "loai"], sort=True):
        eligible = group[group["du_dieu_kien"]]
        order = sorted(eligible.index, key=lambda i: (
            -out.at[i, "tong_diem"], -out.at[i, "diem_chung"], -out.at[i, "so_sang_kien"],
            out.at[i, "ngay_dang_ky"], out.at[i, "ma_don_vi"], out.at[i, "ma_dien_hinh"]))
        for rank, i in enumerate(order, start=1):
            out.at[i, "hang"] = rank
            excellent = out.at[i, "xep_loai"] == "Xuất sắc"
            out.at[i, "de_xuat"] = model.INTRODUCE if excellent else None
            out.at[i, "giai_thich"] = (
                f"Hạng {rank}/{len(order)} nhóm {movement} – {kind}, "
                f"{_vn(out.at[i, 'tong_diem'])} điểm"
                + ("; xếp loại Xuất sắc nên đề xuất giới thiệu điển hình." if excellent else ".")
            )
        for i in group.index.difference(eligible.index):
            out.at[i, "giai_thich"] = f"Không xếp hạng: {out.at[i, 'ly_do']}."
    return out


def _vn(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _in_plan_order(plan: Plan, frame: pd.DataFrame, then: str) -> pd.DataFrame:
    keys = frame["ma_don_vi"].map(plan.unit_order)
    order = sorted(range(len(frame)), key=lambda i: (keys.iloc[i], str(frame[then].iloc[i])))
    return frame.iloc[order].reset_index(drop=True)


def _submissions(plan: Plan, period: Period) -> pd.DataFrame:
    deadline = plan.deadline(period)
    rows = []
    for unit in plan.units_for(period):
        status, file, offset = SUBMISSIONS[unit.code]
        made = deadline + dt.timedelta(days=offset) if offset is not None else None
        errors = {model.REJECTED: 1, model.LATE: 0}.get(status, 0)
        rows.append({
            "ma_don_vi": unit.code, "trang_thai": status, "tep": file or None,
            "ngay_lap": made, "ten_don_vi": unit.name,
            "ngay_nop": made, "han_nop": deadline,
            "nguoi_gui": unit.email if file.endswith(".xlsx") and ".eml/" in file else None,
            "so_loi": errors + (1 if unit.code == "QLXD" else 0),
            "so_canh_bao": 1 if unit.code in ("KHTC", "TTKD") else 0,
        })
    return pd.DataFrame(rows, columns=model.NOP_BAO_CAO + model.SUBMISSION_EXTRA)


def _findings(period: Period) -> pd.DataFrame:
    rows = [
        (ERROR, "QLN", "QLN_bao_cao.xlsx", "Thông tin", "B3", "B04",
         f"Kỳ báo cáo '2025-Q1' khác kỳ của thư mục ({period.label}); cả tệp không được "
         "tiếp nhận.", 3),
        (ERROR, "QLXD", "thu-qlxd.eml/BaoCao_QLXD.xlsx", "Chấm điểm", "F9", "C06",
         "Điểm tiêu chí N1 là 27, vượt mức tối đa 25; dòng không được chấm điểm.", 9),
        (WARNING, "KHTC", "KHTC.xlsx", "Thông tin", "B5", "B08",
         "Thiếu người lập; ghi họ tên người lập biểu.", 5),
        (WARNING, "TTKD", "TTKD_Q2.xlsx", "Chấm điểm", "C7", "C14",
         "Tên 'Phạm Quốc Bảo ' khác với đăng ký 'Phạm Quốc Bảo'.", 7),
        (NOTICE, "TTQH", "ttqh.ods", "Hoạt động", "", "S01",
         "Thiếu trang Hoạt động; coi như đơn vị không có hoạt động trong kỳ.", 0),
        (NOTICE, "", "=cmd|' /C calc'!A0.xlsx", "", "", "F10",
         "Không xác định được đơn vị của tệp; đề nghị đơn vị gửi lại.", 0),
    ]
    frame = pd.DataFrame(rows, columns=[*model.LOI, "row"])
    return frame


def _good_deeds(plan: Plan, period: Period, units: set[str]) -> pd.DataFrame:
    m1, m2, m3 = period.months
    rows = [
        ("VP", "Nguyễn Văn An", m1, "Nhặt được ví có 5 triệu đồng và giấy tờ, trả lại người "
         "đánh rơi.", "Có", 1990, "Nam", "Lái xe", "Được người dân gửi thư cảm ơn", None),
        ("QLXD", "Đỗ Thị Bích", m2, "+ Hiến 350 ml máu tại ngày hội hiến máu tình nguyện của "
         "tỉnh.", "Có", 1995, "Nữ", "Chuyên viên", None, "Giấy khen của Công đoàn"),
        ("TTKD", "Bùi Văn Cường", m3, "Giúp đỡ gia đình khó khăn sửa chữa nhà sau bão số 3.",
         "Không", 1980, "Nam", "Kiểm định viên", None, None),
    ]
    records = [
        {"ma_don_vi": u, "ho_ten": n, "thang": mo, "noi_dung": txt, "de_nghi_tuyen_truyen": yn,
         "nguon": f"{SUBMISSIONS[u][1]}!Người tốt việc tốt!{6 + i}", "nam_sinh": y,
         "gioi_tinh": g, "chuc_vu": cv, "ket_qua": kq, "hinh_thuc_khen": ht}
        for i, (u, n, mo, txt, yn, y, g, cv, kq, ht) in enumerate(rows) if u in units
    ]
    return pd.DataFrame(records, columns=model.NGUOI_TOT + model.GOOD_DEED_EXTRA)


def _activities(plan: Plan, period: Period, units: set[str]) -> pd.DataFrame:
    day = period.first_day
    rows = [
        ("VP", day + dt.timedelta(days=20), "Tuyên truyền",
         "Đăng 4 tin bài về điển hình tiên tiến trên Cổng thông tin điện tử của Sở.", 0,
         None),
        ("QLXD", day + dt.timedelta(days=45), "Tham quan, học tập kinh nghiệm",
         "Học tập mô hình một cửa liên thông tại Sở Xây dựng tỉnh Vĩnh Phúc.", 15,
         "@Tổ công đoàn phối hợp"),
        ("TTKD", day + dt.timedelta(days=70), "Sơ kết, tổng kết",
         "Sơ kết 6 tháng phong trào thi đua lập thành tích cao.", 42, None),
    ]
    records = [
        {"ma_don_vi": u, "ngay": d, "hinh_thuc": f, "noi_dung": n, "so_nguoi": p,
         "nguon": f"{SUBMISSIONS[u][1]}!Hoạt động!{6 + i}", "ghi_chu": note}
        for i, (u, d, f, n, p, note) in enumerate(rows) if u in units
    ]
    return pd.DataFrame(records, columns=model.HOAT_DONG + model.ACTIVITY_EXTRA)


def _difficulties(plan: Plan, units: set[str]) -> pd.DataFrame:
    rows = [
        ("VP", "- Kinh phí khen thưởng còn hạn chế.\n- Nhân sự kiêm nhiệm nhiều việc.",
         "Đề nghị bổ sung kinh phí tuyên truyền điển hình."),
        ("TTKD", "Khối lượng kiểm định tăng, thiếu thiết bị.",
         "=Đề nghị Sở trang bị thêm máy thử nghiệm."),
    ]
    records = [
        {"ma_don_vi": u, "ten_don_vi": plan.unit(u).name, "kho_khan": k, "de_xuat": d}
        for u, k, d in rows if u in units
    ]
    return pd.DataFrame(records, columns=model.DIFFICULTIES)


def make_intake(plan: Plan, period: Period | str, *, exemplars=None) -> model.Intake:
    """The accepted data of one period folder, built from `exemplars` (default EXEMPLARS)."""
    period = _period(period)
    chosen = [e for e in (EXEMPLARS if exemplars is None else exemplars) if _in_period(e, period)]
    submissions = _submissions(plan, period)
    accepted = set(submissions.loc[
        submissions["trang_thai"].isin([model.ON_TIME, model.LATE]), "ma_don_vi"])
    assessed = [e for e in chosen if e.unit in accepted]
    return model.Intake(
        period=period,
        registrations=_registrations(plan, period, chosen),
        assessments=_assessments(plan, period, assessed),
        council=_council(assessed),
        good_deeds=_good_deeds(plan, period, accepted),
        activities=_activities(plan, period, accepted),
        submissions=submissions,
        difficulties=_difficulties(plan, accepted),
        findings=_findings(period),
        manifest={},
    )


def make_period_report(period: Period | str = "2025-Q2", *, run_date: dt.date | None = None,
                       with_previous: bool = True) -> model.PeriodReport:
    """A quarter's report; with `previous` set to the quarter before (fewer exemplars)."""
    plan = make_plan()
    period = _period(period)
    run_date = run_date or plan.deadline(period) + dt.timedelta(days=10)
    intake = make_intake(plan, period)
    previous = None
    if with_previous:
        before = period.previous()
        older = [e for e in EXEMPLARS if e.code not in ("QLXD-02",)]
        prev_intake = make_intake(plan, before, exemplars=older)
        previous = model.PeriodReport(plan, before, plan.deadline(before), prev_intake,
                                      make_scores(plan, prev_intake))
    return model.PeriodReport(plan, period, run_date, intake, make_scores(plan, intake),
                              previous)


# ---- annual and reviews: the real builders over a synthetic history -----------------------------
def make_history(last: Period | str = "2025-Q1") -> dict[Period, tuple[model.Intake, pd.DataFrame]]:
    """Every quarter of the plan up to `last` -> (its intake, its scores), as
    pipeline.scoring.review expects. An exemplar is registered (trang_thai 'Mới') in the
    quarter of its registration date and assessed every quarter after."""
    from pipeline.periods import periods_between

    plan = make_plan()
    history = {}
    for period in periods_between(plan.first_period, _period(last)):
        intake = make_intake(plan, period)
        history[period] = (intake, make_scores(plan, intake))
    return history


@cache
def _history(last: str) -> dict:
    return make_history(last)


def make_annual_report(year: int = 2024, *, run_date: dt.date | None = None
                       ) -> model.AnnualReport:
    """A year's evaluation by `pipeline.scoring.review.build_annual`, with the previous year's."""
    from pipeline.scoring.review import build_annual

    return build_annual(make_plan(), year, run_date or dt.date(year + 1, 1, 15),
                        _history(f"{year}-Q4"))


def make_review_report(kind: str = "tong-ket", *, run_date: dt.date | None = None
                       ) -> model.ReviewReport:
    """A review over the plan's window by `pipeline.scoring.review.build_review`."""
    from pipeline.scoring.review import build_review

    plan = make_plan()
    last = plan.reviews[kind].last_period
    return build_review(plan, kind, run_date or last.next().last_day, _history(str(last)))
