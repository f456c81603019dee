"""Read-only representations of the API, version 1. They only shape data that selectors
return; no query or rule lives here beyond following prefetched relations."""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rathaus.api.schema import NamedChoiceField
from rathaus.catalog.models import LifeSituation, LocalService, RequiredDocument, Service
from rathaus.catalog.selectors import Responsibility, ServiceOffer, fee_describe
from rathaus.municipalities import selectors as municipality_selectors
from rathaus.municipalities.keys import land_name
from rathaus.municipalities.models import Municipality, Office, OpeningException


def active_language() -> str:
    """The two-letter code of the language of this request (LocaleMiddleware sets it)."""
    return (get_language() or "de")[:2]


class BilingualField(serializers.CharField):
    """Text stored as a German field and an English one: the English text when English is
    active and it is not empty, the German text otherwise."""

    def __init__(self, *, german: str, english: str, **kwargs: Any) -> None:
        self.german = german
        self.english = english
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        text = getattr(value, self.english, "") if active_language() == "en" else ""
        return str(text or getattr(value, self.german) or "")


class SlugListField(serializers.ListField):
    """The slugs of related objects (a related manager, prefetched or not)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.SlugField(), read_only=True, **kwargs)

    def to_representation(self, data: Any) -> list[str]:
        return [item.slug for item in data.all()]


# --- Municipalities and offices ---


class ContactSerializer(serializers.Serializer[Municipality]):
    authority_name = serializers.CharField(source="display_authority")
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    represented_by = serializers.CharField()
    supervisory_authority = serializers.CharField()
    data_protection_officer = serializers.CharField()
    accessibility_contact = serializers.CharField()


class MunicipalitySerializer(serializers.Serializer[Municipality]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = NamedChoiceField(choices=Municipality.Kind.choices, enum_name="MunicipalityKindEnum")
    kind_label = serializers.CharField(source="get_kind_display")
    land = serializers.CharField(help_text="Two-digit Land key (07 = Rheinland-Pfalz).")
    land_name = serializers.SerializerMethodField()
    ars = serializers.CharField(help_text="Amtlicher Regionalschlüssel (12 digits).")
    ags = serializers.CharField(
        help_text="Amtlicher Gemeindeschlüssel (8 digits); empty for associations."
    )
    parent = serializers.SlugField(  # type: ignore[assignment]  # a field, not Field.parent
        source="parent.slug", allow_null=True, default=None
    )
    has_portal = serializers.BooleanField()

    def get_land_name(self, obj: Municipality) -> str:
        return land_name(obj.land)


class MunicipalityDetailSerializer(MunicipalitySerializer):
    children = SlugListField()
    contact = ContactSerializer(source="*")


class MunicipalityRefSerializer(serializers.Serializer[Municipality]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = NamedChoiceField(choices=Municipality.Kind.choices, enum_name="MunicipalityKindEnum")
    ars = serializers.CharField()
    authority_name = serializers.CharField(source="display_authority")


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "08:00"})
class HourMinuteField(serializers.TimeField):
    """A local wall-clock time as "HH:MM" (Europe/Berlin)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class IntervalSerializer(serializers.Serializer[Any]):
    opens = HourMinuteField()
    closes = HourMinuteField()
    by_appointment_only = serializers.BooleanField()


class DayHoursSerializer(serializers.Serializer[Any]):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    intervals = IntervalSerializer(many=True)


class OpeningExceptionSerializer(serializers.Serializer[OpeningException]):
    date = serializers.DateField()
    closed = serializers.BooleanField()
    opens = HourMinuteField(allow_null=True)
    closes = HourMinuteField(allow_null=True)
    note = BilingualField(german="note_de", english="note_en")


class AddressSerializer(serializers.Serializer[Office]):
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    room = serializers.CharField()


