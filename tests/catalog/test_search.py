"""Catalogue search: stemming, synonyms, ranking, languages, scope, hostile input, updates.

The same module runs on SQLite (FTS5 backend) and PostgreSQL (full-text backend); the
relevance table at the end is how "both backends give the same top results" is tested.
"""

from typing import Any
from uuid import UUID

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from rathaus.catalog import services as catalog_services
from rathaus.catalog.models import LifeSituation, Service
from rathaus.catalog.search import (
    SearchHit,
    search_backend,
    search_index_rebuild,
    search_index_update,
    search_services,
)
from rathaus.catalog.search.postgresql import PostgreSQLBackend
from rathaus.catalog.search.sqlite_fts5 import SQLiteFTS5Backend
from rathaus.core.actors import Actor

LIFE_SITUATIONS: dict[str, tuple[str, str]] = {
    "umzug": ("Umzug", "Moving house"),
    "auto": ("Auto und Verkehr", "Car and traffic"),
    "ausweise": ("Ausweise und Dokumente", "Identity documents"),
    "unternehmen": ("Unternehmensgründung", "Starting a business"),
    "wohnen": ("Bauen und Wohnen", "Building and housing"),
    "haustiere": ("Haustiere", "Pets"),
    "familie": ("Familie", "Family"),
}

