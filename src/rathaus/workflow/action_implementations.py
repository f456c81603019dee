"""The actions the process performs itself, each through the public services of the app that
owns what it changes, as the process actor (`cases.permissions.PROCESS_JOB`), in the
transaction of the process step — a retried step repeats nothing that was stored.

Parameters come from the model (Camunda 8 task headers, Camunda 7 properties or literal input
parameters) and, where they say so, from the instance's data.
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from rathaus.cases import services as cases
from rathaus.cases.permissions import PROCESS_JOB
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.mailbox import services as mailbox

from .actions import ActionContext, ActionRefused, registry
from .dmn import FeelError, result_to_json
from .engine.expressions import expression_evaluate

PROCESS = Actor.system(PROCESS_JOB)


def _parameter(context: ActionContext, name: str, default: str | None = None) -> str:
    """A parameter from the model; `=…` is a FEEL expression on the instance's data (as
    Camunda 8 writes them: `=amount`, `=application.dogs * 96`, `="Termin: " + string(t)`);
    a value that is absent (null) is the empty text."""
    value = context.parameters.get(name, default)
    if value is None:
        raise ActionRefused(
            _("The task %(element)s needs the parameter %(name)s.")
            % {"element": context.element, "name": name}
        )
    if value.startswith("="):
        try:
            result = expression_evaluate(value, context.data)
        except FeelError as error:
            raise ActionRefused(
                _(
                    "The parameter %(name)s of the task %(element)s could not be evaluated: "
                    "%(error)s"
                )
                % {"name": name, "element": context.element, "error": error}
            ) from None
        if isinstance(result, bool):
            return "true" if result else "false"
        return "" if result is None else str(result_to_json(result))
    return value


def _origin(context: ActionContext) -> str:
    """Once per instance and task: a step repeated after a crash finds its message."""
    return f"workflow:{context.instance.pk}:{context.task_id}"


@registry.register("status_set")
def status_set(context: ActionContext) -> dict[str, Any] | None:
    """Set the case's status (parameter `status`: in_progress, query, decided, closed;
    `note`: the text the applicant reads)."""
    status = _parameter(context, "status")
    if context.case.status == status:
        return None
    try:
        cases.case_status_change(
            case=context.case, status=status, note=_parameter(context, "note", ""), actor=PROCESS
        )
    except DomainError as error:
        raise ActionRefused(str(error)) from None
    return None


@registry.register("deadline_set")
def deadline_set(context: ActionContext) -> dict[str, Any] | None:
    """A deadline counted from today (Europe/Berlin) with the public holidays of the case's
    Land: `working_days` (the n-th working day after today), or a statutory period under
    §31 VwVfG with §§187-193 BGB (`days`, `weeks`, `months`; a last day on a weekend or
    holiday moves to the next working day). The deadline's end — midnight after its last day
    — lands in the data (as `variable`, `deadline` by default) for a timer (`timeDate`
    `=deadline`); with `case` = `true` it becomes the case's deadline too."""
    from django.utils import timezone

    from .engine import clock
    from .working_days import deadline_end, municipality_land, working_day_add

    def number(name: str) -> int:
        text = _parameter(context, name, "0") or "0"
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

    today = timezone.localtime(clock.now()).date()
    land = municipality_land(context.case.municipality)
    if "working_days" in context.parameters:
        last = working_day_add(today, number("working_days"), land=land)
    else:
        last = deadline_end(
            today, days=number("days"), weeks=number("weeks"), months=number("months"), land=land
        )
    if _parameter(context, "case", "false").strip().casefold() == "true":
        try:
            cases.case_deadline_set(case=context.case, deadline=last, actor=PROCESS)
        except DomainError as error:
            raise ActionRefused(str(error)) from None
    end = dt.datetime.combine(
        last + dt.timedelta(days=1), dt.time(), timezone.get_current_timezone()
    )
    return {_parameter(context, "variable", "deadline"): end.isoformat()}


@registry.register("notify")
def notify(context: ActionContext) -> dict[str, Any] | None:
    """A message of the office to the applicant in the case's thread of the Postfach
    (parameters `subject`, `body`)."""
    subject = _parameter(context, "subject", _("News about your application"))
    body = _parameter(
        context,
        "body",
        _("There is news about your application %(reference)s. Please look at its status.")
        % {"reference": context.case.reference},
    )
    mailbox.case_message_post(
        case=context.case, subject=subject, body=body, origin=_origin(context)
    )
    return None


@registry.register("request_documents")
def request_documents(context: ActionContext) -> dict[str, Any] | None:
    """Ask the applicant for documents (Nachforderung; parameters `message` and `days`, the
    deadline in calendar days, 14 by default); the request's message goes to the Postfach.
    The request's id lands in the data (`document_request`)."""
    from django.utils import timezone

    days = int(_parameter(context, "days", "14"))
    request = cases.document_request_create(
        case=context.case,
        message=_parameter(context, "message", _("Please send the missing documents.")),
        deadline=timezone.localdate() + dt.timedelta(days=days),
        actor=PROCESS,
    )
    return {"document_request": str(request.pk)}


from . import (  # noqa: E402
    case_actions,  # noqa: F401
    decision_actions,  # noqa: F401
)
