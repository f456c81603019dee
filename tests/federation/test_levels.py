import pytest

from rathaus.federation.levels import TrustLevel, level_at_least, level_from_delivered
from rathaus.federation.selectors import trust_level_sufficient
from tests.factories import ServiceFactory


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("STORK-QAA-Level-1", TrustLevel.LOW),
        ("STORK-QAA-Level-2", TrustLevel.LOW),
        ("STORK-QAA-Level-3", TrustLevel.SUBSTANTIAL),
        ("stork-qaa-level-4", TrustLevel.HIGH),
        ("http://eidas.europa.eu/LoA/low", TrustLevel.LOW),
        ("http://eidas.europa.eu/LoA/substantial", TrustLevel.SUBSTANTIAL),
        ("http://eidas.europa.eu/LoA/high", TrustLevel.HIGH),
        ("substantial", TrustLevel.SUBSTANTIAL),
        (["STORK-QAA-Level-1", "STORK-QAA-Level-4"], TrustLevel.HIGH),
        ("STORK-QAA-Level-5", None),
        ("http://eidas.europa.eu/LoA/NotNotified/high", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_delivered_values(value, level):
    assert level_from_delivered(value) is level


def test_order():
    assert TrustLevel.LOW < TrustLevel.SUBSTANTIAL < TrustLevel.HIGH
    assert level_at_least(TrustLevel.HIGH, TrustLevel.SUBSTANTIAL)
    assert not level_at_least(TrustLevel.LOW, TrustLevel.SUBSTANTIAL)
    assert not level_at_least(None, TrustLevel.LOW)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("session", "service", "ok"),
    [
        (TrustLevel.LOW, "low", True),
        (TrustLevel.LOW, "substantial", False),
        (TrustLevel.SUBSTANTIAL, "substantial", True),
        (TrustLevel.SUBSTANTIAL, "high", False),
        (TrustLevel.HIGH, "high", True),
        (None, "low", False),
    ],
)
def test_trust_level_sufficient(session, service, ok):
    assert (
        trust_level_sufficient(
            session_level=session, service=ServiceFactory.build(min_trust_level=service)
        )
        is ok
    )