class OfficeSerializer(serializers.Serializer[Office]):
    slug = serializers.SlugField()
    name = BilingualField(german="name", english="name_en")
    kind = NamedChoiceField(choices=Office.Kind.choices, enum_name="OfficeKindEnum")
    municipality = serializers.SlugField(source="municipality.slug")
    parent = serializers.SlugField(  # type: ignore[assignment]  # a field, not Field.parent
        source="parent.slug", allow_null=True, default=None
    )
    address = AddressSerializer(source="*")
    phone = serializers.CharField()
    email = serializers.CharField()
    opening_hours = serializers.SerializerMethodField(help_text="The regular weekly pattern.")

    @extend_schema_field(DayHoursSerializer(many=True))
    def get_opening_hours(self, obj: Office) -> list[dict[str, Any]]:
        days = municipality_selectors.office_weekly_hours(office=obj)
        return DayHoursSerializer(days, many=True).data  # type: ignore[return-value]


class OfficeDetailSerializer(OfficeSerializer):
    accessibility = BilingualField(german="accessibility_de", english="accessibility_en")
    opening_exceptions = OpeningExceptionSerializer(
        many=True, help_text="Days from today on that differ from the weekly pattern."
    )


class OfficeRefSerializer(serializers.Serializer[Office]):
    slug = serializers.SlugField()
    name = BilingualField(german="name", english="name_en")
    municipality = serializers.SlugField(source="municipality.slug")
    address = AddressSerializer(source="*")
    phone = serializers.CharField()
    email = serializers.CharField()


# --- Services ---


class FeeSerializer(serializers.Serializer[Any]):
    rule = serializers.DictField(help_text="The fee rule as data (see the fee rule format).")
    text = serializers.CharField(help_text="The fee in words, in the language of the response.")


def fee_data(rule: dict[str, Any] | None) -> dict[str, Any]:
    return {"rule": rule or {}, "text": fee_describe(rule, active_language())}


class LifeSituationSerializer(serializers.Serializer[LifeSituation]):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RequiredDocumentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    note = serializers.CharField()
    form = serializers.ChoiceField(choices=RequiredDocument.Form.choices)
    electronic_accepted = serializers.BooleanField()
    mandatory = serializers.BooleanField()


class ServiceSerializer(serializers.Serializer[Service]):
    slug = serializers.SlugField()
    leika_key = serializers.CharField(help_text="Key in the Leistungskatalog (LeiKa), 14 digits.")
    name = serializers.CharField()
    summary = serializers.CharField()
    target_group = serializers.ChoiceField(choices=Service.TargetGroup.choices)
    ozg_maturity = serializers.IntegerField(min_value=0, max_value=4)
    min_trust_level = serializers.ChoiceField(choices=Service.TrustLevel.choices)
    online_application = serializers.ChoiceField(choices=Service.OnlineApplication.choices)
    life_situations = SlugListField()


class ServiceDetailSerializer(ServiceSerializer):
    description = serializers.CharField()
    legal_basis = serializers.CharField()
    processing_time = serializers.CharField()
    deadlines = serializers.CharField()
    online_url = serializers.CharField()
    fee = serializers.SerializerMethodField()
    required_documents = RequiredDocumentSerializer(many=True)
    life_situations = LifeSituationSerializer(many=True)  # type: ignore[assignment]

    @extend_schema_field(FeeSerializer)
    def get_fee(self, obj: Service) -> dict[str, Any]:
        return fee_data(obj.fee_rule)


class ServiceOfferSerializer(serializers.Serializer[ServiceOffer]):
    """A shared service as offered in one municipality, local details applied."""

    slug = serializers.SlugField(source="service.slug")
    leika_key = serializers.CharField(source="service.leika_key")
    name = serializers.CharField(source="service.name")
    summary = serializers.CharField(source="service.summary")
    target_group = serializers.ChoiceField(
        source="service.target_group", choices=Service.TargetGroup.choices
    )
    fee = serializers.SerializerMethodField()
    depends_on_place = serializers.BooleanField(
        help_text="True when the responsible authority depends on the exact place "
        "(the service is offered by municipalities below this one); "
        "ask the responsibility endpoint."
    )
    responsible_authority = MunicipalityRefSerializer(
        source="local_service.municipality", allow_null=True, default=None
    )
    responsible_office = OfficeRefSerializer(
        source="local_service.responsible_office", allow_null=True, default=None
    )
    online_application = serializers.ChoiceField(
        source="service.online_application", choices=Service.OnlineApplication.choices
    )
    online_available = serializers.BooleanField()
    online_url = serializers.CharField()

    @extend_schema_field(FeeSerializer)
    def get_fee(self, obj: ServiceOffer) -> dict[str, Any]:
        return fee_data(obj.fee_rule)


