import pytest
from django.urls import reverse

from rathaus.applications.submissions import submission_create
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.municipalities.models import Municipality
from tests.factories import (
    DraftFactory,
    LocalServiceFactory,
    MunicipalityFactory,
    OpeningHoursFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

MODELS = [
    "municipalities/municipality",
    "municipalities/office",
    "catalog/service",
    "catalog/lifesituation",
    "catalog/localservice",
    "core/auditevent",
    "municipalities/accessibilityfeedback",
    "accounts/user",
    "applications/submission",
    "applications/draft",
    "applications/referencecounter",
]


def test_admin_is_for_staff_only(client, django_user_model):
    response = client.get("/intern/admin/municipalities/municipality/")
    assert response.status_code == 302
    # Staff log in through the login with a second factor, never the admin's own form.
    assert response["Location"].startswith(reverse("account_login"))
    citizen = django_user_model.objects.create_user(username="citizen", password="pw-" * 6)
    client.force_login(citizen)
    assert client.get("/intern/admin/municipalities/municipality/").status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_changelists_and_add_forms_render(staff_client, model):
    LocalServiceFactory()
    OpeningHoursFactory()
    submission_create(draft=(draft := DraftFactory()), actor=Actor.person(draft.applicant))
    assert staff_client.get(f"/intern/admin/{model}/").status_code == 200
    read_only = {
        "core/auditevent",
        "municipalities/accessibilityfeedback",
        "applications/submission",
        "applications/draft",
        "applications/referencecounter",
    }
    expected = 403 if model in read_only else 200
    assert staff_client.get(f"/intern/admin/{model}/add/").status_code == expected


def _municipality_form(**overrides):
    data = {
        "slug": "neustadt",
        "name": "Neustadt",
        "kind": "stadt",
        "ars": "071355006099",
        "ags": "07135099",
        "land": "07",
        "accent": "blue",
        "postal_areas-TOTAL_FORMS": "1",
        "postal_areas-INITIAL_FORMS": "0",
        "postal_areas-0-postcode": "56766",
        "postal_areas-0-place_name": "Neustadt",
    }
    return {**data, **overrides}


def test_admin_changes_are_audited(staff_client):
    response = staff_client.post(
        "/intern/admin/municipalities/municipality/add/", _municipality_form()
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    municipality = Municipality.objects.get(slug="neustadt")
    created = AuditEvent.objects.get(action="municipality.create")
    assert created.actor_label == "admin"
    assert created.details["via"] == "admin"
    # The admin writes through the services (one change, one audit name), marked as admin.
    assert AuditEvent.objects.filter(action="postal_area.create", details__via="admin").exists()
    assert not AuditEvent.objects.filter(action="postalarea.create").exists()

    url = reverse("admin:municipalities_municipality_change", args=[municipality.pk])
    form = _municipality_form(
        name="Neustadt an der Mosel",
        **{"postal_areas-INITIAL_FORMS": "1", "postal_areas-0-id": str(municipality.postal_areas.get().pk),
           "postal_areas-0-municipality": str(municipality.pk)},
    )  # fmt: skip
    assert staff_client.post(url, form).status_code == 302
    updated = AuditEvent.objects.get(action="municipality.update")
    assert updated.details["name"] == ["Neustadt", "Neustadt an der Mosel"]

    municipality.postal_areas.all().delete()
    delete_url = reverse("admin:municipalities_municipality_delete", args=[municipality.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    deleted = AuditEvent.objects.get(action="municipality.delete")
    assert deleted.details["ars"] == "071355006099"


def test_admin_refuses_invalid_keys_with_a_message(staff_client):
    response = staff_client.post(
        "/intern/admin/municipalities/municipality/add/", _municipality_form(ars="12")
    )
    assert response.status_code == 200
    assert "12 digits" in response.content.decode() or "12 Ziffern" in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="municipality.").exists()


def test_audit_trail_cannot_be_changed_in_admin(staff_client):
    MunicipalityFactory()
    from django.db import transaction

    from rathaus.core.actors import Actor
    from rathaus.core.audit import audit_record

    with transaction.atomic():
        event = audit_record(actor=Actor.system("test"), action="outbox.retry")
    url = reverse("admin:core_auditevent_change", args=[event.pk])
    response = staff_client.post(url, {"action": "tampered"})
    assert response.status_code == 403
    assert (
        staff_client.post(
            reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
