"""The plain text of a stored document, for the full-text search of the records.

`extract_text(data, content_type)` reads the text layer of PDFs (OCR text included; with
poppler's pdftotext where installed, else pypdf), the
paragraphs of ODT and DOCX files, plain text, XML and JSON as they are, and the visible text
of HTML. Images and unknown types have no text here (OCR is `records.ocr`, run once when a scan
is filed, not on every indexing).

The input is untrusted (uploads of citizens and staff), so nothing here raises for bad input:
a broken, encrypted or hostile file yields "" and a warning in the log. The guards:

- the text returned is capped at `MAX_TEXT_CHARS` (the index stores stems, not novels);
- ODT and DOCX are zips: the XML part is read only when its declared uncompressed size is at
  most `MAX_XML_PART_BYTES`, and the read itself stops there (zip bombs);
- XML is parsed without entity resolution, DTD loading or network access (billion laughs,
  XXE), and without lxml's huge-tree mode (depth and size limits stay on).

Whitespace is normalised modestly: runs of spaces and tabs become one space, lines are
stripped, and more than one empty line becomes one (a paragraph break). Control characters
(NUL among them, which PostgreSQL text cannot hold) are removed.
"""

import codecs
import contextlib
import io
import logging
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator

from lxml import etree
from lxml import html as lxml_html
from pypdf import PageObject, PdfReader

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2_000_000
"""The longest text returned; longer texts are cut (at a character, not a word)."""

MAX_XML_PART_BYTES = 32 * 1024 * 1024
"""The largest uncompressed XML part of an ODT/DOCX that is read (32 MiB: a 1,000-page
document's markup; lxml needs several times that in memory)."""

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLAIN_TYPES = frozenset(
    {"text/plain", "text/csv", "text/xml", "application/xml", "application/json"}
)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")  # whitespace except line breaks
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def extract_text(data: bytes, content_type: str) -> str:
    """The plain text of `data` (a document of `content_type`) for the full-text search:
    paragraphs separated by an empty line, at most `MAX_TEXT_CHARS` characters; "" for
    images, unknown types and input that cannot be read (logged as a warning)."""
    media_type, charset = _parse_content_type(content_type)
    extractor = _extractor(media_type)
    if extractor is None or not data:
        return ""
    raw = extractor(data, charset)
    return normalise_whitespace(raw)[:MAX_TEXT_CHARS]


