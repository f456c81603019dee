"""What a citizen meets around the form steps: the municipality's branding, the privacy notice
behind the privacy declaration, buttons that say what they do, the applicant's "what to do
now", the receipt that is still being made, and Back to a draft that has been sent."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from rathaus.applications.models import Submission
from rathaus.applications.submissions import submission_create
from rathaus.cases.models import Case
from rathaus.cases.services import case_status_change, document_request_create
from rathaus.core.actors import Actor, actor_of
from rathaus.staff.models import Role
from tests.factories import DraftFactory, UserFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client):
    user = UserFactory(last_name="Mustermann")
    client.force_login(user)
    return user


def html_of(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200, url
    return response.content.decode()


def submitted(draft) -> Submission:
    return submission_create(draft=draft, actor=Actor.person(draft.applicant))


def test_application_pages_keep_the_municipalitys_branding(client, citizen):
    draft = DraftFactory(applicant=citizen, offer__municipality__name="Stadt Wappenhausen")
    municipality = draft.offer.municipality
    for url in (
        reverse("apply:step", args=[draft.pk, "person"]),
        reverse("apply:check", args=[draft.pk]),
        reverse("apply:declarations", args=[draft.pk]),
        reverse("apply:fee", args=[draft.pk]),
    ):
        html = html_of(client, url)
        brand = re.search(r'<a class="brand" href="([^"]+)">(.*?)</a>', html, re.S)
        assert brand.group(1) == reverse("portal:start", args=[municipality.slug]), url
        assert "Stadt Wappenhausen" in brand.group(2), url
        assert reverse("portal:privacy", args=[municipality.slug]) in html  # its footer
    submission = submitted(draft)
    for url in (
        reverse("apply:confirmation", args=[submission.pk]),
        reverse("apply:detail", args=[submission.pk]),
    ):
        assert reverse("portal:start", args=[municipality.slug]) in html_of(client, url)


def test_overview_without_a_municipality_keeps_the_installation_brand(client, citizen):
    html = html_of(client, reverse("apply:overview"))
    assert '<span class="brand__name">rathaus</span>' in html


def test_privacy_declaration_links_to_the_privacy_notice(client, citizen):
    draft = DraftFactory(applicant=citizen, declarations={})
    html = html_of(client, reverse("apply:declarations", args=[draft.pk]))
    privacy = reverse("portal:privacy", args=[draft.offer.municipality.slug])
    checkbox = re.search(r'<input[^>]*value="privacy"[^>]*>', html).group(0)
    hint_id = re.search(r'aria-describedby="([^"]+)"', checkbox).group(1)
    hint = re.search(rf'<p class="kern-hint" id="{hint_id}">(.*?)</p>', html, re.S).group(1)
    assert f'href="{privacy}"' in hint and "Datenschutzhinweise" in hint
    # Only that declaration gets the link.
    truthful = re.search(r'<input[^>]*value="truthful"[^>]*>', html).group(0)
    assert "aria-describedby" not in truthful


def test_payment_button_says_what_it_does(client, citizen):
    draft = DraftFactory(
        applicant=citizen, form__service__fee_rule={"kind": "fixed", "amount": 2500}
    )
    html = html_of(client, reverse("apply:fee", args=[draft.pk])).split('id="main"', 1)[1]
    buttons = re.findall(r'<button type="submit"[^>]*><span class="kern-label">([^<]+)<', html)
    assert buttons == ["Mit der gewählten Zahlungsart fortfahren"]
    assert "Bezahlen" not in buttons
    # Paying later is explained where it is chosen.
    radio = re.search(r'<input[^>]*value="invoice"[^>]*>', html).group(0)
    assert 'aria-describedby="provider-invoice-hint"' in radio
    assert "schickt Ihnen die Behörde eine Rechnung" in html


def test_open_document_request_is_what_the_applicant_has_to_do(client, citizen):
    submission = submitted(DraftFactory(applicant=citizen))
    clerk = make_staff("clerk-next", (submission.office, Role.CASE_WORKER))
    deadline = timezone.localdate() + dt.timedelta(days=10)
    document_request_create(
        case=submission.case, message="Bitte Impfpass", deadline=deadline, actor=actor_of(clerk)
    )
    # The clerk moves the status on while the request is still open.
    case_status_change(
        case=submission.case, status=Case.Status.IN_PROGRESS, note="", actor=actor_of(clerk)
    )
    detail = html_of(client, reverse("apply:detail", args=[submission.pk]))
    next_step = re.search(r'<p class="kern-body next-step">(.*?)</p>', detail, re.S).group(1)
    assert "nichts tun" not in next_step
    assert "weitere Unterlagen" in next_step and deadline.strftime("%Y") in next_step
    overview = html_of(client, reverse("apply:overview"))
    assert "weitere Unterlagen" in overview and "Sie müssen nichts tun" not in overview


def test_without_open_requests_the_status_text_stays(client, citizen):
    submission = submitted(DraftFactory(applicant=citizen))
    clerk = make_staff("clerk-idle", (submission.office, Role.CASE_WORKER))
    case_status_change(
        case=submission.case, status=Case.Status.IN_PROGRESS, note="", actor=actor_of(clerk)
    )
    detail = html_of(client, reverse("apply:detail", args=[submission.pk]))
    assert "Sie müssen nichts tun" in detail


def test_receipt_being_made_offers_a_refresh_and_polls_until_it_is_there(client, citizen):
    submission = submitted(DraftFactory(applicant=citizen))
    Submission.objects.filter(pk=submission.pk).update(receipt="")
    for url in (
        reverse("apply:confirmation", args=[submission.pk]),
        reverse("apply:detail", args=[submission.pk]),
    ):
        html = html_of(client, url)
        region = re.search(r'<div id="receipt-status" aria-live="polite">(.*?)\n</div>', html, re.S)
        assert region, url
        assert f'<a class="kern-link" href="{url}">Seite aktualisieren</a>' in region.group(1)
        assert f'hx-get="{url}"' in region.group(1) and 'hx-trigger="every 5s"' in region.group(1)
        assert 'http-equiv="refresh"' not in html  # no reload the reader cannot stop

    submission.receipt.save("r.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    html = html_of(client, reverse("apply:confirmation", args=[submission.pk]))
    assert reverse("apply:receipt", args=[submission.pk]) in html
    assert "hx-trigger" not in html  # the polling ends with the receipt


def test_back_to_a_step_of_a_sent_draft_says_where_it_went(client, citizen):
    draft = DraftFactory(applicant=citizen)
    submission = submitted(draft)
    for url in (
        reverse("apply:step", args=[draft.pk, "person"]),
        reverse("apply:check", args=[draft.pk]),
        reverse("apply:declarations", args=[draft.pk]),
        reverse("apply:fee", args=[draft.pk]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 409, url
        html = response.content.decode()
        assert "Antrag bereits abgeschickt" in html
        assert submission.reference in html
        assert f'href="{reverse("apply:detail", args=[submission.pk])}"' in html
    # Sending the step's form again changes nothing.
    response = client.post(
        reverse("apply:step", args=[draft.pk, "person"]), {"/name": "Anders", "action": "next"}
    )
    assert response.status_code == 409
    submission.refresh_from_db()
    assert submission.data["name"] == "Erika Mustermann"


def test_someone_elses_draft_is_still_not_found(client, citizen):
    other = DraftFactory(applicant=UserFactory())
    submitted(other)
    response = client.get(reverse("apply:step", args=[other.pk, "person"]))
    assert response.status_code == 404
