"""The signed-notification protocol of redirect providers (see docs/payments.md).

A notification is a JSON body signed with HMAC-SHA256 over ``<timestamp>.<body>`` with a
secret shared between rathaus and the provider; the signature travels as
``X-Rathaus-Signature: t=<unix seconds>,v1=<hex digest>`` (webhook) or as the ``sig`` query
parameter next to ``event=<base64url body>`` (browser return). The timestamp bounds replays
of captured messages to the tolerance window; the unique event id makes replays inside the
window harmless.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Rathaus-Signature"
SIGNATURE_VERSION = "v1"


class InvalidSignature(Exception):
    """A notification whose signature, timestamp or content cannot be trusted.

    `reason` is a short code ("missing", "malformed", "stale", "mismatch", "payload") for the
    response and the log; it never contains the secret or the body.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def signature_digest(*, secret: bytes, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    return hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_create(*, secret: bytes, body: bytes, timestamp: int | None = None) -> str:
    """The signature value ``t=<unix>,v1=<hex>`` for `body`."""
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},{SIGNATURE_VERSION}={signature_digest(secret=secret, timestamp=ts, body=body)}"


def signature_verify(
    *,
    secret: bytes,
    body: bytes,
    signature: str | None,
    tolerance_seconds: int,
    now: float | None = None,
) -> int:
    """Check `signature` over `body`; return its timestamp or raise InvalidSignature."""
    if not signature:
        raise InvalidSignature("missing", "no signature")
    parts: dict[str, list[str]] = {}
    for item in signature.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise InvalidSignature("malformed", "signature is not t=…,v1=…")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise InvalidSignature("malformed", "no timestamp") from None
    candidates = parts.get(SIGNATURE_VERSION, [])
    if not candidates:
        raise InvalidSignature("malformed", f"no {SIGNATURE_VERSION} signature")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        raise InvalidSignature("stale", "timestamp outside the tolerance")
    expected = signature_digest(secret=secret, timestamp=timestamp, body=body)
    # Several v1 values are allowed so that a provider can sign with old and new secret
    # while the secret is rotated.
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("mismatch", "signature does not match")
    return timestamp
