"""Form steps rendered from the JSON Schema + UI layer, and POSTs parsed back by schema."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from rathaus.applications.models import Draft
from rathaus.portal.application_forms import step_fields, step_values_parse
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
    assert 'type="date" name="/person/born" id="f-person-born"' in html
    assert 'aria-describedby="f-person-born-help"' in html
    assert 'type="email" name="/person/email"' in html
    assert 'type="radio" name="/person/kind"' in html  # 2 options: radio group
    assert '<select class="kern-form-input__select" name="/colour"' in html  # 7: select
    assert 'name="/dogs" id="f-dogs" value="" inputmode="numeric"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="checkbox" name="/chipped"' in html
    assert html.count('type="checkbox" name="/vaccines"') == 2
    assert '<textarea class="kern-form-input__input" name="/remarks"' in html
    assert 'name="/owners/0/name"' in html and 'name="/owners/0/share"' in html
    # Shown without JavaScript, with a note when it applies.
    assert "f-person-company-condition" in html and "Firma" in html
    assert "– optional" in html  # the optional fields are marked


def test_post_is_parsed_to_typed_values(definition):
    post = _post(
        **{
            "/person/name": " Erika ",
            "/person/born": "1980-02-29",
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
            "/person/born": "29.02.1980",
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
    assert data["dogs"] == "drei" and data["person"]["born"] == "29.02.1980"
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
