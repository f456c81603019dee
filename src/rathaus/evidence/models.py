"""Receipts: append-only rows, one hash chain per installation.

The application refuses updates and deletes (model and queryset); the chain makes any change
that bypasses them (raw SQL, a restored backup) visible to `manage.py verify_receipts`.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_SHA256 = "0" * 64


class ReceiptImmutableError(Exception):
    """Raised on any attempt to change or delete a receipt."""


class ReceiptQuerySet(models.QuerySet["Receipt"]):
    def update(self, **kwargs: object) -> int:
        raise ReceiptImmutableError("receipts are append-only and cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ReceiptImmutableError("receipts are append-only and cannot be deleted")


class Receipt(models.Model):
    """One receipt: the canonical JSON (`document`), its CMS signature and RFC 3161
    time-stamp response, and its place in the chain."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sequence = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    # Text as issued: the bytes signed are `document.encode("utf-8")`, never a re-encoding.
    document = models.TextField(_("receipt (JSON)"))
    signature = models.BinaryField(_("signature (CMS, DER)"))
    timestamp = models.BinaryField(_("time-stamp response (RFC 3161, DER)"))
    sha256 = models.CharField(_("SHA-256 of the receipt"), max_length=64, unique=True)
    previous_sha256 = models.CharField(_("SHA-256 of the previous receipt"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return f"{self.sequence} {self.kind}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ReceiptImmutableError("receipts are append-only and cannot be updated")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ReceiptImmutableError("receipts are append-only and cannot be deleted")


class ReceiptChainHead(models.Model):
    """The single row issuers lock (select_for_update) to append to the chain: without it,
    two transactions could both read the same last receipt and fork the chain. It also
    remembers the last sequence and hash, so truncating the chain's tail is detected."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    sha256 = models.CharField(
        _("SHA-256 of the last receipt"), max_length=64, default=GENESIS_SHA256
    )

    class Meta:
        verbose_name = _("receipt chain head")
        verbose_name_plural = _("receipt chain heads")

    def __str__(self) -> str:
        return f"{self.sequence} {self.sha256}"
