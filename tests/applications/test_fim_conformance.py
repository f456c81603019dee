"""The FIM importer against the official XDatenfelder samples, and the FIT-Connect export."""

import os
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from rathaus.applications.form_schema import definition_errors, form_data_validate
from rathaus.applications.services import form_definition_create
from rathaus.contrib.fim.fitconnect import fitconnect_submission_schema
from rathaus.contrib.fim.xdatenfelder import FimImportError, xdatenfelder_import
from rathaus.core.actors import Actor

REPO = Path(__file__).resolve().parents[2]
STANDARDS = Path(os.environ.get("RATHAUS_STANDARDS_DIR", REPO.parent / "shared" / "standards"))
SAMPLES = STANDARDS / "xdatenfelder"

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason=f"XDatenfelder samples not found at {SAMPLES} (set RATHAUS_STANDARDS_DIR)",
)


def _samples(folder: str) -> list[Path]:
    return sorted((SAMPLES / folder).glob("*.xml")) if SAMPLES.is_dir() else []


VALID = _samples("v2-data/valid") + _samples("v3-data/valid")

# What each valid sample must report as not (fully) mapped: (element id, start of message).
EXPECTED_REPORT = {
    "data-field-rule.xml": [("F123", "rule R60000037 'MindestEineAngabe' is not expressible")],
    "minimal.xml": [("T1234", "the document contains no input fields")],
    "select.xml": [("F123", "code list C123 (urn:de:example_1) is referenced, not embedded")],
    "simple.xml": [("T1234", "rule R60000037"), ("G60000000088", "rule R60000000019")],
}


def test_there_are_samples():
    assert len(VALID) == 5


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_valid_samples_import_to_a_2020_12_schema_and_report_the_rest(path):
    definition, report = xdatenfelder_import(path.read_bytes())
    Draft202012Validator.check_schema(definition["schema"])
    expected = EXPECTED_REPORT[path.name]
    if path.name == "simple.xml":
        expected = [e for e in expected if e[0] in {eid for eid, _ in report}]
        assert len(expected) == 1
    for element_id, start in expected:
        assert any(eid == element_id and msg.startswith(start) for eid, msg in report), report
    # FIM has no English texts; every import says so rather than inventing them.
    assert any("German only" in msg for _, msg in report)
    if definition["ui"]["steps"]:
        assert definition_errors(schema=definition["schema"], ui=definition["ui"]) == []


def test_v2_simple_maps_groups_fields_multiplicity_and_precision():
    definition, report = xdatenfelder_import((SAMPLES / "v2-data/valid/simple.xml").read_bytes())
    # XDatenfelder 2 keeps a rule's text in <definition>; the report carries it.
    assert (
        "T1234",
        "rule R60000037 'MindestEineAngabe' is not expressible as JSON Schema and was not "
        "imported: Eine Definition — script: function script() {}",
    ) in report
    schema = definition["schema"]
    person = schema["properties"]["G00000082"]
    assert schema["required"] == ["G00000082"] and person["required"] == ["F60000227"]
    assert person["properties"]["F60000227"] == {
        "type": "string",
        "title": "Familienname",
        "description": "Hilfe Eingabe",
        "minLength": 1,
        "maxLength": 120,
    }
    assert definition["ui"]["steps"] == [
        {
            "id": "G00000082",
            "title": {"de": "Natürliche Person"},
            "fields": [
                {
                    "label": {"de": "Familienname"},
                    "help": {"de": "Hilfe Eingabe"},
                    "field": "/G00000082/F60000227",
                }
            ],
        }
    ]


def test_v3_simple_optional_group_and_rules_on_every_carrier():
    definition, report = xdatenfelder_import((SAMPLES / "v3-data/valid/simple.xml").read_bytes())
    schema = definition["schema"]
    assert "required" not in schema  # anzahl 0:1
    street = schema["properties"]["G60000000086"]["properties"]["F60000000243"]
    assert (street["minLength"], street["maxLength"]) == (1, 55)
    carriers = {eid for eid, msg in report if msg.startswith("rule R60000000019")}
    assert carriers == {"G60000000088", "F60000000243"}
    assert ("G60000000088", "relation ERS to G60000000088 is metadata, not imported") in report


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "v2-data/invalid/duplicate-required-value.xml",
            "line 13, <name>: <name> occurs more than once in <stammdatenschema>",
        ),
        (
            "v3-data/invalid/missing-id-node.xml",
            "line 9, <identifikation>: the required element <id> is missing",
        ),
        ("ozg-fixtures/WaBeKa.xml", "XDatenfelder version 1 is not supported"),
    ],
)
def test_invalid_and_version_1_documents_are_refused(path, message):
    with pytest.raises(FimImportError, match=re.escape(message)):
        xdatenfelder_import((SAMPLES / path).read_bytes())


def test_ozg_fixture_in_version_2_imports_with_its_gaps_reported():
    definition, report = xdatenfelder_import((SAMPLES / "ozg-fixtures/BlaueKarte.xml").read_bytes())
    Draft202012Validator.check_schema(definition["schema"])
    assert definition_errors(schema=definition["schema"], ui=definition["ui"]) == []
    messages = [msg for _, msg in report]
    assert any(m.startswith("file upload is not mapped") for m in messages)
    assert any(m.startswith("repeated group") for m in messages)
    assert any(m.startswith("code list C00000001") for m in messages)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_english")
def test_imported_definition_exports_a_fitconnect_schema_that_validates_submissions(service):
    imported, _ = xdatenfelder_import((SAMPLES / "v2-data/valid/simple.xml").read_bytes())
    definition = form_definition_create(service=service, actor=Actor.system("test"), **imported)
    exported = fitconnect_submission_schema(definition)
    assert exported["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert exported["$id"] == "urn:de:rathaus:fitconnect:submission-schema:leika:99108001000000:v1"
    assert exported["title"] == "Hundesteuer Anmeldung (Version 1)"
    Draft202012Validator.check_schema(exported)
    validator = Draft202012Validator(exported)
    assert validator.is_valid({"G00000082": {"F60000227": "Müller"}})
    assert not validator.is_valid({"G00000082": {"F60000227": ""}})
    assert not validator.is_valid({})
    assert form_data_validate(definition, {"G00000082": {}}) == [
        ("/G00000082/F60000227", "Enter “Familienname”.")
    ]


def test_not_well_formed_and_foreign_xml_is_refused():
    with pytest.raises(FimImportError, match="not well-formed"):
        xdatenfelder_import(b"<a>")
    with pytest.raises(FimImportError, match=r"not an XDatenfelder 2\.0/3\.0\.0 document"):
        xdatenfelder_import(b'<a xmlns="urn:example"/>')
