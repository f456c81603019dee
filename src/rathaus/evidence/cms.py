"""CMS signed data for receipts: sealing a document (CAdES-BES, detached) with the
installation's seal, and checking one signer of a SignedData (the receipt's signature and the
time-stamp token are both SignedData) without trusting anything but the given anchors.

Signing reuses the seal's configuration (rathaus.seals.services.seal_material) so a receipt
and a sealed PDF always carry the same seal. The signed attributes are those pyHanko writes
for CAdES-BES: content-type, signing-time, message-digest and signing-certificate-v2.

Speed (issue 10 §7): the key, the certificates and every constant part of the structure are
loaded and encoded once per process and seal (`CmsSigner`, cached until the seal's
configuration or files change); per document only the digest, the time and the signature are
encoded (`rathaus.evidence.der`) and the raw signature comes from `cryptography`. Keys other
than EC and RSA (EdDSA) are signed through pyHanko, as before.
"""

import asyncio
import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from rathaus.evidence import der
from rathaus.evidence.certificate_paths import PathError, path_to_anchor
from rathaus.seals.services import SealMaterial, seal_material, seal_signer

DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


# Signature algorithm OIDs that name no hash (the digest algorithm decides).
UNHASHED_ALGORITHMS = ("ecdsa", "rsassa_pkcs1v15", "rsassa_pss", "ed25519", "ed448")

# Constant encodings, made once by asn1crypto (so they are exactly what it would write).
SIGNED_DATA_TYPE = cms.ContentType("signed_data").dump()
DATA_TYPE = cms.ContentType("data").dump()
SHA256_ALGORITHM = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
MESSAGE_DIGEST_TYPE = cms.CMSAttributeType("message_digest").dump()
SIGNING_TIME_TYPE = cms.CMSAttributeType("signing_time").dump()
CONTENT_TYPE_DATA = cms.CMSAttribute({"type": "content_type", "values": ["data"]}).dump()
# A detached signature's EncapsulatedContentInfo: id-data without content.
DETACHED_DATA = der.sequence(DATA_TYPE)


class SignatureInvalid(Exception):
    """A CMS signature does not hold; the message says which part failed."""


SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class CmsSigner:
    """A key and its certificate ready to sign CMS SignedData with one SignerInfo (SHA-256,
    issuer-and-serial identifier, signed attributes): the constant parts encoded once."""

    key: SigningKey
    certificate: asn1_x509.Certificate
    certificates: bytes  # [0] IMPLICIT SET OF Certificate: the signer and its chain
    signer_identifier: bytes  # IssuerAndSerialNumber
    signing_certificate: bytes  # the signing-certificate-v2 attribute
    signature_algorithm: bytes  # AlgorithmIdentifier

    @classmethod
    def create(
        cls, *, key: SigningKey, certificate: x509.Certificate, chain: Sequence[x509.Certificate]
    ) -> "CmsSigner":
        """The signer of `key` with `certificate`, embedding `chain` too (no duplicates)."""
        leaf = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
        embedded = {leaf.dump()}
        embedded.update(c.public_bytes(serialization.Encoding.DER) for c in chain)
        # RSA: PKCS #1 v1.5, as pyHanko's and OpenSSL's default.
        algorithm = "sha256_ecdsa" if isinstance(key, ec.EllipticCurvePrivateKey) else "sha256_rsa"
        return cls(
            key=key,
            certificate=leaf,
            certificates=der.set_of(embedded, tag=0xA0),
            signer_identifier=cms.IssuerAndSerialNumber(
                {"issuer": leaf.issuer, "serial_number": leaf.serial_number}
            ).dump(),
            signing_certificate=cms.CMSAttribute(
                {"type": "signing_certificate_v2", "values": [signing_certificate_v2(leaf)]}
            ).dump(),
            signature_algorithm=algos.SignedDigestAlgorithm({"algorithm": algorithm}).dump(),
        )

    def signed_data(
        self,
        *,
        version: int,
        encapsulated: bytes,
        attributes: Sequence[bytes],
        with_certificates: bool = True,
    ) -> bytes:
        """A DER ContentInfo holding SignedData over `encapsulated` (an encoded
        EncapsulatedContentInfo) with the signed `attributes` (encoded Attributes; the
        signing-certificate-v2 one is added here)."""
        signed_attributes = der.set_of([*attributes, self.signing_certificate])
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            signature = self.key.sign(signed_attributes, ec.ECDSA(hashes.SHA256()))
        else:
            signature = self.key.sign(signed_attributes, padding.PKCS1v15(), hashes.SHA256())
        signer_info = der.sequence(
            der.integer(1),
            self.signer_identifier,
            SHA256_ALGORITHM,
            # The signed set is hashed with its SET tag, stored as [0] IMPLICIT (RFC 5652 5.4).
            b"\xa0" + signed_attributes[1:],
            self.signature_algorithm,
            der.octet_string(signature),
        )
        signed_data = der.sequence(
            der.integer(version),
            der.set_of([SHA256_ALGORITHM]),
            encapsulated,
            self.certificates if with_certificates else b"",
            der.set_of([signer_info]),
        )
        return der.sequence(SIGNED_DATA_TYPE, der.tlv(0xA0, signed_data))


