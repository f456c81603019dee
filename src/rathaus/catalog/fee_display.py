"""Human-readable fee texts in German and English."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from rathaus.catalog.fee_rules import fee_parameters


def format_cents(cents: int, language: str = "de") -> str:
    """3700 → "37,00 €" (German) or "€37.00" (English)."""
    euros, rest = divmod(cents, 100)
    if language == "en":
        return f"€{euros:,}.{rest:02d}"
    return f"{euros:,}".replace(",", ".") + f",{rest:02d} €"


def fee_describe(rule: Mapping[str, Any] | None, language: str = "de") -> str:
    """One line describing the fee rule in the active language."""
    if not rule:
        return _("No fee information")
    kind = rule.get("kind")
    note = rule.get(f"note_{language}") or rule.get("note_de") or ""
    if kind == "free":
        text = _("Free of charge")
    elif kind == "fixed":
        text = format_cents(int(rule["amount"]), language)
    elif kind == "range":
        text = _("%(min)s to %(max)s") % {
            "min": format_cents(int(rule["min"]), language),
            "max": format_cents(int(rule["max"]), language),
        }
    elif kind == "per_unit":
        unit = rule.get(f"unit_{language}") or rule.get("unit_de") or rule.get("parameter", "")
        text = _("%(price)s per %(unit)s") % {
            "price": format_cents(int(rule["unit_price"]), language),
            "unit": unit,
        }
        if rule.get("base"):
            text = _("%(base)s plus %(rest)s") % {
                "base": format_cents(int(rule["base"]), language),
                "rest": text,
            }
    elif kind == "formula":
        labels = ", ".join(p.label(language) for p in fee_parameters(rule))
        text = (
            rule.get(f"description_{language}")
            or rule.get("description_de")
            or (_("Calculated from: %(parameters)s") % {"parameters": labels})
        )
    else:
        text = _("No fee information")
    return f"{text} ({note})" if note else text
