import io

import pytest

from rathaus.applications.content_types import HEAD_BYTES, Refusal, content_type_detect
from tests.applications import upload_samples as samples


def detect(content: bytes):
    return content_type_detect(content[:HEAD_BYTES], io.BytesIO(content))


@pytest.mark.parametrize(
    ("sample", "key", "mime"),
    [
        (samples.pdf, "pdf", "application/pdf"),
        (samples.jpeg, "jpeg", "image/jpeg"),
        (samples.png, "png", "image/png"),
        (samples.tiff, "tiff", "image/tiff"),
        (samples.odt, "odt", "application/vnd.oasis.opendocument.text"),
        (
            samples.docx,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_types_are_recognised_by_content(sample, key, mime):
    detected = detect(sample())
    assert (detected.key, detected.mime, detected.refusal) == (key, mime, "")
    assert detected.known


@pytest.mark.parametrize(
    "sample", [samples.plain_zip, samples.tar_gz, samples.rar, samples.seven_zip]
)
def test_archives_are_refused(sample):
    detected = detect(sample())
    assert detected.refusal == Refusal.ARCHIVE
    assert not detected.known


def test_docm_disguised_as_docx_is_refused_as_macro_carrying():
    assert detect(samples.docx(macros=True)).refusal == Refusal.MACRO


def test_docx_content_type_with_a_vba_project_inside_is_refused():
    # The main part claims to be a plain document, but vbaProject.bin travels along.
    detected = detect(samples.docx_with_only_vba_part())
    assert detected.refusal == Refusal.MACRO


def test_odt_with_basic_macros_is_refused():
    assert detect(samples.odt(macros=True)).refusal == Refusal.MACRO


def test_other_opendocument_kinds_are_not_odt():
    detected = detect(samples.odf("application/vnd.oasis.opendocument.spreadsheet"))
    assert detected.key == "" and not detected.known
    assert "spreadsheet" in detected.label


def test_zip_with_a_wrong_odf_mimetype_is_an_archive():
    assert detect(samples.odf("text/plain")).refusal == Refusal.ARCHIVE


def test_content_types_with_a_dtd_are_not_parsed():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>',
        )
    detected = detect(out.getvalue())
    assert not detected.known and detected.key == ""


def test_executable_and_text_are_refused_and_described():
    exe = detect(samples.exe())
    assert not exe.known and "Programm" in exe.label
    text = detect(samples.eicar())
    assert not text.known and "text" in text.label
    empty = detect(b"")
    assert not empty.known


def test_pdf_with_javascript_is_accepted_the_scan_decides():
    assert detect(samples.pdf(javascript=True)).key == "pdf"
