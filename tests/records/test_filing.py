"""Cases file themselves (issue 11 §1): an opened case goes by its office's filing rule (for
its service, else the office's default) into the open file of the year, created the first
time; without a rule it stays unfiled; once per case; the rules kept by the registry."""

import pytest

from rathaus.applications.services import submission_create
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError, NotPermitted
from rathaus.core.models import AuditEvent, OutboxMessage
from rathaus.core.outbox_runner import outbox_process
from rathaus.records import services
from rathaus.records.models import CaseFiling, FilePlanItem, RecordFile
from rathaus.staff.models import Role
from tests.applications.inbox_data import make_submission
from tests.factories import DraftFactory, OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = "Nummer;Titel\n963;Hundesteuer\n000;Allgemeines\n"


@pytest.fixture
def office():
    office = OfficeFactory(slug="steueramt")
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    return office


def item(office, number):
    return FilePlanItem.objects.get(municipality=office.municipality, number=number)


def test_opened_cases_file_themselves_into_the_years_file(
    office, django_capture_on_commit_callbacks
):
    first = make_submission(office=office)
    services.filing_rule_set(
        actor=SYSTEM,
        office=office,
        service=first.case.service,
        plan_item=item(office, "963"),
        file_title="Hundesteuer {year}",
    )
    services.filing_rule_set(
        actor=SYSTEM, office=office, plan_item=item(office, "000"), file_title="Eingänge {year}"
    )
    # The subscriber runs from the outbox, after the submission's commit.
    [message] = OutboxMessage.objects.filter(topic="case.opened/records.case_filing")
    outbox_process(message_id=message.pk)
    year = first.case.opened_at.year
    filing = CaseFiling.objects.get(case=first.case)
    assert (filing.file.title, filing.file.year, filing.file.plan_item.number) == (
        f"Hundesteuer {year}",
        year,
        "963",
    )
    assert filing.file.file_reference == f"STEUERAMT-963/{year}/1"
    draft = DraftFactory(form=first.form, offer=first.draft.offer)
    second = submission_create(draft=draft, actor=Actor.person(draft.applicant))
    services.case_file_by_rule(case_id=second.case.pk)
    assert CaseFiling.objects.get(case=second.case).file == filing.file  # the same year's file
    other_service = make_submission(office=office)
    services.case_file_by_rule(case_id=other_service.case.pk)
    assert CaseFiling.objects.get(case=other_service.case).file.title == f"Eingänge {year}"
    assert RecordFile.objects.count() == 2
    assert services.case_file_by_rule(case_id=first.case.pk) == filing  # once per case
    assert AuditEvent.objects.filter(action="records.case_file").count() == 3


def test_a_closed_years_file_gets_a_successor(office):
    first = make_submission(office=office)
    services.filing_rule_set(
        actor=SYSTEM, office=office, plan_item=item(office, "963"), file_title="Hunde {year}"
    )
    record = services.case_file_by_rule(case_id=first.case.pk).file
    services.file_close(actor=SYSTEM, record=record, reason="Jahresabschluss")
    second = make_submission(office=office)
    successor = services.case_file_by_rule(case_id=second.case.pk).file
    assert successor != record and successor.title == record.title
    assert successor.file_reference.endswith("/2")


def test_without_a_rule_the_case_stays_unfiled(office):
    submission = make_submission(office=office)
    assert services.case_file_by_rule(case_id=submission.case.pk) is None
    assert not CaseFiling.objects.exists()


def test_rules_are_checked_and_kept_by_the_registry(office):
    clerk = make_staff("sachbearbeitung", (office, Role.CASE_WORKER))
    registry = make_staff("registratur", (office, Role.REGISTRY))
    with pytest.raises(NotPermitted):
        services.filing_rule_set(
            actor=Actor.person(clerk), office=office, plan_item=item(office, "963"), file_title="X"
        )
    for title in ("Hunde {jahr}", "Hunde {", " "):
        with pytest.raises(DomainError, match="year"):
            services.filing_rule_set(
                actor=Actor.person(registry),
                office=office,
                plan_item=item(office, "963"),
                file_title=title,
            )
    foreign = OfficeFactory()
    services.file_plan_import(actor=SYSTEM, municipality=foreign.municipality, data=PLAN)
    with pytest.raises(DomainError):
        services.filing_rule_set(
            actor=SYSTEM, office=office, plan_item=item(foreign, "963"), file_title="X"
        )
    services.filing_rule_set(
        actor=Actor.person(registry),
        office=office,
        plan_item=item(office, "963"),
        file_title="Hunde {year}",
    )
    services.filing_rule_set(  # unchanged: not audited again
        actor=Actor.person(registry),
        office=office,
        plan_item=item(office, "963"),
        file_title="Hunde {year}",
    )
    assert AuditEvent.objects.filter(action="records.filing_rule_set").count() == 1
