"""Rendering the documents the authority issues (receipts, decisions) as tagged PDF/A-2b
with WeasyPrint, before they are sealed (`rathaus.seals.services.pdf_seal`)."""

import weasyprint

# PDF/A-2 is based on PDF 1.7; the tags (structure tree, /Lang, DisplayDocTitle) make the
# documents readable with a screen reader.
PDF_VARIANT = "pdf/a-2b"
PDF_VERSION = "1.7"


def pdfa_render(*, html: str) -> bytes:
    """`html` (a complete document with `lang`, a title and embedded styles; no external
    resources) as an unsealed, tagged PDF/A-2b document, PDF 1.7: fonts embedded, sRGB output
    intent, XMP metadata with pdfaid:part 2, structure tree."""
    document = weasyprint.HTML(string=html, base_url=None)
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_version=PDF_VERSION, pdf_tags=True)
    return pdf
