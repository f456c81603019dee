"""Whether a certificate chains to one of the trust anchors, for verifying receipts offline.

Deliberately small: receipts are sealed and stamped by certificates of this installation's
CA or of a configured TSA, so the path is short (leaf, maybe intermediates, anchor) and the
intermediates travel in the CMS structure. Each link's signature, CA flag and validity at the
given time are checked; revocation is not (an offline receipt carries no revocation data,
docs/evidence.md says so).
"""

import datetime as dt
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature

MAX_DEPTH = 6


class PathError(Exception):
    """No path from the certificate to a trust anchor; the message says why."""


def certificates_load_pem(data: Sequence[bytes]) -> list[x509.Certificate]:
    """All certificates in the PEM blobs `data` (each may hold several)."""
    certificates: list[x509.Certificate] = []
    for blob in data:
        certificates.extend(x509.load_pem_x509_certificates(blob))
    return certificates


def path_to_anchor(
    *,
    certificate: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    at: dt.datetime,
) -> list[x509.Certificate]:
    """The path from `certificate` to one of `anchors` (leaf first, anchor last); raises
    PathError when none is valid at `at`."""
    if not anchors:
        raise PathError("no trust anchors configured")
    path = [certificate]
    current = certificate
    for _depth in range(MAX_DEPTH):
        _valid_at(current, at)
        if current in anchors:
            return path
        issuer = _issuer_find(current, anchors) or _issuer_find(current, intermediates)
        if issuer is None:
            raise PathError(
                f"no trusted issuer for {current.subject.rfc4514_string()} "
                f"(issuer {current.issuer.rfc4514_string()})"
            )
        _must_be_ca(issuer)
        path.append(issuer)
        current = issuer
    raise PathError("certificate path too long")


def _issuer_find(
    certificate: x509.Certificate, candidates: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    for candidate in candidates:
        if candidate.subject != certificate.issuer or candidate == certificate:
            continue
        try:
            certificate.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return candidate
    return None


def _valid_at(certificate: x509.Certificate, at: dt.datetime) -> None:
    if not certificate.not_valid_before_utc <= at <= certificate.not_valid_after_utc:
        raise PathError(
            f"certificate {certificate.subject.rfc4514_string()} not valid at {at.isoformat()}"
        )


def _must_be_ca(certificate: x509.Certificate) -> None:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        raise PathError(f"{certificate.subject.rfc4514_string()} is not a CA") from None
    if not constraints.value.ca:
        raise PathError(f"{certificate.subject.rfc4514_string()} is not a CA")
