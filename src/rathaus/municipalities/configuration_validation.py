"""Checks of the per-municipality configuration, with messages that say how to fix it.

Used by the configuration services (every write) and the admin form (to show the message at
the field); FIT-Connect's channel parses the installation setting with the same
`fitconnect_destinations_parse`, so both places accept exactly the same structure.
"""

import datetime as dt
import json
import uuid
from email.utils import getaddresses
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Keys of a FIT-Connect destination entry (RATHAUS_FITCONNECT_DESTINATIONS).
DESTINATION_KEYS = frozenset({"destination_id", "url", "key_file", "key", "office", "service"})
# JWK members that carry private or secret key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
JWK_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def certificates_parse(pem: str, *, field: str) -> list[x509.Certificate]:
    """The certificates in `pem` (one or more PEM blocks); ValidationError on `field` else."""
    try:
        certificates = x509.load_pem_x509_certificates(pem.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ValidationError(
            {
                field: _(
                    "This is not a PEM certificate. Paste the certificate including the lines "
                    "-----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----."
                )
            }
        ) from None
    return certificates


def private_key_parse(pem: str, passphrase: str, *, field: str) -> PrivateKeyTypes:
    """The private key in `pem` (decrypted with `passphrase` if it is protected)."""
    try:
        return serialization.load_pem_private_key(
            pem.strip().encode("ascii"), password=passphrase.encode() if passphrase else None
        )
    except TypeError:
        # Encrypted without a passphrase given, or a passphrase for an unencrypted key.
        message = (
            _("The private key is protected: enter its passphrase.")
            if not passphrase
            else _("The private key is not protected: leave the passphrase empty.")
        )
        raise ValidationError({"seal_passphrase": message}) from None
    except (ValueError, UnicodeEncodeError):
        if passphrase and b"ENCRYPTED" in pem.encode("ascii", "ignore"):
            raise ValidationError(
                {"seal_passphrase": _("The passphrase does not open the private key.")}
            ) from None
        raise ValidationError(
            {
                field: _(
                    "This is not a PEM private key. Paste the key including the lines "
                    "-----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY-----."
                )
            }
        ) from None


def _public_bytes(key: Any) -> bytes:
    return bytes(
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def seal_validate(
    *,
    certificate_pem: str,
    chain_pem: str,
    private_key_pem: str,
    passphrase: str,
    now: dt.datetime | None = None,
) -> None:
    """Check a seal: certificate, chain and key parse, the key belongs to the certificate,
    the certificate is valid now and the chain issued it. Nothing configured is fine (the
    fallback applies); half a seal is not. Raises ValidationError keyed by the admin's fields
    (`seal_certificate_pem`, `seal_chain_pem`, `seal_private_key`, `seal_passphrase`)."""
    if not certificate_pem.strip() and not private_key_pem.strip():
        if chain_pem.strip():
            raise ValidationError(
                {
                    "seal_chain_pem": _(
                        "A chain needs a seal certificate; add it or clear the chain."
                    )
                }
            )
        return
    if not certificate_pem.strip():
        raise ValidationError(
            {"seal_certificate_pem": _("Enter the seal certificate that belongs to the key.")}
        )
    if not private_key_pem.strip():
        raise ValidationError(
            {"seal_private_key": _("Enter the private key that belongs to the seal certificate.")}
        )
    certificates = certificates_parse(certificate_pem, field="seal_certificate_pem")
    if len(certificates) != 1:
        raise ValidationError(
            {
                "seal_certificate_pem": _(
                    "Enter exactly one certificate here; intermediate and root certificates "
                    "belong in the chain."
                )
            }
        )
    certificate = certificates[0]
    chain = certificates_parse(chain_pem, field="seal_chain_pem") if chain_pem.strip() else []
    key = private_key_parse(private_key_pem, passphrase, field="seal_private_key")
    if _public_bytes(key.public_key()) != _public_bytes(certificate.public_key()):
        raise ValidationError(
            {
                "seal_private_key": _(
                    "The private key does not belong to the seal certificate (their public "
                    "keys differ)."
                )
            }
        )
    moment = now or dt.datetime.now(dt.UTC)
    if not certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
        raise ValidationError(
            {
                "seal_certificate_pem": _(
                    "The seal certificate is not valid now (valid from %(start)s to %(end)s)."
                )
                % {
                    "start": f"{certificate.not_valid_before_utc:%Y-%m-%d}",
                    "end": f"{certificate.not_valid_after_utc:%Y-%m-%d}",
                }
            }
        )
    if chain and not any(_issued_by(certificate, c) for c in chain):
        raise ValidationError(
            {
                "seal_chain_pem": _(
                    "The chain does not contain the certificate that issued the seal "
                    "certificate (%(issuer)s)."
                )
                % {"issuer": certificate.issuer.rfc4514_string()}
            }
        )


def mail_address_validate(value: str, *, field: str) -> None:
    """One address, optionally with a display name ("Stadt Düren <noreply@dueren.de>")."""
    if not value.strip():
        return
    addresses = getaddresses([value])
    message = _(
        "Enter one e-mail address, optionally with a name, e.g. Stadt Düren <noreply@dueren.de>."
    )
    if len(addresses) != 1 or "\n" in value or "\r" in value:
        raise ValidationError({field: message})
    try:
        validate_email(addresses[0][1])
    except ValidationError:
        raise ValidationError({field: message}) from None


def _destination_error(index: int, text: str) -> ValidationError:
    return ValidationError(
        {
            "fitconnect_destinations": _("Destination %(number)s: %(problem)s")
            % {"number": index + 1, "problem": text}
        }
    )


def fitconnect_destinations_parse(value: Any) -> list[dict[str, Any]]:
    """The FIT-Connect destinations in `value` (a JSON text or the parsed list), normalised.

    Each entry: ``destination_id`` (a UUID), ``url`` (http(s), the Submission API's
    submissions endpoint), the destination's public encryption key as ``key_file`` (a path)
    or ``key`` (the JWK object), and exactly one of ``office`` (an office UUID) or
    ``service`` (a service slug). Raises ValidationError naming the entry and the key.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value or "[]")
        except ValueError as exc:
            raise ValidationError(
                {"fitconnect_destinations": _("This is not valid JSON: %(error)s") % {"error": exc}}
            ) from None
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(
            {"fitconnect_destinations": _("Enter a JSON list of destinations ([…]).")}
        )
    result: list[dict[str, Any]] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise _destination_error(index, _("each destination must be a JSON object ({…})."))
        unknown = sorted(set(entry) - DESTINATION_KEYS)
        if unknown:
            raise _destination_error(
                index,
                _("unknown keys %(keys)s (allowed: %(allowed)s).")
                % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(DESTINATION_KEYS))},
            )
        destination_id = str(entry.get("destination_id", "")).strip()
        try:
            uuid.UUID(destination_id)
        except ValueError:
            raise _destination_error(
                index, _("destination_id must be the UUID of the FIT-Connect destination.")
            ) from None
        url = str(entry.get("url", "")).strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _destination_error(
                index, _("url must be the absolute http(s) address of the Submission API.")
            )
        key_file, key = str(entry.get("key_file", "")).strip(), entry.get("key")
        if bool(key_file) == (key is not None):
            raise _destination_error(
                index,
                _("give the destination's public encryption key either as key_file or as key."),
            )
        if key is not None and (not isinstance(key, dict) or "kty" not in key):
            raise _destination_error(index, _("key must be a JWK object with a kty."))
        private = sorted(JWK_PRIVATE_MEMBERS & set(key or {}))
        if private:
            # Only the destination's public key belongs here; a private or symmetric key in
            # the configuration would be a key leak (it is shown in the admin, and copied).
            raise _destination_error(
                index,
                _(
                    "key must be the destination's public key; remove the private key "
                    "members %(members)s and do not store the private key here."
                )
                % {"members": ", ".join(private)},
            )
        office, service = str(entry.get("office", "")).strip(), str(entry.get("service", ""))
        service = service.strip()
        if bool(office) == bool(service):
            raise _destination_error(
                index, _("name exactly one of office (an office UUID) or service (a slug).")
            )
        if office:
            try:
                uuid.UUID(office)
            except ValueError:
                raise _destination_error(
                    index, _("office must be the UUID of an office.")
                ) from None
        normalised: dict[str, Any] = {"destination_id": destination_id, "url": url}
        if key_file:
            normalised["key_file"] = key_file
        else:
            normalised["key"] = key
        normalised["office" if office else "service"] = office or service
        result.append(normalised)
    return result
