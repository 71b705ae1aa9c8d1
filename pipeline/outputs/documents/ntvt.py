"""`NguoiTotViecTot_<period>.docx`: the letter to Ban Thi đua - Khen thưởng tỉnh introducing
the period's good people, good deeds and Xuất sắc exemplars; `NguoiTotViecTot_<month>.docx`:
the month's good people, good deeds proposed for publicity, by unit (`ntvt MONTH`).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.model import (
    INTRODUCE,
    MonthReport,
    PeriodReport,
)
from pipeline.outputs.documents.blocks import (
    _deed_rows,
    _frames_read_once,
    _prose,
    _text,
    _unit_name,
    capitalize_first,
    count,
    distribution,
    heading,
    letterhead,
    number_sections,
    outstanding_rows,
    para,
    proper_name,
    score_text,
    table,
)
from pipeline.outputs.documents.render import render_docx


def deeds_list_context(report: PeriodReport) -> dict:
    """NguoiTotViecTot_<period>: good people / good deeds by month and Xuất sắc exemplars."""
    plan, period = report.plan, report.period
    doc = letterhead(plan, report.run_date, "DANH SÁCH",
                     "DS", f"Giới thiệu gương người tốt, việc tốt và điển hình tiên tiến "
                           f"xuất sắc {period.label}")
    doc["recipient"] = f"Kính gửi: {plan.reports.upward}"
    deeds = _deed_rows(plan, report.intake.good_deeds, proposed_only=True)
    excellent = outstanding_rows(plan, report.scores, report.intake.registrations, INTRODUCE)
    deed_blocks = []
    for month in period.months:
        of_month = [d for d in deeds if int(d["thang"]) == month]
        if not of_month:
            continue
        body = [[str(i), _text(d["ho_ten"]),
                 ", ".join(x for x in (_text(d.get("chuc_vu")),
                                       _unit_name(plan, d.get("ma_don_vi"))) if x),
                 _prose(d["noi_dung"]),
                 "; ".join(x for x in (_prose(d.get("ket_qua")), _prose(d.get("hinh_thuc_khen")))
                           if x)]
                for i, d in enumerate(of_month, start=1)]
        deed_blocks += [heading(f"Tháng {month} năm {period.year}", 2),
                        table("deeds", ["STT", "Họ và tên", "Chức vụ, đơn vị",
                                        "Nội dung việc tốt", "Kết quả, hình thức đã khen"],
                              body)]
    exemplar_body = [[str(i), r["ten"], r["where"], r["movement_name"],
                      score_text(r["tong_diem"]), _prose(r.get("thanh_tich"))]
                     for i, r in enumerate(excellent, start=1)]
    doc["blocks"] = [
        para(f"{proper_name(plan.issuer_on(report.run_date).name)} giới thiệu "
             f"{count(len(deeds))} gương người tốt, việc tốt và {count(len(excellent))} điển "
             f"hình tiên tiến xếp loại Xuất sắc {period.label} để {plan.reports.upward} xem xét, "
             "tuyên truyền, nhân rộng."),
        *number_sections([
            ("Gương người tốt, việc tốt", deed_blocks or [
                para(f"Trong {period.label}, không có gương người tốt, việc tốt được đề nghị "
                     "tuyên truyền.")]),
            ("Điển hình tiên tiến xếp loại Xuất sắc", [table(
                "exemplars", ["STT", "Tên điển hình", "Chức vụ, đơn vị", "Phong trào",
                              "Tổng điểm", "Thành tích nổi bật"], exemplar_body)]
             if exemplar_body else [para(f"Trong {period.label}, không có điển hình xếp loại "
                                         "Xuất sắc đủ điều kiện giới thiệu.")]),
        ]),
    ]
    doc["recipients"] = distribution(list(plan.reports.good_deeds_recipients))
    return doc


def month_deeds_context(report: MonthReport) -> dict:
    """NguoiTotViecTot_<month>: the month's nominations proposed for publicity, by unit in the
    plan's order, each with what the person did and its result."""
    plan, month = report.plan, report.month
    doc = letterhead(plan, report.run_date, "DANH SÁCH", "DS",
                     f"Giới thiệu gương người tốt, việc tốt {month.label}")
    doc["recipient"] = f"Kính gửi: {plan.reports.upward}"
    deeds = _deed_rows(plan, report.deeds, proposed_only=True)
    by_unit: dict[str, list[dict]] = {}
    for d in deeds:
        by_unit.setdefault(_text(d.get("ma_don_vi")), []).append(d)
    units = sorted(by_unit, key=plan.unit_order)
    blocks = []
    for i, code in enumerate(units, start=1):
        body = [[str(k), _text(d["ho_ten"]), _text(d.get("chuc_vu")),
                 capitalize_first(_prose(d["noi_dung"])),
                 "; ".join(x for x in (_prose(d.get("ket_qua")),
                                       _prose(d.get("hinh_thuc_khen"))) if x)]
                for k, d in enumerate(by_unit[code], start=1)]
        blocks += [heading(f"{i}. {_unit_name(plan, code)}", 2),
                   table("deeds", ["STT", "Họ và tên", "Chức vụ", "Nội dung việc tốt",
                                   "Kết quả, tác dụng; hình thức đã khen"], body)]
    issuer = proper_name(plan.issuer_on(report.run_date).name)
    if deeds:
        opening = (f"Thực hiện {plan.plan.name}, {issuer} giới thiệu {count(len(deeds))} gương "
                   f"người tốt, việc tốt {month.label} của {count(len(units))} cơ quan, đơn vị "
                   f"để {plan.reports.upward} xem xét, lựa chọn đăng tải và tuyên truyền trên "
                   "các phương tiện truyền thông của tỉnh, cụ thể như sau:")
    else:
        opening = (f"Thực hiện {plan.plan.name}, {issuer} báo cáo: trong {month.label}, các cơ "
                   "quan, đơn vị chưa có gương người tốt, việc tốt được đề nghị tuyên truyền.")
    doc["blocks"] = [para(opening), *blocks]
    doc["recipients"] = distribution(list(plan.reports.good_deeds_recipients))
    return doc


def write_month_documents(report: MonthReport, out_dir: Path) -> list[Path]:
    """NguoiTotViecTot_<month>.docx."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _frames_read_once():
        context = month_deeds_context(report)
        return [render_docx(context, out_dir / f"NguoiTotViecTot_{report.month}.docx")]
