"""File inspection in the staff area (issue 11 §5): the clerk opens documents of a file to a
participant found by their account's e-mail address until a day, sees the inspections and
revokes one with a reason; the participant's portal page follows; another office: 404."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.core.actors import Actor
from rathaus.records import services
from rathaus.records.models import FilePlanItem, InspectionGrant
from rathaus.staff.models import Role
from tests.factories import OfficeFactory, UserFactory
from tests.staff.people import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


def test_a_clerk_grants_and_revokes_an_inspection(client, media_root):
    office = OfficeFactory()
    system = Actor.system("tests")
    services.file_plan_import(
        actor=system, municipality=office.municipality, data="Nummer;Titel\n632;Bauanträge\n"
    )
    item = FilePlanItem.objects.get(municipality=office.municipality, number="632")
    record = services.file_create(actor=system, office=office, plan_item=item, title="Carport")
    document = services.document_add(
        actor=system,
        record=record,
        title="Genehmigung",
        kind="outgoing",
        upload=services.CheckedUpload("g.txt", "text/plain", b"Genehmigt."),
    )
    participant = UserFactory(email="nachbar@example.org", first_name="Nora", last_name="Nachbar")
    clerk = make_staff("bauamt", (office, Role.CASE_WORKER))
    login_with_mfa(client, clerk)
    url = reverse("backoffice:records-inspections", args=[record.pk])
    assert "Genehmigung" in client.get(url).content.decode()
    last_day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    unknown = client.post(
        url,
        {
            "email": "niemand@example.org",
            "documents": [document.pk],
            "last_day": last_day,
            "reason": "Antrag",
        },
    )
    assert unknown.status_code == 400 and "kein Bürgerkonto" in unknown.content.decode()
    response = client.post(
        url,
        {
            "email": "Nachbar@example.org",
            "documents": [document.pk],
            "last_day": last_day,
            "reason": "Antrag vom 1.12.",
        },
    )
    assert response.status_code == 302
    grant = InspectionGrant.objects.get()
    assert grant.grantee == participant and list(grant.documents.all()) == [document]
    assert "Nora Nachbar" in client.get(url).content.decode()
    revoke = reverse("backoffice:records-inspection-revoke", args=[record.pk, grant.pk])
    client.post(revoke, {"reason": ""})
    grant.refresh_from_db()
    assert grant.revoked_at is None
    client.post(revoke, {"reason": "Einsicht erledigt"})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    login_with_mfa(client, make_staff("fremd", (OfficeFactory(), Role.CASE_WORKER)))
    assert client.get(url).status_code == 404
    assert client.post(revoke, {"reason": "x"}).status_code == 404
