"""Catalogue search on the demo data: the same table of queries → top results must hold on
SQLite (FTS5, bm25) and on PostgreSQL (full-text search, ts_rank_cd) — this is how "both
backends give the same top results" is tested. Each row lists the expected first results in
order (up to three)."""

import pytest
from django.db import connection

from rathaus.catalog import selectors
from rathaus.catalog.models import Service
from rathaus.catalog.search import search_services
from rathaus.demo.loader import demo_load
from rathaus.municipalities.models import Municipality

DEMO_RELEVANCE: list[tuple[str, str, list[str]]] = [
    # Stemming and compounds
    ("Hunde", "de", ["hund-abmelden", "hund-anmelden"]),
    ("Hund anmelden", "de", ["hund-anmelden"]),
    ("Hund abmelden", "de", ["hund-abmelden"]),
    ("Hundesteuer", "de", ["hund-abmelden", "hund-anmelden"]),
    ("Anmeldung", "de", ["wohnsitz-anmelden", "eheschliessung-anmelden", "hund-anmelden"]),
    ("Abmeldung", "de", ["wohnsitz-abmelden", "hund-abmelden", "gewerbe-abmelden"]),
    ("Wohnsitz", "de", ["wohnsitz-abmelden", "wohnsitz-anmelden", "meldebescheinigung"]),
    ("Meldebescheinigung", "de", ["meldebescheinigung", "wohnsitz-anmelden"]),
    ("Personalausweis", "de", ["personalausweis-beantragen", "wohnsitz-anmelden"]),
    ("Reisepass", "de", ["reisepass-beantragen", "personalausweis-beantragen"]),
    ("Ausweis", "de", ["personalausweis-beantragen", "reisepass-beantragen", "meldebescheinigung"]),
    ("Führungszeugnis", "de", ["fuehrungszeugnis"]),
    ("Geburtsurkunde", "de", ["geburtsurkunde"]),
    ("Gewerbe anmelden", "de", ["gewerbe-anmelden"]),
    ("Auto anmelden", "de", ["fahrzeug-zulassen"]),
    ("Auto abmelden", "de", ["fahrzeug-ausser-betrieb-setzen"]),
    ("Kennzeichen", "de", ["fahrzeug-zulassen"]),
    ("Parkausweis", "de", ["bewohnerparkausweis"]),
    ("Wohngeld", "de", ["wohngeld"]),
    ("Elterngeld", "de", ["elterngeld", "geburtsurkunde"]),
    ("Baugenehmigung", "de", ["baugenehmigung"]),
    ("Grundsteuer", "de", ["grundsteuer-auskunft"]),
    ("Straßenfest", "de", ["veranstaltung-anzeigen"]),
    # Umlauts, ß and their spellings
    ("Führerschein", "de", ["fuehrerschein-umtauschen"]),
    ("Fuehrerschein", "de", ["fuehrerschein-umtauschen"]),
    ("Sperrmüll", "de", ["sperrmuell-anmelden"]),
    ("Sperrmuell", "de", ["sperrmuell-anmelden"]),
    ("Lärm", "de", ["laermbelaestigung-melden"]),
    ("Fundbüro", "de", ["fundsache-melden"]),
    # Synonyms (the query dictionary and the services' own synonyms)
    ("Ummeldung", "de", ["wohnsitz-anmelden", "fahrzeug-zulassen"]),
    ("Umzug", "de", ["wohnsitz-anmelden"]),
    ("umziehen", "de", ["wohnsitz-anmelden"]),
    ("Perso", "de", ["personalausweis-beantragen"]),
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
    ("Nachbar zu laut", "de", ["laermbelaestigung-melden"]),
    ("Schlüssel verloren", "de", ["fundsache-melden"]),
    ("Angeln", "de", ["fischereischein"]),
    ("Waffe", "de", ["waffenbesitzkarte"]),
    ("Container", "de", ["sondernutzungserlaubnis"]),
    # Sentences (any word may match when not all do) and typing
    ("Ich möchte meinen Hund anmelden", "de", ["hund-anmelden"]),
    ("Personalaus", "de", ["personalausweis-beantragen", "wohnsitz-anmelden"]),
    ("Bauge", "de", ["baugenehmigung", "sondernutzungserlaubnis"]),
    # English
    ("dog", "en", ["hund-abmelden", "hund-anmelden"]),
    ("register dog", "en", ["hund-anmelden"]),
    ("passport", "en", ["reisepass-beantragen", "personalausweis-beantragen"]),
    ("identity card", "en", ["personalausweis-beantragen", "wohnsitz-anmelden"]),
    ("moving", "en", ["wohnsitz-anmelden", "wohnsitz-abmelden", "bewohnerparkausweis"]),
    ("car", "en", ["fahrzeug-ausser-betrieb-setzen"]),
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
    ("Hundesteuer", "en", ["hund-anmelden", "hund-abmelden"]),  # German word, English portal
]


@pytest.fixture
def demo(db: None) -> dict[str, Service]:
    demo_load()
    return {service.slug: service for service in Service.objects.all()}


def test_demo_relevance_table(demo: dict[str, Service]) -> None:
    with connection.cursor() as cursor:  # every service, in both languages
        cursor.execute("SELECT language, COUNT(*) FROM catalog_service_search GROUP BY language")
        assert dict(cursor.fetchall()) == {"de": len(demo), "en": len(demo)}
    slugs = {service.pk: slug for slug, service in demo.items()}
    mismatches = {}
    for query, language, expected in DEMO_RELEVANCE:
        hits = search_services(query=query, service_ids=None, language=language, limit=3)
        found = [slugs[hit.service_id] for hit in hits][: len(expected)]
        if found != expected:
            mismatches[f"{query}/{language}: expected {expected}"] = found
    assert mismatches == {}


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
