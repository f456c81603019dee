from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "rathaus.workflow"
    label = "workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        # Audit actions and event subscribers register themselves on import.
        from rathaus.municipalities.kek import data_key_rewrappers
        from rathaus.workflow import action_implementations, audit_actions, subscribers  # noqa: F401
        from rathaus.workflow.instance_state import data_keys_rewrap

        data_key_rewrappers.register("workflow")(data_keys_rewrap)
