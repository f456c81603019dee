"""`{% acting_as_banner %}`: whom the session acts for, for the portal header."""

from typing import Any

from django import template

from rathaus.organisations.selectors import current_principal

register = template.Library()


@register.inclusion_tag("organisations/_acting_as_banner.html", takes_context=True)
def acting_as_banner(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return {"show": False}
    return {"show": True, "principal": current_principal(request), "path": request.get_full_path()}
