"""The seal with a signature time-stamp (PAdES B-T): the CMS signature carries an RFC 3161
token over its signature value as the unsigned attribute signature-time-stamp-token, so any
PDF reader or validator shows when the seal existed.

The token comes from the installation's time-stamp authority as receipts and replacement
scans get theirs (`rathaus.evidence.timestamps`): the external TSAs of RATHAUS_TSA_URLS (in
order, each answer checked against the trust anchors), else the local TSA
(RATHAUS_TSA_CERT_FILE / _KEY_FILE, or the demo CA's TSA) — answered in-process, no HTTP.
"""

import functools
from io import BytesIO
from typing import Any

from asn1crypto import tsp
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import find_cms_attribute_iter
from pyhanko.sign.timestamps import TimeStamper

from rathaus.evidence.timestamps import (
    LocalTimeStampAuthority,
    _external_obtain,
    _local_authority_trust,
    local_authority,
)
from rathaus.evidence.trust_anchors import trust_anchors_pem
from rathaus.seals.services import pdf_seal


class InstallationTimeStamper(TimeStamper):
    """pyHanko's time-stamp client, answered by the installation's TSA: the external TSAs
    `urls` (fallbacks in order, over HTTP), else the local `authority`."""

    def __init__(
        self, *, urls: tuple[str, ...] = (), authority: LocalTimeStampAuthority | None = None
    ) -> None:
        if bool(urls) == (authority is not None):
            raise ValueError("Either TSA URLs or a local authority.")
        super().__init__()
        self.urls = urls
        self.authority = authority

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        # Blocking, like every other use of the TSA: one request per seal (and one per
        # timestamper for pyHanko's size estimate).
        if self.urls:
            return _external_obtain(req, urls=self.urls)
        assert self.authority is not None
        _local_authority_trust(self.authority, anchors=tuple(trust_anchors_pem()))
        return self.authority.respond(req)


def signature_timestamper() -> InstallationTimeStamper:
    """The time-stamper of the TSA configured now (raises TimestampUnavailable without one).

    One per TSA configuration and process: pyHanko sizes the signature with a dummy token it
    asks for once per timestamper, which need not cost an external TSA's token every seal."""
    if settings.RATHAUS_TSA_URLS:
        return _timestamper(tuple(settings.RATHAUS_TSA_URLS), None)
    return _timestamper((), local_authority())


@functools.lru_cache(maxsize=4)
def _timestamper(
    urls: tuple[str, ...], authority: LocalTimeStampAuthority | None
) -> InstallationTimeStamper:
    # The authority object is a cache key by identity (a changed TSA is a new object).
    return InstallationTimeStamper(urls=urls, authority=authority)


def pdf_seal_timestamped(
    *, pdf: bytes, reason: str, location: str, municipality: Any = None
) -> bytes:
    """`pdf_seal` with a signature time-stamp of the installation's TSA: PAdES B-T."""
    return pdf_seal(
        pdf=pdf,
        reason=reason,
        location=location,
        municipality=municipality,
        timestamper=signature_timestamper(),
    )


def pdf_signature_timestamp(pdf: bytes) -> bytes:
    """The signature time-stamp of `pdf`'s last signature as a DER TimeStampResp (granted,
    the token as embedded; its message imprint is the hash of the signature value); b""
    when the PDF has no signature or its signature no time-stamp."""
    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return b""
        attributes = signatures[-1].signer_info["unsigned_attrs"]
        token = next(find_cms_attribute_iter(attributes, "signature_time_stamp_token"), None)
    except Exception:  # a damaged PDF simply has no time-stamp to show
        return b""
    if token is None:
        return b""
    response = tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})
    der: bytes = response.dump()
    return der
