"""The annual documents: the year's report, the Tờ trình proposing commendations and the
draft Quyết định.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipeline.model import (
    BANG_KHEN,
    GIAY_KHEN,
    LATE,
    MISSING,
    ON_TIME,
    PRAISE,
    REJECTED,
    AnnualReport,
)
from pipeline.outputs.documents.blocks import (
    CLASSES,
    KINDS,
    _by_plan_order,
    _count_by,
    _dated_unit_name,
    _frames_read_once,
    _keys,
    _movement_name,
    _once,
    _prose,
    _read_records,
    _records,
    _roman,
    _size,
    _tally,
    _text,
    _texts,
    _unit_name,
    _yes_flags,
    appendix_note,
    capitalize_first,
    chart,
    compare_text,
    count,
    coverage_blocks,
    distribution,
    heading,
    keep_together,
    kinds_phrase,
    letterhead,
    number_sections,
    number_subsections,
    para,
    proper_name,
    score_text,
    table,
    units_with_data,
)
from pipeline.outputs.documents.render import (
    render_docx,
    render_html,
)
from pipeline.text import vn_date


# ---- the annual report, the Tờ trình and the Quyết định --------------------------------------
def _evaluation_details(report: AnnualReport) -> dict[tuple[str, str], dict]:
    """Title (chức vụ) and latest stated achievement of each exemplar proposed for an award,
    from the year's quarters."""
    return _once(("details",), (report,), lambda: _read_evaluation_details(report))


def _read_evaluation_details(report: AnnualReport) -> dict[tuple[str, str], dict]:
    evaluations = report.evaluations
    proposed = {key for key, proposal in zip(_keys(evaluations), _texts(evaluations, "de_xuat"),
                                             strict=True) if proposal}
    out: dict[tuple[str, str], dict] = {}
    for quarter in sorted(report.quarters, key=lambda q: q.period):
        registrations, scores = quarter.intake.registrations, quarter.scores
        for key, title in zip(_keys(registrations), _texts(registrations, "chuc_vu"),
                              strict=True):
            if key in proposed:
                out.setdefault(key, {})["chuc_vu"] = title
        for key, achievement in zip(_keys(scores), _texts(scores, "thanh_tich"), strict=True):
            if achievement and key in proposed:
                out.setdefault(key, {})["thanh_tich"] = achievement
    return out


def proposal_rows(report: AnnualReport, proposal: str) -> list[dict]:
    """The year's exemplars with the given proposal, collectives first, then in plan order.
    Shared while reading once."""
    return _once(("proposals", proposal), (report,), lambda: _proposal_rows(report, proposal))


def _proposal_rows(report: AnnualReport, proposal: str) -> list[dict]:
    plan, details = report.plan, _evaluation_details(report)
    evaluations = report.evaluations
    if not _size(evaluations):
        return []
    chosen = _read_records(evaluations.loc[_texts(evaluations, "de_xuat") == proposal])
    out = []
    for e in sorted(_by_plan_order(plan, chosen, "ma_dien_hinh"),
                    key=lambda e: KINDS.index(e["loai"]) if e["loai"] in KINDS else 2):
        extra = details.get((_text(e["ma_don_vi"]), _text(e["ma_dien_hinh"])), {})
        unit = _unit_name(plan, e["ma_don_vi"])
        title = extra.get("chuc_vu", "")
        out.append({**e, "unit_name": unit, "where": f"{title}, {unit}" if title else unit,
                    "thanh_tich": extra.get("thanh_tich", ""),
                    "movement_name": _movement_name(plan, e.get("phong_trao"))})
    return out


def _year_classes(evaluations: pd.DataFrame | None) -> dict[tuple, int]:
    return _tally(evaluations, "xep_loai")


def _quarters_table(report: AnnualReport) -> list[dict]:
    plan = report.plan
    due = [q for q in report.quarters if plan.deadline(q.period) <= report.run_date
           or _size(q.scores)]
    if not due:
        return []
    rows = []
    for q in sorted(due, key=lambda q: q.period):
        status = _count_by(_records(q.intake.submissions), "trang_thai")
        rows.append([q.period.label_short, count(status.get((ON_TIME,), 0)),
                     count(status.get((LATE,), 0)),
                     count(status.get((MISSING,), 0) + status.get((REJECTED,), 0)),
                     count(_size(q.scores)),
                     count(int((_texts(q.scores, "xep_loai") == "Xuất sắc").sum())),
                     count(len(_records(q.intake.good_deeds)))])
    header = ["Quý", "Nộp đúng hạn", "Nộp muộn", "Chưa nộp", "Điển hình được chấm",
              "Xếp loại Xuất sắc", "Người tốt, việc tốt"]
    blocks = [para(f"Trong năm {report.year}, các đơn vị báo cáo định kỳ {count(len(rows))} quý; "
                   "kết quả từng quý như sau:"), table("quarters", header, rows)]
    for q in sorted(report.quarters, key=lambda q: q.period):
        if q not in due:
            blocks.append(para(f"Báo cáo {q.period.label} chưa đến hạn (hạn nộp ngày "
                               f"{vn_date(plan.deadline(q.period))}), chưa tổng hợp."))
    return blocks


