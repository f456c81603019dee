"""Audit actions of accounts: authentication, MFA, profile, consent, account life cycle."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "accounts",
    {
        "auth.signup": "A person registered an account.",
        "auth.login": "A person logged in with password.",
        "auth.login_failed": "A login failed (unknown account or wrong password).",
        "auth.logout": "A person logged out.",
        "auth.lockout": "An account or address was locked after too many failed logins.",
        "auth.session_timeout": "A session ended after inactivity or its maximum age.",
        "auth.password_change": "A person changed their password.",
        "auth.password_set": "A person set a password (account without one before).",
        "auth.password_reset": "A person reset their password through the e-mail link.",
        "auth.email_added": "An e-mail address was added to an account.",
        "auth.email_changed": "The primary e-mail address of an account changed.",
        "auth.email_removed": "An e-mail address was removed from an account.",
        "auth.email_verified": "An e-mail address was confirmed.",
        "mfa.add": "A second factor (TOTP, WebAuthn, recovery codes) was added.",
        "mfa.remove": "A second factor was removed.",
        "mfa.reset": "The recovery codes of an account were regenerated.",
        "mfa.authenticate": "A person passed the second-factor check.",
        "mfa.authenticate_failed": "A second-factor check was refused.",
        "account.profile_update": "A person's profile data were changed (changed fields).",
        "account.delete": "An account was deleted (its personal data erased).",
        "account.inactivity_warning": "An inactive account's owner was warned of its deletion.",
        "consent.give": "A person gave a consent (e.g. to a purpose of processing).",
        "consent.revoke": "A person revoked a consent.",
        "user.create": "An account was created in the admin (username, kind, rights; never "
        "the password).",
        "user.update": "An account was changed in the admin (rights, groups and permissions "
        "old and new; other fields by name only).",
        "user.delete": "An account was deleted in the admin (username and kind).",
        "user.password_set": "An account's password was set in the admin (never the password "
        "or its hash).",
    },
)
