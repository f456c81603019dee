"""The citizen's online application through the Django test client: start, steps with
errors, proofs, check, declarations, fee (free and invoice), submission, confirmation,
'Mein Bereich' and the status page."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rathaus.applications.models import Attachment, Draft, Submission
from rathaus.applications.submissions import submission_create
from rathaus.cases.models import Case, DocumentRequest, StatusChange
from rathaus.catalog.models import Service
from rathaus.core.actors import Actor
from tests.applications.upload_samples import pdf
from tests.factories import (
    DraftFactory,
    FormDefinitionFactory,
    LocalServiceFactory,
    RequiredDocumentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _offer(**service):
    form = FormDefinitionFactory(service__fee_rule={"kind": "free"}, **service)
    return LocalServiceFactory(service=form.service)


def _start_url(offer):
    return reverse("apply:start", args=[offer.municipality.slug, offer.service.slug])


def _html(response):
    return response.content.decode()


@pytest.fixture
def citizen(client):
    user = UserFactory(last_name="Mustermann")
    client.force_login(user)
    return user


def test_free_application_from_start_to_confirmation(client, citizen, clamav, media_root):
    offer = _offer()
    RequiredDocumentFactory(service=offer.service, name_de="Impfpass")

    page = client.get(_start_url(offer))
    assert page.status_code == 200
    assert "Impfpass" in _html(page) and "application-start" in _html(page)
    response = client.post(_start_url(offer))
    draft = Draft.objects.get(applicant=citizen)
    step_person = reverse("apply:step", args=[draft.pk, "person"])
    assert response.url == step_person

    # Prefilled from the profile (the field asks for last_name).
    page = client.get(step_person)
    assert 'value="Mustermann"' in _html(page)

    # Invalid: the server refuses, the summary links to the field, the value is kept.
    page = client.post(step_person, {"/name": "E", "action": "next"})
    html = _html(page)
    assert page.status_code == 200
    assert 'href="#f-name"' in html
    assert 'id="f-name"' in html and 'value="E"' in html
    assert 'aria-invalid="true"' in html
    assert "person" not in Draft.objects.get(pk=draft.pk).completed_steps

    response = client.post(step_person, {"/name": "Erika Mustermann", "action": "next"})
    step_dogs = reverse("apply:step", args=[draft.pk, "dogs"])
    assert response.url == step_dogs
    page = client.post(step_dogs, {"/dogs": "zwei", "action": "next"})
    assert 'href="#f-dogs"' in _html(page) and 'value="zwei"' in _html(page)
    response = client.post(step_dogs, {"/dogs": "2", "action": "next"})
    documents = reverse("apply:documents", args=[draft.pk])
    assert response.url == documents
    assert Draft.objects.get(pk=draft.pk).data == {"name": "Erika Mustermann", "dogs": 2}

    # Proofs: continuing without the mandatory document is refused, then the upload.
    page = client.post(documents, {"action": "next"})
    assert "Impfpass" in _html(page) and 'href="#file-' in _html(page)
    document = offer.service.required_documents.get()
    upload = SimpleUploadedFile("impfpass.pdf", pdf(), content_type="application/pdf")
    response = client.post(documents, {"action": "next", f"file-{document.pk}": upload})
    assert response.url == reverse("apply:check", args=[draft.pk])
    attachment = Attachment.objects.get(draft=draft)
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert "impfpass.pdf" in _html(client.get(documents))

    check = _html(client.get(reverse("apply:check", args=[draft.pk])))
    assert "Erika Mustermann" in check and "impfpass.pdf" in check
    assert f"{step_dogs}?von=pruefen#f-dogs" in check

    declarations = reverse("apply:declarations", args=[draft.pk])
    page = client.post(declarations, {"declaration": ["truthful"]})
    assert 'href="#declaration-privacy"' in _html(page)
    response = client.post(declarations, {"declaration": ["truthful", "privacy"]})
    fee = reverse("apply:fee", args=[draft.pk])
    assert response.url == fee
    assert reverse("apply:submit", args=[draft.pk]) in _html(client.get(fee))

    response = client.post(reverse("apply:submit", args=[draft.pk]))
    submission = Submission.objects.get()
    assert response.url == reverse("apply:confirmation", args=[submission.pk])
    confirmation = _html(client.get(response.url))
    assert submission.reference in confirmation
    assert submission.attachments.get() == attachment

    # A second click: the same submission, nothing new.
    again = client.post(reverse("apply:submit", args=[draft.pk]))
    assert again.url == reverse("apply:confirmation", args=[submission.pk])
    assert Submission.objects.count() == 1


def test_paid_application_with_invoice(client, citizen):
    draft = DraftFactory(
        applicant=citizen, form__service__fee_rule={"kind": "fixed", "amount": 2500}
    )
    fee = reverse("apply:fee", args=[draft.pk])
    submit = reverse("apply:submit", args=[draft.pk])
    page = _html(client.get(fee))
    assert "25,00 €" in page
    assert submit not in page  # nothing paid or chosen yet
    # Submitting before paying goes back to the check page with the problem listed.
    refused = client.post(submit)
    assert refused.status_code == 200 and fee in _html(refused)
    assert not Submission.objects.exists()

    response = client.post(fee, {"provider": "invoice"})
    assert response.url == fee
    draft.refresh_from_db()
    assert draft.payment.provider == "invoice" and draft.payment.amount_cents == 2500
    assert submit in _html(client.get(fee))
    client.post(submit)
    submission = Submission.objects.get()
    assert submission.fee_cents == 2500 and submission.payment == draft.payment


def test_unknown_payment_method_is_refused(client, citizen):
    draft = DraftFactory(
        applicant=citizen, form__service__fee_rule={"kind": "fixed", "amount": 2500}
    )
    page = client.post(reverse("apply:fee", args=[draft.pk]), {"provider": "../evil"})
    assert page.status_code == 200 and 'href="#payment-provider"' in _html(page)
    draft.refresh_from_db()
    assert draft.payment is None


def test_handcrafted_post_cannot_smuggle_values_or_types(client, citizen):
    draft = DraftFactory(applicant=citizen, data={}, completed_steps=[])
    url = reverse("apply:step", args=[draft.pk, "dogs"])
    page = client.post(
        url, {"/dogs": "[1]", "/dogs/x": "y", "/extra": "z", "/name": "Other", "action": "next"}
    )
    assert page.status_code == 200 and 'href="#f-dogs"' in _html(page)
    draft.refresh_from_db()
    # Only the step's own field is stored (as the raw text, which validation refuses).
    assert draft.data == {"dogs": "[1]"}
    assert draft.completed_steps == []


def test_back_and_save_keep_the_values(client, citizen):
    draft = DraftFactory(applicant=citizen, data={}, completed_steps=[])
    url = reverse("apply:step", args=[draft.pk, "dogs"])
    back = client.post(url, {"/dogs": "9", "action": "back"})
    assert back.url == reverse("apply:step", args=[draft.pk, "person"])
    saved = client.post(url, {"/dogs": "3", "action": "save"})
    assert saved.url == reverse("apply:overview")
    draft.refresh_from_db()
    assert draft.data == {"dogs": 3}


def test_other_peoples_drafts_and_submissions_are_404(client, citizen):
    draft = DraftFactory()
    for name in ("check", "declarations", "fee", "documents", "delete"):
        assert client.get(reverse(f"apply:{name}", args=[draft.pk])).status_code == 404
    assert client.get(reverse("apply:step", args=[draft.pk, "person"])).status_code == 404
    assert client.post(reverse("apply:submit", args=[draft.pk])).status_code == 404
    other = DraftFactory()
    submission = submission_create(draft=other, actor=Actor.person(other.applicant))
    for name in ("confirmation", "detail", "receipt"):
        assert client.get(reverse(f"apply:{name}", args=[submission.pk])).status_code == 404
    assert not Submission.objects.filter(draft=draft).exists()


def test_login_required(client):
    draft = DraftFactory()
    response = client.get(reverse("apply:check", args=[draft.pk]))
    assert response.status_code == 302 and "/konto/" in response.url
    assert client.get(reverse("apply:overview")).status_code == 302


def test_trust_level_enforced_with_step_up(client, citizen):
    offer = _offer(service__min_trust_level="substantial")
    response = client.get(_start_url(offer))
    assert response.status_code == 302
    assert response.url.startswith(reverse("federation:step-up"))
    assert "level=substantial" in response.url
    assert client.post(_start_url(offer)).status_code == 302
    assert not Draft.objects.exists()
    # A draft continued in a session below the level is sent to step-up as well.
    draft = DraftFactory(applicant=citizen, form__service__min_trust_level="substantial")
    response = client.get(reverse("apply:check", args=[draft.pk]))
    assert response.url.startswith(reverse("federation:step-up"))


def test_start_page_of_a_service_without_online_form(client, citizen):
    offer = LocalServiceFactory(service__online_application=Service.OnlineApplication.INTERNAL)
    page = client.get(_start_url(offer))
    assert page.status_code == 200
    assert "application-start" not in _html(page)  # no "start" button
    client.post(_start_url(offer))
    assert not Draft.objects.exists()


def test_english_rendering(client, citizen):
    draft = DraftFactory(applicant=citizen)
    page = client.get(reverse("apply:step", args=[draft.pk, "dogs"]), HTTP_ACCEPT_LANGUAGE="en")
    html = _html(page)
    assert '<html lang="en">' in html
    assert ">Dogs<" in html and "Anzahl Hunde" not in html
    german = _html(client.get(reverse("apply:step", args=[draft.pk, "dogs"])))
    assert "Anzahl Hunde" in german


def test_overview_lists_drafts_and_submissions(client, citizen, django_assert_max_num_queries):
    open_drafts = [DraftFactory(applicant=citizen) for _ in range(3)]
    done = DraftFactory(applicant=citizen)
    submission = submission_create(draft=done, actor=Actor.person(citizen))
    DraftFactory()  # someone else's
    with django_assert_max_num_queries(12):
        page = client.get(reverse("apply:overview"))
    html = _html(page)
    for draft in open_drafts:
        assert reverse("apply:delete", args=[draft.pk]) in html
        assert draft.form.service.name_de in html
    assert submission.reference in html
    assert reverse("apply:detail", args=[submission.pk]) in html
    assert reverse("apply:delete", args=[done.pk]) not in html


def test_detail_shows_status_history_next_step_and_office(client, citizen):
    draft = DraftFactory(applicant=citizen)
    submission = submission_create(draft=draft, actor=Actor.person(citizen))
    StatusChange.objects.create(
        case=submission.case, status=Case.Status.IN_PROGRESS, note="Wir prüfen Ihre Angaben."
    )
    Case.objects.filter(pk=submission.case_id).update(status=Case.Status.IN_PROGRESS)
    html = _html(client.get(reverse("apply:detail", args=[submission.pk])))
    assert "Wir prüfen Ihre Angaben." in html
    assert submission.office.phone in html and submission.office.email in html
    assert "bearbeitet Ihren Antrag" in html  # next step for "in progress"
    assert reverse("apply:receipt", args=[submission.pk]) not in html  # not ready yet
    assert client.get(reverse("apply:receipt", args=[submission.pk])).status_code == 404


def test_document_request_upload_and_fulfil(client, citizen, clamav, media_root):
    draft = DraftFactory(applicant=citizen)
    submission = submission_create(draft=draft, actor=Actor.person(citizen))
    Case.objects.filter(pk=submission.case_id).update(status=Case.Status.QUERY)
    requested = DocumentRequest.objects.create(
        case=submission.case,
        message="Bitte Meldebescheinigung nachreichen.",
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    detail = reverse("apply:detail", args=[submission.pk])
    html = _html(client.get(detail))
    assert "Bitte Meldebescheinigung nachreichen." in html
    url = reverse("apply:document-request", args=[submission.pk, requested.pk])
    # Sending before uploading is refused with a message linked to the file input.
    page = client.post(url, {"action": "send"})
    assert f'href="#request-file-{requested.pk}"' in _html(page)
    upload = SimpleUploadedFile("meldung.pdf", pdf(), content_type="application/pdf")
    assert client.post(url, {"action": "upload", "file": upload}).url == detail
    assert requested.attachments.get().submission == submission
    assert client.post(url, {"action": "send"}).url == detail
    requested.refresh_from_db()
    assert requested.status == DocumentRequest.Status.FULFILLED
    assert client.post(url, {"action": "send"}).status_code == 404


def test_delete_draft(client, citizen):
    draft = DraftFactory(applicant=citizen)
    url = reverse("apply:delete", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).url == reverse("apply:overview")
    assert not Draft.objects.filter(pk=draft.pk).exists()


def test_a_paid_draft_cannot_be_deleted_and_the_page_says_why(client, citizen):
    from rathaus.payments.models import Payment

    paid = Payment.objects.create(
        provider="sandbox",
        status=Payment.Status.PAID,
        amount_cents=2500,
        description="Gebühr",
        reference="RH-TESTDELPAID1",
    )
    draft = DraftFactory(applicant=citizen, payment=paid)
    url = reverse("apply:delete", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "bereits bezahlt" in _html(page)
    assert 'kern-label">Antrag löschen</span></button>' not in _html(page)
    refused = client.post(url)  # a stale tab still offering the button
    assert refused.status_code == 409
    assert "Gebühr für diesen Antrag ist bereits bezahlt" in _html(refused)
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_service_page_and_service_start_lead_to_the_start_page(client, citizen):
    offer = _offer()
    municipality = offer.municipality
    municipality.has_portal = True
    municipality.save(update_fields=["has_portal"])
    page = client.get(
        reverse("portal:service-detail", args=[municipality.slug, offer.service.slug])
    )
    start = reverse("federation:service-start", args=[offer.service.slug])
    link = re.search(rf'href="({re.escape(start)}[^"]*)"', _html(page))
    assert link is not None
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.url == _start_url(offer)


def test_proxy_not_covering_the_service_gets_a_clear_page(client, citizen):
    from rathaus.organisations.models import Proxy

    principal = UserFactory(first_name="Paula", last_name="Prinzipal")
    proxy = Proxy.objects.create(
        principal_user=principal, agent=citizen, valid_from=timezone.localdate()
    )
    proxy.services.add(LocalServiceFactory().service)  # some other service only
    draft = DraftFactory(applicant=citizen, principal_user=principal, proxy=proxy)
    check = _html(client.get(reverse("apply:check", args=[draft.pk])))
    assert "Paula Prinzipal" in check  # whom the applicant acts for, on every page
    response = client.post(reverse("apply:submit", args=[draft.pk]))
    assert response.status_code == 403
    assert reverse("organisations:acting-as") in _html(response)
    assert not Submission.objects.exists()


def test_submitted_application_pages_need_the_trust_level_too(client, citizen):
    draft = DraftFactory(applicant=citizen, form__service__min_trust_level="substantial")
    submission = submission_create(draft=draft, actor=Actor.person(citizen))
    for url in (
        reverse("apply:detail", args=[submission.pk]),
        reverse("apply:receipt", args=[submission.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(
            reverse("federation:step-up")
        ), url
