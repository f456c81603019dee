"""The search backend interface and its registry.

A backend stores one index document per service and language and answers parsed queries
(analysis.py) with hits, best first. Both implementations receive the same analysed words;
they differ in where the Snowball stemmer runs and how the score is computed (bm25 on SQLite
FTS5, ts_rank_cd on PostgreSQL), with the same field weights and the same tie-break (the
folded name, then the id), so they return the same top results.
"""

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from rathaus.catalog.search.analysis import SearchQuery
from rathaus.core.registries import Registry

# Relative weight of each indexed field, in index order; PostgreSQL calls them A, B, C, D.
FIELDS: tuple[str, ...] = ("name", "synonyms", "summary", "description")
FIELD_WEIGHTS: tuple[float, ...] = (1.0, 0.4, 0.2, 0.1)
# Hits are ordered by
# 1. coverage: how many query groups they match (when any group may match, else all do);
# 2. tier: the fewest leading fields the query matches in: the name alone, then name and
#    synonyms, then also the summary, then anywhere;
# 3. rank: bm25 or ts_rank_cd, which weigh term frequency and length differently;
# 4. the folded name, then the id.
# Both backends decide 1 and 2 identically, so the backend's own rank only orders hits that
# are alike in both.
FIELD_TIERS: tuple[int, ...] = (1, 2, 3)


def hit_score(*, coverage: int, tier: int, rank: float) -> float:
    """One number that orders like (coverage, tier, rank)."""
    rank = max(rank, 0.0)
    tiers = len(FIELD_TIERS) + 1
    return float(coverage * tiers + (tiers - 1 - tier)) + rank / (1.0 + rank)


@dataclass(frozen=True)
class SearchHit:
    """One matching service. `score`: higher is better; comparable within one result list."""

    service_id: UUID
    score: float


@dataclass(frozen=True)
class IndexDocument:
    """What is indexed for one service in one language.

    `texts` holds the analysed words of each field of FIELDS (folded, stop words removed,
    not stemmed), separated by spaces. `sort_key` orders equally scored hits.
    """

    service_id: UUID
    language: str
    sort_key: str
    texts: tuple[str, ...]


class SearchBackend(ABC):
    """Stores index documents and answers queries; one implementation per database vendor."""

    #: Database vendors (`connection.vendor`) this backend works on.
    vendors: ClassVar[frozenset[str]]

    @abstractmethod
    def index_replace(
        self, *, service_ids: Collection[UUID], documents: Sequence[IndexDocument]
    ) -> None:
        """Drop every document of `service_ids`, then store `documents`."""

    @abstractmethod
    def index_clear(self) -> None:
        """Drop every document."""

    @abstractmethod
    def search(
        self,
        *,
        query: SearchQuery,
        match_all: bool,
        service_ids: Collection[UUID] | None,
        limit: int,
    ) -> list[SearchHit]:
        """Services whose document in the query's language matches `query`, best first.

        `match_all`: every query group must match (else any). `service_ids`: only these.
        """


search_backends: Registry[type[SearchBackend]] = Registry("catalogue search backends")
