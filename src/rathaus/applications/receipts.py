"""The receipt (Eingangsbestätigung) of a submission: a tagged PDF/A-2b document (PDF 1.7)
rendered with WeasyPrint from `applications/receipt.html`, sealed with the municipality's
(else the installation's) electronic seal (rathaus.seals) and stored with its SHA-256 in
`Submission.receipt` (docs/adr/0008-receipt-pdfa-and-tags.md).

It lists what the authority received: the data entered (laid out by the form's steps, with
the form's labels), computed values that have a label, fee and payment, declarations,
attachments with their SHA-256, on whose behalf, the time of receipt and the responsible
office. It is written in the applicant's language (`Submission.language`, German or English)
and shows no internal name: no JSON pointer, property or provider key.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from rathaus.applications.declarations import declarations_of
from rathaus.applications.events import SubmissionCreated, SubmissionReceiptIssued
from rathaus.applications.form_dates import date_text
from rathaus.applications.form_schema import field_labels, field_visible, schema_at
from rathaus.applications.models import Submission
from rathaus.catalog.fee_display import format_cents
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.events import event_publish, event_subscriber
from rathaus.core.outbox import outbox_handlers
from rathaus.payments.providers import payment_providers
from rathaus.seals.pdfa import pdfa_render
from rathaus.seals.services import pdf_seal

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class ReceiptRow:
    label: str
    value: str


@dataclass
class ReceiptSection:
    title: str
    rows: list[ReceiptRow] = field(default_factory=list)


def _text(value: Any, language: str) -> str:
    """A {"de": …, "en": …} text of the UI layer in `language`, German as fallback."""
    if isinstance(value, Mapping):
        return str(value.get(language) or value.get("de") or "")
    return str(value or "")


def _value_at(data: Any, pointer: str) -> tuple[bool, Any]:
    node = data
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _display(
    value: Any, *, ui_field: Mapping[str, Any], schema: Mapping[str, Any] | None, language: str
) -> str:
    options = ui_field.get("options") or {}
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(
            _display(v, ui_field=ui_field, schema=(schema or {}).get("items"), language=language)
            for v in value
        )
    if isinstance(value, Mapping):
        return "; ".join(
            f"{k}: {_display(v, ui_field={}, schema=None, language=language)}"
            for k, v in value.items()
        )
    if isinstance(value, str) and value in options:
        return _text(options[value], language)
    if isinstance(value, int | float):
        return str(formats.localize(value, use_l10n=True))
    if isinstance(value, str) and schema and schema.get("format") == "date":
        try:
            return date_text(value)
        except ValueError:
            return value
    return "" if value is None else str(value)


def receipt_data_sections(*, submission: Submission, language: str) -> list[ReceiptSection]:
    """The data entered, one section per step of the form's UI layer; fields hidden by their
    condition and fields left empty are left out."""
    ui, schema, data = submission.form.ui, submission.form.schema, submission.data
    sections = []
    for step in ui.get("steps", []):
        section = ReceiptSection(title=_text(step.get("title"), language))
        for ui_field in step.get("fields", []):
            if not field_visible(ui, ui_field, data):
                continue
            found, value = _value_at(data, ui_field["field"])
            if not found or value in (None, "", []):
                continue
            section.rows.append(
                ReceiptRow(
                    label=field_labels(ui, language)[ui_field["field"]],
                    value=_display(
                        value,
                        ui_field=ui_field,
                        schema=schema_at(schema, ui_field["field"]),
                        language=language,
                    ),
                )
            )
        if section.rows:
            sections.append(section)
    return sections


def _computed_rows(submission: Submission, language: str) -> list[ReceiptRow]:
    """Computed values with the label of their field (or of the computed value itself);
    one without a label is a helper of the fee and not shown."""
    labels = field_labels(submission.form.ui, language)
    rows = []
    for computed in submission.form.ui.get("computed", []):
        pointer = computed["field"]
        label = labels.get(pointer) or _text(computed.get("label"), language)
        if not label:
            continue
        value = submission.computed.get(pointer)
        rows.append(
            ReceiptRow(
                label=label,
                value="—" if value is None else str(formats.localize(value, use_l10n=True)),
            )
        )
    return rows


def _payment_method(provider_key: str) -> str:
    """The provider's name as the applicant chose it, never its internal key."""
    if provider_key in payment_providers:
        return payment_providers.get(provider_key).label
    return _("Online payment")


def _local_time(value: dt.datetime | str | None) -> str:
    if isinstance(value, str):
        try:
            moment: dt.datetime | None = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    if moment is None:
        return ""
    return str(formats.date_format(moment.astimezone(BERLIN), "DATETIME_FORMAT"))


