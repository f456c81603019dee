import datetime as dt
import hashlib

import pytest
from django.apps import apps
from django.utils import timezone

from rathaus.apitokens.models import ApiToken
from rathaus.apitokens.selectors import TokenInvalid, token_authenticate
from rathaus.apitokens.services import (
    USE_RECORD_INTERVAL,
    client_create,
    token_issue,
    token_record_use,
    token_revoke,
    token_rotate,
)
from rathaus.core.actors import Actor
from rathaus.core.errors import DomainError
from rathaus.core.models import AuditEvent
from rathaus.core.request_context import RequestContext, request_context

pytestmark = pytest.mark.django_db


def all_stored_text() -> str:
    """Every value of every row of every table, as one string."""
    chunks = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*fields):
            chunks.append(repr(row))
    return "\n".join(chunks)


def test_issued_token_is_stored_only_as_a_digest(issued):
    plaintext = issued.plaintext
    assert plaintext.startswith(f"rth_{issued.token.prefix}_")
    secret = plaintext.split("_", 2)[2]
    assert len(secret) >= 43  # 256 bits, URL-safe base64
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = all_stored_text()
    assert secret not in stored
    assert plaintext not in stored
    assert AuditEvent.objects.filter(action="apitoken.issue", object_id=str(token.pk)).exists()


def test_authenticate_accepts_the_token_and_refuses_variations(issued):
    assert token_authenticate(raw=issued.plaintext).pk == issued.token.pk
    prefix, secret = issued.plaintext.split("_", 2)[1:]
    wrong = [
        f"rth_{prefix}_{secret[:-1]}x" if secret[-1] != "x" else f"rth_{prefix}_{secret[:-1]}y",
        f"rth_000000000000_{secret}",
        f"xyz_{prefix}_{secret}",
        f"rth_{prefix}",
        "",
        secret,
    ]
    for raw in wrong:
        with pytest.raises(TokenInvalid):
            token_authenticate(raw=raw)


def test_token_expires_at_its_expiry(api_client):
    expires_at = timezone.now() + dt.timedelta(days=1)
    issued = token_issue(actor=Actor.system("tests"), client=api_client, expires_at=expires_at)
    before = expires_at - dt.timedelta(microseconds=1)
    assert token_authenticate(raw=issued.plaintext, at=before).pk == issued.token.pk
    with pytest.raises(TokenInvalid):
        token_authenticate(raw=issued.plaintext, at=expires_at)


def test_issue_refuses_an_expiry_in_the_past(api_client):
    with pytest.raises(DomainError):
        token_issue(actor=Actor.system("tests"), client=api_client, expires_at=timezone.now())


def test_default_lifetime_comes_from_settings(api_client, settings):
    settings.RATHAUS_API_TOKEN_LIFETIME_DAYS = 30
    issued = token_issue(actor=Actor.system("tests"), client=api_client)
    lifetime = issued.token.expires_at - timezone.now()
    assert dt.timedelta(days=29, hours=23) < lifetime <= dt.timedelta(days=30)


def test_revoked_token_stops_working_at_once(issued):
    token_revoke(actor=Actor.system("tests"), token=issued.token)
    with pytest.raises(TokenInvalid):
        token_authenticate(raw=issued.plaintext)
    first = ApiToken.objects.get(pk=issued.token.pk).revoked_at
    token_revoke(actor=Actor.system("tests"), token=issued.token)  # again: no new event, same time
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at == first
    assert AuditEvent.objects.filter(action="apitoken.revoke").count() == 1


def test_rotation_keeps_the_old_token_for_the_grace_period(issued, settings):
    settings.RATHAUS_API_TOKEN_ROTATION_GRACE_HOURS = 2
    start = timezone.now()
    new = token_rotate(actor=Actor.system("tests"), token=issued.token)
    assert new.plaintext != issued.plaintext
    assert new.token.rotated_from_id == issued.token.pk
    old = ApiToken.objects.get(pk=issued.token.pk)
    assert start + dt.timedelta(hours=2) <= old.expires_at <= timezone.now() + dt.timedelta(hours=2)
    in_grace = start + dt.timedelta(hours=1, minutes=59)
    after_grace = timezone.now() + dt.timedelta(hours=2)
    assert token_authenticate(raw=issued.plaintext, at=in_grace).pk == old.pk
    with pytest.raises(TokenInvalid):
        token_authenticate(raw=issued.plaintext, at=after_grace)
    assert token_authenticate(raw=new.plaintext, at=after_grace).pk == new.token.pk
    event = AuditEvent.objects.get(action="apitoken.rotate")
    assert event.details["rotated_from"] == str(old.pk)


def test_rotation_grace_never_extends_a_token(api_client):
    soon = timezone.now() + dt.timedelta(hours=1)
    issued = token_issue(actor=Actor.system("tests"), client=api_client, expires_at=soon)
    token_rotate(actor=Actor.system("tests"), token=issued.token, grace=dt.timedelta(hours=24))
    assert ApiToken.objects.get(pk=issued.token.pk).expires_at == soon


def test_a_token_is_rotated_once_and_only_while_active(issued):
    token_rotate(actor=Actor.system("tests"), token=issued.token)
    with pytest.raises(DomainError):
        token_rotate(actor=Actor.system("tests"), token=issued.token)
    other = token_issue(actor=Actor.system("tests"), client=issued.token.client)
    token_revoke(actor=Actor.system("tests"), token=other.token)
    with pytest.raises(DomainError):
        token_rotate(actor=Actor.system("tests"), token=other.token)


def test_use_is_audited_with_address_at_most_once_a_minute(issued):
    start = timezone.now()
    ctx = RequestContext(ip_address="198.51.100.7", user_agent="Fachverfahren/2.1")
    with request_context(ctx):
        assert token_record_use(token=issued.token, at=start) is True
        assert token_record_use(token=issued.token, at=start + dt.timedelta(seconds=59)) is False
        later = start + USE_RECORD_INTERVAL
        assert token_record_use(token=issued.token, at=later) is True
    events = list(AuditEvent.objects.filter(action="apitoken.use").order_by("id"))
    assert len(events) == 2
    assert {(e.ip_address, e.user_agent) for e in events} == {("198.51.100.7", "Fachverfahren/2.1")}
    assert events[0].details["client_name"] == "Gewerbeverfahren"
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == later


def test_clients_accept_only_known_scopes(issued):
    with pytest.raises(DomainError) as exc:
        client_create(
            actor=Actor.system("tests"),
            name="Other",
            municipality=issued.token.client.municipality,
            scopes=["catalog:read", "catalog:delete"],
        )
    assert exc.value.field == "scopes"
    assert "catalog:delete" in exc.value.message
