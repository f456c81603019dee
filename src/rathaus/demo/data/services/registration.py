"""Registration of residence, identity documents and certificates (Meldewesen, Ausweise)."""

from typing import Any

from rathaus.demo.data.services.documents import (
    BIOMETRIC_PHOTO,
    CERTIFIED_COPY,
    COPY,
    ID_DOCUMENT,
    ORIGINAL,
    POWER_OF_ATTORNEY,
    doc,
)

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99115005104000",  # LeiKa
        "slug": "wohnsitz-anmelden",
        "name_de": "Wohnsitz anmelden",
        "name_en": "Registering your residence",
        "summary_de": (
            "Wenn Sie in eine Wohnung einziehen, müssen Sie sich innerhalb von zwei Wochen bei "
            "der Meldebehörde anmelden."
        ),
        "summary_en": (
            "When you move into a flat or house you must register with the registration office "
            "within two weeks."
        ),
        "description_de": (
            "Wer eine Wohnung bezieht, muss sich bei der Meldebehörde anmelden. Das gilt für "
            "den Zuzug aus einer anderen Gemeinde ebenso wie für einen Umzug innerhalb der "
            "Gemeinde (Ummeldung). Eine Abmeldung bei der bisherigen Gemeinde ist im Inland "
            "nicht nötig – das erledigt die neue Meldebehörde.\n\n"
            "Sie erhalten eine Meldebestätigung; die neue Anschrift wird auf Ihrem "
            "Personalausweis vermerkt. Mit Online-Ausweis können Sie die Anmeldung auch "
            "digital erledigen."
        ),
        "description_en": (
            "Anyone who moves into a dwelling must register with the registration office. This "
            "applies when you move here from another municipality and when you move within the "
            "municipality. You do not need to deregister at your previous address within "
            "Germany – the new office does that for you.\n\n"
            "You receive a confirmation of registration, and your new address is recorded on "
            "your identity card. With the online ID function you can also register digitally."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§§ 17, 19, 23 Bundesmeldegesetz (BMG)",
        "legal_basis_en": "Sections 17, 19 and 23 of the Federal Registration Act (BMG)",
        "processing_time_de": "Sofort bei Vorsprache; online innerhalb weniger Tage.",
        "processing_time_en": "Immediately in person; online within a few days.",
        "deadlines_de": "Innerhalb von zwei Wochen nach dem Einzug.",
        "deadlines_en": "Within two weeks of moving in.",
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 3,
        "min_trust_level": "high",
        "keywords": "Anmeldung, Meldebestätigung, Wohnungsgeberbestätigung, Einwohnermeldeamt",
        "synonyms": (
            "Ummeldung, Umzug, Meldebescheinigung, umziehen, neue Adresse, Wohnung anmelden, "
            "Zuzug, Adressänderung"
        ),
        "online_application": "external",
        "online_url": "https://www.wohnsitzanmeldung.gov.de/",
        "life_situations": ["umzug"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Wohnungsgeberbestätigung",
                "Landlord's confirmation of residence",
                COPY,
                note_de="Ihr Vermieter muss Ihnen den Einzug schriftlich bestätigen.",
                note_en="Your landlord must confirm in writing that you moved in.",
            ),
            POWER_OF_ATTORNEY,
        ],
    },
    {
        "leika_key": "99115005105000",
        "slug": "wohnsitz-abmelden",
        "name_de": "Wohnsitz abmelden",
        "name_en": "Deregistering your residence",
        "summary_de": (
            "Wenn Sie ins Ausland ziehen oder eine Nebenwohnung aufgeben, müssen Sie sich abmelden."
        ),
        "summary_en": "If you move abroad or give up a secondary residence you must deregister.",
        "description_de": (
            "Eine Abmeldung ist nur nötig, wenn Sie ins Ausland ziehen, ohne in Deutschland "
            "eine Wohnung zu behalten, oder wenn Sie eine Nebenwohnung aufgeben. Bei einem "
            "Umzug innerhalb Deutschlands genügt die Anmeldung am neuen Wohnort.\n\n"
            "Die Abmeldung ist frühestens eine Woche vor dem Auszug möglich. Sie erhalten eine "
            "Abmeldebestätigung, die Sie zum Beispiel für Versicherungen und Behörden im "
            "Ausland brauchen."
        ),
        "description_en": (
            "You only need to deregister if you move abroad without keeping a home in Germany "
            "or if you give up a secondary residence. When you move within Germany, registering "
            "at your new address is enough.\n\n"
            "You can deregister at the earliest one week before you move out. You receive a "
            "confirmation of deregistration, which insurers and authorities abroad often ask for."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§ 17 Absatz 2 Bundesmeldegesetz (BMG)",
        "legal_basis_en": "Section 17(2) of the Federal Registration Act (BMG)",
        "processing_time_de": "Sofort bei Vorsprache.",
        "processing_time_en": "Immediately in person.",
        "deadlines_de": "Innerhalb von zwei Wochen nach dem Auszug.",
        "deadlines_en": "Within two weeks of moving out.",
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 2,
        "min_trust_level": "substantial",
        "keywords": "Abmeldung, Abmeldebestätigung, Wegzug, Nebenwohnung",
        "synonyms": "Auswandern, Ausland, abmelden, Wegzug ins Ausland, Umzug ins Ausland",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["umzug"],
        "required_documents": [ID_DOCUMENT, POWER_OF_ATTORNEY],
    },
    {
        "leika_key": "99115001012000",
        "slug": "meldebescheinigung",
        "name_de": "Meldebescheinigung beantragen",
        "name_en": "Applying for a certificate of registration",
        "summary_de": "Die Meldebescheinigung bestätigt, wo Sie gemeldet sind.",
        "summary_en": "The certificate of registration confirms where you are registered.",
        "description_de": (
            "Eine Meldebescheinigung bestätigt Ihre aktuelle Anschrift, auf Wunsch auch "
            "frühere Anschriften oder weitere Daten (erweiterte Meldebescheinigung). Sie wird "
            "zum Beispiel von Arbeitgebern, Vermietern oder Behörden verlangt."
        ),
        "description_en": (
            "A certificate of registration confirms your current address and, on request, "
            "former addresses or further data (extended certificate). Employers, landlords and "
            "authorities often ask for it."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§ 18 Bundesmeldegesetz (BMG); Gebührensatzung der Gemeinde",
        "legal_basis_en": (
            "Section 18 of the Federal Registration Act (BMG); the municipality's fee statute"
        ),
        "processing_time_de": "Sofort bei Vorsprache; per Post etwa eine Woche.",
        "processing_time_en": "Immediately in person; about a week by post.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {
            "kind": "fixed",
            "amount": 500,
            "note_de": "Beispielwert; die Gebühr legt die Gemeinde fest.",
            "note_en": "Example; the municipality sets the fee.",
        },
        "ozg_maturity": 2,
        "min_trust_level": "substantial",
        "keywords": "Meldebescheinigung, Meldebestätigung, Wohnsitzbescheinigung",
        "synonyms": "Aufenthaltsbescheinigung, Wohnsitznachweis, Meldenachweis, Adressnachweis",
        "online_application": "internal",
        "online_url": "",
        "life_situations": ["umzug", "ausweise-dokumente"],
        "required_documents": [ID_DOCUMENT, POWER_OF_ATTORNEY],
    },
    # --- Ausweise -----------------------------------------------------------------------------
    {
        "leika_key": "99008001012000",  # LeiKa
        "slug": "personalausweis-beantragen",
        "name_de": "Personalausweis beantragen",
        "name_en": "Applying for an identity card",
        "summary_de": (
            "Deutsche ab 16 Jahren müssen einen gültigen Personalausweis oder Reisepass besitzen."
        ),
        "summary_en": (
            "German citizens aged 16 or over must hold a valid identity card or passport."
        ),
        "description_de": (
            "Den Personalausweis beantragen Sie persönlich bei der Personalausweisbehörde Ihres "
            "Wohnorts. Dort werden Ihre Fingerabdrücke genommen und Ihr Foto geprüft. Der "
            "Ausweis wird in Berlin hergestellt und ist nach etwa drei bis vier Wochen "
            "abholbereit.\n\n"
            "Der Ausweis gilt zehn Jahre, für Personen unter 24 Jahren sechs Jahre. Die "
            "Online-Ausweisfunktion ist von Anfang an eingeschaltet."
        ),
        "description_en": (
            "You apply for an identity card in person at the identity card authority where you "
            "live. Your fingerprints are taken and your photo is checked there. The card is "
            "produced in Berlin and is ready for collection after about three to four weeks.\n\n"
            "The card is valid for ten years, for people under 24 for six years. The online ID "
            "function is switched on from the start."
        ),
        "target_group": "citizens",
        "legal_basis_de": (
            "§§ 1, 9 Personalausweisgesetz (PAuswG); Personalausweisgebührenverordnung (PAuswGebV)"
        ),
        "legal_basis_en": (
            "Sections 1 and 9 of the Identity Card Act (PAuswG); Identity Card Fees Ordinance"
        ),
        "processing_time_de": "Etwa drei bis vier Wochen.",
        "processing_time_en": "About three to four weeks.",
        "deadlines_de": "Beantragen Sie den neuen Ausweis rechtzeitig vor Ablauf des alten.",
        "deadlines_en": "Apply for the new card in good time before the old one expires.",
        "fee_rule": {
            "kind": "formula",
            "expression": "3700 if age >= 24 else 2280",
            "parameters": [
                {"name": "age", "label_de": "Alter", "label_en": "age", "min": 0, "max": 130}
            ],
            "description_de": "37,00 € ab 24 Jahren, 22,80 € unter 24 Jahren",
            "description_en": "€37.00 from age 24, €22.80 under 24",
        },
        "ozg_maturity": 1,
        "min_trust_level": "high",
        "keywords": "Personalausweis, Ausweis, eID, Online-Ausweis, Identitätsnachweis",
        "synonyms": "Perso, Ausweis, Personalausweis verlängern, Ausweis abgelaufen, ID-Karte",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["ausweise-dokumente"],
        "required_documents": [
            BIOMETRIC_PHOTO,
            doc(
                "Bisheriger Personalausweis oder Reisepass",
                "Current identity card or passport",
                ORIGINAL,
                electronic=False,
            ),
            doc(
                "Geburtsurkunde",
                "Birth certificate",
                CERTIFIED_COPY,
                electronic=False,
                mandatory=False,
                note_de="Nur beim ersten Ausweis oder wenn sich der Name geändert hat.",
                note_en="Only for a first card or if your name has changed.",
            ),
        ],
    },
    {
        "leika_key": "99008002012000",
        "slug": "reisepass-beantragen",
        "name_de": "Reisepass beantragen",
        "name_en": "Applying for a passport",
        "summary_de": "Für Reisen in viele Länder außerhalb der EU brauchen Sie einen Reisepass.",
        "summary_en": "You need a passport to travel to many countries outside the EU.",
        "description_de": (
            "Den Reisepass beantragen Sie persönlich bei der Passbehörde Ihres Wohnorts. Der "
            "Pass gilt zehn Jahre, für Personen unter 24 Jahren sechs Jahre. In dringenden "
            "Fällen ist ein Expresspass gegen Zuschlag möglich; er liegt nach wenigen "
            "Werktagen vor."
        ),
        "description_en": (
            "You apply for a passport in person at the passport authority where you live. It "
            "is valid for ten years, for people under 24 for six years. In urgent cases an "
            "express passport is available for a surcharge and is ready within a few working "
            "days."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§§ 1, 6 Passgesetz (PassG); § 15 Passverordnung (PassV)",
        "legal_basis_en": "Sections 1 and 6 of the Passport Act (PassG); Passport Ordinance",
        "processing_time_de": "Etwa vier Wochen, Expresspass drei bis vier Werktage.",
        "processing_time_en": "About four weeks, express passport three to four working days.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {
            "kind": "formula",
            "expression": "(7000 if age >= 24 else 3750) + 3200 * express",
            "parameters": [
                {"name": "age", "label_de": "Alter", "label_en": "age", "min": 0, "max": 130},
                {
                    "name": "express",
                    "label_de": "Expresspass (1 = ja, 0 = nein)",
                    "label_en": "express passport (1 = yes, 0 = no)",
                    "min": 0,
                    "max": 1,
                },
            ],
            "description_de": (
                "70,00 € ab 24 Jahren, 37,50 € unter 24 Jahren; Expresszuschlag 32,00 €"
            ),
            "description_en": "€70.00 from age 24, €37.50 under 24; express surcharge €32.00",
        },
        "ozg_maturity": 1,
        "min_trust_level": "high",
        "keywords": "Reisepass, Pass, Expresspass, Passbehörde",
        "synonyms": "Pass beantragen, Reisedokument, Urlaub, Pass abgelaufen, Kinderpass",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["ausweise-dokumente", "freizeit"],
        "required_documents": [
            BIOMETRIC_PHOTO,
            doc(
                "Bisheriger Reisepass oder Personalausweis",
                "Current passport or identity card",
                ORIGINAL,
                electronic=False,
            ),
        ],
    },
    {
        "leika_key": "99049001001000",  # LeiKa
        "slug": "fuehrungszeugnis",
        "name_de": "Führungszeugnis beantragen",
        "name_en": "Applying for a certificate of good conduct",
        "summary_de": (
            "Das Führungszeugnis zeigt, ob Sie im Bundeszentralregister eingetragen sind."
        ),
        "summary_en": (
            "The certificate of good conduct shows whether you are listed in the Federal "
            "Central Criminal Register."
        ),
        "description_de": (
            "Arbeitgeber, Vereine oder Behörden verlangen oft ein Führungszeugnis. Sie "
            "beantragen es bei der Meldebehörde oder online beim Bundesamt für Justiz; das "
            "Zeugnis wird vom Bundesamt ausgestellt und Ihnen oder direkt der Behörde "
            "zugeschickt. Für die Arbeit mit Kindern und Jugendlichen gibt es das erweiterte "
            "Führungszeugnis."
        ),
        "description_en": (
            "Employers, clubs and authorities often ask for a certificate of good conduct. You "
            "apply at the registration office or online at the Federal Office of Justice, which "
            "issues the certificate and sends it to you or directly to the authority. For work "
            "with children and young people there is an extended certificate."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§§ 30, 30a Bundeszentralregistergesetz (BZRG)",
        "legal_basis_en": "Sections 30 and 30a of the Federal Central Criminal Register Act",
        "processing_time_de": "Etwa zwei Wochen.",
        "processing_time_en": "About two weeks.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {
            "kind": "fixed",
            "amount": 1300,
            "note_de": "Befreiung für ehrenamtlich Tätige auf Antrag möglich.",
            "note_en": "Volunteers can apply for an exemption.",
        },
        "ozg_maturity": 4,
        "min_trust_level": "high",
        "keywords": "Führungszeugnis, Bundeszentralregister, erweitertes Führungszeugnis",
        "synonyms": "Polizeiliches Führungszeugnis, Leumundszeugnis, Strafregisterauszug",
        "online_application": "external",
        "online_url": "https://www.fuehrungszeugnis.bund.de/",
        "life_situations": ["ausweise-dokumente"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Aufforderungsschreiben",
                "Letter requesting the certificate",
                COPY,
                mandatory=False,
                note_de="Nur für das erweiterte Führungszeugnis.",
                note_en="Only for the extended certificate.",
            ),
        ],
    },
]
