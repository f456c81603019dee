import pytest
from django.core.exceptions import ValidationError

from rathaus.municipalities.keys import ags_from_ars, land_name, validate_ags, validate_ars

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.mark.parametrize("value", ["053580008008", "071350000000"])
def test_valid_ars(value):
    validate_ars(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("05358000800", "exactly 12 digits"),
        ("05358000800a", "exactly 12 digits"),
        ("", "exactly 12 digits"),
        ("993580008008", "Land code"),
        ("003580008008", "Land code"),
    ],
)
def test_invalid_ars_has_a_clear_message(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_ars(value)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    ("value", "message"), [("0535800", "exactly 8 digits"), ("17358008", "Land code")]
)
def test_invalid_ags(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_ags(value)


def test_ags_is_ars_without_association_digits():
    assert ags_from_ars("053580008008") == "05358008"
    assert land_name("057540008008") == "Nordrhein-Westfalen"
