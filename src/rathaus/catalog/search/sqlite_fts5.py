"""SQLite FTS5 backend: stems in Python (snowballstemmer) and finds candidates with MATCH.

The FTS5 table `catalog_service_search` (migration 0002) holds the Snowball stems of each
field; queries are built from stems too, so FTS5 only matches tokens and never parses user
input (every token is quoted, and only [a-z0-9] reaches it). Ranking is ranking.py's.
"""

import json
import re
from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from django.db import connection

from rathaus.catalog.search.analysis import Analyzer, SearchQuery, Term, analyzer_for
from rathaus.catalog.search.base import (
    FIELD_WORDS_SQL,
    FIELDS,
    Candidates,
    IndexDocument,
    SearchBackend,
    search_backends,
)

_TOKEN = re.compile(r"[a-z0-9]+")
_TABLE = "catalog_service_search"
# Rows of services that still exist (Django's test flush empties catalog_service, which fires
# no delete trigger).
_LIVE = "EXISTS (SELECT 1 FROM catalog_service WHERE catalog_service.id = {0}.service_id)"
_STATISTICS = (
    "SELECT COUNT(*) AS documents, "  # noqa: S608
    + ", ".join(f"COALESCE(SUM({FIELD_WORDS_SQL.format(field)}), 0)" for field in FIELDS)
    + f" FROM {_TABLE} WHERE language = %s AND {_LIVE.format(_TABLE)}"
)
_FREQUENCY = (
    f"(SELECT COUNT(*) FROM {_TABLE} WHERE {_TABLE} MATCH %s"  # noqa: S608
    f" AND language = %s AND {_LIVE.format(_TABLE)})"
)
_CANDIDATES = (
    "SELECT candidate.service_id, candidate.sort_key, "  # noqa: S608
    + ", ".join(f"candidate.{field}" for field in FIELDS)
    + ", statistics.*, {frequencies}"
    + f" FROM {_TABLE} AS candidate, ({_STATISTICS}) AS statistics"
    f" WHERE candidate.{_TABLE} MATCH %s AND candidate.language = %s"
    f" AND {_LIVE.format('candidate')}"
)


def _stemmed(analyzer: Analyzer, text: str) -> str:
    return " ".join(analyzer.stem(word) for word in text.split())


def _match_term(analyzer: Analyzer, term: Term) -> str:
    token = analyzer.stem(term.word)
    if not _TOKEN.fullmatch(token):  # analysis only yields [a-z0-9]+; never pass syntax on
        raise ValueError(f"not a search token: {token!r}")
    return f'"{token}"*' if term.prefix else f'"{token}"'


def match_expression(query: SearchQuery, *, match_all: bool) -> str:
    """The FTS5 MATCH expression for `query`, e.g. `("ummeld"* OR ("wohnsitz")) AND …`."""
    groups = []
    for group in query.groups:
        alternatives = [
            "(" + " AND ".join(_match_term(query.analyzer, term) for term in terms) + ")"
            for terms in group.alternatives
        ]
        groups.append("(" + " OR ".join(alternatives) + ")")
    return (" AND " if match_all else " OR ").join(groups)


@search_backends.register("sqlite_fts5")
class SQLiteFTS5Backend(SearchBackend):
    """Embedded full-text search in the SQLite database file."""

    vendors = frozenset({"sqlite"})

    def index_replace(
        self, *, service_ids: Collection[UUID], documents: Sequence[IndexDocument]
    ) -> None:
        rows = [
            (
                document.service_id.hex,
                document.language,
                document.sort_key,
                *(_stemmed(analyzer_for(document.language), text) for text in document.texts),
            )
            for document in documents
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_TABLE}"  # noqa: S608
                " WHERE service_id IN (SELECT value FROM json_each(%s))",
                [json.dumps([service_id.hex for service_id in service_ids])],
            )
            if rows:
                cursor.executemany(
                    f"INSERT INTO {_TABLE}"  # noqa: S608
                    " (service_id, language, sort_key, name, synonyms, summary, description)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )

    def index_clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_TABLE}")  # noqa: S608

    def candidates(self, *, query: SearchQuery, service_ids: Collection[UUID] | None) -> Candidates:
        terms = query.terms()
        if not terms:
            return Candidates.none()
        language = query.analyzer.language
        sql = _CANDIDATES.format(frequencies=", ".join(_FREQUENCY for _ in terms))
        params: list[Any] = []
        for term in terms:
            params += [_match_term(query.analyzer, term), language]
        params += [language, match_expression(query, match_all=False), language]
        if service_ids is not None:
            sql += " AND candidate.service_id IN (SELECT value FROM json_each(%s))"
            params.append(json.dumps([service_id.hex for service_id in service_ids]))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return Candidates.from_rows(rows, terms)
