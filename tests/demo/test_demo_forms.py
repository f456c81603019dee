"""The demo's online forms and demo accounts (demo/data/forms, demo/accounts.py)."""

import io
import os
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rathaus.accounts.models import User
from rathaus.apitokens.models import ApiClient, ApiToken
from rathaus.applications.drafts import draft_accept_declarations, draft_save_step, draft_start
from rathaus.applications.fees import fee_quote
from rathaus.applications.form_schema import definition_errors, form_data_validate
from rathaus.applications.models import FormDefinition, Submission
from rathaus.applications.submissions import submission_problems
from rathaus.catalog.models import LocalService, Service
from rathaus.core.actors import Actor
from rathaus.core.models import AuditEvent
from rathaus.demo import accounts
from rathaus.demo.data import forms
from rathaus.demo.data.forms import hund_anmelden, sperrmuell_anmelden
from rathaus.demo.loader import demo_load
from rathaus.organisations.selectors import Principal
from rathaus.staff.models import Role, RoleAssignment

REPO = Path(__file__).resolve().parents[2]
STANDARDS_DIR = Path(os.environ.get("RATHAUS_STANDARDS_DIR", REPO.parent / "shared" / "standards"))


# A minimal valid PDF for the proof upload.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def definition(module):
    return SimpleNamespace(schema=module.SCHEMA, ui=module.UI)


def offer(service: str, municipality: str = "dueren") -> LocalService:
    return LocalService.objects.select_related("service", "municipality").get(
        service__slug=service, municipality__slug=municipality
    )


@pytest.mark.parametrize("module", forms.MODULES, ids=lambda m: m.SERVICE)
def test_every_demo_form_is_a_valid_definition_and_accepts_its_example(module):
    assert definition_errors(schema=module.SCHEMA, ui=module.UI) == []
    steps = [step["id"] for step in module.UI["steps"]]
    assert list(module.EXAMPLE) == steps
    data: dict = {}
    for values in module.EXAMPLE.values():
        for pointer, value in values.items():
            node = data
            *parents, last = pointer.strip("/").split("/")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = value
    assert form_data_validate(definition(module), data) == []
    # Every text the applicant reads exists in German and English.
    for step in module.UI["steps"]:
        assert step["title"]["en"]
        for field in step["fields"]:
            assert field["label"]["en"], field["field"]
            assert all(label["en"] for label in field.get("options", {}).values())
    assert all(d["text"]["en"] for d in module.UI.get("declarations", []))


def test_forms_ask_conditional_questions_only_when_they_apply():
    form = definition(hund_anmelden)
    one_dog = {"number_of_dogs": 1}
    errors = {pointer for pointer, _ in form_data_validate(form, one_dog, step="hunde")}
    assert "/dog1/name" in errors and not {e for e in errors if e.startswith("/dog2")}
    two_dogs = {"number_of_dogs": 2}
    errors = {pointer for pointer, _ in form_data_validate(form, two_dogs, step="hunde")}
    assert {"/dog1/name", "/dog2/name"} <= errors
    assert not {e for e in errors if e.startswith("/dog3")}


def test_demo_load_publishes_the_forms_of_internal_services(demo_data):
    assert demo_data.created["form_definition"] == len(forms.FORMS) >= 6
    internal = Service.objects.filter(
        online_application=Service.OnlineApplication.INTERNAL,
        form_definitions__status=FormDefinition.Status.PUBLISHED,
    ).distinct()
    assert internal.count() >= 5
    for slug, (schema, ui) in forms.FORMS.items():
        published = FormDefinition.objects.get(service__slug=slug, status="published")
        assert (published.version, published.schema, published.ui) == (1, schema, ui)
        assert published.service.online_url == ""
    # Every demo form can be used in Düren; Gütersloh and Cochem-Zell offer some of them.
    for municipality, expected in (
        ("dueren", set(forms.FORMS)),
        ("guetersloh", set(forms.FORMS)),
        ("cochem-zell", {"sperrmuell-anmelden"}),
        ("vg-cochem", set(forms.FORMS) - {"sperrmuell-anmelden"}),
    ):
        online = set(
            LocalService.objects.filter(
                municipality__slug=municipality,
                service__slug__in=list(forms.FORMS),
                online_available=True,
                online_url="",
            ).values_list("service__slug", flat=True)
        )
        assert online == expected, municipality


