"""Rotate a token: `manage.py apitoken_rotate <prefix> [--grace-hours N]`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.apitokens.models import ApiToken
from rathaus.apitokens.services import token_rotate
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue a successor for a token; the old one stays valid for a grace period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="Public prefix of the token (rth_<prefix>_…)")
        parser.add_argument("--grace-hours", type=float, help="Default from settings")

    def handle(self, *args: Any, **options: Any) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"No API token with prefix {options['prefix']}")
        grace = (
            dt.timedelta(hours=options["grace_hours"])
            if options["grace_hours"] is not None
            else None
        )
        try:
            issued = token_rotate(actor=Actor.system("apitoken_rotate"), token=token, grace=grace)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        token.refresh_from_db()
        self.stderr.write(f"Old token valid until {token.expires_at:%Y-%m-%d %H:%M %Z}. New token:")
        self.stdout.write(issued.plaintext)
