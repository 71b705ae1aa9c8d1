"""Stage 1 of validation: `Parser` parses each column's distinct raw values once."""

from pipeline.intake.parse import locate
from pipeline.intake.validate import Parser
from pipeline.sources import RawSheet
from schemas.sheets import GOOD_DEEDS

HEADER = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Chức vụ", "Tháng", "Nội dung việc tốt"]
CONTENT = "Nhặt được ví có 5 triệu đồng, trả lại người đánh rơi."


def parsed(*rows, parser=None):
    located = locate(RawSheet("Người tốt việc tốt", [HEADER, *rows]), 2, GOOD_DEEDS)
    return (parser or Parser()).rows(located)


def column(rows, key):
    index = [c.key for c in GOOD_DEEDS.columns].index(key)
    return [values[index] for _, values, _ in rows]


def test_rows_carry_excel_row_typed_values_in_declaration_order_and_defaults():
    (row, values, problems), = parsed([1.0, " Trần  Văn Minh ", 1985.0, "nu", None, 4.0, CONTENT])
    assert row == 2
    assert dict(zip([c.key for c in GOOD_DEEDS.columns], values, strict=True)) == {
        "stt": 1, "ho_ten": "Trần Văn Minh", "nam_sinh": 1985, "gioi_tinh": "Nữ",
        "chuc_vu": None, "thang": 4, "noi_dung": CONTENT, "ket_qua": None,
        "hinh_thuc_khen": None, "tuyen_truyen": "Có"}
    assert problems == ()


def test_equal_values_share_one_object_across_rows_and_sheets():
    parser = Parser()
    first = parsed([1, "An", None, "Nam", "Chuyên viên", 4.0, CONTENT], parser=parser)
    second = parsed([1, "Bình", None, "Nam", "Chuyên viên", 4.0, CONTENT], parser=parser)
    for key in ("gioi_tinh", "chuc_vu", "thang", "noi_dung"):
        a, b = column(first, key)[0], column(second, key)[0]
        assert a == b and a is b


def test_values_equal_across_types_are_parsed_by_their_own_type():
    # 1 == 1.0 == True in Python: a cache keyed on the value alone would confuse them.
    rows = parsed([None, 1.0, None, None, None, 4.0, CONTENT],
                  [None, True, None, None, None, 4.0, CONTENT],
                  [None, "x", None, None, None, True, CONTENT],
                  [None, "x", None, None, None, 1, CONTENT])
    assert column(rows, "ho_ten")[:2] == ["1", "True"]
    assert column(rows, "thang")[2:] == [None, 1]
    assert [[code for code, _, _ in p] for _, _, p in rows] == [[], [], ["C04"], []]


def test_unreadable_cells_are_none_with_one_problem_each_every_time_they_occur():
    rows = parsed([None, "An", "năm 85", None, None, "4,5", CONTENT],
                  [None, "Bình", "năm 85", None, None, 4.0, CONTENT])
    assert column(rows, "nam_sinh") == [None, None]
    assert [[(code, key) for code, _, key in p] for _, _, p in rows] == [
        [("C04", "nam_sinh"), ("C04", "thang")], [("C04", "nam_sinh")]]
