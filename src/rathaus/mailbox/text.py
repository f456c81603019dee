"""How a message's plain text is shown: paragraphs (blank lines) and lines kept, lists as
typed, links as text (never clickable: a message is not a place for phishing links), every
character escaped. One function for the portal and the staff area."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

LINE_BREAK = SafeString("<br>")


def message_html(body: str) -> SafeString:
    """`body` as HTML paragraphs; single line breaks become <br>; all text escaped."""
    paragraphs = [p.strip("\n") for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return format_html_join(
        "\n",
        '<p class="kern-body mailbox-message__paragraph">{}</p>',
        (
            (format_html_join(LINE_BREAK, "{}", ((line,) for line in p.split("\n"))),)
            for p in paragraphs
        ),
    )
