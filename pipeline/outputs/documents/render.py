"""The document machinery: the one jinja2 environment, the Word template filled by docxtpl
(its compiled body cached, parts patched once per run), the HTML report with SVG charts,
deterministic zips and PDFs by LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path

import jinja2
from docx.oxml.ns import qn
from docx.oxml.parser import element_class_lookup
from docxtpl import DocxTemplate
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)
from jinja2.bccache import Bucket
from lxml import etree
from markupsafe import Markup, escape

from pipeline.intake.cache import program_digest
from pipeline.outputs.documents import blocks
from pipeline.outputs.documents.blocks import (
    DOCX_TEMPLATE,
    HTML_TEMPLATE,
    TABLE_LAYOUTS,
    TEMPLATES,
    align_class,
    count,
    proper_name,
)
from pipeline.text import vn_date, vn_number


# ---- the one jinja2 environment --------------------------------------------------------------
@cache
def build_environment() -> Environment:
    """The jinja2 environment of every document: strict, escaping, filters registered here.

    HTML templates are escaped as HTML; docxtpl's templates (made from strings) as XML.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({
        "vn_number": vn_number,
        "vn_date": vn_date,
        "bar_chart": bar_chart_svg,
        "align_class": align_class,
    })
    return env


# ---- SVG charts ------------------------------------------------------------------------------
CHART_COLOURS = ("#1f4e79", "#9dc3e6", "#c55a11")


def bar_chart_svg(spec: dict) -> Markup:
    """A horizontal bar chart (one bar per series under each label) as inline SVG."""
    # 480 units wide with 14-unit text: still legible when a phone shrinks it to ~360 px
    width, bar, label, gap, legend = 480, 16, 20, 10, 28
    peak = max((v for b in spec["bars"] for v in b["values"]), default=0) or 1
    scale = (width - 50) / peak
    parts = []
    for i, name in enumerate(spec["series"]):
        x = i * 180
        parts.append(f'<rect x="{x}" y="5" width="14" height="14" '
                     f'fill="{CHART_COLOURS[i % 3]}"/>'
                     f'<text x="{x + 20}" y="17">{escape(name)}</text>')
    y = legend
    for b in spec["bars"]:
        parts.append(f'<text x="0" y="{y + 15}">{escape(b["label"])}</text>')
        y += label
        for i, value in enumerate(b["values"]):
            length = round(value * scale) if value else 0
            parts.append(f'<rect x="0" y="{y}" width="{length}" height="{bar}" '
                         f'fill="{CHART_COLOURS[i % 3]}"/>'
                         f'<text x="{length + 4}" y="{y + 13}">{count(value)}</text>')
            y += bar + 3
        y += gap
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {y}" '
        f'role="img" aria-label="{escape(spec["title"])}" font-size="14" '
        f'font-family="Times New Roman, Liberation Serif, serif">{"".join(parts)}</svg>')


# ---- rendering -------------------------------------------------------------------------------
def fixed_zip(data: bytes, day: dt.date, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite a zip (a .docx) with every entry dated `day`, so equal content is equal bytes;
    the entries named in `replace` get the given content."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            content = replace.get(info.filename)
            dst.writestr(entry, src.read(info.filename) if content is None else content)
    return out.getvalue()


def fix_core_properties(properties, title: str, author: str, day: dt.date) -> None:
    """Document properties from the document's date, never from the clock."""
    stamp = dt.datetime.combine(day, dt.time())
    properties.author = author
    properties.last_modified_by = author
    properties.title = title
    properties.subject = ""
    properties.keywords = ""
    properties.comments = ""
    properties.category = ""
    properties.language = "vi-VN"
    properties.revision = 1
    properties.created = stamp
    properties.modified = stamp
    properties.last_printed = stamp


# Parses a rendered document part as docxtpl does (recovering), into python-docx's classes.
_PART_PARSER = etree.XMLParser(recover=True)
_PART_PARSER.set_element_class_lookup(element_class_lookup)
_LISTING = ("\t", "\a", "\n", "\f")  # what docxtpl's resolve_listing turns into Word markup
_DRAWING = qn("wp:docPr")
# What parsing a rendered part and saving its tree changes in the part's text: the quotes
# markupsafe escapes become plain, text elements left empty close themselves. A part holding
# anything else that would change (carriage returns, characters XML forbids; tabs and breaks,
# which resolve_listing turns into markup) is parsed.
_AS_SAVED = ((b"&#34;", b'"'), (b"&#39;", b"'"),
             (b'<w:t xml:space="preserve"></w:t>', b'<w:t xml:space="preserve"/>'),
             (b"<w:t></w:t>", b"<w:t/>"))


_CHANGED_BY_PARSING = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\t\n\r]")
_NOT_CHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE, U+FFFF in UTF-8
_XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def _as_saved(data: bytes) -> bytes | None:
    """The rendered document part (UTF-8) as python-docx would save it once lxml had parsed
    it, or None when only parsing it can tell."""
    if _CHANGED_BY_PARSING.search(data) or any(c in data for c in _NOT_CHARACTERS):
        return None
    for escaped, plain in _AS_SAVED:
        data = data.replace(escaped, plain)
    return _XML_DECLARATION + data


