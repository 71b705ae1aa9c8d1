"""Nomination files: never superseded by the full workbook, merged one row per nomination."""

import datetime as dt
import unicodedata

from pipeline.intake.nominations import is_nomination_file, nomination_key
from tests.books import (
    ACT_HEADER,
    DEED_HEADER,
    REG_HEADER,
    book,
    cover,
    messages,
    reg_row,
    run,
    sheet,
)

DEED = "Nhặt được ví có 5 triệu đồng, trả lại cho người đánh rơi ngay trong ngày"
OTHER = "Hiến máu tình nguyện lần thứ mười, được Hội Chữ thập đỏ tỉnh ghi nhận"
THIRD = "Cứu người bị đuối nước tại sông Lô, đưa đi cấp cứu kịp thời"


def deed(name="Lê Minh Tuấn", month=4, text=DEED, tell="Có") -> list:
    return [1, name, 1990, "Nam", "Chuyên viên", month, text, "Được khen ngợi", None, tell]


def deeds(*rows):
    return sheet("Người tốt việc tốt", DEED_HEADER, list(rows))


def nomination(made: str, *rows, unit="VP", period="2025-Q2", light=False):
    """A nomination file: the standard workbook with only the good-deeds sheet filled, or the
    light one (cover and that sheet alone)."""
    empty = [] if light else [sheet("Đăng ký", REG_HEADER, []), sheet("Hoạt động", ACT_HEADER, [])]
    return book(cover(unit=unit, period=period, made=made), *empty, deeds(*rows))


def workbook(made: str, *rows, unit="VP"):
    return book(cover(unit=unit, made=made), sheet("Đăng ký", REG_HEADER, [reg_row()]),
                deeds(*rows), sheet("Hoạt động", ACT_HEADER, [
                    [1, "10/05/2025", "Tuyên truyền", "Phổ biến gương điển hình", 20, None]]))


def listed(result) -> list[tuple]:
    d = result.intake.good_deeds
    return list(zip(d["ma_don_vi"], d["thang"], d["ho_ten"], d["nguon"], strict=True))


def counts(result) -> dict:
    return {o.file.name: o.counts.get("nguoi_tot") for o in result.outcomes}


def test_a_nomination_file_is_a_file_with_only_good_deeds():
    assert is_nomination_file({"nguoi_tot": [2, 0, 0, 0, 0], "dang_ky": [0, 0, 0, 0, 0]})
    assert is_nomination_file({"nguoi_tot": [1, 0, 0, 0, 0]})
    assert not is_nomination_file({"nguoi_tot": [2, 0, 0, 0, 0], "hoat_dong": [1, 0, 0, 0, 0]})
    assert not is_nomination_file({"nguoi_tot": [0, 0, 0, 0, 0]})


def test_the_full_workbook_never_supersedes_an_early_nomination_file():
    result = run(("vp-thang4.xlsx", nomination("03/05/2025", deed(name="Trần Văn Bình"))),
                 ("vp-quy2.xlsx", workbook("05/07/2025", deed(month=6, text=OTHER))))
    assert listed(result) == [  # a unit's files oldest first
        ("VP", 4, "Trần Văn Bình", "vp-thang4.xlsx!Người tốt việc tốt!2"),
        ("VP", 6, "Lê Minh Tuấn", "vp-quy2.xlsx!Người tốt việc tốt!2")]
    assert {o.file.name: o.status for o in result.outcomes} == {
        "vp-thang4.xlsx": "Được tiếp nhận", "vp-quy2.xlsx": "Được tiếp nhận"}
    assert messages(result, "F07") == []
    # the nomination file is not the quarter's report; the workbook is
    status = result.intake.submissions.set_index("ma_don_vi").loc["VP"]
    assert (status["trang_thai"], status["tep"]) == ("Đúng hạn", "vp-quy2.xlsx")
    # no "missing sheet" notices for what a nomination file leaves out
    assert [m for m in messages(result, "S01") if "thang4" in m[2]] == []


def test_repeats_in_nfd_extra_spaces_and_another_case_are_one_nomination():
    nfd = unicodedata.normalize("NFD", "LÊ  MINH   tuấn ")
    shouty = "  " + DEED.upper().replace(" ", "   ") + " "
    result = run(("a.xlsx", nomination("03/05/2025", deed(), deed(name="Phạm Thu Hà",
                                                                  text=OTHER))),
                 ("b.xlsx", workbook("05/07/2025", deed(name=nfd, text=shouty),
                                     deed(name="Phạm Thu Hà", text=OTHER, month=5))))
    assert listed(result) == [
        ("VP", 4, "Lê Minh Tuấn", "a.xlsx!Người tốt việc tốt!2"),
        ("VP", 4, "Phạm Thu Hà", "a.xlsx!Người tốt việc tốt!3"),
        ("VP", 5, "Phạm Thu Hà", "b.xlsx!Người tốt việc tốt!3")]  # another month: another one
    assert list(result.intake.good_deeds["trung"]) == [("b.xlsx!Người tốt việc tốt!2",), (), ()]
    assert counts(result) == {"a.xlsx": [2, 2, 0, 0, 0], "b.xlsx": [2, 1, 0, 0, 1]}
    assert nomination_key("VP", 4, nfd, shouty) == nomination_key("VP", 4, "Lê Minh Tuấn", DEED)


