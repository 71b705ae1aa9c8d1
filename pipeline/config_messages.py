"""How the plan loader says what is wrong, in Vietnamese: the code patterns of the plan file
with their rules, pydantic's problems worded for the clerk, and a key's path as the clerk
reads it (`units[mục thứ 8, TT-CN].code`)."""

from __future__ import annotations

# Codes as the plan file writes them (the messages below say the same rule in Vietnamese).
UNIT_CODE = r"^[A-Z0-9]+$"
MOVEMENT_CODE = r"^[A-Z][A-Z0-9]*$"
CRITERION_CODE = r"^[A-Z][0-9]{1,2}$"
_CODE_RULES = {
    UNIT_CODE: "sai định dạng mã (chỉ chữ in hoa không dấu và chữ số)",
    MOVEMENT_CODE: "sai định dạng mã phong trào (chữ in hoa không dấu, có thể kèm chữ số sau "
                   "chữ cái đầu, ví dụ CDS hoặc CDS2)",
    CRITERION_CODE: "sai định dạng mã tiêu chí (một chữ in hoa không dấu rồi một hoặc hai chữ "
                    "số, ví dụ G1 hoặc C12)",
}

PROBLEMS = {
    "missing": "thiếu khóa bắt buộc",
    "extra_forbidden": "khóa không được hỗ trợ (kiểm tra chính tả)",
    "string_too_short": "không được để trống",
    "string_too_long": "quá dài",
    "string_pattern_mismatch": "sai định dạng mã (chỉ chữ in hoa không dấu và chữ số)",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than_equal": "phải không quá {le}",
    "too_short": "phải có ít nhất một mục",
    "date_from_datetime_parsing": "phải là ngày dạng 2025-03-01",
    "date_type": "phải là ngày dạng 2025-03-01",
    "date_parsing": "phải là ngày dạng 2025-03-01",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên, không có phần lẻ (điểm tối đa của tiêu chí tính bằng "
                      "điểm nguyên)",
    "int_parsing": "phải là số nguyên",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "string_type": "phải là chuỗi trong dấu nháy kép",
    "literal_error": "giá trị không hợp lệ, chỉ nhận: {expected}",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một bảng",
    "model_type": "phải là một bảng",
}


def describe(error: dict, data: dict) -> str:
    loc = locate(error["loc"], data)
    kind = error["type"]
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"khóa '{loc}': {message}" if loc else message
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern")
        return f"khóa '{loc}': {_CODE_RULES.get(pattern, PROBLEMS[kind])}"
    if kind.startswith("literal_error") and loc.endswith("deadlines.day"):
        kind = "int_type"
    template = PROBLEMS.get(kind, error["msg"])
    ctx = {k: int(v) if isinstance(v, float) and v.is_integer() else v
           for k, v in error.get("ctx", {}).items()}
    if isinstance(ctx.get("expected"), str):
        ctx["expected"] = ctx["expected"].replace(" or ", " hoặc ")
    try:
        problem = template.format(**ctx)
    except (KeyError, IndexError):
        problem = template
    return f"khóa '{loc}': {problem}" if loc else problem


def locate(loc: tuple, data: dict) -> str:
    """Name a key as the clerk sees it: units[3].code becomes 'units (mục thứ 4, code = ...)'."""
    parts, node = [], data
    for item in loc:
        if isinstance(item, int):
            label = f"mục thứ {item + 1}"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                code = node[item].get("code")
                if code:
                    label += f", {code}"
            parts[-1] = f"{parts[-1]}[{label}]" if parts else label
        else:
            parts.append(str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)