def test_reload_creates_no_new_form_versions_and_a_changed_form_a_new_one(demo_data):
    versions = set(FormDefinition.objects.values_list("pk", "version", "status"))
    events = AuditEvent.objects.count()

    again = demo_load()

    assert not again.changed
    assert set(FormDefinition.objects.values_list("pk", "version", "status")) == versions
    assert AuditEvent.objects.count() == events
    assert not again.accounts_created

    # A published form edited behind the loader's back is replaced by a new version.
    FormDefinition.objects.filter(service__slug="meldebescheinigung").update(ui={"steps": []})
    fixed = demo_load()
    assert fixed.updated == Counter({"form_definition": 1})
    current = FormDefinition.objects.filter(service__slug="meldebescheinigung")
    assert list(current.values_list("version", "status")) == [(2, "published"), (1, "retired")]
    assert current.get(version=2).ui == forms.FORMS["meldebescheinigung"][1]


def test_hund_anmelden_is_paid_and_the_number_of_dogs_sets_the_fee(demo_data):
    assert "sandbox" in settings.RATHAUS_PAYMENT_PROVIDERS
    dueren = offer("hund-anmelden")
    form = FormDefinition.objects.get(service=dueren.service, status="published")
    assert dueren.service.min_trust_level == "low"
    assert [
        fee_quote(offer=dueren, definition=form, data={"number_of_dogs": n}).amount_cents
        for n in (1, 2, 3)
    ] == [9600, 22800, 38400]
    [insurance] = [d for d in dueren.service.required_documents.all() if d.electronic_accepted]
    assert insurance.mandatory and insurance.name_de == "Nachweis der Haftpflichtversicherung"
    # Sondernutzung in Düren: the fee is decided later (a range), nothing to pay online.
    street_use = offer("sondernutzungserlaubnis")
    quote = fee_quote(
        offer=street_use,
        definition=FormDefinition.objects.get(service=street_use.service, status="published"),
        data={"area": 12, "weeks": 4},
    )
    assert quote.decided_later and not quote.payable_online


def test_the_demo_citizen_can_fill_in_hund_anmelden_up_to_proof_and_payment(demo_data):
    citizen = User.objects.get(email=accounts.CITIZEN_EMAIL)
    draft = draft_start(offer=offer("hund-anmelden"), principal=Principal(user=citizen))
    # The profile fills the holder's details in.
    assert draft.data["holder"]["last_name"] == "Mustermann"
    assert draft.data["holder"]["date_of_birth"] == "1984-03-12"
    for step, values in hund_anmelden.EXAMPLE.items():
        assert (
            draft_save_step(draft=draft, step=step, values=values, actor=Actor.person(citizen))
            == []
        )
    missing = draft_accept_declarations(
        draft=draft,
        accepted={"truthful", "privacy", "dog_tag", "no_dangerous_dog"},
        actor=Actor.person(citizen),
    )
    assert missing == []
    draft.refresh_from_db()
    problems = submission_problems(draft=draft)
    assert problems.form_errors == [] and problems.missing_declarations == []
    assert [d.name_de for d in problems.missing_documents] == [
        "Nachweis der Haftpflichtversicherung"
    ]
    assert problems.payment_needed
    quote = fee_quote(offer=draft.offer, definition=draft.form, data=draft.data)
    assert quote.amount_cents == 22800  # two dogs


def test_sperrmuell_form_is_generated_from_an_xdatenfelder_sample(demo_data):
    form = FormDefinition.objects.get(service__slug="sperrmuell-anmelden", status="published")
    assert form.ui["source"] == {
        "standard": "XDatenfelder 3.0.0",
        "id": "G60000000088",
        "version": "1.2.0",
    }
    assert form.schema["properties"]["G60000000086"]["properties"]["F60000000243"]["title"] == (
        "Straße"
    )


def test_committed_xdatenfelder_form_equals_the_importer_output():
    sample = STANDARDS_DIR / sperrmuell_anmelden.SAMPLE
    if not sample.is_file():
        pytest.skip(f"XDatenfelder sample not found at {sample} (set RATHAUS_STANDARDS_DIR)")
    from rathaus.contrib.fim.xdatenfelder import xdatenfelder_import

    definition, _report = xdatenfelder_import(sample.read_bytes())
    assert definition == sperrmuell_anmelden.IMPORTED


