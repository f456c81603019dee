"""Document content in the storage (Django's storage API, `STORAGES["records"]`: the local
disk by default, S3-compatible object storage in production), addressed by its SHA-256:
identical bytes are stored once, under `records/<2>/<2>/<sha256>`, and read back only with
their hash checked.

Two uploads of the same new bytes at the same moment both write the object (the same bytes)
and one row wins; a file written by a transaction that then failed stays in the storage
without a row (harmless; a clean-up can list objects without rows)."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rathaus.core.errors import Conflict

from .models import StoredContent

PREFIX = "records"


class ContentAltered(Conflict):
    """The stored bytes are missing or no longer match their SHA-256."""


def records_storage() -> Storage:
    """The storage of document contents (`STORAGES["records"]`: the local disk under
    MEDIA_ROOT, or S3-compatible object storage; RATHAUS_RECORDS_STORAGE)."""
    return storages["records"]


def content_name(sha256: str) -> str:
    return f"{PREFIX}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def content_store(data: bytes) -> StoredContent:
    """The stored content of `data`: the existing one for bytes stored before, else written."""
    sha256 = hashlib.sha256(data).hexdigest()
    found = StoredContent.objects.filter(sha256=sha256).first()
    if found is not None:
        return found
    name = content_name(sha256)
    storage = records_storage()
    if not storage.exists(name):
        name = storage.save(name, ContentFile(data))
    try:
        with transaction.atomic():  # savepoint: the same bytes may be stored concurrently
            return StoredContent.objects.create(sha256=sha256, size=len(data), name=name)
    except IntegrityError:
        return StoredContent.objects.get(sha256=sha256)


def content_read(content: StoredContent) -> bytes:
    """The bytes of `content`, checked against its SHA-256 (ContentAltered otherwise)."""
    storage = records_storage()
    try:
        if not storage.exists(content.name):
            raise FileNotFoundError(content.name)
        with storage.open(content.name, "rb") as handle:
            data = handle.read()
    except OSError:
        raise ContentAltered(_("The content of this document is missing in the storage.")) from None
    if hashlib.sha256(data).hexdigest() != content.sha256:
        raise ContentAltered(_("The content of this document has been altered in the storage."))
    return bytes(data)
