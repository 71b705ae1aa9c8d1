"""Intake: every tolerance rule and every error kind, with the exact Vietnamese message."""

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest

from pipeline.intake.rules import Registry
from pipeline.periods import Period
from tests.books import (
    ACT_HEADER,
    CONTENT,
    DEED_HEADER,
    FULL_NVCT,
    FULL_VHCS,
    REG_HEADER,
    SCORE_HEADER,
    book,
    cover,
    messages,
    reg_row,
    run,
    score_row,
    sheet,
)


def one(*sheets, name="VP_Q2.xlsx", **kw):
    return run((name, book(cover(), *sheets)), **kw)


def registered(*rows):
    return sheet("Đăng ký", REG_HEADER, list(rows))


def scored(*rows):
    return sheet("Chấm điểm", SCORE_HEADER, list(rows))


# --- tolerance ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Đăng ký", "DANG KY", "đăng  ký", "Dang_ky", " ĐĂNG KÝ "])
def test_sheet_names_match_ignoring_case_marks_spaces_punctuation(name):
    result = one(sheet(name, REG_HEADER, [reg_row()]))
    assert list(result.intake.registrations["ma_dien_hinh"]) == ["VP-01"]


def test_header_below_title_rows_with_shuffled_columns_and_an_extra_column():
    header = [*list(reversed(REG_HEADER)), "Ghi chú riêng"]
    row = [*list(reversed(reg_row())), "x"]
    result = one(sheet("Đăng ký", header, [row], title_rows=3))
    assert list(result.intake.registrations["ten"]) == ["Nguyễn Thị Hoà"]
    assert messages(result, "S03") == [
        ("Đăng ký", "O4", "Ô O4: cột 'Ghi chú riêng' không có trong mẫu, được bỏ qua.")]


def test_headers_match_ignoring_case_diacritics_and_line_breaks():
    header = [h.upper() for h in REG_HEADER]
    header[10] = "NOI DUNG MO HINH,\nTHANH TICH"
    result = one(sheet("Đăng ký", header, [reg_row()]))
    assert len(result.intake.registrations) == 1


def test_two_row_header_with_group_title_merged_over_the_criteria():
    top = ["STT", "Mã điển hình", "Tên điển hình", "Tiêu chí chung", None, None, None, None,
           "Tiêu chí cụ thể"] + [None] * (len(SCORE_HEADER) - 9)
    bottom = [None, None, None, "G1. Thành tích", "G2", "G3", "G4", "G5", *SCORE_HEADER[8:]]
    bottom = [None if h in ("Số sáng kiến",) else h for h in bottom]
    top = [h if h is not None else None for h in top]
    top[SCORE_HEADER.index("Số sáng kiến")] = "Số sáng kiến"
    raw = sheet("Chấm điểm", top, [bottom, score_row(scores=FULL_NVCT)])
    result = one(registered(reg_row()), raw)
    assessments = result.intake.assessments
    assert list(assessments["G1"]) == [18]
    assert list(assessments["N1"]) == [24]


def test_codes_in_any_case_and_without_diacritics_and_nfd_text():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị   Hoà ")
    row = reg_row(kind="ca nhan", gender="NỮ", movement="nvct", scope="toan dien", name=nfd)
    result = one(registered(row), scored(score_row(name="Nguyễn Thị Hòa", scores=FULL_NVCT,
                                                   discipline="khong", rating="hoàn thành "
                                                   "xuất sắc nhiệm vụ")))
    reg = result.intake.registrations.iloc[0]
    assert (reg["loai"], reg["gioi_tinh"], reg["phong_trao"], reg["pham_vi"]) == (
        "Cá nhân", "Nữ", "NVCT", "Toàn diện")
    assert reg["ten"] == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    score = result.intake.assessments.iloc[0]
    assert score["xep_loai_cb"] == "HTXSNV" and score["ky_luat"] is False
    assert messages(result, "C14") == []  # "Hoà" = "Hòa": tone-mark placement ignored


