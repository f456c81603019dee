"""OCR of scans for the E-Akte: searchable PDF/A from scanned paper, batches split into
documents, and the facts of a scan for its scan record.

- `ocr_to_pdfa` turns a scanned PDF or image (TIFF, JPEG, PNG) into a PDF/A-2b with a German
  text layer by running the `ocrmypdf` command line tool (Debian's package, not importable
  from the virtualenv) in a private temporary directory, with a timeout.
- `split_batch` finds the documents in a scanned batch: separator sheets (the word
  TRENNBLATT) and blank pages end a document and are dropped; `extract_pages` cuts one
  document out, keeping the PDF/A identification.
- `scan_facts` reads pages, resolution and colour mode of a scan (TR-RESISCAN asks the scan
  record for them).

The tools: ocrmypdf with tesseract's `deu` data (`ocr_available`), and poppler's pdftoppm and
pdfimages. All are called without a shell, with arguments as a list and a timeout; a timeout
kills the tool's whole process group (ocrmypdf starts tesseract and Ghostscript workers).
"""

import contextlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageMode, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from .text_extraction import PDF, extract_text

logger = logging.getLogger(__name__)

ColourMode = Literal["bw", "gray", "color"]

OCRMYPDF = "ocrmypdf"
TESSERACT = "tesseract"
DEFAULT_LANGUAGE = "deu"
IMAGE_TYPES = {"image/tiff": ".tif", "image/jpeg": ".jpg", "image/png": ".png"}

DEFAULT_IMAGE_DPI = 300
"""The resolution assumed for an image that does not state one (the usual scanner setting;
tesseract reads pixels, the DPI only sets the PDF page size)."""

TIFF_JPEG_QUALITY = 95
"""JPEG quality of gray and colour pages of a multi-page TIFF converted to PDF by Pillow
(bilevel pages are stored losslessly as CCITT G4)."""

BLANK_RENDER_DPI = 50
"""Pages are rendered this coarsely to find blank ones: fast, and scanner dust and speckles
blur into light gray instead of counting as ink."""

DARK_LEVEL = 160
"""A rendered pixel darker than this gray value (0 black … 255 white) counts as ink."""

BLANK_MARGIN = 0.08
"""The share of the width and height cut off at each edge before counting ink (17 mm left
and right on A4, 24 mm top and bottom): punch holes (ISO 838: 9–15 mm from the edge),
staples and the scanner's edge shadows live there; letters keep 20–25 mm (DIN 5008)."""

BLANK_MAX_DARK_SHARE = 0.0004
"""A page with less ink than this share of its (margin-cut) pixels is blank. Measured at 50
dpi: a 300-dpi scan of an empty sheet with speckles and dust 0.01–0.016 %, a single word
("Unterschrift", 11 pt) 0.057 %, one line of 11 pt text 0.28 %; "Seite 2" alone in 10 pt
is below it (0.022 %), which is why a page whose text layer holds a word (`_WORD`) is never
blank, whatever its ink."""

SEPARATOR_WORD = re.compile(r"\btrennblatt\b", re.IGNORECASE)
SEPARATOR_MAX_WORDS = 40
"""A page naming TRENNBLATT is a separator sheet only when it holds at most this many words,
so that a letter mentioning a separator sheet does not split the batch."""

_WORD = re.compile(r"[^\W\d_]{4,}")  # four letters in a row: not OCR noise of a blank page
_LANGUAGE = re.compile(r"[a-z_]{3,}(\+[a-z_]{3,})*")  # tesseract's names: deu, deu+eng, deu_latf

TOOL_TIMEOUT = 120
"""Seconds for pdftoppm and pdfimages (rendering a batch at 50 dpi takes well under a
second a page)."""

STDERR_TAIL_CHARS = 2000


class OcrFailed(Exception):
    """The OCR tool failed, timed out or refused the input. `stderr_tail` holds the end of
    the tool's error output for the log; the message is technical, not for citizens."""

    def __init__(self, message: str, *, stderr_tail: str = "") -> None:
        super().__init__(f"{message}\n{stderr_tail}" if stderr_tail else message)
        self.stderr_tail = stderr_tail


class ScanUnreadable(ValueError):
    """The input is not a PDF or image these functions can read."""


@dataclass(frozen=True)
class OcrResult:
    """A searchable PDF/A-2b, its text (for the full-text search) and its page count."""

    pdf: bytes
    text: str
    pages: int


