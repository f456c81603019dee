"""FIT-Connect hand-over channel: each submission, encrypted end to end, to a destination.

Configuration (a JSON list; the first entry that matches a submission is used): the
destinations of the submission's municipality (its configuration profile, else its IT service
provider's, rathaus.municipalities.configuration), else `RATHAUS_FITCONNECT_DESTINATIONS`;
both are checked by the same `fitconnect_destinations_parse`::

    [{"office": "<office uuid>"  or  "service": "<service slug>",
      "url": "https://submission-api.example/v1/submissions",
      "key_file": "/etc/rathaus/fitconnect/<destination>.jwk.json",   # public JWK, see below
        (or "key": {<the public JWK>})
      "destination_id": "<uuid of the destination>"}]

What is sent, in the style of the FIT-Connect Submission API (v1):

1. ``POST {url}`` ``{"destinationId", "announcedAttachments": [ids], "serviceType"}`` →
   201 ``{"submissionId", "caseId", "destinationId"}``;
2. ``PUT {url}/{submissionId}/attachments/{attachmentId}`` with each attachment as a compact
   JWE (``Content-Type: application/jose``) → 204;
3. ``PUT {url}/{submissionId}`` ``{"encryptedMetadata", "encryptedData"}`` → 202.

Metadata follow the FIT-Connect metadata schema 1.0.0 (contentStructure with the hash of the
data and of every attachment, the submission schema from `contrib.fim.fitconnect`,
publicServiceType with the LeiKa key, payment information, reply channel e-mail, sender
reference). Money is written as an exact decimal literal (``"grossAmount": 1.15``), never
through a binary float, so that the schema's ``multipleOf: 0.01`` holds for every amount.
Every JWE uses alg RSA-OAEP-256, enc A256GCM and the kid of the destination key.

The destination key is checked before any request is sent, as FIT-Connect requires it: an RSA
public key of at least 4096 bits with ``alg`` RSA-OAEP-256, ``key_ops`` ["wrapKey"] (and, if
given, ``use`` "enc"). A key that fails raises `FitConnectKeyRejected`; nothing is announced.

Retries are idempotent: the submission id from step 1 is handed to the hand-over record
(`remember`) before anything else can fail, and a retry (after a 503, a timeout or a worker
crash) resumes that submission (`resume`) instead of announcing a second one. Attachments are
uploaded again with PUT, which the Submission API treats as a replacement.

Deviations from a production FIT-Connect sender (documented, deliberate for now): no OAuth
client-credentials token for the Submission API (the destination URL is trusted as
configured); the encryption key is read from a file instead of being fetched from the
destination (and its certificate chain is not validated); no callback; the PDF of the form
and the receipt are not attached (they are produced by other outbox messages).
"""

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone
from jwcrypto import jwe, jwk
from jwcrypto.common import JWException

from rathaus.applications.attachments import attachment_open
from rathaus.applications.handover import HandoverChannel, HandoverNotReady
from rathaus.applications.models import Attachment, Submission
from rathaus.contrib.fim.fitconnect import fitconnect_submission_schema_id
from rathaus.municipalities.configuration import fitconnect_destinations_for
from rathaus.municipalities.configuration_validation import fitconnect_destinations_parse
from rathaus.payments.models import Payment
from rathaus.uploads.download_names import download_name

ALG = "RSA-OAEP-256"
ENC = "A256GCM"
TIMEOUT_SECONDS = 30
LEIKA_URN = "urn:de:fim:leika:leistung:"
MIN_KEY_BITS = 4096
CENT = Decimal("0.01")
_DECIMAL_MARKER = re.compile(r'"([0-9a-f]{16}):(\d+)"')

_PAYMENT_STATUS: dict[str, str] = {
    Payment.Status.OPEN: "INITIAL",
    Payment.Status.PENDING: "INITIAL",
    Payment.Status.PAID: "BOOKED",
    Payment.Status.FAILED: "FAILED",
    Payment.Status.CANCELLED: "CANCELED",
    Payment.Status.REFUNDED: "CANCELED",
}


class FitConnectError(Exception):
    """The destination refused or did not answer; the outbox retries."""


class FitConnectKeyRejected(FitConnectError):
    """The configured destination key does not meet FIT-Connect's requirements; nothing was
    sent. Operations must install the destination's proper encryption key."""


@dataclass(frozen=True)
class Destination:
    destination_id: str
    url: str
    key_file: str
    office: str = ""
    service: str = ""
    key: str = ""  # the public JWK as JSON, when given inline instead of key_file

    def matches(self, submission: Submission) -> bool:
        if self.office:
            return self.office == str(submission.office_id)
        return bool(self.service) and self.service == submission.service.slug


