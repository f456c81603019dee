"""Writes for municipalities, postal areas, offices and opening hours. Every change is audited."""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.model_changes import instance_create, instance_snapshot, instance_update
from rathaus.municipalities.configuration_services import configuration_provider_change_check
from rathaus.municipalities.models import (
    AccessibilityFeedback,
    Municipality,
    Office,
    OpeningException,
    OpeningHours,
    PostalArea,
)


@transaction.atomic
def municipality_create(*, actor: Actor, **data: Any) -> Municipality:
    """Create a municipality after validating its keys and hierarchy."""
    if data.get("ars") and not data.get("land"):
        data["land"] = data["ars"][:2]
    municipality = instance_create(Municipality, data)
    audit_record(
        actor=actor,
        action="municipality.create",
        obj=municipality,
        details=instance_snapshot(municipality),
    )
    return municipality


@transaction.atomic
def municipality_update(*, actor: Actor, municipality: Municipality, **data: Any) -> Municipality:
    """Change fields of a municipality; records the old and new values."""
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    if "configuration_provider" in data:
        configuration_provider_change_check(
            municipality=municipality, provider=data["configuration_provider"]
        )
    changes = instance_update(municipality, data)
    if changes:
        audit_record(actor=actor, action="municipality.update", obj=municipality, details=changes)
    return municipality


@transaction.atomic
def postal_area_create(
    *, actor: Actor, municipality: Municipality, postcode: str, place_name: str
) -> PostalArea:
    """Record that `postcode place_name` lies in `municipality` (for the Zuständigkeitsfinder)."""
    area = instance_create(
        PostalArea, {"municipality": municipality, "postcode": postcode, "place_name": place_name}
    )
    audit_record(
        actor=actor, action="postal_area.create", obj=area, details=instance_snapshot(area)
    )
    return area


@transaction.atomic
def office_create(*, actor: Actor, **data: Any) -> Office:
    """Create an office (Organisationseinheit) of a municipality."""
    office = instance_create(Office, data)
    audit_record(actor=actor, action="office.create", obj=office, details=instance_snapshot(office))
    return office


@transaction.atomic
def office_update(*, actor: Actor, office: Office, **data: Any) -> Office:
    """Change fields of an office; records the old and new values."""
    office = Office.objects.select_for_update().get(pk=office.pk)
    changes = instance_update(office, data)
    if changes:
        audit_record(actor=actor, action="office.update", obj=office, details=changes)
    return office


@transaction.atomic
def office_set_opening_hours(
    *, actor: Actor, office: Office, intervals: list[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the weekly opening pattern of `office` with `intervals` (weekday, opens, closes)."""
    office = Office.objects.select_for_update().get(pk=office.pk)
    hours = [OpeningHours(office=office, weekday=wd, opens=o, closes=c) for wd, o, c in intervals]
    for interval in hours:
        # Validated in Python (one bulk insert instead of a query per check and row).
        interval.full_clean(exclude=["id", "office"], validate_constraints=False)
        if interval.opens >= interval.closes:
            raise ValidationError(
                _("Opening hours must open before they close (%(opens)s–%(closes)s).")
                % {"opens": f"{interval.opens:%H:%M}", "closes": f"{interval.closes:%H:%M}"}
            )
    old = [f"{h.weekday} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in office.opening_hours.all()]
    office.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(hours)
    audit_record(
        actor=actor,
        action="office.opening_hours.set",
        obj=office,
        details={
            "old": old,
            "new": [f"{h.weekday} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in hours],
        },
    )
    return hours


@transaction.atomic
def postal_area_delete(*, actor: Actor, postal_area: PostalArea) -> None:
    """Remove a postcode/place from a municipality; the audit keeps what it was."""
    area = PostalArea.objects.select_for_update().get(pk=postal_area.pk)
    audit_record(
        actor=actor, action="postal_area.delete", obj=area, details=instance_snapshot(area)
    )
    area.delete()


@transaction.atomic
def office_update_opening_exception(
    *, actor: Actor, exception: OpeningException, **data: Any
) -> OpeningException:
    """Change a day on which an office is closed or keeps other hours."""
    exception = OpeningException.objects.select_for_update().get(pk=exception.pk)
    changes = instance_update(exception, data)
    if changes:
        audit_record(
            actor=actor, action="office.opening_exception.update", obj=exception, details=changes
        )
    return exception


@transaction.atomic
def office_add_opening_exception(*, actor: Actor, office: Office, **data: Any) -> OpeningException:
    """Add a day on which `office` is closed or keeps other hours."""
    exception = instance_create(OpeningException, {"office": office, **data})
    audit_record(
        actor=actor,
        action="office.opening_exception.create",
        obj=exception,
        details=instance_snapshot(exception),
    )
    return exception


logger = logging.getLogger(__name__)


def _accessibility_feedback_mail(feedback: AccessibilityFeedback, recipient: str) -> None:
    # Staff read the notification in the installation's main language, whatever language
    # the citizen used on the portal.
    municipality = feedback.municipality
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Accessibility feedback for the portal of %(name)s") % {
            "name": municipality.name
        }
        lines = [
            _("A barrier was reported through the accessibility statement of the portal."),
            "",
            _("Page: %(page)s") % {"page": feedback.page_url or _("not given")},
            _("Name: %(name)s") % {"name": feedback.name or _("not given")},
            _("E-mail: %(email)s") % {"email": feedback.email or _("not given")},
            _("Received: %(when)s")
            % {"when": f"{feedback.created_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"},
            "",
            _("Message:"),
            feedback.message,
            "",
            _("Under the BITV 2.0 the reporter is entitled to an answer. Reference: %(reference)s")
            % {"reference": feedback.pk},
        ]
    send_mail(
        subject=subject,
        message="\n".join(lines),
        from_email=None,
        recipient_list=[recipient],
        fail_silently=False,
    )


@transaction.atomic
def accessibility_feedback_submit(
    *,
    municipality: Municipality,
    message: str,
    page_url: str = "",
    name: str = "",
    email: str = "",
) -> AccessibilityFeedback:
    """Store a citizen's report of a barrier and notify the municipality's accessibility contact.

    The e-mail goes to `accessibility_contact` (or, failing that, the municipality's general
    address) after the transaction commits; a failing mail server is logged and never loses the
    stored report. The audit event records the report but not its personal data.
    """
    feedback = instance_create(
        AccessibilityFeedback,
        {
            "municipality": municipality,
            "message": message.strip(),
            "page_url": page_url.strip(),
            "name": name.strip(),
            "email": email.strip(),
        },
    )
    recipient = municipality.accessibility_contact or municipality.email
    audit_record(
        actor=Actor.system("accessibility_feedback"),
        action="accessibility_feedback.submit",
        obj=feedback,
        details={
            "municipality": municipality.slug,
            "page_url": feedback.page_url,
            "notified": recipient,
            "reply_requested": bool(feedback.email),
        },
    )
    if recipient:
        transaction.on_commit(
            lambda: _accessibility_feedback_mail(feedback, recipient), robust=True
        )
    else:
        logger.warning(
            "accessibility feedback %s for %s: no contact address, nobody notified",
            feedback.pk,
            municipality.slug,
        )
    return feedback
