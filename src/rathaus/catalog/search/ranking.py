"""Relevance ranking shared by both search backends: BM25F over the stored Snowball stems.

A backend only finds the candidates (FTS5 MATCH, tsquery @@) and reads, for each, the stemmed
words of its fields as stored in the index, plus the collection statistics of its language.
Everything that orders the hits is computed here, in Python, from those texts, so both
backends rank identically by construction — same order, same scores.

Hits are ordered by
1. coverage: how many query groups (query words) the document matches;
2. tier: how few leading fields hold all of them: the name alone, then name and synonyms,
   then also the summary, then anywhere;
3. relevance: BM25F (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
   Beyond", 2009): per term, the field-weighted and length-normalised term frequencies are
   summed before they are saturated, and weighed by the term's inverse document frequency;
   times the service's editorial search boost (1 + BOOST_STEP × boost, a query-independent
   prior in the sense of BM25's static features). Text alone cannot tell "Hund anmelden" from
   "Hund abmelden" for the query "Hund" — the two differ in how editors phrased their keywords
   — while far more people look for the first; the catalogue says so with a boost;
4. the folded name, then the id.

A query first has to match with all its groups; when no candidate does, with any of them.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from rathaus.catalog.search.analysis import SearchQuery, Term
from rathaus.catalog.search.base import (
    FIELD_WEIGHTS,
    FIELDS,
    CollectionStatistics,
    SearchHit,
    StoredDocument,
)

# BM25 saturation: how quickly more occurrences of a term stop adding to its weight.
K1 = 1.2
# BM25 length normalisation per field (0: none, 1: full): a word in a short field says more
# about the service than the same word in a long one.
B: tuple[float, ...] = (0.75, 0.75, 0.75, 0.75)
# The number of tiers: as many as fields.
TIERS = len(FIELDS)
# How much one step of a service's search boost (0–10) multiplies its relevance.
BOOST_STEP = 0.1


def term_matches(*, stem: str, prefix: bool, word: str) -> bool:
    """Whether the stored stem `word` matches a query term with stem `stem` (as a prefix if
    `prefix`) — as FTS5's `"stem"*` and PostgreSQL's `:*` match."""
    return word.startswith(stem) if prefix else word == stem


def hit_score(*, coverage: int, tier: int, relevance: float) -> float:
    """One number that orders like (coverage, -tier, relevance); higher is better."""
    relevance = max(relevance, 0.0)
    return float(coverage * TIERS + (TIERS - 1 - tier)) + relevance / (1.0 + relevance)


def inverse_document_frequency(*, documents: int, frequency: int) -> float:
    """BM25's idf, which stays positive even for a term in every document."""
    return math.log(1.0 + (documents - frequency + 0.5) / (frequency + 0.5))


@dataclass(frozen=True)
class _Match:
    """How one document matches a query: per group the fewest leading fields it needs
    (None: no match), and the BM25F relevance."""

    fields_needed: tuple[int | None, ...]
    relevance: float

    def boosted(self, boost: int) -> "_Match":
        """This match with its relevance multiplied by the service's search boost."""
        if not boost:
            return self
        return _Match(self.fields_needed, self.relevance * (1.0 + BOOST_STEP * boost))

    @property
    def coverage(self) -> int:
        return sum(1 for needed in self.fields_needed if needed is not None)

    @property
    def tier(self) -> int:
        return max((n for n in self.fields_needed if n is not None), default=TIERS) - 1


class _Scorer:
    """Scores documents against one query with one collection's statistics."""

    def __init__(self, query: SearchQuery, statistics: CollectionStatistics) -> None:
        self.query = query
        self.terms = query.terms()
        self.stems = {term: query.analyzer.stem(term.word) for term in self.terms}
        documents = max(statistics.documents, 1)
        self.average_lengths = tuple(total / documents for total in statistics.field_words)
        self.idf = {
            term: inverse_document_frequency(
                documents=statistics.documents,
                frequency=statistics.document_frequencies.get(term, 0),
            )
            for term in self.terms
        }

    def _frequencies(self, fields: Sequence[Counter[str]]) -> dict[Term, tuple[int, ...]]:
        """How often each term occurs in each field (as a prefix: words it begins)."""
        frequencies = {}
        for term in self.terms:
            stem = self.stems[term]
            if term.prefix:
                frequencies[term] = tuple(
                    sum(
                        n
                        for word, n in words.items()
                        if term_matches(stem=stem, prefix=True, word=word)
                    )
                    for words in fields
                )
            else:
                frequencies[term] = tuple(words[stem] for words in fields)
        return frequencies

    def _weight(self, frequencies: tuple[int, ...], lengths: tuple[int, ...]) -> float:
        """The saturated, field-weighted term frequency of one term in one document."""
        pseudo_frequency = 0.0
        for frequency, length, average, weight, b in zip(
            frequencies, lengths, self.average_lengths, FIELD_WEIGHTS, B, strict=True
        ):
            if frequency:
                pseudo_frequency += weight * frequency / (1.0 - b + b * length / average)
        return pseudo_frequency / (K1 + pseudo_frequency)

    def match(self, document: StoredDocument) -> _Match:
        fields = [Counter(text.split()) for text in document.fields]
        lengths = tuple(words.total() for words in fields)
        frequencies = self._frequencies(fields)
        # The first field (1-based) each term occurs in; len(FIELDS) + 1 if it does not.
        first_field = {
            term: next((i + 1 for i, tf in enumerate(counts) if tf), len(FIELDS) + 1)
            for term, counts in frequencies.items()
        }
        needed: list[int | None] = []
        relevance = 0.0
        for group in self.query.groups:
            group_needed: int | None = None
            for alternative in group.alternatives:
                alternative_needed = max(first_field[term] for term in alternative)
                if alternative_needed > len(FIELDS):
                    continue
                if group_needed is None or alternative_needed < group_needed:
                    group_needed = alternative_needed
                # Every way the query word is found adds evidence: the word itself (and,
                # while typing, words it begins), and each synonym. A phrase counts as much
                # as one word.
                relevance += sum(
                    self.idf[term] * self._weight(frequencies[term], lengths)
                    for term in alternative
                ) / len(alternative)
            needed.append(group_needed)
        return _Match(tuple(needed), relevance)


def rank(
    *,
    query: SearchQuery,
    documents: Iterable[StoredDocument],
    statistics: CollectionStatistics,
    limit: int,
    boosts: Mapping[UUID, int] | None = None,
) -> list[SearchHit]:
    """The best `limit` of `documents` for `query`, best first.

    `documents` are the candidates a backend found (any of them may match any query group);
    `statistics` describe all documents of the query's language; `boosts` the services'
    search boosts (absent: 0). A boost reorders hits of equal coverage and tier only.
    """
    scorer = _Scorer(query, statistics)
    boosts = boosts or {}
    matches = [
        (document, scorer.match(document).boosted(boosts.get(document.service_id, 0)))
        for document in documents
    ]
    matches = [(document, match) for document, match in matches if match.coverage]
    if any(match.coverage == len(query.groups) for _, match in matches):
        matches = [(d, m) for d, m in matches if m.coverage == len(query.groups)]
    matches.sort(
        key=lambda item: (
            -item[1].coverage,
            item[1].tier,
            -item[1].relevance,
            item[0].sort_key,
            item[0].service_id,
        )
    )
    return [
        SearchHit(
            document.service_id,
            hit_score(coverage=match.coverage, tier=match.tier, relevance=match.relevance),
        )
        for document, match in matches[:limit]
    ]
