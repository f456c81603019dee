"""Verifying receipts: one receipt with its signature, time-stamp and (optionally) the files
it names, and the whole chain as stored.

Verification never raises for bad input: it answers which checks passed and, for each that
did not, a message a person can act on. It trusts only the given anchors (default: this
installation's seal CA and the configured TSA roots), never certificates in the receipt.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from rathaus.evidence.canonical import canonical_json
from rathaus.evidence.certificate_paths import certificates_load_pem
from rathaus.evidence.cms import (
    SignatureInvalid,
    signed_data_load,
    signer_check,
    timestamp_token_check,
)
from rathaus.evidence.models import GENESIS_SHA256, Receipt, ReceiptChainHead
from rathaus.evidence.trust_anchors import trust_anchors_pem

BODY = "body"


@dataclass(frozen=True)
class CheckResult:
    """One check: its name ("document", "signature", "timestamp", "file:NAME") and outcome."""

    name: str
    passed: bool
    message: str


@dataclass(frozen=True)
class ReceiptCheck:
    """The outcome of verifying one receipt."""

    checks: tuple[CheckResult, ...]
    document: Mapping[str, Any] | None = None
    signed_at: dt.datetime | None = None
    timestamped_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.passed)


def receipt_verify(
    *,
    receipt_json: bytes,
    signature: bytes,
    timestamp: bytes,
    files: Mapping[str, bytes] | None = None,
    trust_roots: Sequence[bytes] | None = None,
) -> ReceiptCheck:
    """Check a receipt's JSON, its CMS signature, its RFC 3161 time-stamp and the SHA-256 of
    the given `files` (by name; "body" for the message body) against the facts.
    `trust_roots` (PEM) default to the installation's trust anchors."""
    checks: list[CheckResult] = []
    document = _document_check(receipt_json, checks)
    try:
        pem = list(trust_roots) if trust_roots is not None else trust_anchors_pem()
        anchors = certificates_load_pem(pem)
    except Exception as error:  # no seal configured, unreadable files, broken PEM
        checks.append(CheckResult("trust", False, f"No trust anchors: {error}"))
        return ReceiptCheck(checks=tuple(checks), document=document)
    timestamped_at = _timestamp_check(receipt_json, timestamp, anchors, checks)
    signed_at = _signature_check(receipt_json, signature, anchors, timestamped_at, checks)
    if files:
        _files_check(document or {}, files, checks)
    return ReceiptCheck(
        checks=tuple(checks),
        document=document,
        signed_at=signed_at,
        timestamped_at=timestamped_at,
    )


def timestamp_verify(
    *, data: bytes, timestamp: bytes, trust_roots: Sequence[bytes] | None = None
) -> tuple[CheckResult, dt.datetime | None]:
    """Check an RFC 3161 time-stamp response over `data` (its message imprint, the TSA's
    signature and certificate against the trust anchors): the outcome and the time."""
    try:
        pem = list(trust_roots) if trust_roots is not None else trust_anchors_pem()
        anchors = certificates_load_pem(pem)
    except Exception as error:  # no seal configured, unreadable files, broken PEM
        return CheckResult("trust", False, f"No trust anchors: {error}"), None
    checks: list[CheckResult] = []
    at = _timestamp_check(data, timestamp, anchors, checks)
    return checks[0], at


def _document_check(data: bytes, checks: list[CheckResult]) -> dict[str, Any] | None:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        checks.append(CheckResult("document", False, "The receipt is not valid JSON."))
        return None
    if not isinstance(document, dict):
        checks.append(CheckResult("document", False, "The receipt is not a JSON object."))
        return None
    try:
        canonical = canonical_json(document) == data
    except Exception:  # floats and other values a receipt never holds
        canonical = False
    if not canonical:
        checks.append(
            CheckResult("document", False, "The receipt is not in canonical form (altered?).")
        )
    else:
        checks.append(CheckResult("document", True, "Canonical JSON."))
    return document


def _signature_check(
    data: bytes,
    signature: bytes,
    anchors: Sequence[x509.Certificate],
    at: dt.datetime | None,
    checks: list[CheckResult],
) -> dt.datetime | None:
    try:
        signed_data = signed_data_load(signature)
        if signed_data["encap_content_info"]["content"].native is not None:
            raise SignatureInvalid("not a detached signature")
        signer = signer_check(
            signed_data=signed_data, content=data, content_type="data", anchors=anchors, at=at
        )
        if signer.signing_time is None:
            raise SignatureInvalid("no signing time (CAdES-BES needs one)")
    except SignatureInvalid as error:
        checks.append(CheckResult("signature", False, f"Signature invalid: {error}."))
        return None
    except Exception as error:  # broken DER surfaces late in asn1crypto
        checks.append(
            CheckResult("signature", False, f"Signature unreadable ({error.__class__.__name__}).")
        )
        return None
    subject = signer.certificate.subject.rfc4514_string()
    checks.append(CheckResult("signature", True, f"Sealed by {subject}."))
    return signer.signing_time


