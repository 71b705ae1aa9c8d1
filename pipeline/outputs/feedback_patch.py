"""The annotated feedback copy made by patching the unit's own package
(pipeline/outputs/xlsx_patch.py).

Same result as feedback's openpyxl route (same cells marked, fills, comment texts and box sizes,
the `Phản hồi` sheet first and alone selected, document properties from `stamp`, macros
dropped), at the cost of the flagged cells plus one pass over the file's bytes. Anything not
foreseen raises `xlsx_patch.Unexpected` (or another error): feedback then takes its openpyxl route.
"""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape

from lxml import etree

from pipeline.findings import NOTICE, SEVERITY_ORDER, Finding
from pipeline.outputs import feedback as fb
from pipeline.outputs.xlsx_notes import Notes
from pipeline.outputs.xlsx_patch import (
    COMMENTS_CT,
    MAIN,
    REL,
    SHEET_CT,
    VML_CT,
    XLSM_MAIN,
    XLSX_MAIN,
    ContentTypes,
    Package,
    Rels,
    Sheet,
    Styles,
    Unexpected,
    col_letters,
    dump,
    parse,
    q,
)
from pipeline.text import fold

CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS, XSI = "http://purl.org/dc/terms/", "http://www.w3.org/2001/XMLSchema-instance"
EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_TAB_SELECTED = re.compile(rb"""\stabSelected\s*=\s*(["'])(?:1|true)\1""")


def annotated_bytes(data: bytes, findings: list[Finding], title: str, stamp: dt.datetime) -> bytes:
    """The unit's workbook with the flagged cells filled and commented, `Phản hồi` first."""
    pkg = Package(data)
    types = ContentTypes(pkg)
    package_rels = Rels(pkg, "")
    book_part = next((t for _, k, t in package_rels.items() if k == f"{REL}/officeDocument"),
                     None)
    kind = types.of(book_part) if book_part else None
    if kind not in (XLSX_MAIN, XLSM_MAIN):
        raise Unexpected(f"main part of type {kind}")
    book, rels = parse(pkg.read(book_part)), Rels(pkg, book_part)
    if kind == XLSM_MAIN:
        _drop_macros(pkg, types, rels)
        types.override(book_part, XLSX_MAIN)
    sheets = _sheets(book, rels)
    for element, name, part, sheet_kind in list(reversed(sheets)):
        if fold(name) == fold(fb.FEEDBACK_SHEET):  # a copy of ours sent back: its list is stale
            if sheet_kind != "worksheet":
                raise Unexpected("a chart sheet named like the feedback sheet")
            _remove_sheet(pkg, types, book, rels, sheets, element, part)
    worksheets = [(name, part) for _, name, part, k in sheets if k == "worksheet"]

    loaded: dict[str, Sheet] = {}
    groups: dict[tuple[str, int, int], list[Finding]] = {}
    found: dict[str, str | None] = {}
    for f in findings:
        if f.sheet not in found:
            found[f.sheet] = _find_sheet(worksheets, f.sheet)
        part = found[f.sheet]
        position = fb._cell_position(f.cell)
        if part is None or position is None:
            continue
        if part not in loaded:
            loaded[part] = Sheet(pkg.read(part))
        row, col = loaded[part].target(*position)
        groups.setdefault((part, row, col), []).append(f)

    styles_part = next((t for _, k, t in rels.items() if k == f"{REL}/styles"), None)
    if styles_part is None:
        raise Unexpected("no styles part")
    styles = Styles(pkg, styles_part)
    for part in dict.fromkeys(p for p, _, _ in groups):
        _annotate(pkg, types, part, loaded[part], styles,
                  {(r, c): fs for (p, r, c), fs in groups.items() if p == part})
    for _, _, part, sheet_kind in sheets:
        _deselect(pkg, part, loaded.get(part), sheet_kind)

    _add_listing(pkg, types, book, rels, styles, findings, title)
    pkg.write(styles_part, dump(styles.root))
    pkg.write(book_part, dump(book))
    rels.save(pkg)
    _properties(pkg, types, package_rels, fb._naive_utc(stamp))
    package_rels.save(pkg)
    types.save(pkg)
    return pkg.save(fb._naive_utc(stamp))


def _sheets(book: etree._Element, rels: Rels) -> list[tuple[etree._Element, str, str, str]]:
    """(element, name, part, kind) of every sheet, in the workbook's order."""
    targets = {rid: (kind.rsplit("/", 1)[-1], part) for rid, kind, part in rels.items()}
    listed = book.find(q("sheets"))
    if listed is None:
        raise Unexpected("no sheets")
    found = []
    for element in listed:
        kind, part = targets.get(element.get(q("id", REL)), ("", ""))
        if kind not in ("worksheet", "chartsheet"):
            raise Unexpected(f"sheet of kind {kind!r}")
        found.append((element, element.get("name", ""), part, kind))
    return found


def _find_sheet(worksheets: list[tuple[str, str]], name: str) -> str | None:
    """Like feedback._find_sheet: the exact name, else the folded name when it is unique."""
    if not name:
        return None
    exact = [part for title, part in worksheets if title == name]
    folded = [part for title, part in worksheets if fold(title) == fold(name)]
    matches = exact or folded
    return matches[0] if len(matches) == 1 else None


