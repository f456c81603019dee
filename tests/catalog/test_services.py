import pytest
from django.core.exceptions import ValidationError

from rathaus.catalog import services
from rathaus.catalog.models import Service
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from tests.factories import LifeSituationFactory, MunicipalityFactory, OfficeFactory, ServiceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

SERVICE = {
    "leika_key": "99115005001000",
    "slug": "wohnsitz-anmelden",
    "name_de": "Wohnsitz anmelden",
    "name_en": "Register your residence",
    "summary_de": "Nach einem Umzug müssen Sie sich anmelden.",
    "description_de": "Innerhalb von zwei Wochen nach dem Einzug.",
    "legal_basis_de": "§ 17 Bundesmeldegesetz",
    "fee_rule": {"kind": "free"},
}


def test_create_with_documents_and_life_situations_is_audited():
    moving = LifeSituationFactory(slug="umzug")
    service = services.service_create(
        actor=Actor.system("tests"),
        life_situations=[moving],
        required_documents=[
            {"name_de": "Personalausweis", "form": "original", "electronic_accepted": False},
            {"name_de": "Wohnungsgeberbestätigung"},
        ],
        **SERVICE,
    )
    assert [d.name_de for d in service.required_documents.all()] == [
        "Personalausweis",
        "Wohnungsgeberbestätigung",
    ]
    event = AuditEvent.objects.get(action="service.create")
    assert event.details["life_situations"] == ["umzug"]
    assert event.details["leika_key"] == "99115005001000"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"leika_key": "123"}, "leika_key"),
        ({"ozg_maturity": 5}, "ozg_maturity"),
        (
            {"fee_rule": {"kind": "formula", "expression": "open('x')", "parameters": []}},
            "fee_rule",
        ),
        ({"online_application": "external"}, "online_url"),
        ({"min_trust_level": "extreme"}, "min_trust_level"),
    ],
)
def test_invalid_service_is_refused_and_nothing_is_written(overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.service_create(actor=Actor.system("tests"), **{**SERVICE, **overrides})
    assert field in exc.value.message_dict
    assert not Service.objects.exists()
    assert not AuditEvent.objects.exists()


def test_update_records_changes_including_life_situations():
    service = services.service_create(actor=Actor.system("tests"), **SERVICE)
    situation = LifeSituationFactory(slug="umzug")
    services.service_update(
        actor=Actor.system("tests"),
        service=service,
        name_en="Register residence",
        life_situations=[situation],
    )
    event = AuditEvent.objects.get(action="service.update")
    assert event.details["name_en"] == ["Register your residence", "Register residence"]
    assert event.details["life_situations"] == [[], ["umzug"]]


def test_local_service_office_must_belong_to_municipality():
    service = ServiceFactory()
    municipality = MunicipalityFactory()
    foreign_office = OfficeFactory()
    with pytest.raises(ValidationError, match="must belong to the municipality"):
        services.local_service_create(
            actor=Actor.system("tests"),
            municipality=municipality,
            service=service,
            responsible_office=foreign_office,
        )
    offer = services.local_service_create(
        actor=Actor.system("tests"), municipality=municipality, service=service,
        responsible_office=OfficeFactory(municipality=municipality),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="fee"):
        services.local_service_update(
            actor=Actor.system("tests"), local_service=offer, fee_rule={"kind": "fixed"}
        )
    services.local_service_update(
        actor=Actor.system("tests"), local_service=offer, fee_rule={"kind": "fixed", "amount": 500}
    )
    assert AuditEvent.objects.filter(action="local_service.update").get().details["fee_rule"] == [
        None,
        {"kind": "fixed", "amount": 500},
    ]


def test_unique_offer_per_municipality():
    offer_municipality = MunicipalityFactory()
    office = OfficeFactory(municipality=offer_municipality)
    service = ServiceFactory()
    services.local_service_create(
        actor=Actor.system("tests"),
        municipality=offer_municipality,
        service=service,
        responsible_office=office,
    )
    with pytest.raises(ValidationError):
        services.local_service_create(
            actor=Actor.system("tests"),
            municipality=offer_municipality,
            service=service,
            responsible_office=office,
        )


def test_required_document_positions_append():
    service = ServiceFactory()
    services.required_document_add(actor=Actor.system("tests"), service=service, name_de="A")
    second = services.required_document_add(
        actor=Actor.system("tests"), service=service, name_de="B"
    )
    assert second.position == 1
