"""A worksheet's comments part and legacy VML drawing, patched or added (see xlsx_patch.py).

The layout is openpyxl's (and Excel's): `xl/commentsN.xml` and `xl/drawings/commentsDrawingN.vml`
linked from the sheet, one note shape per comment as openpyxl's ShapeWriter makes it. An
existing drawing (comments, or form controls) is extended: its shapes stay, a commented cell's
shape is resized, new ones take ids after the drawing's highest.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from pipeline.outputs.xlsx_patch import (
    MAIN,
    REL,
    Package,
    Rels,
    Sheet,
    Unexpected,
    col_letters,
    dump,
    parse,
    q,
    ref_position,
)

VML, OFFICE, EXCEL = ("urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office",
                      "urn:schemas-microsoft-com:office:excel")
_SHAPE_SIZE = re.compile(r"(width|height):[^;]*")


class Notes:
    """One sheet's comments part and legacy VML drawing, existing or new."""

    def __init__(self, pkg: Package, sheet_part: str, sheet: Sheet, rels: Rels):
        self.pkg, self.rels, self.sheet = pkg, rels, sheet
        links = rels.items()
        comments = [t for _, kind, t in links if kind == f"{REL}/comments"]
        legacy = re.search(rb'<legacyDrawing\s+[^>]*?\bid="([^"]+)"', sheet.tail)
        if len(comments) > 1:
            raise Unexpected("several comment parts")
        if comments:
            self.part, self.root = comments[0], parse(pkg.read(comments[0]))
        else:
            self.part = pkg.free("xl/comments", "xml")
            self.root = etree.Element(q("comments"), nsmap={None: MAIN})
            etree.SubElement(self.root, q("authors"))
            etree.SubElement(self.root, q("commentList"))
            rels.add("comments", self.part)
        self.authors = self.root.find(q("authors"))
        self.list = self.root.find(q("commentList"))
        if self.authors is None or self.list is None:
            raise Unexpected("comments part")
        self.by_ref = {el.get("ref", "").replace("$", ""): el for el in self.list}
        self.shapes: dict[tuple[str, str], etree._Element] = {}
        self.next_id: int | None = None
        if legacy:
            target = {i: t for i, _, t in links}.get(legacy[1].decode())
            if target is None:
                raise Unexpected("legacy drawing without its part")
            self.vml_part, self.vml = target, parse(pkg.read(target))
            for shape in self.vml.iter(q("shape", VML)):
                data = shape.find(q("ClientData", EXCEL))
                if data is not None and data.get("ObjectType") == "Note":
                    where = (data.findtext(q("Row", EXCEL), "").strip(),
                             data.findtext(q("Column", EXCEL), "").strip())
                    self.shapes.setdefault(where, shape)
        else:
            self.vml_part = pkg.free("xl/drawings/commentsDrawing", "vml")
            sheet.add_legacy = rels.add("vmlDrawing", self.vml_part)
            self.vml = self._new_vml()
            for el in self.list:  # comments without shapes (no drawing yet): give them one
                self._shape(*ref_position(el.get("ref", "")), 79, 144)

    def _new_vml(self) -> etree._Element:
        root = etree.Element("xml", nsmap={"v": VML, "o": OFFICE, "x": EXCEL})
        layout = etree.SubElement(root, q("shapelayout", OFFICE), {q("ext", VML): "edit"})
        etree.SubElement(layout, q("idmap", OFFICE), {q("ext", VML): "edit", "data": "1"})
        return root

    def put(self, row: int, col: int, author: str,
            compose: Callable[[str | None, str], tuple[str, int]]) -> None:
        """Comment the cell: `compose(old author or None, old text)` gives (text, box height)."""
        ref = f"{col_letters(col)}{row}"
        old_author, before = None, ""
        names = [a.text or "" for a in self.authors]
        old = self.by_ref.pop(ref, None)
        if old is not None:
            index = int(old.get("authorId", "0"))
            old_author = names[index] if index < len(names) else ""
            body = old.find(q("text"))
            before = "".join(t.text or "" for t in (body.iter(q("t")) if body is not None else ())
                             if t.getparent().tag != q("rPh"))
            self.list.remove(old)
        text, height = compose(old_author, before)
        if author not in names:
            etree.SubElement(self.authors, q("author")).text = author
            names.append(author)
        comment = etree.SubElement(self.list, q("comment"), ref=ref,
                                   authorId=str(names.index(author)), shapeId="0")
        etree.SubElement(etree.SubElement(comment, q("text")), q("t")).text = text
        self.by_ref[ref] = comment
        self._shape(row, col, height, 320)

    def _shape(self, row: int, col: int, height: int, width: int) -> None:
        """Size the cell's note shape, or add one (ids after the drawing's highest)."""
        shape = self.shapes.get((str(row - 1), str(col - 1)))
        if shape is not None:
            size = {"width": f"width:{width}px", "height": f"height:{height}px"}
            style = _SHAPE_SIZE.sub(lambda m: size[m[1]], shape.get("style", ""))
            shape.set("style", style)
            return
        if self.next_id is None:
            if self.vml.find(f"{q('shapetype', VML)}[@id='_x0000_t202']") is None:
                kind = etree.SubElement(self.vml, q("shapetype", VML), {
                    "id": "_x0000_t202", "coordsize": "21600,21600", q("spt", OFFICE): "202",
                    "path": "m,l,21600r21600,l21600,xe"})
                etree.SubElement(kind, q("stroke", VML), joinstyle="miter")
                etree.SubElement(kind, q("path", VML), {"gradientshapeok": "t",
                                                         q("connecttype", OFFICE): "rect"})
            taken = re.findall(r"_x0000_s(\d+)", etree.tostring(self.vml).decode())
            self.next_id = max([1025, *map(int, taken)]) + 1
        shape = _comment_shape(row - 1, col - 1, height, width)
        shape.set("id", f"_x0000_s{self.next_id:04d}")
        self.next_id += 1
        self.vml.append(shape)
        self.shapes[str(row - 1), str(col - 1)] = shape

    def save(self) -> None:
        self.list[:] = sorted(self.list, key=lambda el: ref_position(el.get("ref", "")))
        self.pkg.write(self.part, dump(self.root))
        self.pkg.write(self.vml_part, dump(self.vml, declaration=False))