# slug: German fields, English fields (name, summary, description), synonyms, keywords, situations
CATALOGUE: dict[str, dict[str, Any]] = {
    "wohnsitz-anmelden": {
        "de": (
            "Wohnsitz anmelden",
            "Nach dem Einzug in eine neue Wohnung melden Sie sich innerhalb von zwei Wochen "
            "bei der Meldebehörde an.",
            "Die Anmeldung erfolgt persönlich im Bürgerbüro. Bringen Sie Ihren "
            "Personalausweis oder Reisepass und die Wohnungsgeberbestätigung mit.",
        ),
        "en": (
            "Registering your residence",
            "After moving into a new flat you register with the registration office within "
            "two weeks.",
            "Register in person at the citizens' office. Bring your identity card or passport "
            "and the landlord's confirmation.",
        ),
        "synonyms": "Anmeldung, Meldebescheinigung",
        "keywords": "Meldewesen",
        "situations": ["umzug"],
    },
    "wohnsitz-abmelden": {
        "de": (
            "Wohnsitz abmelden",
            "Wenn Sie ins Ausland ziehen oder eine Nebenwohnung aufgeben, melden Sie sich ab.",
            "Die Abmeldung ist frühestens eine Woche vor dem Auszug möglich.",
        ),
        "en": (
            "Deregistering your residence",
            "If you move abroad or give up a secondary residence, you deregister.",
            "You can deregister at the earliest one week before moving out.",
        ),
        "synonyms": "Abmeldung",
        "keywords": "Meldewesen",
        "situations": ["umzug"],
    },
    "personalausweis-beantragen": {
        "de": (
            "Personalausweis beantragen",
            "Deutsche ab 16 Jahren brauchen einen gültigen Personalausweis oder Reisepass.",
            "Den Antrag stellen Sie persönlich im Bürgerbüro. Der Ausweis ist zehn Jahre "
            "gültig. Statt des Personalausweises genügt auch ein Reisepass.",
        ),
        "en": (
            "Applying for an identity card",
            "Germans aged 16 and over need a valid identity card or passport.",
            "Apply in person at the citizens' office. The card is valid for ten years.",
        ),
        "synonyms": "Ausweis, Online-Ausweis",
        "keywords": "eID",
        "situations": ["ausweise"],
    },
    "reisepass-beantragen": {
        "de": (
            "Reisepass beantragen",
            "Für Reisen in viele Länder außerhalb der EU brauchen Sie einen Reisepass.",
            "Der Pass wird in der Bundesdruckerei hergestellt. Die Bearbeitung dauert drei "
            "bis vier Wochen.",
        ),
        "en": (
            "Applying for a passport",
            "For travel to many countries outside the EU you need a passport.",
            "The passport is made by the Federal Printing Office; it takes three to four weeks.",
        ),
        "synonyms": "",
        "keywords": "",
        "situations": ["ausweise"],
    },
    "gewerbe-anmelden": {
        "de": (
            "Gewerbe anmelden",
            "Wer ein Gewerbe beginnt, zeigt es beim Gewerbeamt an.",
            "Die Gewerbeanzeige ist für Einzelunternehmen und Gesellschaften nötig. Freie "
            "Berufe brauchen keine Gewerbeanmeldung.",
        ),
        "en": (
            "Registering a business",
            "Whoever starts a trade notifies the trade office.",
            "Sole proprietors and companies must register; liberal professions need not.",
        ),
        "synonyms": "Gewerbeanzeige",
        "keywords": "Gewerbeamt",
        "situations": ["unternehmen"],
    },
    "hund-anmelden": {
        "de": (
            "Hund anmelden",
            "Wer einen Hund hält, meldet ihn zur Steuer an und erhält eine Steuermarke.",
            "Die Anmeldung ist innerhalb von zwei Wochen nach der Anschaffung fällig. Für "
            "Listenhunde gilt ein höherer Steuersatz.",
        ),
        "en": (
            "Registering a dog",
            "Dog owners register their dog for the dog tax and receive a tax tag.",
            "Register within two weeks of getting the dog.",
        ),
        "synonyms": "Hundesteuer",
        "keywords": "Steuermarke",
        "situations": ["haustiere"],
    },
    "bewohnerparkausweis-beantragen": {
        "de": (
            "Bewohnerparkausweis beantragen",
            "Mit dem Bewohnerparkausweis parken Sie in Ihrem Wohngebiet ohne Parkschein.",
            "Voraussetzung ist, dass Sie im Parkgebiet mit Hauptwohnsitz gemeldet sind und das "
            "Fahrzeug auf Sie zugelassen ist.",
        ),
        "en": (
            "Applying for a resident parking permit",
            "With a resident parking permit you park in your area without a ticket.",
            "You must live in the area and the vehicle must be registered to you.",
        ),
        "synonyms": "Anliegerparken",
        "keywords": "Parken",
        "situations": ["auto"],
    },
    "fahrzeug-zulassen": {
        "de": (
            "Fahrzeug zulassen",
            "Ein neues oder gebrauchtes Fahrzeug wird vor der ersten Fahrt zugelassen.",
            "Die Zulassungsstelle teilt ein Kennzeichen zu. Sie brauchen die "
            "Zulassungsbescheinigung Teil II, die eVB-Nummer der Versicherung und Ihren "
            "Personalausweis.",
        ),
        "en": (
            "Registering a vehicle",
            "A new or used vehicle is registered before its first journey.",
            "The registration office assigns a number plate.",
        ),
        "synonyms": "Zulassung",
        "keywords": "Zulassungsstelle, Kennzeichen",
        "situations": ["auto"],
    },
    "verwarnungsgeld-bezahlen": {
        "de": (
            "Verwarnungsgeld bezahlen",
            "Sie haben eine Verwarnung wegen Falschparkens erhalten und bezahlen das "
            "Verwarnungsgeld.",
            "Zahlen Sie innerhalb einer Woche, ist die Sache erledigt. Sonst wird ein "
            "Bußgeldverfahren eingeleitet.",
        ),
        "en": (
            "Paying a parking fine",
            "You received a warning for illegal parking and pay the fine.",
            "If you pay within a week the matter is closed.",
        ),
        "synonyms": "",
        "keywords": "Ordnungswidrigkeit",
        "situations": ["auto"],
    },
    "wohngeld-beantragen": {
        "de": (
            "Wohngeld beantragen",
            "Wohngeld ist ein Zuschuss zur Miete oder zu den Kosten für selbst genutztes "
            "Wohneigentum.",
            "Ob Sie Anspruch haben, hängt vom Einkommen und der Zahl der Haushaltsmitglieder ab.",
        ),
        "en": (
            "Applying for housing benefit",
            "Housing benefit is a subsidy towards rent or the costs of your own home.",
            "Entitlement depends on income and the size of the household.",
        ),
        "synonyms": "Lastenzuschuss",
        "keywords": "",
        "situations": ["wohnen"],
    },
    "baugenehmigung-beantragen": {
        "de": (
            "Baugenehmigung beantragen",
            "Für den Bau, Umbau oder Abriss vieler Gebäude brauchen Sie eine Baugenehmigung.",
            "Den Antrag reicht eine bauvorlageberechtigte Person bei der unteren "
            "Bauaufsichtsbehörde ein.",
        ),
        "en": (
            "Applying for a building permit",
            "You need a building permit to build, convert or demolish many buildings.",
            "An authorised architect submits the application to the building authority.",
        ),
        "synonyms": "",
        "keywords": "Bauaufsicht",
        "situations": ["wohnen"],
    },
    "geburtsurkunde-beantragen": {
        "de": (
            "Geburtsurkunde beantragen",
            "Das Standesamt stellt Geburtsurkunden aus dem Geburtenregister aus.",
            "Die erste Urkunde nach der Geburt eines Kindes ist gebührenfrei.",
        ),
        "en": (
            "Applying for a birth certificate",
            "The register office issues birth certificates from the birth register.",
            "The first certificate after a child's birth is free of charge.",
        ),
        "synonyms": "",
        "keywords": "Standesamt",
        "situations": ["familie"],
    },
    "fuehrerschein-umtauschen": {
        "de": (
            "Führerschein umtauschen",
            "Alte Führerscheine aus Papier werden fristgerecht in den EU-Kartenführerschein "
            "umgetauscht.",
            "Den Antrag stellen Sie bei der Fahrerlaubnisbehörde.",
        ),
        "en": (
            "Exchanging a driving licence",
            "Old paper driving licences must be exchanged for the EU card licence.",
            "Apply to the driving licence authority.",
        ),
        "synonyms": "",
        "keywords": "",
        "situations": ["auto"],
    },
    "sperrmuell-anmelden": {
        "de": (
            "Sperrmüll anmelden",
            "Große Gegenstände aus dem Haushalt holt die Abfallwirtschaft nach Anmeldung ab.",
            "Möbel, Matratzen und Teppiche gehören zum Sperrmüll.",
        ),
        "en": (
            "Booking a bulky waste collection",
            "Large household items are collected by the waste management service.",
            "Furniture, mattresses and carpets count as bulky waste.",
        ),
        "synonyms": "",
        "keywords": "Abfall",
        "situations": ["wohnen"],
    },
    "strassensperrung-beantragen": {
        "de": (
            "Straßensperrung beantragen",
            "Für Umzüge, Baustellen oder Feste kann eine Straße ganz oder teilweise gesperrt "
            "werden.",
            "Stellen Sie den Antrag zwei Wochen vorher bei der Straßenverkehrsbehörde.",
        ),
        "en": (
            "Applying for a road closure",
            "A road can be closed for removals, building sites or festivals.",
            "Apply two weeks in advance to the road traffic authority.",
        ),
        "synonyms": "Halteverbot",
        "keywords": "",
        "situations": [],
    },
    "eheschliessung-anmelden": {
        "de": (
            "Eheschließung anmelden",
            "Paare melden die Eheschließung beim Standesamt an.",
            "Die Anmeldung ist höchstens sechs Monate vor dem Termin möglich.",
        ),
        "en": (
            "Giving notice of marriage",
            "Couples give notice of their marriage at the register office.",
            "Notice can be given at most six months before the date.",
        ),
        "synonyms": "Trauung",
        "keywords": "Standesamt",
        "situations": ["familie"],
    },
}


