from typing import Any

from django import template

from rathaus.staff.selectors import role_admin_offices

register = template.Library()


@register.simple_tag
def administers_roles(user: Any) -> bool:
    """Whether the roles page is open to `user` (Systemadministration or superuser)."""
    return role_admin_offices(user=user).exists()