@pytest.mark.parametrize("value", ["15/04/2025", "15/4/2025", "15-04-2025", "15.04.2025",
                                   "2025-04-15", dt.date(2025, 4, 15),
                                   dt.datetime(2025, 4, 15), 45762])
def test_dates_real_serial_or_day_first_text(value):
    result = one(registered(reg_row(day=value)))
    assert list(result.intake.registrations["ngay_dang_ky"]) == [dt.date(2025, 4, 15)]


@pytest.mark.parametrize("raw, expected", [("8,5", Decimal("8.5")), ("8.5", Decimal("8.5")),
                                           (8.5, Decimal("8.5")), (" 9 ", Decimal(9))])
def test_numbers_real_or_text_with_decimal_comma(raw, expected):
    result = one(registered(reg_row()), scored(score_row(scores={**FULL_NVCT, "G2": raw})))
    assert list(result.intake.assessments["G2"]) == [expected]


@pytest.mark.parametrize("text", ["2025-Q2", "Q2/2025", "Quý II/2025", "Quý 2 năm 2025",
                                  "quý II năm 2025", "QUY II - 2025"])
def test_period_on_the_cover_in_any_listed_form(text):
    result = run(("a.xlsx", book(cover(period=text))))
    assert next(iter(result.intake.submissions["trang_thai"])) == "Đúng hạn"


@pytest.mark.parametrize("yes", ["Có", "co", "x", "X", "CÓ"])
def test_yes_values(yes):
    row = score_row(scores=FULL_VHCS, security=yes, code="VP-02")
    reg = reg_row(code="VP-02", kind="Tập thể", name="Tổ Một cửa", year=None, gender=None,
                  movement="VHCS")
    result = one(registered(reg), scored(row))
    assert list(result.intake.assessments["antt"]) == [True]


def test_blank_rows_are_skipped_and_stt_only_rows_are_blank():
    rows = [reg_row(), [None] * len(REG_HEADER), [7] + [None] * (len(REG_HEADER) - 1),
            reg_row(code="VP-03")]
    result = one(registered(*rows))
    assert list(result.intake.registrations["ma_dien_hinh"]) == ["VP-01", "VP-03"]
    assert result.outcomes[0].counts["dang_ky"] == [2, 2, 0, 0, 0]


# --- cell errors ----------------------------------------------------------------------------------
def test_score_above_maximum_names_the_cell_the_criterion_and_the_range():
    result = one(registered(reg_row()), scored(score_row(scores={**FULL_NVCT, "G1": 25})))
    assert messages(result, "C06") == [("Chấm điểm", "D2",
        "Ô D2: điểm G1 là 25, vượt mức tối đa 20 của tiêu chí 'Thành tích xuất sắc, tiêu biểu "
        "trong lao động, học tập, công tác'. Vui lòng nhập từ 0 đến 20.")]
    assert result.intake.assessments.empty
    assert result.outcomes[0].counts["cham_diem"] == [1, 0, 1, 0, 0]


@pytest.mark.parametrize("scores, code, message", [
    ({"G2": "tám"}, "C03", "Ô E2: điểm G2 là 'tám', không phải là số. Vui lòng nhập số từ 0 "
                           "đến 10."),
    ({"G3": -1}, "C07", "Ô F2: điểm G3 là -1, không được âm. Vui lòng nhập từ 0 đến 10."),
    ({"G4": None}, "C01", "Ô G2: thiếu điểm G4 (Gương mẫu chấp hành chủ trương của Đảng, chính "
                          "sách, pháp luật của Nhà nước): bắt buộc với phong trào NVCT. Vui lòng "
                          "nhập từ 0 đến 5."),
    ({"V1": 5}, "C11", "Ô I2: điểm V1 phải để trống vì điển hình 'VP-01' thuộc phong trào NVCT."),
])
def test_score_cell_errors(scores, code, message):
    result = one(registered(reg_row()), scored(score_row(scores={**FULL_NVCT, **scores})))
    assert [m for _, _, m in messages(result, code)] == [message]
    assert result.intake.assessments.empty


