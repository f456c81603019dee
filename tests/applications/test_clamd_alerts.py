"""The real clamd (started by the suite) reports what it cannot read as not clean: the alerts
for encrypted archives and exceeded limits are on in the config `bin/clamd-local` and the
tests use (`contrib/clamav/local.py`), as production's must be (docs/operations.md)."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from rathaus.applications.attachments import attachment_status_text
from rathaus.applications.models import Attachment
from rathaus.applications.scanning import attachment_scan
from rathaus.contrib.clamav import local
from rathaus.contrib.clamav.scanner import ClamAVScanner
from tests.applications import upload_samples as samples
from tests.factories import DraftFactory


def _many_members(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(str(number), b"x")
    return out.getvalue()


def test_config_turns_the_alerts_on(tmp_path):
    config, _url = local.clamd_local_config(tmp_path)
    lines = set(config.read_text().splitlines())
    assert {
        "AlertEncrypted yes",
        "AlertEncryptedArchive yes",
        "AlertEncryptedDoc yes",
        "AlertExceedsMax yes",
    } <= lines
    assert {"MaxFileSize 100M", "MaxScanSize 400M", "StreamMaxLength 100M"} <= lines


def test_encrypted_member_is_not_clean(clamav):
    # Without AlertEncrypted clamd skips the member it cannot decrypt and answers OK.
    result = ClamAVScanner().scan(io.BytesIO(samples.docx_encrypted_member()))
    assert not result.clean
    assert result.signature.startswith("Heuristics.Encrypted.Zip")


def test_exceeded_limit_is_not_clean(clamav):
    # More members than MaxFiles (10000): clamd stops looking, and says so.
    result = ClamAVScanner().scan(io.BytesIO(_many_members(10_050)))
    assert not result.clean
    assert result.signature.startswith("Heuristics.Limits.Exceeded")


@pytest.mark.django_db
def test_an_unreadable_file_that_got_past_the_type_check_is_removed(clamav, media_root, in_english):
    # An upload stored before the type check refused encrypted members (or by another path):
    # the scan alone must keep it from staff.
    content = samples.docx_encrypted_member()
    attachment = Attachment(
        draft=DraftFactory(),
        original_name="brief.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save("upload", ContentFile(content), save=False)
    attachment.save()
    scanned = attachment_scan(attachment_id=attachment.pk)
    assert scanned is not None
    assert scanned.scan_status == Attachment.ScanStatus.INFECTED
    assert scanned.scan_detail.startswith("Heuristics.Encrypted.Zip")
    assert not scanned.file
    assert attachment_status_text(scanned) == "encrypted, so it could not be checked – removed"
