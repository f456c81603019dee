"""The records' full-text index on SQLite (FTS5) and PostgreSQL (tsvector + GIN): one small
interface, two implementations, identical results by construction.

Both store, per document, the stems of its metadata (`meta`) and of its metadata and text,
plus the office and the date the hits are ordered by, and answer one question: the documents
of some offices in which every query term occurs — in the metadata only (`meta_only`) or
anywhere except where all occur in the metadata (`meta_only=False`, the second tier) —
newest first (date, then id, both descending), after a keyset position, at most `limit`.
"""

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from .analysis import QueryTerm


@dataclass(frozen=True)
class IndexRow:
    document_id: UUID
    office_id: UUID
    sort_date: date
    meta: Sequence[str]  # stems
    body: Sequence[str]  # stems of the text (those of the metadata need not be repeated)


@dataclass(frozen=True)
class Position:
    """Where a page ends: the last hit's date and id (keyset)."""

    sort_date: date
    document_id: UUID


class Backend(Protocol):
    def replace(self, rows: Sequence[IndexRow]) -> None: ...

    def remove(self, document_ids: Collection[UUID]) -> None: ...

    def find(
        self,
        *,
        terms: Sequence[QueryTerm],
        meta_only: bool,
        office_ids: Collection[UUID] | None,
        after: Position | None,
        limit: int,
    ) -> list[tuple[UUID, date]]: ...


def _token(term: QueryTerm) -> str:
    if not term.stem.isascii() or not term.stem.isalnum():  # never pass syntax on
        raise ValueError(f"not a search token: {term.stem!r}")
    return term.stem


class SQLiteFTS5:
    """FTS5: `meta : (…)` for the first tier, `(…) NOT meta : (…)` for the second."""

    table = "records_document_search"

    def replace(self, rows: Sequence[IndexRow]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, [row.document_id for row in rows])
            cursor.executemany(
                f"INSERT INTO {self.table} (document_id, office_id, sort_date, meta, body)"  # noqa: S608
                " VALUES (%s, %s, %s, %s, %s)",
                [
                    (
                        row.document_id.hex,
                        row.office_id.hex,
                        row.sort_date.isoformat(),
                        " ".join(row.meta),
                        " ".join(row.body),
                    )
                    for row in rows
                ],
            )

    def remove(self, document_ids: Collection[UUID]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, list(document_ids))

    def _delete(self, cursor: object, ids: list[UUID]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(  # type: ignore[attr-defined]
                f"DELETE FROM {self.table} WHERE document_id IN ({marks})",  # noqa: S608
                [i.hex for i in chunk],
            )

    def find(
        self,
        *,
        terms: Sequence[QueryTerm],
        meta_only: bool,
        office_ids: Collection[UUID] | None,
        after: Position | None,
        limit: int,
    ) -> list[tuple[UUID, date]]:
        conjunction = " AND ".join(
            f'"{_token(t)}"*' if t.prefix else f'"{_token(t)}"' for t in terms
        )
        in_meta = f"meta : ({conjunction})"
        match = in_meta if meta_only else f"({conjunction}) NOT ({in_meta})"
        sql = [f"SELECT document_id, sort_date FROM {self.table} WHERE {self.table} MATCH %s"]  # noqa: S608
        params: list[Any] = [match]
        if office_ids is not None:
            sql.append(f"AND office_id IN ({', '.join(['%s'] * len(office_ids))})")
            params += [o.hex for o in office_ids]
        if after is not None:
            sql.append("AND (sort_date < %s OR (sort_date = %s AND document_id < %s))")
            day = after.sort_date.isoformat()
            params += [day, day, after.document_id.hex]
        sql.append("ORDER BY sort_date DESC, document_id DESC LIMIT %s")
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(" ".join(sql), params)
            return [(UUID(hex=i), date.fromisoformat(d)) for i, d in cursor.fetchall()]


class PostgreSQL:
    """tsvectors of the stems (configuration `simple`) with GIN indexes; a B-tree on
    (date, id) and one on the office.

    Two ways to the newest hits, chosen per query by the planner's estimate of the hits:
    a frequent word walks the (date, id) order and stops after a page (few rows looked at);
    a rarer one — or a word within a few offices — takes the GIN index (with the office index
    in a BitmapAnd) and sorts its hits. PostgreSQL's own choice misjudges the walk: it does
    not count that each row looked at has its stems read from TOAST, which makes walking
    past thousands of rows for a rare word slow."""

    table = "records_document_search"
    BITMAP_BELOW = 10_000  # estimated hits under which the GIN bitmap wins

    def replace(self, rows: Sequence[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table} (document_id, office_id, sort_date, meta, everything)"  # noqa: S608
                " VALUES (%s, %s, %s, array_to_tsvector(%s::text[]),"
                " array_to_tsvector(%s::text[]))"
                " ON CONFLICT (document_id) DO UPDATE SET office_id = EXCLUDED.office_id,"
                " sort_date = EXCLUDED.sort_date, meta = EXCLUDED.meta,"
                " everything = EXCLUDED.everything",
                [
                    (
                        row.document_id,
                        row.office_id,
                        row.sort_date,
                        list(row.meta),
                        list(dict.fromkeys([*row.meta, *row.body])),
                    )
                    for row in rows
                ],
            )

    def remove(self, document_ids: Collection[UUID]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self.table} WHERE document_id = ANY(%s)",  # noqa: S608
                [list(document_ids)],
            )

    def find(
        self,
        *,
        terms: Sequence[QueryTerm],
        meta_only: bool,
        office_ids: Collection[UUID] | None,
        after: Position | None,
        limit: int,
    ) -> list[tuple[UUID, date]]:
        query = " & ".join(f"{_token(t)}:*" if t.prefix else _token(t) for t in terms)
        if meta_only:
            where = ["meta @@ to_tsquery('simple', %s)"]
            params: list[Any] = [query]
        else:
            where = [
                "everything @@ to_tsquery('simple', %s) AND NOT meta @@ to_tsquery('simple', %s)"
            ]
            params = [query, query]
        if office_ids is not None:
            where.append("office_id = ANY(%s)")
            params.append(list(office_ids))
        if after is not None:
            where.append("(sort_date, document_id) < (%s, %s)")
            params += [after.sort_date, after.document_id]
        condition = " AND ".join(where)
        select = (
            f"SELECT document_id, sort_date FROM {self.table} WHERE {condition}"  # noqa: S608
            " ORDER BY sort_date DESC, document_id DESC LIMIT %s"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {self.table} WHERE {condition}",  # noqa: S608
                params,
            )
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            bitmap = plan[0]["Plan"]["Plan Rows"] < self.BITMAP_BELOW
            if bitmap:  # restored below: SET LOCAL lives until the transaction ends
                cursor.execute("SHOW enable_indexscan")
                previous = cursor.fetchone()[0]
                cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(select, [*params, limit])
            rows = cursor.fetchall()
            if bitmap:
                cursor.execute("SELECT set_config('enable_indexscan', %s, true)", [previous])
        return [(i, d) for i, d in rows]


def backend() -> Backend:
    """The index of the default database's vendor."""
    if connection.vendor == "sqlite":
        return SQLiteFTS5()
    if connection.vendor == "postgresql":
        return PostgreSQL()
    raise ImproperlyConfigured(f"No records search for the database {connection.vendor}.")