@pytest.mark.parametrize("change, code, message", [
    ({"kind": None}, "C01", "Ô C2: thiếu 'Loại' (bắt buộc). Tập thể hoặc Cá nhân."),
    ({"kind": "Nhóm"}, "C02", "Ô C2: 'Nhóm' không phải giá trị hợp lệ của cột 'Loại'. Vui lòng "
                              "chọn một trong: Tập thể, Cá nhân."),
    ({"movement": "ABC"}, "C02", "Ô H2: 'ABC' không phải giá trị hợp lệ của cột 'Phong trào'. "
                                 "Vui lòng chọn một trong: VHCS, HCM, NVCT."),
    ({"day": "31/02/2025"}, "C05", "Ô M2: '31/02/2025' không phải ngày hợp lệ ở cột 'Ngày đăng "
                                   "ký'. Vui lòng nhập ngày dạng dd/mm/yyyy, ví dụ 15/01/2021."),
    ({"code": "X" * 21}, "C08", "Ô B2: 'Mã điển hình' dài 21 ký tự, vượt quá 20 ký tự. Vui lòng "
                                "rút gọn."),
    ({"content": "Làm tốt"}, "C09", "Ô K2: 'Nội dung mô hình, thành tích' chỉ có 7 ký tự; cần mô "
                                    "tả cụ thể, ít nhất 20 ký tự."),
    ({"year": 2010}, "C10", "Ô E2: năm sinh 2010 không hợp lệ; năm sinh của cá nhân phải từ 1940 "
                            "đến 2007."),
    ({"year": None}, "C01", "Ô E2: thiếu 'Năm sinh': bắt buộc với cá nhân."),
    ({"year": "1985,5"}, "C04", "Ô E2: '1985,5' ở cột 'Năm sinh' không phải số nguyên. Vui lòng "
                                "nhập một số nguyên."),
    ({"kind": "Tập thể", "gender": None}, "C11", "Ô E2: 'Năm sinh' phải để trống với tập thể."),
    ({"scope": "Chuyên đề"}, "C01", "Ô J2: thiếu 'Lĩnh vực': bắt buộc khi Phạm vi là Chuyên đề."),
    ({"day": "01/01/2019"}, "C12", "Ô M2: ngày đăng ký 01/01/2019 nằm ngoài thời gian kế hoạch "
                                   "(01/01/2021 – 31/12/2025)."),
    ({"day": "06/07/2025"}, "C12", "Ô M2: ngày đăng ký 06/07/2025 sau ngày lập báo cáo "
                                   "05/07/2025. Vui lòng kiểm tra lại ngày."),
])
def test_registration_errors(change, code, message):
    result = one(registered(reg_row(**change)))
    assert [m for _, _, m in messages(result, code)] == [message]
    assert result.intake.registrations.empty
    assert result.outcomes[0].counts["dang_ky"] == [1, 0, 1, 0, 0]


def test_duplicate_code_in_sheet_is_an_error_on_the_later_row_only():
    result = one(registered(reg_row(), reg_row(code=" vp-01 ", name="Khác")))
    assert messages(result, "R01") == [("Đăng ký", "B3",
        "Ô B3: mã điển hình 'vp-01' đã ghi ở dòng trên trong trang này. Mỗi mã chỉ ghi một lần; "
        "vui lòng đặt mã khác hoặc xóa dòng trùng.")]
    assert list(result.intake.registrations["ten"]) == ["Nguyễn Thị Hoà"]


