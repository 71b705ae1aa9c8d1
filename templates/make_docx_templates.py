"""Generate the Word template `templates/van_ban.docx` that docxtpl fills.

Run from the repository root (rerunnable, deterministic: same bytes every time):

    .venv/bin/python templates/make_docx_templates.py

The layout follows Nghị định 30/2020/NĐ-CP on administrative documents: A4 portrait, margins
top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman; a borderless two-column header
(superior body in capitals, issuing body in bold capitals with a short rule, the number;
Quốc hiệu and Tiêu ngữ with a rule, the place and date in italics); the document's name and
subject in bold with a rule; a justified body with a first-line indent; page numbers centred
at the top from page 2; "Nơi nhận" and the signature block side by side.

The body is a loop over the context's blocks (see pipeline/documents.py); each table layout
of `TABLE_LAYOUTS` becomes one table here, with its column widths and alignments.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.outputs.documents.blocks import DOCX_TEMPLATE, TABLE_LAYOUTS  # noqa: E402
from pipeline.outputs.documents.render import fix_core_properties, fixed_zip  # noqa: E402

FONT = "Times New Roman"
TEXT_WIDTH = 165  # mm: 210 - 30 - 15
LEFT, RIGHT = 72, 93  # header columns, mm
CELL_MARGIN = 1.9  # Word's default left/right cell margin, mm
TEMPLATE_DATE = dt.date(2025, 1, 1)
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}

# name: size pt, bold, italic, align, first-line indent mm, space before/after pt, line spacing
STYLES = {
    "VB Body": (14, False, False, "justify", 10, 0, 6, 1.15),
    "VB Basis": (14, False, True, "justify", 10, 0, 6, 1.15),
    "VB Heading 1": (14, True, False, "justify", 10, 6, 6, 1.15),
    "VB Heading 2": (14, True, False, "justify", 10, 3, 6, 1.15),
    "VB Heading 3": (14, True, True, "justify", 10, 0, 6, 1.15),
    "VB Center": (14, True, False, "center", 0, 6, 6, 1.0),
    "VB Title": (14, True, False, "center", 0, 18, 0, 1.0),
    "VB Subject": (14, True, False, "center", 0, 0, 0, 1.0),
    "VB Note": (14, False, True, "center", 0, 0, 0, 1.0),
    "VB Recipient": (14, False, False, "center", 0, 6, 6, 1.0),
    "VB Letterhead": (13, False, False, "center", 0, 0, 0, 1.0),
    "VB Table": (12, False, False, "left", 0, 2, 2, 1.0),
    "VB Table Head": (12, True, False, "center", 0, 2, 2, 1.0),
    "VB Recipients Head": (12, True, True, "left", 0, 6, 0, 1.0),
    "VB Recipients": (11, False, False, "left", 0, 0, 0, 1.0),
    "VB Signer": (14, True, False, "center", 0, 6, 0, 1.0),
    "VB Rule": (1, False, False, "center", 0, 4, 0, 1.0),
    "VB Gap": (6, False, False, "left", 0, 0, 0, 1.0),
    "VB Page": (13, False, False, "center", 0, 0, 0, 1.0),
}
KEEP_WITH_NEXT = {"VB Heading 1", "VB Heading 2", "VB Heading 3", "VB Title", "VB Subject",
                  "VB Center"}
OUTLINE = {"VB Heading 1": 0, "VB Heading 2": 1, "VB Heading 3": 2}
# what the blocks loop prints for each plain-text block type
TEXT_BLOCKS = {"heading1": "VB Heading 1", "heading2": "VB Heading 2",
               "heading3": "VB Heading 3", "para": "VB Body", "basis": "VB Basis",
               "center": "VB Center"}


# ---- fonts and styles ------------------------------------------------------------------------
def set_fonts(rpr) -> None:
    """Times New Roman for every script, no theme font that could override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


def set_document_defaults(doc) -> None:
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr)
    for fonts in styles.iter(qn("w:rFonts")):
        set_fonts(fonts.getparent())
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    set_fonts(normal.element.get_or_add_rPr())


