"""PostgreSQL backend: tsvector documents with weights A–D in a GIN-indexed table, stemmed by
the `german` / `english` text search configurations, that find the candidates of a query.

The table `catalog_service_search` (migrations 0002, 0003) is written by `index_replace`. Next
to the tsvector it stores the Snowball stems of each field as Python computes them — the same
texts the SQLite backend stores — which ranking.py ranks. Queries are handed to `to_tsquery`
as text built from analysed words only ([a-z0-9]) and our own operators, as a bound parameter,
so no user input reaches the tsquery parser as syntax.
"""

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
_LABELS = ("A", "B", "C", "D")
_DOCUMENT = " || ".join(
    f"setweight(to_tsvector(%s::regconfig, %s), '{label}')" for label in _LABELS
)
_COLUMNS = "service_id, language, sort_key, document, " + ", ".join(FIELDS)
_INSERT = (
    f"INSERT INTO {_TABLE} ({_COLUMNS})"  # noqa: S608
    f" VALUES (%s, %s, %s, {_DOCUMENT}, {', '.join('%s' for _ in FIELDS)})"
)
# Rows of services that still exist (Django's test flush truncates catalog_service, which
# fires no delete trigger).
_LIVE = "EXISTS (SELECT 1 FROM catalog_service WHERE catalog_service.id = {0}.service_id)"
_STATISTICS = (
    "SELECT COUNT(*) AS documents, "  # noqa: S608
    + ", ".join(f"COALESCE(SUM({FIELD_WORDS_SQL.format(field)}), 0)" for field in FIELDS)
    + f" FROM {_TABLE} WHERE language = %s AND {_LIVE.format(_TABLE)}"
)
_FREQUENCY = (
    f"(SELECT COUNT(*) FROM {_TABLE} WHERE language = %s"  # noqa: S608
    f" AND document @@ to_tsquery(%s::regconfig, %s) AND {_LIVE.format(_TABLE)})"
)
# MATERIALIZED: the statistics are computed once, not once per candidate in a nested loop
# (which the planner picks for a freshly filled, not yet analysed table).
_CANDIDATES = (
    f"WITH statistics AS MATERIALIZED ({_STATISTICS})"  # noqa: S608
    " SELECT candidate.service_id, candidate.sort_key, "
    + ", ".join(f"candidate.{field}" for field in FIELDS)
    + ", statistics.*, {frequencies}"
    + f" FROM statistics, {_TABLE} AS candidate"
    " WHERE candidate.language = %s AND candidate.document @@ to_tsquery(%s::regconfig, %s)"
    f" AND {_LIVE.format('candidate')}"
)


def _stemmed(analyzer: Analyzer, text: str) -> str:
    return " ".join(analyzer.stem(word) for word in text.split())


def _query_term(term: Term) -> str:
    if not _TOKEN.fullmatch(term.word):  # analysis only yields [a-z0-9]+; never pass syntax on
        raise ValueError(f"not a search word: {term.word!r}")
    return f"{term.word}:*" if term.prefix else term.word


def tsquery_text(query: SearchQuery, *, match_all: bool) -> str:
    """The `to_tsquery` input for `query`, e.g. `(ummeldung:* | (wohnsitz)) & …`.

    The words are not stemmed here: to_tsquery stems them with the language's configuration.
    """
    groups = []
    for group in query.groups:
        alternatives = [
            "(" + " & ".join(_query_term(term) for term in terms) + ")"
            for terms in group.alternatives
        ]
        groups.append("(" + " | ".join(alternatives) + ")")
    return (" & " if match_all else " | ").join(groups)


@search_backends.register("postgresql")
class PostgreSQLBackend(SearchBackend):
    """Full-text search in PostgreSQL."""

    vendors = frozenset({"postgresql"})

    def index_replace(
        self, *, service_ids: Collection[UUID], documents: Sequence[IndexDocument]
    ) -> None:
        rows: list[list[Any]] = []
        for document in documents:
            analyzer = analyzer_for(document.language)
            row: list[Any] = [document.service_id, document.language, document.sort_key]
            for text in document.texts:
                row += [analyzer.config, text]
            row += [_stemmed(analyzer, text) for text in document.texts]
            rows.append(row)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_TABLE} WHERE service_id = ANY(%s)",  # noqa: S608
                [list(service_ids)],
            )
            if rows:
                cursor.executemany(_INSERT, rows)

    def index_clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_TABLE}")  # noqa: S608

    def candidates(self, *, query: SearchQuery, service_ids: Collection[UUID] | None) -> Candidates:
        terms = query.terms()
        if not terms:
            return Candidates.none()
        config, language = query.analyzer.config, query.analyzer.language
        sql = _CANDIDATES.format(frequencies=", ".join(_FREQUENCY for _ in terms))
        params: list[Any] = [language]
        for term in terms:
            params += [language, config, _query_term(term)]
        params += [language, config, tsquery_text(query, match_all=False)]
        if service_ids is not None:
            sql += " AND candidate.service_id = ANY(%s)"
            params.append(list(service_ids))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return Candidates.from_rows(rows, terms)
