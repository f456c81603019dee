"""Query-parameter filters of the list endpoints (django-filter)."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from rathaus.catalog.models import Service
from rathaus.municipalities.keys import LAENDER
from rathaus.municipalities.models import Municipality


class StrictBooleanField(forms.Field):
    """`true` or `false` (any case); anything else is an error instead of being ignored."""

    def to_python(self, value: object) -> bool | None:
        if value in (None, ""):
            return None
        parsed = {"true": True, "false": False}.get(str(value).lower())
        if parsed is None:
            raise forms.ValidationError(_("Use true or false."), code="invalid")
        return parsed


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, **kwargs: Any) -> None:
        # The default BooleanWidget turns unknown words into "no filter"; pass them through.
        super().__init__(widget=forms.TextInput, **kwargs)


class MunicipalityFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(
        choices=Municipality.Kind.choices, help_text=_("Kind of municipality.")
    )
    land = filters.ChoiceFilter(
        choices=sorted(LAENDER.items()), help_text=_("Two-digit Land key, e.g. 07.")
    )
    parent = filters.CharFilter(
        field_name="parent__slug", help_text=_("Slug of the parent (Kreis or Verband).")
    )
    has_portal = StrictBooleanFilter(help_text=_("Only municipalities with (or without) a portal."))
    q = filters.CharFilter(
        field_name="name", lookup_expr="icontains", help_text=_("Part of the name.")
    )

    class Meta:
        model = Municipality
        fields = ["kind", "land", "parent", "has_portal", "q"]


class ServiceFilter(filters.FilterSet):
    target_group = filters.ChoiceFilter(choices=Service.TargetGroup.choices)
    life_situation = filters.CharFilter(
        field_name="life_situations__slug", help_text=_("Slug of a life situation.")
    )
    ozg_maturity = filters.TypedChoiceFilter(
        choices=[(level, str(level)) for level in range(5)],
        coerce=int,
        help_text=_("OZG maturity level 0–4."),
    )
    min_trust_level = filters.ChoiceFilter(choices=Service.TrustLevel.choices)
    q = filters.CharFilter(
        method="filter_text", help_text=_("Part of the name, summary, keywords or synonyms.")
    )

    class Meta:
        model = Service
        fields = ["target_group", "life_situation", "ozg_maturity", "min_trust_level", "q"]

    def filter_text(self, queryset: QuerySet[Service], name: str, value: str) -> QuerySet[Service]:
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(name_de__icontains=word)
                | Q(name_en__icontains=word)
                | Q(summary_de__icontains=word)
                | Q(summary_en__icontains=word)
                | Q(keywords__icontains=word)
                | Q(synonyms__icontains=word)
            )
        return queryset
