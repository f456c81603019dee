"""What the records' search indexes and asks for: Snowball stems of German text, computed in
Python for both databases (rathaus.catalog.search.analysis folds, drops stop words and stems
exactly as the catalogue does), each stem once per document.

A query is a conjunction: every word must occur in the document (its metadata or its text).
A word ending in `*` also matches longer words with its stem as a prefix ("Hundest*")."""

from dataclasses import dataclass

from rathaus.catalog.search.analysis import analyzer_for

ANALYZER = analyzer_for("de")
# A document's text is cut to this many distinct stems (a PostgreSQL tsvector holds up to
# 1 MB; a long text rarely has more than 20,000 distinct words).
MAX_STEMS = 50_000
MAX_QUERY_CHARS = 300
MAX_QUERY_TERMS = 8
MIN_PREFIX_LENGTH = 3


def stems(*texts: str) -> list[str]:
    """The distinct stems of `texts`, in order of first occurrence, at most MAX_STEMS (each
    distinct word is stemmed once: a page of text repeats most of its words)."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in dict.fromkeys(ANALYZER.words(text)):
            seen.setdefault(ANALYZER.stem(word))
            if len(seen) >= MAX_STEMS:
                return list(seen)
    return list(seen)


@dataclass(frozen=True)
class QueryTerm:
    stem: str  # [a-z0-9]+ only: it reaches the databases' query syntax as a plain token
    prefix: bool


def query_terms(text: str) -> list[QueryTerm]:
    """The terms of what a clerk typed: operators and any syntax are plain text, only words
    survive; stop words are left out; `*` right after a word makes it a prefix."""
    terms: dict[str, QueryTerm] = {}
    for chunk in text[:MAX_QUERY_CHARS].split():
        prefix = chunk.endswith("*")
        words = ANALYZER.words(chunk)
        for position, word in enumerate(words):
            is_prefix = prefix and position == len(words) - 1 and len(word) >= MIN_PREFIX_LENGTH
            stem = ANALYZER.stem(word)  # "Hundesteuer*" still finds "Hundesteuern"
            key = f"{stem}*" if is_prefix else stem
            terms.setdefault(key, QueryTerm(stem, is_prefix))
    return list(terms.values())[:MAX_QUERY_TERMS]
