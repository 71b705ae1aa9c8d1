"""The quarterly report `BaoCao_<period>.docx/.html`: registrations, assessment, outstanding
exemplars, good deeds, activities, difficulties, submissions, directions, proposals.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipeline.config import Plan
from pipeline.model import (
    INTRODUCE,
    LATE,
    MISSING,
    ON_TIME,
    REJECTED,
    PeriodReport,
)
from pipeline.outputs.documents.blocks import (
    CLASSES,
    KINDS,
    NOTABLE_ACTIVITIES,
    _active,
    _by_plan_order,
    _count_by,
    _dated_unit_name,
    _deed_rows,
    _deed_where,
    _frames_read_once,
    _lines,
    _prose,
    _records,
    _size,
    _tally,
    _text,
    _texts,
    _unit_name,
    _yes,
    _yes_flags,
    appendix_note,
    capitalize_first,
    chart,
    compare_text,
    count,
    distribution,
    keep_together,
    letterhead,
    move_long_tables,
    number_sections,
    number_subsections,
    outstanding_rows,
    para,
    proper_name,
    score_text,
    table,
    units_with_data,
)
from pipeline.outputs.documents.ntvt import (
    deeds_list_context,
)
from pipeline.outputs.documents.render import (
    render_docx,
    render_html,
)
from pipeline.text import vn_date, vn_sort_key
from schemas.sheets import ACTIVITY_FORMS


def registration_summary(report: PeriodReport) -> list[dict]:
    """How many exemplars are followed, how many are new, per movement × type, vs last quarter."""
    plan, period = report.plan, report.period
    registrations = report.intake.registrations
    active = _active(registrations)
    followed = int(active.sum())
    new = int((active & (_texts(registrations, "ky_dang_ky") == str(period))).sum())
    withdrawn = int((~active).sum())
    kinds = _tally(registrations, "loai", where=active)
    text = (f"Đến hết {period.label}, toàn Sở có {count(followed)} điển hình tiên tiến đang "
            f"được theo dõi, xây dựng ({count(kinds.get(('Tập thể',), 0))} tập thể, "
            f"{count(kinds.get(('Cá nhân',), 0))} cá nhân)")
    before = report.previous
    if before is not None:
        text += ", " + compare_text(followed, int(_active(before.intake.registrations).sum()),
                                    before.period.label)
    text += (f"; trong đó {count(new)} điển hình đăng ký mới trong kỳ" if new
             else "; trong kỳ không có điển hình đăng ký mới")
    text += (f", {count(withdrawn)} điển hình được đơn vị rút đăng ký." if withdrawn
             else ".")
    blocks = [para(text), _movement_table(plan, registrations, before)]
    return blocks


def _movement_table(plan: Plan, registrations: pd.DataFrame | None,
                    before: PeriodReport | None) -> dict:
    counts = _tally(registrations, "phong_trao", "loai", where=_active(registrations))
    old = {}
    if before is not None:
        earlier = before.intake.registrations
        old = _tally(earlier, "phong_trao", where=_active(earlier))
    rows, totals = [], [0, 0, 0, 0]
    for m in plan.movements:
        cells = [counts.get((m.code, k), 0) for k in KINDS]
        row = [m.short, *(count(c) for c in cells), count(sum(cells))]
        totals = [totals[0] + cells[0], totals[1] + cells[1], totals[2] + sum(cells),
                  totals[3] + old.get((m.code,), 0)]
        if before is not None:
            row.append(count(old.get((m.code,), 0)))
        rows.append(row)
    header = ["Phong trào", "Tập thể", "Cá nhân", "Cộng"]
    total = ["Tổng cộng", *(count(t) for t in totals[:3])]
    if before is None:
        return table("movement", header, rows, total)
    header.append(f"{before.period.label_short}")
    return table("movement_cmp", header, rows, [*total, count(totals[3])])


def assessment_summary(report: PeriodReport) -> list[dict]:
    """Classification of the assessed exemplars, gates (counted only) and council changes."""
    scores = report.scores
    if not _size(scores):
        return [para(f"Trong {report.period.label}, chưa có điển hình nào được đơn vị chấm "
                     "điểm, đánh giá.")]
    classes = _tally(scores, "xep_loai")
    parts = ", ".join(f"{count(classes.get((c,), 0))} {c}" for c in CLASSES)
    text = (f"Có {count(len(scores))} điển hình được chấm điểm, đánh giá trong kỳ; kết quả "
            f"xếp loại: {parts}.")
    gated = int((~_yes_flags(scores, "du_dieu_kien")).sum())
    if gated:
        text += (f" Có {count(gated)} điển hình chưa đủ điều kiện xét chọn theo quy định "
                 "nên không xếp hạng, không đề xuất.")
    blocks = [para(text)]
    changed = int((_texts(scores, "dieu_chinh") != "").sum())
    if changed:
        blocks.append(para(f"Hội đồng Thi đua - Khen thưởng Sở đã xem xét, điều chỉnh điểm của "
                           f"{count(changed)} điển hình trên cơ sở hồ sơ minh chứng."))
    blocks.append(_unit_table(report))
    return blocks


def _unit_table(report: PeriodReport) -> dict:
    plan = report.plan
    registrations = report.intake.registrations
    active = _tally(registrations, "ma_don_vi", where=_active(registrations))
    assessed = _tally(report.scores, "ma_don_vi")
    classes = _tally(report.scores, "ma_don_vi", "xep_loai")
    rows, totals = [], [0] * 6
    expected = plan.units_for(report.period)
    for unit in units_with_data(plan, expected, {k[0] for k in (*active, *assessed)}):
        cells = [active.get((unit.code,), 0), assessed.get((unit.code,), 0),
                 *(classes.get((unit.code, c), 0) for c in CLASSES)]
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
        rows.append([_dated_unit_name(unit, report.period.last_day), *(count(c) for c in cells)])
    header = ["Đơn vị", "Đang theo dõi", "Được chấm", *CLASSES]
    return table("unit", header, rows, ["Tổng cộng", *(count(t) for t in totals)])


def _classification_chart(report: PeriodReport) -> dict | None:
    if not _size(report.scores):
        return None
    now = _tally(report.scores, "xep_loai")
    series = [capitalize_first(report.period.label)]
    before = report.previous
    old = _tally(before.scores, "xep_loai") if before else None
    if old is not None:
        series.append(capitalize_first(before.period.label))
    bars = [(c, [now.get((c,), 0), *([old.get((c,), 0)] if old is not None else [])])
            for c in CLASSES]
    return chart("Kết quả xếp loại điển hình", series, bars)


def _movement_chart(report: PeriodReport) -> dict:
    plan = report.plan
    registrations = report.intake.registrations
    active = _tally(registrations, "phong_trao", "loai", where=_active(registrations))
    bars = [(m.short, [active.get((m.code, k), 0) for k in KINDS]) for m in plan.movements]
    return chart("Điển hình đang theo dõi theo phong trào", list(KINDS), bars)


def outstanding_section(report: PeriodReport) -> list[dict]:
    rows = outstanding_rows(report.plan, report.scores, report.intake.registrations, INTRODUCE)
    if not rows:
        return [para(f"Trong {report.period.label}, chưa có điển hình đủ điều kiện và đạt "
                     "xếp loại Xuất sắc để giới thiệu.")]
    lead = para(f"Có {count(len(rows))} điển hình đủ điều kiện, xếp loại Xuất sắc, được đề "
                "xuất giới thiệu, nhân rộng:")
    body = [[str(i), r["ten"], r["where"], r["movement_name"], score_text(r["tong_diem"]),
             _prose(r.get("thanh_tich")) or "Chưa nêu thành tích cụ thể"]
            for i, r in enumerate(rows, start=1)]
    header = ["STT", "Tên điển hình", "Chức vụ, đơn vị", "Phong trào", "Tổng điểm",
              "Thành tích nổi bật"]
    return [lead, table("exemplars", header, body)]


def deeds_section(report: PeriodReport) -> list[dict]:
    plan, period = report.plan, report.period
    rows = _deed_rows(plan, report.intake.good_deeds, proposed_only=False)
    if not rows:
        return [para(f"Trong {period.label}, các đơn vị chưa báo cáo gương người tốt, việc tốt.")]
    proposed = [d for d in rows if _yes(d.get("de_nghi_tuyen_truyen"))]
    months = ", ".join(
        f"tháng {m}: {count(sum(1 for d in rows if int(d['thang']) == m))}"
        for m in period.months)
    body = [[str(i), _text(d.get("ho_ten")), _deed_where(plan, d), str(int(d["thang"])),
             _prose(d.get("noi_dung")).rstrip(".")]
            for i, d in enumerate(rows, start=1)]
    header = ["STT", "Họ và tên", "Chức vụ, đơn vị", "Tháng", "Nội dung việc tốt"]
    return [para(f"Các đơn vị báo cáo {count(len(rows))} gương người tốt, việc tốt ({months}); "
                 f"đề nghị tuyên truyền, giới thiệu {count(len(proposed))} gương."),
            table("report_deeds", header, body)]


def difficulties_section(report: PeriodReport) -> list[dict]:
    plan = report.plan
    rows = _by_plan_order(plan, _records(report.intake.difficulties))
    parts = []
    for key, title in (("kho_khan", "Khó khăn, vướng mắc"), ("de_xuat", "Đề xuất, kiến nghị")):
        items = [para(f"- {capitalize_first(text)} ({', '.join(units)}).")
                 for text, units in grouped_items(plan, rows, key)]
        parts.append((title, items))
    return number_subsections(parts)


def grouped_items(plan: Plan, rows: list[dict], key: str) -> list[tuple[str, list[str]]]:
    """Each distinct line the units wrote under `key`, with the units that wrote it; the
    lines most units share first, then in the order of the first unit (plan order)."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for r in rows:
        unit = _unit_name(plan, r["ma_don_vi"], r.get("ten_don_vi"))
        for line in _lines(r.get(key)):
            text = line.rstrip(".;").strip()
            units = groups.setdefault(text.casefold(), (text, []))[1]
            if text and unit not in units:
                units.append(unit)
    ordered = sorted(enumerate(groups.values()), key=lambda x: (-len(x[1][1]), x[0]))
    return [group for _, group in ordered if group[1]]


