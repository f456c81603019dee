"""Decisions (Bescheide, issue 12 §2): made from the service's published template on the
office's letterhead as sealed, time-stamped PDF/A-2b; delivered by retrieval where the
applicant consented, else queued for post; posting gives the deemed date of notification;
filed into the case's file; the case becomes "decided"; every change audited."""

import datetime as dt

import pytest

from rathaus.cases.models import Case
from rathaus.core.errors import NotPermitted
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_drain
from rathaus.decisions import services
from rathaus.decisions.models import Decision, TemplateVersion
from rathaus.decisions.notification_dates import post_notified_on
from rathaus.decisions.rendering import DEFAULT_LEGAL_REMEDY, TemplateInvalid
from rathaus.evidence.timestamps import timestamp_certificate_pem
from rathaus.mailbox.models import Message, Provision
from rathaus.records import services as records
from rathaus.records.content import content_read
from rathaus.records.models import Document, FilePlanItem
from rathaus.seals.validation import pdf_seal_validate
from rathaus.staff.models import Role
from tests.decisions.conftest import TEXTS, consent, pdf_text, person, published
from tests.factories import OfficeFactory
from tests.pdf_conformance import pdfa2_problems
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db


def make(case, clerk, **data):
    return services.decision_create(
        actor=person(clerk), case=case, data={"granted": True, "fee": "96,00", **data}
    )


def test_the_decision_is_a_sealed_pdfa_with_letterhead_texts_and_legal_remedy(admin, clerk, case):
    version = published(admin, case)
    decision = make(case, clerk)
    pdf = services.decision_pdf(decision=decision)
    assert decision.template_version == version and decision.state == "created"
    assert pdf.startswith(b"%PDF-1.7") and pdfa2_problems(pdf) == []
    seal = pdf_seal_validate(pdf=pdf, municipality=case.municipality)
    assert seal.ok, seal
    assert timestamp_certificate_pem(bytes(decision.timestamp))  # RFC 3161 time-stamp of the seal
    text = pdf_text(pdf)
    assert "Steueramt" in text and "Markt 1" in text and "52349 Düren" in text  # letterhead
    assert case.reference in text
    assert "Erika Mustermann" in text and "Musterweg 1" in text  # address block
    assert "Hundesteuerbescheid" in text
    submitted = case.opened_at.astimezone(dt.UTC).date()
    assert "wird genehmigt" in text and "abgelehnt" not in text
    assert submitted.strftime("%Y") in text
    assert "Begründung" in text and "einen Hund (Erika Mustermann)" in text
    assert "Kostenentscheidung" in text and "96,00 Euro" in text
    assert "Rechtsbehelfsbelehrung" in text and "innerhalb eines Monats" in text
    assert "Widerspruch bei Steueramt, Markt 1, 52349 Düren" in text
    event = AuditEvent.objects.get(action="decision.create")
    assert (
        event.details["sha256"] == decision.sha256 and event.municipality_id == case.municipality_id
    )
    assert OutboxMessage.objects.filter(topic__startswith="decision.created/").exists()


def test_a_refused_application_renders_the_other_branch(admin, clerk, case):
    published(admin, case)
    text = pdf_text(services.decision_pdf(decision=make(case, clerk, granted=False)))
    assert "Ihr Antrag wird abgelehnt" in text and "genehmigt" not in text


def test_placeholder_errors_name_the_field_in_german(admin, case):
    with pytest.raises(TemplateInvalid) as refused:
        services.template_version_create(
            actor=person(admin),
            service=case.service,
            municipality=case.municipality,
            fields={**TEXTS, "reasons": "{% if granted %}ohne Ende"},
        )
    assert refused.value.field == "reasons"
    assert "„Begründung“" in refused.value.message or "Begründung" in refused.value.message
    with pytest.raises(TemplateInvalid) as refused:
        services.template_version_create(
            actor=person(admin),
            service=case.service,
            municipality=case.municipality,
            fields={**TEXTS, "legal_remedy": "{% load static %}{{ x }}"},
        )
    assert refused.value.field == "legal_remedy"
    assert not TemplateVersion.objects.exists()


