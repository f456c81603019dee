"""The workflow's entries in the staff area's navigation (backoffice/base.html)."""

from dataclasses import dataclass
from typing import Any

from django import template

from rathaus.workflow import selectors as workflow_selectors

register = template.Library()


@dataclass(frozen=True)
class WorkflowNav:
    tasks: bool  # the worklist (case-handling roles)
    mine: int  # open tasks assigned to the user
    models: bool  # the process models (Fachadministration, system administration)


@register.simple_tag
def workflow_nav(user: Any) -> WorkflowNav:
    """Which workflow pages `user` has, and how many tasks are theirs: the roles come from
    the request's memo; the count is one query, only for who has a worklist."""
    tasks = workflow_selectors.handles_cases(user=user)
    mine = workflow_selectors.worklist(user=user, view="mine").count() if tasks else 0
    models = workflow_selectors.model_municipality_ids(user=user)
    return WorkflowNav(tasks=tasks, mine=mine, models=models is None or bool(models))
