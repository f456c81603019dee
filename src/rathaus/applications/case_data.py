"""What a case's process knows of the application that opened it (registered with
`rathaus.cases.case_data`): the form's data as submitted, the computed values, the fee in
euros and the day of submission."""

from typing import Any

from django.utils import timezone

from rathaus.cases.case_data import register_case_data_provider
from rathaus.cases.models import Case

from .models import Submission


def submission_data(case: Case) -> dict[str, Any]:
    submission = Submission.objects.filter(case=case).first()
    if submission is None:
        return {}
    return {
        "application": submission.data,
        "computed": submission.computed,
        "fee": submission.fee_cents / 100,
        "submitted_on": timezone.localdate(submission.submitted_at).isoformat(),
    }


def register() -> None:
    register_case_data_provider("applications", submission_data)
