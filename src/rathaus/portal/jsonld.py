"""schema.org GovernmentService descriptions of service pages, as JSON-LD data."""

from decimal import Decimal
from typing import Any

from rathaus.catalog.models import Service
from rathaus.catalog.selectors import ServiceOffer
from rathaus.municipalities.models import Municipality, Office
from rathaus.municipalities.selectors import DayHours

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

AUDIENCE: dict[str, str] = {
    Service.TargetGroup.CITIZENS.value: "citizens",
    Service.TargetGroup.BUSINESSES.value: "businesses",
    Service.TargetGroup.BOTH.value: "citizens and businesses",
}


def _euros(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def _offer(fee_rule: dict[str, Any], fee_text: str) -> dict[str, Any]:
    offer: dict[str, Any] = {"@type": "Offer", "description": fee_text, "priceCurrency": "EUR"}
    kind = fee_rule.get("kind")
    if kind == "free":
        offer["price"] = "0.00"
    elif kind == "fixed":
        offer["price"] = _euros(int(fee_rule["amount"]))
    elif kind == "range":
        offer["priceSpecification"] = {
            "@type": "PriceSpecification",
            "minPrice": _euros(int(fee_rule["min"])),
            "maxPrice": _euros(int(fee_rule["max"])),
            "priceCurrency": "EUR",
        }
    return offer


def _address(*, street: str, postcode: str, city: str) -> dict[str, Any]:
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "postalCode": postcode,
        "addressLocality": city,
        "addressCountry": "DE",
    }


def _organisation(municipality: Municipality) -> dict[str, Any]:
    organisation: dict[str, Any] = {
        "@type": "GovernmentOrganization",
        "name": municipality.display_authority,
    }
    if municipality.street:
        organisation["address"] = _address(
            street=municipality.street, postcode=municipality.postcode, city=municipality.city
        )
    if municipality.phone:
        organisation["telephone"] = municipality.phone
    if municipality.email:
        organisation["email"] = municipality.email
    if municipality.website:
        organisation["url"] = municipality.website
    return organisation


def _office_channel(office: Office, hours: list[DayHours]) -> dict[str, Any]:
    place: dict[str, Any] = {
        "@type": "GovernmentOffice",
        "name": office.name,
        "address": _address(street=office.street, postcode=office.postcode, city=office.city),
    }
    if office.phone:
        place["telephone"] = office.phone
    if office.email:
        place["email"] = office.email
    if hours:
        place["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[day.weekday]}",
                "opens": f"{interval.opens:%H:%M}",
                "closes": f"{interval.closes:%H:%M}",
            }
            for day in hours
            for interval in day.intervals
        ]
    return {"@type": "ServiceChannel", "name": office.name, "serviceLocation": place}


def government_service(
    *,
    offer: ServiceOffer,
    municipality: Municipality,
    url: str,
    fee_text: str,
    hours: list[DayHours],
    online_url: str,
) -> dict[str, Any]:
    """The schema.org `GovernmentService` for `offer` on `municipality`'s portal."""
    service = offer.service
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": str(service.name),
        "description": str(service.summary),
        "url": url,
        "identifier": {"@type": "PropertyValue", "propertyID": "LeiKa", "value": service.leika_key},
        "serviceType": str(service.name),
        "audience": {
            "@type": "Audience",
            "audienceType": AUDIENCE.get(service.target_group, "citizens"),
        },
        "areaServed": {
            "@type": "AdministrativeArea",
            "name": municipality.name,
            "identifier": municipality.ars,
        },
        "offers": _offer(offer.fee_rule, fee_text),
    }
    if service.legal_basis:
        data["termsOfService"] = str(service.legal_basis)
    channels: list[dict[str, Any]] = []
    if online_url:
        channels.append({"@type": "ServiceChannel", "serviceUrl": online_url})
    if offer.local_service is not None:
        responsible = offer.local_service
        data["provider"] = _organisation(responsible.municipality)
        data["serviceOperator"] = data["provider"]
        channels.append(_office_channel(responsible.responsible_office, hours))
    if channels:
        data["availableChannel"] = channels
    return data