def _remove_sheet(pkg: Package, types: ContentTypes, book: etree._Element, rels: Rels,
                  sheets: list, element: etree._Element, part: str) -> None:
    index = [s[0] for s in sheets].index(element)
    book.find(q("sheets")).remove(element)
    for rel in [r for r in rels.root if r.get("Id") == element.get(q("id", REL))]:
        rels.root.remove(rel)
    pkg.remove(part)
    pkg.remove(Rels(pkg, part).path)
    types.root[:] = [el for el in types.root
                     if el.get("PartName", "").lstrip("/").lower() != part.lower()]
    names = book.find(q("definedNames"))
    for name in list(names) if names is not None else ():
        local = name.get("localSheetId")
        if local is not None and int(local) == index:
            names.remove(name)
        elif local is not None and int(local) > index:
            name.set("localSheetId", str(int(local) - 1))
    sheets.pop(index)


def _drop_macros(pkg: Package, types: ContentTypes, rels: Rels) -> None:
    """An .xlsm comes back as .xlsx: the VBA project and its parts go."""
    for name in list(pkg.names.values()):
        if "vba" in name.lower() or "vba" in (types.of(name) or "").lower():
            pkg.remove(name)
    for rel in list(rels.root):
        if "vba" in rel.get("Type", "").lower() or (pkg.name(rels.resolve(rel.get("Target", ""))) \
                is None and rel.get("TargetMode") != "External"):
            rels.root.remove(rel)
    types.root[:] = [el for el in types.root if "vba" not in el.get("ContentType", "").lower()]


def _annotate(pkg: Package, types: ContentTypes, part: str, sheet: Sheet, styles: Styles,
              groups: dict[tuple[int, int], list[Finding]]) -> None:
    """Fill and comment the flagged cells of one sheet."""
    rows: dict[int, dict[int, str]] = {}
    for (row, col), group in groups.items():
        worst = min(group, key=lambda f: SEVERITY_ORDER.get(f.severity, 9)).severity
        rows.setdefault(row, {})[col] = fb.FILLS.get(worst, fb.FILLS[NOTICE]).fgColor.rgb
    for row, cols in sorted(rows.items()):
        sheet.restyle(row, cols, styles.highlight)
    sheet_rels = Rels(pkg, part)
    notes = Notes(pkg, part, sheet, sheet_rels)
    for (row, col), group in sorted(groups.items()):
        notes.put(row, col, fb.AUTHOR, _composer(fb.comment_text(group)))
    notes.save()
    sheet_rels.save(pkg)
    types.override(notes.part, COMMENTS_CT)
    types.default("vml", VML_CT)


