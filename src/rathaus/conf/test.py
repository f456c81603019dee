"""Settings for the test suite: production security defaults, fast hashing."""

import os

os.environ.setdefault("RATHAUS_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("RATHAUS_SECURE_SSL_REDIRECT", "false")
# The built-in sandbox payment provider (never in production: base enables only "invoice").
os.environ.setdefault("RATHAUS_PAYMENT_PROVIDERS", "invoice,sandbox")

from rathaus.conf.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the shared in-memory database: concurrency tests need SQLite's real locking
    # (an in-memory shared cache answers "table is locked" instead of waiting).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
# The tests' webhook receivers listen on plain HTTP on the loopback interface.
RATHAUS_WEBHOOK_ALLOW_HTTP = True
RATHAUS_WEBHOOK_ALLOW_PRIVATE = True
