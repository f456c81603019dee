"""The actions that make and deliver the case's decision (Bescheid, issue 12 §2) through
`rathaus.decisions.services`, as the process actor.

`decision_create` makes the decision from the service's published template (or, with the
parameter `template_version`, from that published version number) with data for the
template's placeholders: every parameter but `template_version` (`granted` = `=granted`,
`fee` = `=fee`, …; a FEEL expression on the instance's data where it starts with `=`), on
top of the instance's plain data. It is idempotent per instance and task (`_origin`): a
step repeated after a crash finds the decision it made. Its id lands in the data
(`decision`).

`decision_deliver` delivers the decision in the data (`decision`), else the case's latest
one: by retrieval from the applicant's mailbox where they consented, else into the post
queue; the channel lands in the data (`decision_channel`: `retrieval` or `post`) for a
gateway to branch on. Delivering twice changes nothing.
"""

from typing import Any

from django.utils.translation import gettext as _

from rathaus.core.errors import DomainError
from rathaus.decisions import services as decisions
from rathaus.decisions.models import Decision, TemplateVersion

from .action_implementations import PROCESS, _origin, _parameter
from .actions import ActionContext, ActionRefused, registry

RESERVED = ("template_version", "level")


def _data(context: ActionContext) -> dict[str, Any]:
    data = {
        k: v
        for k, v in context.data.items()
        if isinstance(v, str | int | float | bool) or v is None
    }
    for name in context.parameters:
        if name not in RESERVED:
            value: Any = _parameter(context, name)
            # FEEL booleans come back as text: `granted` = `=granted` must stay a condition.
            data[name] = (value == "true") if value in ("true", "false") else value
    return data


def _template_version(context: ActionContext) -> TemplateVersion | None:
    """The published version numbered by the parameter `template_version` (the
    municipality's own template first, else the installation-wide one), or None."""
    number = _parameter(context, "template_version", "").strip()
    if not number:
        return None
    published = TemplateVersion.objects.filter(
        template__service_id=context.case.service_id,
        number=int(number) if number.isdigit() else -1,
        status=TemplateVersion.Status.PUBLISHED,
    )
    version = (
        published.filter(template__municipality_id=context.case.municipality_id).first()
        or published.filter(template__municipality__isnull=True).first()
    )
    if version is None:
        raise ActionRefused(
            _("The task %(element)s names template version %(number)s, which is not published.")
            % {"element": context.element, "number": number}
        )
    return version


@registry.register("decision_create")
def decision_create(context: ActionContext) -> dict[str, Any] | None:
    """Make the case's decision (see the module docstring)."""
    try:
        decision = decisions.decision_create(
            actor=PROCESS,
            case=context.case,
            template_version=_template_version(context),
            data=_data(context),
            origin=_origin(context),
        )
    except DomainError as error:
        raise ActionRefused(error.message) from None
    return {"decision": str(decision.pk)}


@registry.register("decision_deliver")
def decision_deliver(context: ActionContext) -> dict[str, Any] | None:
    """Deliver the case's decision (see the module docstring)."""
    decision_id = context.data.get("decision")
    try:
        if decision_id:
            decision = Decision.objects.filter(pk=decision_id, case=context.case).first()
            if decision is None:
                raise ActionRefused(_("The decision named in the process data does not exist."))
        else:
            decision = decisions.decision_latest(case=context.case)
        decision = decisions.decision_deliver(
            actor=PROCESS,
            decision=decision,
            required_level=_parameter(context, "level", decisions.DEFAULT_RETRIEVAL_LEVEL),
        )
    except ActionRefused:
        raise
    except DomainError as error:
        raise ActionRefused(error.message) from None
    return {"decision": str(decision.pk), "decision_channel": decision.channel}
