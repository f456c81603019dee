"""Vehicles, driving licences and parking."""

from typing import Any

from rathaus.demo.data.services.documents import BIOMETRIC_PHOTO, COPY, ID_DOCUMENT, ORIGINAL, doc

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99036010012000",
        "slug": "fahrzeug-zulassen",
        "name_de": "Fahrzeug zulassen",
        "name_en": "Registering a vehicle",
        "summary_de": (
            "Ein Kraftfahrzeug darf auf öffentlichen Straßen nur fahren, wenn es zugelassen ist."
        ),
        "summary_en": "A motor vehicle may only be driven on public roads once it is registered.",
        "description_de": (
            "Bei der Zulassungsstelle Ihres Wohnorts lassen Sie neue und gebrauchte Fahrzeuge "
            "zu, melden sie nach einem Umzug um oder nehmen einen Halterwechsel vor. Sie "
            "erhalten die Zulassungsbescheinigungen Teil I und II und die Stempelplaketten für "
            "die Kennzeichen. Wunschkennzeichen können Sie vorab reservieren."
        ),
        "description_en": (
            "At the registration office where you live you register new and used vehicles, "
            "update the registration after a move or change the keeper. You receive "
            "registration certificates part I and II and the seals for the number plates. You "
            "can reserve a personalised number in advance."
        ),
        "target_group": "both",
        "legal_basis_de": (
            "§§ 6, 15 Fahrzeug-Zulassungsverordnung (FZV); Gebührenordnung für Maßnahmen im "
            "Straßenverkehr (GebOSt)"
        ),
        "legal_basis_en": (
            "Sections 6 and 15 of the Vehicle Registration Ordinance (FZV); road traffic fee "
            "ordinance (GebOSt)"
        ),
        "processing_time_de": "Sofort bei Vorsprache.",
        "processing_time_en": "Immediately in person.",
        "deadlines_de": "Nach einem Umzug unverzüglich ummelden.",
        "deadlines_en": "After a move, update the registration without delay.",
        "fee_rule": {
            "kind": "range",
            "min": 2770,
            "max": 5500,
            "note_de": "Je nach Vorgang; Kennzeichenschilder und Wunschkennzeichen kommen hinzu.",
            "note_en": "Depending on the case; number plates and personalised numbers extra.",
        },
        "ozg_maturity": 3,
        "min_trust_level": "high",
        "keywords": "Kfz-Zulassung, Zulassungsstelle, Kennzeichen, Halterwechsel, Ummeldung",
        "synonyms": (
            "KFZ, Auto, Zulassung, Auto anmelden, Auto ummelden, Nummernschild, Motorrad, "
            "Wunschkennzeichen, PKW"
        ),
        "online_application": "none",
        "online_url": "",
        "life_situations": ["auto-verkehr", "umzug"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Zulassungsbescheinigung Teil I und II",
                "Registration certificate parts I and II",
                ORIGINAL,
                electronic=False,
            ),
            doc(
                "eVB-Nummer der Kfz-Versicherung",
                "Electronic insurance confirmation number (eVB)",
                COPY,
            ),
            doc("SEPA-Lastschriftmandat für die Kfz-Steuer", "SEPA direct debit for vehicle tax"),
        ],
    },
    {
        "leika_key": "99036010097000",
        "slug": "fahrzeug-ausser-betrieb-setzen",
        "name_de": "Fahrzeug außer Betrieb setzen",
        "name_en": "Taking a vehicle off the road",
        "summary_de": (
            "Wenn Sie Ihr Fahrzeug vorübergehend oder endgültig nicht mehr nutzen, melden Sie "
            "es ab."
        ),
        "summary_en": "If you stop using your vehicle for a while or for good, deregister it.",
        "description_de": (
            "Bei der Außerbetriebsetzung werden die Stempelplaketten entfernt und die "
            "Zulassungsbescheinigung vermerkt. Kfz-Steuer und Versicherung enden. Das Fahrzeug "
            "kann innerhalb von sieben Jahren wieder zugelassen werden. Bei Verschrottung "
            "brauchen Sie den Verwertungsnachweis."
        ),
        "description_en": (
            "When a vehicle is taken off the road the seals are removed and the registration "
            "certificate is annotated. Vehicle tax and insurance end. It can be registered "
            "again within seven years. If it is scrapped you need the recycling certificate."
        ),
        "target_group": "both",
        "legal_basis_de": "§ 14 Fahrzeug-Zulassungsverordnung (FZV); GebOSt",
        "legal_basis_en": "Section 14 of the Vehicle Registration Ordinance (FZV); GebOSt",
        "processing_time_de": "Sofort bei Vorsprache.",
        "processing_time_en": "Immediately in person.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {"kind": "fixed", "amount": 1310},
        "ozg_maturity": 3,
        "min_trust_level": "high",
        "keywords": "Außerbetriebsetzung, Abmeldung Fahrzeug, Stilllegung",
        "synonyms": "Auto abmelden, KFZ abmelden, Auto stilllegen, Verschrottung, Auto verkauft",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["auto-verkehr"],
        "required_documents": [
            doc(
                "Zulassungsbescheinigung Teil I",
                "Registration certificate part I",
                ORIGINAL,
                electronic=False,
            ),
            doc("Kennzeichenschilder", "Number plates", ORIGINAL, electronic=False),
            doc(
                "Verwertungsnachweis",
                "Recycling certificate",
                COPY,
                mandatory=False,
                note_de="Nur bei Verschrottung.",
                note_en="Only if the vehicle is scrapped.",
            ),
        ],
    },
    {
        "leika_key": "99086004012000",
        "slug": "fuehrerschein-umtauschen",
        "name_de": "Führerschein umtauschen",
        "name_en": "Exchanging a driving licence",
        "summary_de": (
            "Alte Papier- und Kartenführerscheine müssen bis zu festen Stichtagen in den "
            "EU-Kartenführerschein umgetauscht werden."
        ),
        "summary_en": (
            "Old paper and card licences must be exchanged for the EU card licence by fixed "
            "deadlines."
        ),
        "description_de": (
            "Der Pflichtumtausch ist nach Geburtsjahr (Papierführerscheine) bzw. Ausstellungsjahr "
            "(Kartenführerscheine bis 2013) gestaffelt. Der neue Führerschein ist 15 Jahre "
            "gültig; Ihre Fahrerlaubnis selbst bleibt unverändert."
        ),
        "description_en": (
            "The compulsory exchange is staggered by year of birth (paper licences) or year of "
            "issue (card licences up to 2013). The new licence is valid for 15 years; your "
            "driving entitlement stays the same."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§ 24a und Anlage 8e Fahrerlaubnis-Verordnung (FeV)",
        "legal_basis_en": "Section 24a and annex 8e of the Driving Licence Ordinance (FeV)",
        "processing_time_de": "Drei bis vier Wochen.",
        "processing_time_en": "Three to four weeks.",
        "deadlines_de": "Stichtage laut Anlage 8e FeV, zuletzt 19. Januar 2033.",
        "deadlines_en": "Deadlines as set out in annex 8e FeV, the last on 19 January 2033.",
        "fee_rule": {"kind": "fixed", "amount": 2560},
        "ozg_maturity": 2,
        "min_trust_level": "substantial",
        "keywords": "Führerscheinumtausch, Pflichtumtausch, EU-Führerschein, Führerscheinstelle",
        "synonyms": "Führerschein, Lappen, rosa Führerschein, grauer Führerschein, Fahrerlaubnis",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["auto-verkehr", "ausweise-dokumente"],
        "required_documents": [
            ID_DOCUMENT,
            BIOMETRIC_PHOTO,
            doc("Bisheriger Führerschein", "Current driving licence", ORIGINAL, electronic=False),
            doc(
                "Karteikartenabschrift",
                "Copy of the licence record",
                ORIGINAL,
                mandatory=False,
                note_de="Nur wenn der Führerschein von einer anderen Behörde ausgestellt wurde.",
                note_en="Only if another authority issued the licence.",
            ),
        ],
    },
    {
        "leika_key": "99108001001000",  # LeiKa
        "slug": "bewohnerparkausweis",
        "name_de": "Bewohnerparkausweis beantragen",
        "name_en": "Applying for a resident parking permit",
        "summary_de": (
            "Mit dem Bewohnerparkausweis parken Sie in Ihrer Bewohnerparkzone ohne Parkschein."
        ),
        "summary_en": "With a resident parking permit you park in your zone without a ticket.",
        "description_de": (
            "Den Ausweis erhalten Bewohnerinnen und Bewohner, die in einer Bewohnerparkzone mit "
            "Haupt- oder Nebenwohnung gemeldet sind und dort ein Fahrzeug halten oder dauerhaft "
            "nutzen. Pro Person wird ein Ausweis für ein Fahrzeug ausgestellt; er gilt ein Jahr."
        ),
        "description_en": (
            "The permit is issued to residents registered in a resident parking zone who keep "
            "or permanently use a vehicle there. One permit per person for one vehicle; it is "
            "valid for one year."
        ),
        "target_group": "citizens",
        "legal_basis_de": (
            "§ 45 Absatz 1b Straßenverkehrs-Ordnung (StVO); Gebührenordnung der Gemeinde"
        ),
        "legal_basis_en": "Section 45(1b) of the Road Traffic Regulations (StVO); municipal fees",
        "processing_time_de": "Sofort bei Vorsprache, per Post etwa eine Woche.",
        "processing_time_en": "Immediately in person, about a week by post.",
        "deadlines_de": "Gültig ein Jahr; rechtzeitig verlängern.",
        "deadlines_en": "Valid for one year; renew in good time.",
        "fee_rule": {
            "kind": "fixed",
            "amount": 3000,
            "note_de": "Je Jahr; Beispielwert.",
            "note_en": "Per year; example value.",
        },
        "ozg_maturity": 3,
        "min_trust_level": "substantial",
        "keywords": "Bewohnerparken, Anwohnerparken, Parkausweis, Bewohnerparkzone",
        "synonyms": "Anwohnerparkausweis, Parkplakette, Parken vor der Wohnung, Parkerlaubnis",
        "online_application": "internal",
        "online_url": "",
        "life_situations": ["auto-verkehr", "umzug"],
        "required_documents": [
            doc(
                "Zulassungsbescheinigung Teil I",
                "Registration certificate part I",
                COPY,
            ),
            doc(
                "Nutzungsnachweis",
                "Proof of permanent use",
                COPY,
                mandatory=False,
                note_de="Bei Firmen- oder Leasingfahrzeugen.",
                note_en="For company or leased vehicles.",
            ),
        ],
    },
]
