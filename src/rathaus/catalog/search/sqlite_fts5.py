"""SQLite FTS5 backend: stems in Python (snowballstemmer) and ranks with bm25.

The FTS5 table `catalog_service_search` (migration 0002) holds the Snowball stems of each
field; queries are built from stems too, so FTS5 only matches tokens and never parses user
input (every token is quoted, and only [a-z0-9] reaches it).
"""

import json
import re
from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from django.db import connection

from rathaus.catalog.search.analysis import Analyzer, SearchQuery, Term, analyzer_for
from rathaus.catalog.search.base import (
    FIELD_TIERS,
    FIELD_WEIGHTS,
    FIELDS,
    IndexDocument,
    SearchBackend,
    SearchHit,
    hit_score,
    search_backends,
)

_TOKEN = re.compile(r"[a-z0-9]+")
# bm25() takes one weight per column: service_id, language and sort_key are not searched.
# The weights are PostgreSQL's (at most 1.0), which keeps bm25's term frequencies small so it
# stays near-linear in them, as ts_rank_cd is.
_BM25 = "bm25(catalog_service_search, 0, 0, 0, {})".format(", ".join(map(str, FIELD_WEIGHTS)))
_MATCHING_ROWS = (
    "rowid IN (SELECT rowid FROM catalog_service_search WHERE catalog_service_search MATCH %s)"
)
_TIER = (
    "CASE "
    + " ".join(f"WHEN {_MATCHING_ROWS} THEN {tier}" for tier in range(len(FIELD_TIERS)))
    + f" ELSE {len(FIELD_TIERS)} END"
)


def _coverage(query: SearchQuery, match_all: bool) -> tuple[str, list[str]]:
    """SQL counting the query groups a row matches, with its parameters."""
    if match_all:
        return str(len(query.groups)), []
    parts = query.split()
    sql = " + ".join(f"({_MATCHING_ROWS})" for _ in parts)
    return sql, [match_expression(part, match_all=True) for part in parts]


def _stemmed(analyzer: Analyzer, text: str) -> str:
    return " ".join(analyzer.stem(word) for word in text.split())


def _match_term(analyzer: Analyzer, term: Term) -> str:
    token = analyzer.stem(term.word)
    if not _TOKEN.fullmatch(token):  # analysis only yields [a-z0-9]+; never pass syntax on
        raise ValueError(f"not a search token: {token!r}")
    return f'"{token}"*' if term.prefix else f'"{token}"'


def match_expression(query: SearchQuery, *, match_all: bool, fields: int = 0) -> str:
    """The FTS5 MATCH expression for `query`, e.g. `("ummeld"* OR ("wohnsitz")) AND …`,
    limited to the first `fields` columns of FIELDS if given."""
    groups = []
    for group in query.groups:
        alternatives = [
            "(" + " AND ".join(_match_term(query.analyzer, term) for term in terms) + ")"
            for terms in group.alternatives
        ]
        groups.append("(" + " OR ".join(alternatives) + ")")
    expression = (" AND " if match_all else " OR ").join(groups)
    if fields:
        return "{" + " ".join(FIELDS[:fields]) + "} : (" + expression + ")"
    return expression


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
                "DELETE FROM catalog_service_search"
                " WHERE service_id IN (SELECT value FROM json_each(%s))",
                [json.dumps([service_id.hex for service_id in service_ids])],
            )
            if rows:
                cursor.executemany(
                    "INSERT INTO catalog_service_search"
                    " (service_id, language, sort_key, name, synonyms, summary, description)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )

    def index_clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM catalog_service_search")

    def search(
        self,
        *,
        query: SearchQuery,
        match_all: bool,
        service_ids: Collection[UUID] | None,
        limit: int,
    ) -> list[SearchHit]:
        if not query.groups:
            return []
        coverage, coverage_params = _coverage(query, match_all)
        sql = (
            f"SELECT service_id, {coverage} AS coverage, {_TIER} AS tier,"  # noqa: S608
            f" -{_BM25} AS score"
            " FROM catalog_service_search WHERE catalog_service_search MATCH %s AND language = %s"
            " AND EXISTS (SELECT 1 FROM catalog_service"
            " WHERE catalog_service.id = catalog_service_search.service_id)"
        )
        params: list[Any] = [
            *coverage_params,
            *(match_expression(query, match_all=match_all, fields=n) for n in FIELD_TIERS),
            match_expression(query, match_all=match_all),
            query.analyzer.language,
        ]
        if service_ids is not None:
            sql += " AND service_id IN (SELECT value FROM json_each(%s))"
            params.append(json.dumps([service_id.hex for service_id in service_ids]))
        sql += " ORDER BY coverage DESC, tier, score DESC, sort_key, service_id LIMIT %s"
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [
                SearchHit(UUID(hex=sid), hit_score(coverage=coverage, tier=tier, rank=score))
                for sid, coverage, tier, score in cursor
            ]
