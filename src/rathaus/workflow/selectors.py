"""The workflow's reads: the clerks' worklist (mine, my team's, unassigned, overdue), a work
item with its case and whom it may be given, where an instance stands (its steps and its
marked diagram), the process models of the staff's municipalities."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from lxml import etree

from rathaus.core.errors import NotFound
from rathaus.staff.models import Role, RoleAssignment
from rathaus.staff.selectors import (
    held_offices_by_municipality,
    office_ids_visible_to,
    sees_all_offices,
)

from .bpmn.schema import BPMN_NS, bpmn_parse
from .diagram import Marking, diagram_svg
from .engine import clock
from .models import ModelVersion, ProcessInstance, ProcessModel, WorkItem

WORKLIST_VIEWS = ("mine", "team", "unassigned", "overdue")


# Roles besides the case-handling ones whose holders a task may name (Registratur files,
# the Kasse books): they see the tasks of their offices that name their role.
TASK_ROLES = (Role.REGISTRY, Role.CASH_OFFICE)


def _visible(user: Any) -> Q | None:
    """Which work items the staff member sees (None: all, for the installation's admins): all
    of the offices where they handle cases, and those naming one of their other task roles
    in the offices where they hold it (from the request's memo of roles, no query)."""
    from .permissions import CASE_ROLES

    if sees_all_offices(user=user):
        return None
    visible = Q(office_id__in=office_ids_visible_to(user=user, roles=CASE_ROLES))
    for role in TASK_ROLES:
        offices = office_ids_visible_to(user=user, role=role)
        if offices:  # the roles are a JSON list: `"registry"` names the role exactly
            visible |= Q(office_id__in=offices, roles__icontains=f'"{role.value}"')
    return visible


@dataclass(frozen=True)
class WorklistFilter:
    """What the clerk narrows the worklist to: an office, a service, a case reference (or a
    part of it, case-insensitive)."""

    office_id: UUID | None = None
    service_id: UUID | None = None
    reference: str = ""


def _open_items(*, user: Any, filters: WorklistFilter | None = None) -> QuerySet[WorkItem]:
    items = WorkItem.objects.filter(status=WorkItem.Status.OPEN)
    visible = _visible(user)
    if visible is not None:
        items = items.filter(visible)
    if filters is not None:
        if filters.office_id:
            items = items.filter(office_id=filters.office_id)
        if filters.service_id:
            items = items.filter(case__service_id=filters.service_id)
        if filters.reference.strip():
            items = items.filter(case__reference__icontains=filters.reference.strip())
    return items


def worklist(
    *, user: Any, view: str = "mine", filters: WorklistFilter | None = None
) -> QuerySet[WorkItem]:
    """The open work items of the clerk's offices in one of the views: `mine` (assigned to
    the clerk), `team` (all of their offices), `unassigned` (the queue), `overdue` (past
    their due time); narrowed by `filters`; earliest due first."""
    items = _open_items(user=user, filters=filters)
    if view == "mine":
        items = items.filter(assignee=user)
    elif view == "unassigned":
        items = items.filter(assignee__isnull=True)
    elif view == "overdue":
        items = items.filter(due_at__lt=clock.now())
    return items.select_related("case", "office", "assignee").order_by("due_at", "created_at", "id")


def worklist_counts(*, user: Any, filters: WorklistFilter | None = None) -> dict[str, int]:
    """How many items each worklist view holds (one query)."""
    counts = _open_items(user=user, filters=filters).aggregate(
        team=Count("id"),
        mine=Count("id", filter=Q(assignee=user)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        overdue=Count("id", filter=Q(due_at__lt=clock.now())),
    )
    return {view: int(counts[view] or 0) for view in WORKLIST_VIEWS}


def worklist_choices(*, user: Any) -> tuple[list[tuple[UUID, str]], list[tuple[UUID, str]]]:
    """The offices and services the clerk's open work items belong to, by name: what the
    worklist can be narrowed to."""
    items = _open_items(user=user)
    offices = items.order_by("office__name").values_list("office_id", "office__name").distinct()
    services = (
        items.order_by("case__service__name_de")
        .values_list("case__service_id", "case__service__name_de")
        .distinct()
    )
    return list(offices), list(services)


def work_item_get(*, user: Any, item_id: UUID | str) -> WorkItem:
    """A work item of the clerk's offices (NotFound otherwise)."""
    visible = _visible(user)
    item = (
        WorkItem.objects.filter(pk=item_id)
        .filter(visible if visible is not None else Q())
        .select_related(
            "case",
            "office",
            "assignee",
            "completed_by",
            "instance__version__process_model__service",
        )
        .first()
    )
    if item is None:
        raise NotFound(_("No such task."))
    return item


def case_instances(*, case_id: UUID) -> QuerySet[ProcessInstance]:
    """The process instances of a case, newest first, with their versions."""
    return ProcessInstance.objects.filter(case_id=case_id).select_related(
        "version__process_model__service"
    )


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


# --- Who works with the workflow ------------------------------------------------------


def handles_cases(*, user: Any) -> bool:
    """Whether `user` has a worklist: a case-handling or other task role (Registratur, Kasse)
    in some office, or every office."""
    from .permissions import CASE_ROLES

    return sees_all_offices(user=user) or bool(
        held_offices_by_municipality(user=user, roles=(*CASE_ROLES, *TASK_ROLES))
    )


def model_municipality_ids(*, user: Any) -> set[UUID] | None:
    """The municipalities whose process models `user` keeps (None: all, for who sees every
    office; empty: none)."""
    from .model_versions import MODEL_ROLES

    if sees_all_offices(user=user):
        return None
    return set(held_offices_by_municipality(user=user, roles=MODEL_ROLES))


def work_item_authors(*, item: WorkItem) -> set[Any]:
    """Who did the work `item` approves (four eyes), in its instance: they never approve it."""
    if not item.approves:
        return set()
    return set(
        WorkItem.objects.filter(
            instance_id=item.instance_id, element=item.approves, status=WorkItem.Status.DONE
        ).values_list("completed_by_id", flat=True)
    )


def work_item_assignees(*, item: WorkItem) -> QuerySet[Any]:
    """The active clerks of the item's office holding one of its roles now (the case roles
    when it names none), without the authors of the work it approves: whom it may be given."""
    from .permissions import CASE_ROLES

    now = clock.now()
    holders = (
        RoleAssignment.objects.filter(office_id=item.office_id, role__in=item.roles or CASE_ROLES)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values("user_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=holders, is_active=True, is_staff=True)
        .exclude(pk__in=work_item_authors(item=item))
        .order_by("last_name", "first_name", "username")
    )


# --- Where an instance stands -----------------------------------------------------------

# What an element without a name is called where the process stands (by its BPMN tag).
UNNAMED_ELEMENTS = {
    "startEvent": pgettext_lazy("process step", "Start"),
    "endEvent": pgettext_lazy("process step", "End"),
    "boundaryEvent": gettext_lazy("Event on a task (deadline, reminder, error)"),
    "intermediateCatchEvent": gettext_lazy("Waiting for an event"),
    "intermediateThrowEvent": pgettext_lazy("process step", "Event"),
    "exclusiveGateway": pgettext_lazy("process step", "Branch"),
    "inclusiveGateway": pgettext_lazy("process step", "Branch"),
    "eventBasedGateway": pgettext_lazy("process step", "Branch"),
    "parallelGateway": gettext_lazy("Parallel paths"),
}


@dataclass(frozen=True)
class InstanceSteps:
    """Where an instance stands, in the words of its model: the names of the elements it is
    at and has passed (in the model's order), and its diagram with them marked (None when
    the model has no diagram)."""

    active: list[str]
    done: list[str]
    diagram: str | None


def _bpmn_texts(version: ModelVersion) -> list[str]:
    return [file["text"] for file in version.files if file.get("kind") == "bpmn"]


def _element_names(texts: list[str]) -> list[tuple[str, str]]:
    """(id, what a clerk reads) of every element with an id, in the order of the files."""
    elements: list[tuple[str, str]] = []
    for text in texts:
        try:
            root = bpmn_parse(text.encode()).getroot()
        except ValueError:  # refused by the check; nothing runs from it
            continue
        for element in root.iter(f"{{{BPMN_NS}}}*"):
            if not (element_id := element.get("id")):
                continue
            name = " ".join((element.get("name") or "").split())
            unnamed = UNNAMED_ELEMENTS.get(
                etree.QName(element).localname, gettext_lazy("Step without a name")
            )
            elements.append((element_id, name or str(unnamed)))
    return elements


def instance_steps(*, instance: ProcessInstance) -> InstanceSteps:
    """Where `instance` stands: its current and passed steps and the marked diagram."""
    texts = _bpmn_texts(instance.version)
    names = _element_names(texts)
    active, done = set(instance.active_elements), set(instance.completed_elements)
    marking = Marking(
        active=frozenset(active),
        done=frozenset(done),
        active_label=_("current step"),
        done_label=_("done"),
        unnamed={tag: str(label) for tag, label in UNNAMED_ELEMENTS.items()},
    )
    title = _("Process of “%(name)s”, version %(number)d, with its current and finished steps") % {
        "name": str(instance.version.process_model.service),
        "number": instance.version.number,
    }
    diagram = next(
        (svg for text in texts if (svg := _diagram(text, marking, title)) is not None), None
    )
    return InstanceSteps(
        active=[name for element_id, name in names if element_id in active],
        done=[name for element_id, name in names if element_id in done],
        diagram=diagram,
    )


def _diagram(text: str, marking: Marking, title: str) -> str | None:
    try:
        return diagram_svg(text, marking=marking, title=title)
    except ValueError:  # not BPMN: the check refused it
        return None


# --- A case's processes -----------------------------------------------------------------

HISTORY_ACTIONS = {
    "workflow.instance_started": gettext_lazy("Process started with version %(version)s"),
    "workflow.instance_migrated": gettext_lazy("Process moved to version %(version)s"),
    "workflow.action_performed": gettext_lazy("Done by the process: %(step)s"),
    "workflow.task_claimed": gettext_lazy("Task taken on: %(step)s"),
    "workflow.task_assigned": gettext_lazy("Task assigned or given back: %(step)s"),
    "workflow.task_completed": gettext_lazy("Task completed: %(step)s"),
}


@dataclass(frozen=True)
class HistoryEntry:
    at: Any
    who: str
    what: str


@dataclass(frozen=True)
class CaseProcess:
    """A process of a case as the clerk sees it: the instance, where it stands, its open and
    finished tasks, and what happened in it (from the audit trail), oldest first."""

    instance: ProcessInstance
    steps: InstanceSteps
    open_items: list[WorkItem]
    done_items: list[WorkItem]
    history: list[HistoryEntry]


def case_processes(*, case: Any) -> list[CaseProcess]:
    """The processes of `case`, newest first (a few queries for all of them)."""
    from rathaus.core.models import AuditEvent

    instances = list(case_instances(case_id=case.pk))
    if not instances:
        return []
    items = list(
        WorkItem.objects.filter(case_id=case.pk)
        .select_related("assignee", "completed_by")
        .order_by("created_at", "id")
    )
    events = list(
        AuditEvent.objects.filter(
            object_type=case._meta.label_lower,
            object_id=str(case.pk),
            action__in=list(HISTORY_ACTIONS),
        ).order_by("occurred_at", "id")
    )
    processes = []
    for instance in instances:
        names = dict(_element_names(_bpmn_texts(instance.version)))
        mine = [item for item in items if item.instance_id == instance.pk]
        history = [
            HistoryEntry(
                at=event.occurred_at,
                who=(
                    str(_("the process"))
                    if event.actor_type == AuditEvent.ActorType.SYSTEM
                    else event.actor_label
                ),
                what=str(HISTORY_ACTIONS[event.action])
                % {
                    "version": event.details.get("version", event.details.get("to", "")),
                    "step": names.get(event.details.get("element", ""), "")
                    or event.details.get("element", ""),
                },
            )
            for event in events
            if event.details.get("instance") == str(instance.pk)
            or (
                event.details.get("item")
                and any(str(item.pk) == event.details["item"] for item in mine)
            )
        ]
        processes.append(
            CaseProcess(
                instance=instance,
                steps=instance_steps(instance=instance),
                open_items=[i for i in mine if i.status == WorkItem.Status.OPEN],
                done_items=[i for i in mine if i.status == WorkItem.Status.DONE],
                history=history,
            )
        )
    return processes


def version_file(*, version: ModelVersion, name: str) -> dict[str, Any]:
    """One file of a model version by its name (NotFound otherwise)."""
    for file in version.files:
        if file.get("name") == name:
            return dict(file)
    raise NotFound(_("No such file."))


def version_diagram(*, version: ModelVersion) -> str | None:
    """The diagram of the version's main BPMN file (None when it has none)."""
    title = _("Process of “%(name)s”, version %(number)d") % {
        "name": str(version.process_model.service),
        "number": version.number,
    }
    return next(
        (svg for text in _bpmn_texts(version) if (svg := _diagram(text, Marking(), title))),
        None,
    )


def check_lines_split(*, version: ModelVersion) -> tuple[list[str], list[str]]:
    """The version's stored check lines as refusals and notes (`file: note: …`, in the
    language of the upload)."""
    from .bpmn import note_marks

    marks = note_marks()
    refused: list[str] = []
    notes: list[str] = []
    for line in version.check_report:
        _file, _sep, rest = str(line).partition(": ")
        (notes if rest.startswith(marks) else refused).append(str(line))
    return refused, notes
