"""The Celery application: background work of rathaus (outbox dispatch, periodic jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.conf.dev")

app = Celery("rathaus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
