"""CMS signed data for receipts: sealing a document (CAdES-BES, detached) with the
installation's seal, and checking one signer of a SignedData (the receipt's signature and the
time-stamp token are both SignedData) without trusting anything but the given anchors.

Signing reuses the seal's key loading (rathaus.seals.services) so a receipt and a sealed PDF
always carry the same seal; pyHanko builds the CAdES signed attributes: content-type,
message-digest, signing-time and signing-certificate-v2.
"""

import asyncio
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from rathaus.evidence.certificate_paths import PathError, path_to_anchor
from rathaus.seals.services import seal_material, seal_signer

DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


# Signature algorithm OIDs that name no hash (the digest algorithm decides).
UNHASHED_ALGORITHMS = ("ecdsa", "rsassa_pkcs1v15", "rsassa_pss", "ed25519", "ed448")


class SignatureInvalid(Exception):
    """A CMS signature does not hold; the message says which part failed."""


def cms_seal(*, data: bytes) -> bytes:
    """A detached CAdES-BES signature (DER) of `data` with the installation's seal (no
    municipality: receipts are the installation's evidence, one chain for all)."""
    material = seal_material()
    signer = seal_signer(material)
    # pyHanko's signing API is async only; receipts are issued from synchronous services.
    content_info = asyncio.run(
        signer.async_sign_general_data(data, "sha256", detached=True, use_cades=True)
    )
    der: bytes = content_info.dump()
    return der


@dataclass(frozen=True)
class SignerChecked:
    """The outcome of a signer check: its certificate and the claimed signing time."""

    certificate: x509.Certificate
    signing_time: dt.datetime | None


def signed_data_load(der: bytes) -> cms.SignedData:
    """The SignedData inside a DER ContentInfo; raises SignatureInvalid otherwise."""
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise SignatureInvalid("not a CMS SignedData structure")
        signed_data: cms.SignedData = info["content"]
        signed_data.native  # noqa: B018 — parses everything now, not halfway through a check
    except SignatureInvalid:
        raise
    except Exception as error:  # asn1crypto raises many types for broken DER
        raise SignatureInvalid(f"not a valid CMS structure ({error.__class__.__name__})") from None
    return signed_data


def signer_check(
    *,
    signed_data: cms.SignedData,
    content: bytes,
    content_type: str,
    anchors: Sequence[x509.Certificate],
    at: dt.datetime | None = None,
) -> SignerChecked:
    """Check the single signer of `signed_data` over `content`: the signed attributes
    (content type, message digest, signing certificate), the signature, and the signer's
    certificate path to `anchors` at `at` (default: the claimed signing time, else now).
    Raises SignatureInvalid."""
    infos = signed_data["signer_infos"]
    if len(infos) != 1:
        raise SignatureInvalid(f"expected one signer, found {len(infos)}")
    info: cms.SignerInfo = infos[0]
    # RFC 5652 5.3: the version follows from the signer identifier; anything else is altered.
    expected_version = "v1" if info["sid"].name == "issuer_and_serial_number" else "v3"
    if info["version"].native != expected_version:
        raise SignatureInvalid("the signer's version does not match its identifier")
    embedded = [c.chosen for c in (signed_data["certificates"] or []) if c.name == "certificate"]
    signer_asn1 = _signer_certificate(info["sid"], embedded)
    certificate = x509.load_der_x509_certificate(signer_asn1.dump())

    algorithm = info["digest_algorithm"]["algorithm"].native
    if algorithm not in DIGESTS:
        raise SignatureInvalid(f"digest algorithm {algorithm} not accepted")
    attrs = info["signed_attrs"]
    if not attrs:
        raise SignatureInvalid("no signed attributes")
    values: dict[str, list[object]] = {}
    for attr in attrs:
        values.setdefault(attr["type"].native, []).extend(attr["values"])
    for name in ("content_type", "message_digest"):
        if len(values.get(name, [])) != 1:
            raise SignatureInvalid(f"signed attribute {name} missing or repeated")
    if values["content_type"][0].native != content_type:  # type: ignore[attr-defined]
        raise SignatureInvalid("the signed content type does not match")
    digest = hashlib.new(algorithm, content).digest()
    if values["message_digest"][0].native != digest:  # type: ignore[attr-defined]
        raise SignatureInvalid("the signed message digest does not match the content")
    _signing_certificate_check(values, signer_asn1)
    signing_time = None
    if values.get("signing_time"):
        signing_time = values["signing_time"][0].native  # type: ignore[attr-defined]

    _signature_check(
        certificate=certificate,
        algorithm=info["signature_algorithm"],
        digest=DIGESTS[algorithm](),
        signature=info["signature"].native,
        signed=attrs.untag().dump(),
    )
    intermediates = [x509.load_der_x509_certificate(c.dump()) for c in embedded]
    try:
        path_to_anchor(
            certificate=certificate,
            intermediates=intermediates,
            anchors=anchors,
            at=at or signing_time or dt.datetime.now(dt.UTC),
        )
    except PathError as error:
        raise SignatureInvalid(f"certificate not trusted: {error}") from None
    return SignerChecked(certificate=certificate, signing_time=signing_time)


