"""A small municipality hierarchy for the portal tests.

Kreis Musterkreis
├── Verbandsgemeinde Musterland (offers "Hund anmelden" and "Personalausweis beantragen")
│   ├── Ortsgemeinde Musterdorf    (56812 Musterdorf)
│   └── Ortsgemeinde Beispielhausen (56812 Beispielhausen – same postcode)
└── Verbandsgemeinde Anderswo      (offers nothing itself)
    └── Ortsgemeinde Fernheim       (56999 Fernheim)

The Kreis offers "Führerschein umtauschen" (external online service) and "Änderung der
Fahrzeugzulassung" for its whole territory.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from rathaus.catalog.models import LifeSituation, LocalService, Service
from rathaus.municipalities.models import Municipality, Office, OpeningException
from tests.factories import (
    LifeSituationFactory,
    LocalServiceFactory,
    MunicipalityFactory,
    OfficeFactory,
    OpeningHoursFactory,
    PostalAreaFactory,
    RequiredDocumentFactory,
    ServiceFactory,
)


@dataclass
class PortalData:
    kreis: Municipality
    vg: Municipality
    dorf: Municipality
    hausen: Municipality
    vg_other: Municipality
    fernheim: Municipality
    kreis_office: Office
    vg_office: Office
    id_card: Service
    dog: Service
    licence: Service
    registration: Service
    moving: LifeSituation
    id_card_offer: LocalService


@pytest.fixture
def portal_data(db) -> PortalData:
    kreis = MunicipalityFactory(
        name="Kreis Musterkreis",
        slug="musterkreis",
        kind=Municipality.Kind.KREIS,
        ars="071350000000",
        accent=Municipality.Accent.GREEN,
        authority_name="Kreisverwaltung Musterkreis",
        phone="+49 2671 610",
        email="info@musterkreis.example",
        accessibility_contact="barrierefrei@musterkreis.example",
        represented_by="Landrätin Erika Muster",
        supervisory_authority="Aufsichts- und Dienstleistungsdirektion Trier",
        data_protection_officer="Datenschutzbeauftragter, datenschutz@musterkreis.example",
    )
    vg = MunicipalityFactory(
        name="Verbandsgemeinde Musterland",
        slug="musterland",
        kind=Municipality.Kind.VERBANDSGEMEINDE,
        ars="071355001000",
        parent=kreis,
        accent=Municipality.Accent.TEAL,
        authority_name="Verbandsgemeindeverwaltung Musterland",
    )
    dorf = MunicipalityFactory(
        name="Musterdorf",
        slug="musterdorf",
        kind=Municipality.Kind.ORTSGEMEINDE,
        ars="071355001001",
        parent=vg,
    )
    hausen = MunicipalityFactory(
        name="Beispielhausen",
        slug="beispielhausen",
        kind=Municipality.Kind.ORTSGEMEINDE,
        ars="071355001002",
        parent=vg,
        has_portal=False,
    )
    vg_other = MunicipalityFactory(
        name="Verbandsgemeinde Anderswo",
        slug="anderswo",
        kind=Municipality.Kind.VERBANDSGEMEINDE,
        ars="071355002000",
        parent=kreis,
    )
    fernheim = MunicipalityFactory(
        name="Fernheim",
        slug="fernheim",
        kind=Municipality.Kind.ORTSGEMEINDE,
        ars="071355002003",
        parent=vg_other,
    )
    PostalAreaFactory(municipality=dorf, postcode="56812", place_name="Musterdorf")
    PostalAreaFactory(municipality=hausen, postcode="56812", place_name="Beispielhausen")
    PostalAreaFactory(municipality=fernheim, postcode="56999", place_name="Fernheim")

    kreis_office = OfficeFactory(
        municipality=kreis,
        name="Straßenverkehrsamt",
        name_en="Road traffic office",
        slug="strassenverkehrsamt",
        accessibility_de="Stufenloser Zugang über den Hof.",
    )
    vg_office = OfficeFactory(municipality=vg, name="Bürgerbüro", slug="buergerbuero", room="E.04")
    OpeningHoursFactory(office=vg_office, weekday=0, opens=dt.time(8), closes=dt.time(12))
    OpeningHoursFactory(office=vg_office, weekday=0, opens=dt.time(14), closes=dt.time(16))
    OpeningHoursFactory(office=vg_office, weekday=3, opens=dt.time(8), closes=dt.time(18))
    OpeningHoursFactory(office=kreis_office, weekday=1, opens=dt.time(7, 30), closes=dt.time(12))
    OpeningException.objects.create(
        office=vg_office,
        date=dt.date.today() + dt.timedelta(days=7),
        closed=True,
        note_de="Betriebsausflug",
        note_en="Staff outing",
    )

    moving = LifeSituationFactory(
        slug="umzug",
        name_de="Umzug",
        name_en="Moving house",
        description_de="Was Sie beim Umzug erledigen müssen.",
    )
    id_card = ServiceFactory(
        slug="personalausweis-beantragen",
        name_de="Personalausweis beantragen",
        name_en="Apply for an identity card",
        summary_de="Einen neuen Personalausweis beantragen.",
        summary_en="Apply for a new identity card.",
        online_application=Service.OnlineApplication.INTERNAL,
        fee_rule={"kind": "fixed", "amount": 3700},
        processing_time_de="Etwa drei bis vier Wochen",
        deadlines_de="Spätestens bei Ablauf des alten Ausweises.",
        ozg_maturity=2,
        min_trust_level=Service.TrustLevel.SUBSTANTIAL,
    )
    id_card.life_situations.add(moving)
    RequiredDocumentFactory(
        service=id_card,
        name_de="Biometrisches Passfoto",
        name_en="Biometric photo",
        form="original",
        electronic_accepted=False,
    )
    RequiredDocumentFactory(
        service=id_card,
        name_de="Alter Ausweis",
        name_en="Old identity card",
        mandatory=False,
        note_de="Falls vorhanden",
    )
    dog = ServiceFactory(
        slug="hund-anmelden",
        name_de="Hund anmelden",
        name_en="Register a dog",
        fee_rule={"kind": "free"},
    )
    dog.life_situations.add(moving)
    licence = ServiceFactory(
        slug="fuehrerschein-umtauschen",
        name_de="Führerschein umtauschen",
        name_en="Exchange a driving licence",
        online_application=Service.OnlineApplication.EXTERNAL,
        online_url="https://online.example.org/fuehrerschein",
        fee_rule={"kind": "range", "min": 2540, "max": 4000},
    )
    registration = ServiceFactory(
        slug="fahrzeugzulassung-aendern",
        name_de="Änderung der Fahrzeugzulassung",
        name_en="Change a vehicle registration",
    )
    id_card_offer = LocalServiceFactory(
        municipality=vg,
        service=id_card,
        responsible_office=vg_office,
        local_notes_de="Bitte vereinbaren Sie einen Termin.",
    )
    LocalServiceFactory(municipality=vg, service=dog, responsible_office=vg_office)
    LocalServiceFactory(municipality=kreis, service=licence, responsible_office=kreis_office)
    LocalServiceFactory(municipality=kreis, service=registration, responsible_office=kreis_office)
    return PortalData(
        kreis=kreis,
        vg=vg,
        dorf=dorf,
        hausen=hausen,
        vg_other=vg_other,
        fernheim=fernheim,
        kreis_office=kreis_office,
        vg_office=vg_office,
        id_card=id_card,
        dog=dog,
        licence=licence,
        registration=registration,
        moving=moving,
        id_card_offer=id_card_offer,
    )
