"""Long-running processes freeze their loaded code out of the cyclic garbage collector
(rathaus.core.process_warmup): the URLconf's views are loaded first, and the switch
RATHAUS_GC_FREEZE turns it off."""

import gc
import os
import subprocess
import sys

import pytest

from rathaus.core.process_warmup import process_warm


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_loaded_objects_are_frozen(unfrozen, settings):
    settings.RATHAUS_GC_FREEZE = True
    process_warm()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000
    assert len(gc.get_objects(generation=2)) < frozen  # the collector walks fewer


def test_switched_off_nothing_is_frozen(unfrozen, settings):
    settings.RATHAUS_GC_FREEZE = False
    process_warm()
    assert gc.get_freeze_count() == 0


def test_the_wsgi_application_starts_with_its_views_loaded_and_frozen():
    """A fresh interpreter as a WSGI server starts it: the views are imported before the
    first request, and the garbage collector skips them."""
    code = (
        "import gc, sys; import rathaus.wsgi; "
        "print(gc.get_freeze_count(), 'rathaus.portal.mailbox_views' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "rathaus.conf.test"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    frozen, views_loaded = result.stdout.split()[-2:]
    assert int(frozen) > 10_000 and views_loaded == "True"
