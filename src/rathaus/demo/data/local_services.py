"""Which municipality offers which service, through which office, with which local details.

The split follows the law in the two Länder:

- Düren and Gütersloh (große kreisangehörige Städte, shown here without their Kreis) do
  everything themselves.
- In Rheinland-Pfalz the Kreisverwaltung Cochem-Zell handles vehicle registration, driving
  licences, firearms, youth welfare and parental allowance, building control, fishing
  licences, housing benefit and waste; each Verbandsgemeindeverwaltung handles residence
  registration, passports and ID cards, trade, the registry office, lost property, dog tax and
  the other local taxes for its Ortsgemeinden.

The Zuständigkeitsfinder needs nothing else: from an Ortsgemeinde it walks up to the
Verbandsgemeinde and then the Kreis and takes the first offer it finds.
"""

from typing import Any

# Service slug → office slug, for a city that does Kreis-level work itself.
STADT: dict[str, str] = {
    "wohnsitz-anmelden": "buergerbuero",
    "wohnsitz-abmelden": "buergerbuero",
    "meldebescheinigung": "buergerbuero",
    "personalausweis-beantragen": "buergerbuero",
    "reisepass-beantragen": "buergerbuero",
    "fuehrungszeugnis": "buergerbuero",
    "fundsache-melden": "fundbuero",
    "gewerbe-anmelden": "ordnungsamt",
    "gewerbe-abmelden": "ordnungsamt",
    "laermbelaestigung-melden": "ordnungsamt",
    "veranstaltung-anzeigen": "ordnungsamt",
    "fischereischein": "ordnungsamt",
    "waffenbesitzkarte": "waffenbehoerde",
    "geburtsurkunde": "standesamt",
    "eheschliessung-anmelden": "standesamt",
    "bewohnerparkausweis": "strassenverkehrsamt",
    "fahrzeug-zulassen": "zulassungsstelle",
    "fahrzeug-ausser-betrieb-setzen": "zulassungsstelle",
    "fuehrerschein-umtauschen": "fuehrerscheinstelle",
    "elterngeld": "elterngeldstelle",
    "kita-platz": "kindertagesbetreuung",
    "wohngeld": "wohngeldstelle",
    "wohnberechtigungsschein": "wohngeldstelle",
    "baugenehmigung": "bauaufsicht",
    "sondernutzungserlaubnis": "tiefbauamt",
    "anliegerbescheinigung": "tiefbauamt",
    "sperrmuell-anmelden": "abfallwirtschaft",
    "hund-anmelden": "steueramt",
    "hund-abmelden": "steueramt",
    "grundsteuer-auskunft": "steueramt",
}

KREIS: dict[str, str] = {
    "fahrzeug-zulassen": "zulassungsstelle",
    "fahrzeug-ausser-betrieb-setzen": "zulassungsstelle",
    "fuehrerschein-umtauschen": "fuehrerscheinstelle",
    "waffenbesitzkarte": "waffenbehoerde",
    "elterngeld": "elterngeldstelle",
    "kita-platz": "kindertagesbetreuung",
    "wohngeld": "wohngeldstelle",
    "wohnberechtigungsschein": "wohngeldstelle",
    "baugenehmigung": "bauaufsicht",
    "fischereischein": "fischereibehoerde",
    "sperrmuell-anmelden": "abfallwirtschaft",
}

VERBANDSGEMEINDE: dict[str, str] = {
    "wohnsitz-anmelden": "buergerbuero",
    "wohnsitz-abmelden": "buergerbuero",
    "meldebescheinigung": "buergerbuero",
    "personalausweis-beantragen": "buergerbuero",
    "reisepass-beantragen": "buergerbuero",
    "fuehrungszeugnis": "buergerbuero",
    "fundsache-melden": "buergerbuero",
    "gewerbe-anmelden": "ordnungsamt",
    "gewerbe-abmelden": "ordnungsamt",
    "laermbelaestigung-melden": "ordnungsamt",
    "veranstaltung-anzeigen": "ordnungsamt",
    "sondernutzungserlaubnis": "ordnungsamt",
    "geburtsurkunde": "standesamt",
    "eheschliessung-anmelden": "standesamt",
    "hund-anmelden": "steuern-abgaben",
    "hund-abmelden": "steuern-abgaben",
    "grundsteuer-auskunft": "steuern-abgaben",
    "anliegerbescheinigung": "steuern-abgaben",
}

