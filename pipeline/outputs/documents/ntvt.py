"""`NguoiTotViecTot_<period>.docx`: the letter to Ban Thi đua - Khen thưởng tỉnh introducing
the period's good people, good deeds and Xuất sắc exemplars.
"""

from __future__ import annotations

from pipeline.model import (
    INTRODUCE,
    PeriodReport,
)
from pipeline.outputs.documents.blocks import (
    _deed_rows,
    _prose,
    _text,
    _unit_name,
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
