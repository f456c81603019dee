"""Trade and the use of public space (Gewerbe, Sondernutzung, Veranstaltungen)."""

from typing import Any

from rathaus.demo.data.services.documents import COPY, ID_DOCUMENT, doc

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99050012104000",  # LeiKa
        "slug": "gewerbe-anmelden",
        "name_de": "Gewerbe anmelden",
        "name_en": "Registering a business",
        "summary_de": "Wer ein Gewerbe beginnt, muss es beim Gewerbeamt anzeigen.",
        "summary_en": "If you start a trade or business you must notify the trade office.",
        "description_de": (
            "Die Gewerbeanzeige ist bei Beginn eines stehenden Gewerbes, bei der Eröffnung "
            "einer Zweigniederlassung und bei der Übernahme eines Betriebs nötig. Das "
            "Gewerbeamt informiert Finanzamt, Industrie- und Handelskammer bzw. "
            "Handwerkskammer, Berufsgenossenschaft und weitere Stellen.\n\n"
            "Freie Berufe (z. B. Ärztinnen, Rechtsanwälte, Künstlerinnen) melden kein Gewerbe "
            "an. Für manche Tätigkeiten ist zusätzlich eine Erlaubnis nötig."
        ),
        "description_en": (
            "You must notify the trade office when you start a business, open a branch or take "
            "over an existing business. The office informs the tax office, the chamber of "
            "commerce or crafts, the employers' liability insurance and other bodies.\n\n"
            "Liberal professions (e.g. doctors, lawyers, artists) do not register a trade. Some "
            "activities also need a permit."
        ),
        "target_group": "businesses",
        "legal_basis_de": "§§ 14, 15 Gewerbeordnung (GewO)",
        "legal_basis_en": "Sections 14 and 15 of the Trade Regulation Act (GewO)",
        "processing_time_de": (
            "Die Bestätigung (Gewerbeschein) erhalten Sie sofort oder binnen weniger Tage."
        ),
        "processing_time_en": "You receive the confirmation immediately or within a few days.",
        "deadlines_de": "Gleichzeitig mit dem Beginn der Tätigkeit.",
        "deadlines_en": "At the same time as the business starts.",
        "fee_rule": {
            "kind": "fixed",
            "amount": 2600,
            "note_de": "Beispielwert; die Gebühr legt das Land bzw. die Gemeinde fest.",
            "note_en": "Example; the Land or municipality sets the fee.",
        },
        "ozg_maturity": 3,
        "min_trust_level": "substantial",
        "keywords": "Gewerbeanmeldung, Gewerbeanzeige, Gewerbeschein, Selbstständigkeit",
        "synonyms": (
            "Firma gründen, selbstständig machen, Gewerbeschein, Existenzgründung, "
            "Nebengewerbe, Kleingewerbe, Unternehmen anmelden"
        ),
        "online_application": "internal",
        "online_url": "",
        "life_situations": ["unternehmensgruendung"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Handelsregisterauszug",
                "Extract from the commercial register",
                COPY,
                mandatory=False,
                note_de="Nur für eingetragene Firmen und Gesellschaften.",
                note_en="Only for registered companies.",
            ),
            doc(
                "Erlaubnis oder Handwerkskarte",
                "Permit or craft card",
                COPY,
                mandatory=False,
                note_de="Nur für erlaubnispflichtige Gewerbe und zulassungspflichtiges Handwerk.",
                note_en="Only for trades and crafts that need a permit.",
            ),
        ],
    },
    {
        "leika_key": "99050012105000",
        "slug": "gewerbe-abmelden",
        "name_de": "Gewerbe abmelden",
        "name_en": "Deregistering a business",
        "summary_de": "Wenn Sie Ihr Gewerbe aufgeben, müssen Sie es abmelden.",
        "summary_en": "If you close your business you must deregister it.",
        "description_de": (
            "Die Gewerbeabmeldung ist nötig, wenn Sie den Betrieb ganz aufgeben, ihn verkaufen "
            "oder in eine andere Gemeinde verlegen. Das Gewerbeamt informiert die zuständigen "
            "Stellen."
        ),
        "description_en": (
            "You must deregister when you close the business entirely, sell it or move it to "
            "another municipality. The trade office informs the relevant bodies."
        ),
        "target_group": "businesses",
        "legal_basis_de": "§ 14 Absatz 1 Satz 2 Nr. 3 Gewerbeordnung (GewO)",
        "legal_basis_en": "Section 14(1) sentence 2 no. 3 of the Trade Regulation Act (GewO)",
        "processing_time_de": "Sofort oder binnen weniger Tage.",
        "processing_time_en": "Immediately or within a few days.",
        "deadlines_de": "Gleichzeitig mit der Aufgabe des Betriebs.",
        "deadlines_en": "At the same time as the business closes.",
        "fee_rule": {"kind": "fixed", "amount": 1500},
        "ozg_maturity": 3,
        "min_trust_level": "substantial",
        "keywords": "Gewerbeabmeldung, Betriebsaufgabe, Gewerbe aufgeben",
        "synonyms": "Firma schließen, Geschäft aufgeben, Selbstständigkeit beenden",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["unternehmensgruendung"],
        "required_documents": [ID_DOCUMENT],
    },
    {
        "leika_key": "99066005002000",
        "slug": "sondernutzungserlaubnis",
        "name_de": "Sondernutzungserlaubnis beantragen",
        "name_en": "Applying for a special use permit for public roads",
        "summary_de": (
            "Für Außengastronomie, Baugerüste, Container oder Werbeaufsteller auf Gehweg und "
            "Straße brauchen Sie eine Erlaubnis."
        ),
        "summary_en": (
            "Pavement cafés, scaffolding, skips or advertising boards on pavements and roads "
            "need a permit."
        ),
        "description_de": (
            "Wer öffentliche Straßen, Wege und Plätze über den Gemeingebrauch hinaus nutzt, "
            "braucht eine Sondernutzungserlaubnis. Die Gebühr richtet sich nach Fläche und "
            "Dauer der Nutzung. Stellen Sie den Antrag mindestens zwei Wochen vorher, bei "
            "Sperrungen früher."
        ),
        "description_en": (
            "Anyone who uses public roads, paths and squares beyond ordinary public use needs a "
            "special use permit. The fee depends on the area and the duration. Apply at least "
            "two weeks in advance, earlier if a road has to be closed."
        ),
        "target_group": "both",
        "legal_basis_de": (
            "§ 18 Straßen- und Wegegesetz NRW; § 41 Landesstraßengesetz Rheinland-Pfalz; "
            "Sondernutzungssatzung der Gemeinde"
        ),
        "legal_basis_en": (
            "Section 18 NRW Roads Act; section 41 Rhineland-Palatinate Roads Act; the "
            "municipality's special use statute"
        ),
        "processing_time_de": "Etwa zwei Wochen.",
        "processing_time_en": "About two weeks.",
        "deadlines_de": "Antrag mindestens zwei Wochen vor Beginn der Nutzung.",
        "deadlines_en": "Apply at least two weeks before the use begins.",
        "fee_rule": {
            "kind": "formula",
            "expression": "max(2500, 150 * area * weeks)",
            "parameters": [
                {"name": "area", "label_de": "Fläche in m²", "label_en": "area in m²", "min": 1},
                {
                    "name": "weeks",
                    "label_de": "Dauer in Wochen",
                    "label_en": "duration in weeks",
                    "min": 1,
                    "max": 52,
                },
            ],
            "description_de": "1,50 € je m² und Woche, mindestens 25,00 €",
            "description_en": "€1.50 per m² and week, at least €25.00",
        },
        "ozg_maturity": 2,
        "min_trust_level": "low",
        "keywords": "Sondernutzung, Straßennutzung, Außengastronomie, Gerüst, Container",
        "synonyms": (
            "Gehweg nutzen, Baugerüst, Schuttcontainer, Umzugscontainer, Tische vor dem Café, "
            "Werbeaufsteller, Straße sperren"
        ),
        "online_application": "internal",
        "online_url": "",
        "life_situations": ["unternehmensgruendung", "bauen"],
        "required_documents": [
            doc("Lageplan mit Maßen", "Site plan with dimensions", COPY),
            doc(
                "Verkehrszeichenplan",
                "Traffic sign plan",
                COPY,
                mandatory=False,
                note_de="Nur wenn Verkehrsflächen gesperrt werden.",
                note_en="Only if traffic areas are closed.",
            ),
        ],
    },
]