def _timestamp_check(
    data: bytes,
    timestamp: bytes,
    anchors: Sequence[x509.Certificate],
    checks: list[CheckResult],
) -> dt.datetime | None:
    try:
        response = tsp.TimeStampResp.load(timestamp, strict=True)
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise SignatureInvalid(f"the TSA did not grant it ({status})")
        tst_info, signer = timestamp_token_check(
            token=response["time_stamp_token"], anchors=anchors
        )
        _time_stamping_usage_check(signer.certificate)
        imprint = tst_info["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        if algorithm not in ("sha256", "sha384", "sha512"):
            raise SignatureInvalid(f"message imprint algorithm {algorithm} not accepted")
        if imprint["hashed_message"].native != hashlib.new(algorithm, data).digest():
            raise SignatureInvalid("its message imprint is not the hash of what it stamps")
        gen_time: dt.datetime = tst_info["gen_time"].native
    except SignatureInvalid as error:
        checks.append(CheckResult("timestamp", False, f"Time-stamp invalid: {error}."))
        return None
    except Exception as error:
        checks.append(
            CheckResult("timestamp", False, f"Time-stamp unreadable ({error.__class__.__name__}).")
        )
        return None
    checks.append(
        CheckResult(
            "timestamp",
            True,
            f"Time-stamped {gen_time.isoformat()} by "
            f"{signer.certificate.subject.rfc4514_string()}.",
        )
    )
    return gen_time


def _time_stamping_usage_check(certificate: x509.Certificate) -> None:
    """RFC 3161 2.3: the TSA's certificate has exactly the critical EKU id-kp-timeStamping."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise SignatureInvalid("the TSA certificate has no extended key usage") from None
    if not usage.critical or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise SignatureInvalid("the TSA certificate is not for time-stamping only (critical)")


def _files_check(
    document: Mapping[str, Any], files: Mapping[str, bytes], checks: list[CheckResult]
) -> None:
    expected: dict[str, str] = {}
    if isinstance(document.get("body_sha256"), str):
        expected[BODY] = document["body_sha256"]
    # Attachments are stated by position and SHA-256 (their names are personal content and
    # stay out of the receipt); a file given under another name matches by its hash.
    attached: set[str] = set()
    attachments = document.get("attachments")
    if isinstance(attachments, list):
        for item in attachments:
            if isinstance(item, dict) and isinstance(item.get("sha256"), str):
                attached.add(item["sha256"].lower())
                if isinstance(item.get("name"), str):
                    expected[item["name"]] = item["sha256"]
    for name, content in files.items():
        check = f"file:{name}"
        digest = hashlib.sha256(content).hexdigest()
        if name in expected:
            ok = digest == expected[name].lower()
            text = "matches the receipt" if ok else "is not the file the receipt names"
            checks.append(CheckResult(check, ok, f"“{name}” {text}."))
        elif digest in attached:
            checks.append(CheckResult(check, True, f"“{name}” is an attachment the receipt names."))
        else:
            checks.append(CheckResult(check, False, f"“{name}” is not a file the receipt names."))


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of walking the chain: `broken_at` is the first bad sequence number."""

    count: int
    broken_at: int | None = None
    message: str = ""
    details: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def receipt_chain_verify(*, signatures: bool = False) -> ChainCheck:
    """Walk all receipts in sequence order: each one's hash, its sequence number, its link to
    the one before, and (with `signatures`) its signature and time-stamp; finally the chain
    head, which catches a truncated tail. Stops at the first break."""
    previous = GENESIS_SHA256
    expected = 1
    count = 0
    anchors = trust_anchors_pem() if signatures else None
    for receipt in Receipt.objects.order_by("sequence").iterator(chunk_size=500):
        problem = _link_problem(receipt, expected=expected, previous=previous)
        if not problem and anchors is not None:
            result = receipt_verify(
                receipt_json=receipt.document.encode("utf-8"),
                signature=bytes(receipt.signature),
                timestamp=bytes(receipt.timestamp),
                trust_roots=anchors,
            )
            if not result.ok:
                problem = " ".join(f.message for f in result.failures)
        if problem:
            return ChainCheck(count=count, broken_at=expected, message=problem)
        previous = hashlib.sha256(receipt.document.encode("utf-8")).hexdigest()
        expected += 1
        count += 1
    head = ReceiptChainHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != count or head.sha256 != previous):
        return ChainCheck(
            count=count,
            broken_at=count + 1 if head.sequence > count else head.sequence,
            message=(
                f"The chain head names receipt {head.sequence}, but the chain ends at "
                f"{count} (receipts removed or altered)."
            ),
        )
    return ChainCheck(count=count)


def _link_problem(receipt: Receipt, *, expected: int, previous: str) -> str:
    if receipt.sequence != expected:
        return f"Receipt {expected} is missing (next stored: {receipt.sequence})."
    data = receipt.document.encode("utf-8")
    if hashlib.sha256(data).hexdigest() != receipt.sha256:
        return f"Receipt {expected} was altered: its hash does not match."
    try:
        document = json.loads(data)
    except ValueError:
        return f"Receipt {expected} is not valid JSON."
    if not isinstance(document, dict) or document.get("sequence") != expected:
        return f"Receipt {expected} names another sequence number."
    if document.get("previous") != previous or receipt.previous_sha256 != previous:
        return f"Receipt {expected} does not link to receipt {expected - 1}."
    return ""
