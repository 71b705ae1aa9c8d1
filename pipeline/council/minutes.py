"""`BienBan_HoiDong_<year>.docx`: the minutes of the council's vote, in the Decree-30 layout.

In: the plan and a `tally.Vote` (with the ballots' intake when there was one). Out: the
document context (a plain dict, the same shape `pipeline.outputs.documents` fills its
templates with: letterhead, title, blocks) and the .docx, filled from
`templates/bien_ban.docx` by the same docxtpl machinery as the other documents. Time and
place, the members present (those whose ballot is counted), the rules, the table of results,
the conclusion, the signatures of the Thư ký and the Chủ tịch. Names, roles, thresholds and
the council's name come from the plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.config import Plan
from pipeline.council.members import SHORT, role_label, share_text, with_role
from pipeline.council.minutes_template import LAYOUTS, MINUTES_TEMPLATE
from pipeline.council.tally import NO_QUORUM, PASSED, Vote
from pipeline.model import ANNUAL_PROPOSALS, BANG_KHEN, GIAY_KHEN, PRAISE
from pipeline.outputs.documents.blocks import (
    count,
    distribution,
    heading,
    kinds_phrase,
    letterhead,
    para,
    proper_name,
)
from pipeline.outputs.documents.render import _Template, build_environment, fix_core_properties
from pipeline.text import vn_number

DOTS = "……"  # what the clerk fills in by hand (the hour the meeting opened and closed)
LONG = {BANG_KHEN: "Đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen",
        GIAY_KHEN: "Đề nghị Giám đốc Sở tặng Giấy khen", PRAISE: "Biểu dương"}


def _table(layout: str, header: list[str], rows: list[list[str]]) -> dict:
    width = len(LAYOUTS[layout])
    for row in [header, *rows]:
        if len(row) != width:
            raise ValueError(f"table {layout}: {len(row)} cells, layout has {width}")
    return {"type": "table", "layout": layout, "header": header, "rows": rows}


def _unit(plan: Plan, code: str) -> str:
    unit = plan.unit(code)
    return unit.name if unit else code


def _ratio(value) -> str:
    return "" if value is None else vn_number(value, 2) if value else "0"


def minutes_context(plan: Plan, vote: Vote) -> dict:
    year, day = vote.year, vote.meeting
    doc = letterhead(plan, day, "BIÊN BẢN", "BB",
                     f"Họp {vote.council} xét đề nghị khen thưởng điển hình tiên tiến năm {year}")
    chair, secretary = with_role(plan, day, "Chủ tịch"), with_role(plan, day, "Thư ký")
    present = [m for m in vote.members if m.code in vote.present]
    absent = [m for m in vote.members if m.code not in vote.present]
    blocks = [
        para(f"Thời gian: {DOTS} giờ {DOTS} phút, ngày {day.day:02d} tháng {day.month:02d} năm "
             f"{day.year}."),
        para(f"Địa điểm: {plan.council.place or DOTS}."),
        para(f"Thành phần: các thành viên {vote.council} gửi phiếu biểu quyết "
             f"({count(len(present))}/{count(len(vote.members))} thành viên):"),
        _table("members", ["STT", "Họ và tên", "Chức vụ", "Chức danh trong Hội đồng"],
               [[str(i), m.name, m.title, role_label(m)] for i, m in enumerate(present, 1)]),
    ]
    if absent:
        blocks.append(para("Thành viên không gửi phiếu: " + "; ".join(
            f"{m.name} ({role_label(m)})" for m in absent) + "."))
    blocks.append(para(
        f"Chủ trì: {_who(chair)}. Thư ký: {_who(secretary)}."))
    blocks += [heading("I. NỘI DUNG", 1), *_content(plan, vote)]
    blocks += [heading("II. KẾT QUẢ BIỂU QUYẾT", 1), *_results(plan, vote)]
    blocks += [heading("III. KẾT LUẬN", 1), *_conclusion(plan, vote)]
    blocks.append(para(f"Cuộc họp kết thúc hồi {DOTS} giờ {DOTS} phút cùng ngày. Biên bản đã "
                       "được thông qua trước các thành viên dự họp./."))
    doc["blocks"] = blocks
    doc["chair"] = {"title": f"{(chair.role if chair else 'Chủ tịch').upper()} HỘI ĐỒNG",
                    "name": chair.name if chair else ""}
    doc["secretary"] = {"title": (secretary.role if secretary else "Thư ký").upper(),
                        "name": secretary.name if secretary else ""}
    doc["recipients"] = distribution(["Lãnh đạo Sở", f"Thành viên {vote.council}"])
    return doc


def _who(member) -> str:
    if member is None:
        return DOTS
    return f"{member.name}, {member.title}" if member.title else member.name


def _content(plan: Plan, vote: Vote) -> list[dict]:
    table = vote.table
    kinds = [(k, int((table["de_xuat"] == k).sum())) for k in ANNUAL_PROPOSALS]
    listed = ", ".join(f"{SHORT[k]}: {count(n)}" for k, n in kinds if n)
    blocks = [para(f"Hội đồng xem xét {count(len(table))} đề xuất khen thưởng điển hình tiên "
                   f"tiến năm {vote.year}" + (f" ({listed})" if listed else "")
                   + " tổng hợp từ kết quả đánh giá năm; mỗi thành viên biểu quyết bằng phiếu "
                   "bầu đối với từng đề xuất.")]
    rules = "; ".join(f"{SHORT[k]}: {vote.rules[k].text}" for k, n in kinds
                      if n and k in vote.rules)
    blocks.append(para(
        f"Đề xuất được thông qua khi số phiếu đồng ý so với tổng số thành viên Hội đồng đạt "
        f"tỷ lệ: {rules or 'theo quy định'}. Kết quả biểu quyết có giá trị khi số thành viên "
        f"gửi phiếu đạt từ {share_text(vote.quorum)} tổng số thành viên trở lên."))
    if vote.recuse:
        blocks.append(para("Thành viên không biểu quyết đối với điển hình thuộc đơn vị mình "
                           "công tác và không được tính vào tổng số thành viên của đề xuất đó."))
    text = (f"Tổng số thành viên Hội đồng: {count(len(vote.members))}; số thành viên gửi phiếu "
            f"hợp lệ: {count(len(vote.present))}")
    intake = vote.intake
    if intake is not None:
        statuses = [b.status for b in intake.ballots]
        refused, replaced = statuses.count("Bị từ chối"), statuses.count("Bị thay thế")
        if refused:
            text += f"; {count(refused)} phiếu không hợp lệ, không được tính"
        if replaced:
            text += f"; {count(replaced)} phiếu được thay thế bởi phiếu gửi lại sau"
    met = "đạt" if vote.quorum_met else "chưa đạt"
    blocks.append(para(f"{text}. Số phiếu {met} tỷ lệ tối thiểu {share_text(vote.quorum)}."))
    return blocks


def _results(plan: Plan, vote: Vote) -> list[dict]:
    header = ["STT", "Tập thể, cá nhân", "Đề xuất", "Đồng ý", "Không đồng ý", "Không bỏ phiếu",
              "Chưa gửi phiếu", "Tỷ lệ đồng ý", "Kết quả"]
    rows = []
    for i, r in enumerate(vote.table.to_dict("records"), start=1):
        result = r["ket_qua"]
        if r["de_xuat_thong_qua"] and r["de_xuat_thong_qua"] != r["de_xuat"]:
            result = f"{result}, chuyển {SHORT[r['de_xuat_thong_qua']]}"
        rows.append([str(i), f"{r['ten']} ({_unit(plan, r['ma_don_vi'])})",
                     SHORT.get(r["de_xuat"], r["de_xuat"]), count(r["dong_y"]),
                     count(r["khong_dong_y"]), count(r["khong_bo_phieu"]), count(r["chua_gui"]),
                     _ratio(r["ty_le"]), result])
    note = ("Tỷ lệ đồng ý: số phiếu đồng ý chia cho số thành viên Hội đồng được biểu quyết về "
            "đề xuất, làm tròn hai chữ số thập phân; việc so sánh với tỷ lệ thông qua dùng giá "
            "trị chính xác.")
    return [_table("votes", header, rows), para(note)]


def _names(plan: Plan, rows: list[dict]) -> str:
    return "; ".join(f"{r['ten']} ({_unit(plan, r['ma_don_vi'])})" for r in rows)


def _conclusion(plan: Plan, vote: Vote) -> list[dict]:
    rows = vote.table.to_dict("records")
    if not vote.quorum_met:
        return [para(f"Số thành viên gửi phiếu ({count(len(vote.present))}/"
                     f"{count(len(vote.members))}) chưa đạt tỷ lệ tối thiểu "
                     f"{share_text(vote.quorum)} nên kết quả biểu quyết chưa có giá trị "
                     f"({NO_QUORUM}); đề nghị tổ chức biểu quyết lại.")]
    blocks = [para(f"{vote.council} thống nhất:")]
    for kind in ANNUAL_PROPOSALS:
        chosen = [r for r in rows if r["de_xuat_thong_qua"] == kind]
        if chosen:
            blocks.append(para(f"- {LONG[kind]} cho {kinds_phrase(chosen)}: "
                               f"{_names(plan, chosen)}."))
    moved = [r for r in rows if r["de_xuat_thong_qua"] == GIAY_KHEN and r["de_xuat"] == BANG_KHEN]
    if moved:
        blocks.append(para(
            f"Trong đó, {kinds_phrase(moved)} được đề xuất Bằng khen không đạt tỷ lệ "
            f"{vote.rules[BANG_KHEN].text} nhưng đạt tỷ lệ thông qua Giấy khen "
            f"({vote.rules[GIAY_KHEN].text}) nên chuyển thành đề nghị Giám đốc Sở tặng Giấy "
            f"khen theo kế hoạch: {_names(plan, moved)}."))
    kept = [r for r in rows if r["ghi_chu"] and not r["de_xuat_thong_qua"]
            and r["de_xuat"] == BANG_KHEN]
    if kept:
        blocks.append(para(f"{capital(kinds_phrase(kept))} được đề xuất Bằng khen đạt tỷ lệ "
                           "thông qua Giấy khen nhưng theo kế hoạch không chuyển thành đề nghị "
                           f"Giấy khen: {_names(plan, kept)}."))
    failed = [r for r in rows if r["ket_qua"] != PASSED and not r["de_xuat_thong_qua"]]
    if failed:
        blocks.append(para(f"- Không thông qua đề xuất đối với {kinds_phrase(failed)}: "
                           f"{_names(plan, failed)}."))
    if len(blocks) == 1:
        blocks.append(para("- Không có đề xuất nào được thông qua."))
    blocks.append(para("Giao Văn phòng Sở hoàn thiện hồ sơ, trình cấp có thẩm quyền xem xét, "
                       "khen thưởng theo quy định."))
    return blocks


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def render_minutes(context: dict, path: Path) -> Path:
    """The minutes .docx, byte-deterministic (dated by the meeting date)."""
    day = dt.date.fromisoformat(context["run_date"])
    tpl = _Template(MINUTES_TEMPLATE)
    tpl.render({"doc": context}, build_environment())
    fix_core_properties(tpl.docx.core_properties, f"{context['kind']} - {context['subject']}",
                        proper_name(context["issuer"]["name"]), day)
    path.write_bytes(tpl.saved(day))
    tpl.release()
    return path


def write_minutes(plan: Plan, vote: Vote, out_dir: Path) -> Path:
    path = out_dir / f"BienBan_HoiDong_{vote.year}.docx"
    return render_minutes(minutes_context(plan, vote), path)
