"""The ballot workbook's declaration, shared by the writer (`ballots`) and the reader (`intake`).

A ballot has a cover `Thông tin` (two columns: item | value) and a sheet `Phiếu bầu` whose
columns are declared once here, as the unit workbook's are in `schemas.sheets`: the writer
takes the headers from them, the reader finds the header row and parses the cells with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.sheets import Column, Sheet

AGREE, DISAGREE, NO_VOTE = "Đồng ý", "Không đồng ý", "Không bỏ phiếu"
CHOICES = (AGREE, DISAGREE)  # the dropdown; a blank cell is an abstention
COVER_NAME = "Thông tin"
BALLOT_NAME = "Phiếu bầu"


@dataclass(frozen=True)
class CoverItem:
    key: str
    label: str
    editable: bool = False  # filled by the member (unlocked on the protected cover)


COVER_ITEMS = (
    CoverItem("nam", "Năm"),
    CoverItem("ma_thanh_vien", "Mã thành viên"),
    CoverItem("ho_ten", "Họ và tên"),
    CoverItem("chuc_danh", "Chức danh"),
    CoverItem("ma_phieu", "Mã phiếu"),
    CoverItem("ngay", "Ngày bỏ phiếu", editable=True),
)

BALLOT = Sheet(
    key="phieu_bau",
    name=BALLOT_NAME,
    columns=(
        Column("stt", "STT", "int", width=5),
        Column("ma_don_vi", "Mã đơn vị", "text", True, width=9),
        Column("ma_dien_hinh", "Mã điển hình", "text", True, max_len=20, width=12),
        Column("ten", "Tên", width=28),
        Column("loai", "Loại", width=9),
        Column("phong_trao", "Phong trào", width=10),
        Column("de_xuat", "Đề xuất", width=38),
        Column("tong_diem", "Tổng điểm", width=8),
        Column("xep_loai", "Xếp loại", width=9),
        # a recused row reads "Không bỏ phiếu"; typed by anyone, it is an abstention too
        Column("y_kien", "Ý kiến", "code", False, (AGREE, DISAGREE, NO_VOTE), width=14,
               hint="Chọn Đồng ý hoặc Không đồng ý; để trống là không bỏ phiếu."),
        Column("ghi_chu", "Ghi chú", width=22),
    ),
    aliases=("Phieu bau", "Phiếu biểu quyết"),
)
BALLOT_COVER = Sheet(
    key="thong_tin",
    name=COVER_NAME,
    columns=(Column("muc", "Mục", required=True), Column("noi_dung", "Nội dung", required=True)),
    aliases=("Trang bìa",),
)
