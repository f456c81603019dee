"""Catalogue search on the demo data, on SQLite (FTS5) and PostgreSQL (full-text search) alike.

The backends only find candidates and read statistics; ranking.py orders them. So the same
table of queries → top results holds on both databases, and the backends are checked against a
pure-Python reference over the same stored documents: the same candidates, the same statistics,
hence the same order with the same scores.

"Hund" lists "Hund anmelden" first although, by text alone, "Hund abmelden" wins by a hair
(both names and tiers tie, and the deregistration's keywords repeat "Hund" more often): the
catalogue gives the registration a search boost of 1 (ranking.py), which also lifts it to
second place for "Anmeldung".
"""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from django.db import connection, transaction

from rathaus.catalog import selectors
from rathaus.catalog.models import Service
from rathaus.catalog.search import search_backend, search_services
from rathaus.catalog.search.analysis import analyzer_for, query_parse
from rathaus.catalog.search.base import StoredDocument
from rathaus.catalog.search.documents import service_documents
from rathaus.catalog.search.ranking import rank
from rathaus.demo.loader import demo_load
from rathaus.municipalities.models import Municipality
from tests.catalog.test_search_ranking import reference_candidates

# query, language → the expected first three results (all results when fewer), in order.
DEMO_RELEVANCE: list[tuple[str, str, list[str]]] = [
    # Stemming, compounds and service names
    ("Hund", "de", ["hund-anmelden", "hund-abmelden"]),
    ("Hunde", "de", ["hund-anmelden", "hund-abmelden"]),
    ("Hunde ", "de", ["hund-anmelden", "hund-abmelden"]),
    ("Hund anmelden", "de", ["hund-anmelden"]),
    ("Hund abmelden", "de", ["hund-abmelden"]),
    ("Hundesteuer", "de", ["hund-anmelden", "hund-abmelden"]),
    ("Hundemarke", "de", ["hund-abmelden", "hund-anmelden"]),
    ("Anmeldung", "de", ["wohnsitz-anmelden", "hund-anmelden", "eheschliessung-anmelden"]),
    ("Abmeldung", "de", ["wohnsitz-abmelden", "gewerbe-abmelden", "hund-abmelden"]),
    ("Wohnsitz", "de", ["wohnsitz-abmelden", "wohnsitz-anmelden", "meldebescheinigung"]),
    ("Meldebescheinigung", "de", ["meldebescheinigung", "wohnsitz-anmelden"]),
    ("Personalausweis", "de", ["personalausweis-beantragen", "wohnsitz-anmelden"]),
    ("Personalausweis beantragen", "de", ["personalausweis-beantragen"]),
    ("Reisepass", "de", ["reisepass-beantragen", "personalausweis-beantragen"]),
    ("Ausweis", "de", ["personalausweis-beantragen", "reisepass-beantragen", "fuehrungszeugnis"]),
    ("Führungszeugnis", "de", ["fuehrungszeugnis"]),
    ("Führungszeugnis beantragen", "de", ["fuehrungszeugnis"]),
    ("Geburtsurkunde", "de", ["geburtsurkunde"]),
    ("Urkunde", "de", ["geburtsurkunde"]),
    ("Geburt", "de", ["geburtsurkunde", "elterngeld", "kita-platz"]),
    ("Gewerbe", "de", ["gewerbe-anmelden", "gewerbe-abmelden"]),
    ("Gewerbe anmelden", "de", ["gewerbe-anmelden"]),
    (
        "Fahrzeug",
        "de",
        ["fahrzeug-ausser-betrieb-setzen", "fahrzeug-zulassen", "bewohnerparkausweis"],
    ),
    ("Zulassung", "de", ["fahrzeug-zulassen", "fahrzeug-ausser-betrieb-setzen"]),
    ("Auto anmelden", "de", ["fahrzeug-zulassen"]),
    ("Auto abmelden", "de", ["fahrzeug-ausser-betrieb-setzen"]),
    ("Kennzeichen", "de", ["fahrzeug-zulassen"]),
    ("Parkausweis", "de", ["bewohnerparkausweis"]),
    ("Wohngeld", "de", ["wohngeld"]),
    ("Elterngeld", "de", ["elterngeld", "geburtsurkunde"]),
    ("Baugenehmigung", "de", ["baugenehmigung"]),
    ("Grundsteuer", "de", ["grundsteuer-auskunft"]),
    ("Steuer", "de", ["grundsteuer-auskunft", "hund-anmelden", "fahrzeug-ausser-betrieb-setzen"]),
    ("Straßenfest", "de", ["veranstaltung-anzeigen"]),
    # Umlauts, ß and their spellings
    ("Führerschein", "de", ["fuehrerschein-umtauschen"]),
    ("Fuehrerschein", "de", ["fuehrerschein-umtauschen"]),
    ("Sperrmüll", "de", ["sperrmuell-anmelden"]),
    ("Sperrmuell", "de", ["sperrmuell-anmelden"]),
    ("Lärm", "de", ["laermbelaestigung-melden"]),
    ("Fundbüro", "de", ["fundsache-melden"]),
    # Synonyms (the query dictionary and the services' own synonyms)
    ("KFZ", "de", ["fahrzeug-zulassen", "fahrzeug-ausser-betrieb-setzen", "bewohnerparkausweis"]),
    ("Kfz zulassen", "de", ["fahrzeug-zulassen", "fahrzeug-ausser-betrieb-setzen"]),
    ("Nummernschild", "de", ["fahrzeug-zulassen"]),
    ("Gewerbeschein", "de", ["gewerbe-anmelden", "gewerbe-abmelden"]),
    ("Ummeldung", "de", ["wohnsitz-anmelden", "fahrzeug-zulassen", "wohnsitz-abmelden"]),
    ("Ummelden", "de", ["wohnsitz-anmelden", "fahrzeug-zulassen", "wohnsitz-abmelden"]),
    ("Umzug", "de", ["wohnsitz-anmelden", "wohnsitz-abmelden", "sperrmuell-anmelden"]),
    ("umziehen", "de", ["wohnsitz-anmelden", "wohnsitz-abmelden", "eheschliessung-anmelden"]),
    ("Umzug melden", "de", ["wohnsitz-anmelden", "meldebescheinigung", "eheschliessung-anmelden"]),
    ("Perso", "de", ["personalausweis-beantragen", "wohnsitz-anmelden", "reisepass-beantragen"]),
    ("Pass", "de", ["reisepass-beantragen", "personalausweis-beantragen", "sperrmuell-anmelden"]),
    ("Baby", "de", ["geburtsurkunde", "elterngeld", "kita-platz"]),
    ("Hochzeit", "de", ["eheschliessung-anmelden"]),
    ("heiraten", "de", ["eheschliessung-anmelden"]),
    ("Firma gründen", "de", ["gewerbe-anmelden"]),
    ("Auto", "de", ["fahrzeug-ausser-betrieb-setzen", "fahrzeug-zulassen", "bewohnerparkausweis"]),
    ("Anwohnerparken", "de", ["bewohnerparkausweis"]),
    ("Parken", "de", ["bewohnerparkausweis"]),
    ("Miete", "de", ["wohngeld", "wohnberechtigungsschein"]),
    ("Mietzuschuss", "de", ["wohngeld"]),
    ("Sozialwohnung", "de", ["wohnberechtigungsschein"]),
    ("Kita", "de", ["kita-platz"]),
    ("Kindergarten", "de", ["kita-platz"]),
    ("Bauantrag", "de", ["baugenehmigung"]),
    ("Haus bauen", "de", ["baugenehmigung", "grundsteuer-auskunft"]),
    ("Müll", "de", ["sperrmuell-anmelden"]),
    ("Sofa entsorgen", "de", ["sperrmuell-anmelden"]),
    ("Sperrmüll abholen", "de", ["sperrmuell-anmelden"]),
    ("Nachbar zu laut", "de", ["laermbelaestigung-melden"]),
    ("Schlüssel verloren", "de", ["fundsache-melden"]),
    (
        "Ausweis verloren",
        "de",
        ["personalausweis-beantragen", "reisepass-beantragen", "fundsache-melden"],
    ),
    (
        "Pass verloren",
        "de",
        ["reisepass-beantragen", "fundsache-melden", "personalausweis-beantragen"],
    ),
    ("Angeln", "de", ["fischereischein"]),
    ("Waffe", "de", ["waffenbesitzkarte"]),
    ("Container", "de", ["sondernutzungserlaubnis"]),
    ("Container abstellen", "de", ["sondernutzungserlaubnis"]),
    # Sentences (any word may match when not all do) and typing
    (
        "Ich möchte meinen Hund anmelden",
        "de",
        ["hund-anmelden", "wohnsitz-anmelden", "hund-abmelden"],
    ),
    ("Personalaus", "de", ["personalausweis-beantragen", "wohnsitz-anmelden"]),
    ("Bauge", "de", ["baugenehmigung", "sondernutzungserlaubnis"]),
    # English
    ("dog", "en", ["hund-anmelden", "hund-abmelden"]),
    ("register dog", "en", ["hund-anmelden"]),
    ("dog tax", "en", ["hund-anmelden", "hund-abmelden"]),
    ("tax", "en", ["grundsteuer-auskunft", "hund-anmelden", "hund-abmelden"]),
    ("passport", "en", ["reisepass-beantragen", "personalausweis-beantragen"]),
    ("identity card", "en", ["personalausweis-beantragen", "wohnsitz-anmelden"]),
    ("moving", "en", ["wohnsitz-anmelden", "wohnsitz-abmelden", "bewohnerparkausweis"]),
    (
        "car",
        "en",
        ["fahrzeug-ausser-betrieb-setzen", "fahrzeug-zulassen", "personalausweis-beantragen"],
    ),
    (
        "vehicle registration",
        "en",
        ["fahrzeug-zulassen", "fahrzeug-ausser-betrieb-setzen", "bewohnerparkausweis"],
    ),
    ("driving licence", "en", ["fuehrerschein-umtauschen"]),
    ("parking permit", "en", ["bewohnerparkausweis"]),
    ("housing benefit", "en", ["wohngeld"]),
    ("building permit", "en", ["baugenehmigung", "sondernutzungserlaubnis"]),
    ("birth certificate", "en", ["geburtsurkunde"]),
    ("wedding", "en", ["eheschliessung-anmelden"]),
    ("childcare", "en", ["kita-platz"]),
    ("noise", "en", ["laermbelaestigung-melden"]),
    ("lost property", "en", ["fundsache-melden"]),
    ("rubbish", "en", ["sperrmuell-anmelden"]),
    ("parental allowance", "en", ["elterngeld", "geburtsurkunde"]),
    ("Hundesteuer", "en", ["hund-anmelden", "hund-abmelden"]),
]


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo data, loaded once for this module and rolled back after it (loading takes
    seconds; the tests only read)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_data: None, db: None) -> dict[str, Service]:
    return {service.slug: service for service in Service.objects.all()}


