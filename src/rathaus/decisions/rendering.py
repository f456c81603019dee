"""The decision as a document: its texts (the template version's fields with placeholders
filled from plain data) laid out on the office's letterhead in `decisions/decision.html`,
rendered as tagged PDF/A-2b (`rathaus.seals.pdfa`) in German.

Placeholders use Django's template syntax (`{{ reference }}`, `{% if granted %}…{% else %}…
{% endif %}`) and are rendered by an engine of their own: no template loaders (no
`include`/`extends` of files), no tag libraries, no autoescaping (the layout escapes), from
a dict of plain values (text, numbers, booleans, lists and dicts of them) — never a model,
so a template cannot reach anything the caller did not put there."""

import base64
import datetime as dt
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core.errors import DomainError
from rathaus.seals.pdfa import pdfa_render

# The texts of a template version, in the order of the document; the labels name them in
# errors and forms.
TEXT_FIELDS = {
    "title": gettext_lazy("Title"),
    "operative_part": gettext_lazy("Operative part"),
    "reasons": gettext_lazy("Reasons"),
    "fee_assessment": gettext_lazy("Fee assessment"),
    "legal_remedy": gettext_lazy("Legal remedy notice"),
}

# The placeholders every decision knows (the caller's data adds more, e.g. `granted`, `fee`).
PLACEHOLDERS = (
    "reference",
    "applicant_name",
    "applicant_address",
    "service_name",
    "office_name",
    "office_address",
    "municipality_name",
    "today",
    "submitted_on",
)

# A sensible default the Fachadministration adapts (Widerspruch where the Land keeps the
# preliminary proceedings; where it has abolished them, Klage at the administrative court).
DEFAULT_LEGAL_REMEDY = (
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben "
    "werden. Der Widerspruch ist schriftlich, in elektronischer Form nach § 3a Absatz 2 des "
    "Verwaltungsverfahrensgesetzes oder zur Niederschrift bei {{ office_name }}, "
    "{{ office_address }} einzulegen.\n\n"
    "Soweit ein Widerspruchsverfahren nach Landesrecht nicht stattfindet, kann innerhalb eines "
    "Monats nach Bekanntgabe Klage bei dem zuständigen Verwaltungsgericht erhoben werden."
)

_ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False)


class TemplateInvalid(DomainError):
    """A text of a decision template cannot be compiled or rendered."""


@dataclass(frozen=True)
class DecisionTexts:
    title: str
    operative_part: str
    reasons: str
    fee_assessment: str
    legal_remedy: str


def _label(field: str) -> str:
    return str(TEXT_FIELDS.get(field, field))


def _invalid(field: str, error: Exception) -> TemplateInvalid:
    return TemplateInvalid(
        _(
            "The placeholders in the field “%(field)s” cannot be read (%(error)s). Write "
            "placeholders as {{ name }} and conditions as {%% if name %%}…{%% endif %%}."
        )
        % {"field": _label(field), "error": str(error)},
        field=field,
    )


def texts_check(texts: Mapping[str, str]) -> None:
    """Raise TemplateInvalid (naming the field) unless every text compiles."""
    for field, text in texts.items():
        try:
            _ENGINE.from_string(text or "")
        except TemplateSyntaxError as error:
            raise _invalid(field, error) from None


def plain_data(value: Any) -> Any:
    """`value` as plain data: dates as 15.06.2026, anything else not JSON-like refused."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Mapping):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(v) for v in value]
    raise TypeError(f"not plain data: {type(value).__name__}")


def texts_render(texts: Mapping[str, str], values: Mapping[str, Any]) -> DecisionTexts:
    """The texts with their placeholders filled from `values` (plain data)."""
    context = {str(k): plain_data(v) for k, v in values.items()}
    rendered = {}
    for field in TEXT_FIELDS:
        text = texts.get(field) or ""
        try:
            rendered[field] = _ENGINE.from_string(text).render(Context(context)).strip()
        except TemplateSyntaxError as error:
            raise _invalid(field, error) from None
        except Exception as error:  # a tag that fails only when rendered (e.g. include)
            raise _invalid(field, error) from None
    return DecisionTexts(**rendered)


def _address(*lines: str) -> str:
    return ", ".join(line for line in lines if line)


def placeholder_values(
    *,
    reference: str,
    applicant: Any,
    service_name: str,
    office: Any,
    municipality: Any,
    submitted_on: dt.date | None,
    data: Mapping[str, Any],
) -> dict[str, Any]:
    """The values placeholders are filled from: the facts of the case, then `data`."""
    values: dict[str, Any] = {
        "reference": reference,
        "applicant_name": applicant.display_name if applicant is not None else "",
        "applicant_address": _address(
            getattr(applicant, "street", ""),
            " ".join(
                p
                for p in (getattr(applicant, "postal_code", ""), getattr(applicant, "city", ""))
                if p
            ),
        ),
        "service_name": service_name,
        "office_name": office.name,
        "office_address": _address(office.street, f"{office.postcode} {office.city}".strip()),
        "municipality_name": municipality.name,
        "today": timezone.localdate(),
        "submitted_on": submitted_on,
    }
    values.update({str(k): v for k, v in data.items() if str(k) not in values})
    return values


# The image types a coat of arms may have in the letterhead (PDF/A embeds them as they are).
ARMS_TYPES = {"image/svg+xml", "image/png", "image/jpeg"}


def arms_data_uri(municipality: Any) -> str:
    """The coat of arms of `municipality` (its static file, `Municipality.coat_of_arms`) as a
    data: URI for the letterhead — the document loads nothing from outside; empty when it
    has none, or the file is missing or of another type."""
    path = (getattr(municipality, "coat_of_arms", "") or "").strip()
    kind = mimetypes.guess_type(path)[0] if path else None
    found = finders.find(path) if kind in ARMS_TYPES else None
    if not found or isinstance(found, list):
        return ""
    data = Path(found).read_bytes()
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def document_html(
    *,
    texts: DecisionTexts,
    reference: str,
    office: Any,
    municipality: Any,
    applicant_lines: list[str],
    dated: dt.date,
    sample: bool = False,
) -> str:
    """The decision's HTML on the letterhead of `office` of `municipality`, in German."""
    with translation.override("de"):
        return render_to_string(
            "decisions/decision.html",
            {
                "texts": texts,
                "reference": reference,
                "authority": municipality.authority_name or municipality.name,
                "municipality_name": municipality.name,
                "arms": arms_data_uri(municipality),
                "office": office,
                "applicant_lines": [line for line in applicant_lines if line],
                "dated": dated.strftime("%d.%m.%Y"),
                "sample": sample,
            },
        )


def document_render(**kwargs: Any) -> bytes:
    """`document_html` as unsealed PDF/A-2b."""
    return pdfa_render(html=document_html(**kwargs))


def applicant_lines(applicant: Any) -> list[str]:
    """The address block of the applicant (name, street, postcode and city)."""
    if applicant is None:
        return []
    return [
        applicant.display_name,
        getattr(applicant, "street", ""),
        " ".join(
            p for p in (getattr(applicant, "postal_code", ""), getattr(applicant, "city", "")) if p
        ),
    ]