def signing_certificate_v2(certificate: asn1_x509.Certificate) -> tsp.SigningCertificateV2:
    """ESS signing-certificate-v2 (RFC 5035): the certificate's SHA-256 and its issuer and
    serial; OpenSSL checks both."""
    return tsp.SigningCertificateV2(
        {
            "certs": [
                {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "cert_hash": hashlib.sha256(certificate.dump()).digest(),
                    "issuer_serial": {
                        "issuer": [
                            asn1_x509.GeneralName(name="directory_name", value=certificate.issuer)
                        ],
                        "serial_number": certificate.serial_number,
                    },
                }
            ]
        }
    )


def private_key_load(data: bytes, passphrase: str) -> object:
    """A private key from PEM or DER data (`cryptography`'s key object; any type)."""
    password = passphrase.encode() if passphrase else None
    if b"-----BEGIN" in data:
        return serialization.load_pem_private_key(data, password=password)
    return serialization.load_der_private_key(data, password=password)


def certificates_load(data: bytes) -> list[x509.Certificate]:
    """The certificates in PEM data (several) or DER data (one)."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _file_state(path: Path | None) -> tuple[int, int, int]:
    # Modification time, size and inode: a file replaced in place or by a rename changes one.
    if path is None:
        return (0, 0, 0)
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0)
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def seal_signer_key(material: SealMaterial) -> tuple[object, ...]:
    """What the cached signer of `material` depends on: the configuration itself and the
    state of its key, certificate and chain files (a renewed certificate for the same key
    counts), or a profile's change time."""
    files = (material.key_file, material.cert_file, *material.chain_files)
    return (material, material.version, *(_file_state(p) for p in files))


@functools.lru_cache(maxsize=8)
def _seal_signer_load(key: tuple[object, ...]) -> CmsSigner | None:
    # Cached per process under `seal_signer_key`; None: a key type or file format only
    # pyHanko handles (or a broken configuration, whose error pyHanko then reports).
    material = key[0]
    assert isinstance(material, SealMaterial)
    try:
        if material.private_key_pem:
            private_key = private_key_load(material.private_key_pem, material.passphrase)
            (certificate,) = certificates_load(material.certificate_pem)
            chain = certificates_load(material.chain_pem) if material.chain_pem else []
        elif material.key_file is not None and material.cert_file is not None:
            private_key = private_key_load(material.key_file.read_bytes(), material.passphrase)
            certificate = certificates_load(material.cert_file.read_bytes())[0]
            chain = [c for p in material.chain_files for c in certificates_load(p.read_bytes())]
        else:
            return None
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(private_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        return None
    return CmsSigner.create(key=private_key, certificate=certificate, chain=chain)


def cms_signer(material: SealMaterial) -> CmsSigner | None:
    """The cached CMS signer of the seal `material` (None: sign through pyHanko)."""
    return _seal_signer_load(seal_signer_key(material))


def cms_seal(*, data: bytes) -> bytes:
    """A detached CAdES-BES signature (DER) of `data` with the installation's seal (no
    municipality: receipts are the installation's evidence, one chain for all)."""
    return cms_seals(documents=[data])[0]


def cms_seals(*, documents: Sequence[bytes]) -> list[bytes]:
    """Detached CAdES-BES signatures of each of `documents`, in order (the seal's material
    is looked up once)."""
    material = seal_material()
    signer = cms_signer(material)
    if signer is None:
        return [_pyhanko_seal(material, data) for data in documents]
    signatures = []
    for data in documents:
        attributes = [
            CONTENT_TYPE_DATA,
            der.sequence(SIGNING_TIME_TYPE, der.set_of([der.cms_time(dt.datetime.now(dt.UTC))])),
            der.sequence(
                MESSAGE_DIGEST_TYPE, der.set_of([der.octet_string(hashlib.sha256(data).digest())])
            ),
        ]
        signatures.append(
            signer.signed_data(version=1, encapsulated=DETACHED_DATA, attributes=attributes)
        )
    return signatures


def _pyhanko_seal(material: SealMaterial, data: bytes) -> bytes:
    signer = seal_signer(material)
    # pyHanko's signing API is async only; receipts are issued from synchronous services.
    content_info = asyncio.run(
        signer.async_sign_general_data(data, "sha256", detached=True, use_cades=True)
    )
    signature: bytes = content_info.dump()
    return signature


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
        # Parses the whole structure now, not halfway through a check. (`.native` would do
        # too, but turning every embedded certificate into Python values costs ~10 ms;
        # values are still decoded lazily, and the checks catch what fails there.)
        signed_data._parse_children(recurse=True)
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
