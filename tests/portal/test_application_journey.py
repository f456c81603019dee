"""The Hund anmelden journey as a citizen meets it, through the real views: questions that do
not apply are not asked, not checked, not stored and not listed; every error at once, in
plain words naming the field; dates the German way; one progress indicator."""

import copy
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from rathaus.applications.models import Draft, Submission
from rathaus.applications.receipts import receipt_data_sections
from rathaus.demo.data.forms import hund_anmelden
from tests.factories import (
    DraftFactory,
    FormDefinitionFactory,
    RequiredDocumentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALL_DECLARATIONS = {
    d: "2026-01-01T00:00:00+00:00" for d in ("truthful", "privacy", "dog_tag", "no_dangerous_dog")
}


def _example_data(*, dogs: int) -> dict:
    """The demo's example answers (two dogs) as data, with `dogs` dogs."""
    data: dict = {}
    for values in hund_anmelden.EXAMPLE.values():
        for pointer, value in values.items():
            node = data
            *parents, last = pointer.strip("/").split("/")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = value
    data["number_of_dogs"] = dogs
    if dogs == 1:
        data.pop("dog2")
    return data


@pytest.fixture
def citizen(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _draft(citizen, *, data, completed=(), **extra):
    form = FormDefinitionFactory(
        schema=copy.deepcopy(hund_anmelden.SCHEMA),
        ui=copy.deepcopy(hund_anmelden.UI),
        service__fee_rule={"kind": "free"},
        service__slug="hund-anmelden",
    )
    return DraftFactory(
        form=form,
        applicant=citizen,
        data=data,
        completed_steps=list(completed),
        declarations=dict(ALL_DECLARATIONS),
        **extra,
    )


def _step(draft, step_id):
    return reverse("apply:step", args=[draft.pk, step_id])


def _html(response):
    return response.content.decode()


def test_one_dog_asks_for_one_dog_only(client, citizen):
    draft = _draft(citizen, data={"number_of_dogs": 1})
    html = _html(client.get(_step(draft, "hunde")))
    # Dog 1 in its own fieldset; nothing of dogs 2 and 3, no "only if" notes.
    assert re.search(r'<fieldset [^>]*id="g-dog1"', html)
    assert "1. Hund</legend>" in html
    assert "f-dog1-name" in html
    assert "2. Hund" not in html and "f-dog2-" not in html and "f-dog3-" not in html
    assert "Nur wenn" not in html
    # Sending the step empty: every required field of dog 1 at once, named, nothing of dog 2.
    page = client.post(_step(draft, "hunde"), {"action": "next"})
    summary = re.findall(r'<a href="#(f-[^"]+)">([^<]+)</a>', _html(page))
    assert [field_id for field_id, _message in summary] == [
        "f-dog1-name",
        "f-dog1-breed",
        "f-dog1-sex-0",
        "f-dog1-born",
        "f-dog1-kept_since",
        "f-dog1-origin-0",
        "f-dog1-large_dog-0",
    ]
    messages = dict(summary)
    assert messages["f-dog1-name"] == "Geben Sie „1. Hund: Rufname“ an."
    assert messages["f-dog1-sex-0"] == "Wählen Sie bei „1. Hund: Geschlecht“ eine Antwort aus."
    assert messages["f-dog1-large_dog-0"] == (
        "Wählen Sie eine Antwort auf die Frage „1. Hund: Mindestens 40 cm Schulterhöhe oder "
        "20 kg Gewicht?“ aus."
    )


def test_two_dogs_ask_for_two_dogs(client, citizen):
    draft = _draft(citizen, data={"number_of_dogs": 2})
    html = _html(client.get(_step(draft, "hunde")))
    assert "1. Hund</legend>" in html and "2. Hund</legend>" in html
    assert "f-dog2-name" in html and "f-dog3-" not in html
    english = _html(client.get(_step(draft, "hunde"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Dog 2</legend>" in english


def test_fewer_dogs_remove_the_answers_about_the_others_everywhere(client, citizen):
    draft = _draft(
        citizen, data=_example_data(dogs=2), completed=[s["id"] for s in hund_anmelden.UI["steps"]]
    )
    check = _html(client.get(reverse("apply:check", args=[draft.pk])))
    assert "Luna" in check and "2. Hund: Rufname" in check

    # Back to the number of dogs: one. The answers about dog 2 are gone from the data …
    response = client.post(
        _step(draft, "anzahl") + "?von=pruefen", {"/number_of_dogs": "1", "action": "next"}
    )
    assert response.url == reverse("apply:check", args=[draft.pk])
    draft.refresh_from_db()
    assert "dog2" not in draft.data and draft.data["dog1"]["name"] == "Bello"
    # … from the check page, which lists no "not given" rows for questions not asked …
    check = _html(client.get(reverse("apply:check", args=[draft.pk])))
    assert "Luna" not in check and "2. Hund" not in check and "3. Hund" not in check
    assert "nicht angegeben" not in check
    # … and from what is submitted and receipted.
    response = client.post(reverse("apply:submit", args=[draft.pk]))
    submission = Submission.objects.get(draft_id=draft.pk)
    assert "dog2" not in submission.data
    labels = [
        row.label
        for s in receipt_data_sections(submission=submission, language="de")
        for row in s.rows
    ]
    assert "1. Hund: Rufname" in labels
    english = {
        row.label: row.value
        for section in receipt_data_sections(submission=submission, language="en")
        for row in section.rows
    }
    assert english["Dog 1: Date of birth"] == "01.05.2022"  # as typed, in both languages
    assert not [label for label in labels if label.startswith(("2. Hund", "3. Hund"))]


def test_stale_answers_of_hidden_questions_never_reach_the_submission(client, citizen):
    # A draft saved before the answers were pruned (or crafted): dog 2 with one dog.
    data = _example_data(dogs=2)
    data["number_of_dogs"] = 1
    draft = _draft(citizen, data=data, completed=[s["id"] for s in hund_anmelden.UI["steps"]])
    check = _html(client.get(reverse("apply:check", args=[draft.pk])))
    assert "Luna" not in check
    client.post(reverse("apply:submit", args=[draft.pk]))
    submission = Submission.objects.get(draft_id=draft.pk)
    assert "dog2" not in submission.data
    values = [
        row.value
        for section in receipt_data_sections(submission=submission, language="de")
        for row in section.rows
    ]
    assert "Bello" in values and "Luna" not in values


def test_a_question_revealed_on_the_same_step_is_asked_before_moving_on(client, citizen):
    draft = _draft(citizen, data=_example_data(dogs=1), completed=["halter", "anzahl", "hunde"])
    url = _step(draft, "versicherung")
    del draft.data["exemption"]
    draft.save(update_fields=["data"])
    assert "f-exemption-explanation" not in _html(client.get(url))  # no exemption chosen yet
    answers = {
        "/insurance/insurer": "Rheinische Tierhalter Versicherung AG",
        "/insurance/policy_number": "TH-1",
        "/exemption/kind": "guide_dog",
        "action": "next",
    }
    page = client.post(url, answers)
    html = _html(page)
    # Shown again (no redirect) with the new question, and no error for what was not asked.
    assert page.status_code == 200
    assert "f-exemption-explanation" in html and "weitere Fragen" in html
    assert "error-summary" not in html
    # Answered: on to the next page.
    response = client.post(url, {**answers, "/exemption/explanation": "Ausweis liegt vor"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["exemption"] == {"kind": "guide_dog", "explanation": "Ausweis liegt vor"}
    # No exemption after all: the reason is removed with the question.
    client.post(url, {**answers, "/exemption/kind": "none"})
    draft.refresh_from_db()
    assert draft.data["exemption"] == {"kind": "none"}


def test_implausible_dates_are_refused_with_clear_messages(client, citizen):
    draft = _draft(citizen, data={"number_of_dogs": 1})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    values = {
        "/dog1/name": "Bello",
        "/dog1/breed": "Dackel",
        "/dog1/sex": "male",
        "/dog1/born": tomorrow.strftime("%d.%m.%Y"),
        "/dog1/kept_since": "01.05.2022",
        "/dog1/origin": "breeder",
        "/dog1/large_dog": "no",
        "action": "next",
    }
    html = _html(client.post(_step(draft, "hunde"), values))
    assert "Das Wurfdatum des 1. Hundes muss in der Vergangenheit liegen." in html
    values["/dog1/born"] = "15.06.2022"  # born after it was taken in
    html = _html(client.post(_step(draft, "hunde"), values))
    assert "Der 1. Hund kann nicht vor seinem Wurfdatum zu Ihnen gekommen sein." in html
    assert 'href="#f-dog1-kept_since"' in html
    english = _html(client.post(_step(draft, "hunde"), values, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Dog 1 cannot have come to you before it was born." in english
    values["/dog1/kept_since"] = "1.7.2022"
    response = client.post(_step(draft, "hunde"), values)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["dog1"]["born"] == "2022-06-15"
    assert draft.data["dog1"]["kept_since"] == "2022-07-01"
    check = _html(client.get(reverse("apply:check", args=[draft.pk])))
    assert "15.06.2022" in check and "01.07.2022" in check and "2022-06-15" not in check


def _progress(html):
    match = re.search(
        r'class="[^"]*step-count[^"]*">(?:Schritt|Step) (\d+) (?:von|of) (\d+)<', html
    )
    assert match, "no progress indicator"
    return int(match.group(1)), int(match.group(2))


@pytest.mark.parametrize("language", ["de", "en"])
def test_one_progress_indicator_for_the_whole_journey(client, citizen, language):
    draft = _draft(
        citizen, data=_example_data(dogs=1), completed=[s["id"] for s in hund_anmelden.UI["steps"]]
    )
    RequiredDocumentFactory(service=draft.offer.service, electronic_accepted=True)
    pages = [_step(draft, s["id"]) for s in hund_anmelden.UI["steps"]] + [
        reverse(f"apply:{name}", args=[draft.pk])
        for name in ("documents", "check", "declarations", "fee")
    ]
    seen = [_progress(_html(client.get(url, HTTP_ACCEPT_LANGUAGE=language))) for url in pages]
    assert seen == [(n, len(pages)) for n in range(1, len(pages) + 1)]
    assert len(pages) == 8  # 4 form steps, documents, check, declarations, fee
    # The delete page is not part of the journey.
    html = _html(client.get(reverse("apply:delete", args=[draft.pk])))
    assert "step-count" not in html
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_more_dogs_lead_from_the_check_page_to_the_new_questions(client, citizen):
    steps = [s["id"] for s in hund_anmelden.UI["steps"]]
    draft = _draft(citizen, data=_example_data(dogs=1), completed=steps)
    response = client.post(
        _step(draft, "anzahl") + "?von=pruefen", {"/number_of_dogs": "2", "action": "next"}
    )
    # The questions about dog 2 apply now: their step, not the check page.
    assert response.url == _step(draft, "hunde") + "?von=pruefen"
    draft.refresh_from_db()
    assert "hunde" not in draft.completed_steps and "anzahl" in draft.completed_steps
    assert "2. Hund</legend>" in _html(client.get(response.url))