@lru_cache(maxsize=8)
def _compiled(env: Environment, source: str) -> Template:
    """A document part's jinja template, compiled once for the documents of a run; its code
    is kept between runs in jinja's bytecode cache (the system's temporary folder), as Python
    keeps a module's .pyc. The key names the source, the environment's settings, the program
    (its filters are ours) and jinja's version; a cache that cannot be read or written is
    passed by (the template is compiled, and written again when it can be)."""
    escaped = env.autoescape(None) if callable(env.autoescape) else env.autoescape
    settings = (escaped, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
                sorted(env.extensions), jinja2.__version__, program_digest())
    bucket = cache = None
    with suppress(Exception):  # no usable temporary folder
        cache = FileSystemBytecodeCache()
        bucket = Bucket(env, cache.get_cache_key(f"docx-part {settings}"),
                        cache.get_source_checksum(source))
    if cache and bucket:
        with suppress(Exception):  # a damaged or foreign cache file: compiled and rewritten
            cache.load_bytecode(bucket)
    code = bucket.code if bucket else None
    if code is None:
        code = env.compile(source)  # unnamed, as from_string: escaped as XML
        if cache and bucket:
            bucket.code = code
            with suppress(Exception):
                cache.dump_bytecode(bucket)
    return env.template_class.from_code(env, code, env.make_globals(None))


def _encoded(chunks: Iterator[str], size: int = 65536) -> bytes | str:
    """A rendered template's text in UTF-8, encoded `size` chunks at a time (jinja's own
    `render` lists every chunk, then joins them: several times the text's size for a
    province's tables); the text itself when it holds a lone surrogate, which UTF-8 cannot
    encode."""
    parts: list[bytes] = []
    while batch := list(islice(chunks, size)):
        text = "".join(batch)
        try:
            parts.append(text.encode("utf-8"))
        except UnicodeEncodeError:
            return "".join([b"".join(parts).decode("utf-8"), text, *chunks])
    return b"".join(parts)


# What docxtpl's render_xml_part undoes after rendering: the line break it puts before each
# paragraph for jinja, and its escaped braces.
_MARKERS = (("\n<w:p ", "<w:p "), ("\n<w:p>", "<w:p>"), ("{_{", "{{"), ("}_}", "}}"),
            ("{_%", "{%"), ("%_}", "%}"))


def _unmarked(rendered: bytes | str) -> bytes | str:
    """The rendered part without those markers (ASCII: the same on a text and its UTF-8)."""
    for marked, plain in _MARKERS:
        rendered = (rendered.replace(marked, plain) if isinstance(rendered, str)
                    else rendered.replace(marked.encode(), plain.encode()))
    return rendered


@lru_cache(maxsize=8)
def _patched(xml: str) -> str:
    """docxtpl's `patch_xml` of a part, once per run for every document of the same template."""
    return DocxTemplate.patch_xml(None, xml)


