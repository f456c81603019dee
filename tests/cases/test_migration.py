"""The migrations that move the lifecycle from applications to cases keep every row: back to
the state before cases (status on the submission, history and requests in applications) and
forward again, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from rathaus.applications.models import Submission
from rathaus.cases.models import Case, DocumentRequest, StatusChange
from rathaus.cases.services import (
    case_acknowledge,
    case_status_change,
    document_request_create,
)
from rathaus.core.actors import actor_of
from rathaus.staff.models import Role
from tests.applications.inbox_data import add_attachment, make_submission
from tests.staff.people import make_staff

# The Postfach (which files threads under cases) goes back first, then the lifecycle moves.
BEFORE = [("mailbox", None), ("applications", "0006_payment_municipality"), ("cases", None)]


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_lifecycle_rows_survive_the_way_back_and_forth(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    submission = make_submission()
    quiet = make_submission(office=submission.office)
    clerk = make_staff("clerk", (submission.office, Role.CASE_WORKER))
    actor = actor_of(clerk)
    case_acknowledge(case=submission.case, actor=actor)
    change = case_status_change(
        case=submission.case, status=Case.Status.IN_PROGRESS, note="Wir prüfen.", actor=actor
    )
    request = document_request_create(
        case=submission.case,
        message="Bitte Nachweis",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        actor=actor,
    )
    attachment = add_attachment(submission, document_request=request)
    case = Case.objects.get(pk=submission.case_id)
    history = list(
        StatusChange.objects.filter(case=case).values_list(
            "id", "created_at", "status", "note", "actor_label"
        )
    )
    assert [h[2] for h in history] == ["submitted", "in_progress", "query"]

    # Back: the status lives on the submission again, history and requests in applications.
    old = _migrate(BEFORE).loader.project_state(BEFORE[1:2]).apps
    old_submission = old.get_model("applications", "Submission").objects.get(pk=submission.pk)
    assert (old_submission.status, old_submission.acknowledged_by) == (
        "query",
        case.acknowledged_by,
    )
    assert old_submission.status_changed_at == case.status_changed_at
    assert old.get_model("applications", "Submission").objects.get(pk=quiet.pk).status == (
        "submitted"
    )
    old_history = old.get_model("applications", "StatusChange").objects.filter(
        submission_id=submission.pk
    )
    assert sorted(
        old_history.values_list("id", "created_at", "status", "note", "actor_label")
    ) == sorted(history)
    old_request = old.get_model("applications", "DocumentRequest").objects.get(pk=request.pk)
    assert (old_request.submission_id, old_request.message) == (submission.pk, "Bitte Nachweis")
    old_attachment = old.get_model("applications", "Attachment").objects.get(pk=attachment.pk)
    assert old_attachment.document_request_id == request.pk

    # Forth: one case per submission with the same status fields, rows under the same ids.
    executor = MigrationExecutor(connection)
    _migrate(_leaves(executor))
    moved = Submission.objects.select_related("case").get(pk=submission.pk)
    assert moved.case.status == Case.Status.QUERY
    assert moved.case.reference == submission.reference
    assert moved.case.opened_at == submission.submitted_at
    assert moved.case.acknowledged_by == case.acknowledged_by != ""
    assert moved.case.status_changed_at == case.status_changed_at
    assert (moved.case.office_id, moved.case.applicant_id) == (
        submission.office_id,
        submission.applicant_id,
    )
    assert sorted(
        StatusChange.objects.filter(case=moved.case).values_list(
            "id", "created_at", "status", "note", "actor_label"
        )
    ) == sorted(history)
    assert StatusChange.objects.get(pk=change.pk).note == "Wir prüfen."
    assert DocumentRequest.objects.get(pk=request.pk).case_id == moved.case_id
    assert moved.attachments.get().document_request_id == request.pk
    assert Submission.objects.get(pk=quiet.pk).case.status == Case.Status.SUBMITTED
    assert Case.objects.count() == 2
