"""The consumers read the municipality's configuration: payment providers verify with the
secrets of the payment's municipality (and are hidden where its account is switched off),
FIT-Connect hands a submission over to the destinations of its municipality."""

import json

import pytest
from django.test import Client
from jwcrypto import jwk

from rathaus.contrib.fitconnect.channel import FitConnectChannel, recipient_key
from rathaus.core.actors import Actor
from rathaus.municipalities.configuration_services import payment_account_set
from rathaus.payments.models import Payment
from rathaus.payments.providers import payment_providers_enabled
from rathaus.payments.services import PaymentError, payment_start
from tests.applications.inbox_data import make_submission
from tests.factories import MunicipalityFactory, OfficeFactory, UserFactory
from tests.municipalities.configuration_data import ACTOR, own_profile, provider_profile, serve
from tests.payments.conftest import body_of, notify_url, signed_headers, start_sandbox

pytestmark = pytest.mark.django_db

INSTALLATION_SECRET = "installation-sandbox-secret"
WEBHOOK = "/zahlung/benachrichtigung/sandbox/"


@pytest.fixture(autouse=True)
def _settings(settings, config_key):
    settings.RATHAUS_PAYMENT_PROVIDERS = ["invoice", "sandbox"]
    settings.RATHAUS_PAYMENT_SANDBOX_SECRET = INSTALLATION_SECRET
    settings.RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS = 300
    settings.RATHAUS_FITCONNECT_DESTINATIONS = "[]"


def webhook(payment: Payment, secret: str, event_id: str) -> int:
    body = body_of(payment, event_id=event_id)
    response = Client().post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        headers=signed_headers(body, secret=secret),
    )
    return response.status_code


def test_notifications_are_verified_with_the_secrets_of_the_payments_municipality():
    dueren, other = MunicipalityFactory(), MunicipalityFactory()
    payment_account_set(
        actor=ACTOR,
        profile=own_profile(dueren),
        provider="sandbox",
        account_id="DN-7",
        secrets=["dueren-new-secret-0123", "dueren-old-secret-0123"],
    )
    payment = start_sandbox(UserFactory(), municipality=dueren).payment
    # The installation's secret (or another municipality's) does not sign for Düren …
    assert webhook(payment, INSTALLATION_SECRET, "evt-1") == 400
    # … Düren's do, the older one too while a secret is rotated.
    assert webhook(payment, "dueren-old-secret-0123", "evt-2") == 200
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
    # A municipality without an account: the installation's secret.
    elsewhere = start_sandbox(UserFactory(), municipality=other).payment
    assert webhook(elsewhere, "dueren-new-secret-0123", "evt-3") == 400
    assert webhook(elsewhere, INSTALLATION_SECRET, "evt-4") == 200


def test_an_account_switched_off_hides_the_provider_in_the_municipalities_it_covers():
    served, other = MunicipalityFactory(), MunicipalityFactory()
    provider = provider_profile()
    serve(served, provider)
    payment_account_set(actor=ACTOR, profile=provider, provider="sandbox", enabled=False)
    assert [p.key for p in payment_providers_enabled(municipality=served)] == ["invoice"]
    assert [p.key for p in payment_providers_enabled(municipality=other)] == [
        "invoice",
        "sandbox",
    ]
    with pytest.raises(PaymentError):
        payment_start(
            municipality=served,
            provider="sandbox",
            amount_cents=1000,
            description="Hundesteuer",
            payer=Actor.person(UserFactory()),
            return_url="/antraege/",
            notify_url=notify_url(),
        )


def test_the_own_account_decides_over_the_providers_in_one_query(django_assert_num_queries):
    """A municipality's own account switches a provider back on that its IT service provider
    switched off (and the other way round); one query for every provider, no secret
    decrypted (the fee page asks on every request)."""
    served = MunicipalityFactory()
    provider = provider_profile()
    serve(served, provider)
    payment_account_set(actor=ACTOR, profile=provider, provider="sandbox", enabled=False)
    payment_account_set(actor=ACTOR, profile=provider, provider="invoice", enabled=True)
    own = own_profile(served)
    payment_account_set(
        actor=ACTOR, profile=own, provider="sandbox", secrets=["own-secret-0123456789"]
    )
    payment_account_set(actor=ACTOR, profile=own, provider="invoice", enabled=False)
    with django_assert_num_queries(1):
        keys = [p.key for p in payment_providers_enabled(municipality=served)]
    assert keys == ["sandbox"]


@pytest.fixture(scope="module")
def destination_key():
    key = jwk.JWK.generate(kty="RSA", size=4096, kid="dueren-1", alg="RSA-OAEP-256")
    return {**json.loads(key.export_public()), "key_ops": ["wrapKey"]}


def test_fitconnect_hands_over_to_the_destinations_of_the_submissions_municipality(
    settings, destination_key
):
    dueren = MunicipalityFactory()
    dueren_submission = make_submission(office=OfficeFactory(municipality=dueren))
    other_submission = make_submission()
    own_profile(
        dueren,
        fitconnect_destinations=[
            {
                "destination_id": "0b3f8f0e-5d8e-4c35-9b5d-1f0e7c2a9d11",
                "url": "https://submission-api.dueren.example/v1/submissions",
                "key": destination_key,
                "office": str(dueren_submission.office_id),
            }
        ],
    )
    settings.RATHAUS_FITCONNECT_DESTINATIONS = json.dumps(
        [
            {
                "destination_id": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
                "url": "https://submission-api.installation.example/v1/submissions",
                "key_file": "/nonexistent/installation.jwk.json",
                "office": str(other_submission.office_id),
            }
        ]
    )
    channel = FitConnectChannel()
    assert channel.destination_for(dueren_submission) == "0b3f8f0e-5d8e-4c35-9b5d-1f0e7c2a9d11"
    assert channel.destination_for(other_submission) == "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    # The key configured inline in the profile is the one the submission is encrypted for.
    key = recipient_key("", inline=json.dumps(destination_key))
    assert key.export_public(as_dict=True)["kid"] == "dueren-1"
