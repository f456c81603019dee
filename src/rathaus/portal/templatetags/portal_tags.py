"""Template helpers of the citizen portal."""

import json
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

COAT_OF_ARMS_PLACEHOLDER = "portal/img/wappen-platzhalter.svg"

# Characters that could end the <script> element or start a comment inside it.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def localized(obj: Any, field: str) -> Any:
    """`obj.<field>_<lang>` for the active language, falling back to the German value.

    Works for models whose German field has a suffix (`note_de`) and for those where it
    has none (`Office.name` / `Office.name_en`).
    """
    language = (get_language() or "de")[:2]
    if language != "de":
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return value
    german = getattr(obj, f"{field}_de", None)
    return german if german is not None else getattr(obj, field, "")


@register.filter
def jsonld(data: dict[str, Any]) -> SafeString:
    """A `<script type="application/ld+json">` data block (not executable, allowed by the CSP)."""
    text = json.dumps(data, ensure_ascii=False, indent=2).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def coat_of_arms(municipality: Any) -> str:
    """URL of the municipality's coat of arms, or of a neutral shield when none is set."""
    return static(municipality.coat_of_arms or COAT_OF_ARMS_PLACEHOLDER)


@register.simple_tag(takes_context=True)
def current_path(context: template.Context) -> str:
    """Path and query of the current request (for the language switch's `next`)."""
    request = context.get("request")
    return request.get_full_path() if request is not None else "/"
