import pytest
from django.db import DatabaseError, connection, transaction

from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.audit_actions import register_actions
from rathaus.core.models import AuditEvent, AuditLogImmutableError
from rathaus.core.request_context import RequestContext, request_context
from rathaus.municipalities import services as municipality_services
from tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

register_actions(
    "tests",
    {
        "test.action": "An action of the audit tests.",
    },
)


def _event() -> AuditEvent:
    with transaction.atomic():
        return audit_record(actor=Actor.system("test"), action="test.action", details={"a": 1})


def test_system_actor_and_request_context_are_recorded():
    with request_context(RequestContext(ip_address="192.0.2.7", user_agent="pytest-agent")):
        event = _event()
    assert event.actor_type == "system"
    assert event.actor_label == "system"
    assert event.ip_address == "192.0.2.7"
    assert event.user_agent == "pytest-agent"
    assert event.occurred_at.tzinfo is not None


def test_user_actor_is_recorded(django_user_model):
    user = django_user_model.objects.create_user(username="clerk", password="x" * 16)
    with transaction.atomic():
        event = audit_record(actor=user, action="test.action")
    assert (event.actor_type, event.actor_id, event.actor_label) == ("user", str(user.pk), "clerk")


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=Actor.system("test"), action="test.action")


def test_model_update_and_delete_are_refused():
    event = _event()
    event.action = "tampered"
    with pytest.raises(AuditLogImmutableError):
        event.save()
    with pytest.raises(AuditLogImmutableError):
        event.delete()
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database triggers exist on PostgreSQL only"
)
def test_postgresql_triggers_refuse_raw_update_and_delete():
    event = _event()
    for sql in (
        "UPDATE core_auditevent SET action = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


def test_audit_event_rolls_back_with_the_change():
    """The event is written in the same transaction: a failed change leaves no event."""
    municipality = MunicipalityFactory()
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017
        municipality_services.municipality_update(
            actor=Actor.system("test"), municipality=municipality, ars="bad"
        )
    assert AuditEvent.objects.count() == before
