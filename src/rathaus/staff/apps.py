from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "rathaus.staff"
    label = "staff"
    verbose_name = _("Staff access")

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals

        from rathaus.staff.middleware import second_factor_forget
        from rathaus.staff.models import RoleAssignment
        from rathaus.staff.role_memo import role_memo_forget

        # A request that changes a role assignment reads the roles anew (rathaus.staff.role_memo).
        post_save.connect(
            role_memo_forget, sender=RoleAssignment, dispatch_uid="staff_role_memo_saved"
        )
        post_delete.connect(
            role_memo_forget, sender=RoleAssignment, dispatch_uid="staff_role_memo_deleted"
        )
        # A second factor removed in this request: the staff area asks again on the next page.
        mfa_signals.authenticator_removed.connect(
            second_factor_forget, dispatch_uid="staff_second_factor_forget"
        )