def normalise_whitespace(text: str) -> str:
    """`text` with runs of spaces collapsed, lines stripped and paragraph breaks kept as one
    empty line; control characters removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _CONTROL.sub("", text)
    lines = (_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _parse_content_type(content_type: str) -> tuple[str, str | None]:
    """("type/subtype", charset or None) of a Content-Type value."""
    media_type, *params = content_type.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _extractor(media_type: str) -> Callable[[bytes, str | None], str] | None:
    if media_type == PDF:
        return lambda data, _charset: _pdf_text(data)
    if media_type == ODT:
        return lambda data, _charset: _zip_xml_text(data, "content.xml", _odt_paragraphs)
    if media_type == DOCX:
        return lambda data, _charset: _zip_xml_text(data, "word/document.xml", _docx_paragraphs)
    if media_type in PLAIN_TYPES:
        return _plain_text
    if media_type in HTML_TYPES:
        return _html_text
    return None


# --- PDF -----------------------------------------------------------------------------------


PDFTOTEXT_TIMEOUT = 60


def _pdf_text(data: bytes) -> str:
    """The text layer of every page, pages separated by a paragraph break: poppler's
    `pdftotext` where it is installed (about 30 times faster than pypdf: 2 ms against 45 ms a
    page), else pypdf; pypdf also when pdftotext fails on a file."""
    text = _pdftotext(data)
    return text if text is not None else _pypdf_text(data)


def _pdftotext(data: bytes) -> str | None:
    """pdftotext's text of `data` (form feeds between pages), or None where it is missing or
    fails (an encrypted or broken file: pypdf then says what is wrong)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(data)
        source.flush()
        try:
            result = subprocess.run(  # noqa: S603 (a fixed tool, arguments as a list)
                [tool, "-q", "-enc", "UTF-8", "-eol", "unix", source.name, "-"],
                capture_output=True,
                timeout=PDFTOTEXT_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            logger.warning("pdftotext took longer than %d s", PDFTOTEXT_TIMEOUT)
            return None
    if result.returncode != 0:
        return None
    pages = result.stdout.decode("utf-8", "replace").split("\f")
    return "\n\n".join(_capped(iter(page for page in pages if page.strip())))


def _pypdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            logger.warning("PDF is encrypted with a user password: no text extracted")
            return ""
        pages = list(reader.pages)
    except Exception:  # pypdf raises many kinds of errors on malformed input
        logger.warning("PDF cannot be read: no text extracted", exc_info=True)
        return ""
    return "\n\n".join(_capped(_pdf_page_texts(pages)))


def _pdf_page_texts(pages: list[PageObject]) -> Iterator[str]:
    for number, page in enumerate(pages, start=1):
        try:
            yield page.extract_text()
        except Exception:  # one broken page (bad font, bad stream) does not lose the others
            logger.warning("PDF page %d cannot be read: its text is left out", number)


def _capped(texts: Iterator[str]) -> Iterator[str]:
    """`texts` until together they pass `MAX_TEXT_CHARS` (the rest is not even extracted)."""
    total = 0
    for text in texts:
        yield text
        total += len(text)
        if total >= MAX_TEXT_CHARS:
            return


# --- ODT and DOCX --------------------------------------------------------------------------


def _zip_xml_text(
    data: bytes, part: str, paragraphs: Callable[[etree._Element], Iterator[str]]
) -> str:
    """The paragraphs of the XML `part` of the zip `data` (an ODF or OOXML package)."""
    xml = _zip_part(data, part)
    if xml is None:
        return ""
    try:
        root = etree.fromstring(xml, parser=_safe_xml_parser())
    except etree.XMLSyntaxError:
        logger.warning("%s of the document is not well-formed XML: no text extracted", part)
        return ""
    return "\n\n".join(_capped(paragraphs(root)))


def _zip_part(data: bytes, part: str) -> bytes | None:
    """The uncompressed bytes of `part`, or None (logged) for a broken zip, a missing part
    or a part larger than `MAX_XML_PART_BYTES`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(part)
            if info.file_size > MAX_XML_PART_BYTES:
                logger.warning("%s is %d bytes uncompressed: not read", part, info.file_size)
                return None
            with archive.open(info) as member:
                # The declared size bounds the read already; the cap holds even if it lies.
                content = member.read(MAX_XML_PART_BYTES + 1)
    except KeyError:
        logger.warning("the document has no %s: no text extracted", part)
        return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        logger.warning("the document is not a readable zip: no text extracted", exc_info=True)
        return None
    except (NotImplementedError, RuntimeError):  # unknown compression, encrypted member
        logger.warning("%s cannot be unpacked: no text extracted", part, exc_info=True)
        return None
    if len(content) > MAX_XML_PART_BYTES:
        logger.warning("%s is larger than declared: not read", part)
        return None
    return content


def _safe_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _odt_paragraphs(root: etree._Element) -> Iterator[str]:
    """The text of every paragraph and heading (list items and table cells hold paragraphs
    too), in document order."""
    for element in root.iter(f"{{{_TEXT_NS}}}p", f"{{{_TEXT_NS}}}h"):
        yield "".join(_odt_inline(element))


_ODT_SKIPPED = frozenset(
    {
        f"{{{_TEXT_NS}}}p",  # nested paragraphs (in frames) are paragraphs of their own
        f"{{{_TEXT_NS}}}h",
        f"{{{_TEXT_NS}}}note",  # footnote bodies hold paragraphs, found by iter() anyway
        f"{{{_OFFICE_NS}}}annotation",
        f"{{{_DRAW_NS}}}frame",
    }
)


def _odt_inline(element: etree._Element) -> Iterator[str]:
    """The characters of a paragraph: spans and links, text:s (c spaces), tabs, breaks."""
    if element.text:
        yield element.text
    for child in element:
        tag = child.tag
        if tag == f"{{{_TEXT_NS}}}s":
            yield " " * _space_count(child.get(f"{{{_TEXT_NS}}}c"))
        elif tag == f"{{{_TEXT_NS}}}tab":
            yield "\t"
        elif tag == f"{{{_TEXT_NS}}}line-break":
            yield "\n"
        elif tag not in _ODT_SKIPPED and isinstance(tag, str):  # not a comment or PI
            yield from _odt_inline(child)
        if child.tail:
            yield child.tail


def _space_count(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _docx_paragraphs(root: etree._Element) -> Iterator[str]:
    """The text of every w:p in document order (table cells and text boxes hold paragraphs
    too); a text box's legacy copy (mc:Fallback) is skipped so it is not read twice."""
    fallback = f"{{{_MC_NS}}}Fallback"
    for paragraph in root.iter(f"{{{_W_NS}}}p"):
        if any(a.tag == fallback for a in paragraph.iterancestors()):
            continue
        yield "".join(_docx_inline(paragraph))


def _docx_inline(element: etree._Element) -> Iterator[str]:
    """The characters of a paragraph: w:t runs, tabs, line breaks; not deleted text
    (w:delText), field codes (w:instrText) or nested paragraphs."""
    for child in element:
        tag = child.tag
        if tag == f"{{{_W_NS}}}t":
            yield child.text or ""
        elif tag == f"{{{_W_NS}}}tab":
            yield "\t"
        elif tag in (f"{{{_W_NS}}}br", f"{{{_W_NS}}}cr"):
            yield "\n"
        elif tag == f"{{{_W_NS}}}noBreakHyphen":
            yield "-"
        elif tag not in (f"{{{_W_NS}}}p", f"{{{_MC_NS}}}Fallback") and isinstance(tag, str):
            yield from _docx_inline(child)


# --- plain text and HTML -------------------------------------------------------------------


def _plain_text(data: bytes, charset: str | None) -> str:
    """`data` decoded: the declared charset, else UTF-8 (UTF-16 with a BOM), else
    Windows-1252 (what older Windows programs write)."""
    head = data[: MAX_TEXT_CHARS * 4]  # at most 4 bytes a character: nothing is lost
    for encoding in _encodings(head, charset):
        try:
            # final=False: a character cut at the end of `head` is dropped, not an error.
            return codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
        except (UnicodeDecodeError, LookupError):
            continue
    return head.decode("cp1252", errors="replace")


def _encodings(data: bytes, charset: str | None) -> list[str]:
    encodings = [charset] if charset else []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings.append("utf-16")
    return [*encodings, "utf-8-sig", "cp1252"]


_HTML_DROPPED = ("script", "style", "template", "noscript", "head")
_HTML_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


def _html_text(data: bytes, charset: str | None) -> str:
    """The text a reader sees: no tags, scripts, styles or comments; block elements (p, li,
    td, headings …) end with a paragraph break."""
    try:
        parser = lxml_html.HTMLParser(
            encoding=_html_encoding(data, charset),
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            default_doctype=False,
        )
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, LookupError, ValueError):
        logger.warning("HTML cannot be parsed: no text extracted", exc_info=True)
        return ""
    for element in list(root.iter(*_HTML_DROPPED)):
        element.drop_tree()
    return "".join(_capped(_html_inline(root)))


def _html_encoding(data: bytes, charset: str | None) -> str | None:
    """The declared charset; else UTF-8 when the bytes are UTF-8 (libxml2 would read them as
    Latin-1); else None: the document's meta charset, or libxml2's guess."""
    if charset:
        with contextlib.suppress(LookupError):
            return codecs.lookup(charset).name
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def _html_inline(element: etree._Element) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        if child.tag == "br":
            yield "\n"
        elif isinstance(child.tag, str):
            yield from _html_inline(child)
            if child.tag in _HTML_BLOCKS:
                yield "\n\n"
        if child.tail:
            yield child.tail