def _comment_shape(row: int, col: int, height: int, width: int) -> etree._Element:
    """A comment's VML shape, as openpyxl's ShapeWriter makes it (0-based row and column)."""
    shape = etree.Element(q("shape", VML), {
        "type": "#_x0000_t202",
        "style": "position:absolute; margin-left:59.25pt;margin-top:1.5pt;"
                 f"width:{width}px;height:{height}px;z-index:1;visibility:hidden",
        "fillcolor": "#ffffe1", q("insetmode", OFFICE): "auto"})
    etree.SubElement(shape, q("fill", VML), color2="#ffffe1")
    etree.SubElement(shape, q("shadow", VML), color="black", obscured="t")
    etree.SubElement(shape, q("path", VML), {q("connecttype", OFFICE): "none"})
    box = etree.SubElement(shape, q("textbox", VML), style="mso-direction-alt:auto")
    etree.SubElement(box, "div", style="text-align:left")
    data = etree.SubElement(shape, q("ClientData", EXCEL), ObjectType="Note")
    etree.SubElement(data, q("MoveWithCells", EXCEL))
    etree.SubElement(data, q("SizeWithCells", EXCEL))
    etree.SubElement(data, q("AutoFill", EXCEL)).text = "False"
    etree.SubElement(data, q("Row", EXCEL)).text = str(row)
    etree.SubElement(data, q("Column", EXCEL)).text = str(col)
    return shape