# Local details that differ from the shared description, per (municipality, service).
# Keys not given take their defaults: shared fee, no notes, offered online, no local URL.
LOCAL_DETAILS: dict[tuple[str, str], dict[str, Any]] = {
    ("dueren", "sondernutzungserlaubnis"): {
        "fee_rule": {
            "kind": "range",
            "min": 2500,
            "max": 50000,
            "note_de": (
                "Die Gebühr wird nach Fläche, Dauer und Lage festgesetzt und mit der Erlaubnis "
                "mitgeteilt (Beispielwerte)."
            ),
            "note_en": (
                "The fee is set by area, duration and location and stated in the permit "
                "(example values)."
            ),
        },
    },
    ("dueren", "bewohnerparkausweis"): {
        "local_notes_de": (
            "Nur für die ausgewiesenen Bewohnerparkzonen in der Innenstadt. Eine Übersicht "
            "der Zonen erhalten Sie im Straßenverkehrsamt."
        ),
        "local_notes_en": (
            "Only for the marked resident parking zones in the city centre. The road traffic "
            "office has a map of the zones."
        ),
    },
    ("guetersloh", "meldebescheinigung"): {
        "fee_rule": {
            "kind": "fixed",
            "amount": 1000,
            "note_de": "Gebühr nach der Verwaltungsgebührensatzung der Stadt (Beispielwert).",
            "note_en": "Fee under the city's administrative fee statute (example value).",
        },
    },
    ("guetersloh", "hund-anmelden"): {
        "fee_rule": {
            "kind": "formula",
            "expression": "9000 + 12000 * min(max(0, dogs - 1), 1) + 14400 * max(0, dogs - 2)",
            "parameters": [
                {
                    "name": "dogs",
                    "label_de": "Anzahl Hunde",
                    "label_en": "number of dogs",
                    "min": 1,
                    "max": 20,
                }
            ],
            "description_de": (
                "Jahressteuer: erster Hund 90,00 €, zweiter Hund 120,00 €, jeder weitere 144,00 €"
            ),
            "description_en": (
                "Annual tax: first dog €90.00, second dog €120.00, each further dog €144.00"
            ),
            "note_de": "Beispielsätze der Demo.",
            "note_en": "Demo example rates.",
        },
    },
    ("guetersloh", "sperrmuell-anmelden"): {
        "fee_rule": {
            "kind": "per_unit",
            "unit_price": 2500,
            "parameter": "cubic_metres",
            "unit_de": "Kubikmeter",
            "unit_en": "cubic metre",
            "base": 0,
            "note_de": "Abholung gegen Gebühr je angefangenem Kubikmeter (Beispielwert).",
            "note_en": "Collection charged per cubic metre or part thereof (example value).",
        },
        "local_notes_de": "Kleinmengen bis 2 m³ können Sie kostenlos am Wertstoffhof abgeben.",
        "local_notes_en": "You can drop off up to 2 m³ free of charge at the recycling centre.",
    },
    ("cochem-zell", "fahrzeug-zulassen"): {
        "local_notes_de": (
            "Kennzeichen COC oder ZEL nach Wahl. Wunschkennzeichen können Sie vorab "
            "reservieren; bitte vereinbaren Sie einen Termin."
        ),
        "local_notes_en": (
            "Choose between the COC and ZEL prefixes. You can reserve a personalised number in "
            "advance; please book an appointment."
        ),
    },
    ("cochem-zell", "elterngeld"): {
        "local_notes_de": "Anträge aus dem ganzen Kreis bearbeitet die Elterngeldstelle in Cochem.",
        "local_notes_en": "The parental allowance office in Cochem handles the whole district.",
    },
    ("vg-kaisersesch", "wohnsitz-anmelden"): {
        "online_available": False,
        "local_notes_de": (
            "Die digitale Wohnsitzanmeldung ist hier noch nicht angebunden – bitte vereinbaren "
            "Sie einen Termin im Bürgerbüro."
        ),
        "local_notes_en": (
            "Digital registration is not yet connected here – please book an appointment at "
            "the citizens' office."
        ),
    },
    ("vg-ulmen", "gewerbe-anmelden"): {"online_available": False},
    ("vg-cochem", "gewerbe-anmelden"): {
        "fee_rule": {
            "kind": "fixed",
            "amount": 3000,
            "note_de": "Beispielwert.",
            "note_en": "Example.",
        },
    },
    ("vg-zell", "eheschliessung-anmelden"): {
        "local_notes_de": (
            "Trauungen sind im Trauzimmer der Verwaltung und nach Absprache an besonderen Orten "
            "an der Mosel möglich."
        ),
        "local_notes_en": (
            "Weddings take place in the administration's wedding room and, by arrangement, at "
            "special places along the Moselle."
        ),
    },
}

# Municipality slug → service slug → office slug.
OFFERS: dict[str, dict[str, str]] = {
    "dueren": STADT,
    "guetersloh": STADT,
    "cochem-zell": KREIS,
    "vg-cochem": {**VERBANDSGEMEINDE, "bewohnerparkausweis": "ordnungsamt"},
    "vg-kaisersesch": VERBANDSGEMEINDE,
    "vg-ulmen": VERBANDSGEMEINDE,
    "vg-zell": VERBANDSGEMEINDE,
}
