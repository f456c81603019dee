"""The Celery application: background work of rathaus (outbox dispatch, periodic jobs)."""

import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.conf.dev")

app = Celery("rathaus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
def _process_warm(**_kwargs: object) -> None:
    """The worker (before its pool forks) and each pool process: the code loaded and frozen
    out of the garbage collector (`rathaus.core.process_warmup`)."""
    from rathaus.core.process_warmup import process_warm

    process_warm()
