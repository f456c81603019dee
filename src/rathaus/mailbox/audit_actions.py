"""Audit actions of the Postfach."""

from rathaus.core.audit_actions import register_actions

register_actions(
    "mailbox",
    {
        "mailbox.thread_start": "A thread was started with its first message.",
        "mailbox.message_send": "A message was sent into a thread (and delivered).",
        "mailbox.message_retrieve": "The recipient opened a message for the first time.",
        "mailbox.thread_archive": "A mailbox archived a thread or took it back to the inbox.",
        "mailbox.attachment_scan": (
            "A file sent with a message was scanned again (clean, infected or no verdict)."
        ),
        "mailbox.draft_save": "A message was kept as a draft (not sent, delivered to nobody).",
        "mailbox.draft_discard": "A draft was deleted (or replaced, or sent).",
        "mailbox.keys_rewrap": (
            "The data keys of a municipality's Postfach were wrapped with its current KEK."
        ),
        "mailbox.thread_assign": "A thread of an office was assigned to a clerk (or no one).",
        "mailbox.notify_set": "The owner of a mailbox chose how to be told of new mail.",
        "mailbox.digest_sent": "The owner of a mailbox was sent the daily digest of new mail.",
        "mailbox.notification_sent": "The owner of a mailbox was told of new mail by e-mail.",
        "mailbox.act_provide": "An administrative act was provided for retrieval (§41 (2a) VwVfG).",
        "mailbox.act_notified": "A provided act was retrieved: notified on the next day.",
        "mailbox.act_provision_ended": (
            "A provided act was not retrieved in time: notification did not take place."
        ),
    },
)
