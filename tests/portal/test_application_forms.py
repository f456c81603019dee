"""Form steps rendered from the JSON Schema + UI layer, and POSTs parsed back by schema."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from rathaus.applications.forms import step_fields, step_values_parse
from rathaus.applications.models import Draft
from tests.factories import DraftFactory, FormDefinitionFactory, UserFactory

pytestmark = pytest.mark.django_db

COLOURS = ["rot", "gelb", "gruen", "blau", "schwarz", "weiss", "grau"]
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "person": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 80},
                "born": {"type": "string", "format": "date"},
                "email": {"type": "string", "format": "email"},
                "kind": {"type": "string", "enum": ["private", "company"]},
                "company": {"type": "string", "minLength": 2},
            },
            "required": ["name", "kind"],
        },
        "dogs": {"type": "integer", "minimum": 1},
        "weight": {"type": "number"},
        "colour": {"type": "string", "enum": COLOURS},
        "chipped": {"type": "boolean"},
        "vaccines": {"type": "array", "items": {"type": "string", "enum": ["rabies", "lepto"]}},
        "remarks": {"type": "string", "maxLength": 1000},
        "owners": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "share": {"type": "integer"}},
                "required": ["name"],
            },
        },
    },
    "required": ["person", "dogs"],
}
UI = {
    "steps": [
        {
            "id": "all",
            "title": {"de": "Angaben", "en": "Details"},
            "fields": [
                {"field": "/person/name", "label": {"de": "Name", "en": "Name"}},
                {
                    "field": "/person/born",
                    "label": {"de": "Geburtsdatum", "en": "Date of birth"},
                    "help": {"de": "TT.MM.JJJJ", "en": "DD.MM.YYYY"},
                },
                {"field": "/person/email", "label": {"de": "E-Mail", "en": "E-mail"}},
                {
                    "field": "/person/kind",
                    "label": {"de": "Art", "en": "Kind"},
                    "options": {
                        "private": {"de": "privat", "en": "private"},
                        "company": {"de": "Firma", "en": "company"},
                    },
                },
                {
                    "field": "/person/company",
                    "label": {"de": "Firmenname", "en": "Company name"},
                    "visible_if": {"field": "/person/kind", "equals": "company"},
                },
                {"field": "/dogs", "label": {"de": "Anzahl Hunde", "en": "Dogs"}},
                {"field": "/weight", "label": {"de": "Gewicht", "en": "Weight"}},
                {"field": "/colour", "label": {"de": "Farbe", "en": "Colour"}},
                {"field": "/chipped", "label": {"de": "Gechippt", "en": "Chipped"}},
                {"field": "/vaccines", "label": {"de": "Impfungen", "en": "Vaccines"}},
                {"field": "/remarks", "label": {"de": "Bemerkungen", "en": "Remarks"}},
                {"field": "/owners", "label": {"de": "Halter", "en": "Owners"}},
            ],
        }
    ]
}


@pytest.fixture
def definition():
    return FormDefinitionFactory(schema=SCHEMA, ui=UI)


def _post(**values):
    query = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return query


def test_widgets_follow_the_schema(client, definition):
    user = UserFactory()
    draft = DraftFactory(form=definition, applicant=user, data={}, completed_steps=[])
    client.force_login(user)
    html = client.get(reverse("apply:step", args=[draft.pk, "all"])).content.decode()
    # Dates are typed as Germans write them: a text input 10 characters wide with an example.
    assert 'input-width-10" type="text" name="/person/born" id="f-person-born"' in html
    assert 'aria-describedby="f-person-born-help"' in html
    assert "TT.MM.JJJJ Zum Beispiel 15.06.1990" in html
    assert 'type="email" name="/person/email"' in html
    assert 'type="radio" name="/person/kind"' in html  # 2 options: radio group
    assert '<select class="kern-form-input__select" name="/colour"' in html  # 7: select
    assert 'name="/dogs" id="f-dogs" value="" inputmode="numeric"' in html
    assert 'kern-form-input__input input-width-10" type="text" name="/dogs"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="checkbox" name="/chipped"' in html
    assert html.count('type="checkbox" name="/vaccines"') == 2
    assert '<textarea class="kern-form-input__input" name="/remarks"' in html
    assert 'name="/owners/0/name"' in html and 'name="/owners/0/share"' in html
    # Its condition (kind = company) does not hold: the question is not asked.
    assert "f-person-company" not in html and "Firmenname" not in html
    assert "– optional" in html  # the optional fields are marked


def test_post_is_parsed_to_typed_values(definition):
    post = _post(
        **{
            "/person/name": " Erika ",
            "/person/born": "29.2.1980",
            "/person/kind": "private",
            "/dogs": "3",
            "/weight": "12,5",
            "/chipped": "true",
            "/vaccines": ["rabies", "lepto"],
            "/remarks": "",
            "/owners/0/name": "Erika",
            "/owners/0/share": "50",
        }
    )
    values = step_values_parse(definition=definition, step_id="all", post=post)
    assert values == {
        "/person/name": "Erika",
        "/person/born": "1980-02-29",
        "/person/email": None,
        "/person/kind": "private",
        "/person/company": None,
        "/dogs": 3,
        "/weight": 12.5,
        "/colour": None,
        "/chipped": True,
        "/vaccines": ["rabies", "lepto"],
        "/remarks": None,
        "/owners": [{"name": "Erika", "share": 50}],
    }
    assert (
        step_values_parse(definition=definition, step_id="all", post=_post())["/chipped"] is False
    )


def test_values_that_cannot_be_coerced_are_kept_and_reported(client, definition):
    user = UserFactory()
    draft = DraftFactory(form=definition, applicant=user, data={}, completed_steps=[])
    client.force_login(user)
    url = reverse("apply:step", args=[draft.pk, "all"])
    page = client.post(
        url,
        {
            "/person/name": "Erika",
            "/person/kind": "private",
            "/person/born": "30.02.1980",
            "/dogs": "drei",
            "/owners/0/share": "viel",
            "action": "next",
        },
    )
    html = page.content.decode()
    for field_id in ("f-person-born", "f-dogs", "f-owners-0-name", "f-owners-0-share"):
        assert f'href="#{field_id}"' in html
    assert 'value="drei"' in html and 'value="viel"' in html
    data = Draft.objects.get(pk=draft.pk).data
    assert data["dogs"] == "drei" and data["person"]["born"] == "30.02.1980"
    assert 'value="30.02.1980"' in html
    assert "„Geburtsdatum“ muss ein gültiges Datum sein, zum Beispiel 15.06.1990." in html
    # The hidden field's condition does not hold: it is not required.
    assert 'href="#f-person-company"' not in html


def test_errors_attach_to_the_deepest_field(definition):
    fields = step_fields(
        definition=definition,
        step_id="all",
        data={},
        errors=[("/person/name", "kaputt"), ("/owners/0/share", "zahl"), ("/owners/0", "alt")],
        language="de",
    )
    by_pointer = {f.pointer: f for f in fields}
    assert by_pointer["/person/name"].errors == ["kaputt"]
    assert by_pointer["/owners"].children[1].errors == ["zahl"]
    assert by_pointer["/owners"].errors == ["alt"]  # the entry as a whole: its fieldset


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("15.06.1990", "1990-06-15"),
        ("5.6.1990", "1990-06-05"),
        (" 1990-06-15 ", "1990-06-15"),
        ("31.02.1990", "31.02.1990"),  # no such day: kept as typed, validation reports it
        ("Juni 1990", "Juni 1990"),
        ("", None),
    ],
)
def test_dates_are_typed_the_german_way_and_stored_as_iso(definition, typed, stored):
    values = step_values_parse(
        definition=definition, step_id="all", post=_post(**{"/person/born": typed})
    )
    assert values["/person/born"] == stored


def test_a_stored_date_is_shown_the_german_way(definition):
    fields = step_fields(
        definition=definition,
        step_id="all",
        data={"person": {"born": "1990-06-15"}},
        errors=[],
        language="en",
    )
    born = next(f for f in fields if f.pointer == "/person/born")
    assert born.value == "15.06.1990" and born.width_class == "input-width-10"


@pytest.mark.parametrize(
    ("sub", "css"),
    [
        ({"type": "string", "pattern": "^[0-9]{5}$"}, "input-width-5"),  # postcode
        ({"type": "string", "pattern": "^[0-9]{15}$"}, "input-width-20"),  # chip number
        ({"type": "string", "format": "date"}, "input-width-10"),
        ({"type": "integer", "minimum": 1, "maximum": 3}, "kern-form-input__input--width-2"),
        ({"type": "string", "maxLength": 40}, "input-width-40"),
        ({"type": "string", "maxLength": 100}, ""),  # long text: the full width
    ],
)
def test_inputs_are_as_wide_as_their_content(sub, css):
    from rathaus.applications.form_steps import _build

    built = _build(
        pointer="/x", sub=sub, ui_field={}, required=True, label="X", value=None, language="de"
    )
    assert built.width_class == css


def test_every_error_of_a_step_is_reported_at_once(client):
    """Six empty required fields of a person: six messages, each naming its field, each
    linked to its input."""
    from rathaus.demo.data.forms import building_blocks

    schema = {
        "$schema": building_blocks.JSON_SCHEMA,
        "type": "object",
        "properties": {"holder": building_blocks.person_schema()},
        "required": ["holder"],
    }
    ui = {
        "steps": [
            {
                "id": "halter",
                "title": {"de": "Halter", "en": "Owner"},
                "fields": building_blocks.person_fields("/holder"),
            }
        ]
    }
    user = UserFactory()
    draft = DraftFactory(form=FormDefinitionFactory(schema=schema, ui=ui), applicant=user, data={})
    client.force_login(user)
    page = client.post(reverse("apply:step", args=[draft.pk, "halter"]), {"action": "next"})
    html = page.content.decode()
    expected = {
        "f-holder-first_name": "Geben Sie Ihren Vornamen ein.",
        "f-holder-last_name": "Geben Sie Ihren Familiennamen ein.",
        "f-holder-date_of_birth": "Geben Sie Ihr Geburtsdatum ein.",
        "f-holder-street": "Geben Sie „Straße und Hausnummer“ an.",
        "f-holder-postal_code": "Geben Sie Ihre Postleitzahl ein.",
        "f-holder-city": "Geben Sie „Ort“ an.",
    }
    for field_id, message in expected.items():
        assert f'<a href="#{field_id}">{message}</a>' in html, field_id
    assert "zwingend erforderlich" not in html and "falschen Typ" not in html
    assert 'autocomplete="postal-code"' in html and 'autocomplete="bday"' in html

    english = client.post(
        reverse("apply:step", args=[draft.pk, "halter"]),
        {"/holder/postal_code": "5235", "/holder/date_of_birth": "01.01.2999", "action": "next"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "The postcode must be 5 digits, for example 52351." in english
    assert "Your date of birth must be in the past." in english
    assert "Enter “Town or city”." in english
