"""OpenAPI details drf-spectacular cannot infer on its own."""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_choice_description_list, build_choice_field
from drf_spectacular.utils import Direction
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as its own enum component `enum_name`.

    Two models here have a `kind` with different choices (municipality, office); without an
    explicit name drf-spectacular would have to guess names for the two enums.
    """

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self) -> str | None:
        return str(self.target.enum_name)

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        schema: dict[str, Any] = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        schema["description"] = build_choice_description_list(self.target.choices.items())
        return schema
