"""RFC 3161 time-stamps over receipts: from external time-stamp authorities
(RATHAUS_TSA_URLS, tried in order) or from the installation's own, local TSA (a certificate
and key in RATHAUS_TSA_CERT_FILE / _KEY_FILE, else the demo CA's TSA certificate).

A local TSA proves no more than the installation's own clock, which is enough for the demo
and for installations whose receipts only need to be consistent; evidence meant to convince a
court uses a qualified external TSA (docs/evidence.md, ADR 0015).

The stored value is the whole DER TimeStampResp, which `openssl ts -verify -in` reads.
"""

import datetime as dt
import functools
import hashlib
import logging
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError
from rathaus.evidence import der
from rathaus.evidence.certificate_paths import PathError, certificates_load_pem, path_to_anchor
from rathaus.evidence.cms import (
    MESSAGE_DIGEST_TYPE,
    SHA256_ALGORITHM,
    CmsSigner,
    SignatureInvalid,
    timestamp_token_check,
)
from rathaus.evidence.trust_anchors import trust_anchors_pem
from rathaus.seals.demo_ca import demo_ca_create, demo_ca_files
from rathaus.seals.services import seal_material

logger = logging.getLogger(__name__)

# TSA policy of the local TSA when RATHAUS_TSA_POLICY_OID is empty: an OID under 2.25 (made
# from a UUID, ITU-T X.667), so rathaus needs no registered arc of its own.
LOCAL_POLICY_OID = "2.25.232347806853410496213412357442096187291"

TST_INFO_TYPE = cms.ContentType("tst_info").dump()
CONTENT_TYPE_TST_INFO = cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}).dump()
# TimeStampResp's start: PKIStatusInfo { status granted }
GRANTED = tsp.PKIStatusInfo({"status": "granted"}).dump()


class TimestampUnavailable(DomainError):
    """No time-stamp could be obtained: no TSA configured, or none answered correctly."""


def timestamp_obtain(*, data: bytes) -> bytes:
    """A DER TimeStampResp whose message imprint is the SHA-256 of `data`, checked against
    the trust anchors before it is returned (a receipt nobody can verify is no evidence)."""
    return timestamps_obtain(documents=[data])[0]


def timestamps_obtain(*, documents: Sequence[bytes]) -> list[bytes]:
    """A DER TimeStampResp for each of `documents` (message imprint: its SHA-256), in order.

    External TSAs: the documents' requests go out in parallel (at most
    `EXTERNAL_PARALLEL` at a time: a batch waits about one round trip, not one per receipt,
    while it holds the chain head), each answer checked against the trust anchors before it is
    accepted; one document without a time-stamp fails the batch.
    The local TSA: its certificate, key and encoding are checked once per process against the
    current trust anchors (a probe token through the same full check; again when the anchors,
    the TSA's files or its certificate's validity change), then its tokens are made without
    checking each again — they are signed right here, with that key."""
    digests = [hashlib.sha256(data).digest() for data in documents]
    if settings.RATHAUS_TSA_URLS:
        if len(digests) == 1:
            return [_external_obtain_digest(digests[0])]
        language = translation.get_language()  # the threads' errors in the caller's language

        def obtain(digest: bytes) -> bytes:
            with translation.override(language):
                return _external_obtain_digest(digest)

        with ThreadPoolExecutor(max_workers=min(EXTERNAL_PARALLEL, len(digests))) as pool:
            return list(pool.map(obtain, digests))
    authority = local_authority()
    _local_authority_trust(authority, anchors=tuple(trust_anchors_pem()))
    return [
        authority.stamp(imprint=_sha256_imprint(digest), nonce=secrets.randbits(63))
        for digest in digests
    ]


# External time-stamp requests of one batch in flight at once.
EXTERNAL_PARALLEL = 8


def _sha256_imprint(digest: bytes) -> bytes:
    # MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
    return der.sequence(SHA256_ALGORITHM, der.octet_string(digest))


def _external_obtain_digest(digest: bytes) -> bytes:
    nonce = secrets.randbits(63)
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    response = _external_obtain(request, urls=settings.RATHAUS_TSA_URLS)
    der_response: bytes = response.dump()
    return der_response


def _external_obtain(request: tsp.TimeStampReq, *, urls: Sequence[str]) -> tsp.TimeStampResp:
    """The first correct answer of the TSAs in `urls`; each failure is logged and the next
    tried, since a receipt must not wait for one TSA's outage."""
    body = request.dump()
    digest = request["message_imprint"]["hashed_message"].native
    nonce = request["nonce"].native
    failures: list[str] = []
    for url in urls:
        if not url.startswith(("http://", "https://")):
            failures.append(f"{url}: not an http(s) URL")
            continue
        http_request = urllib.request.Request(  # noqa: S310 — scheme checked above
            url,
            data=body,
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 — scheme checked above
                http_request, timeout=settings.RATHAUS_TSA_TIMEOUT_SECONDS
            ) as answer:
                response = tsp.TimeStampResp.load(answer.read())
                problem = _response_problem(response, digest=digest, nonce=nonce)
        except (OSError, urllib.error.URLError, ValueError) as error:
            problem = f"{error.__class__.__name__}: {error}"
        if not problem:
            return response
        logger.warning("TSA %s failed: %s", url, problem)
        failures.append(f"{url}: {problem}")
    raise TimestampUnavailable(
        _("No time-stamp authority answered correctly (%s).") % "; ".join(failures)
    )


