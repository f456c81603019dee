import time

import pytest

from rathaus.payments.providers import payment_provider_get
from rathaus.payments.signatures import InvalidSignature, signature_create, signature_verify
from tests.payments.conftest import SECRET, body_of, signed_headers

BODY = b'{"event_id":"e1"}'


def test_good_signature_returns_its_timestamp():
    now = int(time.time())
    header = signature_create(secret=b"k", body=BODY, timestamp=now)
    assert header.startswith(f"t={now},v1=")
    assert signature_verify(secret=b"k", body=BODY, signature=header, tolerance_seconds=300) == now


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("garbage", "malformed"),
        ("t=abc,v1=00", "malformed"),
        ("t=1700000000", "malformed"),
    ],
)
def test_missing_or_malformed_signature(signature, reason):
    with pytest.raises(InvalidSignature) as info:
        signature_verify(secret=b"k", body=BODY, signature=signature, tolerance_seconds=300)
    assert info.value.reason == reason


def test_wrong_secret_is_a_mismatch():
    header = signature_create(secret=b"other", body=BODY)
    with pytest.raises(InvalidSignature) as info:
        signature_verify(secret=b"k", body=BODY, signature=header, tolerance_seconds=300)
    assert info.value.reason == "mismatch"


def test_tampered_body_is_a_mismatch():
    header = signature_create(secret=b"k", body=BODY)
    with pytest.raises(InvalidSignature) as info:
        signature_verify(
            secret=b"k", body=BODY.replace(b"e1", b"e2"), signature=header, tolerance_seconds=300
        )
    assert info.value.reason == "mismatch"


@pytest.mark.parametrize("offset", [-301, 301])
def test_timestamp_outside_the_tolerance_is_stale(offset):
    ts = int(time.time()) + offset
    header = signature_create(secret=b"k", body=BODY, timestamp=ts)
    with pytest.raises(InvalidSignature) as info:
        signature_verify(secret=b"k", body=BODY, signature=header, tolerance_seconds=300)
    assert info.value.reason == "stale"


def test_timestamp_is_part_of_the_signed_text():
    now = int(time.time())
    header = signature_create(secret=b"k", body=BODY, timestamp=now)
    forged = header.replace(f"t={now}", f"t={now + 10}")
    with pytest.raises(InvalidSignature) as info:
        signature_verify(secret=b"k", body=BODY, signature=forged, tolerance_seconds=300)
    assert info.value.reason == "mismatch"


def test_one_of_several_v1_values_may_match_during_secret_rotation():
    now = int(time.time())
    good = signature_create(secret=b"k", body=BODY, timestamp=now).split(",")[1]
    header = f"t={now},v1={'0' * 64},{good}"
    assert signature_verify(secret=b"k", body=BODY, signature=header, tolerance_seconds=300) == now


def test_sandbox_provider_verifies_and_parses(sandbox_payment):
    provider = payment_provider_get("sandbox")
    body = body_of(sandbox_payment, status="paid", event_id="evt-9")
    notification = provider.verify_notification(body, signed_headers(body))
    assert notification.event_id == "evt-9"
    assert notification.payment_reference == sandbox_payment.reference
    assert notification.status == "paid"
    assert notification.amount_cents == 1250
    assert notification.occurred_at.tzinfo is not None


def test_sandbox_provider_rejects_a_signature_with_another_secret(sandbox_payment):
    provider = payment_provider_get("sandbox")
    body = body_of(sandbox_payment)
    with pytest.raises(InvalidSignature):
        provider.verify_notification(body, signed_headers(body, secret="not-" + SECRET))


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "open"},
        {"status": "bogus"},
        {"amount_cents": "1250"},
        {"amount_cents": True},
        {"amount_cents": -1},
        {"event_id": ""},
        {"occurred_at": "2026-01-01T10:00:00"},
        {"occurred_at": "yesterday"},
    ],
)
def test_well_signed_but_malformed_payload_is_refused(sandbox_payment, changes):
    provider = payment_provider_get("sandbox")
    body = body_of(sandbox_payment, **changes)
    with pytest.raises(InvalidSignature) as info:
        provider.verify_notification(body, signed_headers(body))
    assert info.value.reason == "payload"


def test_secret_derived_from_secret_key_when_not_configured(settings):
    from rathaus.contrib.payment_sandbox.provider import sandbox_secret

    settings.RATHAUS_PAYMENT_SANDBOX_SECRET = ""
    derived = sandbox_secret()
    assert derived != settings.SECRET_KEY.encode()
    assert len(derived) == 32
    settings.SECRET_KEY = settings.SECRET_KEY + "x"
    assert sandbox_secret() != derived
