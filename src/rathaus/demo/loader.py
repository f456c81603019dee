"""Load the demo data (``rathaus.demo.data``) through the real service functions.

Every row is matched by its natural key – ARS, (municipality, office slug), life-situation
slug, LeiKa key, (municipality, service) – so the load is idempotent: missing rows are created,
rows that differ from the data are corrected, and a second run changes nothing and writes no
audit event. All writes go through ``rathaus.municipalities.services`` and
``rathaus.catalog.services`` as the system (``Actor.system("demo_load")``), so they are
validated and audited like any other change. Postal areas and required documents that are no
longer in the data are removed (audited). The online forms (``data/forms``) are published through
``rathaus.applications.services`` only when they differ from the published version.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from rathaus.applications import services as form_services
from rathaus.applications.models import FormDefinition
from rathaus.catalog import services as catalog_services
from rathaus.catalog.models import LifeSituation, LocalService, Service
from rathaus.catalog.search import search_index_rebuild
from rathaus.core.actors import Actor
from rathaus.demo.accounts import demo_accounts_load
from rathaus.demo.data import forms as form_data
from rathaus.demo.data import life_situations as life_situation_data
from rathaus.demo.data import local_services as local_service_data
from rathaus.demo.data import municipalities as municipality_data
from rathaus.demo.data import offices as office_data
from rathaus.demo.data import services as service_data
from rathaus.demo.processes import demo_decision_templates_load, demo_processes_load
from rathaus.demo.seals import demo_seals_load
from rathaus.municipalities import services as municipality_services
from rathaus.municipalities.models import Municipality, Office, OpeningException, PostalArea
from rathaus.records.models import FilePlanItem, FilingRule
from rathaus.records.services import file_plan_import, filing_rule_set

# The audit trail records demo data as written by the system, not by a person.
SYSTEM_ACTOR = Actor.system("demo_load")


@dataclass
class DemoLoadResult:
    """What one run of `demo_load` did: rows created and updated per kind, and warnings."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    # Demo log-ins to show after the load (not part of the summary).
    credentials: list[str] = field(default_factory=list)
    accounts_created: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        """One line for the console."""
        if not self.changed:
            return "Demo data is up to date – nothing changed."
        parts = [
            f"{label} " + ", ".join(f"{count} × {kind}" for kind, count in sorted(counter.items()))
            for label, counter in (("created", self.created), ("updated", self.updated))
            if counter
        ]
        return "Demo data loaded: " + "; ".join(parts) + "."


