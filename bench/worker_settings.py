"""Settings for the benchmark's Celery worker: the production settings with a shorter polling
interval of the filesystem broker (BENCH_DRAIN_POLL seconds; kombu's default is 1 s), to show
how much of the drain rate is the broker's polling rather than the receipts' work."""

import os

from rathaus.conf.base import *  # noqa: F403
from rathaus.conf.base import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "polling_interval": float(os.environ.get("BENCH_DRAIN_POLL", "1")),
}