def service_data(slug: str, number: int, entry: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for `service_create` for one catalogue entry."""
    name_de, summary_de, description_de = entry["de"]
    name_en, summary_en, description_en = entry["en"]
    return {
        "leika_key": f"99{number:012d}",
        "slug": slug,
        "name_de": name_de,
        "name_en": name_en,
        "summary_de": summary_de,
        "summary_en": summary_en,
        "description_de": description_de,
        "description_en": description_en,
        "legal_basis_de": "§ 1 Beispielgesetz",
        "synonyms": entry["synonyms"],
        "keywords": entry["keywords"],
    }


@pytest.fixture
def catalogue(db: None) -> dict[str, Service]:
    situations = {
        slug: catalog_services.life_situation_create(
            actor=Actor.system("tests"), slug=slug, name_de=name_de, name_en=name_en
        )
        for slug, (name_de, name_en) in LIFE_SITUATIONS.items()
    }
    return {
        slug: catalog_services.service_create(
            actor=Actor.system("tests"),
            life_situations=[situations[s] for s in entry["situations"]],
            **service_data(slug, number, entry),
        )
        for number, (slug, entry) in enumerate(CATALOGUE.items())
    }


def slugs(hits: list[SearchHit]) -> list[str]:
    by_id = {service.pk: service.slug for service in Service.objects.all()}
    return [by_id[hit.service_id] for hit in hits]


def search(query: str, language: str = "de", limit: int = 10, **kwargs: Any) -> list[str]:
    return slugs(search_services(query=query, language=language, limit=limit, **kwargs))


# --- Stemming, folding, prefixes ------------------------------------------------------------


def test_plural_finds_singular_by_stemming(catalogue: dict[str, Service]) -> None:
    # "Hunde" occurs nowhere in the catalogue; the trailing space turns the prefix match off.
    assert search("Hunde ")[0] == "hund-anmelden"
    assert search("Anmeldungen ")  # plural of the indexed "Anmeldung"


@pytest.mark.parametrize(
    "query", ["Führerschein", "Fuehrerschein", "fuhrerschein", "FÜHRERSCHEINE"]
)
def test_umlaut_spellings_are_equal(catalogue: dict[str, Service], query: str) -> None:
    assert search(query)[0] == "fuehrerschein-umtauschen"


@pytest.mark.parametrize("query", ["Straßensperrung", "Strassensperrung", "STRASSENSPERRUNG"])
def test_sharp_s_spellings_are_equal(catalogue: dict[str, Service], query: str) -> None:
    assert search(query) == ["strassensperrung-beantragen"]


def test_last_word_matches_as_prefix_while_typing(catalogue: dict[str, Service]) -> None:
    assert search("Personalaus")[0] == "personalausweis-beantragen"
    assert search("Hund anm") == ["hund-anmelden"]
    # A finished word (followed by a space) is no longer a prefix.
    assert search("Personalaus ") == []
    # Too short to guess: two letters are not expanded.
    assert search("Pe") == []


def test_stop_words_are_ignored(catalogue: dict[str, Service]) -> None:
    assert search("der Hund und die Anmeldung")[0] == "hund-anmelden"
    assert search("und oder für") == []


# --- Synonyms --------------------------------------------------------------------------------


def test_query_synonym_finds_the_official_term(catalogue: dict[str, Service]) -> None:
    # Neither "Ummeldung" nor "ummelden" is in the catalogue: the synonym list maps it.
    assert search("Ummeldung")[0] == "wohnsitz-anmelden"
    assert search("ummelden")[0] == "wohnsitz-anmelden"
    assert search("Knöllchen") == ["verwarnungsgeld-bezahlen"]
    assert search("Perso")[0] == "personalausweis-beantragen"
    assert search("KFZ")[0] == "fahrzeug-zulassen"


def test_service_synonyms_field_is_indexed(catalogue: dict[str, Service]) -> None:
    # "Anliegerparken" is only in the service's own synonyms, not in the query dictionary.
    assert search("Anliegerparken") == ["bewohnerparkausweis-beantragen"]


# --- Ranking ---------------------------------------------------------------------------------


def test_name_match_beats_description_match(catalogue: dict[str, Service]) -> None:
    # "Reisepass" is the name of one service and in the summary/description of two others.
    hits = search("Reisepass ")
    assert hits[0] == "reisepass-beantragen"
    assert set(hits[1:]) == {"personalausweis-beantragen", "wohnsitz-anmelden"}
    scores = [
        hit.score
        for hit in search_services(query="Reisepass ", service_ids=None, language="de", limit=3)
    ]
    assert scores[0] > scores[1] >= scores[2] > 0


def test_all_words_must_match_before_any_word_does(catalogue: dict[str, Service]) -> None:
    # All words: only the dog service has both "Hund" and "anmelden".
    assert search("Hund anmelden") == ["hund-anmelden"]
    # No service has "möchte": then any word may match, best first.
    hits = search("Ich möchte meinen Hund anmelden")
    assert hits[0] == "hund-anmelden"
    assert len(hits) > 1


def test_limit(catalogue: dict[str, Service]) -> None:
    assert len(search("anmelden", limit=2)) == 2
    assert search("anmelden", limit=0) == []


# --- Languages -------------------------------------------------------------------------------


def test_english_query_uses_english_texts_and_stemming(catalogue: dict[str, Service]) -> None:
    assert search("dogs", language="en")[0] == "hund-anmelden"
    assert search("passports", language="en")[0] == "reisepass-beantragen"
    assert search("car", language="en")[0] == "fahrzeug-zulassen"  # synonym: vehicle
    # English stemming only applies to English searches.
    assert search("dogs ", language="de") == []


def test_english_search_falls_back_to_german_words(catalogue: dict[str, Service]) -> None:
    assert search("Hundesteuer", language="en") == ["hund-anmelden"]
    # English matches first, then German-only ones.
    assert search("passport", language="en")[0] == "reisepass-beantragen"


def test_unknown_language_searches_german(catalogue: dict[str, Service]) -> None:
    assert search("Hund", language="fr")[0] == "hund-anmelden"


# --- Scope -----------------------------------------------------------------------------------


def test_search_is_restricted_to_service_ids(catalogue: dict[str, Service]) -> None:
    scope = {catalogue["personalausweis-beantragen"].pk, catalogue["wohngeld-beantragen"].pk}
    assert search("Reisepass", service_ids=scope) == ["personalausweis-beantragen"]
    assert search("Reisepass", service_ids=set()) == []
    assert search("Reisepass", service_ids={UUID(int=1)}) == []


# --- Hostile input ---------------------------------------------------------------------------

HOSTILE = [
    "",
    "   ",
    '"',
    "'",
    '"Hund',
    "Hund'",
    "Hund*",
    "*",
    "NEAR(Hund anmelden)",
    "Hund NEAR anmelden",
    "Hund AND OR NOT anmelden",
    "-Hund",
    "name:Hund",
    "{name}: Hund",
    "Hund & | ! <-> :* anmelden",
    "(((((Hund",
    "Hund)",
    "^Hund",
    "Hund\x00anmelden",
    "\ud800",
    "'; DROP TABLE catalog_service; --",
    "%s %(x)s ?",
    "😀 Hund 😀",
    "Собака",
    "x" * 10_000,
    "Hund " * 2_000,
    "a:* & b",
]


@pytest.mark.parametrize("language", ["de", "en"])
def test_hostile_input_never_fails(catalogue: dict[str, Service], language: str) -> None:
    for query in HOSTILE:
        hits = search_services(query=query, service_ids=None, language=language, limit=5)
        assert isinstance(hits, list), query
        if "hund" in query.lower():
            assert slugs(hits)[0] == "hund-anmelden", query
    # The transaction is still usable (a PostgreSQL error would have aborted it).
    assert search("Hund")[0] == "hund-anmelden"


# --- Index maintenance -----------------------------------------------------------------------


def test_service_update_reindexes_in_the_same_transaction(catalogue: dict[str, Service]) -> None:
    service = catalogue["hund-anmelden"]
    assert search("Katze") == []
    catalog_services.service_update(
        actor=Actor.system("tests"),
        service=service,
        name_de="Hund oder Katze anmelden",
        synonyms="Katzensteuer",
    )
    assert search("Katze") == ["hund-anmelden"]
    assert search("Katzensteuer") == ["hund-anmelden"]
    catalog_services.service_update(
        actor=Actor.system("tests"), service=service, name_de="Hund anmelden", synonyms=""
    )
    assert search("Katze") == []


def test_life_situations_are_indexed_and_follow_updates(catalogue: dict[str, Service]) -> None:
    assert search("Haustiere") == ["hund-anmelden"]
    family = LifeSituation.objects.get(slug="familie")
    catalog_services.service_update(
        actor=Actor.system("tests"), service=catalogue["hund-anmelden"], life_situations=[family]
    )
    assert search("Haustiere") == []
    assert "hund-anmelden" in search("Familie")


def test_english_texts_follow_updates(catalogue: dict[str, Service]) -> None:
    catalog_services.service_update(
        actor=Actor.system("tests"),
        service=catalogue["hund-anmelden"],
        name_en="Registering a pet dog",
    )
    assert search("pet", language="en") == ["hund-anmelden"]


def test_rebuild_restores_a_lost_index(catalogue: dict[str, Service]) -> None:
    search_backend().index_clear()
    assert search("Hund") == []
    assert search_index_rebuild() == len(CATALOGUE)
    assert search("Hund")[0] == "hund-anmelden"
    assert search("Hunde", language="en")[0] == "hund-anmelden"


def test_rebuild_command(catalogue: dict[str, Service], capsys: pytest.CaptureFixture[str]) -> None:
    search_backend().index_clear()
    call_command("rebuild_search_index")
    assert f"Indexed {len(CATALOGUE)} services." in capsys.readouterr().out
    assert search("Wohngeld")[0] == "wohngeld-beantragen"


def test_deleted_service_leaves_the_index(catalogue: dict[str, Service]) -> None:
    service = catalogue["sperrmuell-anmelden"]
    service.delete()
    assert search("Sperrmüll") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM catalog_service_search")
        assert cursor.fetchone()[0] == 2 * (len(CATALOGUE) - 1)


def test_update_reads_the_service_afresh(catalogue: dict[str, Service]) -> None:
    stale = catalogue["wohngeld-beantragen"]
    # A write that bypasses the catalogue services is not searchable until reindexed.
    Service.objects.filter(pk=stale.pk).update(name_de="Wohnbeihilfe beantragen")
    assert search("Wohnbeihilfe") == []
    search_index_update(services=[])
    search_index_update(services=[stale])  # the instance still has the old name
    assert search("Wohnbeihilfe") == ["wohngeld-beantragen"]


# --- Backend selection -----------------------------------------------------------------------


def test_auto_picks_the_backend_of_the_database(settings: Any) -> None:
    settings.RATHAUS_SEARCH_BACKEND = "auto"
    expected = {"sqlite": SQLiteFTS5Backend, "postgresql": PostgreSQLBackend}[connection.vendor]
    assert type(search_backend()) is expected


def test_backend_for_another_database_is_refused(settings: Any) -> None:
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite_fts5"
    settings.RATHAUS_SEARCH_BACKEND = other
    with pytest.raises(ImproperlyConfigured, match="does not work"):
        search_backend()
    settings.RATHAUS_SEARCH_BACKEND = "elasticsearch"
    with pytest.raises(ImproperlyConfigured, match="unknown 'elasticsearch'"):
        search_backend()


# --- Relevance table: the same expectations on SQLite and PostgreSQL ---------------------------

# query, language → the expected first results, in order.
RELEVANCE: list[tuple[str, str, list[str]]] = [
    ("Hunde", "de", ["hund-anmelden"]),
    ("Hund anmelden", "de", ["hund-anmelden"]),
    ("Hundesteuer", "de", ["hund-anmelden"]),
    ("Ummeldung", "de", ["wohnsitz-anmelden"]),
    ("Umzug", "de", ["wohnsitz-anmelden"]),
    ("Wohnsitz", "de", ["wohnsitz-abmelden", "wohnsitz-anmelden"]),
    ("Abmeldung", "de", ["wohnsitz-abmelden"]),
    ("Perso", "de", ["personalausweis-beantragen"]),
    ("Ausweis", "de", ["personalausweis-beantragen", "reisepass-beantragen"]),
    (
        "Personalausweis",
        "de",
        ["personalausweis-beantragen", "wohnsitz-anmelden", "fahrzeug-zulassen"],
    ),
    ("Reisepass", "de", ["reisepass-beantragen"]),
    ("Auto", "de", ["fahrzeug-zulassen"]),
    ("KFZ zulassen", "de", ["fahrzeug-zulassen"]),
    ("Kennzeichen", "de", ["fahrzeug-zulassen"]),
    ("Knöllchen", "de", ["verwarnungsgeld-bezahlen"]),
    ("Strafzettel", "de", ["verwarnungsgeld-bezahlen"]),
    ("Parken", "de", ["bewohnerparkausweis-beantragen"]),
    ("Anwohnerparken", "de", ["bewohnerparkausweis-beantragen"]),
    ("Führerschein", "de", ["fuehrerschein-umtauschen"]),
    ("Wohngeld", "de", ["wohngeld-beantragen"]),
    ("Mietzuschuss", "de", ["wohngeld-beantragen"]),
    ("Bauantrag", "de", ["baugenehmigung-beantragen"]),
    ("Gewerbeschein", "de", ["gewerbe-anmelden"]),
    ("Firma anmelden", "de", ["gewerbe-anmelden"]),
    ("Geburtsurkunde", "de", ["geburtsurkunde-beantragen"]),
    ("Baby", "de", ["geburtsurkunde-beantragen"]),
    ("Hochzeit", "de", ["eheschliessung-anmelden"]),
    ("Standesamt", "de", ["geburtsurkunde-beantragen", "eheschliessung-anmelden"]),
    ("Sperrmüll", "de", ["sperrmuell-anmelden"]),
    ("Müll", "de", ["sperrmuell-anmelden"]),
    ("Halteverbot", "de", ["strassensperrung-beantragen"]),
    ("dog", "en", ["hund-anmelden"]),
    ("register dog", "en", ["hund-anmelden"]),
    ("moving", "en", ["wohnsitz-anmelden"]),
    ("passport", "en", ["reisepass-beantragen"]),
    ("identity card", "en", ["personalausweis-beantragen"]),
    ("car registration", "en", ["fahrzeug-zulassen"]),
    ("parking fine", "en", ["verwarnungsgeld-bezahlen"]),
    ("building permit", "en", ["baugenehmigung-beantragen"]),
    ("housing benefit", "en", ["wohngeld-beantragen"]),
    ("wedding", "en", ["eheschliessung-anmelden"]),
    ("rubbish", "en", ["sperrmuell-anmelden"]),
]


def relevance_mismatches(table: list[tuple[str, str, list[str]]]) -> dict[str, list[str]]:
    """The queries of `table` whose first results differ from the expected ones."""
    mismatches = {}
    for query, language, expected in table:
        found = search(query, language=language)[: len(expected)]
        if found != expected:
            mismatches[f"{query}/{language}: expected {expected}"] = found
    return mismatches


def test_relevance(catalogue: dict[str, Service]) -> None:
    assert relevance_mismatches(RELEVANCE) == {}
