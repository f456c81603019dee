"""Data: every submission opens a case carrying its status fields; status history and
document requests move to rathaus.cases with their ids. One INSERT … SELECT per table (fast
on a million rows, the same SQL on SQLite and PostgreSQL); a moved case takes the id of its
submission. Reversible: the way back copies everything back and deletes the cases."""

from django.db import migrations

FORWARD = [
    """
    INSERT INTO cases_case (
        id, created_at, updated_at, reference, municipality_id, office_id, service_id,
        assignee_id, applicant_id, principal_user_id, organisation_id, status,
        status_changed_at, opened_at, deadline, acknowledged_at, acknowledged_by, closed_at
    )
    SELECT
        s.id, s.created_at, s.updated_at, s.reference, s.municipality_id, s.office_id,
        s.service_id, NULL, s.applicant_id, s.principal_user_id, s.organisation_id, s.status,
        COALESCE(s.status_changed_at, s.submitted_at), s.submitted_at, NULL,
        s.acknowledged_at, s.acknowledged_by,
        CASE WHEN s.status = 'closed' THEN COALESCE(s.status_changed_at, s.submitted_at)
        END
    FROM applications_submission s
    WHERE s.case_id IS NULL
    """,
    "UPDATE applications_submission SET case_id = id WHERE case_id IS NULL",
    """
    INSERT INTO cases_statuschange (id, created_at, updated_at, case_id, status, note,
                                    actor_label)
    SELECT c.id, c.created_at, c.updated_at, s.case_id, c.status, c.note, c.actor_label
    FROM applications_statuschange c
    JOIN applications_submission s ON s.id = c.submission_id
    """,
    """
    INSERT INTO cases_documentrequest (id, created_at, updated_at, case_id, message, deadline,
                                       status, requested_by_id, closed_at)
    SELECT r.id, r.created_at, r.updated_at, s.case_id, r.message, r.deadline, r.status,
           r.requested_by_id, r.closed_at
    FROM applications_documentrequest r
    JOIN applications_submission s ON s.id = r.submission_id
    """,
    "DELETE FROM applications_statuschange",
    "DELETE FROM applications_documentrequest",
]

BACKWARD = [
    """
    INSERT INTO applications_statuschange (id, created_at, updated_at, submission_id, status,
                                           note, actor_label)
    SELECT c.id, c.created_at, c.updated_at, s.id, c.status, c.note, c.actor_label
    FROM cases_statuschange c
    JOIN applications_submission s ON s.case_id = c.case_id
    """,
    """
    INSERT INTO applications_documentrequest (id, created_at, updated_at, submission_id,
                                              message, deadline, status, requested_by_id,
                                              closed_at)
    SELECT r.id, r.created_at, r.updated_at, s.id, r.message, r.deadline, r.status,
           r.requested_by_id, r.closed_at
    FROM cases_documentrequest r
    JOIN applications_submission s ON s.case_id = r.case_id
    """,
    """
    UPDATE applications_submission SET
        status = (SELECT c.status FROM cases_case c WHERE c.id = applications_submission.case_id),
        status_changed_at = (
            SELECT c.status_changed_at FROM cases_case c
            WHERE c.id = applications_submission.case_id
        ),
        acknowledged_at = (
            SELECT c.acknowledged_at FROM cases_case c
            WHERE c.id = applications_submission.case_id
        ),
        acknowledged_by = (
            SELECT c.acknowledged_by FROM cases_case c
            WHERE c.id = applications_submission.case_id
        )
    WHERE case_id IS NOT NULL
    """,
    "UPDATE applications_submission SET case_id = NULL",
    "DELETE FROM cases_statuschange",
    "DELETE FROM cases_documentrequest",
    "DELETE FROM cases_case",
]


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in FORWARD:
            cursor.execute(statement)


def backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in BACKWARD:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_submission_case"),
    ]

    operations = [migrations.RunPython(forward, backward)]
