"""Many cases with their submissions, fast: copies of one real submission (made through the
services) written with bulk_create, for the tests of the case lists' pagination."""

import datetime as dt
import uuid
from collections.abc import Callable

from django.utils import timezone

from rathaus.applications.models import Submission
from rathaus.cases.models import Case


def copy_submissions(
    template: Submission,
    count: int,
    *,
    opened_at: Callable[[int], dt.datetime] | None = None,
    **case_fields: object,
) -> list[Submission]:
    """`count` copies of `template` (same office, service, applicant) with their cases; copy n
    is opened at `opened_at(n)` (default: n minutes before now, in whole seconds). Extra
    `case_fields` (status, acknowledged_at, office …) are set on every copy's case."""
    base = timezone.now().replace(microsecond=0)
    when = opened_at or (lambda n: base - dt.timedelta(minutes=n + 1))
    case = Case.objects.get(pk=template.case_id)
    cases, submissions = [], []
    for n in range(count):
        at = when(n)
        reference = f"{template.reference}-{n:04d}"
        copy = Case(
            **{
                f.attname: getattr(case, f.attname)
                for f in Case._meta.concrete_fields
                if f.attname not in ("id", "reference", "opened_at", "status_changed_at")
            }
        )
        copy.id = uuid.uuid4()
        copy.reference, copy.opened_at, copy.status_changed_at = reference, at, at
        for name, value in case_fields.items():
            setattr(copy, name, value)
        cases.append(copy)
        submissions.append(
            Submission(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Submission._meta.concrete_fields
                    if f.attname
                    not in ("id", "reference", "case_id", "draft_id", "payment_id", "submitted_at")
                },
                id=uuid.uuid4(),
                reference=reference,
                case_id=copy.id,
                submitted_at=at,
            )
        )
    Case.objects.bulk_create(cases)
    Submission.objects.bulk_create(submissions)
    return submissions
