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
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError
from rathaus.evidence.certificate_paths import certificates_load_pem
from rathaus.evidence.cms import SignatureInvalid, timestamp_token_check
from rathaus.evidence.trust_anchors import trust_anchors_pem
from rathaus.seals.demo_ca import demo_ca_create, demo_ca_files
from rathaus.seals.services import seal_material

logger = logging.getLogger(__name__)

# TSA policy of the local TSA when RATHAUS_TSA_POLICY_OID is empty: an OID under 2.25 (made
# from a UUID, ITU-T X.667), so rathaus needs no registered arc of its own.
LOCAL_POLICY_OID = "2.25.232347806853410496213412357442096187291"


class TimestampUnavailable(DomainError):
    """No time-stamp could be obtained: no TSA configured, or none answered correctly."""


def timestamp_obtain(*, data: bytes) -> bytes:
    """A DER TimeStampResp whose message imprint is the SHA-256 of `data`, checked against
    the trust anchors before it is returned (a receipt nobody can verify is no evidence)."""
    digest = hashlib.sha256(data).digest()
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
    if settings.RATHAUS_TSA_URLS:
        response = _external_obtain(request, urls=settings.RATHAUS_TSA_URLS)
    else:
        response = local_authority().respond(request)
    problem = _response_problem(response, digest=digest, nonce=nonce)
    if problem:
        raise TimestampUnavailable(_("The time-stamp could not be checked: %s") % problem)
    der: bytes = response.dump()
    return der


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


def _response_problem(response: tsp.TimeStampResp, *, digest: bytes, nonce: int) -> str:
    """Why `response` is no valid answer to our request ("" when it is)."""
    try:
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            return f"status {status}"
        token = response["time_stamp_token"]
        tst_info, _signer = timestamp_token_check(
            token=token, anchors=certificates_load_pem(trust_anchors_pem())
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


@dataclass(frozen=True)
class LocalTimeStampAuthority:
    """A TSA inside rathaus: answers a TimeStampReq with a token signed by its own key."""

    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    policy: str

    def respond(self, request: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """The granted TimeStampResp for `request` (RFC 3161 2.4.2)."""
        tst_fields: dict[str, object] = {
            "version": "v1",
            "policy": self.policy,
            "message_imprint": request["message_imprint"],
            "serial_number": uuid.uuid4().int,
            "gen_time": dt.datetime.now(dt.UTC),
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self.certificate.subject),
        }
        if request["nonce"].native is not None:
            tst_fields["nonce"] = request["nonce"]
        content = tsp.TSTInfo(tst_fields).dump()
        signed_attrs = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
                {
                    "type": "signing_certificate_v2",
                    "values": [_signing_certificate_v2(self.certificate)],
                },
            ]
        )
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            signature = self.key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
            algorithm = "sha256_ecdsa"
        else:
            signature = self.key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
            algorithm = "sha256_rsa"
        certificates = [self.certificate, *self.chain] if request["cert_req"].native else []
        signed_data = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": cms.ParsableOctetString(content),
                },
                "certificates": certificates or None,
                "signer_infos": [
                    {
                        "version": "v1",
                        "sid": {
                            "issuer_and_serial_number": {
                                "issuer": self.certificate.issuer,
                                "serial_number": self.certificate.serial_number,
                            }
                        },
                        "digest_algorithm": {"algorithm": "sha256"},
                        "signed_attrs": signed_attrs,
                        "signature_algorithm": {"algorithm": algorithm},
                        "signature": signature,
                    }
                ],
            }
        )
        return tsp.TimeStampResp(
            {
                "status": {"status": "granted"},
                "time_stamp_token": {"content_type": "signed_data", "content": signed_data},
            }
        )


def _signing_certificate_v2(certificate: asn1_x509.Certificate) -> tsp.SigningCertificateV2:
    # RFC 5035: the certificate's SHA-256 and its issuer and serial; openssl checks both.
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


def local_authority() -> LocalTimeStampAuthority:
    """The installation's own TSA: RATHAUS_TSA_CERT_FILE / _KEY_FILE, else the demo CA's TSA
    (created when an older demo CA lacks it) while the seal is the demo seal."""
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
        key_file.stat().st_mtime_ns if key_file.exists() else 0,
    )


@functools.lru_cache(maxsize=4)
def _authority_load(
    cert_file: Path,
    key_file: Path,
    chain: tuple[Path, ...],
    passphrase: str,
    policy: str,
    key_mtime: int,
) -> LocalTimeStampAuthority:
    # Cached per process; the key's mtime is part of the cache key so a renewed key is used.
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
    return LocalTimeStampAuthority(
        certificate=_asn1(certificate),
        chain=tuple(_asn1(c) for c in chain_certificates),
        key=key,
        policy=policy,
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
