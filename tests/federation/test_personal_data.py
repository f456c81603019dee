import pytest
from django.contrib.auth import get_user_model

from rathaus.accounts.personal_data import personal_data_collectors, personal_data_erasers
from rathaus.federation.models import ExternalIdentity

pytestmark = pytest.mark.django_db


def test_identities_in_export_and_erased():
    user = get_user_model().objects.create_user(username="p", email="p@example.org")
    ExternalIdentity.objects.create(
        user=user,
        provider="bundid",
        subject="s-1",
        attributes={"birth_date": "1980-01-01"},
        last_level="high",
    )
    exported = personal_data_collectors.get("federation.identities").collect(user)
    assert exported[0]["subject"] == "s-1"
    assert exported[0]["attributes"] == {"birth_date": "1980-01-01"}
    personal_data_erasers.get("federation.identities").erase(user)
    assert not ExternalIdentity.objects.exists()
