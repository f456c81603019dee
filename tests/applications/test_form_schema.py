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
        "/person/name": "“Name” must be 2 characters or more.",
        "/person/kind": "Select one of the answers offered for “Kind”.",
        "/person/born": "“Born” must be a real date, for example 15.06.1990.",
        "/dogs": "“Dogs” must be between 1 and 3.",
    }  # /person/company is hidden (kind is not "company"): its bad value does not count
    data["person"].update(kind="company")
    errors = dict(form_data_validate(_definition(schema, ui), data))
    assert errors["/person/company"] == "Enter “Company” in the correct format."


def test_missing_and_wrongly_typed_values(schema, ui):
    errors = form_data_validate(_definition(schema, ui), {"person": {"name": 5}})
    assert ("/dogs", "Enter “Dogs”.") in errors
    assert ("/person/name", "Check your answer to “Name”.") in errors
    assert ("/person/kind", "Select an answer for “Kind”.") in errors
    schema["properties"]["dogs"]["type"] = "integer"
    assert form_data_validate(_definition(schema, ui), {"dogs": "zwei"}, step="dogs") == [
        ("/dogs", "“Dogs” must be a whole number, for example 2.")
    ]


def test_no_message_speaks_json_schema(schema, ui):
    data = {"person": {"name": 5, "kind": 1, "born": "x", "company": 3}, "dogs": "a"}
    for _pointer, message in form_data_validate(_definition(schema, ui), data):
        assert "type" not in message and "format" not in message.replace("correct format", "")
        assert "“" in message  # names the field


def test_hidden_fields_are_not_required_but_visible_ones_are(schema, ui):
    private = {"person": {"name": "Anna", "kind": "private"}, "dogs": 1}
    assert form_data_validate(_definition(schema, ui), private) == []
    company = {"person": {"name": "Anna", "kind": "company"}, "dogs": 1}
    assert form_data_validate(_definition(schema, ui), company) == [
        ("/person/company", "Enter “Company”.")
    ]


def test_step_validation_only_reports_that_steps_fields(schema, ui):
    data = {"person": {"name": "Anna", "kind": "private"}}
    assert form_data_validate(_definition(schema, ui), data, step="person") == []
    assert form_data_validate(_definition(schema, ui), data, step="dogs") == [
        ("/dogs", "Enter “Dogs”.")
    ]


def test_every_missing_field_of_a_missing_object_is_reported_at_once(schema, ui):
    # Nothing entered on the step: one message per required field, not one for "person".
    assert form_data_validate(_definition(schema, ui), {}, step="person") == [
        ("/person/kind", "Select an answer for “Kind”."),
        ("/person/name", "Enter “Name”."),
    ]
    # An object required by a condition (if/then) is expanded the same way.
    schema["properties"]["second"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
    }
    schema["allOf"] = [
        {
            "if": {"properties": {"dogs": {"minimum": 2}}, "required": ["dogs"]},
            "then": {"required": ["second"]},
        }
    ]
    ui["steps"][1]["fields"].append(
        {"field": "/second/name", "label": {"de": "Zweiter Name", "en": "Second name"}}
    )
    assert form_data_validate(_definition(schema, ui), {"dogs": 2}, step="dogs") == [
        ("/second/name", "Enter “Second name”.")
    ]


def test_messages_follow_the_active_language(schema, ui):
    from django.utils import translation

    data = {"person": {"kind": "x", "born": "1990-02-30"}, "dogs": 9}
    with translation.override("de"):
        errors = dict(form_data_validate(_definition(schema, ui), data))
    assert errors == {
        "/person/name": "Geben Sie „Name“ an.",
        "/person/kind": "Wählen Sie bei „Art“ eine der angebotenen Antworten aus.",
        "/person/born": "„Geburtsdatum“ muss ein gültiges Datum sein, zum Beispiel 15.06.1990.",
        "/dogs": "„Anzahl Hunde“ muss zwischen 1 und 3 liegen.",
    }


def test_a_form_may_word_its_own_messages(schema, ui):
    from django.utils import translation

    ui["steps"][0]["fields"][0]["messages"] = {
        "required": {"de": "Geben Sie Ihren Namen ein.", "en": "Enter your name."}
    }
    assert definition_errors(schema=schema, ui=ui) == []
    with translation.override("de"):
        errors = dict(form_data_validate(_definition(schema, ui), {}, step="person"))
    assert errors["/person/name"] == "Geben Sie Ihren Namen ein."
    errors = dict(form_data_validate(_definition(schema, ui), {}, step="person"))
    assert errors["/person/name"] == "Enter your name."


def test_digit_patterns_and_questions_are_put_into_words(schema, ui):
    schema["properties"]["person"]["properties"]["company"]["pattern"] = "^[0-9]{5}$"
    ui["steps"][0]["fields"][2]["label"]["en"] = "What kind of person are you?"
    data = {"person": {"name": "Anna", "company": "123"}, "dogs": 1}
    errors = dict(form_data_validate(_definition(schema, ui), data))
    assert errors["/person/kind"] == (
        "Select an answer to the question “What kind of person are you?”."
    )
    data["person"]["kind"] = "company"
    errors = dict(form_data_validate(_definition(schema, ui), data))
    assert errors["/person/company"] == "“Company” must be 5 digits."


