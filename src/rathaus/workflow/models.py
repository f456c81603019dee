"""Process models and their versions, running instances, and the work items of clerks."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.cases.models import Case
from rathaus.catalog.models import PerServiceDocument
from rathaus.core.models import BaseModel
from rathaus.municipalities.models import Office


def _user(name: Any, *, null: bool = True) -> "models.ForeignKey[Any, Any]":
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=name,
    )


class ProcessModel(PerServiceDocument):
    """The process of one online service in one municipality (or, without a municipality,
    of every municipality that has none of its own)."""

    class Meta:
        ordering = ["service__name_de"]
        verbose_name = _("process model")
        verbose_name_plural = _("process models")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "service"], name="workflow_model_per_service"
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(municipality__isnull=True),
                name="workflow_model_installation_wide",
            ),
        ]


class ModelVersion(BaseModel):
    """One uploaded version of a process model: its BPMN and DMN files, checked; published
    versions start new instances (the latest published one), running instances keep theirs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    process_model = models.ForeignKey(
        ProcessModel,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("process model"),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # [{"name": "hund.bpmn", "kind": "bpmn" | "dmn", "sha256": "…", "text": "<?xml …"}]
    files = models.JSONField(_("files"), default=list)
    main_process = models.CharField(_("main process"), max_length=200, blank=True)
    check_report = models.JSONField(_("check"), default=list)  # lines of model_check
    runnable = models.BooleanField(_("runnable"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = _user(_("uploaded by"))
    published_by = _user(_("published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["process_model", "-number"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        constraints = [
            models.UniqueConstraint(
                fields=["process_model", "number"], name="workflow_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process_model} v{self.number}"


class ProcessInstance(BaseModel):
    """One run of a process for one case; its state is SpiffWorkflow's JSON."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("stopped by an error")
        CANCELLED = "cancelled", _("cancelled")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, related_name="instances", verbose_name=_("version")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    # The engine's JSON state, compressed and encrypted under the instance's own data key
    # (`workflow.instance_state`); `state` only holds one written before encryption.
    state = models.TextField(_("state (unencrypted, before encryption)"), blank=True)
    state_encrypted = models.BinaryField(_("state (encrypted)"), blank=True, default=b"")
    data_key_wrapped = models.CharField(_("wrapped data key"), max_length=300, blank=True)
    # When the earliest timer of the instance is due (the hourly sweep and the outbox wake it).
    wake_at = models.DateTimeField(_("next timer"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    # The elements the instance has passed and where it stands (for the diagram and history).
    completed_elements = models.JSONField(_("completed elements"), default=list)
    active_elements = models.JSONField(_("active elements"), default=list)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("process instance")
        verbose_name_plural = _("process instances")
        indexes = [
            models.Index(fields=["status", "wake_at"], name="workflow_instance_wake"),
            models.Index(fields=["case"], name="workflow_instance_case"),
        ]

    def __str__(self) -> str:
        return f"{self.version} – {self.case_id}"


class WorkItem(BaseModel):
    """A user task waiting for a clerk of the case's office: in the queue of its roles, claimed
    by or assigned to one clerk, done with the form's data."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    instance = models.ForeignKey(
        ProcessInstance,
        on_delete=models.CASCADE,
        related_name="work_items",
        verbose_name=_("process instance"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("case")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    task_id = models.CharField(_("engine task"), max_length=64)
    element = models.CharField(_("element"), max_length=200)
    name = models.CharField(_("task"), max_length=300)
    roles = models.JSONField(_("roles"), default=list)
    form = models.CharField(_("form"), max_length=200, blank=True)
    # Four eyes (Mitzeichnung/Zeichnung): the element whose author may not do this task.
    approves = models.CharField(_("approves"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    assignee = _user(_("assigned to"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    completed_by = _user(_("done by"))
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["due_at", "created_at"]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        constraints = [
            models.UniqueConstraint(fields=["instance", "task_id"], name="workflow_item_once"),
        ]
        indexes = [
            models.Index(fields=["office", "status", "due_at"], name="workflow_item_queue"),
            models.Index(fields=["assignee", "status"], name="workflow_item_assignee"),
        ]

    def __str__(self) -> str:
        return self.name
