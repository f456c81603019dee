"""FIT-Connect hand-over channel: each submission, encrypted end to end, to a destination.

Configuration (`RATHAUS_FITCONNECT_DESTINATIONS`, a JSON list; the first entry that matches
a submission is used)::

    [{"office": "<office uuid>"  or  "service": "<service slug>",
      "url": "https://submission-api.example/v1/submissions",
      "key_file": "/etc/rathaus/fitconnect/<destination>.jwk.json",   # public JWK, RSA-OAEP-256
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
reference). Every JWE uses alg RSA-OAEP-256, enc A256GCM and the kid of the destination key.

Deviations from a production FIT-Connect sender (documented, deliberate for now): no OAuth
client-credentials token for the Submission API (the destination URL is trusted as
configured); the encryption key is read from a file instead of being fetched from the
destination (and its certificate chain is not validated); no callback; the PDF of the form
and the receipt are not attached (they are produced by other outbox messages).
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone
from jwcrypto import jwe, jwk

from rathaus.applications.attachments import attachment_open
from rathaus.applications.handover import HandoverChannel, HandoverNotReady
from rathaus.applications.models import Attachment, Submission
from rathaus.contrib.fim.fitconnect import fitconnect_submission_schema_id
from rathaus.payments.models import Payment

ALG = "RSA-OAEP-256"
ENC = "A256GCM"
TIMEOUT_SECONDS = 30
LEIKA_URN = "urn:de:fim:leika:leistung:"

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


@dataclass(frozen=True)
class Destination:
    destination_id: str
    url: str
    key_file: str
    office: str = ""
    service: str = ""

    def matches(self, submission: Submission) -> bool:
        if self.office:
            return self.office == str(submission.office_id)
        return bool(self.service) and self.service == submission.service.slug


def destinations() -> list[Destination]:
    """The configured destinations (RATHAUS_FITCONNECT_DESTINATIONS)."""
    raw = settings.RATHAUS_FITCONNECT_DESTINATIONS
    entries = json.loads(raw) if isinstance(raw, str) else raw
    return [
        Destination(
            destination_id=str(entry["destination_id"]),
            url=str(entry["url"]).rstrip("/"),
            key_file=str(entry["key_file"]),
            office=str(entry.get("office", "")),
            service=str(entry.get("service", "")),
        )
        for entry in entries or []
    ]


def recipient_key(path: str) -> jwk.JWK:
    """The destination's public encryption key; its kid is used in the JWE header."""
    key = jwk.JWK.from_json(Path(path).read_text())
    public = jwk.JWK.from_json(key.export_public())
    if not public.get("kid"):
        public = jwk.JWK(**{**json.loads(public.export_public()), "kid": public.thumbprint()})
    return public


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
                    "filename": attachment.original_name,
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
            info["grossAmount"] = payment.amount_cents / 100
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
        for destination in destinations():
            if destination.matches(submission):
                return destination.destination_id
        return None

    def deliver(self, submission: Submission, *, destination: str) -> str:
        target = next((d for d in destinations() if d.destination_id == destination), None)
        if target is None:
            raise FitConnectError(f"destination {destination} is no longer configured")
        key = recipient_key(target.key_file)
        attachments = _attachments_of(submission)
        data = submission_data(submission)
        metadata = submission_metadata(submission, data=data, attachments=attachments)
        with requests.Session() as http:
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
            base = f"{target.url}/{submission_id}"
            for attachment, content in attachments:
                uploaded = http.put(
                    f"{base}/attachments/{attachment.pk}",
                    data=encrypt(content, key=key).encode(),
                    headers={"Content-Type": "application/jose"},
                    timeout=TIMEOUT_SECONDS,
                )
                _check(uploaded, 204, "attachment")
            submitted = http.put(
                base,
                json={
                    "encryptedMetadata": encrypt(
                        json.dumps(metadata, ensure_ascii=False).encode(),
                        key=key,
                        content_type="application/json",
                    ),
                    "encryptedData": encrypt(data, key=key, content_type="application/json"),
                },
                timeout=TIMEOUT_SECONDS,
            )
            _check(submitted, 202, "submit")
        return submission_id
