"""rathaus — open-source e-government platform for German municipalities."""

# The Celery app is loaded with Django so that @shared_task uses its configuration.
from rathaus.celery import app as celery_app

__all__ = ["celery_app"]
