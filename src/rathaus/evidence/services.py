"""Issuing receipts (writes). The caller passes the facts (what was sent, delivered or
retrieved, and the SHA-256 of its files); this app knows nothing of mailboxes.

A receipt is canonical JSON sealed with the installation's seal (CMS/CAdES detached) and
time-stamped (RFC 3161), appended to the installation's hash chain; docs/evidence.md.
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError
from rathaus.evidence.canonical import canonical_json
from rathaus.evidence.cms import cms_seals
from rathaus.evidence.models import Receipt, ReceiptChainHead
from rathaus.evidence.timestamps import TimestampUnavailable, timestamps_obtain
from rathaus.seals.services import SealNotConfigured

FORMAT = "rathaus-receipt/1"
RESERVED_KEYS = frozenset({"format", "kind", "sequence", "previous", "issued_at"})
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_.-]{0,63}")


class ReceiptInvalid(DomainError):
    """The kind or the facts cannot make a receipt (a programming error of the caller)."""


# Failures of the issuer, not of an item (no seal, no time-stamp authority answering): a
# batch that failed with one of them would fail the same way item by item.
ISSUER_FAILURES: tuple[type[Exception], ...] = (TimestampUnavailable, SealNotConfigured)


def receipt_issue(*, kind: str, facts: Mapping[str, Any]) -> Receipt:
    """Issue, seal, time-stamp and store the next receipt of the chain (`receipts_issue`
    with one item)."""
    return receipts_issue(items=[(kind, facts)])[0]


def receipt_item_check(*, kind: str, facts: Mapping[str, Any]) -> None:
    """Raise ReceiptInvalid or NotCanonicalisable when (`kind`, `facts`) cannot make a
    receipt: for callers that batch items of several sources and must keep a bad one out
    before the batch runs."""
    if not KIND_PATTERN.fullmatch(kind):
        raise ReceiptInvalid(_("A receipt's kind must be a short lower-case word."))
    clash = RESERVED_KEYS.intersection(facts)
    if clash:
        raise ReceiptInvalid(
            _("The facts must not contain the receipt's own keys: %s") % ", ".join(sorted(clash))
        )
    canonical_json(facts)


def receipts_issue(*, items: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Receipt]:
    """Issue, seal, time-stamp and store one receipt per (kind, facts) in `items`, in order,
    as consecutive links of the chain; returns them in the same order.

    Every item is checked before the chain head is locked: one that cannot make a receipt
    raises (ReceiptInvalid, NotCanonicalisable) and nothing is issued. Runs inside the
    caller's transaction, so the receipts exist exactly when what they attest does; a
    failure later (no time-stamp) rolls the whole batch back and leaves the chain as it was.
    The chain head stays locked until that transaction ends: sealing and stamping happen
    under the lock because the signed bytes contain the sequence number and the previous
    hash (with external TSAs those are HTTP calls under the lock, bounded by
    RATHAUS_TSA_TIMEOUT_SECONDS; ADR 0015). One lock, one sealer and TSA look-up and one
    INSERT serve the whole batch.
    """
    for kind, facts in items:
        receipt_item_check(kind=kind, facts=facts)
    if not items:
        return []
    with transaction.atomic():
        head, _created = ReceiptChainHead.objects.select_for_update().get_or_create(pk=1)
        sequence, previous = head.sequence, head.sha256
        issued_at = timezone.now().replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        documents: list[bytes] = []
        links: list[tuple[int, str, str]] = []
        for kind, facts in items:
            sequence += 1
            data = canonical_json(
                {
                    **facts,
                    "format": FORMAT,
                    "kind": kind,
                    "sequence": sequence,
                    "previous": previous,
                    "issued_at": issued_at,
                }
            )
            sha256 = hashlib.sha256(data).hexdigest()
            documents.append(data)
            links.append((sequence, sha256, previous))
            previous = sha256
        signatures = cms_seals(documents=documents)
        timestamps = timestamps_obtain(documents=documents)
        receipts = Receipt.objects.bulk_create(
            [
                Receipt(
                    sequence=number,
                    kind=kind,
                    document=data.decode("utf-8"),
                    signature=signature,
                    timestamp=timestamp,
                    sha256=sha256,
                    previous_sha256=before,
                )
                for (kind, _facts), data, signature, timestamp, (number, sha256, before) in zip(
                    items, documents, signatures, timestamps, links, strict=True
                )
            ]
        )
        head.sequence = sequence
        head.sha256 = previous
        head.save(update_fields=["sequence", "sha256"])
    return receipts