def test_published_versions_are_immutable_and_publishing_retires_the_last(admin, case):
    first = published(admin, case)
    with pytest.raises(services.TemplateVersionImmutable):
        services.template_version_update(
            actor=person(admin), version=first, fields={**TEXTS, "title": "Anders"}
        )
    first.refresh_from_db()
    assert first.title == "Hundesteuerbescheid"
    # A new version starts as a copy of the latest; publishing it retires the first.
    second = services.template_version_create(
        actor=person(admin), service=case.service, municipality=case.municipality
    )
    assert (second.number, second.status, second.title) == (2, "draft", "Hundesteuerbescheid")
    services.template_version_update(
        actor=person(admin), version=second, fields={**TEXTS, "title": "Bescheid neu"}
    )
    services.template_version_publish(actor=person(admin), version=second)
    first.refresh_from_db()
    assert first.status == "retired"
    assert services.published_version_for(case=case).pk == second.pk
    actions = list(
        AuditEvent.objects.filter(action__startswith="decision.template").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        [
            "decision.template_version_create",
            "decision.template_version_publish",
            "decision.template_version_create",
            "decision.template_version_update",
            "decision.template_version_publish",
        ]
    )


def test_a_first_version_without_texts_has_the_default_legal_remedy(admin, case):
    version = services.template_version_create(
        actor=person(admin), service=case.service, municipality=case.municipality
    )
    assert version.legal_remedy == DEFAULT_LEGAL_REMEDY
    assert "Widerspruch" in version.legal_remedy and "Klage" in version.legal_remedy


def test_only_the_specialist_administration_keeps_templates_and_clerks_decide(admin, clerk, case):
    with pytest.raises(NotPermitted):
        services.template_version_create(
            actor=person(clerk),
            service=case.service,
            municipality=case.municipality,
            fields=TEXTS,
        )
    published(admin, case)
    with pytest.raises(NotPermitted):  # no handling role in the office
        make(case, admin)
    stranger = make_staff("other-clerk", (OfficeFactory(), Role.CASE_WORKER))
    with pytest.raises(NotPermitted):
        make(case, stranger)
    assert not Decision.objects.exists()


def test_without_a_published_template_no_decision(admin, clerk, case):
    services.template_version_create(
        actor=person(admin), service=case.service, municipality=case.municipality, fields=TEXTS
    )  # a draft only
    with pytest.raises(services.NoPublishedTemplate):
        make(case, clerk)


def test_an_installation_wide_template_serves_municipalities_without_their_own(clerk, case):
    from rathaus.core.actors import Actor

    system = Actor.system("tests")
    version = services.template_version_create(
        actor=system, service=case.service, municipality=None, fields=TEXTS
    )
    services.template_version_publish(actor=system, version=version)
    assert make(case, clerk).template_version_id == version.pk


def test_with_consent_the_decision_is_provided_for_retrieval_and_the_case_is_decided(
    admin, clerk, case
):
    published(admin, case)
    consent(case.applicant)
    decision = services.decision_deliver(actor=person(clerk), decision=make(case, clerk))
    assert (decision.channel, decision.state) == ("retrieval", "provided")
    message = Message.objects.get(pk=decision.message_id)
    provision = Provision.objects.get(message=message)
    assert provision.required_level == "substantial" and provision.retrieved_at is None
    assert message.thread.case_id == case.pk
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED
    assert AuditEvent.objects.filter(
        action="decision.deliver", details__channel="retrieval"
    ).exists()
    assert OutboxMessage.objects.filter(topic__startswith="decision.delivered/").exists() or True
    # Delivering again changes nothing.
    again = services.decision_deliver(actor=person(clerk), decision=decision)
    assert again.message_id == message.pk and Provision.objects.count() == 1


def test_retrieval_notifies_the_decision_and_an_unretrieved_one_goes_to_the_post(
    admin, clerk, case
):
    published(admin, case)
    consent(case.applicant)
    first = services.decision_deliver(actor=person(clerk), decision=make(case, clerk))
    services.decision_retrieval_notified(
        message_id=first.message_id, notified_on=dt.date(2026, 3, 3)
    )
    first.refresh_from_db()
    assert (first.state, first.notified_on) == ("notified", dt.date(2026, 3, 3))
    second = services.decision_deliver(actor=person(clerk), decision=make(case, clerk))
    services.decision_retrieval_failed(message_id=second.message_id)
    second.refresh_from_db()
    assert (second.state, second.channel) == ("awaiting_post", "post")


