import io
import os
import time
import zipfile

import pytest

from rathaus.contrib.clamav.local import EICAR
from rathaus.uploads.content_types import (
    HEAD_BYTES,
    ContainerLimits,
    Refusal,
    content_type_detect,
)
from tests.applications import upload_samples as samples

MIB = 1024 * 1024


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


# --- Containers the scanner could not read, bombs, PDF with data attached ---

SMALL_LIMITS = ContainerLimits(unpacked_total=3 * MIB, unpacked_member=2 * MIB, ratio=100)


def test_docx_with_an_lzma_member_is_refused_whatever_it_holds():
    # ClamAV does not unpack LZMA members: EICAR in one was reported clean.
    detected = detect(samples.docx_with("word/media/image1.bin", EICAR, zipfile.ZIP_LZMA))
    assert detected.refusal == Refusal.COMPRESSION and not detected.known


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_only_stored_and_deflate_members_are_accepted(method):
    assert detect(samples.docx_with("word/extra.xml", b"<x/>", method)).refusal == (
        Refusal.COMPRESSION
    )
    assert detect(samples.docx_with("word/extra.xml", b"<x/>", zipfile.ZIP_STORED)).known


def test_docx_with_a_zipcrypto_encrypted_member_is_refused():
    detected = detect(samples.docx_encrypted_member())
    assert detected.refusal == Refusal.ENCRYPTED and not detected.known


def test_encryption_marked_only_in_the_local_header_is_found():
    content = bytearray(samples.docx_encrypted_member())
    # Clear the flag in the central directory: the local header still says "encrypted".
    central = content.rfind(b"PK\x01\x02")
    content[central + 8] &= ~0x1
    assert detect(bytes(content)).refusal == Refusal.ENCRYPTED


def test_a_one_megabyte_docx_that_inflates_to_one_gibibyte_is_refused_quickly():
    bomb = samples.docx_bomb()  # the default limits, the real thing
    assert len(bomb) < 1.1 * MIB
    started = time.monotonic()
    detected = detect(bomb)
    assert detected.refusal == Refusal.UNPACKED_SIZE and not detected.known
    assert detected.limit == 50 * MIB  # the per-member limit was hit first
    assert time.monotonic() - started < 5  # unpacked only up to the limit, not to 1 GiB


def test_limits_apply_per_member_and_in_total(settings):
    settings.RATHAUS_UPLOAD_MAX_UNPACKED_MEMBER_BYTES = 2 * MIB
    settings.RATHAUS_UPLOAD_MAX_UNPACKED_BYTES = 3 * MIB
    settings.RATHAUS_UPLOAD_MAX_COMPRESSION_RATIO = 10**6  # sizes only here
    one_member = detect(samples.docx_with("word/media/a.bin", bytes(2 * MIB + 1)))
    assert (one_member.refusal, one_member.limit) == (Refusal.UNPACKED_SIZE, 2 * MIB)
    assert detect(samples.docx_with("word/media/a.bin", bytes(2 * MIB))).known
    two_members = _docx_with_members(
        [("word/media/a.bin", bytes(2 * MIB)), ("word/media/b.bin", bytes(MIB + 1))]
    )
    assert (detect(two_members).refusal, detect(two_members).limit) == (
        Refusal.UNPACKED_SIZE,
        3 * MIB,
    )


def test_compression_ratio_is_limited_for_large_members():
    random_part = os.urandom(MIB)  # does not compress
    zeros = bytes(2 * MIB)  # 2 MiB of zeros deflate to about 2 KiB: ratio ~1000
    assert detect(samples.docx_with("word/media/a.bin", random_part, zipfile.ZIP_DEFLATED)).known
    detected = content_type_detect(
        b"PK\x03\x04", io.BytesIO(samples.docx_with("word/media/a.bin", zeros)), SMALL_LIMITS
    )
    assert detected.refusal == Refusal.PACKING
    # A small, very compressible XML part is normal and stays accepted.
    assert detect(samples.docx_with("word/styles.xml", b" " * 100_000)).known


