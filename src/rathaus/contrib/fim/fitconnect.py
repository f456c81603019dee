"""Export a form definition as a FIT-Connect submission schema (JSON Schema 2020-12)."""

from typing import Any

from rathaus.applications.models import FormDefinition

JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def fitconnect_submission_schema_id(*, leika_key: str, version: int) -> str:
    """The `$id` of the submission schema of a service's form version."""
    return f"urn:de:rathaus:fitconnect:submission-schema:leika:{leika_key}:v{version}"


def fitconnect_submission_schema(definition: FormDefinition) -> dict[str, Any]:
    """A standalone JSON Schema document for the data of `definition`.

    It carries `$schema`, an `$id` built from the service's LeiKa key and the version, and a
    title; the rest is the definition's schema unchanged.
    """
    service = definition.service
    body = {k: v for k, v in definition.schema.items() if k not in ("$schema", "$id", "title")}
    return {
        "$schema": JSON_SCHEMA_2020_12,
        "$id": fitconnect_submission_schema_id(
            leika_key=service.leika_key, version=definition.version
        ),
        "title": f"{service.name_de} (Version {definition.version})",
        **body,
    }
