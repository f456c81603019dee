"""Tiny but valid sample files for upload tests, generated in memory."""

import gzip
import io
import tarfile
import zipfile

from PIL import Image

from rathaus.contrib.clamav.local import EICAR


def pdf(*, javascript: bool = False) -> bytes:
    """A one-page PDF 1.4 with a correct cross-reference table."""
    action = b" /OpenAction 4 0 R" if javascript else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R" + action + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    if javascript:
        objects.append(b"<< /S /JavaScript /JS (app.alert\\('Hallo'\\);) >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def png() -> bytes:
    return image("PNG")


def jpeg() -> bytes:
    return image("JPEG")


def tiff() -> bytes:
    return image("TIFF")


_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCX_BODY = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Nachweis</w:t></w:r></w:p></w:body></w:document>"
)


def docx(*, macros: bool = False) -> bytes:
    """A minimal WordprocessingML package; with `macros`, a DOCM (macro-enabled, with
    vbaProject.bin) — whatever its name says."""
    main = (
        "application/vnd.ms-word.document.macroEnabled.main+xml"
        if macros
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    extra = (
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        if macros
        else ""
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + extra + ""
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", _DOCX_BODY)
        if macros:
            archive.writestr(
                "word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
            )
    return out.getvalue()


def docx_with_only_vba_part() -> bytes:
    """A DOCX main part that still carries a vbaProject.bin (a DOCM with its type rewritten)."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(docx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(100))
    return out.getvalue()


def odf(
    mimetype: str = "application/vnd.oasis.opendocument.text", *, macros: bool = False
) -> bytes:
    """A minimal OpenDocument package (mimetype first and stored, as the standard requires)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
            "<office:body><office:text><text:p>Nachweis</text:p></office:text></office:body>"
            "</office:document-content>",
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{mimetype}"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        if macros:
            archive.writestr("Basic/Standard/Module1.xml", "<module>Sub Main\nEnd Sub</module>")
            archive.writestr("Basic/script-lc.xml", "<library/>")
    return out.getvalue()


def odt(*, macros: bool = False) -> bytes:
    return odf(macros=macros)


def plain_zip(content: bytes | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nachweis.pdf", content or pdf())
    return out.getvalue()


def tar_gz() -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        data = pdf()
        info = tarfile.TarInfo("nachweis.pdf")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


def exe() -> bytes:
    """The headers of a Windows PE executable (enough for content detection)."""
    dos = bytearray(b"MZ" + bytes(58) + (64).to_bytes(4, "little"))
    pe = b"PE\x00\x00" + (0x14C).to_bytes(2, "little") + (1).to_bytes(2, "little") + bytes(12)
    pe += (224).to_bytes(2, "little") + (0x0102).to_bytes(2, "little")
    optional = (0x10B).to_bytes(2, "little") + bytes(222)
    return bytes(dos) + pe + optional + bytes(512)


def rar() -> bytes:
    return b"Rar!\x1a\x07\x01\x00" + bytes(64)


def seven_zip() -> bytes:
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64)


def eicar() -> bytes:
    return EICAR


def eicar_in_pdf() -> bytes:
    """A PDF that carries the EICAR string (detected by the scanner, not by the type check)."""
    return pdf() + EICAR
