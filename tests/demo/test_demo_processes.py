"""The demo processes (issue 12 §4): each of the six demo services runs from the demo
citizen's application (the form's example, through the real draft pipeline) to its end —
clerks of the responsible office complete their tasks, the decision is created, sealed and
delivered (by retrieval where the citizen consented, otherwise queued for post), and the
case's status follows. A second demo load publishes nothing new."""

import contextlib
import datetime as dt
import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.applications import services as application_services
from rathaus.applications.declarations import declarations_of
from rathaus.applications.models import Attachment
from rathaus.applications.selectors import submission_problems
from rathaus.catalog.models import LocalService
from rathaus.core.actors import Actor
from rathaus.core.outbox_runner import outbox_drain
from rathaus.demo.loader import demo_load
from rathaus.demo.processes import PROCESSES
from rathaus.organisations.selectors import Principal
from rathaus.staff.models import Role
from rathaus.workflow import instances
from rathaus.workflow.engine import clock
from rathaus.workflow.models import ModelVersion, ProcessInstance, WorkItem
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import UserFactory
from tests.staff.people import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_seal", "demo_data")]

FORMS = {
    "hund-anmelden": "hund_anmelden",
    "gewerbe-anmelden": "gewerbe_anmelden",
    "bewohnerparkausweis": "bewohnerparkausweis",
    "sondernutzungserlaubnis": "sondernutzungserlaubnis",
    "meldebescheinigung": "meldebescheinigung",
    "sperrmuell-anmelden": "sperrmuell_anmelden",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def apply(slug, *, changes=None, citizen=None):
    """The demo form's example submitted by `citizen` (a new one by default) in the first
    municipality that offers the service; the outbox drained (the process has started)."""
    example = importlib.import_module(f"rathaus.demo.data.forms.{FORMS[slug]}").EXAMPLE
    offers = LocalService.objects.filter(service__slug=slug)
    offer = offers.filter(municipality__slug="dueren").first() or offers.first()
    citizen = citizen or UserFactory()
    actor = Actor.person(citizen, level_of_assurance="substantial")
    draft = application_services.draft_start(offer=offer, principal=Principal(user=citizen))
    for step, values in example.items():
        values = {**values, **(changes or {}).get(step, {})}
        errors = application_services.draft_save_step(
            draft=draft, step=step, values=values, actor=actor
        )
        assert not errors, (slug, step, errors)
    for document in offer.service.required_documents.filter(electronic_accepted=True):
        upload = SimpleUploadedFile("nachweis.pdf", PDF, "application/pdf")
        attachment = application_services.attachment_add(
            upload=upload, actor=actor, draft=draft, required_document=document
        )
        Attachment.objects.filter(pk=attachment.pk).update(scan_status=Attachment.ScanStatus.CLEAN)
    draft.refresh_from_db()
    application_services.draft_accept_declarations(
        draft=draft, accepted={d.id for d in declarations_of(draft.form.ui)}, actor=actor
    )
    with contextlib.suppress(application_services.NothingToPay):
        application_services.draft_payment_start(
            draft=draft,
            provider="invoice",
            actor=actor,
            return_url="/",
            notify_url="http://127.0.0.1:8000/zahlung/",
        )
    draft.refresh_from_db()
    assert not submission_problems(draft=draft), submission_problems(draft=draft)
    submission = application_services.submission_create(draft=draft, actor=actor)
    outbox_drain()
    return submission


def clerks(case):
    office = case.office
    return {
        "clerk": make_staff(f"sb-{office.slug}", (office, Role.CASE_WORKER)),
        "colleague": make_staff(f"sb2-{office.slug}", (office, Role.CASE_WORKER)),
        "lead": make_staff(f"tl-{office.slug}", (office, Role.TEAM_LEAD)),
    }


def complete(person, case, data):
    item = WorkItem.objects.get(case=case, status=WorkItem.Status.OPEN)
    instances.work_item_complete(actor=Actor.person(person), item_id=item.pk, data=data)
    outbox_drain()
    return item


def instance_of(case):
    return ProcessInstance.objects.get(case=case)


def test_every_demo_service_has_a_published_runnable_process(demo_data):
    published = ModelVersion.objects.filter(
        status=ModelVersion.Status.PUBLISHED, process_model__municipality__isnull=True
    )
    assert {v.process_model.service.slug for v in published} == set(PROCESSES)
    assert not [w for w in demo_data.warnings if w.startswith("demo process")]
    again = demo_load()
    assert not again.created.get("process_version")
    assert ModelVersion.objects.count() == len(PROCESSES)


def test_meldebescheinigung_runs_without_anyone():
    case = apply("meldebescheinigung").case
    case.refresh_from_db()
    assert instance_of(case).status == "completed"
    assert case.status == "closed"
    assert not WorkItem.objects.filter(case=case).exists()


def test_sperrmuell_gets_a_date_a_confirmation_and_closes_after_the_day(
    monkeypatch,
):
    from rathaus.mailbox.models import Message
    from rathaus.mailbox.selectors import body_open

    moment = {"at": dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)}
    monkeypatch.setattr(clock, "now", lambda: moment["at"])
    case = apply("sperrmuell-anmelden").case
    people = clerks(case)
    item = WorkItem.objects.get(case=case, status=WorkItem.Status.OPEN)
    assert item.name == "Abholtermin festlegen" and item.form == "termin"
    complete(people["clerk"], case, {"termin": "2027-01-15", "hinweise": "Bitte an die Straße."})
    message = Message.objects.get(origin__startswith=f"workflow:{instance_of(case).pk}:")
    assert body_open(message) == (
        "Ihr Sperrmüll wird am 15.1.2027 ab 6 Uhr abgeholt. Bitte an die Straße."
    )
    case.refresh_from_db()
    assert case.status == "decided" and instance_of(case).status == "running"
    moment["at"] = dt.datetime(2027, 1, 15, 17, 1, tzinfo=dt.UTC)  # 18:01 in Düren
    assert instances.instances_wake() == 1
    case.refresh_from_db()
    assert case.status == "closed" and instance_of(case).status == "completed"