def submission_section(report: PeriodReport) -> list[dict]:
    plan, period = report.plan, report.period
    subs = _by_plan_order(plan, _records(report.intake.submissions))
    status = _count_by(subs, "trang_thai")
    text = (f"Có {count(len(subs))} đơn vị phải báo cáo {period.label} (hạn nộp ngày "
            f"{vn_date(plan.deadline(period))})")
    parts = [f"{count(status[(s,)])} đơn vị {words}" for s, words in (
        (ON_TIME, "nộp đúng hạn"), (LATE, "nộp muộn"), (MISSING, "chưa nộp"),
        (REJECTED, "có tệp không tiếp nhận được")) if status.get((s,))]
    if subs and status.get((ON_TIME,), 0) == len(subs):
        parts = ["tất cả các đơn vị nộp đúng hạn"]
    text += f": {', '.join(parts)}." if parts else "."
    late = [s for s in subs if _text(s.get("trang_thai")) in (LATE, MISSING, REJECTED)]
    if not late:
        return [para(text)]
    notes = {LATE: "Nộp sau hạn", MISSING: "Chưa gửi báo cáo",
             REJECTED: "Tệp sai quy định, đề nghị gửi lại"}
    body = [[str(i), _unit_name(plan, s["ma_don_vi"], s.get("ten_don_vi")), s["trang_thai"],
             vn_date(s["ngay_nop"]) if s.get("ngay_nop") and s["trang_thai"] == LATE else "",
             notes[s["trang_thai"]]]
            for i, s in enumerate(late, start=1)]
    header = ["STT", "Đơn vị", "Tình trạng", "Ngày nộp", "Ghi chú"]
    return [para(text), table("submissions", header, body)]


