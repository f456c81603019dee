"""Tiny but valid sample files for upload tests, generated in memory."""

import gzip
import io
import struct
import tarfile
import zipfile
import zlib

from PIL import Image

from rathaus.contrib.clamav.local import EICAR


def pdf(*, javascript: bool = False, padding: bytes = b"") -> bytes:
    """A one-page PDF 1.4 with a correct cross-reference table; `padding` is carried in a
    comment after the header (to make it larger, or to carry a test string inside)."""
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
    if padding:
        out.write(b"%" + padding + b"\n")
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
    return pdf(padding=EICAR)


# --- Containers built to get past a type check (hardening tests) ---


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def raw_zip(members: list[tuple[str, bytes, int, int, int, int]]) -> bytes:
    """A ZIP written by hand from members given as (name, stored bytes, method, flags, CRC-32,
    unpacked size): what zipfile cannot write (encrypted members, precompressed data)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, data, method, flags, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4sHHHHHLLLHH",
                b"PK\x03\x04",
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
            )
            + encoded
            + data
        )
        central.write(
            struct.pack(
                "<4sHHHHHHLLLHHHHHLL",
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(central.getvalue())
    out.write(
        struct.pack(
            "<4sHHHHLLH",
            b"PK\x05\x06",
            0,
            0,
            len(members),
            len(members),
            len(central.getvalue()),
            start,
            0,
        )
    )
    return out.getvalue()


def _docx_members() -> list[tuple[str, bytes, int, int, int, int]]:
    source = zipfile.ZipFile(io.BytesIO(docx()))
    members = []
    for info in source.infolist():
        content = source.read(info)
        members.append(
            (
                info.filename,
                _deflate(content),
                zipfile.ZIP_DEFLATED,
                0,
                zlib.crc32(content),
                len(content),
            )
        )
    return members


def docx_with(name: str, content: bytes, compress_type: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A valid DOCX with one more member, compressed with `compress_type` (e.g. ZIP_LZMA)."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(docx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        archive.writestr(name, content, compress_type=compress_type)
    return out.getvalue()


def _zipcrypto(data: bytes, *, password: bytes, check: int) -> bytes:
    """`data` encrypted with the traditional PKWARE cipher ("ZipCrypto"), after its 12-byte
    header whose last byte is `check` (the high byte of the plaintext's CRC-32)."""

    def crc_byte(crc: int, byte: int) -> int:
        return zlib.crc32(bytes([byte]), crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(byte: int) -> None:
        keys[0] = crc_byte(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc_byte(keys[2], keys[1] >> 24)

    for byte in password:
        update(byte)
    out = bytearray()
    for byte in bytes(range(11)) + bytes([check]) + data:
        temp = (keys[2] | 2) & 0xFFFF
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return bytes(out)


def docx_encrypted_member(content: bytes = EICAR, password: bytes = b"geheim") -> bytes:
    """A DOCX one of whose members is ZipCrypto-encrypted (general purpose flag bit 0 in the
    local and the central header): without the password nobody can read it, no scanner
    either. zipfile cannot write encryption, so the member is written by hand."""
    crc = zlib.crc32(content)
    data = _zipcrypto(content, password=password, check=crc >> 24)
    return raw_zip(
        [
            *_docx_members(),
            ("word/media/image1.png", data, zipfile.ZIP_STORED, 0x1, crc, len(content)),
        ]
    )


def docx_bomb(unpacked: int = 1024**3, *, declared: int | None = None) -> bytes:
    """A DOCX with a member of `unpacked` zero bytes, deflated (1 GiB → about 1 MB), built
    without ever holding the unpacked bytes: after a full flush deflate output repeats, so one
    compressed MiB is repeated. `declared` puts another unpacked size into the headers."""
    mib = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    blocks, rest = divmod(unpacked, len(mib))
    tail = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = block * blocks + tail.compress(bytes(rest)) + tail.flush()
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(mib, crc)
    crc = zlib.crc32(bytes(rest), crc)
    size = unpacked if declared is None else declared
    return raw_zip(
        [*_docx_members(), ("word/media/image1.bmp", data, zipfile.ZIP_DEFLATED, 0, crc, size)]
    )


def pdf_with_zip_appended(*, eof_comment: bool = False) -> bytes:
    """A PDF followed by a ZIP holding an HTML page and a program (a PDF/ZIP polyglot); with
    `eof_comment` the ZIP's comment ends in `%%EOF`, so that the file ends like a PDF."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", "<html><script>alert(1)</script></html>")
        archive.writestr("setup.exe", exe())
        if eof_comment:
            archive.comment = b"\n%%EOF\n"
    return pdf() + out.getvalue()
