from types import SimpleNamespace

import pytest

from rathaus.applications.form_schema import definition_errors, form_data_validate

pytestmark = pytest.mark.usefixtures("in_english")


def test_a_valid_definition_has_no_errors(schema, ui):
    assert definition_errors(schema=schema, ui=ui) == []


def test_meta_schema_errors_name_the_path(schema, ui):
    schema["properties"]["dogs"]["minimum"] = "one"
    errors = definition_errors(schema=schema, ui=ui)
    assert [path for path, _ in errors] == ["/schema/properties/dogs/minimum"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda s, u: u["steps"][0]["fields"].append({"field": "/nope", "label": {"de": "x"}}),
            "/ui/steps/0/fields/4/field",
        ),
        (lambda s, u: u["steps"][1].update(fields=[]), "/ui/steps/1/fields"),
        (lambda s, u: u.update(steps=[]), "/ui/steps"),
        (lambda s, u: u["steps"][1].update(id="person"), "/ui/steps/1/id"),
        (
            lambda s, u: u["steps"][0]["fields"][0].update(label={"en": "Name"}),
            "/ui/steps/0/fields/0/label",
        ),
        (
            lambda s, u: u["steps"][0]["fields"][3].update(visible_if={"field": "/x", "equals": 1}),
            "/ui/steps/0/fields/3/visible_if/field",
        ),
        (
            lambda s, u: u["steps"][0]["fields"][3].update(visible_if={"field": "/dogs"}),
            "/ui/steps/0/fields/3/visible_if",
        ),
        (
            lambda s, u: u.update(computed=[{"field": "/total", "expression": "dogs * 2"}]),
            "/ui/computed/0/field",
        ),
        (lambda s, u: s.update(type="array"), "/schema/type"),
    ],
)
def test_ui_layer_errors(schema, ui, change, path):
    change(schema, ui)
    assert path in [p for p, _ in definition_errors(schema=schema, ui=ui)]


def test_non_object_inputs_are_refused():
    assert definition_errors(schema=[], ui={}) == [("/schema", "must be a JSON object")]


def _definition(schema, ui):
    return SimpleNamespace(schema=schema, ui=ui)


def test_valid_data_has_no_errors(schema, ui):
    data = {"person": {"name": "Anna", "kind": "private", "born": "1990-02-01"}, "dogs": 2}
    assert form_data_validate(_definition(schema, ui), data) == []


def test_errors_point_at_the_field_with_readable_messages(schema, ui):
    data = {
        "person": {"name": "A", "kind": "club", "born": "1990-13-45", "company": "acme"},
        "dogs": 7,
    }
    errors = dict(form_data_validate(_definition(schema, ui), data))
    assert errors == {
        "/person/name": "Enter at least 2 characters.",
        "/person/kind": "Choose one of the offered values.",
        "/person/born": "The value is not a valid date.",
        "/dogs": "The value must be at most 3.",
    }  # /person/company is hidden (kind is not "company"): its bad value does not count
    data["person"].update(kind="company")
    errors = dict(form_data_validate(_definition(schema, ui), data))
    assert errors["/person/company"] == "The value does not have the expected format."


def test_missing_and_wrongly_typed_values(schema, ui):
    errors = form_data_validate(_definition(schema, ui), {"person": {"name": 5}})
    assert ("/dogs", "This field is required.") in errors
    assert ("/person/name", "The value has the wrong type.") in errors
    assert ("/person/kind", "This field is required.") in errors


def test_hidden_fields_are_not_required_but_visible_ones_are(schema, ui):
    private = {"person": {"name": "Anna", "kind": "private"}, "dogs": 1}
    assert form_data_validate(_definition(schema, ui), private) == []
    company = {"person": {"name": "Anna", "kind": "company"}, "dogs": 1}
    assert form_data_validate(_definition(schema, ui), company) == [
        ("/person/company", "This field is required.")
    ]


def test_step_validation_only_reports_that_steps_fields(schema, ui):
    data = {"person": {"name": "Anna", "kind": "private"}}
    assert form_data_validate(_definition(schema, ui), data, step="person") == []
    assert form_data_validate(_definition(schema, ui), data, step="dogs") == [
        ("/dogs", "This field is required.")
    ]
    # A missing parent object counts for every field of the step under it.
    assert ("/person", "This field is required.") in form_data_validate(
        _definition(schema, ui), {}, step="person"
    )


def test_messages_follow_the_active_language(schema, ui):
    from django.utils import translation

    with translation.override("de"):
        errors = form_data_validate(_definition(schema, ui), {"person": {"kind": "x"}, "dogs": 1})
    assert ("/person/name", "Dieses Feld ist zwingend erforderlich.") in errors


def test_computed_values_are_checked_and_evaluated(schema, ui):
    from decimal import Decimal

    from rathaus.applications.form_schema import form_computed_values

    schema["properties"]["fee_estimate"] = {"type": "number"}
    ui["computed"] = [{"field": "/fee_estimate", "expression": "9600 + 4800 * max(0, dogs - 1)"}]
    assert definition_errors(schema=schema, ui=ui) == []
    definition = _definition(schema, ui)
    assert form_computed_values(definition, {"dogs": 3}) == {"/fee_estimate": Decimal(19200)}
    # Not entered yet (or not a number): no value rather than an error.
    assert form_computed_values(definition, {}) == {"/fee_estimate": None}
    assert form_computed_values(definition, {"dogs": True}) == {"/fee_estimate": None}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "may only call"),
        ("cats * 2", "unknown parameter"),
        ("dogs +", "not valid"),
    ],
)
def test_unsafe_or_broken_computed_expressions_are_refused(schema, ui, expression, message):
    schema["properties"]["fee_estimate"] = {"type": "number"}
    ui["computed"] = [{"field": "/fee_estimate", "expression": expression}]
    errors = dict(definition_errors(schema=schema, ui=ui))
    assert message in errors["/ui/computed/0/expression"]
