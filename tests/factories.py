"""factory_boy factories for tests. They build valid rows directly; tests of behaviour that
matters (audit, search index) go through the real services instead."""

import datetime as dt

import factory

from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.municipalities.models import Municipality, Office, OpeningHours, PostalArea


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Stadt Beispiel {n}")
    slug = factory.Sequence(lambda n: f"beispiel-{n}")
    kind = Municipality.Kind.STADT
    # Land 07, Kreis 135, Verband 9xxx, Gemeinde 0nn — unique per sequence number.
    ars = factory.Sequence(lambda n: f"0713590{n // 1000 % 100:02d}{n % 1000:03d}")
    ags = factory.LazyAttribute(
        lambda o: "" if o.kind in Municipality.ASSOCIATION_KINDS else o.ars[:5] + o.ars[9:]
    )
    land = "07"
    authority_name = factory.LazyAttribute(lambda o: f"Verwaltung {o.name}")
    street = "Marktplatz 1"
    postcode = "56812"
    city = "Cochem"
    email = "info@example.org"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Bürgerbüro {n}")
    slug = factory.Sequence(lambda n: f"buergerbuero-{n}")
    street = "Marktplatz 1"
    postcode = "56812"
    city = "Cochem"
    phone = "+49 2671 000"
    email = "buergerbuero@example.org"


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    office = factory.SubFactory(OfficeFactory)
    weekday = 0
    opens = dt.time(8, 0)
    closes = dt.time(12, 0)


class PostalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostalArea

    municipality = factory.SubFactory(MunicipalityFactory)
    postcode = "56812"
    place_name = factory.LazyAttribute(lambda o: o.municipality.name)


class LifeSituationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeSituation

    slug = factory.Sequence(lambda n: f"lebenslage-{n}")
    name_de = factory.Sequence(lambda n: f"Lebenslage {n}")
    name_en = factory.Sequence(lambda n: f"Life situation {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    leika_key = factory.Sequence(lambda n: f"99{n:012d}")
    slug = factory.Sequence(lambda n: f"leistung-{n}")
    name_de = factory.Sequence(lambda n: f"Leistung {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
    summary_de = "Kurzbeschreibung"
    summary_en = "Summary"
    description_de = "Beschreibung der Leistung."
    legal_basis_de = "§ 1 Beispielgesetz"
    fee_rule = factory.LazyFunction(lambda: {"kind": "fixed", "amount": 1000})


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    service = factory.SubFactory(ServiceFactory)
    name_de = "Personalausweis"
    name_en = "Identity card"


class LocalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalService

    municipality = factory.SubFactory(MunicipalityFactory)
    service = factory.SubFactory(ServiceFactory)
    responsible_office = factory.SubFactory(
        OfficeFactory, municipality=factory.SelfAttribute("..municipality")
    )
