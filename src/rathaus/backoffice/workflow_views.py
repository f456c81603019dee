"""The workflow in the staff area (issue 12 §1 and §3).

/intern/aufgaben/: the clerk's worklist (mine, the team's, the queue, overdue) and a work
item with its case, where the process stands, its due time, and what can be done with it:
claim, give back, assign to a clerk of the office with the task's role, complete with its
form (`workflow_forms.TaskCompleteForm`: the version's task form its form key names, or a
built-in one). For case-handling roles (Sachbearbeitung, Teamleitung); another office's
task does not exist (404); a task taken by someone else in the meantime is a 409 page.

/intern/prozessmodelle/: the process models of the staff member's municipalities with their
versions, the upload of a new version (checked at once), a version with its files and its
check, published when the engine can run it; for the published version, the running cases
of older versions with what moving them would do, and the move of the chosen ones
(`workflow.instance_migrate`, audited per case). Only for the Fachadministration and the
system administration (404 for everyone else).

Thin: the workflow's selectors read, its services decide and change.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.applications.models import Submission
from rathaus.backoffice.workflow_forms import (
    TASK_FORMS,
    InstanceMigrationForm,
    TaskAssignForm,
    TaskCompleteForm,
    VersionUploadForm,
    task_form_answers,
)
from rathaus.backoffice.worklist_forms import WorklistFilterForm
from rathaus.catalog.models import LocalService, Service
from rathaus.core.error_responses import form_error_add, message_error_add
from rathaus.core.errors import Conflict, DomainError, NotFound
from rathaus.federation.actors import request_actor
from rathaus.municipalities.models import Municipality
from rathaus.staff.models import Role
from rathaus.staff.permissions import office_access_allowed
from rathaus.workflow import selectors as workflow_selectors
from rathaus.workflow import services as workflow_services
from rathaus.workflow.forms import task_form
from rathaus.workflow.models import ModelVersion, WorkItem

WORKLIST_LIMIT = 200
# Running cases planned on the migration page at once (each plan reads the instance's state).
MIGRATION_LIMIT = 200

# The worklist's views: the slug in the address, the selector's name, the tab's label.
WORKLIST_VIEWS = (
    ("meine", "mine", gettext_lazy("Assigned to me")),
    ("team", "team", gettext_lazy("My team's")),
    ("nicht-zugewiesen", "unassigned", gettext_lazy("Not assigned")),
    ("ueberfaellig", "overdue", gettext_lazy("Overdue")),
)


def _ensure_case_handler(request: HttpRequest) -> None:
    if not workflow_selectors.handles_cases(user=request.user):
        raise NotFound(_("Only clerks who handle cases have a worklist."))


def _model_scope(request: HttpRequest) -> set[uuid.UUID] | None:
    scope = workflow_selectors.model_municipality_ids(user=request.user)
    if scope is not None and not scope:
        raise NotFound(_("Only the specialist administration keeps process models."))
    return scope


# --- The worklist ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    slug: str
    label: Any
    count: int
    current: bool


@require_safe
def task_list(request: HttpRequest) -> HttpResponse:
    _ensure_case_handler(request)
    views = {slug: view for slug, view, _label in WORKLIST_VIEWS}
    slug = request.GET.get("ansicht", "")
    if slug not in views:  # none or unknown: the clerk's own
        slug = "meine"
    view = views[slug]
    offices, services = workflow_selectors.worklist_choices(user=request.user)
    filter_form = WorklistFilterForm(request.GET, offices=offices, services=services)
    filters = filter_form.filters()
    items = list(
        workflow_selectors.worklist(user=request.user, view=view, filters=filters)[
            : WORKLIST_LIMIT + 1
        ]
    )
    counts = workflow_selectors.worklist_counts(user=request.user, filters=filters)
    tabs = [Tab(s, label, counts[v], s == slug) for s, v, label in WORKLIST_VIEWS]
    narrowed = request.GET.copy()
    narrowed.pop("ansicht", None)
    return render(
        request,
        "backoffice/workflow/tasks.html",
        {
            "tabs": tabs,
            "filter_form": filter_form,
            "filter_query": narrowed.urlencode(),
            "filtered": filters != workflow_selectors.WorklistFilter(),
            "current": next(tab for tab in tabs if tab.current),
            "items": items[:WORKLIST_LIMIT],
            "more": len(items) > WORKLIST_LIMIT,
            "limit": WORKLIST_LIMIT,
            "now": timezone.now(),
        },
    )


# --- A work item ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    label: Any
    value: Any


def _task_roles(item: WorkItem) -> list[str]:
    """Who may do the task (the team lead always), as the workflow checks it."""
    return [*item.roles, Role.TEAM_LEAD] if item.roles else [Role.CASE_WORKER, Role.TEAM_LEAD]


def _task_form(item: WorkItem) -> dict[str, Any] | None:
    """The task form of the item's model version its form key names (None: built-in or none)."""
    return task_form(files=item.instance.version.files, form_key=item.form)


