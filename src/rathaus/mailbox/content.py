"""The encrypted content of the Postfach: a thread's subject and a message's body, each under
its own data key wrapped by the key-encryption key of the thread's municipality
(`rathaus.core.envelope`). Reads unwrap once per record; lists reuse the municipality's KEK."""

import hashlib
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from rathaus.core.envelope import DataKey, aad_for
from rathaus.municipalities.configuration import kek_for
from rathaus.municipalities.kek import KeyEncryptionKey, rows_rewrap

from .models import Message, MessageAttachment, Thread


class KekCache:
    """The KEK of each municipality, looked up once per request or job."""

    def __init__(self) -> None:
        self._keks: dict[UUID, KeyEncryptionKey] = {}

    def of(self, municipality: Any) -> KeyEncryptionKey:
        if municipality.pk not in self._keks:
            self._keks[municipality.pk] = kek_for(municipality=municipality)
        return self._keks[municipality.pk]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def subject_seal(thread: Thread, subject: str, *, keks: KekCache | None = None) -> None:
    """Give `thread` a new data key and `subject` encrypted under it (thread.pk must be set)."""
    key = DataKey.new((keks or KekCache()).of(thread.municipality))
    thread.data_key_wrapped = key.wrapped
    thread.subject_encrypted = key.encrypt_text(
        subject, aad=aad_for("thread", thread.pk, "subject")
    )


def subject_open(thread: Thread, *, keks: KekCache | None = None) -> str:
    key = DataKey.unwrapped((keks or KekCache()).of(thread.municipality), thread.data_key_wrapped)
    return key.decrypt_text(
        bytes(thread.subject_encrypted), aad=aad_for("thread", thread.pk, "subject")
    )


def subjects_open(threads: Iterable[Thread]) -> dict[UUID, str]:
    """The subjects of `threads` by thread id (one KEK look-up per municipality)."""
    keks = KekCache()
    return {thread.pk: subject_open(thread, keks=keks) for thread in threads}


def body_seal(message: Message, body: str, *, keks: KekCache | None = None) -> DataKey:
    """Give `message` a new data key, `body` encrypted under it and the body's SHA-256 (what
    the receipts state); message.pk and message.thread must be set. Returns the data key (its
    attachments are encrypted under it too)."""
    key = DataKey.new((keks or KekCache()).of(message.thread.municipality))
    data = body.encode("utf-8")
    message.data_key_wrapped = key.wrapped
    message.body_encrypted = key.encrypt(data, aad=aad_for("message", message.pk, "body"))
    message.body_sha256 = sha256_hex(data)
    return key


def body_open(message: Message, *, keks: KekCache | None = None) -> str:
    key = message_key(message, keks=keks)
    return key.decrypt_text(
        bytes(message.body_encrypted), aad=aad_for("message", message.pk, "body")
    )


def message_key(message: Message, *, keks: KekCache | None = None) -> DataKey:
    """The data key of `message` (message.thread.municipality must be loadable)."""
    return DataKey.unwrapped(
        (keks or KekCache()).of(message.thread.municipality), message.data_key_wrapped
    )


def attachment_seal(
    attachment: MessageAttachment, key: DataKey, *, name: str, data: bytes
) -> bytes:
    """Set `attachment`'s encrypted name; returns its content encrypted under the message's
    data key `key`, bound to the attachment (attachment.pk must be set)."""
    attachment.name_encrypted = key.encrypt_text(
        name, aad=aad_for("message_attachment", attachment.pk, "name")
    )
    return key.encrypt(data, aad=aad_for("message_attachment", attachment.pk, "content"))


def attachment_name_open(attachment: MessageAttachment, key: DataKey) -> str:
    return key.decrypt_text(
        bytes(attachment.name_encrypted), aad=aad_for("message_attachment", attachment.pk, "name")
    )


def attachment_content_open(attachment: MessageAttachment, key: DataKey, encrypted: bytes) -> bytes:
    return key.decrypt(encrypted, aad=aad_for("message_attachment", attachment.pk, "content"))


def data_keys_rewrap(*, municipality: Any, batch: int = 500) -> int:
    """Wrap the data keys of `municipality`'s threads and messages with its current KEK (after
    `kek_rotate`, or once it has its own KEK instead of its IT service provider's): only the
    wrapped keys change, never the encrypted content. Returns how many keys were re-wrapped."""
    kek = kek_for(municipality=municipality)
    threads = Thread.objects.filter(municipality=municipality)
    messages = Message.objects.filter(thread__municipality=municipality)
    return rows_rewrap(threads, kek, batch) + rows_rewrap(messages, kek, batch)
