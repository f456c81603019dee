import pytest

from rathaus.accounts import selectors, services
from rathaus.accounts.models import Consent, ConsentText
from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent

pytestmark = pytest.mark.django_db

KEY = "mailbox_notification_by_retrieval"


def test_mailbox_consent_text_exists_in_both_languages():
    text = selectors.consent_text_current(key=KEY)
    assert text is not None and text.version == 1
    assert "§ 41 Abs. 2a" in text.text_de and "widerrufen" in text.text_de
    assert "section 41 (2a)" in text.text_en and "revoke" in text.text_en


def test_give_and_revoke_keep_history_and_are_audited(citizen):
    text = selectors.consent_text_current(key=KEY)
    consent = services.consent_give(user=citizen, text=text, language="de")
    assert consent.text_agreed == text.text_de
    assert selectors.consent_active(user=citizen, key=KEY) == consent
    # Giving again is idempotent.
    assert services.consent_give(user=citizen, text=text, language="de") == consent

    services.consent_revoke(user=citizen, key=KEY)
    assert selectors.consent_active(user=citizen, key=KEY) is None
    again = services.consent_give(user=citizen, text=text, language="en")
    assert again.text_agreed == text.text_en

    history = list(selectors.consent_history(user=citizen))
    assert [c.revoked_at is None for c in history] == [True, False]
    actions = list(
        AuditEvent.objects.filter(actor_id=str(citizen.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["consent.give", "consent.revoke", "consent.give"]


def test_new_text_version_replaces_the_old_consent(citizen):
    v1 = selectors.consent_text_current(key=KEY)
    services.consent_give(user=citizen, text=v1, language="de")
    v2 = ConsentText.objects.create(
        key=KEY, version=2, title_de="T", title_en="T", text_de="Neu", text_en="New"
    )
    services.consent_give(user=citizen, text=v2, language="de")
    assert selectors.consent_active(user=citizen, key=KEY).text == v2
    assert Consent.objects.filter(user=citizen, revoked_at__isnull=False).count() == 1


def test_inactive_text_cannot_be_agreed_to(citizen):
    text = selectors.consent_text_current(key=KEY)
    text.active = False
    text.save(update_fields=["active"])
    with pytest.raises(DomainError):
        services.consent_give(user=citizen, text=text, language="de")


def test_consent_page_gives_and_revokes(logged_in, citizen):
    text = selectors.consent_text_current(key=KEY)
    page = logged_in.get("/konto/einwilligungen/").content.decode()
    assert text.title_de in page and f"/konto/einwilligungen/{text.pk}/erteilen/" in page

    assert logged_in.post(f"/konto/einwilligungen/{text.pk}/erteilen/").status_code == 302
    consent = selectors.consent_active(user=citizen, key=KEY)
    assert consent.language == "de"
    event = AuditEvent.objects.get(action="consent.give")
    assert event.ip_address == "192.0.2.10" and event.user_agent == "pytest-browser/1.0"

    page = logged_in.get("/konto/einwilligungen/").content.decode()
    assert f"/konto/einwilligungen/{KEY}/widerrufen/" in page
    assert logged_in.post(f"/konto/einwilligungen/{KEY}/widerrufen/").status_code == 302
    assert selectors.consent_active(user=citizen, key=KEY) is None
    assert logged_in.get(f"/konto/einwilligungen/{KEY}/widerrufen/").status_code == 405
