"""The few DER encodings receipts need per signature and time-stamp, written directly.

Building a CMS SignedData with asn1crypto objects costs milliseconds (it re-encodes the
embedded certificates on every dump); issuing receipts at a few hundred per second needs the
constant parts (certificates, algorithm identifiers, signer identifier, the signing-certificate
attribute) encoded once per key with asn1crypto and only the variable parts (digests, times,
numbers, the signature) encoded here (X.690 DER: definite lengths, minimal integers, SET OF
sorted by encoding).
"""

import datetime as dt
from collections.abc import Iterable

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
OCTET_STRING = 0x04
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18


def tlv(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    length = len(content)
    if length < 0x80:
        return bytes((tag, length)) + content
    size = (length.bit_length() + 7) // 8
    return bytes((tag, 0x80 | size)) + length.to_bytes(size, "big") + content


def sequence(*parts: bytes) -> bytes:
    """SEQUENCE of already encoded elements, in the given order."""
    return tlv(SEQUENCE, b"".join(parts))


def set_of(parts: Iterable[bytes], *, tag: int = SET) -> bytes:
    """SET OF already encoded elements, sorted by their encodings as DER requires (X.690
    11.6); `tag` for an implicitly tagged set (0xA0 for `[0] IMPLICIT SET OF`)."""
    return tlv(tag, b"".join(sorted(parts)))


def integer(value: int) -> bytes:
    """INTEGER in the minimal two's complement form."""
    size = (value.bit_length() + 8) // 8 if value >= 0 else ((~value).bit_length() + 8) // 8
    return tlv(INTEGER, value.to_bytes(size, "big", signed=True))


def octet_string(value: bytes) -> bytes:
    return tlv(OCTET_STRING, value)


def cms_time(at: dt.datetime) -> bytes:
    """A CMS Time (RFC 5652 11.3): UTCTime from 1950 to 2049, GeneralizedTime otherwise,
    whole seconds in UTC."""
    at = at.astimezone(dt.UTC)
    if 1950 <= at.year < 2050:
        return tlv(UTC_TIME, at.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return tlv(GENERALIZED_TIME, at.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


def generalized_time(at: dt.datetime) -> bytes:
    """GeneralizedTime in UTC with the fraction of a second as RFC 3161 2.4.2 wants it:
    trailing zeros removed, no decimal point for whole seconds."""
    at = at.astimezone(dt.UTC)
    text = at.strftime("%Y%m%d%H%M%S")
    if at.microsecond:
        text += "." + f"{at.microsecond:06d}".rstrip("0")
    return tlv(GENERALIZED_TIME, (text + "Z").encode("ascii"))
