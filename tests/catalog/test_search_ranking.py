"""The shared ranking (rathaus.catalog.search.ranking) on hand-made index documents, without a
database: BM25F over stored stems, coverage and tiers, the tie-break, and that the result does
not depend on how a backend delivers the candidates.

`reference_candidates` is a pure-Python stand-in for a backend (matching and statistics over
a list of stored documents); test_search_demo.py compares the real backends with it."""

import random
from collections.abc import Sequence
from uuid import NAMESPACE_URL, UUID, uuid5

from rathaus.catalog.search.analysis import SearchQuery, query_parse
from rathaus.catalog.search.base import FIELDS, Candidates, CollectionStatistics, StoredDocument
from rathaus.catalog.search.ranking import inverse_document_frequency, rank, term_matches


def reference_candidates(query: SearchQuery, documents: Sequence[StoredDocument]) -> Candidates:
    """What a backend must return for `query` over `documents`, computed in plain Python."""

    def contains(document: StoredDocument, term_index: int) -> bool:
        term = terms[term_index]
        stem = query.analyzer.stem(term.word)
        return any(
            term_matches(stem=stem, prefix=term.prefix, word=word)
            for field in document.fields
            for word in field.split()
        )

    terms = query.terms()
    if not terms:
        return Candidates.none()
    present = {
        document.service_id: {i for i in range(len(terms)) if contains(document, i)}
        for document in documents
    }
    candidates = [
        document
        for document in documents
        if any(
            all(terms.index(term) in present[document.service_id] for term in alternative)
            for group in query.groups
            for alternative in group.alternatives
        )
    ]
    if not candidates:
        return Candidates.none()
    statistics = CollectionStatistics(
        documents=len(documents),
        field_words=tuple(
            sum(len(document.fields[i].split()) for document in documents)
            for i in range(len(FIELDS))
        ),
        document_frequencies={
            term: sum(1 for document in documents if i in present[document.service_id])
            for i, term in enumerate(terms)
        },
    )
    return Candidates(candidates, statistics)


def document(
    name: str, synonyms: str = "", summary: str = "", description: str = "", *, key: str = ""
) -> StoredDocument:
    """A stored document from stems; `key` (default: the name) is the tie-break sort key."""
    fields = (name, synonyms, summary, description)
    return StoredDocument(uuid5(NAMESPACE_URL, "|".join(fields)), key or name, fields)


# Unrelated services, so the collection statistics look like a catalogue's.
FILLER = [
    document("gewerb anmeld", "firma", "gewerb beginnt", "gewerbeamt informiert finanzamt"),
    document("wohnsitz anmeld", "umzug", "neu wohnung", "meldebehord wohnungsgeberbestat"),
    document("reisepass beantrag", "pass", "reis ausland", "bundesdruckerei bearbeit woch"),
    document("wohngeld beantrag", "miet", "zuschuss miet", "einkomm haushalt"),
    document("kita platz beantrag", "kindergart", "betreu kind", "anmeld jugendamt"),
]


def ranked(
    text: str, documents: Sequence[StoredDocument], language: str = "de"
) -> list[tuple[str, float]]:
    """(name, score) of the hits for `text`, best first."""
    query = query_parse(text=text, language=language)
    found = reference_candidates(query, [*documents, *FILLER])
    hits = rank(query=query, documents=found.documents, statistics=found.statistics, limit=100)
    names = {d.service_id: d.fields[0] for d in [*documents, *FILLER]}
    return [(names[hit.service_id], hit.score) for hit in hits]


def names(hits: list[tuple[str, float]]) -> list[str]:
    return [name for name, _ in hits]


def test_name_match_beats_description_match() -> None:
    in_description = document("steu bescheid", description="hund hund hund", key="a")
    in_name = document("hund anmeld", key="b")
    hits = ranked("Hund ", [in_description, in_name])
    assert names(hits) == ["hund anmeld", "steu bescheid"]
    assert hits[0][1] > hits[1][1] > 0


def test_field_weights_order_matches_in_the_same_tier() -> None:
    # Both need the description for "Marke" (same tier); "Hund" is in the name of one and in
    # the summary of the other: the name weighs more, whatever the names say alphabetically.
    name = document("hund abmeld", description="mark", key="z")
    summary = document("steu abmeld", summary="hund", description="mark", key="a")
    hits = ranked("Hund Marke ", [summary, name])
    assert names(hits) == ["hund abmeld", "steu abmeld"]
    assert hits[0][1] > hits[1][1]


def test_more_matching_query_words_beat_fewer() -> None:
    # No document has all three words, so any may match; two words beat one, even though the
    # one is in a name and the two only in a description.
    two = document("antrag", description="hund steu", key="z")
    one = document("hund", key="a")
    hits = ranked("Hund Steuer Katze ", [one, two])
    assert names(hits) == ["antrag", "hund"]
    assert hits[0][1] > hits[1][1]
    # Once a document has every word, only such documents are listed.
    all_three = document("katz", description="hund steu", key="m")
    assert names(ranked("Hund Steuer Katze ", [one, two, all_three])) == ["katz"]


