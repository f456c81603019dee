"""Checking the electronic seal of a PDF with pyHanko's validator (reads only)."""

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder, load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from rathaus.municipalities.configuration import seal_certificates_for
from rathaus.seals.services import SealNotConfigured, seal_material, trust_anchor_pem


@dataclass(frozen=True)
class SealValidation:
    """`intact`: the sealed bytes are unchanged; `valid`: the signature is cryptographically
    sound and covers the document; `trusted`: the seal certificate chains to a trust root."""

    intact: bool
    valid: bool
    trusted: bool
    signer_name: str
    signed_at: datetime | None

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


NOT_SEALED = SealValidation(
    intact=False, valid=False, trusted=False, signer_name="", signed_at=None
)


def seal_trust_roots(*, municipality: Any = None) -> list[asn1_x509.Certificate]:
    """The certificates the installation trusts for its own seals (its CA or chain), and,
    given `municipality`, the root of the seal configured for it.

    The installation's part is optional when the municipality has its own seal (an
    installation may have no seal of its own); SealNotConfigured only when neither exists.
    Only certificates are read: the seal's private key is not decrypted."""
    own = None
    if municipality is not None:
        own = seal_certificates_for(
            municipality=municipality.pk if hasattr(municipality, "pk") else municipality
        )
    try:
        files: tuple[Path, ...] = seal_material().trust_root_files
    except SealNotConfigured:
        if own is None:
            raise
        files = ()
    roots = [cert for f in files for cert in load_certs_from_pemder([str(f)])]
    if own is not None:
        certificate_pem, chain_pem = own
        roots.extend(
            load_certs_from_pemder_data(
                trust_anchor_pem(certificate_pem=certificate_pem, chain_pem=chain_pem)
            )
        )
    return roots


def pdf_seal_validate(
    *, pdf: bytes, trust_roots: list[Any] | None = None, municipality: Any = None
) -> SealValidation:
    """Validate the last seal of `pdf` against `trust_roots` (asn1crypto certificates; by
    default the installation's own and those of `municipality`'s configured seal). A PDF
    without a seal, or one too damaged to read, yields an all-false result."""
    roots = seal_trust_roots(municipality=municipality) if trust_roots is None else trust_roots
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        return NOT_SEALED
    if not signatures:
        return NOT_SEALED
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except (SignatureValidationError, ValueError, KeyError):
        return NOT_SEALED
    cert = status.signing_cert
    name = cert.subject.native.get("common_name", cert.subject.human_friendly) if cert else ""
    covers_all = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    return SealValidation(
        intact=bool(status.intact),
        valid=bool(status.valid and covers_all),
        trusted=bool(status.trusted),
        signer_name=str(name),
        signed_at=status.signer_reported_dt,
    )
