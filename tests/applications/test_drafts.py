import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from rathaus.applications.drafts import (
    DraftClosed,
    NotAvailableOnline,
    draft_accept_declarations,
    draft_delete,
    draft_save_step,
    draft_start,
)
from rathaus.applications.fees import fee_quote
from rathaus.applications.form_schema import definition_errors
from rathaus.applications.models import Draft
from rathaus.applications.reference_numbers import reference_number_next, reference_prefix
from rathaus.applications.selectors import draft_get_own, drafts_of
from rathaus.applications.submissions import submission_create
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound, NotPermitted
from rathaus.core.models import AuditEvent
from rathaus.organisations.selectors import Principal
from tests.factories import (
    APPLICATION_SCHEMA,
    APPLICATION_UI,
    DraftFactory,
    FormDefinitionFactory,
    LocalServiceFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _offer(**service):
    form = FormDefinitionFactory(**{f"service__{k}": v for k, v in service.items()})
    return LocalServiceFactory(service=form.service), form


def test_start_fixes_the_published_version_and_prefills_from_the_profile():
    offer, form = _offer()
    user = UserFactory(last_name="Musterfrau")
    draft = draft_start(offer=offer, principal=Principal(user=user))
    assert draft.form == form
    assert draft.data == {"name": "Musterfrau"}
    assert draft.expires_at > timezone.now() + dt.timedelta(days=29)
    assert AuditEvent.objects.filter(action="draft.create", object_id=str(draft.pk)).exists()


def test_start_refuses_services_without_published_online_form():
    offer, form = _offer()
    form.status = "retired"
    form.save()
    with pytest.raises(NotAvailableOnline):
        draft_start(offer=offer, principal=Principal(user=UserFactory()))
    offer2, _ = _offer(online_application="external")
    with pytest.raises(NotAvailableOnline):
        draft_start(offer=offer2, principal=Principal(user=UserFactory()))
    offer3, _ = _offer()
    offer3.online_available = False
    offer3.save()
    with pytest.raises(NotAvailableOnline):
        draft_start(offer=offer3, principal=Principal(user=UserFactory()))


def test_save_step_keeps_invalid_values_and_completes_only_valid_steps():
    draft = DraftFactory(data={}, completed_steps=[])
    errors = draft_save_step(
        draft=draft, step="dogs", values={"/dogs": 9}, actor=Actor.person(draft.applicant)
    )
    assert errors == [("/dogs", "„Anzahl Hunde“ muss zwischen 1 und 5 liegen.")]
    draft.refresh_from_db()
    assert draft.data == {"dogs": 9}  # kept, so the citizen sees what was typed
    assert draft.completed_steps == []
    # Errors of other steps do not count on this step.
    assert (
        draft_save_step(
            draft=draft, step="dogs", values={"/dogs": 2}, actor=Actor.person(draft.applicant)
        )
        == []
    )
    draft.refresh_from_db()
    assert draft.completed_steps == ["dogs"]
    # Emptying a field removes it.
    draft_save_step(
        draft=draft, step="dogs", values={"/dogs": None}, actor=Actor.person(draft.applicant)
    )
    draft.refresh_from_db()
    assert "dogs" not in draft.data and draft.completed_steps == []


def test_save_step_extends_expiry_and_only_touches_the_steps_fields():
    draft = DraftFactory(expires_at=timezone.now() + dt.timedelta(days=1))
    draft_save_step(
        draft=draft,
        step="dogs",
        values={"/dogs": 3, "/name": "Intruder"},
        actor=Actor.person(draft.applicant),
    )
    draft.refresh_from_db()
    assert draft.data == {"name": "Erika Mustermann", "dogs": 3}
    assert draft.expires_at > timezone.now() + dt.timedelta(days=29)


def test_only_the_applicant_may_change_a_draft_and_others_get_not_found():
    draft = DraftFactory()
    other = UserFactory()
    with pytest.raises(NotPermitted):
        draft_save_step(draft=draft, step="dogs", values={"/dogs": 1}, actor=Actor.person(other))
    with pytest.raises(NotPermitted):
        draft_delete(draft=draft, actor=Actor.person(other))
    with pytest.raises(NotFound):
        draft_get_own(user=other, draft_id=draft.pk)
    assert draft_get_own(user=draft.applicant, draft_id=draft.pk) == draft
    assert list(drafts_of(user=other)) == []


def test_unknown_step_is_refused():
    draft = DraftFactory()
    with pytest.raises(Exception, match="Unbekannter Schritt"):
        draft_save_step(draft=draft, step="nope", values={}, actor=Actor.person(draft.applicant))


def test_declarations_are_recorded_with_time_and_missing_ones_reported():
    draft = DraftFactory(declarations={})
    missing = draft_accept_declarations(
        draft=draft, accepted={"truthful", "made-up"}, actor=Actor.person(draft.applicant)
    )
    assert missing == ["privacy"]
    draft.refresh_from_db()
    assert list(draft.declarations) == ["truthful"]


def test_submitted_draft_is_closed():
    draft = DraftFactory()
    submission_create(draft=draft, actor=Actor.person(draft.applicant))
    with pytest.raises(DraftClosed):
        draft_save_step(
            draft=draft, step="dogs", values={"/dogs": 2}, actor=Actor.person(draft.applicant)
        )
    with pytest.raises(NotFound):
        draft_get_own(user=draft.applicant, draft_id=draft.pk)


def test_delete_removes_the_draft_and_audits():
    draft = DraftFactory()
    pk = draft.pk
    draft_delete(draft=draft, actor=Actor.person(draft.applicant))
    assert not Draft.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(action="draft.delete", object_id=str(pk)).exists()


def test_fee_comes_from_the_rule_and_the_form_data():
    offer, form = _offer(
        fee_rule={
            "kind": "formula",
            "expression": "2500 + 1000 * max(0, dogs - 1)",
            "parameters": [{"name": "dogs", "label_de": "Hunde", "min": 1, "max": 5}],
        }
    )
    assert fee_quote(offer=offer, definition=form, data={"dogs": 3}).amount_cents == 4500
    missing = fee_quote(offer=offer, definition=form, data={})
    assert missing.amount_cents is None and "Hunde" in missing.problem
    offer.fee_rule = {"kind": "fixed", "amount": 700}  # the local rule wins
    assert fee_quote(offer=offer, definition=form, data={}).amount_cents == 700
    offer.fee_rule = {"kind": "range", "min": 1000, "max": 5000}
    assert fee_quote(offer=offer, definition=form, data={}).decided_later


def test_reference_numbers_have_a_prefix_and_count_up():
    municipality = MunicipalityFactory(slug="dueren")
    assert reference_prefix(municipality) == "DUER"
    with transaction.atomic():
        first = reference_number_next(municipality=municipality)
        second = reference_number_next(municipality=municipality)
    year = timezone.localdate().year
    assert (first, second) == (f"DUER-{year}-000001", f"DUER-{year}-000002")


def test_declarations_and_prefill_in_the_ui_layer_are_checked():
    ui = dict(APPLICATION_UI)
    ui["declarations"] = [{"id": "truthful", "text": {"de": "x"}}, {"id": "extra"}]
    ui["steps"] = [
        {
            **APPLICATION_UI["steps"][0],
            "fields": [{"field": "/name", "label": {"de": "N"}, "prefill": "iban"}],
        },
        APPLICATION_UI["steps"][1],
    ]
    paths = {p for p, _ in definition_errors(schema=APPLICATION_SCHEMA, ui=ui)}
    assert paths == {
        "/ui/declarations/0/id",
        "/ui/declarations/1/text",
        "/ui/steps/0/fields/0/prefill",
    }


def test_a_paid_draft_is_neither_deleted_nor_expired():
    from rathaus.applications.drafts import DraftPaid
    from rathaus.applications.expiry import drafts_expire
    from rathaus.payments.models import Payment

    payment = Payment.objects.create(
        provider="sandbox",
        status=Payment.Status.PAID,
        amount_cents=2500,
        description="Gebühr",
        reference="RH-TESTPAID0001",
    )
    draft = DraftFactory(payment=payment, expires_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(DraftPaid):
        draft_delete(draft=draft, actor=Actor.person(draft.applicant))
    assert drafts_expire().deleted == 0
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_a_paid_fee_is_never_charged_twice_after_answers_change():
    from rathaus.applications.draft_payments import NothingToPay, draft_payment_start
    from rathaus.payments.models import Payment

    draft = DraftFactory(
        form__service__fee_rule={
            "kind": "formula",
            "expression": "2500 * dogs",
            "parameters": [{"name": "dogs", "label_de": "Hunde", "min": 1, "max": 5}],
        }
    )
    paid = Payment.objects.create(
        provider="sandbox",
        status=Payment.Status.PAID,
        amount_cents=2500,
        description="Gebühr",
        reference="RH-TESTPAID0002",
    )
    draft.payment = paid
    draft.save()
    draft_save_step(
        draft=draft, step="dogs", values={"/dogs": 2}, actor=Actor.person(draft.applicant)
    )
    with pytest.raises(NothingToPay, match="25,00 €"):
        draft_payment_start(
            draft=draft,
            provider="sandbox",
            actor=Actor.person(draft.applicant),
            return_url="/antraege/",
            notify_url="http://testserver/zahlung/benachrichtigung/sandbox/",
        )
    assert Payment.objects.count() == 1
