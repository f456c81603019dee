"""`{% online_form_published service as flag %}`: whether a service has a published online
form in this portal (the service page then links to the application start)."""

from typing import Any

from django import template

from rathaus.applications.services import form_published_for

register = template.Library()


@register.simple_tag
def online_form_published(service: Any) -> bool:
    return form_published_for(service=service) is not None
