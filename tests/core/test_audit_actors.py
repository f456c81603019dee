"""Who the audit trail records (person with level of assurance, API client as itself, the
system's job), the municipality (tenant) of an event, and the registered set of actions."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory

from rathaus.apitokens.services import client_create, token_issue
from rathaus.core.actors import Actor, ActorKind, actor_of
from rathaus.core.audit import audit_record
from rathaus.core.audit_actions import (
    UnregisteredAuditActionError,
    actions_markdown,
    all_actions,
    register_actions,
)
from rathaus.core.models import AuditEvent
from rathaus.federation.actors import request_actor
from rathaus.federation.levels import TrustLevel
from rathaus.federation.services import session_trust_set
from rathaus.municipalities import services as municipality_services
from tests.applications.inbox_data import make_submission
from tests.factories import MunicipalityFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _record(**kwargs) -> AuditEvent:
    with transaction.atomic():
        return audit_record(**kwargs)


# --- Actors -------------------------------------------------------------------------------


def test_a_person_is_recorded_with_the_level_of_assurance():
    user = UserFactory(username="erika")
    event = _record(
        actor=Actor.person(user, level_of_assurance="substantial"), action="outbox.retry"
    )
    assert (event.actor_type, event.actor_id, event.actor_label) == ("user", str(user.pk), "erika")
    assert event.level_of_assurance == "substantial"


def test_request_actor_carries_the_sessions_level_of_assurance():
    user = UserFactory()
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user
    session_trust_set(request=request, level=TrustLevel.HIGH, method="eid", provider="bund")
    actor = request_actor(request)
    assert actor.kind is ActorKind.PERSON and actor.user == user
    assert actor.level_of_assurance == TrustLevel.HIGH.key
    assert _record(actor=actor, action="outbox.retry").level_of_assurance == TrustLevel.HIGH.key


def test_the_system_is_recorded_with_its_job():
    event = _record(actor=Actor.system("inactive_accounts"), action="outbox.retry")
    assert (event.actor_type, event.actor_id, event.actor_label) == (
        "system",
        "inactive_accounts",
        "system",
    )
    assert event.level_of_assurance == ""


def test_users_clients_and_none_convert_to_actors_during_the_transition():
    user = UserFactory()
    municipality = MunicipalityFactory()
    client = client_create(
        actor=Actor.system("tests"), name="Fach", municipality=municipality, scopes=[]
    )
    assert actor_of(user) == Actor.person(user)
    assert actor_of(client).kind is ActorKind.API_CLIENT
    assert actor_of(None, job="x") == Actor.system("x")
    assert _record(actor=user, action="outbox.retry").actor_type == "user"
    assert _record(actor=client, action="outbox.retry").actor_type == "api_client"


def test_an_api_client_is_recorded_as_itself_with_its_municipality(client):
    municipality = MunicipalityFactory()
    api_client = client_create(
        actor=Actor.system("tests"), name="Fach", municipality=municipality, scopes=[]
    )
    issued = token_issue(actor=Actor.system("tests"), client=api_client)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {issued.plaintext}")
    assert response.status_code == 200
    use = AuditEvent.objects.get(action="apitoken.use")
    assert (use.actor_type, use.actor_id, use.actor_label) == (
        "api_client",
        str(api_client.pk),
        "Fach",
    )
    assert use.municipality_id == municipality.pk
    # Issuing by the command-line job: the system, in the client's municipality.
    issue = AuditEvent.objects.get(action="apitoken.issue")
    assert (issue.actor_type, issue.actor_id) == ("system", "tests")
    assert issue.municipality_id == municipality.pk


def test_a_status_change_through_the_api_is_recorded_as_the_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    submission = make_submission()
    api_client = client_create(
        actor=Actor.system("tests"),
        name="Fachverfahren",
        municipality=submission.municipality,
        scopes=["applications:read", "applications:write"],
    )
    token = token_issue(actor=Actor.system("tests"), client=api_client).plaintext
    response = client.post(
        f"/api/v1/submissions/{submission.pk}/status/",
        json.dumps({"status": "decided", "note": "Bescheid erlassen"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="submission.status", object_id=str(submission.pk))
    assert (event.actor_type, event.actor_id) == ("api_client", str(api_client.pk))
    assert event.municipality_id == submission.municipality.pk


# --- Municipality (tenant) ----------------------------------------------------------------


def test_the_municipality_comes_from_the_argument_the_object_or_the_client():
    municipality = MunicipalityFactory()
    other = MunicipalityFactory()
    office = OfficeFactory(municipality=municipality)
    system = Actor.system("tests")
    assert _record(actor=system, action="outbox.retry", obj=office).municipality_id == (
        municipality.pk
    )
    assert _record(actor=system, action="outbox.retry", obj=municipality).municipality_id == (
        municipality.pk
    )
    explicit = _record(actor=system, action="outbox.retry", obj=office, municipality=other)
    assert explicit.municipality_id == other.pk
    assert _record(actor=system, action="outbox.retry").municipality_id is None
    api_client = client_create(actor=system, name="F", municipality=other, scopes=[])
    by_client = _record(actor=Actor.api_client(api_client), action="outbox.retry")
    assert by_client.municipality_id == other.pk


def test_a_service_change_records_its_municipality():
    municipality = MunicipalityFactory()
    area = municipality_services.postal_area_create(
        actor=Actor.system("tests"),
        municipality=municipality,
        postcode="56812",
        place_name="Cochem",
    )
    event = AuditEvent.objects.get(action="postal_area.create", object_id=str(area.pk))
    assert event.municipality_id == municipality.pk


# --- The registered set of actions --------------------------------------------------------


def test_an_unregistered_action_is_refused_and_nothing_is_written():
    before = AuditEvent.objects.count()
    with pytest.raises(UnregisteredAuditActionError, match=r"not registered.*audit_actions\.py"):
        _record(actor=Actor.system("tests"), action="made.up")
    assert AuditEvent.objects.count() == before


def test_registering_needs_a_dotted_name_a_description_and_no_conflict():
    with pytest.raises(ValueError, match="dotted"):
        register_actions("tests", {"Nodot": "x"})
    with pytest.raises(ValueError, match="description"):
        register_actions("tests", {"tests.empty": " "})
    with pytest.raises(ValueError, match="already registered"):
        register_actions("tests", {"outbox.retry": "Something else."})


def test_every_action_written_in_the_code_is_registered():
    names = {action.name for action in all_actions()}
    # A sample of each app's actions, and the generic admin actions of an audited model.
    assert {
        "apitoken.use",
        "auth.login",
        "federation.login",
        "municipality.update",
        "payment.paid",
        "proxy.grant",
        "staff.role.assign",
        "submission.status",
        "outbox.retry",
        "consenttext.update",
    } <= names


def test_the_generated_document_is_up_to_date():
    """docs/audit-actions.md is what `manage.py audit_actions_doc` generates (in a fresh
    process, so the test-only actions registered above do not count)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "audit_actions_doc", "--check"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_check_fails_when_the_document_drifted(tmp_path: Path):
    stale = tmp_path / "audit-actions.md"
    stale.write_text(actions_markdown().replace("outbox.retry", "outbox.retried"))
    with pytest.raises(CommandError, match="out of date"):
        call_command("audit_actions_doc", "--check", "--output", str(stale))
    call_command("audit_actions_doc", "--output", str(stale))
    assert stale.read_text() == actions_markdown()
