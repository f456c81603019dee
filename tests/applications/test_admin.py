import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.applications.models import FormDefinition
from rathaus.applications.services import form_definition_create, form_definition_publish
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.staff.models import Role
from tests.factories import LocalServiceFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

URL = "/intern/admin/applications/formdefinition/"


@pytest.fixture
def staff_client(client, staff_user):
    login_with_mfa(client, staff_user)
    return client


def test_changelist_and_add_form_render(staff_client, service, schema, ui):
    form_definition_create(service=service, schema=schema, ui=ui, actor=Actor.system("test"))
    assert staff_client.get(URL).status_code == 200
    assert staff_client.get(URL + "add/").status_code == 200


def test_add_via_json_fields_goes_through_the_service(staff_client, service, schema, ui):
    response = staff_client.post(
        URL + "add/",
        {"service": service.pk, "schema": json.dumps(schema), "ui": json.dumps(ui)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    definition = FormDefinition.objects.get()
    assert definition.version == 1 and definition.ui == ui
    assert AuditEvent.objects.filter(action="form_definition.create").count() == 1


def test_upload_with_errors_shows_them_per_path(staff_client, service, schema, ui):
    ui["steps"][0]["fields"][0]["field"] = "/person/nickname"
    upload = SimpleUploadedFile(
        "form.json", json.dumps({"schema": schema, "ui": ui}).encode(), "application/json"
    )
    response = staff_client.post(
        URL + "add/", {"service": service.pk, "schema": "{}", "ui": "{}", "upload": upload}
    )
    assert response.status_code == 200
    assert "/ui/steps/0/fields/0/field: verweist auf eine nicht deklarierte Eigenschaft" in (
        response.content.decode()
    )
    assert not FormDefinition.objects.exists()


def test_valid_upload_is_stored(staff_client, service, schema, ui):
    upload = SimpleUploadedFile("form.json", json.dumps({"schema": schema, "ui": ui}).encode())
    response = staff_client.post(
        URL + "add/", {"service": service.pk, "schema": "{}", "ui": "{}", "upload": upload}
    )
    assert response.status_code == 302
    assert FormDefinition.objects.get().schema == schema


def test_preview_lists_steps_and_fields_escaped(staff_client, service, schema, ui):
    ui["steps"][0]["fields"][0]["label"]["de"] = "<b>Name</b>"
    definition = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.system("test")
    )
    page = staff_client.get(f"{URL}{definition.pk}/change/").content.decode()
    assert "<h3>Person / Person</h3>" in page
    assert "&lt;b&gt;Name&lt;/b&gt; / Name" in page
    assert "<code>/person/company</code> — Wie im Register / As registered" in page


def test_published_versions_are_read_only(staff_client, service, schema, ui):
    definition = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.system("test")
    )
    form_definition_publish(definition=definition, actor=Actor.system("test"))
    url = f"{URL}{definition.pk}/change/"
    page = staff_client.get(url).content.decode()
    assert 'name="ui"' not in page and "<h3>Person / Person</h3>" in page
    staff_client.post(url, {"service": service.pk, "schema": "{}", "ui": "{}"})
    definition.refresh_from_db()
    assert definition.ui == ui
    assert staff_client.post(f"{URL}{definition.pk}/delete/", {"post": "yes"}).status_code == 403


def test_publish_action(staff_client, service, schema, ui):
    definition = form_definition_create(
        service=service, schema=schema, ui=ui, actor=Actor.system("test")
    )
    response = staff_client.post(
        URL, {"action": "publish", "_selected_action": [str(definition.pk)]}, follow=True
    )
    assert "Veröffentlicht" in response.content.decode()
    definition.refresh_from_db()
    assert definition.status == FormDefinition.Status.PUBLISHED


def test_staff_without_fachadministration_get_an_error_not_a_row(client, service, schema, ui):
    from django.contrib.auth.models import Permission

    office = LocalServiceFactory(service=service).responsible_office
    user = make_staff("sb", (office, Role.CASE_WORKER))
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="formdefinition"))
    login_with_mfa(client, user)
    response = client.post(
        URL + "add/",
        {"service": service.pk, "schema": json.dumps(schema), "ui": json.dumps(ui)},
    )
    assert response.status_code == 200
    assert "Nur die Fachadministration einer zuständigen Stelle" in response.content.decode()
    assert not FormDefinition.objects.exists()


def test_deeply_nested_upload_is_a_form_error_not_a_500(staff_client, service):
    upload = SimpleUploadedFile("form.json", b"[" * 5000 + b"]" * 5000)
    response = staff_client.post(
        URL + "add/", {"service": service.pk, "schema": "{}", "ui": "{}", "upload": upload}
    )
    assert response.status_code == 200
    assert "64" in response.content.decode()
    assert not FormDefinition.objects.exists()
