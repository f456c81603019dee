"""Actions that ask another app to do its part for the case, or file it (issue 12 §1).

`request_payment` and `fitconnect_hand_over` publish a workflow event (`workflow.events`):
payments and applications subscribe to them (the workflow never imports those apps) and,
when they are done, publish their own event, which `workflow.subscribers` delivers to the
case's instance as a BPMN message — `payment_received`, `handover_done` — that a message
catch event or receive task of the model waits for. `record_file` files the case into the
E-Akte through the records' public services. Every action is idempotent per instance and
task (`_origin`): a step repeated after a crash publishes the same key again, and the
subscribers act once per key.
"""

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rathaus.catalog.selectors import format_cents
from rathaus.core.events import event_publish
from rathaus.core.public_urls import public_url
from rathaus.mailbox import services as mailbox
from rathaus.records import services as records
from rathaus.records.models import CaseFiling, FilePlanItem, RecordFile

from .action_implementations import PROCESS, _origin, _parameter
from .actions import ActionContext, ActionRefused, registry
from .events import HandoverRequested, PaymentRequested

# The BPMN messages the workflow's subscribers deliver (docs/workflow.md).
PAYMENT_RECEIVED = "payment_received"
HANDOVER_DONE = "handover_done"


def _whole_number(context: ActionContext, name: str, default: str) -> int:
    text = _parameter(context, name, default).strip() or default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ActionRefused(
            _("The parameter %(name)s of the task %(element)s must be a whole number ≥ 0.")
            % {"name": name, "element": context.element}
        )
    return value


def _amount_cents(context: ActionContext) -> int:
    """The parameter `amount` in euros ("96", "12.50", "12,50", or `=fee` from the data) in
    whole cents."""
    text = _parameter(context, "amount").strip().replace(",", ".")
    try:
        euros = Decimal(text)
    except InvalidOperation:
        euros = Decimal(-1)
    if not euros.is_finite() or euros < 0:
        raise ActionRefused(
            _(
                "The parameter amount of the task %(element)s must be an amount in euros "
                "(e.g. 96 or 12.50), not “%(value)s”."
            )
            % {"element": context.element, "value": text[:40]}
        )
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@registry.register("request_payment")
def request_payment(context: ActionContext) -> dict[str, Any] | None:
    """Ask the applicant for a fee (parameters `amount` in euros — fixed or `=fee` from the
    data, e.g. a decision table's result —, `purpose`, `days` until it is due, 14 by
    default). The payments app creates the payment request, tells the applicant in the
    Postfach with the link to pay online, and when it is paid the instance gets the message
    `payment_received`. An amount of 0 asks nothing (`payment_requested` is false in the
    data: the model can go round the wait)."""
    cents = _amount_cents(context)
    if cents == 0:
        return {"payment_requested": False}
    purpose = " ".join(_parameter(context, "purpose", "").split()) or (
        _("Fee for %(reference)s") % {"reference": context.case.reference}
    )
    days = _whole_number(context, "days", "14")
    due_on = timezone.localdate() + dt.timedelta(days=days)
    key = _origin(context)
    request_id = uuid.uuid5(uuid.NAMESPACE_URL, f"rathaus:{key}")
    event_publish(
        PaymentRequested(
            payment_request_id=request_id,
            case_id=context.case.pk,
            municipality_id=context.case.municipality_id,
            amount_cents=cents,
            currency="EUR",
            purpose=purpose[:200],
            due_on=due_on,
            key=key,
        )
    )
    amount = format_cents(cents)
    mailbox.case_message_post(
        case=context.case,
        subject=_("Please pay the fee for %(reference)s") % {"reference": context.case.reference},
        body=_("Please pay %(amount)s (%(purpose)s) by %(due)s. You can pay online here: %(link)s")
        % {
            "amount": amount,
            "purpose": purpose,
            "due": date_format(due_on, "d.m.Y"),
            "link": public_url(reverse("payments:request", args=[request_id])),
        },
        origin=key,
    )
    return {"payment_requested": True, "payment_request": str(request_id)}


@registry.register("fitconnect_hand_over")
def fitconnect_hand_over(context: ActionContext) -> dict[str, Any] | None:
    """Hand the case's submission over to the specialist system or another authority
    through the hand-over channels of the applications (parameters, both optional:
    `channel`, e.g. `fitconnect`; `destination`, e.g. a FIT-Connect destination id — empty:
    the channels that apply to the submission, to their configured destination). The
    instance gets the message `handover_done` (data `handed_over`, `handover_channels`)."""
    key = _origin(context)
    event_publish(
        HandoverRequested(
            case_id=context.case.pk,
            municipality_id=context.case.municipality_id,
            channel=_parameter(context, "channel", "").strip()[:40],
            destination=_parameter(context, "destination", "").strip()[:200],
            key=key,
        )
    )
    return {"handover_request_key": key}


def _plan_item(context: ActionContext, number: str) -> FilePlanItem:
    item = FilePlanItem.objects.filter(
        municipality_id=context.case.municipality_id, number=number
    ).first()
    if item is None:
        raise ActionRefused(
            _("The task %(element)s names the file plan item %(number)s, which does not exist.")
            % {"element": context.element, "number": number}
        )
    return item


def _file_for_plan_item(context: ActionContext, item: FilePlanItem) -> RecordFile:
    """The case's file under `item`: the file it is filed in already, else an open file of
    the case's office under `item` with the title (parameter `title`, `{year}` is the year
    the case was opened; the case's reference by default), else a new one."""
    case = context.case
    filing = CaseFiling.objects.select_related("file").filter(case=case).first()
    if filing is not None and filing.file.plan_item_id == item.pk:
        return filing.file
    year = timezone.localtime(case.opened_at).year
    title = " ".join(_parameter(context, "title", "").split()) or case.reference
    title = title.replace("{year}", str(year))
    record = (
        RecordFile.objects.filter(
            office_id=case.office_id,
            plan_item=item,
            year=year,
            title=title[:300],
            status=RecordFile.Status.OPEN,
        )
        .order_by("created_at")
        .first()
    )
    if record is None:
        record = records.file_create(
            actor=PROCESS, office=case.office, plan_item=item, title=title, year=year
        )
    return record


@registry.register("record_file")
def record_file(context: ActionContext) -> dict[str, Any] | None:
    """File the case into the E-Akte where the model says: `file` (an Aktenzeichen of the
    case's office), or `plan_item` (a file plan number: the case's file under it is found,
    or created with `title`). A case filed there already stays; a case filed elsewhere (by
    the office's filing rule) is moved, with the task as the reason. The file's reference
    lands in the data (`file_reference`)."""
    case = context.case
    reference = _parameter(context, "file", "").strip()
    number = _parameter(context, "plan_item", "").strip()
    if bool(reference) == bool(number):
        raise ActionRefused(
            _("The task %(element)s needs either the parameter file or plan_item.")
            % {"element": context.element}
        )
    if reference:
        record = RecordFile.objects.filter(
            municipality_id=case.municipality_id, file_reference=reference
        ).first()
        if record is None:
            raise ActionRefused(
                _("The task %(element)s names the file %(reference)s, which does not exist.")
                % {"element": context.element, "reference": reference}
            )
    else:
        record = _file_for_plan_item(context, _plan_item(context, number))
    # A refusal of the records (another office's file, a closed file) names the problem;
    # the step turns it into the instance's problem with the element.
    records.case_file(
        actor=PROCESS,
        case=case,
        record=record,
        reason=_("Filed by the process (task %(element)s).") % {"element": context.element},
    )
    return {"file_reference": record.file_reference}