def test_a_repeat_within_one_file_is_merged_too():
    result = run(("a.xlsx", nomination("03/05/2025", deed(), deed(name="lê minh tuấn"))))
    assert len(result.intake.good_deeds) == 1
    # case, not diacritics: "Le Minh Tuan" is another name as far as a list goes
    assert nomination_key("VP", 4, "Le Minh Tuan", DEED) != nomination_key(
        "VP", 4, "Lê Minh Tuấn", DEED)
    assert counts(result) == {"a.xlsx": [2, 1, 0, 0, 1]}


def test_a_nomination_file_resent_for_the_same_month_supersedes_it():
    first = nomination("03/05/2025", deed(), deed(name="Đỗ Văn Nam", month=5, text=THIRD))
    again = nomination("06/05/2025", deed(name="Lê Minh Tuấn (sửa)"), light=True)
    result = run(("lan1.xlsx", first), ("lan2.xlsx", again))
    assert listed(result) == [("VP", 5, "Đỗ Văn Nam", "lan1.xlsx!Người tốt việc tốt!3"),
                              ("VP", 4, "Lê Minh Tuấn (sửa)", "lan2.xlsx!Người tốt việc tốt!2")]
    assert [m for _, _, m in messages(result, "F11")] == [
        "Đề cử tháng 4 của tệp này được thay thế bởi tệp 'lan2.xlsx' (Ngày lập 06/05/2025) của "
        "cùng đơn vị; 1 dòng của các tháng đó không được dùng, các tháng khác vẫn được dùng."]
    assert counts(result) == {"lan1.xlsx": [2, 1, 0, 1, 0], "lan2.xlsx": [1, 1, 0, 0, 0]}


def test_a_nomination_file_resent_whole_is_superseded_as_a_file():
    result = run(("lan1.xlsx", nomination("03/05/2025", deed())),
                 ("lan2.xlsx", nomination("06/05/2025", deed(text=OTHER))))
    assert [m for _, _, m in messages(result, "F07")] == [
        "Tệp được thay thế bởi tệp 'lan2.xlsx' (Ngày lập 06/05/2025) của cùng đơn vị, gửi lại đề "
        "cử tháng 4; 1 dòng dữ liệu của tệp này không được dùng."]
    assert {o.file.name: o.status for o in result.outcomes}["lan1.xlsx"] == "Bị thay thế"
    assert list(result.intake.good_deeds["noi_dung"]) == [OTHER]
    assert counts(result) == {"lan1.xlsx": [1, 0, 0, 1, 0], "lan2.xlsx": [1, 1, 0, 0, 0]}


def test_a_month_outside_the_quarter_is_an_error_at_its_cell():
    result = run(("a.xlsx", nomination("03/05/2025", deed(month=7), deed(month=5))))
    assert messages(result, "C13") == [
        ("Người tốt việc tốt", "F2", "Ô F2: tháng 7 không thuộc quý II năm 2025. Vui lòng ghi "
                                     "một trong các tháng 4, 5, 6.")]
    assert list(result.intake.good_deeds["thang"]) == [5]
    assert counts(result) == {"a.xlsx": [2, 1, 1, 0, 0]}


def test_a_nomination_file_naming_another_quarter_is_rejected_as_a_file():
    result = run(("a.xlsx", nomination("03/08/2025", deed(month=7), period="2025-Q3")))
    assert [code for _, _, code in messages(result, "B05")] != []
    assert result.intake.good_deeds.empty
    assert counts(result) == {"a.xlsx": [1, 0, 1, 0, 0]}


def test_a_unit_that_sent_only_nominations_has_not_sent_its_report():
    result = run(("a.xlsx", nomination("03/05/2025", deed())))
    status = result.intake.submissions.set_index("ma_don_vi")["trang_thai"]
    assert status["VP"] == "Chưa nộp"
    assert len(result.intake.good_deeds) == 1


def test_the_received_date_is_the_file_s():
    result = run(("a.xlsx", nomination("03/05/2025", deed())),
                 submitted=dt.datetime(2025, 5, 4, 9, 0))
    assert list(result.intake.good_deeds["ngay_nhan"]) == [dt.date(2025, 5, 4)]