def decision_of(case):
    from rathaus.decisions.models import Decision

    return Decision.objects.get(case=case)


def test_hund_anmelden_assesses_the_tax_by_the_table_and_delivers_by_retrieval():
    from rathaus.decisions.services import decision_pdf
    from tests.decisions.conftest import consent, pdf_text

    submission = apply("hund-anmelden")  # two dogs, no exemption
    case = submission.case
    consent(case.applicant)
    people = clerks(case)
    item = complete(people["clerk"], case, {})
    assert item.name == "Anmeldung prüfen"
    decision = decision_of(case)
    assert decision.channel == "retrieval" and decision.message is not None
    text = pdf_text(decision_pdf(decision=decision))
    assert "Bescheid über die Festsetzung der Hundesteuer" in text
    assert "auf jährlich 240,00 Euro festgesetzt" in text and case.reference in text
    case.refresh_from_db()
    assert case.status == "decided" and instance_of(case).status == "completed"


def test_gewerbe_anmelden_is_handed_over_and_its_receipt_goes_by_post_without_consent():
    case = apply("gewerbe-anmelden").case
    complete(clerks(case)["clerk"], case, {})
    decision = decision_of(case)
    assert decision.channel == "post" and decision.state == "awaiting_post"
    assert decision.title.startswith("Empfangsbescheinigung über die Gewerbeanzeige")
    assert instance_of(case).status == "completed"
    assert "Activity_Weitergeben" in instance_of(case).completed_elements


