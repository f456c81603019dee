"""PostgreSQL timestamps read by the C parser (`rathaus.core.pg_timestamps`) come out exactly
as Django's own loader gave them, and what the C parser cannot read still goes to Django's."""

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader, register_tzloader
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.pq import Format

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a loader of PostgreSQL's driver (CI runs the suite on PostgreSQL too)",
    ),
]

TIMESTAMPTZ_OID = 1184
SQL_VALUES = [
    "2026-12-04 21:00:00+00",
    "2026-12-04 21:00:00.5+00",
    "2026-12-04 21:00:00.123456+00",
    "2026-03-29 01:30:00+01",  # summer time starts in Germany
    "2026-10-25 02:30:00+02",  # and ends
    "1893-04-01 00:00:00+00:53:28",  # local mean time of Berlin before standard time
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]
REFUSED = ["0044-03-15 12:00:00+00 BC", "infinity", "-infinity", "10000-01-01 00:00:00+00"]


def _read(sql_value: str, *, django_loader: bool) -> object:
    """`sql_value` as a timestamptz read through the loader of Django's connection, or
    through Django's own loader registered on a cursor of the same connection."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if django_loader:
            register_tzloader(connection.timezone, cursor)
        try:
            cursor.execute("SELECT %s::timestamptz", [sql_value])
            return cursor.fetchone()[0]
        except Exception as error:
            return type(error)


def test_connections_read_timestamps_with_the_fast_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert loader.__name__ == "FastTzLoader"
    assert issubclass(loader, BaseTzLoader)
    assert loader.timezone == connection.timezone  # Django re-registers its own otherwise


@pytest.mark.parametrize("sql_value", SQL_VALUES)
def test_values_are_those_of_djangos_loader(sql_value):
    fast = _read(sql_value, django_loader=False)
    reference = _read(sql_value, django_loader=True)
    assert isinstance(fast, dt.datetime)
    assert fast == reference
    assert fast.utcoffset() == reference.utcoffset() == dt.timedelta(0)
    assert fast.tzinfo == connection.timezone


@pytest.mark.parametrize("sql_value", REFUSED)
def test_what_python_cannot_hold_fails_as_before(sql_value):
    assert _read(sql_value, django_loader=False) == _read(sql_value, django_loader=True)
    assert isinstance(_read(sql_value, django_loader=False), type)


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-9, minutes=-30))]),
    )
)
def test_any_instant_round_trips(value):
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [value], prepare=False)
        (read,) = cursor.fetchone()
    assert read == value
    assert read.tzinfo == connection.timezone


def test_the_orm_reads_them(django_user_model):
    user = django_user_model.objects.create_user(username="ts", password=None)
    stored = dt.datetime(2026, 12, 4, 21, 0, 0, 123456, tzinfo=dt.UTC)
    django_user_model.objects.filter(pk=user.pk).update(last_login=stored)
    assert django_user_model.objects.values_list("last_login", flat=True).get(pk=user.pk) == stored