def activities_section(report: PeriodReport) -> list[dict]:
    """The quarter's activities as a table by form, then the few with the most participants."""
    plan = report.plan
    acts = _records(report.intake.activities)
    if not acts:
        return []
    people = sum(int(a.get("so_nguoi") or 0) for a in acts)
    units = {_text(a.get("ma_don_vi")) for a in acts}
    found = {_text(a.get("hinh_thuc")) for a in acts}
    forms = [f for f in ACTIVITY_FORMS if f in found]
    forms += sorted(found - set(forms), key=vn_sort_key)
    body = []
    for form in forms:
        of_form = [a for a in acts if _text(a.get("hinh_thuc")) == form]
        stated = [int(a["so_nguoi"]) for a in of_form if a.get("so_nguoi") is not None]
        body.append([form, count(len(of_form)),
                     count(len({_text(a.get("ma_don_vi")) for a in of_form})),
                     count(sum(stated)) if stated else ""])
    header = ["Hình thức", "Số hoạt động", "Số đơn vị tổ chức", "Lượt người tham gia"]
    blocks = [para(f"Trong {report.period.label}, có {count(len(units))} đơn vị tổ chức "
                   f"{count(len(acts))} hoạt động tuyên truyền, học tập, nhân rộng điển hình với "
                   f"{count(people)} lượt người tham gia, cụ thể theo hình thức như sau:"),
              table("activities", header, body,
                    ["Tổng cộng", count(len(acts)), count(len(units)), count(people)])]
    notable = notable_activities(plan, acts)
    if notable:
        blocks.append(para("Một số hoạt động tiêu biểu:"))
        blocks.extend(para(f"- {_activity_line(plan, a)}") for a in notable)
    return blocks