def test_unregistered_and_withdrawn_and_duplicate_score_rows():
    earlier = one(registered(reg_row(), reg_row(code="VP-02", name="Trần Văn Nam",
                                                gender="Nam")))
    result = one(registered(reg_row(code="VP-02", status="rút")),
                 scored(score_row(scores=FULL_NVCT), score_row(scores=FULL_NVCT),
                        score_row(code="VP-02", scores=FULL_NVCT),
                        score_row(code="VP-09", scores=FULL_NVCT)),
                 registry=earlier.registry)
    assert [m for _, _, m in messages(result)
            if not m.startswith("Không có trang")] == [
        "Ô B3: điển hình 'VP-01' đã được chấm ở dòng trên; mỗi điển hình chỉ chấm một dòng. "
        "Vui lòng xóa dòng trùng.",
        "Ô B4: điển hình 'VP-02' đã rút đăng ký, không chấm điểm. Vui lòng xóa dòng này.",
        "Ô B5: mã điển hình 'VP-09' chưa được đăng ký. Vui lòng đăng ký ở trang 'Đăng ký' hoặc "
        "kiểm tra lại mã.",
    ]
    regs = result.intake.registrations
    assert list(zip(regs["ma_dien_hinh"], regs["trang_thai"], strict=True)) == [
        ("VP-01", "Mới"), ("VP-02", "Rút")]


def test_withdrawing_an_unknown_code_and_adjusting_an_unknown_code():
    result = one(registered(reg_row(code="VP-05", status="Rút"),
                            reg_row(code="VP-06", status="Điều chỉnh")))
    assert [m for _, _, m in messages(result, "R06")] == [
        "Ô B2: không thể rút mã điển hình 'VP-05' vì đơn vị chưa đăng ký mã này (hoặc đã rút). "
        "Vui lòng kiểm tra lại mã."]
    assert [m for _, _, m in messages(result, "R07")] == [
        "Ô N3: mã điển hình 'VP-06' chưa được đăng ký trước đây; dòng này được ghi nhận là đăng "
        "ký mới."]


def test_reregistration_keeps_first_date_and_spelling():
    earlier = one(registered(reg_row(code="Vp-01", day="15/04/2025")))
    later = one(registered(reg_row(code="VP-01", name="Nguyễn Thị Hoà", day="01/05/2025",
                                   movement="HCM")), registry=earlier.registry)
    reg = later.intake.registrations.iloc[0]
    assert (reg["ma_dien_hinh"], reg["ngay_dang_ky"], reg["phong_trao"], reg["trang_thai"]) == (
        "Vp-01", dt.date(2025, 4, 15), "HCM", "Điều chỉnh")


def test_active_exemplar_without_score_row_is_a_warning():
    result = one(registered(reg_row()), scored())
    assert [m for _, _, m in messages(result, "R04")] == [
        "Điển hình 'VP-01' (Nguyễn Thị Hoà) đang theo dõi nhưng chưa được chấm điểm quý II năm "
        "2025. Vui lòng bổ sung một dòng ở trang 'Chấm điểm'."]


def test_name_echo_rating_for_collective_and_missing_security_standard():
    reg = reg_row(code="VP-02", kind="Tập thể", name="Tổ Một cửa", year=None, gender=None,
                  movement="VHCS")
    result = one(registered(reg), scored(score_row(code="VP-02", name="Tổ Một cửa liên thông",
                                                   scores=FULL_VHCS, rating="HTXSNV")))
    assert [m for _, _, m in messages(result)
            if not m.startswith("Không có trang")] == [
        "Ô C2: tên 'Tổ Một cửa liên thông' khác với tên đã đăng ký 'Tổ Một cửa'; dùng tên đã "
        "đăng ký.",
        "Ô W2: xếp loại chỉ ghi cho cá nhân; giá trị ghi cho tập thể được bỏ qua.",
        "Ô Y2: thiếu 'Đạt chuẩn ANTT': bắt buộc với tập thể thuộc phong trào VHCS. Vui lòng "
        "chọn Có hoặc Không.",
    ]


