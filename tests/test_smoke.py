import pytest

from tests.factories import LocalServiceFactory


@pytest.mark.django_db
def test_factories_build_valid_rows():
    offer = LocalServiceFactory()
    offer.full_clean()
    offer.municipality.full_clean()
    offer.service.full_clean()
