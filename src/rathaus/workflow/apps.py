from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "rathaus.workflow"
    label = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        # Audit actions and event subscribers register themselves on import.
        from rathaus.workflow import action_implementations, audit_actions, subscribers  # noqa: F401