def annual_evaluation_section(report: AnnualReport) -> list[dict]:
    plan, year = report.plan, report.year
    evaluations = report.evaluations
    evaluated = _size(evaluations)
    if not evaluated:
        return [para(f"Năm {year}, chưa có điển hình nào được chấm điểm, đánh giá.")]
    classes = _year_classes(evaluations)
    parts = ", ".join(f"{count(classes.get((c,), 0))} {c}" for c in CLASSES)
    text = f"Năm {year}, có {count(evaluated)} điển hình được đánh giá"
    if report.previous is not None:
        text += f" ({compare_text(evaluated, len(report.previous), f'năm {year - 1}')})"
    text += f"; kết quả xếp loại: {parts}."
    eligible_rows = _yes_flags(evaluations, "du_dieu_kien")
    gated = int((~eligible_rows).sum())
    if gated:
        text += (f" Có {count(gated)} điển hình chưa đủ điều kiện xét chọn theo quy định "
                 "nên không xếp hạng, không đề xuất khen thưởng.")
    by_unit = _tally(evaluations, "ma_don_vi")
    unit_classes = _tally(evaluations, "ma_don_vi", "xep_loai")
    eligible = _tally(evaluations, "ma_don_vi", where=eligible_rows)
    body, totals = [], [0] * 6
    existed = [u for u in plan.units
               if (u.valid_from is None or u.valid_from <= dt.date(year, 12, 31))
               and (u.valid_to is None or u.valid_to >= dt.date(year, 1, 1))]
    for unit in units_with_data(plan, existed, {k[0] for k in by_unit}):
        cells = [by_unit.get((unit.code,), 0), eligible.get((unit.code,), 0),
                 *(unit_classes.get((unit.code, c), 0) for c in CLASSES)]
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
        body.append([_dated_unit_name(unit, dt.date(year, 12, 31)),
                     *(count(c) for c in cells)])
    blocks = [para(text), table("unit", ["Đơn vị", "Được đánh giá", "Đủ điều kiện", *CLASSES],
                                body, ["Tổng cộng", *(count(t) for t in totals)])]
    series = [f"Năm {year}"]
    old = _year_classes(report.previous) if report.previous is not None else None
    if old is not None:
        series.append(f"Năm {year - 1}")
    blocks.append(chart("Kết quả xếp loại điển hình", series,
                        [(c, [classes.get((c,), 0), *([old.get((c,), 0)] if old else [])])
                         for c in CLASSES]))
    return blocks


def council_vote_note(report: AnnualReport) -> list[dict]:
    """The sentence saying the lists hold only what the council's vote passed (issue 14);
    nothing when there was no vote."""
    vote = getattr(report, "vote", None)
    if vote is None:
        return []
    from pipeline.council.tally import statement

    return [para(statement(vote))]


def annual_proposals_section(report: AnnualReport) -> list[dict]:
    groups = [(p, proposal_rows(report, p)) for p in (BANG_KHEN, GIAY_KHEN, PRAISE)]
    total = sum(len(rows) for _, rows in groups)
    if not total:
        return [*council_vote_note(report),
                para(f"Năm {report.year}, không có điển hình đủ điều kiện đề xuất khen thưởng.")]
    lead = para(f"Từ kết quả đánh giá, Hội đồng Thi đua - Khen thưởng Sở đề xuất khen "
                f"thưởng, biểu dương {count(total)} điển hình:")
    labels = {BANG_KHEN: "Đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen",
              GIAY_KHEN: "Đề nghị Giám đốc Sở tặng Giấy khen", PRAISE: "Biểu dương"}
    header = ["STT", "Tên tập thể, cá nhân", "Chức vụ, đơn vị", "Phong trào", "Tổng điểm"]
    parts = [(f"{labels[proposal]}: {kinds_phrase(rows)}",
              [table("proposals", header,
                     [[str(i), r["ten"], r["where"], r["movement_name"],
                       score_text(r["tong_diem"])] for i, r in enumerate(rows, start=1)])])
             for proposal, rows in groups if rows]
    return [*council_vote_note(report), lead, *number_subsections(parts)]


