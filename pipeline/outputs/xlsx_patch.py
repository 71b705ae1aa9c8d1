"""The annotated feedback copy of an .xlsx/.xlsm, made by patching its OOXML package.

Cost: the flagged cells plus one pass over the file's bytes. Parts that do not change are
copied compressed as they are (their CRC checked by inflating them once); a sheet with flagged
cells is inflated, spliced where its flagged rows lie (rows are found by bisecting the sheet's
bytes: rows are in ascending order) and deflated again. Small parts (workbook, styles, rels,
content types, comments, VML) are parsed with lxml, with entities, DTDs and the network off;
any part that declares a DTD (or holds comments, CDATA or processing instructions where a
byte scan must not meet them) is refused. Whatever this module does not expect raises
`Unexpected`, and feedback falls back to openpyxl. Comments and their VML shapes are in
pipeline/outputs/xlsx_notes.py. The output depends only on the inputs: fixed zip times, fixed order.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=False)
_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>"""
_ROOT = re.compile(rb"<worksheet\b" + _ATTRS)
_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")
_ROW_TAG = re.compile(rb"<row" + _ATTRS)
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})[0-9]+"')
_CELL_TAG = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"' + _ATTRS)
_STYLE_ATTR = re.compile(rb'(?<=\s)s\s*=\s*"([0-9]+)"')
_NO_LEADING_R = re.compile(rb'<(?:c|row)(?:[>/\t\n\r]| (?!r="))')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_TAB_SELECTED = re.compile(rb"""\stabSelected\s*=\s*(["'])(?:1|true)\1""")
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')
# Elements a worksheet may have after <legacyDrawing> (ECMA-376 CT_Worksheet order).
_AFTER_LEGACY = {"legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst", "AlternateContent"}
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_BIG_PART = 1 << 20
_ZIP_MIN, _ZIP_MAX = dt.datetime(1980, 1, 1), dt.datetime(2107, 12, 31, 23, 59, 58)


class Unexpected(Exception):
    """Something this patcher does not handle: feedback takes the openpyxl route instead."""


def q(name: str, ns: str = MAIN) -> str:
    return f"{{{ns}}}{name}"


def parse(data: bytes) -> etree._Element:
    if b"<!" in data:  # a DTD (entities), a comment or CDATA: not what Excel writes
        raise Unexpected("declaration in XML part")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unexpected(str(exc)) from exc


def dump(root: etree._Element, declaration: bool = True) -> bytes:
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return _DECL + body if declaration else body


def ref_position(ref: str) -> tuple[int, int]:
    """(row, column) of "F12"; Unexpected for anything else."""
    found = _REF.match(ref.strip().upper())
    if found is None:
        raise Unexpected(f"cell reference {ref!r}")
    return int(found[2]), col_number(found[1])


def col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


