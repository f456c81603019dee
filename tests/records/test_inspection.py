"""File inspection (§8 EGovG, issue 11 §5): the office grants a participant online access to
selected documents until a day; the participant sees them in the portal and downloads each as
a PDF with a visible inspection mark and their name (PDFs stamped, images and text made into
PDFs); every access audited; another person, an expired or a revoked grant: 404."""

import datetime as dt
import io

import pytest
import weasyprint
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from rathaus.core.actors import Actor
from rathaus.core.errors import Conflict, DomainError, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.records import services
from rathaus.records.models import FilePlanItem, InspectionGrant
from rathaus.staff.models import Role
from tests.factories import OfficeFactory, UserFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(media_root):
    office = OfficeFactory(name="Bauamt")
    services.file_plan_import(
        actor=SYSTEM, municipality=office.municipality, data="Nummer;Titel\n632;Bauanträge\n"
    )
    item = FilePlanItem.objects.get(municipality=office.municipality, number="632")
    record = services.file_create(actor=SYSTEM, office=office, plan_item=item, title="Carport")
    pdf = weasyprint.HTML(string="<p>Baugenehmigung Carport Musterweg</p>").write_pdf()

    def add(title, name, content_type, data):
        return services.document_add(
            actor=SYSTEM,
            record=record,
            title=title,
            kind="outgoing",
            upload=services.CheckedUpload(name, content_type, data),
        )

    documents = {
        "pdf": add("Genehmigung", "g.pdf", "application/pdf", pdf),
        "image": add("Lageplan", "l.png", "image/png", png()),
        "text": add("Vermerk", "v.txt", "text/plain", b"Ortstermin am Montag"),
        "secret": add("Interner Vermerk", "i.txt", "text/plain", b"nur intern"),
    }
    participant = UserFactory(first_name="Erika", last_name="Mustermann")
    clerk = make_staff("bauamt-clerk", (office, Role.CASE_WORKER))
    return {"record": record, "documents": documents, "participant": participant, "clerk": clerk}


def grant(world, **overrides):
    documents = world["documents"]
    arguments = {
        "actor": Actor.person(world["clerk"]),
        "record": world["record"],
        "grantee": world["participant"],
        "documents": [documents["pdf"], documents["image"], documents["text"]],
        "last_day": timezone.localdate() + dt.timedelta(days=14),
        "reason": "Antrag auf Akteneinsicht vom 1.12.",
    } | overrides
    return services.inspection_grant(**arguments)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_participant_reads_marked_copies_in_the_portal(world, client):
    given = grant(world)
    client.force_login(world["participant"])
    page = client.get(reverse("inspection:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Genehmigung" in body and "Lageplan" in body and "Interner Vermerk" not in body
    for key, words in (("pdf", "Baugenehmigung"), ("image", ""), ("text", "Ortstermin")):
        url = reverse("inspection:document", args=[given.pk, world["documents"][key].pk])
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert "Erika Mustermann" in text and "Akteneinsicht" in text
        assert world["record"].file_reference in text
        assert words in text
    reads = AuditEvent.objects.filter(action="records.inspection_read")
    assert reads.count() == 3 and {e.actor_id for e in reads} == {str(world["participant"].pk)}
    # Not granted, another person's, expired, revoked: nothing.
    secret = reverse("inspection:document", args=[given.pk, world["documents"]["secret"].pk])
    assert client.get(secret).status_code == 404
    client.force_login(UserFactory())
    url = reverse("inspection:document", args=[given.pk, world["documents"]["pdf"].pk])
    assert client.get(url).status_code == 404
    assert "Genehmigung" not in client.get(reverse("inspection:list")).content.decode()
    client.force_login(world["participant"])
    InspectionGrant.objects.filter(pk=given.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404
    InspectionGrant.objects.filter(pk=given.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=1)
    )
    assert client.get(url).status_code == 200
    services.inspection_revoke(actor=Actor.person(world["clerk"]), grant=given, reason="Ende")
    assert client.get(url).status_code == 404
    with pytest.raises(Conflict):
        services.inspection_revoke(actor=SYSTEM, grant=given, reason="nochmal")


def test_grants_are_checked(world):
    documents = world["documents"]
    with pytest.raises(DomainError, match="Grund"):
        grant(world, reason=" ")
    with pytest.raises(DomainError, match="letzte Tag"):
        grant(world, last_day=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="letzte Tag"):
        grant(world, last_day=timezone.localdate() + dt.timedelta(days=400))
    with pytest.raises(DomainError):
        grant(world, documents=[])
    other = OfficeFactory(municipality=world["record"].municipality)
    stranger = make_staff("other-clerk", (other, Role.CASE_WORKER))
    with pytest.raises(NotPermitted):
        grant(world, actor=Actor.person(stranger))
    world["participant"].is_active = False
    world["participant"].save()
    with pytest.raises(DomainError, match="Bürgerkonto"):
        grant(world)
    assert not InspectionGrant.objects.exists()
    assert documents["pdf"].file_id == world["record"].pk
