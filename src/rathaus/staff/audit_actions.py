"""Audit actions of staff: roles and the directory (LDAP) link."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "staff",
    {
        "staff.role.assign": "A role in an office was assigned to a member of staff.",
        "staff.role.revoke": "A role assignment was revoked.",
        "staff.role.directory_sync": "Roles were synchronised from the directory's groups.",
        "staff.directory_email.confirm": "A directory login's e-mail address was confirmed.",
        "staff.directory_login.refused": "A directory login was refused.",
    },
)
