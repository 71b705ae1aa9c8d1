"""The mid-term and final review reports (sơ kết / tổng kết) over the plan's windows.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.model import (
    BANG_KHEN,
    GIAY_KHEN,
    PERIOD_EXEMPLAR,
    PRAISE,
    ReviewReport,
)
from pipeline.outputs.documents.blocks import (
    CLASSES,
    _by_plan_order,
    _dated_unit_name,
    _frames_read_once,
    _movement_name,
    _records,
    _size,
    _tally,
    _text,
    _texts,
    _unit_name,
    chart,
    count,
    coverage_blocks,
    distribution,
    letterhead,
    number_sections,
    para,
    proper_name,
    table,
)
from pipeline.outputs.documents.render import (
    render_docx,
    render_html,
)


# ---- the mid-term and final reviews ----------------------------------------------------------
def _sum(rows: list[dict], key: str) -> int:
    return sum(int(r.get(key) or 0) for r in rows)


def year_label(report: ReviewReport, year: int) -> str:
    """'năm 2024', or 'đến hết quý I năm 2025' for a last year the review covers in part."""
    if year == report.last.year and report.last.quarter < 4:
        return f"đến hết {report.last.label}"
    return f"năm {year}"


def review_years_section(report: ReviewReport) -> list[dict]:
    counts = _records(report.counts)
    if not counts:
        return [para("Trong giai đoạn, chưa có số liệu điển hình.")]
    years = sorted({int(r["nam"]) for r in counts})
    keys = ("dang_ky_moi", "dang_theo_doi", "da_cham", "xuat_sac", "tot", "dat", "chua_dat")
    body = [[str(y), *(count(_sum([r for r in counts if int(r["nam"]) == y], k)) for k in keys)]
            for y in years]
    last = [r for r in counts if int(r["nam"]) == years[-1]]
    text = (f"Từ {report.first.label} đến {report.last.label}, các đơn vị đăng ký mới "
            f"{count(_sum(counts, 'dang_ky_moi'))} điển hình; {year_label(report, years[-1])} "
            f"có {count(_sum(last, 'dang_theo_doi'))} điển hình đang được theo dõi, xây dựng")
    if "ca_nhan_nam" in report.counts.columns:
        text += (f" (cá nhân: {count(_sum(last, 'ca_nhan_nam'))} nam, "
                 f"{count(_sum(last, 'ca_nhan_nu'))} nữ)")
    header = ["Năm", "Đăng ký mới", "Đang theo dõi", "Được chấm", *CLASSES]
    note = ([para(f"Số liệu năm {years[-1]} tính {year_label(report, years[-1])}.")]
            if year_label(report, years[-1]) != f"năm {years[-1]}" else [])
    return [para(text + "."), table("years", header, body), *note,
            chart("Điển hình đang theo dõi theo năm", ["Đang theo dõi", "Xếp loại Xuất sắc"],
                  [(str(y), [_sum([r for r in counts if int(r["nam"]) == y], k)
                             for k in ("dang_theo_doi", "xuat_sac")]) for y in years])]


def _group_table(report: ReviewReport, key: str, first_header: str,
                 names: list[tuple[str, str]]) -> list[dict]:
    counts = _records(report.counts)
    if not counts:
        return []
    year = max(int(r["nam"]) for r in counts)
    last = [r for r in counts if int(r["nam"]) == year]
    keys = ("dang_theo_doi", "da_cham", "xuat_sac", "tot", "dat", "chua_dat")
    body, totals = [], [0] * 6
    for code, name in names:
        rows = [r for r in last if _text(r.get(key)) == code]
        if not rows:
            continue
        cells = [_sum(rows, k) for k in keys]
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
        unit = report.plan.unit(code) if key == "ma_don_vi" else None
        body.append([_dated_unit_name(unit, report.last.last_day) if unit else name,
                     *(count(c) for c in cells)])
    header = [first_header, "Đang theo dõi", "Được chấm", *CLASSES]
    return [para(f"Số liệu {year_label(report, year)}:"),
            table("unit", header, body, ["Tổng cộng", *(count(t) for t in totals)])]


def review_deeds_section(report: ReviewReport) -> list[dict]:
    deeds = _records(report.deeds)
    if not deeds:
        return []
    years = sorted({int(r["nam"]) for r in deeds})
    body = [[str(y), *(count(_sum([r for r in deeds if int(r["nam"]) == y], k))
                       for k in ("so_viec_tot", "so_hoat_dong")),
             ] for y in years]
    total = ["Tổng cộng", count(_sum(deeds, "so_viec_tot")), count(_sum(deeds, "so_hoat_dong"))]
    return [para(f"Trong giai đoạn, các đơn vị báo cáo {total[1]} gương người tốt, việc tốt "
                 f"({count(_sum(deeds, 'so_de_nghi_tuyen_truyen'))} gương được đề nghị tuyên "
                 f"truyền) và tổ chức {total[2]} hoạt động tuyên truyền, nhân rộng điển hình với "
                 f"{count(_sum(deeds, 'so_nguoi_tham_gia'))} lượt người tham gia."),
            table("year_deeds", ["Năm", "Người tốt, việc tốt", "Hoạt động"], body, total)]


def review_annual_section(report: ReviewReport) -> list[dict]:
    blocks = []
    for year in sorted(report.annual):
        evaluations = report.annual[year]
        proposals = _tally(evaluations, "de_xuat")
        awarded = [f"{words} {count(proposals[(p,)])}" for p, words in (
            (BANG_KHEN, "đề nghị tặng Bằng khen"), (GIAY_KHEN, "tặng Giấy khen"),
            (PRAISE, "biểu dương")) if proposals.get((p,))]
        blocks.append(para(
            f"- Năm {year}: đánh giá {count(_size(evaluations))} điển hình, "
            f"{count(int((_texts(evaluations, 'xep_loai') == 'Xuất sắc').sum()))} xếp loại "
            "Xuất sắc; " + (f"{', '.join(awarded)} điển hình." if awarded
                            else "không có điển hình được đề xuất khen thưởng.")))
    return blocks


def review_honourees_section(report: ReviewReport) -> list[dict]:
    plan = report.plan
    review = plan.reviews[report.kind]
    rows = [r for r in _by_plan_order(plan, _records(report.honourees), "ma_dien_hinh")
            if _text(r.get("de_xuat")) in ("", PERIOD_EXEMPLAR)]
    if not rows:
        return [para(f"Không có điển hình xếp loại Xuất sắc từ "
                     f"{count(review.min_excellent_years)} năm trở lên trong giai đoạn.")]
    body = [[str(i), _text(r["ten"]), _unit_name(plan, r["ma_don_vi"]),
             _movement_name(plan, r.get("phong_trao")), count(int(r["so_nam_xuat_sac"])),
             _text(r.get("nam_xuat_sac"))] for i, r in enumerate(rows, start=1)]
    header = ["STT", "Tên điển hình", "Đơn vị", "Phong trào", "Số năm Xuất sắc", "Các năm"]
    return [para(f"Có {count(len(rows))} điển hình xếp loại Xuất sắc từ "
                 f"{count(review.min_excellent_years)} năm trở lên, đề xuất tôn vinh là điển "
                 "hình tiêu biểu của giai đoạn:"), table("honourees", header, body)]


def review_report_context(report: ReviewReport) -> dict:
    plan = report.plan
    issuer = plan.issuer_on(report.run_date)
    doc = letterhead(plan, report.run_date, "BÁO CÁO", "BC", report.title)
    movements = [(m.code, m.short) for m in plan.movements]
    units = [(u.code, u.name) for u in plan.units]
    if report.kind == "tong-ket":
        directions = [para("- Tổ chức tôn vinh các điển hình tiêu biểu của giai đoạn; xây dựng "
                           "kế hoạch xây dựng điển hình tiên tiến giai đoạn tiếp theo.")]
    else:
        directions = [para(f"- Các đơn vị tiếp tục theo dõi, bồi dưỡng điển hình đến hết năm "
                           f"{plan.plan.last_year}; quan tâm hỗ trợ các điển hình xếp loại "
                           "Chưa đạt, kịp thời phát hiện, đăng ký điển hình mới.")]
    doc["blocks"] = [
        para(f"Thực hiện {plan.plan.name}, {proper_name(issuer.name)} báo cáo kết quả từ "
             f"{report.first.label} đến {report.last.label} như sau:"),
        *coverage_blocks(report.coverage),
        *number_sections([
            ("Kết quả xây dựng điển hình qua các năm", review_years_section(report)),
            ("Kết quả theo phong trào thi đua",
             _group_table(report, "phong_trao", "Phong trào", movements)),
            ("Kết quả theo đơn vị", _group_table(report, "ma_don_vi", "Đơn vị", units)),
            ("Gương người tốt, việc tốt và hoạt động nhân rộng", review_deeds_section(report)),
            ("Kết quả đánh giá hằng năm", review_annual_section(report)),
            ("Điển hình tiêu biểu của giai đoạn", review_honourees_section(report)),
            ("Phương hướng, nhiệm vụ", directions),
        ]),
    ]
    doc["recipients"] = distribution(list(plan.reports.recipients))
    return doc


def write_review_documents(report: ReviewReport, out_dir: Path) -> list[Path]:
    """BaoCao_<so-ket|tong-ket>-<first year>-<last year>.docx and .html."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _frames_read_once():
        context = review_report_context(report)
        name = f"BaoCao_{report.kind}-{report.first.year}-{report.last.year}"
        return [render_docx(context, out_dir / f"{name}.docx"),
                render_html(context, out_dir / f"{name}.html")]
