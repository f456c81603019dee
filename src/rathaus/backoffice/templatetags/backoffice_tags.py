from typing import Any

from django import template

from rathaus.staff import selectors as staff_selectors

register = template.Library()


@register.simple_tag
def administers_roles(user: Any) -> bool:
    """Whether the roles page is open to `user` (Systemadministration or superuser)."""
    return staff_selectors.administers_roles(user=user)
