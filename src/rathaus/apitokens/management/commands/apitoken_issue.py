"""Issue a token for an API client: `manage.py apitoken_issue <client-id> [--days N]`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rathaus.apitokens.models import ApiClient
from rathaus.apitokens.services import token_issue
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue a new API token for a client and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client", help="UUID of the API client")
        parser.add_argument("--days", type=int, help="Lifetime in days (default from settings)")

    def handle(self, *args: Any, **options: Any) -> None:
        client = ApiClient.objects.filter(pk=options["client"]).first()
        if client is None:
            raise CommandError(f"No API client {options['client']}")
        expires_at = (
            timezone.now() + dt.timedelta(days=options["days"]) if options["days"] else None
        )
        try:
            issued = token_issue(
                actor=Actor.system("apitoken_issue"), client=client, expires_at=expires_at
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Token for {client} (expires {issued.token.expires_at:%Y-%m-%d}):")
        self.stdout.write(issued.plaintext)