def test_good_deed_month_outside_quarter_and_activity_date_outside_period():
    deeds = sheet("Người tốt việc tốt", DEED_HEADER,
                  [[1, "Trần Văn Minh", None, None, None, 3, "Nhặt được ví có 5 triệu đồng, trả "
                    "lại người đánh rơi", None, None, None],
                   [2, "Lê Thị Hằng", None, None, None, 5, "Hiến máu tình nguyện lần thứ mười "
                    "hai tại tỉnh", None, None, "không"]])
    acts = sheet("Hoạt động", ACT_HEADER,
                 [[1, "20/05/2025", "tham quan, hoc tap kinh nghiem", "Tham quan mô hình", 12,
                   None], [2, "01/07/2025", "Khác", "Họp", None, None]])
    result = one(deeds, acts)
    assert [m for _, _, m in messages(result, "C13")] == [
        "Ô F2: tháng 3 không thuộc quý II năm 2025. Vui lòng ghi một trong các tháng 4, 5, 6."]
    assert [m for _, _, m in messages(result, "C12")] == [
        "Ô B3: ngày 01/07/2025 không thuộc quý II năm 2025 (01/04/2025 – 30/06/2025)."]
    deeds_ok = result.intake.good_deeds
    assert list(zip(deeds_ok["ho_ten"], deeds_ok["de_nghi_tuyen_truyen"], strict=True)) == [
        ("Lê Thị Hằng", "Không")]
    assert list(result.intake.activities["hinh_thuc"]) == ["Tham quan, học tập kinh nghiệm"]


# --- covers and files -----------------------------------------------------------------------------
@pytest.mark.parametrize("change, code, message", [
    ({"unit": "XYZ"}, "B02", "Ô B2: 'XYZ' không phải mã đơn vị của kế hoạch. Vui lòng ghi một "
                             "trong các mã: VP, TTR, KHTC, QLXD, QHKT, PTDT, QLN, TTKD, TTQH, "
                             "QLVT, KCHT."),
    ({"period": "Quý I/2025"}, "B05", "Ô B3: kỳ báo cáo ghi là quý I năm 2025, nhưng tệp được "
                                      "nộp cho quý II năm 2025. Vui lòng sửa Kỳ báo cáo thành "
                                      "Quý II/2025 hoặc gửi đúng tệp của kỳ này."),
    ({"period": "quý hai"}, "B04", "Ô B3: 'quý hai' không đọc được. Vui lòng ghi kỳ báo cáo dạng "
                                   "2025-Q2 hoặc Quý II/2025."),
    ({"made": None}, "B06", "Thiếu Ngày lập. Vui lòng ghi Ngày lập dạng dd/mm/yyyy."),
])
def test_cover_problems_reject_the_file(change, code, message):
    result = run(("VP_Q2.xlsx", book(cover(**change), registered(reg_row()))))
    assert [m for _, _, m in messages(result, code)] == [message]
    assert result.intake.registrations.empty
    assert next(iter(result.intake.submissions["trang_thai"])) == "Bị từ chối"
    assert result.outcomes[0].counts["dang_ky"] == [1, 0, 1, 0, 0]


def test_unit_not_valid_in_the_period_is_rejected():
    result = run(("a.xlsx", book(cover(unit="QLVT", period="2024-Q4", made="05/01/2025"))),
                 period=Period(2024, 4))
    assert [m for _, _, m in messages(result, "B03")] == [
        "Ô B2: đơn vị QLVT (Phòng Quản lý vận tải) không thuộc danh sách đơn vị báo cáo quý IV "
        "năm 2024; tệp không được tiếp nhận."]
    assert "QLVT" not in set(result.intake.submissions["ma_don_vi"])


def test_cover_warnings_keep_the_file():
    result = run(("a.xlsx", book(cover(Email="vanphong.sxd", **{"Người lập": None,
                                                               "Phiên bản mẫu": "cũ"}))))
    assert [(c, m) for _, c, m in messages(result) if not m.startswith("Không có trang")] == [
        ("", "Thiếu Người lập. Vui lòng ghi họ tên người lập biểu để Văn phòng liên hệ khi cần."),
        ("B5", "Ô B5: 'vanphong.sxd' không phải địa chỉ thư điện tử hợp lệ (ví dụ: "
               "tenphong.sxd@phutho.gov.vn)."),
        ("B6", "Ô B6: phiên bản mẫu 'cũ' khác phiên bản hiện hành 'ĐHTT-2021-2025 v1'. Đề nghị "
               "đơn vị dùng mẫu mới ở kỳ sau."),
    ]
    assert set(result.intake.findings["muc_do"]) == {"Cảnh báo", "Lưu ý"}
    assert next(iter(result.intake.submissions["trang_thai"])) == "Đúng hạn"


