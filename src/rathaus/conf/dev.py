"""Settings for `make run`: the embedded one-box demo on http://127.0.0.1:8000."""

import os

os.environ.setdefault("RATHAUS_DEBUG", "true")
os.environ.setdefault("RATHAUS_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("RATHAUS_SECURE_COOKIES", "false")
os.environ.setdefault("RATHAUS_HSTS_SECONDS", "0")
os.environ.setdefault("RATHAUS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The built-in sandbox payment provider (never in production: base enables only "invoice").
os.environ.setdefault("RATHAUS_PAYMENT_PROVIDERS", "invoice,sandbox")

from rathaus.conf.base import *  # noqa: F403
