import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.conf.base")
application = get_wsgi_application()

from rathaus.core.process_warmup import process_warm  # noqa: E402  (needs the apps loaded)

process_warm()
