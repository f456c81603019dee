"""Reading `timestamp with time zone` values from PostgreSQL in C, not in Python.

Django reads every timestamptz through its own loader (`BaseTzLoader` of
`django.db.backends.postgresql.psycopg_any`): a subclass of psycopg's pure-Python text
loader that sets the connection's time zone on the result. Being a subclass, it does not
get psycopg's compiled loader, so each value is parsed in Python: about 3 µs, 1 ms for the
300 timestamps of a search in the staff inbox (issue 9 §5; the case list reads the keys of
up to 2,000 matches).

`fast_timestamptz_register` (connected to `connection_created` in `CoreConfig.ready`)
registers on each new PostgreSQL connection a loader that parses with
`datetime.fromisoformat` (C, 0.2 µs) and otherwise does what Django's does: the value in
the connection's time zone (Django's `connection.timezone`, UTC unless `TIME_ZONE` is set
per database). Whatever `fromisoformat` does not read (years BC, infinity, a DateStyle
other than ISO) goes to Django's loader and gives what it gave before;
`tests/core/test_pg_timestamps.py` compares both loaders on such values.
"""

import functools
from datetime import datetime
from typing import Any

from django.db.backends.postgresql.psycopg_any import BaseTzLoader


@functools.cache
def _loader_for(tz: Any) -> type[BaseTzLoader]:
    """The loader class for time zone `tz` (one per zone, shared by the connections)."""

    class FastTzLoader(BaseTzLoader):
        timezone = tz  # Django's create_cursor compares it with the connection's

        def load(self, data: Any) -> datetime:
            try:
                value = datetime.fromisoformat(bytes(data).decode())
            except ValueError:
                return super().load(data)
            if value.tzinfo is None:  # not a timestamptz as ISO prints it
                return super().load(data)
            return value if value.tzinfo is tz else value.astimezone(tz)

    return FastTzLoader


def fast_timestamptz_register(sender: Any, connection: Any, **_: Any) -> None:
    """Register the loader on a new connection (a receiver of `connection_created`): only for
    PostgreSQL with time zones on and the ISO date style that `fromisoformat` reads."""
    if connection.vendor != "postgresql" or connection.timezone is None:
        return
    raw = connection.connection
    datestyle = raw.pgconn.parameter_status(b"DateStyle") or b""
    if not datestyle.startswith(b"ISO"):
        return
    raw.adapters.register_loader("timestamptz", _loader_for(connection.timezone))