def notable_activities(plan: Plan, acts: list[dict]) -> list[dict]:
    """The activities with the most participants, one per content, in date order."""
    ranked = sorted(acts, key=lambda a: (-int(a.get("so_nguoi") or 0),
                                         a.get("ngay") or dt.date.min,
                                         plan.unit_order(_text(a.get("ma_don_vi")))))
    chosen, seen = [], set()
    for a in ranked:
        content = _prose(a.get("noi_dung")).rstrip(".").casefold()
        if content and content not in seen and len(chosen) < NOTABLE_ACTIVITIES:
            seen.add(content)
            chosen.append(a)
    return sorted(chosen, key=lambda a: (a.get("ngay") or dt.date.min,
                                         plan.unit_order(_text(a.get("ma_don_vi")))))


def _activity_line(plan: Plan, act: dict) -> str:
    people = (f" ({count(int(act['so_nguoi']))} người tham gia)" if act.get("so_nguoi")
              else "")
    when = f", ngày {vn_date(act['ngay'])}" if act.get("ngay") else ""
    return (f"{_unit_name(plan, act['ma_don_vi'])}{when}: "
            f"{_prose(act.get('noi_dung')).rstrip('.')}{people}.")


def directions_section(report: PeriodReport) -> list[dict]:
    plan, period = report.plan, report.period
    nxt = period.next()
    registrations = report.intake.registrations
    active = _active(registrations)
    followed = int(active.sum())
    blocks = [para(f"- Các đơn vị tiếp tục theo dõi, bồi dưỡng {count(followed)} điển hình "
                   f"đang đăng ký; gửi báo cáo {nxt.label} trước ngày "
                   f"{vn_date(plan.deadline(nxt))}.")]
    missing = [s for s in _by_plan_order(plan, _records(report.intake.submissions))
               if _text(s.get("trang_thai")) in (MISSING, REJECTED)]
    if missing:
        names = ", ".join(_unit_name(plan, s["ma_don_vi"], s.get("ten_don_vi")) for s in missing)
        blocks.append(para(f"- Văn phòng Sở đôn đốc {names} gửi bổ sung báo cáo "
                           f"{period.label}."))
    expected = {u.code for u in plan.units_for(period)}
    by_unit = _tally(registrations, "ma_don_vi", where=active)
    for unit in plan.units:
        if (unit.code not in expected and by_unit.get((unit.code,)) and unit.valid_to
                and unit.valid_to < period.last_day):
            blocks.append(para(
                f"- Văn phòng Sở rà soát {count(by_unit[(unit.code,)])} điển hình đang đăng ký "
                f"của {unit.name} (không còn là đơn vị thuộc Sở từ ngày "
                f"{vn_date(unit.valid_to + dt.timedelta(days=1))}) để chuyển đơn vị theo dõi "
                "hoặc rút đăng ký."))
    weak = int((_texts(report.scores, "xep_loai") == "Chưa đạt").sum())
    if weak:
        blocks.append(para(f"- Các đơn vị có {count(weak)} điển hình xếp loại Chưa đạt "
                           "rà soát mục tiêu, nội dung đăng ký, có giải pháp hỗ trợ hoặc điều "
                           "chỉnh đăng ký."))
    if nxt.quarter == 4:
        blocks.append(para(f"- Chuẩn bị đánh giá, bình xét điển hình năm {nxt.year} và đề xuất "
                           "khen thưởng theo quy định."))
    for review in plan.reviews.values():
        if review.last_period == nxt:
            blocks.append(para(f"- Chuẩn bị nội dung {review.title[:1].lower()}"
                               f"{review.title[1:]}."))
    return blocks


def proposals_section(report: PeriodReport) -> list[dict]:
    excellent = outstanding_rows(report.plan, report.scores, report.intake.registrations,
                                 INTRODUCE)
    deeds = _deed_rows(report.plan, report.intake.good_deeds, proposed_only=True)
    if not excellent and not deeds:
        return []
    return [para(f"Đề nghị {report.plan.reports.upward} xem xét, giới thiệu, tuyên truyền "
                 f"{count(len(excellent))} điển hình tiên tiến xếp loại Xuất sắc và "
                 f"{count(len(deeds))} gương người tốt, việc tốt {report.period.label} của Sở "
                 "(có danh sách kèm theo).")]