def _composer(ours: str):
    def compose(old_author: str | None, old_text: str) -> tuple[str, int]:
        text = ours
        if old_author is not None and old_author != fb.AUTHOR and old_text.strip():
            text = f"{text}\n\n(Ghi chú của đơn vị) {old_text.strip()}"
        lines = sum(1 + len(line) // 40 for line in text.splitlines())
        return text, min(20 + 15 * lines, 400)
    return compose


def _deselect(pkg: Package, part: str, sheet: Sheet | None, kind: str) -> None:
    """Write a patched sheet; rewrite another only when it is selected (no grouped tabs)."""
    if sheet is not None:
        pkg.write(part, sheet.bytes(deselect=True))
        return
    with pkg.zip.open(pkg.name(part) or part) as stream:
        head = b""
        while b"<sheetData" not in head and (chunk := stream.read(1 << 16)):
            head += chunk
    found = _TAB_SELECTED.search(head.split(b"<sheetData", 1)[0])
    if found is None:
        return
    if kind == "worksheet":
        pkg.write(part, Sheet(pkg.read(part)).bytes(deselect=True))
    else:
        pkg.write(part, _TAB_SELECTED.sub(b' tabSelected="0"', pkg.read(part)))


# --- the `Phản hồi` sheet -------------------------------------------------------------------
def _add_listing(pkg: Package, types: ContentTypes, book: etree._Element, rels: Rels,
                 styles: Styles, findings: list[Finding], title: str) -> None:
    part = pkg.free("xl/worksheets/sheet", "xml")
    pkg.write(part, _listing_xml(styles, findings, title))
    types.override(part, SHEET_CT)
    listed = book.find(q("sheets"))
    ids = [int(el.get("sheetId", "0")) for el in listed]
    element = etree.Element(q("sheet"), nsmap={"r": REL}, name=fb.FEEDBACK_SHEET,
                            sheetId=str(max(ids, default=0) + 1))
    element.set(q("id", REL), rels.add("worksheet", part))
    listed.insert(0, element)
    names = book.find(q("definedNames"))
    if names is None:
        names = etree.Element(q("definedNames"))
        later = [i for i, el in enumerate(book) if etree.QName(el).localname in (
            "calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr",
            "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")]
        book.insert(later[0] if later else len(book), names)
    for name in names:
        if name.get("localSheetId") is not None:
            name.set("localSheetId", str(int(name.get("localSheetId")) + 1))
    last = fb.HEADER_ROW + max(len(findings), 1)
    sheet = f"'{fb.FEEDBACK_SHEET}'"
    filtered = etree.Element(q("definedName"), name="_xlnm._FilterDatabase", localSheetId="0",
                             hidden="1")
    filtered.text = f"{sheet}!$A${fb.HEADER_ROW}:${col_letters(len(fb.HEADERS))}${last}"
    titles = etree.Element(q("definedName"), name="_xlnm.Print_Titles", localSheetId="0")
    titles.text = f"{sheet}!${fb.HEADER_ROW}:${fb.HEADER_ROW}"
    names.insert(0, titles)
    names.insert(0, filtered)
    views = book.find(q("bookViews"))
    if views is None or not len(views):
        views = etree.Element(q("bookViews"))
        etree.SubElement(views, q("workbookView"))
        book.insert(list(book).index(listed), views)
    for view in views:
        view.set("firstSheet", "0")
        view.set("activeTab", "0")


def _listing_xml(styles: Styles, findings: list[Finding], title: str) -> bytes:
    """The `Phản hồi` sheet as feedback._fill_listing lays it out."""
    thin = fb._THIN.color.rgb
    top = {"vertical": "top"}
    heading = styles.add_format(font={"b": "1", "sz": "13"})
    note = styles.add_format(font={"i": "1"})
    header = styles.add_format(font={"b": "1"}, rgb="00D9D9D9", border=thin, alignment={
        "horizontal": "center", "vertical": "center", "wrapText": "1"})
    wrapped = styles.add_format(border=thin, alignment={"vertical": "top", "wrapText": "1"})
    plain = styles.add_format(border=thin, alignment=top)
    severity = {s: styles.add_format(rgb=fill.fgColor.rgb, border=thin, alignment=top)
                for s, fill in fb.FILLS.items()}
    rows = [[(fb._safe(f"{title}: {fb.count_text(findings)}."), heading)]]
    if findings:
        rows.append([(fb.ANNOTATED_NOTE, note)])
    else:
        rows.append([])
    rows.append([(h, header) for h in fb.HEADERS])
    for f in findings:
        values = (f.severity, f.sheet, fb._cell_label(f.cell), f.code, f.message)
        formats = (severity.get(f.severity, severity[NOTICE]), wrapped, plain, plain, wrapped)
        rows.append([(fb._safe(v), s) for v, s in zip(values, formats, strict=True)])
    if not findings:
        rows.append([("Không có vấn đề nào.", 0)])
    last = fb.HEADER_ROW + max(len(findings), 1)
    out = [f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
           f'<pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:E{last}"/><sheetViews>'
           '<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="3" topLeftCell="A4" '
           'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
           'activeCell="A1" sqref="A1"/></sheetView></sheetViews><sheetFormatPr '
           'baseColWidth="8" defaultRowHeight="15"/><cols>']
    out += [f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(fb.WIDTHS, start=1)]
    out.append("</cols><sheetData>")
    for r, cells in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, (text, style) in enumerate(cells, start=1):
            ref = f"{col_letters(c)}{r}"
            if not text:
                out.append(f'<c r="{ref}" s="{style}"/>')
                continue
            value = escape(text).replace("\r", "&#13;")
            out.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                       f"{value}</t></is></c>")
        out.append("</row>")
    out.append(f'</sheetData><autoFilter ref="A{fb.HEADER_ROW}:E{last}"/><pageMargins '
               'left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
               '<pageSetup orientation="landscape" paperSize="9" fitToHeight="0" '
               'fitToWidth="1"/></worksheet>')
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + \
        "".join(out).encode("utf-8")


def _properties(pkg: Package, types: ContentTypes, package_rels: Rels,
                stamp: dt.datetime) -> None:
    """created = modified = stamp, last modified by the Office; app.xml's stale sheet list goes."""
    core = next((t for _, k, t in package_rels.items() if k == CORE), None)
    if core is None or pkg.name(core) is None:
        core = "docProps/core.xml"
        root = etree.Element(q("coreProperties", CP), nsmap={"cp": CP})
        package_rels.add(CORE, core)
        types.override(core, "application/vnd.openxmlformats-package.core-properties+xml")
    else:
        root = parse(pkg.read(core))
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, ns, value in (("created", DCTERMS, when), ("modified", DCTERMS, when),
                            ("lastModifiedBy", CP, fb.AUTHOR)):
        for old in root.findall(q(name, ns)):
            root.remove(old)
        element = etree.SubElement(root, q(name, ns), nsmap={"dcterms": DCTERMS, "xsi": XSI})
        element.text = value
        if ns == DCTERMS:
            element.set(q("type", XSI), "dcterms:W3CDTF")
    pkg.write(core, dump(root))
    app = next((t for _, k, t in package_rels.items() if k.endswith("/extended-properties")), None)
    if app and pkg.name(app):
        root = parse(pkg.read(app))
        for old in [*root.findall(q("HeadingPairs", EXTENDED)),
                    *root.findall(q("TitlesOfParts", EXTENDED))]:
            root.remove(old)
        pkg.write(app, dump(root))