class _Template(DocxTemplate):
    """docxtpl's template with the steps that cost seconds and hundreds of MB on tables of
    thousands of rows (the exemplars a province introduces in a quarter) made cheap, the file
    saved unchanged (`test_template_shortcuts_save_what_docxtpl_saves`):

    - each part is patched for jinja once per run (`patch_xml`), the whole document part is
      rendered in one piece, its jinja template compiled once (its code kept between runs in
      jinja's bytecode cache), and the line breaks docxtpl puts before each paragraph for
      jinja removed by plain replacement;
    - the rendered part is saved as it is (`_as_saved`) rather than parsed and serialized by
      lxml, unless it holds something parsing would change: then its parsed tree becomes the
      part's element, rather than being moved into the template's node by node;
    - `resolve_listing` (tabs and breaks typed in the text) and `fix_docpr_ids` (ids of
      drawings) only run when the rendered part holds such a character or a drawing;
    - `fix_tables` (grids whose column count {%tc %} loops or merges changed) only parses:
      the template has no such tags, so every row keeps the cells of its template row
      (`test_template_tables_keep_their_grid`).
    """

    part_bytes: bytes | None = None  # the rendered document part, when saved as it is

    def get_xml(self) -> str:
        return self.xml_to_string(self.docx.element)

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def render_xml_part(self, src_xml: str, part, context: dict,
                        jinja_env: Environment | None = None) -> str:
        if part is not self.docx.part or jinja_env is None:  # headers: a few lines
            return super().render_xml_part(src_xml, part, context, jinja_env)
        self.current_rendering_part = part
        template = _compiled(jinja_env, re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))
        # one reference to the rendered part at a time: it is tens of MB for a province
        rendered = _unmarked(_encoded(template.generate(context)))
        if isinstance(rendered, str):  # a lone surrogate: only lxml can tell
            return self.resolve_listing(rendered)
        self.part_bytes = _as_saved(rendered)
        if self.part_bytes is not None:
            return ""  # the part is saved from part_bytes; fix_tables keeps the template's tree
        return self.resolve_listing(rendered.decode("utf-8"))

    def resolve_listing(self, xml: str) -> str:
        return super().resolve_listing(xml) if any(c in xml for c in _LISTING) else xml

    def fix_tables(self, xml: str):
        if self.part_bytes is not None:
            return self.docx.element  # the template's tree stays; the part is saved as text
        return etree.fromstring(xml, parser=_PART_PARSER)

    def fix_docpr_ids(self, tree) -> None:
        if next(tree.iter(_DRAWING), None) is not None:
            # python-docx's elements fix xpath's namespaces, the tree's does not
            super().fix_docpr_ids(etree.ElementTree(tree))

    def map_tree(self, tree) -> None:
        self.docx.part._element = tree
        self.docx._element = tree

    def saved(self, day: dt.date) -> bytes:
        """The .docx, its entries dated `day`."""
        buffer = io.BytesIO()
        self.save(buffer)
        parts = ({} if self.part_bytes is None
                 else {self.docx.part.partname.membername: self.part_bytes})
        return fixed_zip(buffer.getvalue(), day, parts)

    def release(self) -> None:
        """Free the rendered part (hundreds of MB for a province) now: the package's parts
        refer to each other, so only the garbage collector would free it, and it is paused."""
        self.part_bytes = None
        self.docx.part._element = self.docx._element = None


def render_docx(context: dict, path: Path) -> Path:
    """Fill the Word template with a document context and save it byte-deterministically."""
    day = dt.date.fromisoformat(context["run_date"])
    tpl = _Template(DOCX_TEMPLATE)
    tpl.render({"doc": context, "layouts": TABLE_LAYOUTS}, build_environment())
    fix_core_properties(tpl.docx.core_properties, f"{context['kind']} - {context['subject']}",
                        proper_name(context["issuer"]["name"]), day)
    path.write_bytes(tpl.saved(day))
    tpl.release()
    return path


def render_html(context: dict, path: Path) -> Path:
    # streamed to the file: a province's tables hold millions of chunks
    build_environment().get_template(HTML_TEMPLATE).stream(doc=context).dump(
        str(path), encoding="utf-8")
    return path


# ---- PDF -------------------------------------------------------------------------------------
_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate)\(D:(\d{14})")
_PDF_HASHES = re.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)(>\s*<)([0-9A-Fa-f]+)(>)|"
                         rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")