def period_report_context(report: PeriodReport) -> dict:
    """The quarterly report BaoCao_<period> as a plain dict."""
    plan, period = report.plan, report.period
    doc = letterhead(plan, report.run_date, "BÁO CÁO", "BC",
                     f"Kết quả xây dựng điển hình tiên tiến {period.label}")
    charts = [c for c in (_movement_chart(report), _classification_chart(report)) if c]
    exemplars = number_subsections([
        ("Phát hiện, đăng ký điển hình", registration_summary(report)),
        ("Chấm điểm, đánh giá điển hình", assessment_summary(report)),
    ])
    doc["blocks"] = [
        para(f"Thực hiện {plan.plan.name}, {proper_name(plan.issuer_on(report.run_date).name)} "
             f"báo cáo kết quả thực hiện {period.label} như sau:"),
        *number_sections([
            ("Kết quả triển khai thực hiện", activities_section(report)),
            ("Kết quả phát hiện, xây dựng và đánh giá điển hình", [*exemplars, *charts]),
            ("Điển hình tiên tiến tiêu biểu", outstanding_section(report)),
            ("Gương người tốt, việc tốt", deeds_section(report)),
            ("Khó khăn, vướng mắc và đề xuất, kiến nghị của các đơn vị",
             difficulties_section(report)),
            ("Tình hình gửi báo cáo của các đơn vị", submission_section(report)),
            (f"Phương hướng, nhiệm vụ {period.next().label}", directions_section(report)),
            ("Đề xuất, kiến nghị", proposals_section(report)),
        ]),
    ]
    doc["recipients"] = distribution(list(plan.reports.recipients))
    return doc


# ---- the public writers ----------------------------------------------------------------------
APPENDIX = "PhuLuc_"  # the appendix file of a quarterly report: PhuLuc_<period>.docx


def write_period_documents(report: PeriodReport, out_dir: Path) -> list[Path]:
    """BaoCao_<period>.docx and .html, NguoiTotViecTot_<period>.docx and, when a table of one
    of them is longer than the plan's `list_limit`, its appendix holding that table:
    PhuLuc_<period>.docx for the report (the .html shows it as its appendix section),
    PhuLuc_NguoiTotViecTot_<period>.docx for the letter."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _frames_read_once():
        signed, appendix = _with_appendix(
            report, period_report_context(report), str(report.period), "BC", "Báo cáo",
            "Báo cáo kết quả xây dựng điển hình tiên tiến")
        letter, letter_appendix = _with_appendix(
            report, deeds_list_context(report), f"NguoiTotViecTot_{report.period}", "DS",
            "Danh sách", "Danh sách giới thiệu gương người tốt, việc tốt và điển hình tiên "
            "tiến xuất sắc")
        name = f"BaoCao_{report.period}"
        paths = [render_docx(signed, out_dir / f"{name}.docx"),
                 render_html({**signed, "appendix": appendix}, out_dir / f"{name}.html"),
                 render_docx(letter, out_dir / f"NguoiTotViecTot_{report.period}.docx")]
        for context, moved, stem in ((signed, appendix, str(report.period)),
                                     (letter, letter_appendix,
                                      f"NguoiTotViecTot_{report.period}")):
            if moved:
                paths.append(render_docx({**context, "appendix": moved, "appendix_only": True},
                                         out_dir / f"{APPENDIX}{stem}.docx"))
        return paths


def _with_appendix(report: PeriodReport, context: dict, stem: str, code: str, kind_word: str,
                   subject: str) -> tuple[dict, dict | None]:
    """The document with its tables longer than the plan's `list_limit` moved out, and the
    appendix PhuLuc_<stem> holding them (None when none is that long)."""
    body, moved = move_long_tables(context["blocks"], report.plan.reports.list_limit,
                                   f"{APPENDIX}{stem}.docx", f"TongHop_{report.period}.xlsx",
                                   kind_word)
    if not moved:
        return {**context, "blocks": body}, None
    issuer = report.plan.issuer_on(report.run_date)
    appendix = {"kind": "PHỤ LỤC",
                "subject": keep_together(f"Danh sách chi tiết kèm theo {subject} "
                                         f"{report.period.label}"),
                "note": appendix_note(code, kind_word, issuer, report.run_date.year,
                                      proper_name(issuer.name)),
                "blocks": moved}
    return {**context, "blocks": body}, appendix


def signed_documents(paths: list[Path]) -> list[Path]:
    """The documents converted to PDF: all but the appendix (a working list that can run to
    hundreds of pages; its rows are also in the workbook)."""
    return [p for p in paths if not p.name.startswith(APPENDIX)]
