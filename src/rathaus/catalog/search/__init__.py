"""Catalogue search in German and English: stemming, synonyms, relevance ranking.

Two backends implement one interface (base.py): SQLite FTS5 (sqlite_fts5.py) and PostgreSQL
full-text search (postgresql.py), chosen by `settings.RATHAUS_SEARCH_BACKEND` ("auto": by the
database vendor). Both index the words that analysis.py produces and find the candidates of a
query with their own full-text index; ranking.py then orders the candidates in Python from the
stems the index stores, so both backends return the same hits in the same order with the same
scores. The index is written in the caller's transaction by `search_index_update` (catalog
services call it on every change) and rebuilt by `search_index_rebuild`.

A query first has to match with all its words; if nothing does, with any of them. An English
search also lists German-only matches after the English ones, so a German word typed in the
English portal still finds its service.
"""

from collections.abc import Collection, Iterable
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from rathaus.catalog.models import Service
from rathaus.catalog.search import postgresql, sqlite_fts5
from rathaus.catalog.search.analysis import DEFAULT_LANGUAGE, analyzer_for, query_parse
from rathaus.catalog.search.base import SearchBackend, SearchHit, search_backends
from rathaus.catalog.search.documents import service_documents
from rathaus.catalog.search.ranking import rank

__all__ = [
    "SearchBackend",
    "SearchHit",
    "search_backend",
    "search_backends",
    "search_index_rebuild",
    "search_index_update",
    "search_services",
]

# Importing the implementations registers them.
_IMPLEMENTATIONS = (postgresql.PostgreSQLBackend, sqlite_fts5.SQLiteFTS5Backend)
_AUTO = {"sqlite": "sqlite_fts5", "postgresql": "postgresql"}
_REBUILD_BATCH = 500


def search_backend() -> SearchBackend:
    """The configured backend for the default database (`RATHAUS_SEARCH_BACKEND`)."""
    key = settings.RATHAUS_SEARCH_BACKEND
    if key == "auto":
        if connection.vendor not in _AUTO:
            raise ImproperlyConfigured(f"No catalogue search backend for {connection.vendor}.")
        key = _AUTO[connection.vendor]
    try:
        backend_class = search_backends.get(key)
    except KeyError as exc:
        raise ImproperlyConfigured(f"RATHAUS_SEARCH_BACKEND: {exc.args[0]}") from None
    if connection.vendor not in backend_class.vendors:
        raise ImproperlyConfigured(
            f"RATHAUS_SEARCH_BACKEND={key!r} does not work on {connection.vendor}."
        )
    return backend_class()


def search_index_update(*, services: Iterable[Service]) -> None:
    """Bring the search index up to date for `services` in the current transaction.

    Reads the services afresh (with their life situations); ids that no longer exist lose
    their index documents.
    """
    service_ids = {service.pk for service in services}
    if not service_ids:
        return
    fresh = Service.objects.filter(pk__in=service_ids).prefetch_related("life_situations")
    search_backend().index_replace(service_ids=service_ids, documents=service_documents(fresh))


@transaction.atomic
def search_index_rebuild() -> int:
    """Index every service from scratch; returns how many services were indexed."""
    backend = search_backend()
    backend.index_clear()
    ids = list(Service.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), _REBUILD_BATCH):
        batch = ids[start : start + _REBUILD_BATCH]
        services = Service.objects.filter(pk__in=batch).prefetch_related("life_situations")
        backend.index_replace(service_ids=batch, documents=service_documents(services))
    return len(ids)


def _search_language(
    backend: SearchBackend,
    *,
    query: str,
    language: str,
    service_ids: Collection[UUID] | None,
    limit: int,
) -> list[SearchHit]:
    parsed = query_parse(text=query, language=language)
    if not parsed.groups:
        return []
    candidates = backend.candidates(query=parsed, service_ids=service_ids)
    if not candidates.documents:
        return []
    return rank(
        query=parsed,
        documents=candidates.documents,
        statistics=candidates.statistics,
        limit=limit,
        boosts=_search_boosts(document.service_id for document in candidates.documents),
    )


def _search_boosts(service_ids: Iterable[UUID]) -> dict[UUID, int]:
    """The search boosts of those of `service_ids` that have one (read from the catalogue,
    not the index, so that both backends rank with the same values)."""
    return dict(
        Service.objects.filter(pk__in=set(service_ids), search_boost__gt=0).values_list(
            "pk", "search_boost"
        )
    )


def search_services(
    *,
    query: str,
    service_ids: set[UUID] | None = None,
    language: str = DEFAULT_LANGUAGE,
    limit: int = 20,
) -> list[SearchHit]:
    """Services matching `query`, best first, at most `limit`, only `service_ids` if given.

    `language` ("de", "en"; others count as German) picks stemming and synonyms. Any input
    is safe: operators and quotes are plain text, and a query without words finds nothing.
    """
    if limit <= 0 or (service_ids is not None and not service_ids):
        return []
    backend = search_backend()
    language = analyzer_for(language).language
    hits = _search_language(
        backend, query=query, language=language, service_ids=service_ids, limit=limit
    )
    if language != DEFAULT_LANGUAGE and len(hits) < limit:
        found = {hit.service_id for hit in hits}
        more = _search_language(
            backend,
            query=query,
            language=DEFAULT_LANGUAGE,
            service_ids=service_ids,
            limit=limit + len(found),
        )
        hits += [hit for hit in more if hit.service_id not in found][: limit - len(hits)]
    return hits
