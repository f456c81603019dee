"""Issuing receipts (writes). The caller passes the facts (what was sent, delivered or
retrieved, and the SHA-256 of its files); this app knows nothing of mailboxes.

A receipt is canonical JSON sealed with the installation's seal (CMS/CAdES detached) and
time-stamped (RFC 3161), appended to the installation's hash chain; docs/evidence.md.
"""

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError
from rathaus.evidence.canonical import canonical_json
from rathaus.evidence.cms import cms_seal
from rathaus.evidence.models import Receipt, ReceiptChainHead
from rathaus.evidence.timestamps import timestamp_obtain

FORMAT = "rathaus-receipt/1"
RESERVED_KEYS = frozenset({"format", "kind", "sequence", "previous", "issued_at"})
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_.-]{0,63}")


class ReceiptInvalid(DomainError):
    """The kind or the facts cannot make a receipt (a programming error of the caller)."""


def receipt_issue(*, kind: str, facts: Mapping[str, Any]) -> Receipt:
    """Issue, seal, time-stamp and store the next receipt of the chain.

    Runs inside the caller's transaction, so the receipt exists exactly when what it
    attests does. The chain head stays locked until that transaction ends: sealing and
    stamping happen under the lock because the signed bytes contain the sequence number and
    the previous hash (with external TSAs that is an HTTP call under the lock, bounded by
    RATHAUS_TSA_TIMEOUT_SECONDS; ADR 0015).
    """
    if not KIND_PATTERN.fullmatch(kind):
        raise ReceiptInvalid(_("A receipt's kind must be a short lower-case word."))
    clash = RESERVED_KEYS.intersection(facts)
    if clash:
        raise ReceiptInvalid(
            _("The facts must not contain the receipt's own keys: %s") % ", ".join(sorted(clash))
        )
    with transaction.atomic():
        head, _created = ReceiptChainHead.objects.select_for_update().get_or_create(pk=1)
        sequence = head.sequence + 1
        document = {
            **facts,
            "format": FORMAT,
            "kind": kind,
            "sequence": sequence,
            "previous": head.sha256,
            "issued_at": timezone.now().replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        data = canonical_json(document)
        sha256 = hashlib.sha256(data).hexdigest()
        receipt = Receipt.objects.create(
            sequence=sequence,
            kind=kind,
            document=data.decode("utf-8"),
            signature=cms_seal(data=data),
            timestamp=timestamp_obtain(data=data),
            sha256=sha256,
            previous_sha256=head.sha256,
        )
        head.sequence = sequence
        head.sha256 = sha256
        head.save(update_fields=["sequence", "sha256"])
    return receipt
