"""Signatures in the Standard Webhooks format (https://www.standardwebhooks.com/):

    webhook-id:        the event's id (the same on every retry: receivers deduplicate by it)
    webhook-timestamp: seconds since the epoch of this attempt
    webhook-signature: "v1," + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}"))

The secret is "whsec_" + base64 of 32 random bytes; the HMAC key is the decoded bytes. It is
stored encrypted with the configuration key (`RATHAUS_CONFIG_ENCRYPTION_KEY`, the box that
protects the municipalities' configuration secrets too)."""

import base64
import hashlib
import hmac
import secrets

from rathaus.core.secret_box import SecretBox

SECRET_PREFIX = "whsec_"  # noqa: S105 (a label, not a secret)

SECRET_BOX = SecretBox(
    label="configuration",
    env_name="RATHAUS_CONFIG_ENCRYPTION_KEY",
    keys_setting="RATHAUS_CONFIG_ENCRYPTION_KEYS",
    key_file_setting="RATHAUS_CONFIG_ENCRYPTION_KEY_FILE",
)


def secret_new() -> str:
    """A new signing secret, `whsec_<base64 of 32 random bytes>`."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_…` secret (its base64 part decoded)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def signature(*, secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for one attempt."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(*, secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one attempt to post `body`."""
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, webhook_id=webhook_id, timestamp=timestamp, body=body
        ),
    }
