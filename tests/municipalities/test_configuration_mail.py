"""E-mails about a municipality's applications go out from its configured sender (own
profile, else its IT service provider's), else from DEFAULT_FROM_EMAIL."""

import pytest
from django.core import mail

from rathaus.applications.expiry import draft_reminder_send
from rathaus.applications.notifications import submission_notify
from tests.applications.inbox_data import make_submission
from tests.factories import DraftFactory, MunicipalityFactory, OfficeFactory
from tests.municipalities.configuration_data import own_profile, provider_profile, serve

pytestmark = pytest.mark.django_db

INSTALLATION = "rathaus <noreply@installation.example>"
DUEREN = "Stadt Düren <buergerservice@dueren.example>"


@pytest.fixture(autouse=True)
def _settings(settings, config_key):
    settings.DEFAULT_FROM_EMAIL = INSTALLATION
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def notify(municipality) -> mail.EmailMessage:
    submission = make_submission(office=OfficeFactory(municipality=municipality))
    mail.outbox.clear()
    assert submission_notify(submission_id=submission.pk) is True
    (sent,) = mail.outbox
    return sent


def test_a_dueren_notification_goes_out_from_duerens_sender():
    dueren = MunicipalityFactory(name="Düren")
    own_profile(dueren, mail_from=DUEREN, mail_reply_to="poststelle@dueren.example")
    sent = notify(dueren)
    assert sent.from_email == DUEREN
    assert sent.reply_to == ["poststelle@dueren.example"]


def test_without_a_profile_the_installation_sender_is_used():
    sent = notify(MunicipalityFactory())
    assert sent.from_email == INSTALLATION
    assert sent.reply_to == []


def test_a_municipality_served_by_an_it_service_provider_uses_its_sender():
    served = MunicipalityFactory()
    serve(served, provider_profile(mail_from="KRZ <noreply@krz.example>"))
    assert notify(served).from_email == "KRZ <noreply@krz.example>"


def test_the_draft_reminder_goes_out_from_the_offering_municipalitys_sender():
    dueren = MunicipalityFactory(name="Düren")
    own_profile(dueren, mail_from=DUEREN)
    for draft, expected in (
        (DraftFactory(offer__municipality=dueren), DUEREN),
        (DraftFactory(), INSTALLATION),
    ):
        mail.outbox.clear()
        draft_reminder_send({"draft": str(draft.pk), "expires_at": draft.expires_at.isoformat()})
        (sent,) = mail.outbox
        assert sent.from_email == expected
        assert sent.to == [draft.applicant.email]
