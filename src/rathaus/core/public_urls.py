"""Absolute links for what leaves rathaus without a request: e-mails sent by the worker.

One source for the portal's public address: ``RATHAUS_PUBLIC_URL`` (conf/base.py; `make run`
sets it to the address it serves). Pages answering a request build their links from the
request instead (allauth's confirmation mail does).
"""

from django.conf import settings


def public_url(path: str = "/") -> str:
    """`path` (an absolute path such as "/antraege/") under the portal's public address."""
    return f"{settings.RATHAUS_PUBLIC_URL.rstrip('/')}/{path.lstrip('/')}"