# --- the package ----------------------------------------------------------------------------
class Package:
    """The zip: parts read by name (case-insensitive), replaced, added or removed."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self.zip.infolist()
        self.names = {i.filename.lower(): i.filename for i in self.infos}
        if len(self.names) != len(self.infos) or len(self.infos) > 65_000:
            raise Unexpected("duplicate or too many parts")
        self.new: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def name(self, part: str) -> str | None:
        part = part.lstrip("/")
        if part in self.new:
            return part
        name = self.names.get(part.lower())
        return None if name is None or name in self.removed else name

    def read(self, part: str) -> bytes:
        name = self.name(part)
        if name is None:
            raise Unexpected(f"missing part {part}")
        return self.new[name] if name in self.new else self.zip.read(name)

    def write(self, part: str, content: bytes) -> None:
        self.new[self.name(part) or part.lstrip("/")] = content

    def remove(self, part: str) -> None:
        name = self.name(part)
        if name is not None:
            self.new.pop(name, None)
            self.removed.add(name)

    def free(self, stem: str, ext: str) -> str:
        """`stem{N}.ext` with the smallest N not taken."""
        n = 1
        while self.name(f"{stem}{n}.{ext}") is not None:
            n += 1
        return f"{stem}{n}.{ext}"

    def save(self, stamp: dt.datetime) -> bytes:
        when = min(max(stamp, _ZIP_MIN), _ZIP_MAX)
        dos_time = when.hour << 11 | when.minute << 5 | when.second // 2
        dos_date = (when.year - 1980) << 9 | when.month << 5 | when.day
        out, central = io.BytesIO(), []
        order = [i.filename for i in self.infos if i.filename not in self.removed]
        order += [n for n in self.new if n not in order]
        for name in order:
            if name in self.new:
                content = self.new[name]
                # a big rewritten sheet: speed over the last 25 % of size
                level = 1 if len(content) > _BIG_PART else 6
                packer = zlib.compressobj(level, zlib.DEFLATED, -15)
                raw = packer.compress(content) + packer.flush()
                crc, size, method = zlib.crc32(content), len(content), zipfile.ZIP_DEFLATED
            else:
                raw, crc, size, method = self._raw(self.zip.getinfo(name))
            encoded = name.encode("ascii") if name.isascii() else name.encode("utf-8")
            flags = 0 if name.isascii() else 0x800
            if max(len(raw), size, out.tell()) >= 0xFFFFFFFF:
                raise Unexpected("zip64 needed")
            fields = (20, flags, method, dos_time, dos_date, crc, len(raw), size, len(encoded))
            central.append((fields, out.tell(), encoded))
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + encoded + raw)
        start = out.tell()
        for fields, offset, encoded in central:
            out.write(struct.pack("<4s6H3L5HLL", b"PK\x01\x02", 0x0314, *fields, 0, 0, 0, 0,
                                  0o644 << 16, offset) + encoded)
        size = out.tell() - start
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                              size, start, 0))
        return out.getvalue()

    def _raw(self, info: zipfile.ZipInfo) -> tuple[bytes, int, int, int]:
        """An unchanged part's compressed bytes, after checking them against their CRC."""
        if info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                             zipfile.ZIP_DEFLATED):
            raise Unexpected("encrypted or unusual compression")
        with self.zip.open(info) as part:  # reads to the declared size and checks the CRC
            while part.read(1 << 20):
                pass
        at = info.header_offset
        head = self.data[at:at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise Unexpected("bad local header")
        name_len, extra_len = struct.unpack("<2H", head[26:30])
        start = at + 30 + name_len + extra_len
        raw = self.data[start:start + info.compress_size]
        if len(raw) != info.compress_size:
            raise Unexpected("truncated part")
        return raw, info.CRC, info.file_size, info.compress_type


class Rels:
    """A part's relationships file."""

    def __init__(self, pkg: Package, source: str):
        folder, base = posixpath.split(source)
        self.folder, self.path = folder, posixpath.join(folder, "_rels", base + ".rels")
        self.root = (parse(pkg.read(self.path)) if pkg.name(self.path)
                     else etree.Element(q("Relationships", PKG), nsmap={None: PKG}))

    def items(self) -> list[tuple[str, str, str]]:
        """(id, type, resolved part name) of every internal relationship."""
        return [(r.get("Id"), r.get("Type"), self.resolve(r.get("Target", "")))
                for r in self.root if r.get("TargetMode") != "External"]

    def resolve(self, target: str) -> str:
        path = target if target.startswith("/") else posixpath.join("/" + self.folder, target)
        return posixpath.normpath(path).lstrip("/")

    def add(self, kind: str, target: str) -> str:
        ids = {r.get("Id") for r in self.root}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        etree.SubElement(self.root, q("Relationship", PKG), Id=f"rId{n}",
                         Type=kind if "://" in kind else f"{REL}/{kind}", Target="/" + target)
        return f"rId{n}"

    def save(self, pkg: Package) -> None:
        pkg.write(self.path, dump(self.root))


class ContentTypes:
    def __init__(self, pkg: Package):
        self.root = parse(pkg.read("[Content_Types].xml"))

    def of(self, part: str) -> str | None:
        for el in self.root.iter(q("Override", TYPES)):
            if el.get("PartName", "").lstrip("/").lower() == part.lower():
                return el.get("ContentType")
        ext = part.rsplit(".", 1)[-1].lower()
        for el in self.root.iter(q("Default", TYPES)):
            if el.get("Extension", "").lower() == ext:
                return el.get("ContentType")
        return None

    def override(self, part: str, kind: str) -> None:
        for el in list(self.root.iter(q("Override", TYPES))):
            if el.get("PartName", "").lstrip("/").lower() == part.lower():
                self.root.remove(el)
        etree.SubElement(self.root, q("Override", TYPES), PartName="/" + part, ContentType=kind)

    def default(self, ext: str, kind: str) -> None:
        if not any(el.get("Extension", "").lower() == ext
                   for el in self.root.iter(q("Default", TYPES))):
            self.root.insert(0, etree.Element(q("Default", TYPES), Extension=ext,
                                              ContentType=kind))

    def save(self, pkg: Package) -> None:
        for name in (n for n in [*pkg.names.values(), *pkg.new] if pkg.name(n) == n):
            if not name.endswith("/") and name != "[Content_Types].xml" and not self.of(name):
                raise Unexpected(f"no content type for {name}")
        pkg.write("[Content_Types].xml", dump(self.root))


# --- styles ---------------------------------------------------------------------------------
class Styles:
    def __init__(self, pkg: Package, part: str):
        self.part, self.root = part, parse(pkg.read(part))
        found = {n: self.root.find(q(n)) for n in ("fonts", "fills", "borders", "cellXfs")}
        if any(el is None or not len(el) for el in found.values()):
            raise Unexpected("styles without fonts, fills, borders or cell formats")
        self.fonts, self.fills, self.borders, self.xfs = found.values()
        self.cells = list(self.xfs)
        self._fill: dict[str, int] = {}
        self._highlight: dict[tuple[int, str], int] = {}
        self._thin: dict[str, int] = {}

    def _add(self, parent: etree._Element, element: etree._Element) -> int:
        parent.append(element)
        parent.set("count", str(len(parent)))
        return len(parent) - 1

    def fill(self, rgb: str) -> int:
        if rgb not in self._fill:
            fill = etree.Element(q("fill"))
            pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
            etree.SubElement(pattern, q("fgColor"), rgb=rgb)
            self._fill[rgb] = self._add(self.fills, fill)
        return self._fill[rgb]

    def highlight(self, index: int, rgb: str) -> int:
        """The cell format `index` with the fill `rgb` (one new format per pair)."""
        if index >= len(self.cells):
            raise Unexpected("cell format out of range")
        if (index, rgb) not in self._highlight:
            xf = copy.deepcopy(self.cells[index])
            xf.set("fillId", str(self.fill(rgb)))
            xf.set("applyFill", "1")
            self._highlight[index, rgb] = self._add(self.xfs, xf)
        return self._highlight[index, rgb]

    def add_format(self, font: dict | None = None, rgb: str | None = None,
                   border: str | None = None, alignment: dict | None = None) -> int:
        """A new cell format: `font` {"b": "1", "sz": "13"}, solid fill, thin border colour."""
        xf = etree.Element(q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0",
                           xfId="0")
        if font:
            element = etree.Element(q("font"))
            for key, val in font.items():
                etree.SubElement(element, q(key), val=val)
            xf.set("fontId", str(self._add(self.fonts, element)))
            xf.set("applyFont", "1")
        if rgb:
            xf.set("fillId", str(self.fill(rgb)))
            xf.set("applyFill", "1")
        if border:
            xf.set("borderId", str(self._border(border)))
            xf.set("applyBorder", "1")
        if alignment:
            etree.SubElement(xf, q("alignment"), **alignment)
            xf.set("applyAlignment", "1")
        return self._add(self.xfs, xf)

    def _border(self, rgb: str) -> int:
        if rgb not in self._thin:
            border = etree.Element(q("border"))
            for side in ("left", "right", "top", "bottom"):
                line = etree.SubElement(border, q(side), style="thin")
                etree.SubElement(line, q("color"), rgb=rgb)
            etree.SubElement(border, q("diagonal"))
            self._thin[rgb] = self._add(self.borders, border)
        return self._thin[rgb]


# --- one worksheet --------------------------------------------------------------------------
class Sheet:
    """A worksheet's XML as head / <sheetData> rows / tail, patched by splicing bytes."""

    def __init__(self, xml: bytes):
        if b"<!" in xml or xml.find(b"<?", 1) != -1:
            raise Unexpected("DTD, comment, CDATA or instruction in a sheet")
        root = _ROOT.search(xml)
        if root is None or f'xmlns="{MAIN}"'.encode() not in root[1]:
            raise Unexpected("worksheet root not in the main namespace without prefix")
        self.root_tag = root[0]
        data = _SHEET_DATA.search(xml, root.end())
        if data is None:
            raise Unexpected("no sheetData")
        close = data.end() if data[1] else xml.find(b"</sheetData>", data.end())
        if close < 0:
            raise Unexpected("sheetData not closed")
        self.head, self.body = xml[:data.start()], xml[data.end():close] if not data[1] else b""
        self.tail = xml[close + (0 if data[1] else len(b"</sheetData>")):]
        if not self.tail.rstrip().endswith(b"</worksheet>"):
            raise Unexpected("tail")
        if _NO_LEADING_R.search(self.body):
            raise Unexpected("a row or cell without a leading r attribute")
        self.merges = [(col_number(a), int(b), col_number(c), int(d))
                       for a, b, c, d in _MERGE.findall(self.tail)]
        self.splices: list[tuple[int, int, int, bytes]] = []  # (start, end, row, bytes)
        self.columns: set[int] = set()
        self.rows: set[int] = set()
        self.legacy_id: str | None = None
        self.add_legacy: str | None = None

    @functools.cached_property
    def min_column(self) -> int:
        """openpyxl's `min_column`: the first column with a cell (merged cells count)."""
        if re.search(rb'<c r="A[0-9]', self.body):
            return 1
        found = [col_number(c) for c in set(_CELL_REF.findall(self.body))]
        found += [c1 if r2 > r1 else c1 + 1 for c1, r1, c2, r2 in self.merges
                  if (c1, r1) != (c2, r2)]
        return min(found, default=1)

    def target(self, row: int, col: int) -> tuple[int, int]:
        col = col or self.min_column
        for c1, r1, c2, r2 in self.merges:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return r1, c1
        return row, col

    def _row_at(self, pos: int) -> tuple[int, int]:
        """(number, start) of the first row tag at or after `pos`; (inf, len) when none."""
        start = self.body.find(b'<row r="', pos)
        if start < 0:
            return 1 << 30, len(self.body)
        end = self.body.index(b'"', start + 8)
        return int(self.body[start + 8:end]), start

    def restyle(self, row: int, cols: dict[int, str], style: Callable[[int, str], int]) -> None:
        """Give each cell `cols[col]`'s highlight (adding cells and the row when missing)."""
        lo, hi = 0, len(self.body)
        while lo < hi:  # rows are in ascending order: bisect the bytes
            mid = (lo + hi) // 2
            if self._row_at(mid)[0] >= row:
                hi = mid
            else:
                lo = mid + 1
        number, start = self._row_at(lo)
        before = self.body.rfind(b'<row r="', 0, start)
        if before >= 0 and self._row_at(before)[0] >= row:
            raise Unexpected("rows out of order")
        cells = sorted(cols.items())
        if number != row:
            new = b"".join(b'<c r="%s%d" s="%d"/>' % (col_letters(c).encode(), row, style(0, rgb))
                           for c, rgb in cells)
            self.splices.append((start, start, row, b'<row r="%d">%s</row>' % (row, new)))
        else:
            tag = _ROW_TAG.match(self.body, start)
            if tag is None:
                raise Unexpected("row tag")
            end = tag.end() if tag[2] else self.body.find(b"</row>", tag.end())
            if end < 0:
                raise Unexpected("row not closed")
            inner = b"" if tag[2] else self.body[tag.end():end]
            for col, rgb in cells:
                inner = self._restyle_cell(inner, row, col, rgb, style)
            attrs = tag[1]
            if _SPANS.search(attrs):  # spans are a hint; drop rather than leave them wrong
                attrs = _SPANS.sub(b"", attrs)
            closing = 0 if tag[2] else len(b"</row>")
            self.splices.append((start, end + closing, row,
                                 b"<row%s>%s</row>" % (attrs, inner)))
        self.rows.add(row)
        self.columns.update(cols)

    @staticmethod
    def _restyle_cell(inner: bytes, row: int, col: int, rgb: str, style) -> bytes:
        ref = b"%s%d" % (col_letters(col).encode(), row)
        found = next((m for m in _CELL_TAG.finditer(inner) if m[1] == ref), None)
        if found is None:  # a missing cell: inserted in column order
            at = next((m.start() for m in _CELL_REF.finditer(inner)
                       if col_number(m[1]) > col), len(inner))
            return inner[:at] + b'<c r="%s" s="%d"/>' % (ref, style(0, rgb)) + inner[at:]
        attrs = found[2]
        old = _STYLE_ATTR.search(attrs)
        new = b's="%d"' % style(int(old[1]) if old else 0, rgb)
        attrs = attrs[:old.start()] + new + attrs[old.end():] if old else attrs + b" " + new
        tag = b'<c r="%s"%s%s' % (ref, attrs, b"/>" if found[3] else b">")
        return inner[:found.start()] + tag + inner[found.end():]

    def bytes(self, deselect: bool) -> bytes:
        head = _TAB_SELECTED.sub(b' tabSelected="0"', self.head) if deselect else self.head
        if self.rows:
            head = _DIMENSION.sub(self._dimension, head, count=1)
        parts, at = [], 0
        for start, end, _, new in sorted(self.splices, key=lambda s: (s[0], s[2])):
            parts += [self.body[at:start], new]
            at = end
        parts.append(self.body[at:])
        tail = self._tail_with_legacy() if self.add_legacy else self.tail
        return b"".join([head, b"<sheetData>", *parts, b"</sheetData>", tail])

    def _dimension(self, m: re.Match) -> bytes:
        c1, r1 = col_number(m[1]), int(m[2])
        c2, r2 = (col_number(m[3]), int(m[4])) if m[3] else (c1, r1)
        c1, c2 = min(c1, *self.columns), max(c2, *self.columns)
        r1, r2 = min(r1, *self.rows), max(r2, *self.rows)
        return b'<dimension ref="%s%d:%s%d"' % (col_letters(c1).encode(), r1,
                                                 col_letters(c2).encode(), r2)

    def _tail_with_legacy(self) -> bytes:
        """The tail with <legacyDrawing r:id=…/> in its place among the top-level elements."""
        wrapper = parse(self.root_tag + self.tail)
        element = etree.Element(q("legacyDrawing"), nsmap={"r": REL})
        element.set(q("id", REL), self.add_legacy)
        later = [i for i, el in enumerate(wrapper)
                 if isinstance(el.tag, str) and etree.QName(el).localname in _AFTER_LEGACY]
        wrapper.insert(later[0] if later else len(wrapper), element)
        text = dump(wrapper, declaration=False)
        opening = re.match(rb"<[^\s>]+" + _ATTRS, text)
        if opening is None or opening[2]:
            raise Unexpected("tail wrapper")
        return text[opening.end():]