def _dates_definition(schema, ui):
    schema["properties"]["person"]["properties"]["since"] = {"type": "string", "format": "date"}
    fields = ui["steps"][0]["fields"]
    fields[1]["not_in_future"] = True
    fields.append(
        {
            "field": "/person/since",
            "label": {"de": "Seit", "en": "Since"},
            "not_before": "/person/born",
        }
    )
    return _definition(schema, ui)


def test_date_plausibility_rules(schema, ui, settings):
    import datetime as dt

    from django.utils import timezone

    definition = _dates_definition(schema, ui)
    assert definition_errors(schema=schema, ui=ui) == []
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = {"person": {"name": "Anna", "kind": "private", "born": tomorrow}, "dogs": 1}
    assert dict(form_data_validate(definition, data)) == {
        "/person/born": "“Born” must be today or in the past."
    }
    data["person"].update(born="2020-05-01", since="2020-04-30")
    assert dict(form_data_validate(definition, data)) == {
        "/person/since": "“Since” must be the same as or after “Born”."
    }
    data["person"]["since"] = "2020-05-01"  # the same day is plausible
    assert form_data_validate(definition, data) == []


def test_date_rules_are_checked_in_the_definition(schema, ui):
    ui["steps"][0]["fields"][0]["not_in_future"] = True  # a text field
    ui["steps"][0]["fields"][1]["not_before"] = "/person/name"
    paths = [p for p, _ in definition_errors(schema=schema, ui=ui)]
    assert "/ui/steps/0/fields/0/not_in_future" in paths
    assert "/ui/steps/0/fields/1/not_before" in paths


def _grouped(schema, ui):
    """Step "dogs" gets a group "extra" shown only for two or more dogs."""
    schema["properties"]["extra"] = {
        "type": "object",
        "properties": {"name": {"type": "string", "minLength": 1}},
        "required": ["name"],
    }
    ui["steps"][1]["groups"] = [
        {
            "id": "extra",
            "legend": {"de": "2. Hund", "en": "Dog 2"},
            "visible_if": {"field": "/dogs", "in": [2, 3]},
        }
    ]
    ui["steps"][1]["fields"].append(
        {"field": "/extra/name", "label": {"de": "Rufname", "en": "Name"}, "group": "extra"}
    )
    schema["required"].append("extra")
    return _definition(schema, ui)


def test_group_conditions_hide_their_fields_and_labels_name_the_group(schema, ui):
    from rathaus.applications.form_schema import field_labels, visible_ui_fields

    definition = _grouped(schema, ui)
    assert definition_errors(schema=schema, ui=ui) == []
    one = {"person": {"name": "Anna", "kind": "private"}, "dogs": 1}
    assert [f["field"] for f in visible_ui_fields(ui, one, "dogs")] == ["/dogs"]
    # Hidden: not required even though the schema requires the object.
    assert form_data_validate(definition, one) == []
    two = {**one, "dogs": 2}
    assert form_data_validate(definition, two) == [("/extra/name", "Enter “Dog 2: Name”.")]
    assert field_labels(ui, "de")["/extra/name"] == "2. Hund: Rufname"


def test_hidden_answers_are_removed_from_the_data(schema, ui):
    from rathaus.applications.form_schema import data_without_hidden

    definition = _grouped(schema, ui)
    data = {
        "person": {"name": "Anna", "kind": "private", "company": "Acme"},
        "dogs": 1,
        "extra": {"name": "Luna"},
    }
    assert data_without_hidden(definition, data) == {
        "person": {"name": "Anna", "kind": "private"},
        "dogs": 1,
    }
    data.update(dogs=2)
    assert data_without_hidden(definition, data)["extra"] == {"name": "Luna"}
    assert data["person"]["company"] == "Acme"  # the input is not changed


@pytest.mark.parametrize(
    ("group", "path"),
    [
        ({"legend": {"de": "x"}}, "/ui/steps/1/groups/0"),
        ({"id": "g", "legend": {"en": "x"}}, "/ui/steps/1/groups/0/legend"),
        (
            {"id": "g", "legend": {"de": "x"}, "visible_if": {"field": "/x", "equals": 1}},
            "/ui/steps/1/groups/0/visible_if/field",
        ),
    ],
)
def test_group_errors_in_the_definition(schema, ui, group, path):
    ui["steps"][1]["groups"] = [group]
    assert path in [p for p, _ in definition_errors(schema=schema, ui=ui)]


def test_a_field_must_name_a_group_of_its_step(schema, ui):
    ui["steps"][1]["fields"][0]["group"] = "nope"
    assert "/ui/steps/1/fields/0/group" in [p for p, _ in definition_errors(schema=schema, ui=ui)]


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
