from django import template
from django.utils.safestring import SafeString

from rathaus.mailbox.text import message_html

register = template.Library()


@register.filter
def message_text(body: str) -> SafeString:
    """A message body as safe HTML paragraphs (rathaus.mailbox.text)."""
    return message_html(body)
