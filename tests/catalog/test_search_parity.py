"""Both search backends must see the same words: folding and queries (any database), and on
PostgreSQL that Python's Snowball stems and stop words equal the server's `german`/`english`
configurations for the whole test vocabulary."""

import re

import pytest
from django.db import connection

from rathaus.catalog.search import stopwords
from rathaus.catalog.search.analysis import ANALYZERS, analyzer_for, query_parse
from rathaus.catalog.search.postgresql import tsquery_text
from rathaus.catalog.search.sqlite_fts5 import match_expression
from tests.catalog.test_search import CATALOGUE, LIFE_SITUATIONS

# Words where stemmers and spellings are known to diverge: umlauts and their ae/oe/ue
# spellings, ß, -erin/-innen, -et, -ln, words with digits.
TRICKY = """
    Bürgerinnen Bürger Ärztin Ärzte Aerzte Bäume Baeume Fuehrerschein Führerscheine Straße
    Strasse Grüße Füße Maß Gebühren Gebuehren Steuer Steuern Feuer Bauer Bauern Quelle Quellen
    aktuell aktuelle neue Paket Pakete bietet meldet gemeldet Budget Internet Planet Systeme
    System Mitteln Regeln Lehrerin Lehrerinnen Sachbearbeiterin Eigentümerinnen zuerst Michael
    Übung Öffnungszeiten Ölheizung Änderung Mauer eueren B-Plan A1 2024 1e5 0x10 abc123 123abc
    § 3a Kfz-Zulassung E-Mail registering registration residence dogs licences cities
"""


def vocabulary(language: str) -> list[str]:
    analyzer = ANALYZERS[language]
    texts = [TRICKY, *(name for pair in LIFE_SITUATIONS.values() for name in pair)]
    for entry in CATALOGUE.values():
        texts += [*entry["de"], *entry["en"], entry["synonyms"], entry["keywords"]]
    return sorted({word for text in texts for word in analyzer.words(text)})


# --- Analysis (any database) -----------------------------------------------------------------


def test_german_folding_merges_spellings_but_keeps_real_vowel_pairs() -> None:
    german = analyzer_for("de")
    assert {german.fold(w) for w in ["Führerschein", "Fuehrerschein", "Fuhrerschein"]} == {
        "fuhrerschein"
    }
    assert german.fold("Straße") == german.fold("STRASSE") == "strasse"
    # A u between vowels or after q is a vowel of its own, not an ü.
    assert german.words("Steuer Quelle Bauer neue") == ["steuer", "quelle", "bauer", "neue"]
    # English keeps ue ("queue", "value") but drops accents.
    assert analyzer_for("en").words("Café value") == ["cafe", "value"]


def test_words_are_plain_tokens_without_stop_words() -> None:
    german = analyzer_for("de")
    assert german.words("Ein Antrag für die Kfz-Zulassung (§ 3a)!") == [
        "antrag",
        "kfz",
        "zulassung",
        "3a",
    ]
    assert german.stem("zulassung") == "zulass"
    assert german.stem("3a") == "3a"  # words with digits are not stemmed, as in PostgreSQL


def test_query_groups_synonyms_and_prefix() -> None:
    query = query_parse(text="Ummeldung Hund anm", language="de")
    assert [[[t.word for t in alt] for alt in g.alternatives] for g in query.groups] == [
        [["ummeldung"], ["wohnsitz", "anmelden"]],
        [["hund"]],
        [["anm"], ["anm"]],  # as a prefix and as a whole word, which then counts twice
    ]
    assert [g.alternatives[0][0].prefix for g in query.groups] == [False, False, True]
    assert match_expression(query, match_all=True) == (
        '(("ummeld") OR ("wohnsitz" AND "anmeld")) AND (("hund")) AND (("anm"*) OR ("anm"))'
    )
    assert tsquery_text(query, match_all=False) == (
        "((ummeldung) | (wohnsitz & anmelden)) | ((hund)) | ((anm:*) | (anm))"
    )
    # Every distinct term once, in query order: what the backends count documents for.
    assert [(t.word, t.prefix) for t in query.terms()] == [
        ("ummeldung", False),
        ("wohnsitz", False),
        ("anmelden", False),
        ("hund", False),
        ("anm", True),
        ("anm", False),
    ]


def test_query_text_is_bounded() -> None:
    query = query_parse(text=" ".join(f"wort{i}" for i in range(100)), language="de")
    assert len(query.groups) == 8
    assert query_parse(text="x" * 1000, language="de").groups == ()  # one over-long word


# --- PostgreSQL: the server's dictionaries agree with Python ---------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares with PostgreSQL's text search"
)


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"), [("de", stopwords.GERMAN), ("en", stopwords.ENGLISH)]
)
def test_stop_words_equal_postgresql(language: str, words: list[str]) -> None:
    config = analyzer_for(language).config
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector(%s::regconfig, w) <> ''",
            [words, config],
        )
        assert cursor.fetchall() == []
        # And PostgreSQL drops nothing of the vocabulary that Python keeps.
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector(%s::regconfig, w) = ''",
            [vocabulary(language), config],
        )
        assert cursor.fetchall() == []


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_stems_equal_postgresql(language: str) -> None:
    analyzer = analyzer_for(language)
    words = vocabulary(language)
    assert len(words) > 150
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, tsvector_to_array(to_tsvector(%s::regconfig, w))"
            " FROM unnest(%s::text[]) AS w",
            [analyzer.config, words],
        )
        server = dict(cursor.fetchall())
    python = {word: [analyzer.stem(word)] for word in words}
    assert {w: server[w] for w in words if server[w] != python[w]} == {}


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ummeldung Hunde anmelden", "de"),
        ("Knöllchen bezahlen", "de"),
        ("Fuehrerscheine umtauschen", "de"),
        ("Bürgerinnen", "de"),
        ("registering dogs", "en"),
        ("car licen", "en"),
    ],
)
def test_query_lexemes_equal_postgresql(text: str, language: str) -> None:
    query = query_parse(text=text, language=language)
    fts5 = set(re.findall(r'"([a-z0-9]+)"(\*?)', match_expression(query, match_all=True)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsquery(%s::regconfig, %s)::text",
            [query.analyzer.config, tsquery_text(query, match_all=True)],
        )
        server = cursor.fetchone()[0]
    postgres = {
        (lexeme, "*" if prefix else "")
        for lexeme, prefix in re.findall(r"'([a-z0-9]+)'(:\*)?", server)
    }
    assert fts5 == postgres
