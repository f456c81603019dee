"""The admin writes through the services where a service writes the model too, so one change
is audited under one name (the service's), marked `via: admin`."""

import pytest
from django.urls import reverse

from rathaus.core.models import AuditEvent
from rathaus.municipalities.models import Office
from tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def _office_form(municipality, **overrides):
    data = {
        "municipality": str(municipality.pk),
        "kind": "office",
        "slug": "buergerbuero",
        "name": "Bürgerbüro",
        "street": "Markt 1",
        "postcode": "56812",
        "city": "Cochem",
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_exceptions-TOTAL_FORMS": "1",
        "opening_exceptions-INITIAL_FORMS": "0",
        "opening_exceptions-0-date": "2027-12-24",
        "opening_exceptions-0-closed": "on",
    }
    return {**data, **overrides}


def test_office_edits_in_the_admin_go_through_the_services(staff_client):
    municipality = MunicipalityFactory()
    response = staff_client.post(
        reverse("admin:municipalities_office_add"), _office_form(municipality)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    office = Office.objects.get(slug="buergerbuero")
    created = AuditEvent.objects.get(action="office.create")
    assert (created.actor_label, created.details["via"]) == ("admin", "admin")
    assert created.municipality_id == municipality.pk
    exception = AuditEvent.objects.get(action="office.opening_exception.create")
    assert exception.details["via"] == "admin"
    assert not AuditEvent.objects.filter(action="openingexception.create").exists()

    url = reverse("admin:municipalities_office_change", args=[office.pk])
    form = _office_form(
        municipality,
        phone="+49 2671 1",
        **{
            "opening_exceptions-INITIAL_FORMS": "1",
            "opening_exceptions-0-id": str(office.opening_exceptions.get().pk),
            "opening_exceptions-0-office": str(office.pk),
        },
    )
    assert staff_client.post(url, form).status_code == 302
    updated = AuditEvent.objects.get(action="office.update")
    assert updated.details["phone"] == ["", "+49 2671 1"]
    assert updated.details["via"] == "admin"
    assert updated.municipality_id == municipality.pk
    # An unchanged inline row writes nothing.
    assert not AuditEvent.objects.filter(action="office.opening_exception.update").exists()