def destinations(*, municipality: Any = None) -> list[Destination]:
    """The destinations for submissions of `municipality` (a Municipality or its id: its own
    or its IT service provider's configuration, else RATHAUS_FITCONNECT_DESTINATIONS); without
    a municipality the installation's."""
    entries = (
        fitconnect_destinations_for(municipality=municipality)
        if municipality is not None
        else fitconnect_destinations_parse(settings.RATHAUS_FITCONNECT_DESTINATIONS)
    )
    return [
        Destination(
            destination_id=str(entry["destination_id"]),
            url=str(entry["url"]).rstrip("/"),
            key_file=str(entry.get("key_file", "")),
            office=str(entry.get("office", "")),
            service=str(entry.get("service", "")),
            key=json.dumps(entry["key"]) if "key" in entry else "",
        )
        for entry in entries
    ]


def recipient_key_problems(key: jwk.JWK) -> list[str]:
    """Why `key` is not a FIT-Connect encryption key (empty when it is one).

    FIT-Connect requires RSA keys of 4096 bits for RSA-OAEP-256 key wrapping; its reference
    clients refuse anything else, so a weaker key is refused here before anything is sent.
    """
    if key.get("kty") != "RSA":
        return [f"key type (kty) is {key.get('kty')!r}, FIT-Connect requires 'RSA'"]
    problems = []
    modulus = int.from_bytes(jwk.base64url_decode(str(key.get("n"))), "big")
    if modulus.bit_length() < MIN_KEY_BITS:
        problems.append(
            f"the RSA key has {modulus.bit_length()} bits, FIT-Connect requires {MIN_KEY_BITS}"
        )
    if key.get("alg") != ALG:
        problems.append(f"alg is {key.get('alg')!r}, FIT-Connect requires {ALG!r}")
    key_ops = key.get("key_ops")
    if not isinstance(key_ops, list) or "wrapKey" not in key_ops:
        problems.append(f"key_ops is {key_ops!r}, FIT-Connect requires ['wrapKey']")
    if key.get("use") not in (None, "enc"):
        problems.append(f"use is {key.get('use')!r}, an encryption key has 'enc'")
    return problems


def recipient_key(path: str, *, inline: str = "") -> jwk.JWK:
    """The destination's public encryption key (from the file `path`, or the JWK JSON
    `inline`); its kid is used in the JWE header.

    Raises FitConnectKeyRejected when the key does not meet FIT-Connect's requirements.
    """
    path = path or "(configured inline)"
    try:
        key = jwk.JWK.from_json(inline or Path(path).read_text())
    except (OSError, ValueError, JWException) as exc:
        raise FitConnectKeyRejected(f"destination key {path} cannot be read: {exc}") from exc
    public = jwk.JWK.from_json(key.export_public())
    problems = recipient_key_problems(public)
    if problems:
        raise FitConnectKeyRejected(f"destination key {path}: " + "; ".join(problems))
    if not public.get("kid"):
        public = jwk.JWK(**{**json.loads(public.export_public()), "kid": public.thumbprint()})
    return public


def euros(cents: int) -> Decimal:
    """`cents` as an exact amount in euros with two decimal places (115 → Decimal("1.15"))."""
    return (Decimal(cents) / 100).quantize(CENT)


def json_bytes(value: Any) -> bytes:
    """`value` as UTF-8 JSON in which every Decimal is written as the exact number literal it
    holds (``1.15``), which the standard encoder cannot do (it writes floats or strings)."""
    marker = secrets.token_hex(8)
    literals: list[str] = []

    def encode(obj: Any) -> str:
        if isinstance(obj, Decimal):
            if not obj.is_finite():
                raise ValueError(f"{obj} is not a JSON number")
            literals.append(format(obj, "f"))
            return f"{marker}:{len(literals) - 1}"
        raise TypeError(f"{type(obj).__name__} is not JSON serialisable")

    def literal(match: re.Match[str]) -> str:
        # The marker is random per call: no string of the document matches it by chance.
        if match.group(1) != marker:
            return match.group(0)
        return literals[int(match.group(2))]

    text = json.dumps(value, ensure_ascii=False, default=encode)
    return _DECIMAL_MARKER.sub(literal, text).encode() if literals else text.encode()


def encrypt(plaintext: bytes, *, key: jwk.JWK, content_type: str | None = None) -> str:
    """`plaintext` as a compact JWE for `key` (RSA-OAEP-256, A256GCM, kid)."""
    header: dict[str, str] = {"alg": ALG, "enc": ENC, "kid": str(key.get("kid"))}
    if content_type:
        header["cty"] = content_type
    token = jwe.JWE(plaintext, protected=json.dumps(header))
    token.add_recipient(key)
    return str(token.serialize(compact=True))


def sha512_hash(content: bytes) -> dict[str, str]:
    return {"type": "sha512", "content": hashlib.sha512(content).hexdigest()}


def submission_data(submission: Submission) -> bytes:
    """The data of the submission as sent (and hashed): JSON, UTF-8."""
    return json.dumps(submission.data, ensure_ascii=False, sort_keys=True).encode()