def test_bewohnerparkausweis_done_when():
    """Issue 12 "Done when": the demo citizen applies for a Bewohnerparkausweis, the demo
    clerk finds the task in the worklist and decides, the second demo clerk co-signs, the
    sealed decision arrives in the citizen's Postfach and is retrieved, and the case's file
    in the E-Akte holds the application, the decision and the receipts."""
    from rathaus.accounts.models import User
    from rathaus.decisions.services import decision_pdf
    from rathaus.demo.accounts import CITIZEN_EMAIL, TRAFFIC_CLERKS
    from rathaus.mailbox import services as mailbox_services
    from rathaus.mailbox.models import Provision
    from rathaus.records.models import CaseFiling, Document
    from rathaus.seals.validation import pdf_seal_validate
    from rathaus.workflow import selectors as workflow_selectors
    from tests.decisions.conftest import pdf_text

    citizen = User.objects.get(email=CITIZEN_EMAIL)
    case = apply("bewohnerparkausweis", citizen=citizen).case
    first, second = (User.objects.get(email=email) for email, _p, _n in TRAFFIC_CLERKS)
    # The clerk finds the task in the worklist (the queue of the Straßenverkehrsamt).
    queue = workflow_selectors.worklist(user=first, view="unassigned")
    item = queue.get(case=case)
    assert item.name == "Antrag prüfen und entscheiden" and item.form == "entscheidung"
    instances.work_item_claim(actor=Actor.person(first), item_id=item.pk)
    complete(first, case, {"approved": True, "note": "Hauptwohnung in Zone C."})
    sign = workflow_selectors.worklist(user=second, view="unassigned").get(case=case)
    assert sign.name == "Mitzeichnen"
    with pytest.raises(Exception, match="zweite Person"):  # never the one who decided
        instances.work_item_complete(actor=Actor.person(first), item_id=sign.pk, data={})
    complete(second, case, {})
    decision = decision_of(case)
    assert decision.title == "Bewohnerparkausweis" and decision.channel == "retrieval"
    pdf = decision_pdf(decision=decision)
    assert "Ihnen wird ein Bewohnerparkausweis" in pdf_text(pdf)
    assert pdf_seal_validate(pdf=pdf, municipality=case.municipality).ok
    # In the citizen's Postfach, retrieved at the level the act needs.
    thread = decision.message.thread
    box = mailbox_services.mailbox_of_user(user=citizen)
    reader = Actor.person(citizen, level_of_assurance="substantial")
    assert len(mailbox_services.thread_open(actor=reader, thread=thread, mailbox=box)) == 1
    assert Provision.objects.get(message=decision.message).retrieved_at is not None
    outbox_drain()
    decision.refresh_from_db()
    assert decision.state == "notified" and decision.notified_on is not None
    # The E-Akte: the case's file holds the application, the decision and the receipts.
    filing = CaseFiling.objects.select_related("file").get(case=case)
    assert filing.file.title.startswith("Bewohnerparken ")
    sources = {d.source.split(":")[0] for d in Document.objects.filter(case=case)}
    assert {
        "applications.submission",
        "applications.receipt",
        "decisions.decision",
        "mailbox.message",
    } <= sources, sources
    assert instance_of(case).status == "completed"


def test_bewohnerparkausweis_without_a_right_is_refused_with_the_tables_reason():
    from rathaus.decisions.services import decision_pdf
    from tests.decisions.conftest import pdf_text

    case = apply("bewohnerparkausweis", changes={"antragsteller": {"/residence": "secondary"}}).case
    people = clerks(case)
    complete(people["clerk"], case, {"approved": False})
    complete(people["colleague"], case, {})
    decision = decision_of(case)
    assert decision.title == "Ablehnung eines Bewohnerparkausweises"
    assert "mit Hauptwohnung gemeldet sind" in pdf_text(decision_pdf(decision=decision))


def test_sondernutzung_needs_a_second_person_and_asks_for_the_fee():
    from rathaus.core.errors import NotPermitted
    from rathaus.decisions.services import decision_pdf
    from rathaus.payments.models import PaymentRequest
    from tests.decisions.conftest import pdf_text

    case = apply("sondernutzungserlaubnis").case
    people = clerks(case)
    complete(people["clerk"], case, {"amount": 120.5})
    sign = WorkItem.objects.get(case=case, status=WorkItem.Status.OPEN)
    assert sign.name == "Mitzeichnen"
    with pytest.raises(NotPermitted):  # never the author
        instances.work_item_complete(actor=Actor.person(people["clerk"]), item_id=sign.pk, data={})
    complete(people["colleague"], case, {})
    text = pdf_text(decision_pdf(decision=decision_of(case)))
    assert "Gebühr von 120,50 Euro festgesetzt" in text
    request = PaymentRequest.objects.get(case=case)
    assert request.amount_cents == 12050
    assert instance_of(case).status == "completed"
