import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from rathaus.federation.models import LoginTransaction, ReplayCacheEntry

pytestmark = pytest.mark.django_db


def _fields(model):
    return {f.name for f in model._meta.concrete_fields}


def test_command_removes_only_expired_records():
    now = timezone.now()
    ReplayCacheEntry.objects.create(
        provider="p", key="old", expires_at=now - dt.timedelta(minutes=1)
    )
    ReplayCacheEntry.objects.create(provider="p", key="new", expires_at=now + dt.timedelta(hours=1))
    out = io.StringIO()
    call_command("federation_housekeeping", stdout=out)
    assert list(ReplayCacheEntry.objects.values_list("key", flat=True)) == ["new"]
    assert "Removed 1 expired" in out.getvalue()
    assert "expires_at" in _fields(LoginTransaction)