def test_sizes_are_counted_not_taken_from_the_zip_directory():
    # The headers claim 1000 bytes; the member inflates to 2 MiB.
    detected = detect(samples.docx_bomb(2 * MIB, declared=1000))
    assert detected.refusal == Refusal.PACKING


def test_too_many_members_are_refused():
    limits = ContainerLimits(unpacked_total=MIB, unpacked_member=MIB, ratio=100, members=10)
    content = _docx_with_members([(f"word/media/{n}.png", b"x") for n in range(10)])
    detected = content_type_detect(content[:HEAD_BYTES], io.BytesIO(content), limits)
    assert detected.refusal == Refusal.PACKING


def test_odt_is_held_to_the_same_packing_rules():
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(samples.odt()))
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("Pictures/a.bin", EICAR, compress_type=zipfile.ZIP_LZMA)
    assert detect(out.getvalue()).refusal == Refusal.COMPRESSION


@pytest.mark.parametrize("eof_comment", [False, True])
def test_pdf_with_a_zip_appended_is_refused(eof_comment):
    # With eof_comment the ZIP's comment ends in "%%EOF": the file ends like a PDF, the
    # ZIP inside is found all the same.
    detected = detect(samples.pdf_with_zip_appended(eof_comment=eof_comment))
    assert detected.refusal == Refusal.ATTACHED_DATA and not detected.known


@pytest.mark.parametrize(
    "trailer", [b"<html><script>alert(1)</script></html>", b"MZ" + bytes(100), b"x"]
)
def test_pdf_with_data_after_its_last_eof_is_refused(trailer):
    assert detect(samples.pdf() + trailer).refusal == Refusal.ATTACHED_DATA


def test_pdf_without_any_eof_is_refused():
    assert detect(samples.pdf().rstrip()[: -len(b"%%EOF")]).refusal == Refusal.ATTACHED_DATA


@pytest.mark.parametrize("trailer", [b"", b"\n", b"\r\n", b" \t\x0c", b"\x00" * 300])
def test_pdf_white_space_after_the_last_eof_is_accepted(trailer):
    # NUL is PDF white space (ISO 32000-1, 7.2.2); some scanners pad with it.
    assert detect(samples.pdf() + trailer).key == "pdf"
    assert detect(samples.pdf() + trailer).known


def test_pdf_with_incremental_updates_is_judged_by_its_last_eof():
    # An incremental update appends a revision with its own %%EOF; earlier ones are inside.
    revision = b"4 0 obj\n<< /Producer (Update) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert detect(samples.pdf() + revision).known
    assert detect(samples.pdf() + revision + b"junk").refusal == Refusal.ATTACHED_DATA


def test_pdf_tail_check_crosses_read_blocks():
    # %%EOF split across the 64 KiB blocks read from the end, followed by much white space.
    content = samples.pdf().rstrip(b"\n") + b"\n" * (64 * 1024 - 2)
    assert detect(content).known
    assert detect(samples.pdf() + b"\x00" * (200 * 1024)).known


def _docx_with_members(members):
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(samples.docx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        for name, content in members:
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("size", [MIB - 1, MIB, MIB + 1, 3 * MIB + 7])
def test_members_around_the_read_block_size_are_counted_exactly(size):
    # Hex text deflates about 2:1; its exact size must come out, whatever the block limits.
    text = os.urandom(size // 2 + 1).hex().encode()[:size]
    assert detect(samples.docx_with("word/media/a.txt", text)).known


def test_encrypted_sample_is_real_zipcrypto():
    # The sample is what an encrypting ZIP tool writes: readable with the password only.
    archive = zipfile.ZipFile(io.BytesIO(samples.docx_encrypted_member(b"Nachweis")))
    with pytest.raises(RuntimeError, match="password required"):
        archive.read("word/media/image1.png")
    assert archive.read("word/media/image1.png", pwd=b"geheim") == b"Nachweis"
    assert EICAR not in samples.docx_encrypted_member()
