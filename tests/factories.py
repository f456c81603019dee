"""factory_boy factories for tests. They build valid rows directly; tests of behaviour that
matters (audit, search index) go through the real services instead."""

import datetime as dt

import factory
from django.utils import timezone

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


# --- Online applications -------------------------------------------------------------------

APPLICATION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 80},
        "dogs": {"type": "integer", "minimum": 1, "maximum": 5},
    },
    "required": ["name", "dogs"],
}
APPLICATION_UI = {
    "steps": [
        {
            "id": "person",
            "title": {"de": "Person", "en": "Person"},
            "fields": [
                {"field": "/name", "label": {"de": "Name", "en": "Name"}, "prefill": "last_name"}
            ],
        },
        {
            "id": "dogs",
            "title": {"de": "Hunde", "en": "Dogs"},
            "fields": [{"field": "/dogs", "label": {"de": "Anzahl Hunde", "en": "Dogs"}}],
        },
    ]
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    first_name = "Erika"
    last_name = "Mustermann"
    password = factory.django.Password("correct horse battery staple")


class FormDefinitionFactory(factory.django.DjangoModelFactory):
    """A published form with two steps (name, number of dogs)."""

    class Meta:
        model = "applications.FormDefinition"

    service = factory.SubFactory(
        ServiceFactory, online_application=Service.OnlineApplication.INTERNAL
    )
    version = 1
    status = "published"
    schema = factory.LazyFunction(lambda: dict(APPLICATION_SCHEMA))
    ui = factory.LazyFunction(lambda: dict(APPLICATION_UI))
    published_at = factory.LazyFunction(timezone.now)


class DraftFactory(factory.django.DjangoModelFactory):
    """A complete draft (data valid, declarations accepted) of a free service by default."""

    class Meta:
        model = "applications.Draft"

    form = factory.SubFactory(FormDefinitionFactory, service__fee_rule={"kind": "free"})
    offer = factory.SubFactory(LocalServiceFactory, service=factory.SelfAttribute("..form.service"))
    applicant = factory.SubFactory(UserFactory)
    data = factory.LazyFunction(lambda: {"name": "Erika Mustermann", "dogs": 1})
    completed_steps = factory.LazyFunction(lambda: ["person", "dogs"])
    declarations = factory.LazyFunction(
        lambda: {"truthful": "2026-01-01T00:00:00+00:00", "privacy": "2026-01-01T00:00:00+00:00"}
    )


class CaseFactory(factory.django.DjangoModelFactory):
    """A case of its own (without a submission: tests of submissions make them through
    `submission_create`, which opens the case)."""

    class Meta:
        model = "cases.Case"

    municipality = factory.SubFactory(MunicipalityFactory)
    office = factory.SubFactory(OfficeFactory, municipality=factory.SelfAttribute("..municipality"))
    service = factory.SubFactory(ServiceFactory)
    applicant = factory.SubFactory(UserFactory)
    reference = factory.Sequence(lambda n: f"TEST-{n:06d}")
    status_changed_at = factory.LazyFunction(timezone.now)
    opened_at = factory.LazyFunction(timezone.now)