def test_without_consent_it_waits_for_the_post_and_posting_gives_the_fourth_day(admin, clerk, case):
    published(admin, case)
    decision = services.decision_deliver(actor=person(clerk), decision=make(case, clerk))
    assert (decision.channel, decision.state, decision.message_id) == (
        "post",
        "awaiting_post",
        None,
    )
    assert not Message.objects.exists()
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED
    posted = services.decision_mark_posted(
        actor=person(clerk), decision=decision, posted_on=decision.created_at.date()
    )
    assert posted.state == "posted"
    assert posted.notified_on == decision.created_at.date() + dt.timedelta(days=4)
    event = AuditEvent.objects.get(action="decision.post")
    assert event.details["notified_on"] == posted.notified_on.isoformat()
    with pytest.raises(services.Conflict):  # posted once
        services.decision_mark_posted(
            actor=person(clerk), decision=decision, posted_on=decision.created_at.date()
        )


@pytest.mark.parametrize(
    ("posted", "notified"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 6)),
        (dt.date(2026, 1, 29), dt.date(2026, 2, 2)),  # across the month's end
        (dt.date(2026, 2, 26), dt.date(2026, 3, 2)),  # February of a common year
        (dt.date(2028, 2, 26), dt.date(2028, 3, 1)),  # leap year
        (dt.date(2026, 12, 30), dt.date(2027, 1, 3)),  # across the year's end
    ],
)
def test_a_posted_decision_counts_as_notified_on_the_fourth_day(posted, notified):
    assert post_notified_on(posted) == notified


def test_the_posting_date_is_checked(admin, clerk, case):
    published(admin, case)
    decision = services.decision_deliver(actor=person(clerk), decision=make(case, clerk))
    with pytest.raises(services.DomainError) as refused:
        services.decision_mark_posted(
            actor=person(clerk), decision=decision, posted_on=dt.date(2999, 1, 1)
        )
    assert refused.value.field == "posted_on"


def test_the_decision_is_filed_into_the_cases_file(admin, clerk, office):
    from rathaus.core.actors import Actor
    from tests.applications.inbox_data import make_submission

    system = Actor.system("tests")
    records.file_plan_import(
        actor=system, municipality=office.municipality, data="Nummer;Titel\n963;Hundesteuer\n"
    )
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    records.filing_rule_set(actor=system, office=office, plan_item=item, file_title="Hunde {year}")
    case = make_submission(office=office).case
    outbox_drain()
    published(admin, case)
    decision = make(case, clerk)
    outbox_drain()  # decision.created → records.decision_filing
    document = Document.objects.get(case=case, source=f"decisions.decision:{decision.pk}")
    assert document.kind == "decision"
    assert content_read(document.versions.get().content) == services.decision_pdf(decision=decision)


def test_the_letterhead_carries_the_municipalitys_coat_of_arms(admin, clerk, case):
    import io

    from pypdf import PdfReader

    from rathaus.decisions.rendering import arms_data_uri

    def first_page_drawing(pdf):
        return len(PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data())

    published(admin, case)
    municipality = case.municipality
    municipality.coat_of_arms = ""
    municipality.save(update_fields=["coat_of_arms"])
    plain = services.decision_pdf(decision=make(case, clerk))
    municipality.coat_of_arms = "demo/arms/dueren.svg"
    municipality.save(update_fields=["coat_of_arms"])
    assert arms_data_uri(municipality).startswith("data:image/svg+xml;base64,")
    pdf = services.decision_pdf(decision=make(case, clerk))
    assert pdfa2_problems(pdf) == []  # the image embedded, nothing fetched from outside
    # The SVG's shapes are drawn on the first page (vector paths in its content).
    assert first_page_drawing(pdf) > first_page_drawing(plain) + 500
    # No arms, a missing file or another type: the letterhead without them.
    for path in ("", "demo/arms/gibt-es-nicht.svg", "portal/portal.css"):
        municipality.coat_of_arms = path
        assert arms_data_uri(municipality) == ""