def test_demo_accounts_exist_and_the_clerk_has_a_second_factor(demo_data):
    citizen = User.objects.get(email=accounts.CITIZEN_EMAIL)
    assert citizen.kind == User.Kind.CITIZEN and not citizen.is_staff
    assert citizen.check_password(accounts.CITIZEN_PASSWORD)
    assert EmailAddress.objects.get(user=citizen).verified
    assert (citizen.street, citizen.postal_code, citizen.city) == (
        "Kölnstraße 42",
        "52351",
        "Düren",
    )

    clerk = User.objects.get(email=accounts.CLERK_EMAIL)
    assert clerk.is_staff and not clerk.is_superuser and clerk.kind == User.Kind.STAFF
    assert clerk.check_password(accounts.CLERK_PASSWORD)
    assert EmailAddress.objects.get(user=clerk).verified
    [role] = RoleAssignment.objects.filter(user=clerk)
    assert (role.role, role.office.slug, role.office.municipality.slug) == (
        Role.CASE_WORKER,
        "steueramt",
        "dueren",
    )
    assert role.office == offer("hund-anmelden").responsible_office
    totp = Authenticator.objects.get(user=clerk, type=Authenticator.Type.TOTP)
    secret = decrypt(totp.data["secret"])
    assert any(secret in line for line in demo_data.credentials)

    client = ApiClient.objects.get(name=accounts.API_CLIENT_NAME)
    assert client.municipality.slug == "dueren"
    assert client.scopes == accounts.API_CLIENT_SCOPES
    [token] = ApiToken.objects.filter(client=client)
    # The plaintext is printed once and only its digest stored.
    [line] = [line for line in demo_data.credentials if "API client" in line]
    assert f"rth_{token.prefix}_" in line
    assert token.secret_hash not in line

    again = demo_load()
    assert ApiToken.objects.filter(client=client).count() == 1
    assert not any("rth_" in line for line in again.credentials)
    assert any(f"apitoken_rotate {token.prefix}" in line for line in again.credentials)
    assert Authenticator.objects.filter(user=clerk).count() == 1


def test_command_shows_the_demo_log_ins_when_created_or_asked(db):
    first, second, asked = io.StringIO(), io.StringIO(), io.StringIO()
    call_command("load_demo_data", stdout=first)
    call_command("load_demo_data", stdout=second)
    call_command("load_demo_data", "--accounts", stdout=asked)

    assert accounts.CITIZEN_PASSWORD in first.getvalue() and "rth_" in first.getvalue()
    assert accounts.CITIZEN_PASSWORD not in second.getvalue()
    assert accounts.CLERK_PASSWORD in asked.getvalue() and "TOTP secret" in asked.getvalue()
    assert "rth_" not in asked.getvalue()


def test_the_demo_citizen_applies_for_hund_anmelden_through_the_portal(demo_data, client):
    """The portal pages with the demo form: steps, proof upload, declarations, fee, submit."""
    citizen = User.objects.get(email=accounts.CITIZEN_EMAIL)
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/antraege/neu/dueren/hund-anmelden/")
    assert response.status_code == 302 and response["Location"].endswith("/schritt/halter/")
    draft_path = response["Location"].split("schritt/")[0]
    page = client.get(response["Location"]).content.decode()
    assert "Mustermann" in page  # prefilled from the profile
    for step, values in hund_anmelden.EXAMPLE.items():
        data = {pointer: str(value) for pointer, value in values.items()} | {"action": "next"}
        response = client.post(f"{draft_path}schritt/{step}/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/nachweise/")
    document = offer("hund-anmelden").service.required_documents.get(electronic_accepted=True)
    pdf = SimpleUploadedFile("versicherung.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"{draft_path}nachweise/", {"action": "next", f"file-{document.pk}": pdf}
    )
    assert response.status_code == 302 and response["Location"].endswith("/pruefen/")
    response = client.post(
        f"{draft_path}erklaerungen/",
        {"declaration": ["truthful", "privacy", "dog_tag", "no_dangerous_dog"]},
    )
    assert response["Location"].endswith("/gebuehr/")
    assert "228,00" in client.get(response["Location"]).content.decode()  # two dogs
    client.post(f"{draft_path}gebuehr/", {"provider": "invoice"})
    response = client.post(f"{draft_path}absenden/")
    assert response.status_code == 302 and "/eingereicht/" in response["Location"]
    submission = Submission.objects.get(applicant=citizen)
    assert submission.fee_cents == 22800
    assert submission.office == offer("hund-anmelden").responsible_office
    assert submission.attachments.count() == 1
    assert submission.computed == {"/dogs": "2"}