def _signer_certificate(
    sid: cms.SignerIdentifier, embedded: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate:
    for candidate in embedded:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                candidate.issuer == wanted["issuer"]
                and candidate.serial_number == wanted["serial_number"].native
            ):
                return candidate
        elif candidate.key_identifier == sid.chosen.native:
            return candidate
    raise SignatureInvalid("the signer's certificate is not included")


def _signing_certificate_check(
    values: dict[str, list[object]], certificate: asn1_x509.Certificate
) -> None:
    """ESS signing-certificate(-v2) binds the signature to the certificate (CAdES, RFC 3161
    2.4.1); without it, another certificate with the same key could be substituted."""
    der = certificate.dump()
    if values.get("signing_certificate_v2"):
        cert_id = values["signing_certificate_v2"][0]["certs"][0]  # type: ignore[index]
        algorithm = cert_id["hash_algorithm"]["algorithm"].native
        expected = hashlib.new(algorithm, der).digest()
    elif values.get("signing_certificate"):
        cert_id = values["signing_certificate"][0]["certs"][0]  # type: ignore[index]
        expected = hashlib.sha1(der, usedforsecurity=False).digest()
    else:
        raise SignatureInvalid("no signing-certificate attribute")
    if cert_id["cert_hash"].native != expected:
        raise SignatureInvalid("the signing-certificate attribute names another certificate")


def _signature_check(
    *,
    certificate: x509.Certificate,
    algorithm: cms.SignedDigestAlgorithm,
    digest: hashes.HashAlgorithm,
    signature: bytes,
    signed: bytes,
) -> None:
    key = certificate.public_key()
    name = algorithm["algorithm"].native
    try:
        mechanism = algorithm.signature_algo
    except ValueError:
        raise SignatureInvalid(f"signature algorithm {name} not accepted") from None
    # An OID like ecdsa-with-SHA384 names its own hash: it must be the one digested.
    named_hash = _named_hash(algorithm)
    if named_hash is not None and named_hash != digest.name:
        raise SignatureInvalid("the signature algorithm's hash differs from the digest")
    try:
        if isinstance(key, ec.EllipticCurvePublicKey) and mechanism == "ecdsa":
            key.verify(signature, signed, ec.ECDSA(digest))
        elif isinstance(key, rsa.RSAPublicKey) and mechanism == "rsassa_pss":
            params = algorithm["parameters"]
            if params["hash_algorithm"]["algorithm"].native != digest.name:
                raise SignatureInvalid("the PSS hash differs from the digest")
            key.verify(
                signature,
                signed,
                padding.PSS(mgf=padding.MGF1(digest), salt_length=params["salt_length"].native),
                digest,
            )
        elif isinstance(key, rsa.RSAPublicKey) and mechanism == "rsassa_pkcs1v15":
            key.verify(signature, signed, padding.PKCS1v15(), digest)
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(signature, signed)
        else:
            raise SignatureInvalid(f"signature algorithm {name} not accepted for this key")
    except InvalidSignature:
        raise SignatureInvalid("the signature value does not match") from None


def _named_hash(algorithm: cms.SignedDigestAlgorithm) -> str | None:
    if algorithm["algorithm"].native in UNHASHED_ALGORITHMS:
        return None
    try:
        name: str = algorithm.hash_algo
    except ValueError:
        return None
    return name


def timestamp_token_check(
    *, token: cms.ContentInfo, anchors: Sequence[x509.Certificate]
) -> tuple[tsp.TSTInfo, SignerChecked]:
    """Check a time-stamp token's signature and TSA certificate; returns its TSTInfo."""
    signed_data = signed_data_load(token.dump())
    encap = signed_data["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise SignatureInvalid("the token does not hold a TSTInfo")
    content: bytes = encap["content"].contents
    tst_info = tsp.TSTInfo.load(content)
    gen_time = tst_info["gen_time"].native
    signer = signer_check(
        signed_data=signed_data,
        content=content,
        content_type="tst_info",
        anchors=anchors,
        at=gen_time,
    )
    return tst_info, signer