def _result_rows(item: WorkItem) -> list[ResultRow]:
    """What the clerk gave when completing the task: the task form's fields (labelled as the
    form labels them) or the built-in form's, and the note."""
    result = item.result or {}
    definition = _task_form(item) if result else None
    if definition is not None:
        language = (get_language() or "de")[:2]
        rows = [ResultRow(*row) for row in task_form_answers(definition, result, language)]
        if "note" in (definition["schema"].get("properties") or {}):
            return rows  # the form's own note is among its fields
    else:
        rows = []
        for spec in TASK_FORMS.get(item.form.strip().casefold(), ()):
            if spec.name in result:
                value = result[spec.name]
                if spec.kind == "yes_no":
                    value = _("granted") if value else _("refused")
                rows.append(ResultRow(spec.label, value))
    if result.get("note"):
        rows.append(ResultRow(_("Result / note"), result["note"]))
    return rows


def _task_render(
    request: HttpRequest,
    item: WorkItem,
    *,
    complete_form: TaskCompleteForm | None = None,
    assign_form: TaskAssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    instance = item.instance
    is_open = item.status == WorkItem.Status.OPEN
    may_work = is_open and office_access_allowed(
        user=user, office=item.office, roles=_task_roles(item)
    )
    is_lead = office_access_allowed(user=user, office=item.office, roles=[Role.TEAM_LEAD])
    free_or_mine = item.assignee_id in (None, user.pk)
    steps = workflow_selectors.instance_steps(instance=instance)
    context: dict[str, Any] = {
        "item": item,
        "instance": instance,
        "submission_id": Submission.objects.filter(case_id=item.case_id)
        .values_list("pk", flat=True)
        .first(),
        "roles": [str(Role(role).label) for role in item.roles if role in Role.values],
        "steps": steps,
        "overdue": is_open and item.due_at is not None and item.due_at < timezone.now(),
        "is_open": is_open,
        "may_work": may_work,
        "mine": item.assignee_id == user.pk,
        "may_claim": may_work and item.assignee_id is None,
        "may_return": may_work and item.assignee_id is not None and (is_lead or free_or_mine),
        "may_complete": may_work and free_or_mine,
        "result_rows": _result_rows(item),
    }
    if may_work and (is_lead or free_or_mine):
        context["assign_form"] = assign_form or TaskAssignForm(
            clerks=workflow_selectors.work_item_assignees(item=item)
        )
    if context["may_complete"]:
        context["complete_form"] = complete_form or TaskCompleteForm(
            form_key=item.form, definition=_task_form(item)
        )
    return render(request, "backoffice/workflow/task.html", context, status=status)


def _item(request: HttpRequest, item_id: uuid.UUID) -> WorkItem:
    return workflow_selectors.work_item_get(user=request.user, item_id=item_id)


def _conflict(request: HttpRequest, item: WorkItem, error: Conflict) -> HttpResponse:
    """The task changed under the clerk (taken, done): say so, with the way back to it."""
    return render(
        request,
        "backoffice/workflow/conflict.html",
        {"item": item, "message": error.message},
        status=409,
    )


@require_safe
def task_detail(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    return _task_render(request, _item(request, item_id))


@require_POST
def task_claim(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = _item(request, item_id)
    try:
        workflow_services.work_item_claim(actor=request_actor(request), item_id=item.pk)
    except Conflict as error:
        return _conflict(request, item, error)
    messages.success(request, _("You are now working on this task."))
    return redirect("backoffice:task", item.pk)


@require_POST
def task_return(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """Give the task back to the queue of its office."""
    item = _item(request, item_id)
    try:
        workflow_services.work_item_assign(
            actor=request_actor(request), item_id=item.pk, assignee=None
        )
    except Conflict as error:
        return _conflict(request, item, error)
    messages.success(request, _("The task “%(name)s” is back in the queue.") % {"name": item.name})
    return redirect("backoffice:tasks")


@require_POST
def task_assign(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = _item(request, item_id)
    form = TaskAssignForm(request.POST, clerks=workflow_selectors.work_item_assignees(item=item))
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            workflow_services.work_item_assign(
                actor=request_actor(request), item_id=item.pk, assignee=assignee
            )
        except Conflict as error:
            return _conflict(request, item, error)
        except DomainError as error:
            form_error_add(form, error, default="assignee")
        else:
            messages.success(
                request,
                _("The task has been given to %(name)s.") % {"name": assignee.display_name},
            )
            return redirect("backoffice:task", item.pk)
    return _task_render(request, item, assign_form=form, status=400)


@require_POST
def task_complete(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """Complete the task with the form's data; the process goes on."""
    item = _item(request, item_id)
    form = TaskCompleteForm(request.POST, form_key=item.form, definition=_task_form(item))
    if form.is_valid():
        try:
            workflow_services.work_item_complete(
                actor=request_actor(request), item_id=item.pk, data=form.task_data()
            )
        except Conflict as error:
            return _conflict(request, item, error)
        except DomainError as error:
            form_error_add(form, error, default="note" if "note" in form.fields else None)
        else:
            messages.success(
                request,
                _("The task “%(name)s” of case %(reference)s is done.")
                % {"name": item.name, "reference": item.case.reference},
            )
            return redirect("backoffice:tasks")
    return _task_render(request, item, complete_form=form, status=400)


# --- Process models -------------------------------------------------------------------


def _upload_form(
    scope: set[uuid.UUID] | None, data: Any = None, files: Any = None
) -> VersionUploadForm:
    offers = LocalService.objects.all()
    municipalities = Municipality.objects.order_by("name")
    if scope is not None:
        offers = offers.filter(municipality_id__in=scope)
        municipalities = municipalities.filter(pk__in=scope)
    return VersionUploadForm(
        data,
        files,
        services=Service.objects.filter(pk__in=offers.values("service_id")).order_by("name_de"),
        municipalities=municipalities,
        installation_wide=scope is None,
        offers=lambda municipality, service: offers.filter(
            municipality=municipality, service=service
        ).exists(),
    )


def _models_render(
    request: HttpRequest,
    scope: set[uuid.UUID] | None,
    *,
    form: VersionUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "backoffice/workflow/models.html",
        {
            "models": workflow_selectors.process_models(municipality_ids=scope),
            "form": form or _upload_form(scope),
        },
        status=status,
    )


@require_safe
def process_models(request: HttpRequest) -> HttpResponse:
    return _models_render(request, _model_scope(request))


@require_POST
def process_version_upload(request: HttpRequest) -> HttpResponse:
    """Store and check a new version; it is a draft whatever the check says."""
    scope = _model_scope(request)
    form = _upload_form(scope, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = workflow_services.version_upload(
                actor=request_actor(request),
                service=data["service"],
                municipality=data["municipality"],
                files=form.uploaded_files(),
                note=data["note"],
            )
        except DomainError as error:
            form_error_add(form, error, fields={"files": "model_files"}, default="model_files")
        else:
            messages.success(
                request,
                (
                    _("Version %(number)d has been uploaded and checked; you can publish it.")
                    if version.runnable
                    else _(
                        "Version %(number)d has been uploaded, but the engine cannot run it: "
                        "see the check."
                    )
                )
                % {"number": version.number},
            )
            return redirect("backoffice:process-version", version.pk)
    return _models_render(request, scope, form=form, status=400)


def _version(request: HttpRequest, version_id: uuid.UUID) -> tuple[ModelVersion, bool]:
    """The version if its model is of the staff member's municipalities or installation-wide
    (NotFound otherwise), and whether they keep it (may publish it)."""
    scope = _model_scope(request)
    version = workflow_selectors.model_version_get(version_id=version_id)
    municipality_id = version.process_model.municipality_id
    if scope is not None and municipality_id is not None and municipality_id not in scope:
        raise NotFound(_("No such model version."))
    keeps = scope is None or municipality_id is not None
    return version, keeps


@require_safe
def process_version(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version, keeps = _version(request, version_id)
    refused, notes = workflow_selectors.check_lines_split(version=version)
    return render(
        request,
        "backoffice/workflow/version.html",
        {
            "version": version,
            "model": version.process_model,
            "files": [
                {**file, "size": len(file.get("text", "").encode())} for file in version.files
            ],
            "refused": refused,
            "notes": notes,
            "diagram": workflow_selectors.version_diagram(version=version),
            "may_publish": keeps
            and version.runnable
            and version.status == ModelVersion.Status.DRAFT,
            "may_migrate": keeps and version.status == ModelVersion.Status.PUBLISHED,
        },
    )


@require_safe
def process_version_file(request: HttpRequest, version_id: uuid.UUID, name: str) -> HttpResponse:
    """A file of the version as uploaded, to open in Camunda Modeler or bpmn.io."""
    version, _keeps = _version(request, version_id)
    file = workflow_selectors.version_file(version=version, name=name)
    response = HttpResponse(file["text"].encode("utf-8"), content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(True, file["name"])
    return response


@require_POST
def process_version_publish(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    version, _keeps = _version(request, version_id)
    try:
        workflow_services.version_publish(actor=request_actor(request), version_id=version.pk)
    except DomainError as error:  # not a runnable draft (any more): said on the page
        message_error_add(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)d is published: new cases of the service start it.")
            % {"number": version.number},
        )
    return redirect("backoffice:process-version", version.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def process_version_migrate(request: HttpRequest, version_id: uuid.UUID) -> HttpResponse:
    """The running cases of older versions of the model, what moving each to this (the
    published) version would do, and the move of the chosen ones."""
    version, keeps = _version(request, version_id)
    if not keeps or version.status != ModelVersion.Status.PUBLISHED:
        raise NotFound(_("Running cases move only to the published version of their model."))
    instances = workflow_services.instances_to_migrate(version=version)[:MIGRATION_LIMIT]
    plans = [
        workflow_services.instance_migration_plan(instance=instance, version=version)
        for instance in instances
    ]
    form = InstanceMigrationForm(request.POST if request.method == "POST" else None, plans=plans)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["instances"])
        moved = 0
        for instance in instances:
            if str(instance.pk) not in chosen:
                continue
            try:
                workflow_services.instance_migrate(
                    actor=request_actor(request), instance=instance, version=version
                )
            except Conflict as error:  # it moved on since the page was shown
                messages.error(request, f"{instance.case.reference}: {error.message}")
            else:
                moved += 1
        if moved:
            messages.success(
                request,
                ngettext(
                    "%(count)d case now runs version %(number)d.",
                    "%(count)d cases now run version %(number)d.",
                    moved,
                )
                % {"count": moved, "number": version.number},
            )
        return redirect("backoffice:process-version-migrate", version.pk)
    return render(
        request,
        "backoffice/workflow/migrate.html",
        {
            "version": version,
            "model": version.process_model,
            "plans": plans,
            "form": form,
            "limited": len(plans) == MIGRATION_LIMIT,
        },
        status=400 if form.errors else 200,
    )
