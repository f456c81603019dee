"""The decision pages under /intern/bescheide/: the Fachadministration edits a draft,
previews it as PDF and publishes it; clerks see the post queue of their offices only,
download the print-ready PDF and mark it posted."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from django.utils import timezone

from rathaus.core.models import AuditEvent
from rathaus.decisions import services
from rathaus.decisions.models import TemplateVersion
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.decisions.conftest import TEXTS, applicant_address_set, pdf_text, person, published
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keys_and_media(settings, media_root, demo_seal):  # noqa: F811
    settings.RATHAUS_CONFIG_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def office():
    return OfficeFactory(name="Steueramt", street="Markt 1", postcode="52349", city="Düren")


@pytest.fixture
def admin(office):
    return make_staff("fach-pages", (office, Role.SPECIALIST_ADMIN))


@pytest.fixture
def clerk(office):
    return make_staff("clerk-pages", (office, Role.CASE_WORKER))


@pytest.fixture
def case(office):
    return applicant_address_set(make_submission(office=office).case)


def login(client, user):
    login_with_mfa(client, user)
    return client


@pytest.fixture
def draft(admin, case):
    return services.template_version_create(
        actor=person(admin), service=case.service, municipality=case.municipality, fields=TEXTS
    )


def test_the_specialist_administration_edits_previews_and_publishes_a_draft(client, admin, draft):
    login(client, admin)
    page = client.get(reverse("backoffice:decision-templates", args=[draft.template.service_id]))
    assert page.status_code == 200 and "Hundesteuerbescheid" in page.content.decode()
    url = reverse("backoffice:decision-version", args=[draft.pk])
    bad = client.post(url, {**TEXTS, "reasons": "{% if x %}"})
    assert bad.status_code == 400 and "Begründung" in bad.content.decode()
    saved = client.post(url, {**TEXTS, "title": "Bescheid über die Hundesteuer"})
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Bescheid über die Hundesteuer"
    preview = client.get(reverse("backoffice:decision-version-preview", args=[draft.pk]))
    assert preview["Content-Type"] == "application/pdf"
    text = pdf_text(preview.content)
    assert "Vorschau mit Beispieldaten" in text and "Erika Mustermann" in text
    assert "Bescheid über die Hundesteuer" in text
    client.post(reverse("backoffice:decision-version-publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == TemplateVersion.Status.PUBLISHED
    # Published: shown, no longer editable.
    again = client.post(url, {**TEXTS, "title": "Anders"})
    draft.refresh_from_db()
    assert draft.title == "Bescheid über die Hundesteuer" and again.status_code in (302, 400, 409)


def test_clerks_and_other_municipalities_do_not_see_templates(client, clerk, draft):
    login(client, clerk)
    url = reverse("backoffice:decision-version", args=[draft.pk])
    assert client.get(url).status_code == 404
    other = make_staff("fach-anders", (OfficeFactory(), Role.SPECIALIST_ADMIN))
    login(client, other)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("backoffice:decision-version-preview", args=[draft.pk])).status_code
        == 404
    )


def test_the_post_queue_shows_the_offices_decisions_and_marks_them_posted(
    client, admin, clerk, case
):
    published(admin, case)
    decision = services.decision_deliver(
        actor=person(clerk),
        decision=services.decision_create(actor=person(clerk), case=case, data={"granted": True}),
    )
    login(client, clerk)
    page = client.get(reverse("backoffice:decision-post-queue"))
    assert page.status_code == 200 and case.reference in page.content.decode()
    assert 'aria-current="page">Postausgang</a>' in page.content.decode()  # in the navigation
    # The application's page lists the case's decisions with their PDF.
    detail = client.get(
        reverse("backoffice:submission-detail", args=[case.submission.pk])
    ).content.decode()
    assert reverse("backoffice:decision-pdf", args=[decision.pk]) in detail
    assert "Bescheide" in detail and "per Post, wartet auf Postversand" in detail
    pdf = client.get(reverse("backoffice:decision-pdf", args=[decision.pk]))
    assert pdf.status_code == 200 and pdf.content == services.decision_pdf(decision=decision)
    today = timezone.localdate()
    done = client.post(
        reverse("backoffice:decision-posted", args=[decision.pk]), {"posted_on": today.isoformat()}
    )
    assert done.status_code == 302
    decision.refresh_from_db()
    assert decision.state == "posted" and decision.notified_on == today + dt.timedelta(days=4)
    assert AuditEvent.objects.filter(action="decision.post").exists()
    after = client.get(reverse("backoffice:decision-post-queue")).content.decode()
    assert "ist zur Post gegeben" in after  # the success message …
    assert "Kein Bescheid wartet auf den Postversand." in after  # … and an empty queue


def test_another_offices_clerk_gets_404(client, admin, clerk, case):
    published(admin, case)
    decision = services.decision_deliver(
        actor=person(clerk),
        decision=services.decision_create(actor=person(clerk), case=case, data={}),
    )
    stranger = make_staff("clerk-anders", (OfficeFactory(), Role.CASE_WORKER))
    login(client, stranger)
    assert (
        case.reference not in client.get(reverse("backoffice:decision-post-queue")).content.decode()
    )
    assert client.get(reverse("backoffice:decision-pdf", args=[decision.pk])).status_code == 404
    posted = client.post(
        reverse("backoffice:decision-posted", args=[decision.pk]),
        {"posted_on": timezone.localdate().isoformat()},
    )
    assert posted.status_code == 404
