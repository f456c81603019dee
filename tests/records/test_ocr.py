"""OCR of scans (`records.ocr`): searchable PDF/A-2b from images and image-only PDFs with the
real ocrmypdf and tesseract, batches split at blank pages and separator sheets, and the facts
of a scan. Four OCR runs in all (each costs a few seconds)."""

import io
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
import weasyprint
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from rathaus.records import ocr
from rathaus.records.ocr import (
    OcrFailed,
    PageRange,
    ScanFacts,
    extract_pages,
    ocr_available,
    ocr_to_pdfa,
    scan_facts,
    split_batch,
)
from rathaus.records.text_extraction import PDF, extract_text
from tests.optional_dependencies import HOW_TO_INSTALL, unavailable

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
A4_300_DPI = (2480, 3508)
A4_150_DPI = (1240, 1754)
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}part"


@pytest.fixture
def with_ocr():
    if not ocr_available():
        unavailable(
            f"ocrmypdf or tesseract's German data (tesseract-ocr-deu) missing – {HOW_TO_INSTALL}"
        )


@pytest.fixture
def with_poppler():
    if not (shutil.which("pdftoppm") and shutil.which("pdfimages")):
        unavailable(f"pdftoppm/pdfimages (poppler-utils) missing – {HOW_TO_INSTALL}")