def annual_report_context(report: AnnualReport) -> dict:
    plan, year = report.plan, report.year
    doc = letterhead(plan, report.run_date, "BÁO CÁO", "BC",
                     f"Kết quả xây dựng điển hình tiên tiến năm {year}")
    issuer = plan.issuer_on(report.run_date)
    directions = [para(f"- Các đơn vị rà soát, đăng ký điển hình năm {year + 1}; tiếp tục theo "
                       "dõi, bồi dưỡng các điển hình đã đăng ký.")]
    for review in plan.reviews.values():
        if review.last_period.year == year + 1:
            directions.append(para(f"- Chuẩn bị nội dung {review.title[:1].lower()}"
                                   f"{review.title[1:]}."))
    doc["blocks"] = [
        para(f"Thực hiện {plan.plan.name}, {proper_name(issuer.name)} báo cáo kết quả xây dựng, "
             f"đánh giá điển hình tiên tiến năm {year} như sau:"),
        *coverage_blocks(report.coverage),
        *number_sections([
            ("Kết quả thực hiện trong năm", _quarters_table(report)),
            ("Kết quả đánh giá điển hình", annual_evaluation_section(report)),
            ("Đề xuất khen thưởng", annual_proposals_section(report)),
            (f"Phương hướng, nhiệm vụ năm {year + 1}", directions),
        ]),
    ]
    doc["recipients"] = distribution(list(plan.reports.recipients))
    return doc


def _award_table(rows: list[dict], year: int, with_previous: bool) -> list[dict]:
    blocks = []
    for kind, title, name_header in (("Tập thể", "Tập thể", "Tên tập thể"),
                                     ("Cá nhân", "Cá nhân", "Họ và tên")):
        of_kind = [r for r in rows if r["loai"] == kind]
        if not of_kind:
            continue
        body = [[str(i), r["ten"], r["where"], _achievement(r, year, with_previous)]
                for i, r in enumerate(of_kind, start=1)]
        where = "Đơn vị" if kind == "Tập thể" else "Chức vụ, đơn vị"
        blocks += [heading(f"{_roman(len(blocks) // 2 + 1)}. {title.upper()}", 2),
                   table("awards", ["STT", name_header, where, "Thành tích"], body)]
    return blocks


def _achievement(row: dict, year: int, with_previous: bool) -> str:
    years = f"các năm {year - 1}, {year}" if with_previous else f"năm {year}"
    text = (f"Điển hình phong trào “{row['movement_name']}”, xếp loại Xuất sắc {years} "
            f"({score_text(row['tong_diem'])} điểm năm {year})")
    extra = _prose(row.get("thanh_tich")).rstrip(".")
    return f"{text}. {extra}." if extra else f"{text}."


def proposal_submission_context(report: AnnualReport) -> dict:
    """ToTrinh_<year>: the Tờ trình for Bằng khen, with its attached Danh sách."""
    plan, year = report.plan, report.year
    issuer = plan.issuer_on(report.run_date)
    body_name = proper_name(issuer.name)
    doc = letterhead(plan, report.run_date, "TỜ TRÌNH", "TTr",
                     f"Về việc đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho "
                     f"tập thể, cá nhân có thành tích xuất sắc trong xây dựng điển hình tiên "
                     f"tiến năm {year}")
    doc["recipient"] = f"Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh {issuer.place}"
    classes = _year_classes(report.evaluations)
    bk, gk, bd = (proposal_rows(report, p) for p in (BANG_KHEN, GIAY_KHEN, PRAISE))
    done = "; ".join(x for x in (
        f"tặng Giấy khen cho {kinds_phrase(gk)}" if gk else "",
        f"biểu dương {kinds_phrase(bd)}" if bd else "") if x)
    rule = ("hai năm liên tục xếp loại Xuất sắc" if plan.awards.bang_khen_rule == "xuat_sac"
            else "hai năm liên tục hoàn thành xuất sắc nhiệm vụ")
    blocks = [
        *(para(basis) for basis in plan.reports.proposal_bases),
        para(f"Căn cứ {plan.plan.name};"),
        para(f"Căn cứ kết quả đánh giá điển hình tiên tiến năm {year}: "
             f"{count(_size(report.evaluations))} điển "
             f"hình được đánh giá, trong đó {count(classes.get(('Xuất sắc',), 0))} điển hình xếp "
             f"loại Xuất sắc."
             + (f" {capitalize_first(issuer.signer_title.lower())} Sở đã xem xét {done}."
                if done else "")),
    ]
    if bk:
        blocks += [
            para(f"Có {kinds_phrase(bk)} đủ tiêu chuẩn tặng Giấy khen năm {year} và {rule}, "
                 "đủ điều kiện đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh."),
            para(f"{body_name} kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, tặng Bằng khen "
                 f"cho {kinds_phrase(bk)} (có danh sách kèm theo)./."),
        ]
        blocks[-1:-1] = council_vote_note(report)
        doc["appendix"] = {
            "kind": "DANH SÁCH",
            "subject": "Tập thể, cá nhân đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân "
                       "tỉnh",
            "note": appendix_note("TTr", "Tờ trình", issuer, report.run_date.year, body_name),
            "blocks": _award_table(bk, year, with_previous=True),
        }
    else:
        blocks += council_vote_note(report)
        blocks.append(para(f"Năm {year}, không có tập thể, cá nhân đủ điều kiện đề nghị tặng "
                           f"Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh ({rule}). "
                           f"{body_name} kính báo cáo Chủ tịch Ủy ban nhân dân tỉnh./."))
    doc["blocks"] = blocks
    doc["recipients"] = distribution(list(plan.reports.proposal_recipients))
    return doc