def receipt_context(*, submission: Submission) -> dict[str, Any]:
    """Everything the receipt template shows, in the active language."""
    language = "en" if submission.language == "en" else "de"
    office = submission.office
    declarations = [
        {"text": d.text(language), "accepted_at": _local_time(submission.declarations[d.id])}
        for d in declarations_of(submission.form.ui)
        if d.id in submission.declarations
    ]
    attachments = [
        {
            "name": a.original_name,
            "size": formats.localize(a.size, use_l10n=True),
            "sha256": a.sha256,
            "scan": a.get_scan_status_display(),
        }
        for a in submission.attachments.order_by("created_at")
    ]
    payment = submission.payment
    on_behalf = ""
    if submission.organisation_id is not None:
        on_behalf = submission.organisation.name  # type: ignore[union-attr]
    elif submission.principal_user_id is not None:
        principal = submission.principal_user
        on_behalf = principal.display_name  # type: ignore[union-attr]
    return {
        "language": language,
        "submission": submission,
        "reference": submission.reference,
        "received_at": _local_time(submission.submitted_at),
        "service_name": submission.service.name,
        "municipality_name": submission.municipality.name,
        "office": {
            "name": (office.name_en if language == "en" and office.name_en else office.name),
            "street": office.street,
            "postcode": office.postcode,
            "city": office.city,
            "room": office.room,
            "phone": office.phone,
            "email": office.email,
        },
        "applicant_name": submission.applicant.display_name,
        "on_behalf": on_behalf,
        "sections": receipt_data_sections(submission=submission, language=language),
        "computed": _computed_rows(submission, language),
        "fee": format_cents(submission.fee_cents, language) if submission.fee_cents else "",
        "payment": (
            {
                "method": _payment_method(payment.provider),
                "status": payment.get_status_display(),
                "reference": payment.reference,
                "paid_at": _local_time(payment.paid_at),
            }
            if payment is not None
            else None
        ),
        "declarations": declarations,
        "attachments": attachments,
        "form_version": submission.schema_version,
    }


def receipt_render(*, submission: Submission) -> bytes:
    """The receipt of `submission` as an unsealed, tagged PDF/A-2b document, PDF 1.7 (fonts
    embedded, sRGB output intent, XMP metadata with pdfaid:part 2, structure tree)."""
    language = "en" if submission.language == "en" else "de"
    with translation.override(language):
        html = render_to_string("applications/receipt.html", receipt_context(submission=submission))
    return pdfa_render(html=html)


def receipt_create(*, submission_id: Any) -> None:
    """Render, seal and store the receipt of a submission; does nothing when it exists.

    Rendering and sealing take a second and happen before the row lock; the lock then makes
    sure only one receipt is stored even when two workers run the same message.
    """
    submission = Submission.objects.select_related(
        "form",
        "service",
        "municipality",
        "office",
        "applicant",
        "organisation",
        "principal_user",
        "payment",
    ).get(pk=submission_id)
    if submission.receipt:
        return
    language = "en" if submission.language == "en" else "de"
    with translation.override(language):
        reason = _("Receipt of application %(reference)s") % {"reference": submission.reference}
    pdf = pdf_seal(
        pdf=receipt_render(submission=submission),
        reason=reason,
        location=submission.municipality.name,
        municipality=submission.municipality,  # its own seal where one is configured
    )
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.receipt:  # another worker was faster
            return
        # Named after the submission's id, not its reference, like the attachments.
        locked.receipt.save(f"{locked.pk}.pdf", ContentFile(pdf), save=False)
        locked.receipt_sha256 = digest
        locked.save(update_fields=["receipt", "receipt_sha256", "updated_at"])
        audit_record(
            actor=Actor.system("receipt"),
            action="submission.receipt",
            obj=locked,
            details={"sha256": digest, "size": len(pdf), "reference": locked.reference},
        )
        event_publish(
            SubmissionReceiptIssued(
                submission_id=locked.pk,
                municipality_id=locked.municipality_id,
                case_id=locked.case_id,
            )
        )


@event_subscriber(SubmissionCreated, name="applications.receipt")
def receipt_on_submission(event: SubmissionCreated) -> None:
    """Subscriber of `submission.created`: the receipt (idempotent: receipt_create)."""
    receipt_create(submission_id=event.submission_id)


# Deprecated alias: messages of the old command topic "submission.receipt" may still be
# pending in a database upgraded from a release before domain events. Remove it in the
# release after next (docs/adr/0013-domain-events.md).
@outbox_handlers.register("submission.receipt")
def receipt_create_handler(payload: dict[str, Any]) -> None:
    """Outbox handler of the old topic "submission.receipt": {"submission": "<uuid>"}."""
    receipt_create(submission_id=payload["submission"])


def receipt_computed_rows(*, submission: Submission, language: str) -> list[ReceiptRow]:
    """The computed values as the receipt lists them — under their labels, never a JSON
    pointer; the staff area shows the same rows."""
    return _computed_rows(submission, language)