def test_missing_cover_rejects_and_attributes_by_file_name():
    result = run(("ttkd-quy2.xlsx", book(registered(reg_row()))))
    assert [m for _, _, m in messages(result, "B01")] == [
        "Không tìm thấy trang 'Thông tin' (trang bìa) trong tệp (các trang hiện có: 'Đăng ký'). "
        "Đề nghị đơn vị dùng đúng mẫu của Sở và gửi lại."]
    status = result.intake.submissions.set_index("ma_don_vi")["trang_thai"]
    assert status["TTKD"] == "Bị từ chối"


def test_latest_file_wins_and_the_other_is_superseded():
    first = book(cover(made="01/07/2025"), registered(reg_row(name="Bản cũ")))
    second = book(cover(made="03/07/2025"), registered(reg_row()))
    result = run(("b_first.xlsx", first), ("a_second.xlsx", second))
    assert list(result.intake.registrations["ten"]) == ["Nguyễn Thị Hoà"]
    assert [m for _, _, m in messages(result, "F07")] == [
        "Tệp được thay thế bởi tệp 'a_second.xlsx' (Ngày lập 03/07/2025) của cùng đơn vị; 1 dòng "
        "dữ liệu của tệp này không được dùng."]
    counts = {o.file.name: o.counts["dang_ky"] for o in result.outcomes}
    assert counts == {"b_first.xlsx": [1, 0, 0, 1, 0], "a_second.xlsx": [1, 1, 0, 0, 0]}


def test_tie_on_date_goes_to_the_name_that_sorts_last_never_file_order():
    a = book(cover(), registered(reg_row(name="Từ tệp A")))
    b = book(cover(), registered(reg_row(name="Từ tệp B")))
    for order in ([("a.xlsx", a), ("b.xlsx", b)], [("b.xlsx", b), ("a.xlsx", a)]):
        assert list(run(*order).intake.registrations["ten"]) == ["Từ tệp B"]


def test_email_date_decides_lateness_and_a_foreign_sender_is_a_warning():
    late = dt.datetime(2025, 7, 11, 9, 0)
    result = run(("m.eml/VP.xlsx", book(cover())), submitted=late, sender="someone@gmail.com")
    sub = result.intake.submissions.iloc[0]
    assert (sub["trang_thai"], sub["ngay_nop"], sub["nguoi_gui"]) == (
        "Muộn", dt.date(2025, 7, 11), "someone@gmail.com")
    assert [m for _, _, m in messages(result, "F09")] == [
        "Thư gửi từ địa chỉ someone@gmail.com, không phải địa chỉ đã đăng ký của Văn phòng Sở "
        "(vanphong.sxd@phutho.gov.vn); đề nghị đơn vị xác nhận tệp này do đơn vị gửi."]


def test_every_expected_unit_has_a_status():
    result = run(("a.xlsx", book(cover())))
    status = result.intake.submissions.set_index("ma_don_vi")["trang_thai"].to_dict()
    assert status["VP"] == "Đúng hạn" and status["KHTC"] == "Chưa nộp"
    assert list(status) == ["VP", "TTR", "KHTC", "QLXD", "QHKT", "PTDT", "QLN", "TTKD", "TTQH",
                            "QLVT", "KCHT"]


