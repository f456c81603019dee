"""Paying the fee of a draft: start a payment for the current fee and link it to the draft.

The amount is always the fee computed now from the draft's data (never taken from the
request). A payment still open or pending for the draft is cancelled before a new one starts,
so that a citizen who changes the payment method cannot pay twice.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.applications.drafts import DraftClosed, ensure_own_draft
from rathaus.applications.fees import fee_quote
from rathaus.applications.models import Draft, Submission
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict
from rathaus.payments.models import Payment
from rathaus.payments.selectors import payment_allows_submission
from rathaus.payments.services import PaymentStart, payment_cancel, payment_start


class NothingToPay(Conflict):
    """The draft has no fee to pay online now (free, decided later, already paid)."""


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d} €"


@transaction.atomic
def draft_payment_start(
    *, draft: Draft, provider: str, actor: Actor, return_url: str, notify_url: str
) -> PaymentStart:
    """Start paying the fee of `draft` with `provider`; the payment becomes `draft.payment`.

    Raises NothingToPay, DraftClosed, NotPermitted, or PaymentError (unknown provider)."""
    draft = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("offer__service", "offer__municipality", "form")
        .get(pk=draft.pk)
    )
    ensure_own_draft(draft=draft, actor=actor)
    if Submission.objects.filter(draft=draft).exists():
        raise DraftClosed(_("This application has been submitted already."))
    quote = fee_quote(offer=draft.offer, definition=draft.form, data=draft.data)
    if not quote.amount_cents:
        raise NothingToPay(_("There is no fee to pay online for this application."))
    previous = draft.payment
    if previous is not None:
        if (
            payment_allows_submission(payment=previous, amount_cents=quote.amount_cents)
            and previous.status == Payment.Status.PAID
        ):
            raise NothingToPay(_("The fee has been paid already."))
        if previous.status == Payment.Status.PAID:
            # Paid, but the answers changed the fee since: a second payment would charge twice.
            raise NothingToPay(
                _(
                    "You have paid %(paid)s already; with your changed answers the fee would be "
                    "%(fee)s. Please change your answers back, or contact the responsible office."
                )
                % {"paid": _euros(previous.amount_cents), "fee": _euros(quote.amount_cents)}
            )
        if previous.status in (Payment.Status.OPEN, Payment.Status.PENDING):
            payment_cancel(payment=previous, actor=actor)
    started = payment_start(
        municipality=draft.offer.municipality,
        provider=provider,
        amount_cents=quote.amount_cents,
        description=_("Fee: %(service)s") % {"service": draft.offer.service.name_de},
        payer=actor,
        return_url=return_url,
        notify_url=notify_url,
    )
    draft.payment = started.payment
    draft.save(update_fields=["payment", "updated_at"])
    audit_record(
        actor=actor,
        action="draft.payment_start",
        obj=draft,
        municipality=draft.offer.municipality_id,
        details={
            "payment": str(started.payment.pk),
            "provider": provider,
            "amount_cents": quote.amount_cents,
            "replaced": str(previous.pk) if previous is not None else "",
        },
    )
    return started
