"""Text analysis shared by both search backends: folding, words, stop words, stems, queries.

Both backends index and search the output of this module, so they see the same words and
differ only in where the Snowball stemmer runs when matching (Python for SQLite, PostgreSQL's
`german` / `english` text search configuration for PostgreSQL); ranking.py ranks the stems
Python computed on both:

- folding: lower case, accents and umlauts removed (ä → a, ß → ss); in German also the
  spellings typed without umlaut keys (ae/oe/ue → a/o/u, except a u between vowels as in
  "Steuer" or after q as in "Quelle"), so "Führerschein", "Fuehrerschein" and
  "Fuhrerschein" are one word;
- words: runs of a–z and 0–9 only, so PostgreSQL's parser and this module split alike;
- stop words: PostgreSQL's lists (stopwords.py), dropped before either backend sees the text;
- stemming: Snowball 2.2 on both sides; words containing digits are not stemmed (PostgreSQL
  maps them to the `simple` dictionary).
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from rathaus.catalog.search import stopwords, synonyms

# Input beyond these bounds is cut, not refused: a search box must never fail.
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 100
# The last word of a query also matches as a prefix ("as you type") from this length on.
MIN_PREFIX_LENGTH = 3

_WORD = re.compile(r"[a-z0-9]+")
_DIGIT = re.compile(r"[0-9]")
# ae/oe/ue stand for ä/ö/ü, except where the u is a vowel of its own ("Steuer", "Quelle").
_GERMAN_DIGRAPH = re.compile(r"ae|oe|(?<![aeiouyq])ue")


def _fold_basic(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _fold_german(text: str) -> str:
    return _GERMAN_DIGRAPH.sub(lambda match: match.group()[0], _fold_basic(text))


_local = threading.local()


def _stemmer(algorithm: str) -> snowballstemmer.stemmer:
    # Snowball stemmer objects keep state while stemming: one per thread.
    stemmers: dict[str, snowballstemmer.stemmer] = _local.__dict__.setdefault("stemmers", {})
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return stemmers[algorithm]


@lru_cache(maxsize=65536)
def _stem(algorithm: str, word: str) -> str:
    if _DIGIT.search(word):
        return word
    return str(_stemmer(algorithm).stemWord(word)) or word


@dataclass(frozen=True)
class Analyzer:
    """How one language's text becomes words. `config` is both the Snowball algorithm and the
    PostgreSQL text search configuration of that name."""

    language: str
    config: str
    stopwords: frozenset[str]
    german_folding: bool

    def fold(self, text: str) -> str:
        """Lower case without accents (and, in German, without ae/oe/ue spellings)."""
        return _fold_german(text) if self.german_folding else _fold_basic(text)

    def tokens(self, text: str) -> list[str]:
        """All folded words of `text`, stop words included."""
        return [w for w in _WORD.findall(self.fold(text)) if len(w) <= MAX_WORD_LENGTH]

    def words(self, text: str) -> list[str]:
        """The folded words of `text` that are searched: stop words are left out."""
        return [w for w in self.tokens(text) if w not in self.stopwords]

    def stem(self, word: str) -> str:
        """The Snowball stem of a folded word (unchanged if it contains a digit)."""
        return _stem(self.config, word)


def _analyzer(language: str, config: str, words: list[str], german_folding: bool) -> Analyzer:
    analyzer = Analyzer(language, config, frozenset(), german_folding)
    folded = frozenset(analyzer.fold(word) for word in words)
    return Analyzer(language, config, folded, german_folding)


ANALYZERS: dict[str, Analyzer] = {
    "de": _analyzer("de", "german", stopwords.GERMAN, german_folding=True),
    "en": _analyzer("en", "english", stopwords.ENGLISH, german_folding=False),
}
DEFAULT_LANGUAGE = "de"

Phrase = tuple[str, ...]


def _synonym_table(analyzer: Analyzer, entries: dict[str, list[str]]) -> dict[str, list[Phrase]]:
    # Keyed by stem, so "Ummeldung", "Ummeldungen" and "ummelden" share one entry.
    table: dict[str, list[Phrase]] = {}
    for word, phrases in entries.items():
        for key in analyzer.words(word):
            expansions = table.setdefault(analyzer.stem(key), [])
            for phrase in phrases:
                words = tuple(analyzer.words(phrase))
                if words and words not in expansions:
                    expansions.append(words)
    return table


_SYNONYMS: dict[str, dict[str, list[Phrase]]] = {
    "de": _synonym_table(ANALYZERS["de"], synonyms.GERMAN),
    "en": _synonym_table(ANALYZERS["en"], synonyms.ENGLISH),
}


def analyzer_for(language: str) -> Analyzer:
    """The analyzer of `language` ("de", "en"); German for any other language."""
    return ANALYZERS.get(language[:2].lower(), ANALYZERS[DEFAULT_LANGUAGE])


@dataclass(frozen=True)
class Term:
    """One folded, unstemmed word; `prefix` also matches longer words starting with its stem."""

    word: str
    prefix: bool = False


@dataclass(frozen=True)
class QueryGroup:
    """What one query word asks for: any of the alternatives, each a set of terms that must
    all match (the word itself, or a synonym such as "Wohnsitz" for "Ummeldung")."""

    alternatives: tuple[tuple[Term, ...], ...]


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: the analyzer of its language and one group per query word."""

    analyzer: Analyzer
    groups: tuple[QueryGroup, ...]

    def terms(self) -> list[Term]:
        """Every distinct term of the query, in query order."""
        terms = (
            term for g in self.groups for alternative in g.alternatives for term in alternative
        )
        return list(dict.fromkeys(terms))


def query_parse(*, text: str, language: str) -> SearchQuery:
    """Turn what a citizen typed into query groups, with synonyms and an as-you-type prefix.

    Operators, quotes and any other syntax are plain text here: only words survive.
    """
    analyzer = analyzer_for(language)
    text = text[:MAX_QUERY_CHARS]
    tokens = analyzer.tokens(text)
    # The last word is still being typed unless the text ends after it (space, punctuation).
    typing = text[-1:].isalnum()
    table = _SYNONYMS[analyzer.language]
    groups: list[QueryGroup] = []
    seen: set[str] = set()
    for position, word in enumerate(tokens):
        last = position == len(tokens) - 1
        if word in analyzer.stopwords or word in seen:
            continue
        seen.add(word)
        prefix = last and typing and len(word) >= MIN_PREFIX_LENGTH
        alternatives: list[tuple[Term, ...]] = [(Term(word, prefix=prefix),)]
        if prefix:  # the whole word too, so "car" ranks cars above cards
            alternatives.append((Term(word),))
        for phrase in table.get(analyzer.stem(word), []):
            alternatives.append(tuple(Term(w) for w in phrase))
        groups.append(QueryGroup(tuple(alternatives)))
    return SearchQuery(analyzer=analyzer, groups=tuple(groups[:MAX_QUERY_WORDS]))
