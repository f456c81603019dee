"""Data for the accessibility tests of the online application and the staff inbox: `seed()`
runs in the demo server's environment (`manage.py shell`) and prepares, for the seeded citizen,
a draft of the demo form "Hund anmelden" in Düren (started through `draft_start`, so prefilled
from the profile) and a submitted application (written directly) with a status history and an
open request for documents; the `seeded` fixture (conftest.py) runs it once per module and returns the ids.
"""

import json

from tests.accessibility.seed_accounts import CITIZEN_EMAIL

SERVICE = "hund-anmelden"


def seed() -> None:
    """Print the ids the browser test needs as JSON (idempotent per database)."""
    import datetime as dt

    from django.utils import timezone

    from rathaus.accounts.models import User
    from rathaus.applications.drafts import draft_start
    from rathaus.applications.models import Submission
    from rathaus.cases.models import Case, DocumentRequest, StatusChange
    from rathaus.catalog.models import LocalService
    from rathaus.organisations.selectors import Principal

    citizen = User.objects.get(email=CITIZEN_EMAIL)
    offer = (
        LocalService.objects.select_related("municipality", "responsible_office")
        .filter(service__slug=SERVICE, online_available=True, municipality__slug="dueren")
        .first()
    )
    assert offer is not None, f"the demo data has no offer of {SERVICE}"
    draft = draft_start(offer=offer, principal=Principal(user=citizen))
    now = timezone.now()
    reference = f"A11Y-{now:%H%M%S%f}"
    case = Case.objects.create(
        reference=reference,
        municipality=offer.municipality,
        office=offer.responsible_office,
        service=offer.service,
        applicant=citizen,
        status=Case.Status.QUERY,
        status_changed_at=now,
        opened_at=now,
    )
    submission = Submission.objects.create(
        reference=reference,
        case=case,
        form=draft.form,
        schema_version=draft.form.version,
        service=offer.service,
        municipality=offer.municipality,
        office=offer.responsible_office,
        applicant=citizen,
        data={},
        submitted_at=now,
    )
    StatusChange.objects.create(case=case, status=Case.Status.SUBMITTED)
    StatusChange.objects.create(
        case=case,
        status=Case.Status.QUERY,
        note="Bitte reichen Sie den Nachweis der Haftpflichtversicherung nach.",
    )
    DocumentRequest.objects.create(
        case=case,
        message="Nachweis der Hundehaftpflichtversicherung",
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    steps = [step["id"] for step in draft.form.ui["steps"]]
    print(
        json.dumps(
            {
                "draft": str(draft.pk),
                "steps": steps,
                "submission": str(submission.pk),
                "municipality": offer.municipality.slug,
            }
        )
    )