def stored_documents(language: str) -> list[StoredDocument]:
    """Every document of `language` as the index stores it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT service_id, sort_key, name, synonyms, summary, description"
            " FROM catalog_service_search WHERE language = %s",
            [language],
        )
        return [
            StoredDocument(UUID(str(service_id)), sort_key, tuple(fields))
            for service_id, sort_key, *fields in cursor.fetchall()
        ]


def test_demo_relevance_table(demo: dict[str, Service]) -> None:
    with connection.cursor() as cursor:  # every service, in both languages
        cursor.execute("SELECT language, COUNT(*) FROM catalog_service_search GROUP BY language")
        assert dict(cursor.fetchall()) == {"de": len(demo), "en": len(demo)}
    slugs = {service.pk: slug for slug, service in demo.items()}
    mismatches = {}
    for query, language, expected in DEMO_RELEVANCE:
        hits = search_services(query=query, service_ids=None, language=language, limit=3)
        found = [slugs[hit.service_id] for hit in hits]
        if found != expected:
            mismatches[f"{query}/{language}: expected {expected}"] = found
    assert mismatches == {}


def test_index_stores_the_python_stems_of_every_field(demo: dict[str, Service]) -> None:
    services = Service.objects.prefetch_related("life_situations")
    expected = {
        (document.service_id, document.language): (
            document.sort_key,
            tuple(
                " ".join(analyzer_for(document.language).stem(w) for w in text.split())
                for text in document.texts
            ),
        )
        for document in service_documents(services)
    }
    stored = {
        (document.service_id, language): (document.sort_key, document.fields)
        for language in ("de", "en")
        for document in stored_documents(language)
    }
    assert stored == expected


@pytest.mark.parametrize("scoped", [False, True], ids=["all", "scoped"])
def test_backend_finds_what_the_python_reference_finds(
    demo: dict[str, Service], scoped: bool
) -> None:
    """For every query of the table, in each language it is searched in: the backend's
    candidates and statistics equal the reference's, so ranking gives the same hits in the
    same order with the same scores, whichever found the candidates."""
    backend = search_backend()
    documents = {language: stored_documents(language) for language in ("de", "en")}
    scope = {service.pk for slug, service in demo.items() if slug < "h"} if scoped else None
    compared = 0
    for query_text, query_language, _ in DEMO_RELEVANCE:
        for language in {query_language, "de"}:
            query = query_parse(text=query_text, language=language)
            found = backend.candidates(query=query, service_ids=scope)
            in_scope = [d for d in documents[language] if scope is None or d.service_id in scope]
            reference = reference_candidates(query, in_scope)
            assert {d.service_id for d in found.documents} == {
                d.service_id for d in reference.documents
            }, query_text
            if not reference.documents:
                continue
            # Statistics describe the whole language, not just the scope.
            reference_statistics = reference_candidates(query, documents[language]).statistics
            assert found.statistics == reference_statistics, query_text
            ranked = rank(
                query=query, documents=found.documents, statistics=found.statistics, limit=100
            )
            expected = rank(
                query=query,
                documents=reference.documents,
                statistics=reference_statistics,
                limit=100,
            )
            assert ranked == expected, query_text  # ids in order and scores, exactly
            compared += 1
    assert compared > len(DEMO_RELEVANCE) // (2 if scoped else 1)


def test_two_database_queries_per_language(
    demo: dict[str, Service], django_assert_num_queries: Any
) -> None:
    # The candidates with their statistics, then the search boosts of the candidates.
    with django_assert_num_queries(2):
        assert search_services(query="Ich möchte meinen Hund anmelden", language="de")
    with django_assert_num_queries(4):  # English, then German-only matches
        assert search_services(query="Hundesteuer", language="en")
    with django_assert_num_queries(1):  # no candidates, no boosts to read
        assert search_services(query="Quantenchromodynamik", language="de") == []


def test_portal_search_is_limited_to_the_municipality(demo: dict[str, Service]) -> None:
    ulmen = Municipality.objects.get(slug="vg-ulmen")
    dueren = Municipality.objects.get(slug="dueren")
    # The Kreis above VG Ulmen registers vehicles; resident parking is only offered in Cochem.
    found = selectors.service_search(municipality=ulmen, query="Auto")
    assert [offer.service.slug for offer in found][:2] == [
        "fahrzeug-ausser-betrieb-setzen",
        "fahrzeug-zulassen",
    ]
    assert "bewohnerparkausweis" not in [offer.service.slug for offer in found]
    assert selectors.service_search(municipality=ulmen, query="Bewohnerparkausweis") == []
    in_dueren = selectors.service_search(municipality=dueren, query="Bewohnerparkausweis")
    assert [offer.service.slug for offer in in_dueren] == ["bewohnerparkausweis"]