def _response_problem(
    response: tsp.TimeStampResp, *, digest: bytes, nonce: int, anchors: Sequence[bytes] = ()
) -> str:
    """Why `response` is no valid answer to our request ("" when it is); `anchors` (PEM)
    default to the installation's trust anchors."""
    try:
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            return f"status {status}"
        token = response["time_stamp_token"]
        tst_info, _signer = timestamp_token_check(
            token=token, anchors=certificates_load_pem(list(anchors) or trust_anchors_pem())
        )
        imprint = tst_info["message_imprint"]
        if imprint["hash_algorithm"]["algorithm"].native != "sha256":
            return "message imprint not SHA-256"
        if imprint["hashed_message"].native != digest:
            return "message imprint does not match"
        if tst_info["nonce"].native != nonce:
            return "nonce does not match"
    except SignatureInvalid as error:
        return str(error)
    except Exception as error:  # broken DER raises many types
        return f"invalid response ({error.__class__.__name__})"
    return ""


@dataclass(frozen=True, eq=False)  # identity: the loaded authority is a cache key
class LocalTimeStampAuthority:
    """A TSA inside rathaus: answers a TimeStampReq with a token signed by its own key."""

    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    policy: str
    signer: CmsSigner
    # Encoded once: version and policy (the TSTInfo's start), accuracy, the TSA's name.
    head: bytes
    accuracy: bytes
    name: bytes

    @classmethod
    def create(
        cls,
        *,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate],
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
        policy: str,
    ) -> "LocalTimeStampAuthority":
        signer = CmsSigner.create(key=key, certificate=certificate, chain=chain)
        leaf = signer.certificate
        return cls(
            certificate=leaf,
            chain=tuple(_asn1(c) for c in chain),
            key=key,
            policy=policy,
            signer=signer,
            head=der.integer(1) + core.ObjectIdentifier(policy).dump(),
            accuracy=tsp.Accuracy({"seconds": 1}).dump(),
            # tsa [0] GeneralName: explicit, since GeneralName is a CHOICE.
            name=der.tlv(
                0xA0, asn1_x509.GeneralName(name="directory_name", value=leaf.subject).dump()
            ),
        )

    def stamp(self, *, imprint: bytes, nonce: int | None, certificates: bool = True) -> bytes:
        """The DER TimeStampResp (granted) for the encoded MessageImprint `imprint` (RFC 3161
        2.4.2): TSTInfo version, policy, imprint, a random serial, the time to the
        microsecond, accuracy one second, the nonce, the TSA's name; signed attributes
        content-type, message-digest, signing-certificate-v2."""
        content = der.sequence(
            self.head,
            imprint,
            der.integer(uuid.uuid4().int),
            der.generalized_time(dt.datetime.now(dt.UTC)),
            self.accuracy,
            der.integer(nonce) if nonce is not None else b"",
            self.name,
        )
        token = self.signer.signed_data(
            version=3,
            # eContent [0] EXPLICIT OCTET STRING
            encapsulated=der.sequence(TST_INFO_TYPE, der.tlv(0xA0, der.octet_string(content))),
            attributes=[
                CONTENT_TYPE_TST_INFO,
                der.sequence(
                    MESSAGE_DIGEST_TYPE,
                    der.set_of([der.octet_string(hashlib.sha256(content).digest())]),
                ),
            ],
            with_certificates=certificates,
        )
        return der.sequence(GRANTED, token)

    def respond(self, request: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """The granted TimeStampResp for `request` (RFC 3161 2.4.2)."""
        answer = self.stamp(
            imprint=request["message_imprint"].dump(),
            nonce=request["nonce"].native,
            certificates=bool(request["cert_req"].native),
        )
        return tsp.TimeStampResp.load(answer)


def local_authority() -> LocalTimeStampAuthority:
    """The installation's own TSA: RATHAUS_TSA_CERT_FILE / _KEY_FILE, else the demo CA's TSA
    (created when an older demo CA lacks it) while the seal is the demo seal. Cached per
    process until the settings or the files change."""
    if settings.RATHAUS_TSA_CERT_FILE or settings.RATHAUS_TSA_KEY_FILE:
        if not (settings.RATHAUS_TSA_CERT_FILE and settings.RATHAUS_TSA_KEY_FILE):
            raise TimestampUnavailable(
                _("RATHAUS_TSA_CERT_FILE and RATHAUS_TSA_KEY_FILE must be set together.")
            )
        cert_file = Path(settings.RATHAUS_TSA_CERT_FILE)
        key_file = Path(settings.RATHAUS_TSA_KEY_FILE)
        chain = tuple(Path(p) for p in settings.RATHAUS_TSA_CHAIN_FILES)
        passphrase = settings.RATHAUS_TSA_KEY_PASSPHRASE
    else:
        material = seal_material()
        if not material.demo or material.key_file is None:
            raise TimestampUnavailable(
                _(
                    "No time-stamp authority is configured: set RATHAUS_TSA_URLS (external "
                    "TSAs) or RATHAUS_TSA_CERT_FILE and RATHAUS_TSA_KEY_FILE (local TSA)."
                )
            )
        files = demo_ca_files(material.key_file.parent)
        if not files.tsa_exists():
            demo_ca_create(directory=material.key_file.parent)
        cert_file, key_file, chain, passphrase = files.tsa_cert, files.tsa_key, (), ""
    return _authority_load(
        cert_file,
        key_file,
        chain,
        passphrase,
        settings.RATHAUS_TSA_POLICY_OID or LOCAL_POLICY_OID,
        tuple(_file_state(p) for p in (key_file, cert_file, *chain)),
    )


def _file_state(path: Path) -> tuple[int, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0)
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


@functools.lru_cache(maxsize=4)
def _authority_load(
    cert_file: Path,
    key_file: Path,
    chain: tuple[Path, ...],
    passphrase: str,
    policy: str,
    files_state: tuple[tuple[int, int, int], ...],
) -> LocalTimeStampAuthority:
    # Cached per process; the files' state is part of the cache key so a renewed key or
    # certificate is used.
    try:
        key = serialization.load_pem_private_key(
            key_file.read_bytes(), password=passphrase.encode() if passphrase else None
        )
        certificate = x509.load_pem_x509_certificate(cert_file.read_bytes())
        chain_certificates = certificates_load_pem([p.read_bytes() for p in chain])
    except (OSError, ValueError, TypeError):
        raise TimestampUnavailable(
            _(
                "The local time-stamp authority's certificate or key could not be loaded "
                "(file missing, wrong format or passphrase)."
            )
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise TimestampUnavailable(_("The local time-stamp authority needs an EC or RSA key."))
    return LocalTimeStampAuthority.create(
        certificate=certificate, chain=chain_certificates, key=key, policy=policy
    )


def _local_authority_trust(
    authority: LocalTimeStampAuthority, *, anchors: tuple[bytes, ...]
) -> None:
    """Raise TimestampUnavailable unless `authority`'s tokens verify against `anchors` now.

    A probe token goes through the full check of an external TSA's answer once per authority
    and anchors (cached); after that only the time is compared with the validity of the
    certificate path the probe found, so an expiring certificate is noticed."""
    now = dt.datetime.now(dt.UTC)
    valid_from, valid_until = _local_authority_checked(authority, anchors)
    if not valid_from <= now <= valid_until:
        _local_authority_checked.cache_clear()
        _local_authority_checked(authority, anchors)


@functools.lru_cache(maxsize=8)
def _local_authority_checked(
    authority: LocalTimeStampAuthority, anchors: tuple[bytes, ...]
) -> tuple[dt.datetime, dt.datetime]:
    digest = hashlib.sha256(b"rathaus local TSA probe").digest()
    nonce = secrets.randbits(63)
    response = tsp.TimeStampResp.load(authority.stamp(imprint=_sha256_imprint(digest), nonce=nonce))
    problem = _response_problem(response, digest=digest, nonce=nonce, anchors=anchors)
    if problem:
        raise TimestampUnavailable(_("The time-stamp could not be checked: %s") % problem)
    try:
        path = path_to_anchor(
            certificate=x509.load_der_x509_certificate(authority.certificate.dump()),
            intermediates=[x509.load_der_x509_certificate(c.dump()) for c in authority.chain],
            anchors=certificates_load_pem(anchors),
            at=dt.datetime.now(dt.UTC),
        )
    except PathError as error:
        raise TimestampUnavailable(
            _("The time-stamp could not be checked: %s") % f"certificate not trusted: {error}"
        ) from None
    return (
        max(c.not_valid_before_utc for c in path),
        min(c.not_valid_after_utc for c in path),
    )


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def timestamp_certificate_pem(timestamp: bytes) -> bytes:
    """The PEM of the certificate that signed the time-stamp in `timestamp` (a DER
    TimeStampResp), for `openssl ts -verify -untrusted`; b"" when there is none."""
    try:
        response = tsp.TimeStampResp.load(timestamp)
        signed_data = response["time_stamp_token"]["content"]
        sid = signed_data["signer_infos"][0]["sid"].chosen
        for choice in signed_data["certificates"] or []:
            certificate = choice.chosen
            if (
                certificate.issuer == sid["issuer"]
                and certificate.serial_number == sid["serial_number"].native
            ):
                return x509.load_der_x509_certificate(certificate.dump()).public_bytes(
                    serialization.Encoding.PEM
                )
    except Exception:  # noqa: S110 — any broken response simply has no certificate to show
        pass
    return b""
