"""Findings are records: what is wrong, where a person sees it, and what would be right."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING, NOTICE = "Lỗi", "Cảnh báo", "Lưu ý"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, NOTICE: 2}

# Stable codes, one per message template. The message text is built where the facts are known;
# the code is what tests and downstream tools rely on.
CODES = {
    # file level
    "F01": "tệp không đọc được (hỏng, sai định dạng hoặc bị cắt cụt)",
    "F02": "tệp có mật khẩu",
    "F03": "tệp rỗng",
    "F04": "định dạng tệp không được hỗ trợ",
    "F05": "tệp quá lớn hoặc có cấu trúc nguy hiểm",
    "F06": "đọc tệp quá thời gian cho phép",
    "F07": "tệp bị thay thế bởi tệp mới hơn của cùng đơn vị",
    "F08": "thư điện tử không có tệp Excel đính kèm",
    "F09": "người gửi không phải địa chỉ của đơn vị",
    "F10": "không xác định được đơn vị",
    "F11": "đề cử của một số tháng được thay thế bởi tệp đề cử mới hơn của cùng đơn vị",
    # cover
    "B01": "thiếu trang Thông tin",
    "B02": "thiếu hoặc sai mã đơn vị",
    "B03": "đơn vị không hoạt động trong kỳ",
    "B04": "thiếu hoặc sai kỳ báo cáo",
    "B05": "kỳ báo cáo khác thư mục",
    "B06": "thiếu hoặc sai ngày lập",
    "B07": "ngày lập sau ngày chạy",
    "B08": "thiếu người lập",
    "B09": "email không hợp lệ",
    "B10": "phiên bản mẫu khác",
    "B11": "mẫu của kế hoạch khác",
    # sheet level
    "S01": "thiếu trang",
    "S02": "không tìm thấy dòng tiêu đề",
    "S03": "cột thừa",
    "S04": "trang trống",
    "S05": "trang trùng tên",
    # cell level
    "C01": "thiếu giá trị bắt buộc",
    "C02": "giá trị không thuộc danh sách",
    "C03": "không phải số",
    "C04": "không phải số nguyên",
    "C05": "không phải ngày",
    "C06": "vượt mức tối đa",
    "C07": "nhỏ hơn mức tối thiểu",
    "C08": "quá dài",
    "C09": "quá ngắn",
    "C10": "năm sinh ngoài khoảng cho phép",
    "C11": "phải để trống",
    "C12": "ngày ngoài khoảng cho phép",
    "C13": "tháng không thuộc quý",
    "C14": "tên khác với đăng ký",
    "C15": "xếp loại ghi cho tập thể",
    # row / cross-row
    "R01": "mã điển hình trùng trong trang",
    "R02": "điển hình chưa đăng ký",
    "R03": "điển hình đã rút đăng ký",
    "R04": "điển hình đang theo dõi chưa được chấm điểm",
    "R05": "điển hình chấm điểm hai lần",
    "R06": "rút đăng ký điển hình chưa có",
    "R07": "điều chỉnh điển hình chưa có, ghi nhận là đăng ký mới",
    # council file
    "H01": "điều chỉnh không khớp điểm đã tiếp nhận",
    "H02": "tiêu chí không thuộc phong trào của điển hình",
    "H03": "điểm của Hội đồng không hợp lệ",
    # the council members' ballots (issue 14: pipeline/council/intake.py)
    "P01": "không xác định được thành viên Hội đồng",
    "P02": "thành viên không thuộc Hội đồng vào ngày họp",
    "P03": "phiếu bầu của năm khác",
    "P04": "mã phiếu khác danh sách đề xuất hiện hành",
    "P05": "phiếu bị thay thế bởi phiếu sau của cùng thành viên",
    "P06": "điển hình không có trong danh sách đề xuất",
    "P07": "dòng phiếu bị sửa (tên hoặc đề xuất khác danh sách)",
    "P08": "điển hình có ý kiến hai lần trong phiếu",
    "P09": "ý kiến về điển hình của đơn vị mình không được tính",
    "P10": "phiếu thiếu ý kiến hợp lệ về một đề xuất",
    "P11": "thiếu trang Phiếu bầu hoặc cột Ý kiến",
    "P12": "ngày bỏ phiếu không hợp lệ",
    "P13": "họ tên trên phiếu khác danh sách Hội đồng",
    "P14": "thiếu trang Thông tin của phiếu bầu",
}


@dataclass(frozen=True, order=True)
class Finding:
    severity: str
    unit: str
    file: str
    sheet: str
    cell: str
    code: str
    message: str
    row: int = 0  # the Excel row, for sorting; 0 for file/sheet-level findings
    col: int = -1  # the 0-based column, for sorting; -1 for whole-row findings
    sheet_pos: int = -1  # the sheet's position in its workbook, for sorting

    def as_row(self) -> dict[str, str]:
        """A `loi.csv` row."""
        return {
            "muc_do": self.severity,
            "ma_don_vi": self.unit,
            "tep": self.file,
            "trang_tinh": self.sheet,
            "o": self.cell,
            "ma_loi": self.code,
            "thong_bao": self.message,
        }


def finding_dict(f: Finding) -> dict:
    return asdict(f)
