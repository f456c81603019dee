"""Configuring a municipality through the Django admin: write-only secrets, messages, audit."""

import pytest
from cryptography.fernet import Fernet

from rathaus.core.models import AuditEvent
from rathaus.municipalities.configuration import payment_account_for, seal_configuration_for
from rathaus.municipalities.models import ConfigurationProfile
from tests.factories import MunicipalityFactory
from tests.municipalities.configuration_data import seal_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = "/intern/admin/municipalities/configurationprofile/"


@pytest.fixture
def seals(tmp_path):
    return seal_for("Stadt Düren", tmp_path / "ca"), seal_for("Stadt Gütersloh", tmp_path / "ca")


def form(municipality, **overrides):
    data = {
        "kind": "municipality",
        "name": municipality.name,
        "municipality": str(municipality.pk),
        "seal_certificate_pem": "",
        "seal_chain_pem": "",
        "seal_private_key": "",
        "seal_passphrase": "",
        "mail_from": "",
        "mail_reply_to": "",
        "fitconnect_destinations": "",
        "payment_accounts-TOTAL_FORMS": "0",
        "payment_accounts-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_a_seal_is_configured_and_its_key_is_never_shown_again(staff_client, seals):
    dueren_seal, _guetersloh_seal = seals
    municipality = MunicipalityFactory(name="Stadt Düren")
    assert staff_client.get(URL + "add/").status_code == 200
    response = staff_client.post(
        URL + "add/",
        form(
            municipality,
            seal_certificate_pem=dueren_seal.certificate_pem,
            seal_chain_pem=dueren_seal.chain_pem,
            seal_private_key=dueren_seal.private_key_pem,
            mail_from="Stadt Düren <post@dueren.example>",
            **{
                "payment_accounts-TOTAL_FORMS": "1",
                "payment_accounts-0-provider": "sandbox",
                "payment_accounts-0-enabled": "on",
                "payment_accounts-0-account_id": "DN-1",
                "payment_accounts-0-secrets_new": "webhook-secret-0123456789",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = ConfigurationProfile.objects.get(municipality=municipality)
    assert seal_configuration_for(municipality=municipality).private_key_pem.decode() == (
        dueren_seal.private_key_pem.strip()
    )
    assert payment_account_for(municipality=municipality, provider="sandbox").secrets == (
        b"webhook-secret-0123456789",
    )

    page = staff_client.get(f"{URL}{profile.pk}/change/").content.decode()
    key_body = dueren_seal.private_key_pem.splitlines()[1]
    assert key_body not in page and "webhook-secret" not in page
    assert "Ein Wert ist gespeichert" in page and "Stadt Düren Siegel" in page  # the seal summary

    # Saving with the secret fields left empty keeps the stored key.
    response = staff_client.post(
        f"{URL}{profile.pk}/change/",
        form(
            municipality,
            seal_certificate_pem=dueren_seal.certificate_pem,
            seal_chain_pem=dueren_seal.chain_pem,
            mail_from="Stadt Düren <rathaus@dueren.example>",
            **{
                "payment_accounts-TOTAL_FORMS": "1",
                "payment_accounts-INITIAL_FORMS": "1",
                "payment_accounts-0-id": str(profile.payment_accounts.get().pk),
                "payment_accounts-0-profile": str(profile.pk),
                "payment_accounts-0-provider": "sandbox",
                "payment_accounts-0-enabled": "on",
                "payment_accounts-0-account_id": "DN-1",
                "payment_accounts-0-secrets_new": "",
            },
        ),
    )
    assert response.status_code == 302
    assert seal_configuration_for(municipality=municipality).private_key_pem.decode() == (
        dueren_seal.private_key_pem.strip()
    )
    assert payment_account_for(municipality=municipality, provider="sandbox").secrets == (
        b"webhook-secret-0123456789",
    )
    update = AuditEvent.objects.get(action="municipality.configuration.update")
    assert update.details == {"via": "admin", "changed": ["mail_from"]}
    create = AuditEvent.objects.get(action="municipality.configuration.create")
    assert create.details["via"] == "admin"
    assert "seal_private_key" in create.details["fields"]
    assert (
        AuditEvent.objects.filter(action="municipality.configuration.payment_account.set").count()
        == 1
    )
    assert not AuditEvent.objects.filter(action__startswith="configurationprofile.").exists()


def test_validation_messages_are_shown_at_the_fields(staff_client, seals):
    dueren_seal, guetersloh_seal = seals
    municipality = MunicipalityFactory()
    response = staff_client.post(
        URL + "add/",
        form(
            municipality,
            seal_certificate_pem=dueren_seal.certificate_pem,
            seal_private_key=guetersloh_seal.private_key_pem,
            fitconnect_destinations='[{"destination_id": "x"}]',
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "gehört nicht zum Siegelzertifikat" in errors["seal_private_key"][0]
    # The secret typed in is not sent back into the form.
    assert guetersloh_seal.private_key_pem.splitlines()[1] not in response.content.decode()
    assert not ConfigurationProfile.objects.exists()

    response = staff_client.post(
        URL + "add/", form(municipality, fitconnect_destinations='[{"destination_id": "x"}]')
    )
    errors = response.context["adminform"].form.errors
    assert "Ziel 1: destination_id muss die UUID" in errors["fitconnect_destinations"][0]
    response = staff_client.post(
        URL + "add/",
        form(
            municipality,
            **{
                "payment_accounts-TOTAL_FORMS": "1",
                "payment_accounts-0-provider": "sandbox",
                "payment_accounts-0-secrets_new": "short",
            },
        ),
    )
    assert response.status_code == 200
    assert "mindestens 16 Zeichen" in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="municipality.configuration").exists()


def test_removing_the_seal_and_rotating_the_kek_from_the_admin(staff_client, seals):
    dueren_seal, _ = seals
    municipality = MunicipalityFactory()
    staff_client.post(
        URL + "add/",
        form(
            municipality,
            seal_certificate_pem=dueren_seal.certificate_pem,
            seal_private_key=dueren_seal.private_key_pem,
        ),
    )
    profile = ConfigurationProfile.objects.get()
    response = staff_client.post(
        f"{URL}{profile.pk}/change/", form(municipality, seal_secrets_clear="on")
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.seal_private_key_encrypted == "" and not profile.has_seal
    assert seal_configuration_for(municipality=municipality) is None

    response = staff_client.post(
        URL, {"action": "rotate_kek", "_selected_action": [str(profile.pk)]}
    )
    assert response.status_code == 302
    assert profile.key_encryption_keys.get().version == 1
    event = AuditEvent.objects.get(action="municipality.configuration.kek.rotate")
    assert event.details["via"] == "admin"
    page = staff_client.get(f"{URL}{profile.pk}/change/").content.decode()
    assert "v1 (local" in page


def test_a_municipality_is_assigned_to_an_it_service_provider(staff_client):
    provider = ConfigurationProfile.objects.create(
        kind="it_service_provider", name="Kommunales Rechenzentrum"
    )
    municipality = MunicipalityFactory()
    page = staff_client.get(f"/intern/admin/municipalities/municipality/{municipality.pk}/change/")
    assert "configuration_provider" in page.content.decode()
    response = staff_client.get(f"{URL}{provider.pk}/change/")
    assert "noch keine Kommune" in response.content.decode()


def test_the_admin_refuses_to_move_a_municipality_away_from_a_providers_kek(
    staff_client, django_user_model
):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from rathaus.municipalities.configuration_services import kek_rotate
    from tests.municipalities.configuration_data import ACTOR, provider_profile, serve

    provider, other = provider_profile(), provider_profile("Anderes Rechenzentrum")
    kek_rotate(actor=ACTOR, profile=provider)
    municipality = MunicipalityFactory()
    serve(municipality, provider)
    model_admin = site._registry[type(municipality)]
    request = RequestFactory().get("/")
    request.user = django_user_model.objects.get(username="admin")
    form_class = model_admin.get_form(request, municipality, change=True)
    data = {
        **{k: v for k, v in form_class(instance=municipality).initial.items() if v is not None},
        "configuration_provider": str(other.pk),
    }
    form = form_class(data=data, instance=municipality)
    assert not form.is_valid()
    assert "would become unreadable" in str(form.errors["configuration_provider"])
    # The profile's own form refuses giving it to a municipality.
    profile_form = site._registry[ConfigurationProfile].get_form(request, provider, change=True)(
        data={"kind": "municipality", "name": provider.name, "municipality": str(municipality.pk)},
        instance=provider,
    )
    assert not profile_form.is_valid()
    assert "cannot be changed" in str(profile_form.errors)


def test_the_provider_of_an_existing_payment_account_cannot_be_changed(staff_client):
    from rathaus.municipalities.configuration_services import payment_account_set
    from rathaus.municipalities.models import PaymentAccount
    from tests.municipalities.configuration_data import ACTOR, own_profile

    municipality = MunicipalityFactory()
    profile = own_profile(municipality)
    account = payment_account_set(
        actor=ACTOR, profile=profile, provider="sandbox", account_id="DN-1"
    )
    page = staff_client.get(f"{URL}{profile.pk}/change/").content.decode()
    assert 'value="sandbox" class="vTextField" maxlength="50" disabled' in page
    response = staff_client.post(
        f"{URL}{profile.pk}/change/",
        form(
            municipality,
            **{
                "payment_accounts-TOTAL_FORMS": "1",
                "payment_accounts-INITIAL_FORMS": "1",
                "payment_accounts-0-id": str(account.pk),
                "payment_accounts-0-profile": str(profile.pk),
                "payment_accounts-0-provider": "other",
                "payment_accounts-0-enabled": "on",
                "payment_accounts-0-account_id": "DN-2",
                "payment_accounts-0-secrets_new": "",
            },
        ),
    )
    assert response.status_code == 302
    assert list(PaymentAccount.objects.values_list("provider", "account_id")) == [
        ("sandbox", "DN-2")
    ]


def test_a_stored_secret_the_key_does_not_decrypt_is_a_form_error(staff_client, seals, settings):
    from tests.municipalities.configuration_data import own_profile, seal_values

    dueren_seal, _guetersloh_seal = seals
    municipality = MunicipalityFactory()
    profile = own_profile(municipality, **seal_values(dueren_seal))
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # wrong key
    data = form(
        municipality,
        seal_certificate_pem=dueren_seal.certificate_pem,
        seal_chain_pem=dueren_seal.chain_pem,
        mail_from="Stadt Düren <rathaus@dueren.example>",
    )
    response = staff_client.post(f"{URL}{profile.pk}/change/", data)
    assert response.status_code == 200
    assert "RATHAUS_CONFIG_ENCRYPTION_KEY enthält nicht den Schlüssel" in response.content.decode()
    profile.refresh_from_db()
    assert profile.mail_from == ""
    # Entering the key again replaces the unreadable value.
    response = staff_client.post(
        f"{URL}{profile.pk}/change/", {**data, "seal_private_key": dueren_seal.private_key_pem}
    )
    assert response.status_code == 302
    assert seal_configuration_for(municipality=municipality).private_key_pem.decode() == (
        dueren_seal.private_key_pem.strip()
    )