# --- the council ----------------------------------------------------------------------------------
def test_council_adjustments_apply_only_to_accepted_assessments_of_the_movement():
    unit = book(cover(), registered(reg_row()), scored(score_row(scores=FULL_NVCT)))
    council = book(sheet("Điều chỉnh", ["Mã đơn vị", "Mã điển hình", "Tiêu chí", "Điểm", "Lý do"], [
        ["VP", "vp-01", "g1", 15, "Thành tích chưa có minh chứng"],
        ["VP", "VP-01", "V1", 5, "Nhầm"],
        ["VP", "VP-09", "G1", 5, "Không có"],
        ["VP", "VP-01", "N3", 12, "Quá mức"],
        ["VP", "VP-01", "G2", 5, None],
    ]))
    result = run(("VP.xlsx", unit), ("hoi-dong.xlsx", council))
    assert [(c, m) for _, c, m in messages(result) if not m.startswith("Không có trang")] == [
        ("C3", "Ô C3: tiêu chí V1 không thuộc phong trào NVCT của điển hình 'VP-01'."),
        ("B4", "Ô B4: điển hình 'VP-09' của đơn vị VP không có điểm được tiếp nhận trong quý II "
               "năm 2025; điều chỉnh không được áp dụng."),
        ("D5", "Ô D5: điểm N3 của Hội đồng là 12, vượt mức tối đa 10 của tiêu chí 'Được các tổ "
               "chức, cá nhân đánh giá cao, tích cực'."),
        ("E6", "Ô E6: thiếu 'Lý do' (bắt buộc)."),
    ]
    council_rows = result.intake.council
    assert list(zip(council_rows["ma_dien_hinh"], council_rows["tieu_chi"], council_rows["diem"],
                    strict=True)) == [("VP-01", "G1", 15)]


# --- nothing lost ---------------------------------------------------------------------------------
def test_read_equals_accepted_plus_rejected_plus_superseded():
    files = [("a.xlsx", book(cover(made="01/07/2025"), registered(reg_row(), reg_row(year=3)))),
             ("b.xlsx", book(cover(made="02/07/2025"), registered(reg_row(), reg_row(
                 code="VP-02", year=None)), scored(score_row(scores=FULL_NVCT),
                                                   score_row(code="X")))),
             ("c.xlsx", book(cover(unit="??"), registered(reg_row())))]
    result = run(*files)
    for o in result.outcomes:
        for read, accepted, rejected, superseded, merged in o.counts.values():
            assert read == accepted + rejected + superseded + merged
    assert {o.file.name: o.counts for o in result.outcomes} == {
        "a.xlsx": {"dang_ky": [2, 0, 0, 2, 0]},
        "b.xlsx": {"dang_ky": [2, 1, 1, 0, 0], "cham_diem": [2, 1, 1, 0, 0]},
        "c.xlsx": {"dang_ky": [1, 0, 1, 0, 0]},
    }


def test_registry_is_not_mutated_by_a_later_period():
    earlier = one(registered(reg_row()))
    snapshot = dict(earlier.registry.items)
    one(registered(reg_row(status="Rút")), registry=earlier.registry)
    assert earlier.registry.items == snapshot
    assert isinstance(earlier.registry, Registry)
    assert CONTENT in earlier.registry.items[("VP", "vp-01")].fields.noi_dung


@pytest.mark.parametrize("header", ["G1 (20 điểm)", "G1(20đ)", "g1 - 20", "G1. Thành tích"])
def test_a_score_column_is_found_by_its_leading_code(header):
    head = [header if h == "G1" else h for h in SCORE_HEADER]
    result = one(registered(reg_row()), sheet("Chấm điểm", head, [score_row(scores=FULL_NVCT)]))
    assert list(result.intake.assessments["G1"]) == [18]


def test_a_longer_code_is_not_taken_for_a_shorter_one():
    head = [("G12" if h == "G1" else h) for h in SCORE_HEADER]
    result = one(registered(reg_row()), sheet("Chấm điểm", head, [score_row(scores=FULL_NVCT)]))
    assert [c for _, c, _ in messages(result, "S02")] == [""]
    assert result.intake.assessments.empty


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was_found(enabled):
    import gc

    (gc.enable if enabled else gc.disable)()
    try:
        one(registered(reg_row()))
        assert gc.isenabled() is enabled
        with pytest.raises(AttributeError):  # a failing intake restores it too
            one(registered(reg_row()), registry=object())
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
