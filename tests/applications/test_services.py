import pytest

from rathaus.applications.models import FormDefinition
from rathaus.applications.services import (
    FormDefinitionImmutable,
    FormDefinitionInvalid,
    form_definition_create,
    form_definition_publish,
    form_definition_update,
)
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role
from rathaus.staff.permissions import StaffPermissionDenied
from tests.factories import LocalServiceFactory, OfficeFactory, ServiceFactory
from tests.staff.people import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_create_numbers_versions_per_service_and_audits(service, schema, ui, staff_user):
    first = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.person(staff_user)
    )
    second = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.person(staff_user)
    )
    other = form_definition_create(
        service=ServiceFactory(), schema=schema, ui=ui, actor=Actor.system("test")
    )
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert first.status == FormDefinition.Status.DRAFT
    assert first.created_by == staff_user and other.created_by is None
    event = AuditEvent.objects.get(action="form_definition.create", object_id=str(first.pk))
    assert event.actor_label == "fachadmin"
    assert event.details == {"service": str(service.pk), "version": 1}


def test_create_refuses_invalid_definitions_with_the_errors(service, schema, ui):
    ui["steps"][0]["fields"][0]["field"] = "/person/nickname"
    with pytest.raises(FormDefinitionInvalid) as exc:
        form_definition_create(service=service, schema=schema, ui=ui, actor=Actor.system("test"))
    assert exc.value.errors == [("/ui/steps/0/fields/0/field", "refers to an undeclared property")]
    assert not FormDefinition.objects.exists()


def test_update_changes_drafts_and_validates(service, schema, ui, staff_user):
    draft = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.person(staff_user)
    )
    ui["steps"][1]["title"] = {"de": "Ihre Hunde", "en": "Your dogs"}
    form_definition_update(definition=draft, schema=schema, ui=ui, actor=Actor.person(staff_user))
    draft.refresh_from_db()
    assert draft.ui["steps"][1]["title"]["de"] == "Ihre Hunde"
    assert AuditEvent.objects.filter(action="form_definition.update").count() == 1
    with pytest.raises(FormDefinitionInvalid):
        form_definition_update(
            definition=draft, schema=schema, ui={"steps": []}, actor=Actor.system("test")
        )


def test_published_versions_are_immutable_and_replaced(service, schema, ui, staff_user):
    v1 = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.person(staff_user)
    )
    v1 = form_definition_publish(definition=v1, actor=Actor.person(staff_user))
    assert v1.status == FormDefinition.Status.PUBLISHED and v1.published_at is not None
    with pytest.raises(FormDefinitionImmutable, match="create a new version"):
        form_definition_update(definition=v1, schema=schema, ui={}, actor=Actor.person(staff_user))
    with pytest.raises(FormDefinitionImmutable):
        form_definition_publish(definition=v1, actor=Actor.person(staff_user))
    v2 = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.person(staff_user)
    )
    form_definition_publish(definition=v2, actor=Actor.person(staff_user))
    v1.refresh_from_db()
    assert v1.status == FormDefinition.Status.RETIRED
    assert v1.ui == ui  # the old version keeps its content for drafts that started with it
    event = AuditEvent.objects.get(action="form_definition.publish", object_id=str(v2.pk))
    assert event.details == {"version": 2, "retired_versions": [1]}


def test_publish_revalidates_the_stored_definition(service, schema, ui):
    draft = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.system("test")
    )
    FormDefinition.objects.filter(pk=draft.pk).update(ui={"steps": []})
    with pytest.raises(FormDefinitionInvalid):
        form_definition_publish(definition=draft, actor=Actor.system("test"))
    draft.refresh_from_db()
    assert draft.status == FormDefinition.Status.DRAFT


def test_only_the_fachadministration_of_a_responsible_office_may_edit(service, schema, ui):
    local = LocalServiceFactory(service=service)
    other_office = OfficeFactory()
    allowed = make_staff("fach", (local.responsible_office, Role.SPECIALIST_ADMIN))
    case_worker = make_staff("sb", (local.responsible_office, Role.CASE_WORKER))
    elsewhere = make_staff("anders", (other_office, Role.SPECIALIST_ADMIN))
    for actor in (case_worker, elsewhere):
        with pytest.raises(StaffPermissionDenied):
            form_definition_create(service=service, schema=schema, ui=ui, actor=Actor.person(actor))
    draft = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.person(allowed)
    )
    with pytest.raises(StaffPermissionDenied):
        form_definition_update(
            definition=draft, schema=schema, ui=ui, actor=Actor.person(elsewhere)
        )
    with pytest.raises(StaffPermissionDenied):
        form_definition_publish(definition=draft, actor=Actor.person(case_worker))
    form_definition_publish(definition=draft, actor=Actor.person(allowed))
    assert FormDefinition.objects.get().status == FormDefinition.Status.PUBLISHED
