"""The actions a service task may name (issue 12 §1): what the process does by itself.

A model names the action by its key (Camunda 8: the task definition's type; Camunda 7: the
external topic). The implementations are registered by the modules that own what they do
(`workflow.action_implementations`); `bpmn_check` knows every key listed here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from rathaus.core.registries import Registry

from .engine.runner import EngineError


class ActionRefused(EngineError):
    """An action cannot be performed as the model asks; the message names what to fix."""


@dataclass(frozen=True)
class ActionContext:
    """What an action gets: the instance, its case, the task and the instance's data."""

    instance: Any
    case: Any
    task_id: str  # the engine's task: one activation of the element
    element: str
    data: dict[str, Any]
    parameters: dict[str, str]  # fixed in the model (Camunda task headers / properties)


# key → what it does, in the staff's words (shown in the model check and the history)
ACTIONS = {
    "request_documents": _("Request documents (Nachforderung as a Postfach message)"),
    "request_payment": _("Request a payment"),
    "decision_create": _("Create the decision (Bescheid) as sealed PDF/A"),
    "decision_deliver": _("Deliver the decision (by retrieval or by post)"),
    "record_file": _("File into the E-Akte"),
    "fitconnect_hand_over": _("Hand over via FIT-Connect"),
    "notify": _("Notify the applicant"),
    "deadline_set": _("Set a deadline in working days or by §31 VwVfG (for timers)"),
    "status_set": _("Set the application's status"),
}

Action = Callable[[ActionContext], dict[str, Any] | None]
registry: Registry[Action] = Registry("workflow actions")


def action_names() -> list[str]:
    """The keys a service task may name: the actions that are implemented."""
    from . import action_implementations  # noqa: F401 (they register themselves)

    return [name for name in sorted(ACTIONS) if name in registry]
