"""PostgreSQL backend: tsvector documents with weights A–D in a GIN-indexed table, stemmed by
the `german` / `english` text search configurations, ranked with ts_rank_cd.

The table `catalog_service_search` (migration 0002) is written by `index_replace`. Queries
are handed to `to_tsquery` as text built from analysed words only ([a-z0-9]) and our own
operators, as a bound parameter, so no user input reaches the tsquery parser as syntax.
"""

import re
from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from django.db import connection

from rathaus.catalog.search.analysis import SearchQuery, Term, analyzer_for
from rathaus.catalog.search.base import (
    FIELD_TIERS,
    FIELD_WEIGHTS,
    IndexDocument,
    SearchBackend,
    SearchHit,
    hit_score,
    search_backends,
)

_TOKEN = re.compile(r"[a-z0-9]+")
_LABELS = ("A", "B", "C", "D")
# ts_rank_cd takes the weights as {D, C, B, A}.
_RANK_WEIGHTS = "{" + ", ".join(str(w) for w in reversed(FIELD_WEIGHTS)) + "}"
# Normalisation 2 divides the rank by the document length: like bm25's length normalisation,
# a match in a short document counts more than the same match in a long one. Of the options,
# it makes ts_rank_cd agree best with FTS5's bm25 (same top results; see test_search_demo.py).
_RANK_NORMALIZATION = 2
_DOCUMENT = " || ".join(
    f"setweight(to_tsvector(%s::regconfig, %s), '{label}')" for label in _LABELS
)

_TIER = (
    "CASE "
    + " ".join(
        f"WHEN document @@ to_tsquery(%s::regconfig, %s) THEN {tier}"
        for tier in range(len(FIELD_TIERS))
    )
    + f" ELSE {len(FIELD_TIERS)} END"
)
_MATCHES = "(document @@ to_tsquery(%s::regconfig, %s))::int"


def _coverage(query: SearchQuery, match_all: bool) -> tuple[str, list[Any]]:
    """SQL counting the query groups a row matches, with its parameters."""
    if match_all:
        return str(len(query.groups)), []
    parts = query.split()
    params: list[Any] = []
    for part in parts:
        params += [query.analyzer.config, tsquery_text(part, match_all=True)]
    return " + ".join(_MATCHES for _ in parts), params


_COLUMNS = "(service_id, language, sort_key, document)"
_INSERT = f"INSERT INTO catalog_service_search {_COLUMNS} VALUES (%s, %s, %s, {_DOCUMENT})"  # noqa: S608


def _query_term(term: Term, labels: str) -> str:
    if not _TOKEN.fullmatch(term.word):  # analysis only yields [a-z0-9]+; never pass syntax on
        raise ValueError(f"not a search word: {term.word!r}")
    if term.prefix:
        return f"{term.word}:*{labels}"
    return f"{term.word}:{labels}" if labels else term.word


def tsquery_text(query: SearchQuery, *, match_all: bool, fields: int = 0) -> str:
    """The `to_tsquery` input for `query`, e.g. `(ummeldung:* | (wohnsitz)) & …`, limited to
    the first `fields` weights (A, B, …) if given.

    The words are not stemmed here: to_tsquery stems them with the language's configuration.
    """
    labels = "".join(_LABELS[:fields])
    groups = []
    for group in query.groups:
        alternatives = [
            "(" + " & ".join(_query_term(term, labels) for term in terms) + ")"
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
            config = analyzer_for(document.language).config
            row: list[Any] = [document.service_id, document.language, document.sort_key]
            for text in document.texts:
                row += [config, text]
            rows.append(row)
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM catalog_service_search WHERE service_id = ANY(%s)",
                [list(service_ids)],
            )
            if rows:
                cursor.executemany(_INSERT, rows)

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
        config = query.analyzer.config
        coverage, params = _coverage(query, match_all)
        sql = (
            f"SELECT service_id, {coverage} AS coverage, {_TIER} AS tier,"  # noqa: S608
            " ts_rank_cd(%s::real[], document, tsquery, %s) AS score"
            " FROM catalog_service_search, to_tsquery(%s::regconfig, %s) AS tsquery"
            " WHERE document @@ tsquery AND language = %s"
            " AND EXISTS (SELECT 1 FROM catalog_service"
            " WHERE catalog_service.id = catalog_service_search.service_id)"
        )
        for fields in FIELD_TIERS:
            params += [config, tsquery_text(query, match_all=match_all, fields=fields)]
        params += [
            _RANK_WEIGHTS,
            _RANK_NORMALIZATION,
            config,
            tsquery_text(query, match_all=match_all),
            query.analyzer.language,
        ]
        if service_ids is not None:
            sql += " AND service_id = ANY(%s)"
            params.append(list(service_ids))
        sql += " ORDER BY coverage DESC, tier, score DESC, sort_key, service_id LIMIT %s"
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [
                SearchHit(service_id, hit_score(coverage=coverage, tier=tier, rank=score))
                for service_id, coverage, tier, score in cursor
            ]
