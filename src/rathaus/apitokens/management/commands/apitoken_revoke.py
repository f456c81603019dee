"""Revoke a token at once: `manage.py apitoken_revoke <prefix>`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.apitokens.models import ApiToken
from rathaus.apitokens.services import token_revoke
from rathaus.core.actors import Actor


class Command(BaseCommand):
    help = "Revoke an API token immediately."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="Public prefix of the token (rth_<prefix>_…)")

    def handle(self, *args: Any, **options: Any) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"No API token with prefix {options['prefix']}")
        token = token_revoke(actor=Actor.system("apitoken_revoke"), token=token)
        self.stdout.write(f"Revoked {token} at {token.revoked_at:%Y-%m-%d %H:%M %Z}")