def scanned_page(lines, *, size=A4_150_DPI, mode="L", font_size=40):
    """A white page with `lines` in black, like a scanner delivers it."""
    page = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, font_size)
    for number, line in enumerate(lines):
        draw.text((size[0] // 12, size[1] // 10 + number * font_size * 2), line, font=font, fill=0)
    return page


def image_bytes(image, file_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, file_format, **options)
    return buffer.getvalue()


def text_pdf(*pages, font_size="12pt"):
    """A born-digital PDF, one page per text."""
    html = "".join(
        f"<p style='break-after: page; font-size: {font_size}'>{text}</p>" for text in pages
    )
    return weasyprint.HTML(string=f"<html lang='de'><body>{html}</body></html>").write_pdf()


def joined(*pdfs):
    writer = PdfWriter()
    for document in pdfs:
        writer.append(PdfReader(io.BytesIO(document)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdfa_part(document):
    """pdfaid:part of the document's XMP metadata (attribute or element), or None."""
    root = PdfReader(io.BytesIO(document)).root_object
    xmp = ET.fromstring(root["/Metadata"].get_object().get_data())
    for element in xmp.iter():
        if PDFAID in element.attrib:
            return element.attrib[PDFAID]
        if element.tag == PDFAID:
            return element.text
    return None


def words(text):
    return set(re.findall(r"\w+", text.lower()))


def assert_pdfa_2(document):
    reader = PdfReader(io.BytesIO(document))
    assert pdfa_part(document) == "2"
    assert "/OutputIntents" in reader.root_object
    assert reader.trailer.get("/ID")


@pytest.mark.usefixtures("with_ocr")
def test_png_becomes_searchable_pdfa_2():
    page = scanned_page(
        ["Hundesteuer Anmeldung", "Bürgerbüro Gütersloh"], size=A4_300_DPI, font_size=80
    )

    result = ocr_to_pdfa(image_bytes(page, "PNG", dpi=(300, 300)), "image/png")

    assert {"hundesteuer", "anmeldung", "gütersloh"} <= words(result.text)
    assert result.pages == 1
    assert result.text == extract_text(result.pdf, PDF)
    assert_pdfa_2(result.pdf)
    width = float(PdfReader(io.BytesIO(result.pdf)).pages[0].mediabox.width)
    assert round(width / 72 * 25.4) == 210  # the image's 300 dpi kept: an A4 page


@pytest.mark.usefixtures("with_ocr")
def test_jpeg_without_dpi_is_read_at_the_default_resolution():
    page = scanned_page(["Hundesteuer Anmeldung"], mode="RGB", size=A4_300_DPI, font_size=80)
    jpeg = image_bytes(page, "JPEG", quality=90)
    assert scan_facts(jpeg, "image/jpeg").dpi is None

    result = ocr_to_pdfa(jpeg, "image/jpeg")

    assert {"hundesteuer", "anmeldung"} <= words(result.text)
    width = float(PdfReader(io.BytesIO(result.pdf)).pages[0].mediabox.width)
    assert round(width / 72 * 25.4) == 210  # 2480 px at DEFAULT_IMAGE_DPI = 300


@pytest.mark.usefixtures("with_ocr")
def test_multipage_tiff_becomes_one_pdfa_and_a_page_can_be_cut_out():
    first = scanned_page(["Hundesteuer Anmeldung"], mode="1")
    second = scanned_page(["Bürgerbüro Gütersloh"], mode="1")
    tiff = image_bytes(first, "TIFF", save_all=True, append_images=[second], dpi=(150, 150))

    result = ocr_to_pdfa(tiff, "image/tiff")

    assert result.pages == 2
    page_two = extract_pages(result.pdf, PageRange(2, 2))
    assert len(PdfReader(io.BytesIO(page_two)).pages) == 1
    assert "gütersloh" in words(extract_text(page_two, PDF))
    assert "hundesteuer" not in words(extract_text(page_two, PDF))
    assert_pdfa_2(page_two)  # metadata and output intent went along
    info = PdfReader(io.BytesIO(page_two)).metadata
    assert info["/Producer"] == PdfReader(io.BytesIO(result.pdf)).metadata["/Producer"]


@pytest.mark.usefixtures("with_ocr")
def test_image_only_pdf_is_ocred_and_a_text_page_kept_as_it_is():
    scan = image_bytes(scanned_page(["Hundesteuer Anmeldung"]), "PDF", resolution=150)
    mixed = joined(scan, text_pdf("Bescheid über die Hundesteuer 2026"))
    assert extract_text(scan, PDF) == ""  # an image only, before OCR

    result = ocr_to_pdfa(mixed, "application/pdf")

    reader = PdfReader(io.BytesIO(result.pdf))
    assert {"hundesteuer", "anmeldung"} <= words(reader.pages[0].extract_text())
    assert reader.pages[1].extract_text().strip() == "Bescheid über die Hundesteuer 2026"
    assert_pdfa_2(result.pdf)


@pytest.mark.usefixtures("with_ocr")
def test_failures_name_the_tool_and_its_error():
    with pytest.raises(OcrFailed, match="exit status") as failed:
        ocr_to_pdfa(b"%PDF-1.4 kaputt", "application/pdf")
    assert failed.value.stderr_tail  # ocrmypdf's reason, for the log

    with pytest.raises(OcrFailed, match=r"longer than 0\.01 seconds"):
        ocr_to_pdfa(text_pdf("Hund"), "application/pdf", timeout=0.01)

    with pytest.raises(OcrFailed, match="not image/gif"):
        ocr_to_pdfa(b"GIF89a", "image/gif")
    with pytest.raises(ValueError, match="language"):
        ocr_to_pdfa(text_pdf("Hund"), "application/pdf", language="--help")


def blank_scan():
    """An empty sheet as a 300-dpi scanner sees it: gray paper, speckles, dust, a punch hole
    in the margin."""
    page = Image.new("L", A4_300_DPI, 240)
    draw = ImageDraw.Draw(page)
    for n in range(3000):
        draw.point(((n * 7919) % 2480, (n * 104729) % 3508), fill=60)
    for n in range(20):
        x, y = 300 + (n * 389) % 1800, 300 + (n * 997) % 2900
        draw.ellipse((x, y, x + 6, y + 6), fill=30)
    draw.ellipse((100, 1700, 180, 1780), fill=20)
    return image_bytes(page, "PDF", resolution=300)


@pytest.mark.usefixtures("with_poppler")
def test_batch_splits_at_blank_pages_and_separator_sheets():
    batch = joined(
        text_pdf("Antrag eins"),
        blank_scan(),
        text_pdf("Nachweis zwei"),
        text_pdf("TRENNBLATT", font_size="60pt"),
        text_pdf("Bescheid drei"),
    )

    documents = split_batch(batch)

    assert documents == [PageRange(1, 1), PageRange(3, 3), PageRange(5, 5)]
    texts = [extract_text(extract_pages(batch, pages), PDF) for pages in documents]
    assert texts == ["Antrag eins", "Nachweis zwei", "Bescheid drei"]


@pytest.mark.usefixtures("with_poppler")
def test_short_pages_and_letters_about_separators_do_not_split():
    letter = "Bitte legen Sie ein Trennblatt zwischen die Dokumente. " + "Danke. " * 40
    batch = joined(
        text_pdf("Trennblatt"),  # leading separator: no empty document
        text_pdf("Seite 2", font_size="8pt"),  # little ink, but a word: not blank
        text_pdf(""),
        text_pdf(""),  # two blank pages in a row: no empty document
        text_pdf(letter, "Anlage"),
    )

    assert split_batch(batch) == [PageRange(2, 2), PageRange(5, 6)]
    assert len(PdfReader(io.BytesIO(extract_pages(batch, PageRange(5, 6)))).pages) == 2


def test_page_ranges_are_checked():
    with pytest.raises(ValueError):
        PageRange(0, 1)
    with pytest.raises(ValueError):
        PageRange(3, 2)
    with pytest.raises(ValueError, match="page 3 of a 2-page PDF"):
        extract_pages(text_pdf("eins", "zwei"), PageRange(2, 3))
    assert len(PageRange(2, 4)) == 3


@pytest.mark.usefixtures("with_poppler")
def test_scan_facts_of_images_and_pdfs():
    gray = scanned_page(["Hund"])
    bilevel = scanned_page(["Hund"], mode="1")
    colour = scanned_page(["Hund"], mode="RGB")

    assert scan_facts(image_bytes(gray, "PNG", dpi=(300, 300)), "image/png") == ScanFacts(
        pages=1, dpi=(300, 300), colour_mode="gray"
    )
    tiff = image_bytes(bilevel, "TIFF", save_all=True, append_images=[bilevel], dpi=(200, 200))
    assert scan_facts(tiff, "image/tiff") == ScanFacts(pages=2, dpi=(200, 200), colour_mode="bw")
    assert scan_facts(image_bytes(colour, "JPEG"), "image/jpeg") == ScanFacts(
        pages=1, dpi=None, colour_mode="color"
    )
    scanned_pdf = image_bytes(gray, "PDF", resolution=150, save_all=True, append_images=[colour])
    assert scan_facts(scanned_pdf, PDF) == ScanFacts(pages=2, dpi=(150, 150), colour_mode="gray")
    assert scan_facts(text_pdf("Hund"), PDF) == ScanFacts(pages=1, dpi=None, colour_mode=None)
    with pytest.raises(ocr.ScanUnreadable):
        scan_facts(b"kein Bild", "image/png")