def _differences(instance: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """The entries of `data` whose value differs from `instance` (foreign keys by primary key)."""
    changed: dict[str, Any] = {}
    for name, wanted in data.items():
        model_field = instance._meta.get_field(name)
        if isinstance(model_field, models.ForeignKey):
            current = getattr(instance, model_field.attname)
            if current != (wanted.pk if wanted is not None else None):
                changed[name] = wanted
        elif getattr(instance, name) != wanted:
            changed[name] = wanted
    return changed


def _load_municipalities(result: DemoLoadResult) -> dict[str, Municipality]:
    specs = municipality_data.ALL
    by_ars = {m.ars: m for m in Municipality.objects.filter(ars__in=[s["ars"] for s in specs])}
    for spec in specs:
        data = {key: value for key, value in spec.items() if key not in {"parent", "postal_areas"}}
        data["land"] = spec["ars"][:2]
        data["parent"] = by_ars[spec["parent"]] if spec["parent"] else None
        existing = by_ars.get(spec["ars"])
        if existing is None:
            by_ars[spec["ars"]] = municipality_services.municipality_create(
                actor=SYSTEM_ACTOR, **data
            )
            result.created["municipality"] += 1
        elif changes := _differences(existing, data):
            by_ars[spec["ars"]] = municipality_services.municipality_update(
                actor=SYSTEM_ACTOR, municipality=existing, **changes
            )
            result.updated["municipality"] += 1
    return {m.slug: m for m in by_ars.values()}


def _load_postal_areas(result: DemoLoadResult, by_slug: dict[str, Municipality]) -> None:
    municipalities = [by_slug[spec["slug"]] for spec in municipality_data.ALL]
    existing = set(
        PostalArea.objects.filter(municipality__in=municipalities).values_list(
            "municipality_id", "postcode", "place_name"
        )
    )
    wanted: set[tuple[Any, str, str]] = set()
    for spec in municipality_data.ALL:
        municipality = by_slug[spec["slug"]]
        for postcode, place_name in spec["postal_areas"]:
            wanted.add((municipality.pk, postcode, place_name))
            if (municipality.pk, postcode, place_name) not in existing:
                municipality_services.postal_area_create(
                    actor=SYSTEM_ACTOR,
                    municipality=municipality,
                    postcode=postcode,
                    place_name=place_name,
                )
                result.created["postal_area"] += 1
    stale = existing - wanted
    if stale:
        areas = PostalArea.objects.filter(municipality__in=municipalities)
        for area in areas:
            if (area.municipality_id, area.postcode, area.place_name) in stale:
                municipality_services.postal_area_delete(actor=SYSTEM_ACTOR, postal_area=area)
                result.updated["postal_area"] += 1


def _exception_data(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": spec["date"],
        "closed": spec["closed"],
        "opens": spec.get("opens"),
        "closes": spec.get("closes"),
        "note_de": spec.get("note_de", ""),
        "note_en": spec.get("note_en", ""),
    }


def _load_office_days(
    result: DemoLoadResult,
    office: Office,
    *,
    hours: list[tuple[int, dt.time, dt.time]],
    hours_now: list[tuple[int, dt.time, dt.time]],
    exceptions: list[dict[str, Any]],
    exceptions_now: dict[dt.date, OpeningException],
) -> None:
    wanted_hours = sorted(hours)
    if wanted_hours != hours_now:
        municipality_services.office_set_opening_hours(
            actor=SYSTEM_ACTOR, office=office, intervals=wanted_hours
        )
        (result.updated if hours_now else result.created)["weekly_hours"] += 1
    for spec in exceptions:
        data = _exception_data(spec)
        current = exceptions_now.get(data["date"])
        if current is None:
            municipality_services.office_add_opening_exception(
                actor=SYSTEM_ACTOR, office=office, **data
            )
            result.created["opening_exception"] += 1
        elif _differences(current, data):
            municipality_services.office_update_opening_exception(
                actor=SYSTEM_ACTOR, exception=current, **data
            )
            result.updated["opening_exception"] += 1


def _load_offices(
    result: DemoLoadResult, by_slug: dict[str, Municipality]
) -> dict[tuple[str, str], Office]:
    municipalities = [by_slug[slug] for slug in office_data.OFFICES]
    existing = {
        (office.municipality_id, office.slug): office
        for office in Office.objects.filter(municipality__in=municipalities).prefetch_related(
            "opening_hours", "opening_exceptions"
        )
    }
    offices: dict[tuple[str, str], Office] = {}
    for municipality_slug, spec in office_data.OFFICES.items():
        municipality = by_slug[municipality_slug]
        for unit in spec["units"]:
            street, postcode, city = unit["address"] or (
                municipality.street,
                municipality.postcode,
                municipality.city,
            )
            data = {
                "municipality": municipality,
                "slug": unit["slug"],
                "name": unit["name"],
                "name_en": unit["name_en"],
                "kind": unit["kind"],
                "parent": offices[(municipality_slug, unit["parent"])] if unit["parent"] else None,
                "street": street,
                "postcode": postcode,
                "city": city,
                "room": unit["room"],
                "phone": unit["phone"],
                "email": unit["email"],
                "accessibility_de": unit["accessibility_de"],
                "accessibility_en": unit["accessibility_en"],
            }
            office = existing.get((municipality.pk, unit["slug"]))
            hours_now: list[tuple[int, dt.time, dt.time]] = []
            exceptions_now: dict[dt.date, OpeningException] = {}
            if office is None:
                office = municipality_services.office_create(actor=SYSTEM_ACTOR, **data)
                result.created["office"] += 1
            else:
                hours_now = sorted(
                    (h.weekday, h.opens, h.closes) for h in office.opening_hours.all()
                )
                exceptions_now = {e.date: e for e in office.opening_exceptions.all()}
                if changes := _differences(office, data):
                    office = municipality_services.office_update(
                        actor=SYSTEM_ACTOR, office=office, **changes
                    )
                    result.updated["office"] += 1
            offices[(municipality_slug, unit["slug"])] = office
            _load_office_days(
                result,
                office,
                hours=unit["hours"],
                hours_now=hours_now,
                exceptions=spec["exceptions"] if unit["front_desk"] else [],
                exceptions_now=exceptions_now,
            )
    return offices


def _load_life_situations(result: DemoLoadResult) -> dict[str, LifeSituation]:
    specs = life_situation_data.LIFE_SITUATIONS
    by_slug = {
        s.slug: s for s in LifeSituation.objects.filter(slug__in=[spec["slug"] for spec in specs])
    }
    for spec in specs:
        current = by_slug.get(spec["slug"])
        if current is None:
            by_slug[spec["slug"]] = catalog_services.life_situation_create(
                actor=SYSTEM_ACTOR, **spec
            )
            result.created["life_situation"] += 1
        elif _differences(current, spec):
            by_slug[spec["slug"]] = catalog_services.life_situation_update(
                actor=SYSTEM_ACTOR, life_situation=current, **spec
            )
            result.updated["life_situation"] += 1
    return by_slug


def _load_required_documents(
    result: DemoLoadResult, service: Service, documents: list[dict[str, Any]]
) -> None:
    current = {d.name_de: d for d in service.required_documents.all()}
    for position, document in enumerate(documents):
        data = {"position": position, **document}
        existing = current.pop(document["name_de"], None)
        if existing is None:
            catalog_services.required_document_add(actor=SYSTEM_ACTOR, service=service, **data)
            result.created["required_document"] += 1
        elif _differences(existing, data):
            catalog_services.required_document_update(actor=SYSTEM_ACTOR, document=existing, **data)
            result.updated["required_document"] += 1
    for stale in current.values():
        catalog_services.required_document_remove(actor=SYSTEM_ACTOR, document=stale)
        result.updated["required_document"] += 1


def _load_services(
    result: DemoLoadResult, situations: dict[str, LifeSituation]
) -> dict[str, Service]:
    specs = service_data.SERVICES
    by_key = {
        s.leika_key: s
        for s in Service.objects.filter(
            leika_key__in=[spec["leika_key"] for spec in specs]
        ).prefetch_related("required_documents", "life_situations")
    }
    by_slug: dict[str, Service] = {}
    for spec in specs:
        data = {
            key: value
            for key, value in spec.items()
            if key not in {"required_documents", "life_situations"}
        }
        wanted_situations = [situations[slug] for slug in spec["life_situations"]]
        service = by_key.get(spec["leika_key"])
        if service is None:
            service = catalog_services.service_create(
                actor=SYSTEM_ACTOR,
                required_documents=spec["required_documents"],
                life_situations=wanted_situations,
                **data,
            )
            result.created["service"] += 1
            result.created["required_document"] += len(spec["required_documents"])
        else:
            _load_required_documents(result, service, spec["required_documents"])
            changes = _differences(service, data)
            current_situations = sorted(s.slug for s in service.life_situations.all())
            situations_changed = current_situations != sorted(spec["life_situations"])
            if changes or situations_changed:
                service = catalog_services.service_update(
                    actor=SYSTEM_ACTOR,
                    service=service,
                    life_situations=wanted_situations if situations_changed else None,
                    **changes,
                )
                result.updated["service"] += 1
        by_slug[spec["slug"]] = service
    return by_slug


def _load_local_services(
    result: DemoLoadResult,
    municipalities: dict[str, Municipality],
    offices: dict[tuple[str, str], Office],
    services: dict[str, Service],
) -> None:
    offers = local_service_data.OFFERS
    unknown = set(local_service_data.LOCAL_DETAILS) - {
        (municipality, service) for municipality, offered in offers.items() for service in offered
    }
    if unknown:
        raise ValueError(f"Local details for services that are not offered: {sorted(unknown)}")
    existing = {
        (offer.municipality_id, offer.service_id): offer
        for offer in LocalService.objects.filter(
            municipality__in=[municipalities[slug] for slug in offers]
        )
    }
    for municipality_slug, offered in offers.items():
        municipality = municipalities[municipality_slug]
        for service_slug, office_slug in offered.items():
            service = services[service_slug]
            data = {
                "municipality": municipality,
                "service": service,
                "responsible_office": offices[(municipality_slug, office_slug)],
                "fee_rule": None,
                "local_notes_de": "",
                "local_notes_en": "",
                "online_available": True,
                "online_url": "",
                **local_service_data.LOCAL_DETAILS.get((municipality_slug, service_slug), {}),
            }
            offer = existing.get((municipality.pk, service.pk))
            if offer is None:
                catalog_services.local_service_create(actor=SYSTEM_ACTOR, **data)
                result.created["local_service"] += 1
            elif changes := _differences(offer, data):
                catalog_services.local_service_update(
                    actor=SYSTEM_ACTOR, local_service=offer, **changes
                )
                result.updated["local_service"] += 1


def _load_forms(result: DemoLoadResult, services: dict[str, Service]) -> None:
    """Publish each demo form as a new version only when it differs from the published one,
    so that a second run creates no version and drafts keep theirs."""
    for slug, (schema, ui) in form_data.FORMS.items():
        service = services[slug]
        if service.online_application != Service.OnlineApplication.INTERNAL or service.online_url:
            raise ValueError(f"The demo form of {slug} needs an internal online application")
        published = FormDefinition.objects.filter(
            service=service, status=FormDefinition.Status.PUBLISHED
        ).first()
        if published is not None and published.schema == schema and published.ui == ui:
            continue
        definition = form_services.form_definition_create(
            service=service, schema=schema, ui=ui, actor=SYSTEM_ACTOR
        )
        form_services.form_definition_publish(definition=definition, actor=SYSTEM_ACTOR)
        (result.updated if published is not None else result.created)["form_definition"] += 1


# A KGSt-style file plan (Aktenplan) for the three demo municipalities (rathaus.records).
FILE_PLAN_CSV = Path(__file__).parent / "data" / "file_plan.csv"
FILE_PLAN_MUNICIPALITIES = ("dueren", "guetersloh", "cochem-zell")


def _load_file_plans(result: DemoLoadResult, municipalities: dict[str, Municipality]) -> None:
    data = FILE_PLAN_CSV.read_bytes()
    for slug in FILE_PLAN_MUNICIPALITIES:
        imported = file_plan_import(
            actor=SYSTEM_ACTOR, municipality=municipalities[slug], data=data
        )
        if imported.created:
            result.created["file_plan_item"] += len(imported.created)
        if imported.changed:
            result.updated["file_plan_item"] += len(imported.changed)


# Where cases file themselves: the Steueramt's dog-tax cases in the year's file under 963
# Hundesteuer, the Straßenverkehrsamt's residents' parking permits under 142 Bewohnerparken.
FILING_RULES = [
    (municipality, "steueramt", service, "963", "Hundesteuer {year}")
    for municipality in ("dueren", "guetersloh")
    for service in ("hund-anmelden", "hund-abmelden")
] + [("dueren", "strassenverkehrsamt", "bewohnerparkausweis", "142", "Bewohnerparken {year}")]


def _load_filing_rules(
    result: DemoLoadResult,
    offices: dict[tuple[str, str], Office],
    services: dict[str, Service],
) -> None:
    for municipality, office_slug, service_slug, number, title in FILING_RULES:
        office = offices[(municipality, office_slug)]
        item = FilePlanItem.objects.get(municipality=office.municipality, number=number)
        before = FilingRule.objects.filter(office=office, service=services[service_slug]).first()
        rule = filing_rule_set(
            actor=SYSTEM_ACTOR,
            office=office,
            service=services[service_slug],
            plan_item=item,
            file_title=title,
        )
        if before is None:
            result.created["filing_rule"] += 1
        elif (before.plan_item_id, before.file_title) != (rule.plan_item_id, rule.file_title):
            result.updated["filing_rule"] += 1


@transaction.atomic
def demo_load() -> DemoLoadResult:
    """Create or correct the demo municipalities, offices, catalogue, online forms, the seals
    of Düren and Gütersloh (demo/seals.py) and demo accounts (demo/accounts.py) in one
    transaction.

    Idempotent: a second run creates nothing, changes nothing and writes no audit event.
    """
    result = DemoLoadResult()
    municipalities = _load_municipalities(result)
    _load_postal_areas(result, municipalities)
    offices = _load_offices(result, municipalities)
    situations = _load_life_situations(result)
    services = _load_services(result, situations)
    _load_local_services(result, municipalities, offices, services)
    _load_forms(result, services)
    _load_file_plans(result, municipalities)
    _load_filing_rules(result, offices, services)
    templates = demo_decision_templates_load()
    if templates:
        result.created["decision_template_version"] += templates
    processes, process_warnings = demo_processes_load()
    if processes:
        result.created["process_version"] += processes
    result.warnings += process_warnings
    seals_created, seals_updated = demo_seals_load()
    result.created.update(seals_created)
    result.updated.update(seals_updated)
    accounts = demo_accounts_load()
    result.created.update(accounts.created)
    result.credentials += accounts.credentials
    result.accounts_created = bool(accounts.created)
    # The services keep the index current one service at a time; a rebuild at the end also
    # repairs an index that was lost or built by an older analyser.
    search_index_rebuild()
    return result