def fix_pdf(data: bytes, day: dt.date) -> bytes:
    """Make LibreOffice's PDF reproducible: its clock dates become `day` and its /ID and
    /DocChecksum (which depend on the clock) a hash of the content. Every replacement keeps
    the length, so the cross-reference offsets stay valid."""
    stamp = day.strftime("%Y%m%d").encode() + b"000000"
    dated = _PDF_DATE.sub(lambda m: m.group(0)[: -14] + stamp, data)
    digest = hashlib.md5(_PDF_HASHES.sub(b"", dated), usedforsecurity=False).hexdigest()
    digest = digest.upper().encode()

    def same_length(m: re.Match) -> bytes:
        if m.group(6):
            return m.group(6) + digest[: len(m.group(7))].ljust(len(m.group(7)), b"0")
        first = digest[: len(m.group(2))].ljust(len(m.group(2)), b"0")
        second = digest[: len(m.group(4))].ljust(len(m.group(4)), b"0")
        return m.group(1) + first + m.group(3) + second + m.group(5)

    return _PDF_HASHES.sub(same_length, dated)


class PdfConversion:
    """PDFs of .docx files made by LibreOffice (`soffice --headless`) while the caller goes on.

    LibreOffice works in a private temporary folder (its profile, copies of the documents and
    its output), so no lock or temporary file of its can appear beside the outputs; only a
    finished PDF (whole: `%PDF` … `%%EOF`) is written into `out_dir`, made reproducible with
    `day`. `finish()` waits (at most `timeout` seconds from the start) and returns the PDFs
    made and one Vietnamese line per document without one, saying why. Without LibreOffice,
    nothing happens and nothing is said (the PDFs are optional)."""

    def __init__(self, paths: Iterable[Path], out_dir: Path, day: dt.date | None = None,
                 timeout: float | None = None):
        self.docs = [Path(p) for p in paths if Path(p).suffix == ".docx"]
        self.out_dir, self.day = Path(out_dir), day
        self.timeout = blocks.PDF_TIMEOUT if timeout is None else timeout
        self.process: subprocess.Popen | None = None
        self.work: tempfile.TemporaryDirectory | None = None
        self.started = 0.0

    def start(self) -> PdfConversion:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice or not self.docs:
            return self
        self.work = tempfile.TemporaryDirectory(prefix="dhtt-lo-")
        root = Path(self.work.name)
        (root / "in").mkdir()
        copies = []
        for doc in self.docs:
            copies.append(root / "in" / doc.name)
            shutil.copyfile(doc, copies[-1])
        command = [soffice, f"-env:UserInstallation={(root / 'profile').as_uri()}",
                   "--headless", "--norestore", "--nolockcheck", "--convert-to", "pdf",
                   "--outdir", str(root / "out"), *map(str, copies)]
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def finish(self) -> tuple[list[Path], list[str]]:
        if self.process is None:
            return [], []
        problem = ""
        try:
            left = self.timeout - (time.monotonic() - self.started)
            code = self.process.wait(timeout=max(left, 0.1))
            if code:
                problem = f"LibreOffice báo lỗi (mã {code})"
        except subprocess.TimeoutExpired:
            self._kill()
            problem = f"LibreOffice chạy quá {self.timeout:g} giây nên đã bị dừng"
        made, failed = [], []
        out = Path(self.work.name) / "out"
        for doc in self.docs:
            made_pdf = out / f"{doc.stem}.pdf"
            data = made_pdf.read_bytes() if made_pdf.is_file() else b""
            if data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]:
                target = self.out_dir / made_pdf.name
                target.write_bytes(fix_pdf(data, self.day) if self.day else data)
                made.append(target)
            else:
                failed.append(f"Không tạo được bản PDF của {doc.name}: "
                              f"{problem or 'LibreOffice không tạo ra tệp PDF'}.")
        self.close()
        return made, failed

    def _kill(self) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, 9)
        self.process.wait()

    def close(self) -> None:
        """Stop LibreOffice if it still runs and remove its folder (also when the run fails)."""
        if self.process is not None and self.process.poll() is None:
            self._kill()
        if self.work is not None:
            self.work.cleanup()
            self.work = None

    def __enter__(self) -> PdfConversion:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def convert_to_pdf(paths: Iterable[Path], out_dir: Path, day: dt.date | None = None
                   ) -> list[Path]:
    """PDFs of the .docx files by LibreOffice, waiting for them; [] when not installed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with PdfConversion(paths, out_dir, day) as conversion:
        return conversion.finish()[0]
