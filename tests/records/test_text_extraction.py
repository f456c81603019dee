"""The text of documents for the full-text search (`records.text_extraction`): PDF text
layers, ODT and DOCX paragraphs, plain text in its encoding, HTML without markup; bad input
and hostile zips give "" instead of an error."""

import io
import logging
import zipfile

import weasyprint
from pypdf import PdfReader, PdfWriter

from rathaus.records import text_extraction
from rathaus.records.text_extraction import DOCX, ODT, PDF, extract_text, normalise_whitespace

ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def zip_package(parts: dict[str, str | bytes]) -> bytes:
    """A zip of `parts` (name → content), deflated like office programs write them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def odt(body: str) -> bytes:
    """A minimal ODT: mimetype first (stored), content.xml with `body` in office:text."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content xmlns:office="{ODF_OFFICE}" xmlns:text="{ODF_TEXT}" '
        f'office:version="1.3"><office:body><office:text>{body}</office:text></office:body>'
        f"</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx(body: str) -> bytes:
    """A minimal DOCX: content types, the package relationship and word/document.xml."""
    return zip_package(
        {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                "</Relationships>"
            ),
            "word/document.xml": f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        }
    )


def pdf(*pages: str) -> bytes:
    html = "".join(f"<p style='break-after: page'>{text}</p>" for text in pages)
    return weasyprint.HTML(string=f"<html lang='de'><body>{html}</body></html>").write_pdf()


def test_pdf_text_of_every_page():
    text = extract_text(pdf("Hundesteuer Anmeldung", "Bürgerbüro Gütersloh"), PDF)

    assert text == "Hundesteuer Anmeldung\n\nBürgerbüro Gütersloh"


def test_broken_pdfs_give_no_text_and_a_warning(caplog):
    whole = pdf("Hundesteuer")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(whole)))
    writer.encrypt(user_password="geheim", algorithm="RC4-128")
    encrypted = io.BytesIO()
    writer.write(encrypted)

    with caplog.at_level(logging.WARNING, logger="rathaus.records.text_extraction"):
        assert extract_text(b"%PDF-1.7\n1 0 obj << /Type /Catalog", PDF) == ""
        assert extract_text(b"kein PDF", PDF) == ""
        assert extract_text(encrypted.getvalue(), PDF) == ""
    assert len([r for r in caplog.records if r.name == "rathaus.records.text_extraction"]) == 3
    assert "encrypted" in caplog.text


def test_odt_headings_paragraphs_and_list_items():
    body = (
        "<text:h text:outline-level='1'>Bescheid</text:h>"
        "<text:p>Sehr geehrte<text:s text:c='3'/>Frau <text:span>Müller</text:span>,</text:p>"
        "<text:p>Betrag:<text:tab/>96 €<text:line-break/>fällig am 1. Juli</text:p>"
        "<text:list><text:list-item><text:p>erster Hund</text:p></text:list-item>"
        "<text:list-item><text:p>zweiter Hund</text:p></text:list-item></text:list>"
    )

    assert extract_text(odt(body), ODT) == (
        "Bescheid\n\nSehr geehrte Frau Müller,\n\nBetrag: 96 €\nfällig am 1. Juli"
        "\n\nerster Hund\n\nzweiter Hund"
    )