def submission_metadata(
    submission: Submission, *, data: bytes, attachments: list[tuple[Attachment, bytes]]
) -> dict[str, Any]:
    """The FIT-Connect metadata (schema 1.0.0) of `submission`."""
    service = submission.service
    metadata: dict[str, Any] = {
        "contentStructure": {
            "data": {
                "hash": sha512_hash(data),
                "submissionSchema": {
                    "schemaUri": fitconnect_submission_schema_id(
                        leika_key=service.leika_key, version=submission.schema_version
                    ),
                    "mimeType": "application/json",
                },
            },
            "attachments": [
                {
                    "hash": sha512_hash(content),
                    "purpose": "attachment",
                    "filename": download_name(
                        original_name=attachment.original_name,
                        content_type=attachment.content_type,
                    ),
                    "mimeType": attachment.content_type,
                    "attachmentId": str(attachment.pk),
                }
                for attachment, content in attachments
            ],
        },
        "publicServiceType": {
            "name": service.name_de,
            "identifier": f"{LEIKA_URN}{service.leika_key}",
        },
        "additionalReferenceInfo": {
            "senderReference": submission.reference,
            "applicationDate": timezone.localtime(submission.submitted_at).date().isoformat(),
        },
    }
    payment = submission.payment
    if payment is not None:
        info: dict[str, Any] = {
            "transactionReference": payment.reference,
            "transactionId": str(payment.pk),
            "paymentMethod": "INVOICE" if payment.provider == "invoice" else "OTHER",
            "status": _PAYMENT_STATUS.get(payment.status, "INITIAL"),
        }
        if payment.amount_cents:
            info["grossAmount"] = euros(payment.amount_cents)
        if payment.paid_at is not None:
            info["transactionTimestamp"] = payment.paid_at.isoformat()
        metadata["paymentInformation"] = info
    email = getattr(submission.applicant, "email", "")
    if email:
        metadata["replyChannel"] = {"eMail": {"address": email}}
    return metadata


def _attachments_of(submission: Submission) -> list[tuple[Attachment, bytes]]:
    attachments = [
        a for a in submission.attachments.all() if a.scan_status != Attachment.ScanStatus.INFECTED
    ]
    if any(a.scan_status != Attachment.ScanStatus.CLEAN for a in attachments):
        raise HandoverNotReady("An attachment is still waiting for its virus scan.")
    result = []
    for attachment in attachments:
        with attachment_open(attachment=attachment) as handle:
            result.append((attachment, handle.read()))
    return result


def _check(response: requests.Response, expected: int, step: str) -> None:
    if response.status_code != expected:
        raise FitConnectError(f"{step}: HTTP {response.status_code} {response.text[:200]}")


class FitConnectChannel(HandoverChannel):
    key = "fitconnect"
    label = "FIT-Connect"

    def destination_for(self, submission: Submission) -> str | None:
        for destination in destinations(municipality=submission.municipality_id):
            if destination.matches(submission):
                return destination.destination_id
        return None

    def deliver(
        self,
        submission: Submission,
        *,
        destination: str,
        resume: str = "",
        remember: Callable[[str], None] | None = None,
    ) -> str:
        target = next(
            (
                d
                for d in destinations(municipality=submission.municipality_id)
                if d.destination_id == destination
            ),
            None,
        )
        if target is None:
            raise FitConnectError(f"destination {destination} is no longer configured")
        # Everything that can fail locally (key, pending scan, encryption) happens before the
        # first request, so that it never leaves an announced, orphaned submission behind.
        key = recipient_key(target.key_file, inline=target.key)
        attachments = _attachments_of(submission)
        data = submission_data(submission)
        metadata = submission_metadata(submission, data=data, attachments=attachments)
        encrypted_attachments = [(a, encrypt(content, key=key)) for a, content in attachments]
        encrypted = {
            "encryptedMetadata": encrypt(
                json_bytes(metadata), key=key, content_type="application/json"
            ),
            "encryptedData": encrypt(data, key=key, content_type="application/json"),
        }
        with requests.Session() as http:
            submission_id = resume
            if not submission_id:
                announced = http.post(
                    target.url,
                    json={
                        "destinationId": target.destination_id,
                        "announcedAttachments": [str(a.pk) for a, _ in attachments],
                        "serviceType": metadata["publicServiceType"],
                    },
                    timeout=TIMEOUT_SECONDS,
                )
                _check(announced, 201, "announce")
                submission_id = str(announced.json()["submissionId"])
                if remember is not None:
                    remember(submission_id)
            base = f"{target.url}/{submission_id}"
            for attachment, token in encrypted_attachments:
                uploaded = http.put(
                    f"{base}/attachments/{attachment.pk}",
                    data=token.encode(),
                    headers={"Content-Type": "application/jose"},
                    timeout=TIMEOUT_SECONDS,
                )
                _check(uploaded, 204, "attachment")
            submitted = http.put(base, json=encrypted, timeout=TIMEOUT_SECONDS)
            _check(submitted, 202, "submit")
        return submission_id