@dataclass(frozen=True)
class PageRange:
    """Pages `first` to `last` of a PDF, numbered from 1, both included."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if not 1 <= self.first <= self.last:
            raise ValueError(f"not a page range: {self.first}–{self.last}")

    def __len__(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class ScanFacts:
    """The facts of a scan: pages, resolution (x, y) in DPI and colour mode; None where the
    input does not say (an image without DPI, a PDF page without an image)."""

    pages: int
    dpi: tuple[int, int] | None
    colour_mode: ColourMode | None


# --- availability --------------------------------------------------------------------------


def ocr_available(language: str = DEFAULT_LANGUAGE) -> bool:
    """Whether OCR can run here: the ocrmypdf command and tesseract's `language` data."""
    return shutil.which(OCRMYPDF) is not None and language in _tesseract_languages()


@cache
def _tesseract_languages() -> frozenset[str]:
    if shutil.which(TESSERACT) is None:
        return frozenset()
    try:
        listing = _run([TESSERACT, "--list-langs"], timeout=30)
    except OcrFailed:
        return frozenset()
    # The first line names the data directory; tesseract 4 printed the list on stderr.
    lines = (listing.stdout + listing.stderr).decode(errors="replace").splitlines()
    return frozenset(line.strip() for line in lines if line and " " not in line.strip())


# --- OCR -----------------------------------------------------------------------------------


def ocr_to_pdfa(
    data: bytes, content_type: str, *, language: str = DEFAULT_LANGUAGE, timeout: int = 300
) -> OcrResult:
    """A PDF/A-2b with a text layer in `language` from a scanned PDF or a TIFF, JPEG or PNG
    image; OcrFailed when ocrmypdf fails or takes longer than `timeout` seconds.

    PDFs are run with `--skip-text`: a page that already carries text (a born-digital page
    in a mixed batch, or a page the scanner's own software recognised) keeps it unchanged
    and is not OCRed again; all pages are converted to PDF/A. The alternatives are worse for
    scans: `--force-ocr` rasterises every page, turning born-digital vector text into
    images; `--redo-ocr` OCRs every page again (seconds a page) only to replace a scanner's
    text layer, and does not combine with cleaning options. Where a scanner's own OCR is
    poor, switch it off in the scanner profile so the pages arrive without text.
    """
    if not _LANGUAGE.fullmatch(language):
        raise ValueError(f"not a tesseract language: {language!r}")
    media_type = content_type.split(";")[0].strip().lower()
    with tempfile.TemporaryDirectory(prefix="rathaus-ocr-") as name:
        directory = Path(name)
        source, options = _ocr_input(data, media_type, directory)
        output = directory / "output.pdf"
        command = [OCRMYPDF, "-l", language, "--output-type", "pdfa-2", "--skip-text"]
        # TMPDIR: ocrmypdf's intermediate page images stay in the private directory,
        # removed with it even when a timeout kills the tool.
        result = _run(
            [*command, *options, str(source), str(output)],
            timeout=timeout,
            env={**os.environ, "TMPDIR": name},
        )
        if result.returncode != 0:
            raise OcrFailed(
                f"ocrmypdf failed with exit status {result.returncode}",
                stderr_tail=_tail(result.stderr),
            )
        pdf = output.read_bytes()
    return OcrResult(
        pdf=pdf, text=extract_text(pdf, PDF), pages=len(PdfReader(io.BytesIO(pdf)).pages)
    )


def _ocr_input(data: bytes, media_type: str, directory: Path) -> tuple[Path, list[str]]:
    """The file ocrmypdf reads and the options it needs for it."""
    if media_type == PDF:
        source = directory / "input.pdf"
        source.write_bytes(data)
        return source, []
    if media_type not in IMAGE_TYPES:
        raise OcrFailed(f"OCR reads PDF, TIFF, JPEG and PNG, not {media_type or 'this input'}")
    image = _open_image(data)
    if getattr(image, "n_frames", 1) > 1:  # ocrmypdf takes single images only
        source = directory / "input.pdf"
        _multipage_tiff_to_pdf(image, source)
        return source, []
    options = [] if _image_dpi(image) else ["--image-dpi", str(DEFAULT_IMAGE_DPI)]
    if _has_alpha(image):  # img2pdf (in ocrmypdf) refuses transparency
        source = directory / "input.png"
        _flattened(image).save(source, "PNG", dpi=image.info.get("dpi", (DEFAULT_IMAGE_DPI,) * 2))
        return source, options
    source = directory / f"input{IMAGE_TYPES[media_type]}"
    source.write_bytes(data)  # as it is: ocrmypdf embeds JPEGs without re-encoding them
    return source, options


