"""The seal's incremental update keeps a PDF/A-2 document PDF/A-2 (tests/pdf_conformance.py)."""

from io import BytesIO

import pytest
import weasyprint
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

from rathaus.seals.demo_ca import demo_ca_create
from rathaus.seals.services import _mtime, _signer_load, pdf_seal, seal_material
from rathaus.seals.validation import pdf_seal_validate
from tests.pdf_conformance import pdfa2_problems

HTML = (
    "<html lang='de'><head><title>Eingangsbestätigung</title>"
    "<meta name='author' content='Ordnungsamt'><meta name='description' content='Beleg'></head>"
    "<body><h1>Eingangsbestätigung</h1><table><tr><th scope='row'>Aktenzeichen</th>"
    "<td>A-1</td></tr></table></body></html>"
)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return weasyprint.HTML(string=HTML).write_pdf(
        pdf_variant="pdf/a-2b", pdf_version="1.7", pdf_tags=True
    )


@pytest.fixture
def ecdsa_seal(settings, tmp_path):
    """The demo CA's seal: ECDSA on P-256, for which pyHanko would declare PDF 2.0."""
    files, _ = demo_ca_create(directory=tmp_path)
    settings.RATHAUS_SEAL_KEY_FILE = str(files.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(files.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(files.ca_cert)]


def test_unsealed_document_passes_the_check(pdf):
    assert pdfa2_problems(pdf) == []


def test_sealed_document_stays_pdfa2_and_pdf17(ecdsa_seal, pdf):
    sealed = pdf_seal(pdf=pdf, reason="r", location="l")
    assert pdf_seal_validate(pdf=sealed).ok
    assert pdfa2_problems(sealed) == []
    root = PdfFileReader(BytesIO(sealed), strict=False).root
    assert "/Version" not in root
    # PAdES declared the PDF 1.7 way.
    assert root["/Extensions"]["/ESIC"]["/BaseVersion"] == "/1.7"


def test_the_check_sees_what_pyhankos_defaults_break(ecdsa_seal, pdf):
    """Sealed the way pdf_seal did before: PDF 2.0 declared for ECDSA, and the producer in the
    Info dictionary no longer the XMP one. The check must notice both."""
    material = seal_material()
    meta = signers.PdfSignatureMetadata(
        field_name="Siegel", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    output = BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)),
        meta,
        signer=_signer_load(material, _mtime(material.key_file)),
        output=output,
    )
    problems = pdfa2_problems(output.getvalue())
    assert any("/Version /2.0" in p for p in problems)
    assert any("/Producer" in p for p in problems)


def test_the_check_sees_a_document_that_is_not_pdfa():
    problems = pdfa2_problems(weasyprint.HTML(string=HTML).write_pdf())
    assert "no XMP metadata" in problems
    assert any("output intent" in p for p in problems)
