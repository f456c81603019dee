"""The workflow's reads: the clerks' worklist (mine, my team's, unassigned, overdue), a work
item with its case, the process models of the staff's municipalities."""

from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from rathaus.core.errors import NotFound
from rathaus.staff.selectors import office_ids_visible_to, sees_all_offices

from .engine import clock
from .models import ModelVersion, ProcessInstance, ProcessModel, WorkItem

WORKLIST_VIEWS = ("mine", "team", "unassigned", "overdue")


def _office_ids(user: Any) -> set[UUID] | None:
    """The offices whose work the clerk sees (None: all, for the installation's admins)."""
    from .permissions import CASE_ROLES

    if sees_all_offices(user=user):
        return None
    return office_ids_visible_to(user=user, roles=CASE_ROLES)


def _open_items(*, user: Any) -> QuerySet[WorkItem]:
    items = WorkItem.objects.filter(status=WorkItem.Status.OPEN)
    offices = _office_ids(user)
    return items if offices is None else items.filter(office_id__in=offices)


def worklist(*, user: Any, view: str = "mine") -> QuerySet[WorkItem]:
    """The open work items of the clerk's offices in one of the views: `mine` (assigned to
    the clerk), `team` (all of their offices), `unassigned` (the queue), `overdue` (past
    their due time); earliest due first."""
    items = _open_items(user=user)
    if view == "mine":
        items = items.filter(assignee=user)
    elif view == "unassigned":
        items = items.filter(assignee__isnull=True)
    elif view == "overdue":
        items = items.filter(due_at__lt=clock.now())
    return items.select_related("case", "office", "assignee").order_by("due_at", "created_at", "id")


def worklist_counts(*, user: Any) -> dict[str, int]:
    """How many items each worklist view holds (one query)."""
    counts = _open_items(user=user).aggregate(
        team=Count("id"),
        mine=Count("id", filter=Q(assignee=user)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        overdue=Count("id", filter=Q(due_at__lt=clock.now())),
    )
    return {view: int(counts[view] or 0) for view in WORKLIST_VIEWS}


def work_item_get(*, user: Any, item_id: UUID | str) -> WorkItem:
    """A work item of the clerk's offices (NotFound otherwise)."""
    item = (
        WorkItem.objects.filter(pk=item_id)
        .select_related("case", "office", "assignee", "instance__version__process_model")
        .first()
    )
    offices = _office_ids(user)
    if item is None or (offices is not None and item.office_id not in offices):
        raise NotFound(_("No such task."))
    return item


def case_instances(*, case_id: UUID) -> QuerySet[ProcessInstance]:
    """The process instances of a case, newest first, with their versions."""
    return ProcessInstance.objects.filter(case_id=case_id).select_related("version__process_model")


def process_models(*, municipality_ids: set[UUID] | None) -> QuerySet[ProcessModel]:
    """Process models of these municipalities (None: all) and the installation's."""
    models = ProcessModel.objects.select_related("service", "municipality")
    if municipality_ids is not None:
        models = models.filter(
            Q(municipality_id__in=municipality_ids) | Q(municipality__isnull=True)
        )
    return models.prefetch_related("versions")


def model_version_get(*, version_id: UUID | str) -> ModelVersion:
    version = (
        ModelVersion.objects.filter(pk=version_id)
        .select_related("process_model__service", "process_model__municipality")
        .first()
    )
    if version is None:
        raise NotFound(_("No such model version."))
    return version