def add_styles(doc) -> None:
    for name, (size, bold, italic, align, indent, before, after, line) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        set_fonts(style.element.get_or_add_rPr())
        fmt = style.paragraph_format
        fmt.alignment = ALIGN[align]
        fmt.first_line_indent = Mm(indent)
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        fmt.line_spacing = line
        fmt.widow_control = True
        fmt.keep_with_next = name in KEEP_WITH_NEXT
        if name in OUTLINE:
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(OUTLINE[name]))
            style.element.get_or_add_pPr().append(level)


# ---- paragraph helpers -----------------------------------------------------------------------
def add_text(container, text: str, style: str, *, size: int | None = None, bold=None,
             italic=None, align: str | None = None):
    p = container.add_paragraph(style=style)
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if italic is not None:
        run.font.italic = italic
    if align:
        p.paragraph_format.alignment = ALIGN[align]
    return p


def add_rule(container, width: float, available: float, after: int = 0):
    """A centred horizontal rule `width` mm long: an empty paragraph's bottom border."""
    p = container.add_paragraph(style="VB Rule")
    p.paragraph_format.space_after = Pt(after)
    side = Mm(max(available - width, 0) / 2)
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc",
        "w:rPr")
    return p


def add_tag(container, tag: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); docxtpl removes it."""
    return add_text(container, tag, "VB Body")


def first_cell_paragraph(cell, text: str, style: str, **kw):
    """Write into the cell's initial empty paragraph instead of adding a second one."""
    p = cell.paragraphs[0]
    p.style = cell.part.document.styles[style]
    run = p.add_run(text)
    for key, value in kw.items():
        setattr(run.font, key, Pt(value) if key == "size" else value)
    return p


def add_page_field(paragraph) -> None:
    """A PAGE field (begin, instruction, separate, result, end)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text


def borderless(tbl, widths: list[float]):
    tbl.autofit = False
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, width in enumerate(widths):
        tbl.columns[i].width = Mm(width)
        for cell in tbl.columns[i].cells:
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def keep_row_together(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    trpr.append(header)


# ---- the parts of the document ---------------------------------------------------------------
def add_page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    page = section.header.paragraphs[0]
    page.style = doc.styles["VB Page"]
    add_page_field(page)
    section.first_page_header.paragraphs[0].style = doc.styles["VB Page"]


def add_letterhead(doc) -> None:
    tbl = doc.add_table(rows=2, cols=2)
    borderless(tbl, [LEFT, RIGHT])
    left, right = tbl.cell(0, 0), tbl.cell(0, 1)
    first_cell_paragraph(left, "{{ doc.issuer.superior }}", "VB Letterhead")
    add_text(left, "{{ doc.issuer.name }}", "VB Letterhead", bold=True)
    add_rule(left, 22, LEFT - 2 * CELL_MARGIN)
    first_cell_paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "VB Letterhead",
                         bold=True, size=12)
    add_text(right, "Độc lập - Tự do - Hạnh phúc", "VB Letterhead", bold=True, size=13)
    add_rule(right, 62, RIGHT - 2 * CELL_MARGIN)
    number = first_cell_paragraph(tbl.cell(1, 0), "{{ doc.number }}", "VB Letterhead")
    date = first_cell_paragraph(tbl.cell(1, 1), "{{ doc.place_date }}", "VB Letterhead",
                                italic=True, size=14)
    for p in (number, date):
        p.paragraph_format.space_before = Pt(6)


def add_title(doc, prefix: str, with_recipient: bool) -> None:
    add_text(doc, "{{ " + prefix + ".kind }}", "VB Title")
    add_text(doc, "{{ " + prefix + ".subject }}", "VB Subject")
    if prefix != "doc":
        add_text(doc, "{{ " + prefix + ".note }}", "VB Note")
    add_rule(doc, 40, TEXT_WIDTH, after=12)
    if with_recipient:
        add_tag(doc, "{%p if doc.recipient %}")
        add_text(doc, "{{ doc.recipient }}", "VB Recipient")
        add_tag(doc, "{%p endif %}")
        add_tag(doc, "{%p if doc.authority %}")
        p = add_text(doc, "{{ doc.authority }}", "VB Center")
        p.paragraph_format.space_before = Pt(12)
        add_tag(doc, "{%p endif %}")


def add_data_table(doc, layout: str) -> None:
    columns = TABLE_LAYOUTS[layout]
    tbl = doc.add_table(rows=6, cols=len(columns))
    tbl.style = doc.styles["Table Grid"]
    borderless(tbl, [w for w, _ in columns])
    head, loop, row, end, total_if, total = tbl.rows
    repeat_header(head)
    for r in (row, total):
        keep_row_together(r)
    loop.cells[0].paragraphs[0].add_run("{%tr for r in b.rows %}")
    end.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    total_if.cells[0].paragraphs[0].add_run("{%tr if b.total %}")
    tbl.add_row().cells[0].paragraphs[0].add_run("{%tr endif %}")
    for i, (_, align) in enumerate(columns):
        first_cell_paragraph(head.cells[i], "{{ b.header[" + str(i) + "] }}", "VB Table Head")
        for r, expr, bold in ((row, f"r[{i}]", None), (total, f"b.total[{i}]", True)):
            p = first_cell_paragraph(r.cells[i], "{{ " + expr + " }}", "VB Table",
                                     **({"bold": True} if bold else {}))
            p.paragraph_format.alignment = ALIGN[align]
        for r in (head, row, total):
            r.cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    add_text(doc, "", "VB Gap")


def add_blocks(doc, source: str) -> None:
    """The loop over a context's blocks: one branch per block type and table layout."""
    add_tag(doc, "{%p for b in " + source + " %}")
    word = "if"
    for kind, style in TEXT_BLOCKS.items():
        add_tag(doc, "{%p " + f'{word} b.type == "{kind}"' + " %}")
        add_text(doc, "{{ b.text }}", style)
        word = "elif"
    add_tag(doc, '{%p elif b.type == "article" %}')
    p = doc.add_paragraph(style="VB Body")
    p.add_run("{{ b.label }}").font.bold = True
    p.add_run(" {{ b.text }}")
    for layout in TABLE_LAYOUTS:
        add_tag(doc, '{%p elif b.type == "table" and b.layout == "' + layout + '" %}')
        add_data_table(doc, layout)
    add_tag(doc, "{%p endif %}")
    add_tag(doc, "{%p endfor %}")