def test_docx_paragraphs_runs_tabs_and_breaks():
    body = (
        "<w:p><w:r><w:t>Hunde</w:t></w:r><w:r><w:t>steuer</w:t></w:r>"
        "<w:del><w:r><w:delText>gelöscht</w:delText></w:r></w:del></w:p>"
        "<w:p><w:r><w:t>Betrag</w:t><w:tab/><w:t>96 €</w:t><w:br/><w:t>jährlich</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Zelle</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )

    assert extract_text(docx(body), DOCX) == "Hundesteuer\n\nBetrag 96 €\njährlich\n\nZelle"


def test_plain_text_in_utf8_declared_charset_or_windows_1252():
    assert extract_text("Grüße aus Gütersloh".encode(), "text/plain") == "Grüße aus Gütersloh"
    assert extract_text("Grüße – Gütersloh".encode("cp1252"), "text/plain") == "Grüße – Gütersloh"
    assert extract_text("Grüße".encode("utf-16"), "text/plain") == "Grüße"
    assert extract_text("Grüße".encode("latin-1"), "Text/Plain; charset=ISO-8859-1") == "Grüße"


def test_xml_and_json_as_they_are():
    assert extract_text(b'{"name": "Bello"}', "application/json") == '{"name": "Bello"}'
    assert extract_text(b"<a>Bello</a>", "text/xml; charset=utf-8") == "<a>Bello</a>"


def test_html_text_without_tags_scripts_or_styles():
    page = (
        b"<html><head><title>T</title><style>p{color:red}</style></head><body>"
        b"<h1>Hundesteuer</h1><script>alert('x')</script><p>Anmeldung im <b>B\xc3\xbcrgerb\xc3\xbcro</b>"
        b"</p><!-- Kommentar --><ul><li>eins</li><li>zwei</li></ul></body></html>"
    )

    assert extract_text(page, "text/html") == (
        "Hundesteuer\n\nAnmeldung im Bürgerbüro\n\neins\n\nzwei"
    )


def test_html_in_its_declared_encoding():
    windows = "<meta charset='windows-1252'><p>Grüße</p>".encode("cp1252")

    assert extract_text(windows, "text/html") == "Grüße"  # the meta charset
    assert extract_text("<p>Grüße</p>".encode("latin-1"), "text/html; charset=latin-1") == "Grüße"


def test_images_unknown_types_and_empty_input_have_no_text():
    assert extract_text(b"\x89PNG\r\n\x1a\n", "image/png") == ""
    assert extract_text(b"Hund", "application/octet-stream") == ""
    assert extract_text(b"", "text/plain") == ""


def test_zip_bomb_is_not_unpacked(monkeypatch, caplog):
    monkeypatch.setattr(text_extraction, "MAX_XML_PART_BYTES", 100_000)
    paragraph = "<w:p><w:r><w:t>Hund</w:t></w:r></w:p>"
    bomb = docx(paragraph * 10_000)  # 370 kB of XML, under 2 kB zipped

    with caplog.at_level(logging.WARNING, logger="rathaus.records.text_extraction"):
        assert extract_text(bomb, DOCX) == ""
    assert "word/document.xml is 370113 bytes uncompressed: not read" in caplog.text
    assert extract_text(docx(paragraph * 100), DOCX).count("Hund") == 100  # under the cap


def test_broken_packages_give_no_text():
    assert extract_text(b"PK\x03\x04 kaputt", DOCX) == ""
    assert extract_text(zip_package({"mimetype": ODT}), ODT) == ""  # no content.xml
    assert extract_text(docx("<w:p><w:r><w:t>offen"), DOCX) == ""  # not well-formed


def test_entities_are_not_resolved():
    content = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">'
        f'<!ENTITY lol "lol">]><office:document-content xmlns:office="{ODF_OFFICE}" '
        f'xmlns:text="{ODF_TEXT}"><office:body><office:text><text:p>A&x;&lol;B</text:p>'
        f"</office:text></office:body></office:document-content>"
    )

    text = extract_text(zip_package({"content.xml": content}), ODT)

    assert "root:" not in text
    assert "lol" not in text


def test_text_is_capped(monkeypatch):
    monkeypatch.setattr(text_extraction, "MAX_TEXT_CHARS", 100)

    assert len(extract_text(b"Hund " * 1000, "text/plain")) == 100
    assert len(extract_text(pdf(*["Hundesteuer " * 20] * 3), PDF)) == 100


def test_whitespace_normalised_paragraph_breaks_kept():
    raw = "  Hunde \t  steuer\u00a0 2026 \r\n\r\n\r\n\n Anmeldung\x00\x07\fSeite 2\n"

    assert normalise_whitespace(raw) == "Hunde steuer 2026\n\nAnmeldung\n\nSeite 2"