def _open_image(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise OcrFailed(f"the image cannot be read: {exc}") from exc
    return image


def _multipage_tiff_to_pdf(image: Image.Image, target: Path) -> None:
    """One PDF page a TIFF page, at the TIFF's resolution. Each page is saved on its own:
    Pillow hands a JPEG quality on to the CCITT encoder of bilevel pages, which refuses it."""
    dpi = _image_dpi(image) or (DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI)
    writer = PdfWriter()
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        page = _pdf_ready(image)
        options = {} if page.mode == "1" else {"quality": TIFF_JPEG_QUALITY}
        single = io.BytesIO()
        page.save(single, "PDF", dpi=_image_dpi(image) or dpi, **options)
        writer.append(PdfReader(single))
    with target.open("wb") as output:
        writer.write(output)


def _pdf_ready(image: Image.Image) -> Image.Image:
    """`image` in a mode Pillow writes to PDF well: 1 (CCITT G4), L or RGB (JPEG)."""
    if image.mode in ("1", "L", "RGB"):
        return image.copy()
    if _has_alpha(image):
        return _flattened(image)
    return image.convert(ImageMode.getmode(image.mode).basemode)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("LA", "RGBA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info
    )


def _flattened(image: Image.Image) -> Image.Image:
    """`image` on white paper, without its alpha channel."""
    rgba = image.convert("RGBA")
    paper = Image.new("RGB", rgba.size, "white")
    paper.paste(rgba, mask=rgba.getchannel("A"))
    return paper


# --- batches -------------------------------------------------------------------------------


def split_batch(pdf: bytes) -> list[PageRange]:
    """The documents of a scanned batch (with a text layer: OCR it first), in order.

    A document ends at a separator sheet — a page whose text names TRENNBLATT (and holds at
    most `SEPARATOR_MAX_WORDS` words) — or at a blank page (less ink than
    `BLANK_MAX_DARK_SHARE`, and no word in its text layer). Separators are dropped, and so
    are documents left without pages (two separators in a row). Blank pages split, so a
    batch scanned on both sides must have its blank backs removed by the scanner first.
    """
    texts = _page_texts(pdf)
    shares = _dark_shares(pdf)
    if len(shares) != len(texts):
        raise ScanUnreadable(f"rendered {len(shares)} of {len(texts)} pages")
    ranges: list[PageRange] = []
    first = 1
    for number, (text, share) in enumerate(zip(texts, shares, strict=True), start=1):
        if _is_separator(text) or _is_blank(text, share):
            if number > first:
                ranges.append(PageRange(first, number - 1))
            first = number + 1
    if first <= len(texts):
        ranges.append(PageRange(first, len(texts)))
    return ranges


def _is_separator(text: str) -> bool:
    return bool(SEPARATOR_WORD.search(text)) and len(text.split()) <= SEPARATOR_MAX_WORDS


def _is_blank(text: str, dark_share: float) -> bool:
    return dark_share < BLANK_MAX_DARK_SHARE and not _WORD.search(text)


def _page_texts(pdf: bytes) -> list[str]:
    reader = _pdf_reader(pdf)
    texts = []
    for page in reader.pages:
        try:
            texts.append(page.extract_text())
        except Exception:  # pypdf raises many kinds of errors on a malformed page
            logger.warning("a page's text cannot be read; it counts as without text")
            texts.append("")
    return texts


def _dark_shares(pdf: bytes) -> list[float]:
    """The share of ink pixels of each page, rendered in gray at `BLANK_RENDER_DPI`."""
    with tempfile.TemporaryDirectory(prefix="rathaus-split-") as name:
        directory = Path(name)
        source = directory / "batch.pdf"
        source.write_bytes(pdf)
        dpi = str(BLANK_RENDER_DPI)
        result = _run(
            ["pdftoppm", "-r", dpi, "-gray", "-png", str(source), str(directory / "page")],
            timeout=TOOL_TIMEOUT,
        )
        if result.returncode != 0:
            raise ScanUnreadable(f"pdftoppm cannot render the batch: {_tail(result.stderr)}")
        # pdftoppm pads the page numbers (page-01.png …), so the names sort in page order.
        return [_dark_share(path) for path in sorted(directory.glob("page-*.png"))]


def _dark_share(path: Path) -> float:
    with Image.open(path) as image:
        width, height = image.size
        dx, dy = int(width * BLANK_MARGIN), int(height * BLANK_MARGIN)
        histogram = image.convert("L").crop((dx, dy, width - dx, height - dy)).histogram()
    total = sum(histogram)
    return sum(histogram[:DARK_LEVEL]) / total if total else 0.0


def extract_pages(pdf: bytes, pages: PageRange) -> bytes:
    """A new PDF of `pages` of `pdf`. The document's XMP metadata, output intent (ICC
    profile) and Info dictionary go along, so a PDF/A stays identified as one; the file gets
    an identifier of its own."""
    reader = _pdf_reader(pdf)
    if pages.last > len(reader.pages):
        raise ValueError(f"page {pages.last} of a {len(reader.pages)}-page PDF")
    writer = PdfWriter()
    writer.append(reader, pages=(pages.first - 1, pages.last), import_outline=False)
    root = reader.root_object
    for key in ("/Metadata", "/OutputIntents"):
        if key in root:
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    if reader.metadata is not None:
        writer.metadata = reader.metadata  # replaces pypdf's own Producer, as the XMP has it
    writer.pdf_header = reader.pdf_header
    writer.generate_file_identifiers()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# --- scan facts ----------------------------------------------------------------------------


def scan_facts(data: bytes, content_type: str) -> ScanFacts:
    """Pages, resolution and colour mode of a scan (an image, or a PDF: of its first page's
    largest image); ScanUnreadable for other input."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == PDF:
        return _pdf_scan_facts(data)
    if media_type in IMAGE_TYPES:
        try:
            image = _open_image(data)
        except OcrFailed as exc:
            raise ScanUnreadable(str(exc)) from exc
        return ScanFacts(
            pages=getattr(image, "n_frames", 1),
            dpi=_image_dpi(image),
            colour_mode=_colour_mode(image),
        )
    raise ScanUnreadable(f"no scan facts for {media_type or 'this input'}")


def _image_dpi(image: Image.Image) -> tuple[int, int] | None:
    dpi = image.info.get("dpi")
    if not dpi:
        return None
    x, y = (round(float(value)) for value in dpi)
    return (x, y) if x > 0 and y > 0 else None


def _colour_mode(image: Image.Image) -> ColourMode:
    if image.mode == "1":
        return "bw"
    if ImageMode.getmode(image.mode).basemode == "L":  # L, LA, I;16, F …
        return "gray"
    return "color"  # RGB, CMYK, palettes


def _pdf_scan_facts(data: bytes) -> ScanFacts:
    pages = len(_pdf_reader(data).pages)
    with tempfile.TemporaryDirectory(prefix="rathaus-scan-") as name:
        source = Path(name) / "scan.pdf"
        source.write_bytes(data)
        # pdfimages computes the resolution from where the image is placed on the page.
        result = _run(
            ["pdfimages", "-list", "-f", "1", "-l", "1", str(source)], timeout=TOOL_TIMEOUT
        )
    if result.returncode != 0:
        raise ScanUnreadable(f"pdfimages cannot read the PDF: {_tail(result.stderr)}")
    image = _largest_image(result.stdout.decode(errors="replace"))
    if image is None:
        return ScanFacts(pages=pages, dpi=None, colour_mode=None)
    return ScanFacts(pages=pages, dpi=image.dpi, colour_mode=image.colour_mode)


@dataclass(frozen=True)
class _ListedImage:
    pixels: int
    dpi: tuple[int, int]
    colour_mode: ColourMode


def _largest_image(listing: str) -> _ListedImage | None:
    """The largest image in a `pdfimages -list` table (page num type width height color
    comp bpc enc interp object ID x-ppi y-ppi size ratio)."""
    images = []
    for line in listing.splitlines()[2:]:
        fields = line.split()
        if len(fields) < 14 or fields[2] != "image":
            continue  # soft masks and stencils are not the scan
        width, height, comp, bpc = int(fields[3]), int(fields[4]), int(fields[6]), int(fields[7])
        mode: ColourMode = "color" if comp > 1 or fields[5] == "index" else "gray"
        if mode == "gray" and bpc == 1:
            mode = "bw"
        dpi = (int(fields[12]), int(fields[13]))
        images.append(_ListedImage(pixels=width * height, dpi=dpi, colour_mode=mode))
    return max(images, key=lambda image: image.pixels, default=None)


# --- tools ---------------------------------------------------------------------------------


def _pdf_reader(pdf: bytes) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(pdf))
    except Exception as exc:  # pypdf raises many kinds of errors on malformed input
        raise ScanUnreadable(f"not a readable PDF: {exc}") from exc


def _run(
    command: list[str], *, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """`command` run without a shell; OcrFailed after `timeout` seconds, when its whole
    process group is killed (no tesseract or Ghostscript left running)."""
    try:
        process = subprocess.Popen(  # noqa: S603 - a fixed tool, arguments as a list
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise OcrFailed(f"{command[0]} cannot be started: {exc}") from exc
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):  # it ended just now
            os.killpg(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
        raise OcrFailed(
            f"{command[0]} took longer than {timeout} seconds", stderr_tail=_tail(stderr)
        ) from None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _tail(stderr: bytes) -> str:
    return stderr.decode(errors="replace").strip()[-STDERR_TAIL_CHARS:]
