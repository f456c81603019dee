"""The search backend interface and its registry.

A backend stores one index document per service and language. Asked a parsed query
(analysis.py), it finds the candidates — the documents that match any query group — and returns
them with the stemmed words of each field as stored, together with the statistics of all
documents of the query's language. It does not rank: ranking.py orders the candidates in
Python, identically whichever backend found them.
"""

from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from rathaus.catalog.search.analysis import SearchQuery, Term
from rathaus.core.registries import Registry

# The indexed fields, in index order; PostgreSQL labels them A, B, C, D.
FIELDS: tuple[str, ...] = ("name", "synonyms", "summary", "description")
# Relative weight of each field in the BM25F relevance (ranking.py).
FIELD_WEIGHTS: tuple[float, ...] = (1.0, 0.4, 0.2, 0.1)
# SQL (SQLite and PostgreSQL alike) for the number of stems in a stored field `{0}`: they are
# separated by single spaces, so this equals len(text.split()) in Python.
FIELD_WORDS_SQL = (
    "CASE WHEN {0} = '' THEN 0 ELSE length({0}) - length(replace({0}, ' ', '')) + 1 END"
)


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


@dataclass(frozen=True)
class StoredDocument:
    """A candidate as the index stores it: `fields` holds the Snowball stems of each field of
    FIELDS (of IndexDocument.texts, stemmed in Python), separated by single spaces."""

    service_id: UUID
    sort_key: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CollectionStatistics:
    """What BM25 needs to know about all documents of one language: how many there are, how
    many words each field has in total, and in how many documents each query term occurs."""

    documents: int
    field_words: tuple[int, ...]
    document_frequencies: Mapping[Term, int]


@dataclass(frozen=True)
class Candidates:
    """What a backend finds for a query: the matching documents and the statistics."""

    documents: list[StoredDocument]
    statistics: CollectionStatistics

    @classmethod
    def none(cls) -> "Candidates":
        """No candidates (the statistics are not needed then)."""
        return cls([], CollectionStatistics(0, (0,) * len(FIELDS), {}))

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[Any]], terms: Sequence[Term]) -> "Candidates":
        """Candidates from database rows of (service_id, sort_key, *fields, documents,
        *field words, *document frequencies of `terms`): the statistics repeat in each row."""
        if not rows:
            return cls.none()
        n = len(FIELDS)
        documents = [
            StoredDocument(
                row[0] if isinstance(row[0], UUID) else UUID(hex=row[0]),
                row[1],
                tuple(row[2 : 2 + n]),
            )
            for row in rows
        ]
        stats = [int(value) for value in rows[0][2 + n :]]
        statistics = CollectionStatistics(
            documents=stats[0],
            field_words=tuple(stats[1 : 1 + n]),
            document_frequencies=dict(zip(terms, stats[1 + n :], strict=True)),
        )
        return cls(documents, statistics)


class SearchBackend(ABC):
    """Stores index documents and finds candidates; one implementation per database vendor."""

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
    def candidates(self, *, query: SearchQuery, service_ids: Collection[UUID] | None) -> Candidates:
        """Documents in the query's language that match any group of `query` (only those of
        `service_ids` if given), and the statistics of all documents of that language, with
        the document frequency of every term of `query`. One database query."""


search_backends: Registry[type[SearchBackend]] = Registry("catalogue search backends")
