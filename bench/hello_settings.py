"""Settings for `bench/lists.py`'s gunicorn: the production settings plus one bare view
(`/bench-hello/`, hello_urls.py), the baseline the lists are measured against in the same run."""

from rathaus.conf.base import *  # noqa: F403

ROOT_URLCONF = "hello_urls"
