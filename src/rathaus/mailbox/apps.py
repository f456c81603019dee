from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "rathaus.mailbox"
    label = "mailbox"
    verbose_name = _("Mailbox")

    def ready(self) -> None:
        # Audit actions and event subscribers register themselves on import.
        from rathaus.mailbox import audit_actions, subscribers  # noqa: F401
        from rathaus.mailbox.content import data_keys_rewrap
        from rathaus.municipalities.kek import data_key_rewrappers

        data_key_rewrappers.register("mailbox")(data_keys_rewrap)