class ServiceOfferDetailSerializer(ServiceOfferSerializer):
    description = serializers.CharField(source="service.description")
    legal_basis = serializers.CharField(source="service.legal_basis")
    processing_time = serializers.CharField(source="service.processing_time")
    deadlines = serializers.CharField(source="service.deadlines")
    ozg_maturity = serializers.IntegerField(source="service.ozg_maturity", min_value=0, max_value=4)
    min_trust_level = serializers.ChoiceField(
        source="service.min_trust_level", choices=Service.TrustLevel.choices
    )
    local_notes = serializers.SerializerMethodField()
    required_documents = RequiredDocumentSerializer(source="service.required_documents", many=True)
    life_situations = LifeSituationSerializer(source="service.life_situations", many=True)

    def get_local_notes(self, obj: ServiceOffer) -> str:
        local_service: LocalService | None = obj.local_service
        return str(local_service.local_notes) if local_service is not None else ""


class SearchResultSerializer(serializers.Serializer[Any]):
    query = serializers.CharField()
    results = ServiceOfferSerializer(many=True, help_text="Best match first.")


# --- Zuständigkeitsfinder ---


class ResponsibleOfficeSerializer(OfficeRefSerializer):
    opening_hours = serializers.SerializerMethodField(help_text="The regular weekly pattern.")

    @extend_schema_field(DayHoursSerializer(many=True))
    def get_opening_hours(self, obj: Office) -> list[dict[str, Any]]:
        days = municipality_selectors.office_weekly_hours(office=obj)
        return DayHoursSerializer(days, many=True).data  # type: ignore[return-value]


class ServiceRefSerializer(serializers.Serializer[Service]):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ResponsibilitySerializer(serializers.Serializer[Responsibility]):
    service = ServiceRefSerializer()
    place = MunicipalityRefSerializer()
    responsible_authority = MunicipalityRefSerializer(source="local_service.municipality")
    responsible_office = ResponsibleOfficeSerializer(source="local_service.responsible_office")
    contact = ContactSerializer(
        source="local_service.municipality", help_text="Contact of the responsible authority."
    )
    local_notes = serializers.CharField(source="local_service.local_notes")
    fee = serializers.SerializerMethodField()
    searched = serializers.SerializerMethodField(
        help_text="Municipalities looked at, from the place upwards; the last one is responsible."
    )

    @extend_schema_field(FeeSerializer)
    def get_fee(self, obj: Responsibility) -> dict[str, Any]:
        offer = ServiceOffer(service=obj.service, local_service=obj.local_service)
        return fee_data(offer.fee_rule)

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_searched(self, obj: Responsibility) -> list[str]:
        return [m.slug for m in obj.searched]


# --- Query parameters ---


class ResponsibilityQuerySerializer(serializers.Serializer[Any]):
    """Which service, and where: one of `ars`, `postcode` (+ `place_name`) or `municipality`."""

    service = serializers.SlugField(help_text="Slug of the service.")
    ars = serializers.RegexField(
        r"^\d{12}$", required=False, help_text="Amtlicher Regionalschlüssel of the place."
    )
    postcode = serializers.RegexField(
        r"^\d{5}$", required=False, help_text="Postcode of the place."
    )
    place_name = serializers.CharField(
        required=False, max_length=100, help_text="Place name, to narrow a postcode."
    )
    municipality = serializers.SlugField(required=False, help_text="Slug of the municipality.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [key for key in ("ars", "postcode", "municipality") if attrs.get(key)]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("Give exactly one of ars, postcode (with place_name if needed) or municipality.")
            )
        if attrs.get("place_name") and not attrs.get("postcode"):
            raise serializers.ValidationError({"place_name": [_("A place name needs a postcode.")]})
        return attrs


class SearchQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=200, help_text="Words to search for (German or English).")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=20, required=False)


class MunicipalityServiceQuerySerializer(serializers.Serializer[Any]):
    life_situation = serializers.SlugField(
        required=False, help_text="Only services of this life situation (slug)."
    )