def award_decision_context(report: AnnualReport) -> dict:
    """QuyetDinh_GiayKhen_<year>: the draft Quyết định tặng Giấy khen, with its Danh sách."""
    plan, year = report.plan, report.year
    issuer = plan.issuer_on(report.run_date)
    body_name = proper_name(issuer.name)
    gk = proposal_rows(report, GIAY_KHEN)
    doc = letterhead(plan, report.run_date, "QUYẾT ĐỊNH", "QĐ",
                     f"Về việc tặng Giấy khen cho tập thể, cá nhân có thành tích xuất sắc "
                     f"trong xây dựng điển hình tiên tiến năm {year}")
    doc["authority"] = f"{issuer.signer_title.upper()} {issuer.name.upper()}"
    doc["blocks"] = [
        *({"type": "basis", "text": basis} for basis in plan.reports.decision_bases),
        {"type": "basis", "text": f"Căn cứ {plan.plan.name};"},
        {"type": "basis", "text": f"Căn cứ kết quả đánh giá điển hình tiên tiến năm {year};"},
        *({"type": "basis", "text": f"Căn cứ Biên bản họp {vote.council} ngày "
                                    f"{vn_date(vote.meeting)};"}
          for vote in [getattr(report, "vote", None)] if vote is not None),
        {"type": "basis", "text": "Theo đề nghị của Chánh Văn phòng Sở."},
        {"type": "center", "text": "QUYẾT ĐỊNH:"},
        {"type": "article", "label": "Điều 1.",
         "text": f"Tặng Giấy khen của {capitalize_first(issuer.signer_title.lower())} "
                 f"{body_name} cho {kinds_phrase(gk)} (có danh sách kèm theo) đã có thành tích "
                 f"xuất sắc trong xây dựng điển hình tiên tiến năm {year}."},
        {"type": "article", "label": "Điều 2.",
         "text": "Tập thể, cá nhân có tên tại Điều 1 được khen thưởng theo quy định của pháp "
                 "luật về thi đua, khen thưởng."},
        {"type": "article", "label": "Điều 3.",
         "text": "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Trưởng các "
                 "phòng, đơn vị thuộc Sở và tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm "
                 "thi hành Quyết định này./."},
    ]
    if not gk:
        doc["blocks"] = [*council_vote_note(report),
                         para(f"Năm {year}, không có tập thể, cá nhân được đề nghị tặng Giấy "
                              f"khen của {capitalize_first(issuer.signer_title.lower())} "
                              f"{body_name}; không cần ban hành Quyết định này.")]
    else:
        doc["appendix"] = {
            "kind": "DANH SÁCH",
            "subject": keep_together(f"Tập thể, cá nhân được tặng Giấy khen năm {year}"),
            "note": appendix_note("QĐ", "Quyết định", issuer, report.run_date.year,
                                  f"{capitalize_first(issuer.signer_title.lower())} "
                                  f"{body_name}"),
            "blocks": _award_table(gk, year, with_previous=False),
        }
    doc["recipients"] = distribution(list(plan.reports.decision_recipients))
    return doc


def write_annual_documents(report: AnnualReport, out_dir: Path) -> list[Path]:
    """BaoCao_<year>.docx/.html, ToTrinh_<year>.docx, QuyetDinh_GiayKhen_<year>.docx."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _frames_read_once():
        context = annual_report_context(report)
        submission = proposal_submission_context(report)
        decision = award_decision_context(report)
        year = report.year
        return [render_docx(context, out_dir / f"BaoCao_{year}.docx"),
                render_html(context, out_dir / f"BaoCao_{year}.html"),
                render_docx(submission, out_dir / f"ToTrinh_{year}.docx"),
                render_docx(decision, out_dir / f"QuyetDinh_GiayKhen_{year}.docx")]
