"""A PDF/A-2 check for the tests, where veraPDF cannot be installed (Java, not in Debian or
PyPI; docs/adr/0008-receipt-pdfa-and-tags.md).

It checks, on the last revision of the file (after the seal's incremental update), the rules
of ISO 19005-2 a generator or signer can break in our documents: header and version, no
encryption, file identifier, the output intent with its ICC profile, XMP identification and
its agreement with the Info dictionary, embedded fonts, forbidden actions and filters,
annotation flags, and for tagged documents the structure tree, /Lang and the title shown.
It is not a full validator: content-stream operators, colour spaces, transparency and font
metrics are not checked.
"""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
# Info dictionary key -> XMP property that must hold the same value (ISO 19005-2, 6.6.2.3).
INFO_TO_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Creator": "xmp:CreatorTool",
    "/Producer": "pdf:Producer",
    "/CreationDate": "xmp:CreateDate",
    "/ModDate": "xmp:ModifyDate",
}
FORBIDDEN_ACTIONS = {
    "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript", "/Hide",
    "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
}  # fmt: skip
ANNOT_PRINT, ANNOT_HIDDEN_BITS = 4, 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """`obj[key]` with indirect references resolved, `default` when absent."""
    if obj is None or isinstance(obj, generic.ArrayObject) or key not in obj:
        return default
    return obj[key]


def _objects(root: Any) -> Iterator[generic.DictionaryObject]:
    """Every dictionary (and stream) reachable from `root`, each once."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, generic.IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, generic.DictionaryObject):
            yield obj
            stack.extend(obj.raw_get(k) for k in obj)
        elif isinstance(obj, generic.ArrayObject):
            stack.extend(obj.raw_get(i) for i in range(len(obj)))


def _xmp_value(rdf: ET.Element, name: str) -> str | None:
    prefix, local = name.split(":")
    qualified = f"{{{NS[prefix]}}}{local}"
    for description in rdf.iter(f"{{{NS['rdf']}}}Description"):
        if qualified in description.attrib:
            return description.attrib[qualified]
        element = description.find(qualified)
        if element is not None:
            item = element.find(".//rdf:li", NS)
            return (item.text if item is not None else element.text) or ""
    return None


def _same(info_value: Any, xmp_value: str, key: str) -> bool:
    if key in ("/CreationDate", "/ModDate"):
        return generic.parse_pdf_date(str(info_value)) == dt.datetime.fromisoformat(xmp_value)
    return str(info_value) == xmp_value


def pdfa2_problems(pdf: bytes, *, tagged: bool = True) -> list[str]:
    """What keeps `pdf` from being PDF/A-2 (and a tagged PDF when `tagged`); [] when nothing."""
    problems = []
    header = re.match(rb"%PDF-(\d)\.(\d)\r?\n%([^\r\n]*)", pdf)
    if not header or header.group(1) != b"1" or int(header.group(2)) > 7:
        problems.append(f"header {pdf[:8]!r}: PDF/A-2 is PDF 1.0 to 1.7")
    elif sum(byte > 127 for byte in header.group(3)[:4]) < 4:
        problems.append("no binary comment (4 bytes > 127) after the header")
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    trailer, root = reader.trailer, reader.root
    if "/Encrypt" in trailer:
        problems.append("encrypted")
    if "/ID" not in trailer:
        problems.append("no file identifier /ID in the trailer")
    version = _get(root, "/Version")
    if version is not None and not re.fullmatch(r"/?1\.[0-7]", str(version)):
        problems.append(f"catalog /Version {version}: PDF/A-2 is based on PDF 1.7")
    for key in ("/AA", "/OpenAction"):
        if key in root:
            problems.append(f"catalog has {key}")
    if "/JavaScript" in _get(root, "/Names", {}) or "/EmbeddedFiles" in _get(root, "/Names", {}):
        problems.append("catalog names JavaScript or embedded files")

    intents = [i for i in _get(root, "/OutputIntents", []) if _get(i, "/S") == "/GTS_PDFA1"]
    if len(intents) != 1 or "/N" not in _get(intents[0], "/DestOutputProfile", {}):
        problems.append("no single GTS_PDFA1 output intent with an embedded ICC profile")

    if "/Metadata" not in root:
        problems.append("no XMP metadata")
        return problems
    xmp = root["/Metadata"].data.decode("utf-8")
    rdf = ET.fromstring(xmp[xmp.index("<x:xmpmeta") : xmp.rindex("</x:xmpmeta>") + 12])
    if _xmp_value(rdf, "pdfaid:part") != "2":
        problems.append("XMP pdfaid:part is not 2")
    if _xmp_value(rdf, "pdfaid:conformance") not in ("A", "B", "U"):
        problems.append("XMP pdfaid:conformance is not A, B or U")
    info = _get(trailer, "/Info", {})
    for key, prop in INFO_TO_XMP.items():
        if key in info:
            value = _xmp_value(rdf, prop)
            if value is None or not _same(info[key], value, key):
                problems.append(f"Info {key} {str(info[key])!r} differs from XMP {prop} {value!r}")

    for obj in _objects(root):
        if _get(obj, "/S") in FORBIDDEN_ACTIONS:
            problems.append(f"forbidden action {obj['/S']}")
        if "/AA" in obj:  # catalog, pages, widgets and form fields alike (6.5.2)
            problems.append(f"additional actions /AA in {_get(obj, '/Type')}")
        filters = _get(obj, "/Filter")
        if filters is not None and "/LZWDecode" in (
            filters if isinstance(filters, list) else [filters]
        ):
            problems.append("LZW-compressed stream")
        if _get(obj, "/Type") == "/Font" and _get(obj, "/Subtype") not in ("/Type0", "/Type3"):
            descriptor = _get(obj, "/FontDescriptor", {})
            if not any(f in descriptor for f in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"font {_get(obj, '/BaseFont')} is not embedded")
        if _get(obj, "/Type") == "/Annot" or _get(obj, "/Subtype") == "/Widget":
            flags = int(_get(obj, "/F", 0))
            if not flags & ANNOT_PRINT or flags & ANNOT_HIDDEN_BITS:
                problems.append(f"annotation {_get(obj, '/Subtype')} flags {flags}")
            x1, y1, x2, y2 = (float(v) for v in _get(obj, "/Rect", [0, 0, 0, 0]))
            if (x2 - x1) * (y2 - y1) and set(_get(obj, "/AP", {}).keys()) != {"/N"}:
                problems.append(f"visible annotation {_get(obj, '/Subtype')} without /AP /N only")

    if tagged:
        if not _get(_get(root, "/MarkInfo"), "/Marked"):
            problems.append("not marked as tagged (/MarkInfo /Marked true)")
        tree = _get(root, "/StructTreeRoot")
        kinds = {
            str(_get(o, "/S")) for o in _objects(tree) if _get(o, "/Type") == "/StructElem"
        } if tree is not None else set()  # fmt: skip
        if not {"/Document", "/H1", "/Table", "/TH", "/TD"} <= kinds:
            problems.append(f"structure tree lacks headings or tables: {sorted(kinds)}")
        if not str(_get(root, "/Lang", "")):
            problems.append("no document language /Lang")
        if not _get(_get(root, "/ViewerPreferences"), "/DisplayDocTitle"):
            problems.append("title not shown (/ViewerPreferences /DisplayDocTitle)")
        if not _xmp_value(rdf, "dc:title"):
            problems.append("no dc:title in XMP")
    return problems
