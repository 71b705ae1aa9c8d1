"""Generate `templates/bien_ban.docx`, the Word template of the council's minutes.

    .venv/bin/python -m pipeline.council.minutes_template

Deterministic (same bytes every run; a test compares). It reuses the Decree-30 parts of
`templates/make_docx_templates.py` (page, styles, letterhead, title, text blocks) and differs
in two places: its tables are the minutes' own (`LAYOUTS`), and it ends with the two signatures
a Biên bản carries — the Thư ký on the left, the Chủ tịch on the right — then `Nơi nhận`.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.shared import Pt

from pipeline.outputs.documents.blocks import TEMPLATES
from pipeline.outputs.documents.render import fix_core_properties, fixed_zip

MINUTES_TEMPLATE = TEMPLATES / "bien_ban.docx"
# per column (width in mm, align); the text area is 165 mm wide
LAYOUTS: dict[str, tuple[tuple[int, str], ...]] = {
    "votes": ((12, "center"), (32, "left"), (17, "center"), (15, "center"), (17, "center"),
              (17, "center"), (15, "center"), (15, "center"), (25, "center")),
    "members": ((12, "center"), (48, "left"), (60, "left"), (45, "left")),
}


def _base():
    """templates/make_docx_templates.py, loaded by path (templates/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "make_docx_templates", Path(TEMPLATES) / "make_docx_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table(base, doc, layout: str) -> None:
    """A data table of a minutes layout (as make_docx_templates.add_data_table, own widths)."""
    columns = LAYOUTS[layout]
    tbl = doc.add_table(rows=3, cols=len(columns))
    tbl.style = doc.styles["Table Grid"]
    base.borderless(tbl, [w for w, _ in columns])
    head, loop, row = tbl.rows
    base.repeat_header(head)
    base.keep_row_together(row)
    loop.cells[0].paragraphs[0].add_run("{%tr for r in b.rows %}")
    tbl.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for i, (_, align) in enumerate(columns):
        base.first_cell_paragraph(head.cells[i], "{{ b.header[" + str(i) + "] }}",
                                  "VB Table Head")
        p = base.first_cell_paragraph(row.cells[i], "{{ r[" + str(i) + "] }}", "VB Table")
        p.paragraph_format.alignment = base.ALIGN[align]
        for r in (head, row):
            r.cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    base.add_text(doc, "", "VB Gap")


def _blocks(base, doc) -> None:
    base.add_tag(doc, "{%p for b in doc.blocks %}")
    word = "if"
    for kind, style in base.TEXT_BLOCKS.items():
        base.add_tag(doc, "{%p " + f'{word} b.type == "{kind}"' + " %}")
        base.add_text(doc, "{{ b.text }}", style)
        word = "elif"
    for layout in LAYOUTS:
        base.add_tag(doc, '{%p elif b.type == "table" and b.layout == "' + layout + '" %}')
        _table(base, doc, layout)
    base.add_tag(doc, "{%p endif %}")
    base.add_tag(doc, "{%p endfor %}")


def _signatures(base, doc) -> None:
    base.add_text(doc, "", "VB Gap")
    tbl = doc.add_table(rows=1, cols=2)
    base.borderless(tbl, [80, 85])
    base.keep_row_together(tbl.rows[0])
    for cell, who in zip(tbl.rows[0].cells, ("doc.secretary", "doc.chair"), strict=True):
        base.first_cell_paragraph(cell, "{{ " + who + ".title }}", "VB Signer")
        base.add_text(cell, "(Ký, ghi rõ họ tên)", "VB Note", size=13)
        for _ in range(3):
            base.add_text(cell, "", "VB Signer")
        base.add_text(cell, "{{ " + who + ".name }}", "VB Signer")
    base.add_text(doc, "", "VB Gap")
    p = base.add_text(doc, "Nơi nhận:", "VB Recipients Head")
    p.paragraph_format.space_before = Pt(12)
    base.add_tag(doc, "{%p for line in doc.recipients %}")
    base.add_text(doc, "{{ line }}", "VB Recipients")
    base.add_tag(doc, "{%p endfor %}")


def build_template() -> bytes:
    base = _base()
    doc = Document()
    base.set_document_defaults(doc)
    base.add_styles(doc)
    base.add_page_setup(doc)
    base.add_letterhead(doc)
    base.add_title(doc, "doc", with_recipient=False)
    _blocks(base, doc)
    _signatures(base, doc)
    fix_core_properties(doc.core_properties, "Mẫu biên bản", "", base.TEMPLATE_DATE)
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue(), base.TEMPLATE_DATE)


def main() -> None:
    MINUTES_TEMPLATE.write_bytes(build_template())
    print(MINUTES_TEMPLATE)


if __name__ == "__main__":
    main()
