"""Downloads are named after the detected type, never after what the citizen called the file."""

import io
from urllib.parse import unquote

import pytest

from rathaus.contrib.fitconnect.channel import submission_data, submission_metadata
from rathaus.uploads.download_names import (
    content_disposition,
    download_name,
    download_response,
)
from tests.applications.inbox_data import add_attachment, make_submission

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("original", "content_type", "served"),
    [
        # A matching extension is kept, spelt one way per type.
        ("Bescheid.pdf", PDF, "Bescheid.pdf"),
        ("Bescheid.PDF", PDF, "Bescheid.pdf"),
        ("foto.jpeg", "image/jpeg", "foto.jpg"),
        ("foto.jpg", "image/jpeg", "foto.jpg"),
        ("scan.tif", "image/tiff", "scan.tif"),
        ("brief.docx", DOCX, "brief.docx"),
        # The name lies about the content: the content decides.
        ("bescheid.html", PDF, "bescheid-html.pdf"),
        ("foto.pdf", "image/png", "foto-pdf.png"),
        ("scan.pdf.exe", PDF, "scan.pdf-exe.pdf"),
        # A right-to-left override shows "rechnungexe.pdf"; removing it must not leave ".exe".
        ("rechnung\u202efdp.exe", PDF, "rechnungfdp-exe.pdf"),
        ("rechnung\u2067fdp.exe\u2069", PDF, "rechnungfdp-exe.pdf"),
        ("rech\u200bnung.pdf", PDF, "rechnung.pdf"),
        ("Kontoauszug 01.02.2024", PDF, "Kontoauszug 01.02.2024.pdf"),
        ("ohne Endung", PDF, "ohne Endung.pdf"),
        ("../../etc/passwd", PDF, "etc_passwd.pdf"),
        ('a<b>c:d"e|f?g*h\\i.pdf', PDF, "a_b_c_d_e_f_g_h_i.pdf"),
        ("zeile\r\numbruch.pdf", PDF, "zeileumbruch.pdf"),
        ("viel   Platz\t.pdf", PDF, "viel Platz.pdf"),
        ("Straße – Übersicht.pdf", PDF, "Straße – Übersicht.pdf"),
        ("", PDF, "document.pdf"),
        ("...", PDF, "document.pdf"),
        (".pdf", PDF, "document.pdf"),
        ("CON", PDF, "_CON.pdf"),
        ("x.pdf", "application/x-unknown", "x-pdf.bin"),
    ],
)
def test_download_name_ends_with_the_extension_of_the_detected_type(
    original, content_type, served, in_english
):
    assert download_name(original_name=original, content_type=content_type) == served


def test_long_names_are_shortened_keeping_the_extension():
    name = download_name(original_name="ä" * 300 + ".exe", content_type=PDF)
    assert name.startswith("ää") and name.endswith(".pdf") and "exe" not in name
    assert len(name.encode()) <= 160


@pytest.mark.parametrize(
    ("filename", "fallback"),
    [
        ("Bescheid.pdf", "Bescheid.pdf"),
        ("Übersicht Straße.pdf", "Uebersicht Strasse.pdf"),
        ("café.pdf", "cafe.pdf"),
        ("公文.pdf", "download.pdf"),
        ("100% sicher.pdf", "100 sicher.pdf"),
    ],
)
def test_content_disposition_has_an_ascii_fallback_and_the_exact_name(filename, fallback):
    header = content_disposition(filename)
    plain, exact = header.split("; filename*=UTF-8''")
    assert plain == f'attachment; filename="{fallback}"'
    assert unquote(exact) == filename
    assert all(" " < ch <= "~" for ch in exact)  # percent-encoded, no quote, no space


def test_download_response_is_an_unsniffed_attachment():
    response = download_response(
        io.BytesIO(b"%PDF-1.4"), original_name="bescheid.html", content_type=PDF
    )
    assert response["Content-Type"] == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"bescheid-html.pdf\"; filename*=UTF-8''bescheid-html.pdf"
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


@pytest.mark.django_db
def test_fit_connect_hand_over_names_files_the_same_way(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    submission = make_submission()
    attachment = add_attachment(submission, name="rechnung\u202efdp.exe")
    metadata = submission_metadata(
        submission, data=submission_data(submission), attachments=[(attachment, b"%PDF-1.4")]
    )
    (described,) = metadata["contentStructure"]["attachments"]
    assert described["filename"] == "rechnungfdp-exe.pdf"