def test_shorter_field_beats_longer_field_at_equal_term_frequency() -> None:
    long = document("hund anmeld gebuhr bescheid", key="a")
    short = document("hund anmeld", key="z")
    hits = ranked("Hund ", [long, short])
    assert names(hits) == ["hund anmeld", "hund anmeld gebuhr bescheid"]
    assert hits[0][1] > hits[1][1]


def test_more_occurrences_beat_fewer_at_equal_length() -> None:
    once = document("hund steu", description="hund mark bescheid antrag", key="a")
    twice = document("hund mark", description="hund steu hund antrag", key="z")
    hits = ranked("Hund ", [once, twice])
    assert names(hits) == ["hund mark", "hund steu"]
    assert hits[0][1] > hits[1][1]


def test_rarer_word_counts_more() -> None:
    # "Wohnung" is in a filler document as well; "Hund" only here.
    dog = document("hund", key="z")
    flat = document("wohnung", key="a")
    hits = ranked("Hund Wohnung ", [dog, flat])
    assert names(hits) == ["hund", "wohnung", "wohnsitz anmeld"]
    assert inverse_document_frequency(documents=7, frequency=1) > inverse_document_frequency(
        documents=7, frequency=3
    )


def test_whole_word_beats_a_longer_word_while_typing() -> None:
    # "Hund" as typed (no space yet) also matches "hundemark" as a prefix; the whole word wins.
    longer = document("hundemark", key="a")
    whole = document("hund", key="z")
    assert names(ranked("Hund", [longer, whole])) == ["hund", "hundemark"]
    assert names(ranked("Hund ", [longer, whole])) == ["hund"]


def test_query_synonym_phrase_finds_and_counts_like_a_word() -> None:
    # "Ummeldung" also finds "Wohnsitz anmelden" (both words needed). The phrase counts as
    # much as one word, by the mean weight of its words; "anmelden" is common, so the
    # document with the rarer word itself comes first.
    word = document("ummeld", key="z")
    half = document("wohnsitz abmeld", key="a")  # only one word of the phrase
    hits = ranked("Ummeldung ", [word, half])
    assert names(hits) == ["ummeld", "wohnsitz anmeld"]


def test_ties_are_broken_by_name_then_id() -> None:
    def twin(number: int, key: str) -> StoredDocument:
        return StoredDocument(UUID(int=number), key, ("hund anmeld", "", "", ""))

    query = query_parse(text="Hund ", language="de")
    twins = [twin(4, "hund anmelden b"), twin(3, "hund anmelden a"), twin(2, "hund anmelden a")]
    found = reference_candidates(query, [*twins, *FILLER])
    hits = rank(query=query, documents=found.documents, statistics=found.statistics, limit=9)
    assert [hit.service_id.int for hit in hits] == [2, 3, 4]
    assert len({hit.score for hit in hits}) == 1


def test_candidate_order_does_not_matter() -> None:
    # Backends return candidates in any order; the ranking (and every score) is the same.
    query = query_parse(text="Hund Steuer anmelden Katze", language="de")  # no "Katze": any
    documents = [
        document("hund anmeld", "hundesteu", "steu", "hund anmeld steu"),
        document("hund abmeld", "hundesteu hund", "hund", "steu end"),
        document("steu bescheid", description="hund"),
        *FILLER,
    ]
    found = reference_candidates(query, documents)
    expected = rank(query=query, documents=found.documents, statistics=found.statistics, limit=9)
    assert len(expected) > 3
    shuffled = list(found.documents)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert (
            rank(query=query, documents=shuffled, statistics=found.statistics, limit=9) == expected
        )


def test_limit_and_no_candidates() -> None:
    query = query_parse(text="anmelden", language="de")
    found = reference_candidates(query, FILLER)
    assert (
        len(rank(query=query, documents=found.documents, statistics=found.statistics, limit=9)) == 3
    )
    assert (
        len(rank(query=query, documents=found.documents, statistics=found.statistics, limit=2)) == 2
    )
    nothing = Candidates.none()
    assert (
        rank(query=query, documents=nothing.documents, statistics=nothing.statistics, limit=9) == []
    )


def test_search_boost_orders_equal_matches_but_never_lifts_a_worse_tier() -> None:
    # As in the demo data: by text alone the deregistration wins by a hair (its keywords
    # repeat "Hund"); the registration's search boost puts it first.
    register = document("hund anmeld", "hund welp", "hund halt", key="a")
    deregister = document("hund abmeld", "hund verstorb hund abgegeb", "hund stirbt", key="b")
    query = query_parse(text="Hund", language="de")
    found = reference_candidates(query, [register, deregister, *FILLER])

    def order(boosts: dict[UUID, int]) -> list[str]:
        hits = rank(
            query=query,
            documents=found.documents,
            statistics=found.statistics,
            limit=9,
            boosts=boosts,
        )
        return [
            next(d.fields[0] for d in found.documents if d.service_id == h.service_id) for h in hits
        ]

    assert order({}) == ["hund abmeld", "hund anmeld"]
    assert order({register.service_id: 1}) == ["hund anmeld", "hund abmeld"]
    # A boosted match in the description stays below any match in a name.
    in_description = document("steu bescheid", description="hund", key="c")
    found = reference_candidates(query, [register, in_description, *FILLER])
    assert order({in_description.service_id: 10}) == ["hund anmeld", "steu bescheid"]