def add_signature(doc) -> None:
    add_text(doc, "", "VB Gap")
    tbl = doc.add_table(rows=1, cols=2)
    borderless(tbl, [80, 85])
    keep_row_together(tbl.rows[0])
    left, right = tbl.cell(0, 0), tbl.cell(0, 1)
    first_cell_paragraph(left, "Nơi nhận:", "VB Recipients Head")
    add_tag(left, "{%p for line in doc.recipients %}")
    add_text(left, "{{ line }}", "VB Recipients")
    add_tag(left, "{%p endfor %}")
    first_cell_paragraph(right, "{{ doc.signer.title }}", "VB Signer")
    for _ in range(4):
        add_text(right, "", "VB Signer")
    add_text(right, "{{ doc.signer.name }}", "VB Signer")


def add_appendix(doc) -> None:
    add_tag(doc, "{%p if doc.appendix %}")
    start = len(doc.paragraphs)
    add_title(doc, "doc.appendix", with_recipient=False)
    doc.paragraphs[start].paragraph_format.page_break_before = True
    add_text(doc, "", "VB Gap")
    add_blocks(doc, "doc.appendix.blocks")
    add_tag(doc, "{%p endif %}")


def build_template() -> bytes:
    doc = Document()
    set_document_defaults(doc)
    add_styles(doc)
    add_page_setup(doc)
    # a Phụ lục sent as its own file is the appendix alone, without the letterhead
    add_tag(doc, "{%p if not doc.appendix_only %}")
    add_letterhead(doc)
    add_title(doc, "doc", with_recipient=True)
    add_blocks(doc, "doc.blocks")
    add_signature(doc)
    add_tag(doc, "{%p endif %}")
    add_appendix(doc)
    fix_core_properties(doc.core_properties, "Mẫu văn bản hành chính", "", TEMPLATE_DATE)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), TEMPLATE_DATE)


def main() -> None:
    DOCX_TEMPLATE.write_bytes(build_template())
    print(DOCX_TEMPLATE)


if __name__ == "__main__":
    main()
