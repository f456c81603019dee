from dataclasses import dataclass

import pytest

from rathaus.catalog.models import LocalService, Service
from rathaus.municipalities.models import Municipality, Office
from tests.factories import (
    LocalServiceFactory,
    MunicipalityFactory,
    OfficeFactory,
    PostalAreaFactory,
    ServiceFactory,
)


@dataclass
class Hierarchy:
    kreis: Municipality
    vg: Municipality
    ortsgemeinde: Municipality
    other_ortsgemeinde: Municipality
    stadt: Municipality
    kfz: Service
    meldewesen: Service
    kreis_office: Office
    vg_office: Office
    kfz_kreis: LocalService
    melde_vg: LocalService


@pytest.fixture
def hierarchy(db) -> Hierarchy:
    """Kreis → VG → two Ortsgemeinden, plus an independent Stadt offering both services."""
    kreis = MunicipalityFactory(
        name="Kreis K", slug="kreis", kind=Municipality.Kind.KREIS, ars="071350000000"
    )
    vg = MunicipalityFactory(
        name="VG U",
        slug="vg-u",
        kind=Municipality.Kind.VERBANDSGEMEINDE,
        ars="071355006000",
        parent=kreis,
    )
    og = MunicipalityFactory(
        name="Ulmen", slug="ulmen", kind=Municipality.Kind.ORTSGEMEINDE, ars="071355006071", parent=vg,
        has_portal=False,
    )  # fmt: skip
    og2 = MunicipalityFactory(
        name="Auderath", slug="auderath", kind=Municipality.Kind.ORTSGEMEINDE, ars="071355006006",
        parent=vg, has_portal=False,
    )  # fmt: skip
    stadt = MunicipalityFactory(name="Stadt G", slug="stadt-g", ars="057540008008", land="05")
    PostalAreaFactory(municipality=og, postcode="56766", place_name="Ulmen")
    PostalAreaFactory(municipality=og2, postcode="56766", place_name="Auderath")
    PostalAreaFactory(municipality=stadt, postcode="33330", place_name="Gütersloh")
    kfz = ServiceFactory(name_de="Fahrzeug zulassen", slug="fahrzeug-zulassen")
    melde = ServiceFactory(name_de="Wohnsitz anmelden", slug="wohnsitz-anmelden")
    kreis_office = OfficeFactory(municipality=kreis, name="Zulassungsstelle", slug="zulassung")
    vg_office = OfficeFactory(municipality=vg, name="Bürgerbüro Ulmen", slug="buergerbuero")
    kfz_kreis = LocalServiceFactory(
        municipality=kreis, service=kfz, responsible_office=kreis_office
    )
    melde_vg = LocalServiceFactory(municipality=vg, service=melde, responsible_office=vg_office)
    LocalServiceFactory(municipality=stadt, service=kfz)
    LocalServiceFactory(municipality=stadt, service=melde)
    return Hierarchy(
        kreis, vg, og, og2, stadt, kfz, melde, kreis_office, vg_office, kfz_kreis, melde_vg
    )
