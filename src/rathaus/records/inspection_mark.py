"""The visible mark of a document read in a file inspection (§8 EGovG): every page carries a
line naming the inspection, the participant and the day, so a copy passed on shows where it
came from. The participant always receives a PDF:

- a PDF gets the mark stamped onto each of its pages (pypdf merges a one-line overlay drawn
  by WeasyPrint in the page's own size);
- an image (PNG, JPEG, TIFF, GIF) becomes a PDF page first (Pillow);
- any other document is shown by its text (`text_extraction`) in a PDF made for it.
"""

import html
import io
import logging

import weasyprint
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from .text_extraction import extract_text

logger = logging.getLogger(__name__)

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff", "image/gif"})
POINTS_PER_PX = 0.75  # CSS px → PDF points


def _overlay(mark: str, width: float, height: float) -> PdfReader:
    """One transparent page of `width` × `height` points with `mark` at its top and foot."""
    line = html.escape(mark)
    document = f"""<html lang="de"><head><style>
      @page {{ size: {width}pt {height}pt; margin: 0; }}
      body {{ margin: 0; font: 7.5pt 'DejaVu Sans', sans-serif; color: #b00020; }}
      p {{ position: absolute; left: 12pt; right: 12pt; margin: 0; }}
      .top {{ top: 5pt; }} .foot {{ bottom: 5pt; }}
    </style></head><body><p class="top">{line}</p><p class="foot">{line}</p></body></html>"""
    return PdfReader(io.BytesIO(weasyprint.HTML(string=document).write_pdf()))


def _stamp(pdf: bytes, mark: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    overlays: dict[tuple[float, float], PdfReader] = {}
    for page in writer.pages:
        box: RectangleObject = page.mediabox
        size = (float(box.width), float(box.height))
        if size not in overlays:
            overlays[size] = _overlay(mark, *size)
        page.merge_translated_page(overlays[size].pages[0], float(box.left), float(box.bottom))
    writer.add_metadata({"/Subject": mark})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_pdf(data: bytes) -> bytes:
    frames = []
    with Image.open(io.BytesIO(data)) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.convert("RGB"))
    out = io.BytesIO()
    frames[0].save(out, "PDF", save_all=True, append_images=frames[1:], resolution=150)
    return out.getvalue()


def _text_pdf(text: str, title: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    document = f"""<html lang="de"><head><title>{html.escape(title)}</title><style>
      @page {{ size: A4; margin: 25mm 20mm; }}
      body {{ font: 10pt 'DejaVu Sans', sans-serif; }} p {{ white-space: pre-wrap; }}
    </style></head><body><h1>{html.escape(title)}</h1>{paragraphs}</body></html>"""
    return bytes(weasyprint.HTML(string=document).write_pdf())


def marked_pdf(*, data: bytes, content_type: str, title: str, mark: str) -> bytes:
    """`data` as a PDF whose every page carries `mark` (see the module docstring)."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/pdf":
        try:
            return _stamp(data, mark)
        except Exception:  # a broken PDF: its text, as far as it can be read
            logger.warning("inspection: PDF could not be stamped, its text is shown instead")
            return _stamp(_text_pdf(extract_text(data, content_type), title), mark)
    if media_type in IMAGE_TYPES:
        return _stamp(_image_pdf(data), mark)
    return _stamp(_text_pdf(extract_text(data, content_type), title), mark)
