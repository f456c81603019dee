import threading

import pytest
from django.db import close_old_connections, connection

from rathaus.applications.models import Attachment, Submission
from rathaus.applications.submissions import (
    SubmissionIncomplete,
    submission_create,
    submission_problems,
)
from rathaus.cases.models import Case
from rathaus.core.actors import Actor
from rathaus.core.events import subscriptions
from rathaus.core.models import AuditEvent, OutboxMessage
from tests.factories import DraftFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db


def test_complete_draft_becomes_one_submission_with_reference_and_outbox():
    draft = DraftFactory()
    submission = submission_create(draft=draft, actor=Actor.person(draft.applicant))
    assert submission.reference.endswith("-000001")
    assert submission.data == {"name": "Erika Mustermann", "dogs": 1}
    assert submission.schema_version == draft.form.version
    assert submission.office == draft.offer.responsible_office
    assert submission.case.status == Case.Status.SUBMITTED
    assert list(submission.case.status_changes.values_list("status", flat=True)) == ["submitted"]
    assert AuditEvent.objects.filter(
        action="submission.create", object_id=str(submission.pk)
    ).exists()
    # The follow-up work subscribes to `submission.created`: one message per subscriber.
    follow_ups = {
        topic.removeprefix("submission.created/applications.")
        for topic in OutboxMessage.objects.values_list("topic", flat=True)
        if topic.startswith("submission.created/applications.")
    }
    assert follow_ups == {"receipt", "notify", "handover"}
    # The same draft again (second click): the same submission, nothing new.
    messages = OutboxMessage.objects.count()
    assert submission_create(draft=draft, actor=Actor.person(draft.applicant)) == submission
    assert Submission.objects.count() == 1
    assert OutboxMessage.objects.count() == messages


def test_reference_numbers_count_per_municipality():
    first = DraftFactory()
    a = submission_create(draft=first, actor=Actor.person(first.applicant))
    other = DraftFactory()
    b = submission_create(draft=other, actor=Actor.person(other.applicant))
    assert a.reference.endswith("-000001") and b.reference.endswith("-000001")
    assert a.municipality != b.municipality


def test_incomplete_draft_is_refused_with_every_problem():
    draft = DraftFactory(data={"name": "E"}, declarations={})
    RequiredDocumentFactory(service=draft.offer.service, name_de="Nachweis")
    problems = submission_problems(draft=draft)
    assert {p for p, _ in problems.form_errors} == {"/name", "/dogs"}
    assert [d.name_de for d in problems.missing_documents] == ["Nachweis"]
    assert problems.missing_declarations == ["truthful", "privacy"]
    with pytest.raises(SubmissionIncomplete):
        submission_create(draft=draft, actor=Actor.person(draft.applicant))
    assert not Submission.objects.exists()


def test_fee_needs_payment_before_submission():
    draft = DraftFactory(form__service__fee_rule={"kind": "fixed", "amount": 2500})
    assert submission_problems(draft=draft).payment_needed


def test_someone_else_cannot_submit_a_draft():
    draft = DraftFactory()
    other = DraftFactory().applicant
    with pytest.raises(Exception, match="anderen Person"):
        submission_create(draft=draft, actor=Actor.person(other))


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_draft_yield_exactly_one_submission():
    draft = DraftFactory()
    results, errors = [], []
    barrier = threading.Barrier(4)

    def submit():
        try:
            barrier.wait()
            results.append(submission_create(draft=draft, actor=Actor.person(draft.applicant)).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Submission.objects.count() == 1
    # One submission's follow-ups: a message per subscriber of its events (and of the
    # receipt's, issued by one of them).
    one_submission = sum(
        len(subscriptions.get(name, []))
        for name in ("submission.created", "case.opened", "submission.receipt_issued")
    )
    assert OutboxMessage.objects.count() == one_submission >= 3
    assert Attachment.objects.count() == 0
