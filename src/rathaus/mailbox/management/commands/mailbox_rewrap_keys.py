"""`manage.py mailbox_rewrap_keys [--municipality SLUG]`: `keys_rewrap` for the Postfach only
(its threads' and messages' data keys). Audited per municipality."""

from rathaus.municipalities.management.commands.keys_rewrap import Command as KeysRewrap


class Command(KeysRewrap):
    help = "Re-wrap the Postfach's data keys with each municipality's current KEK."
    only = "mailbox"
