"""A long-running process (a WSGI worker, a Celery worker) loads its code once and then
serves for hours: `process_warm` loads what the first request would load lazily and moves
every object that exists then out of the cyclic garbage collector's reach (`gc.freeze`).

Why: Python's full collection walks every tracked object of the process — Django, the
apps, the BPMN/DMN engine and the XML schemas are ~300,000 objects, ~90 ms per full
collection on this project's machine — although none of them ever becomes garbage. Frozen,
they are skipped; collections then only walk what requests create. With a pre-forking
server (`gunicorn --preload`) frozen objects are also not written to by the collector, so
the forked workers keep sharing their memory pages. `RATHAUS_GC_FREEZE=false` switches it off.
"""

import gc
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def process_warm() -> None:
    """Load the URLconf (and with it every view module) and freeze what is loaded."""
    if not settings.RATHAUS_GC_FREEZE:
        return
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    gc.collect()  # what start-up left behind is freed, not frozen
    gc.freeze()
    logger.debug("%d objects frozen out of the garbage collector", gc.get_freeze_count())
