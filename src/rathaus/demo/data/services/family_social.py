"""Family and social benefits (Wohngeld, Elterngeld, Kita)."""

from typing import Any

from rathaus.demo.data.services.documents import COPY, ID_DOCUMENT, ORIGINAL, doc

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99107023037000",  # LeiKa
        "slug": "wohngeld",
        "name_de": "Wohngeld beantragen",
        "name_en": "Applying for housing benefit",
        "summary_de": (
            "Wohngeld ist ein Zuschuss zur Miete oder zu den Kosten für selbst genutztes "
            "Wohneigentum."
        ),
        "summary_en": (
            "Housing benefit is a grant towards rent or the cost of a home you own and live in."
        ),
        "description_de": (
            "Ob und wie viel Wohngeld Sie erhalten, hängt von der Zahl der Haushaltsmitglieder, "
            "dem Einkommen und der Miete ab. Wohngeld wird in der Regel für zwölf Monate "
            "bewilligt und ab dem Monat der Antragstellung gezahlt. Wer Bürgergeld oder "
            "Grundsicherung bezieht, erhält kein Wohngeld."
        ),
        "description_en": (
            "Whether you receive housing benefit and how much depends on the number of "
            "household members, income and rent. It is usually granted for twelve months and "
            "paid from the month of application. People receiving citizen's income or basic "
            "income support do not receive housing benefit."
        ),
        "target_group": "citizens",
        "legal_basis_de": "Wohngeldgesetz (WoGG); Wohngeldverordnung (WoGV)",
        "legal_basis_en": "Housing Benefit Act (WoGG); Housing Benefit Ordinance",
        "processing_time_de": "Etwa sechs bis acht Wochen.",
        "processing_time_en": "About six to eight weeks.",
        "deadlines_de": "Wohngeld gibt es frühestens ab dem Monat, in dem Sie den Antrag stellen.",
        "deadlines_en": "Benefit is paid at the earliest from the month of application.",
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 3,
        "min_trust_level": "substantial",
        "keywords": "Wohngeld, Mietzuschuss, Lastenzuschuss, Wohngeldstelle",
        "synonyms": "Zuschuss Miete, Miete zu hoch, Wohngeld Plus, Hilfe bei der Miete",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["finanzielle-hilfe"],
        "required_documents": [
            ID_DOCUMENT,
            doc("Mietvertrag", "Tenancy agreement", COPY),
            doc(
                "Einkommensnachweise aller Haushaltsmitglieder",
                "Proof of income of all household members",
            ),
            doc("Mietbescheinigung des Vermieters", "Landlord's rent certificate"),
        ],
    },
    {
        "leika_key": "99107022012000",  # LeiKa
        "slug": "wohnberechtigungsschein",
        "name_de": "Wohnberechtigungsschein beantragen",
        "name_en": "Applying for a housing entitlement certificate",
        "summary_de": (
            "Mit dem Wohnberechtigungsschein (WBS) können Sie eine öffentlich geförderte "
            "Wohnung mieten."
        ),
        "summary_en": (
            "With a housing entitlement certificate (WBS) you can rent publicly subsidised housing."
        ),
        "description_de": (
            "Den WBS erhalten Haushalte, deren Einkommen bestimmte Grenzen nicht überschreitet. "
            "Er gilt ein Jahr und nennt die angemessene Wohnungsgröße."
        ),
        "description_en": (
            "The certificate is issued to households whose income stays within certain limits. "
            "It is valid for one year and states the appropriate size of home."
        ),
        "target_group": "citizens",
        "legal_basis_de": (
            "§ 27 Wohnraumförderungsgesetz (WoFG); Wohnraumförderungsgesetz NRW bzw. "
            "Landeswohnraumförderungsgesetz Rheinland-Pfalz"
        ),
        "legal_basis_en": (
            "Section 27 of the Housing Promotion Act (WoFG); Land housing promotion law"
        ),
        "processing_time_de": "Etwa vier Wochen.",
        "processing_time_en": "About four weeks.",
        "deadlines_de": "Gültig ein Jahr.",
        "deadlines_en": "Valid for one year.",
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 2,
        "min_trust_level": "substantial",
        "keywords": "Wohnberechtigungsschein, WBS, Sozialwohnung, geförderter Wohnraum",
        "synonyms": "Sozialwohnung, günstige Wohnung, WBS beantragen",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["finanzielle-hilfe", "umzug"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Einkommensnachweise aller Haushaltsmitglieder",
                "Proof of income of all household members",
            ),
        ],
    },
    {
        "leika_key": "99041008000000",
        "slug": "elterngeld",
        "name_de": "Elterngeld beantragen",
        "name_en": "Applying for parental allowance",
        "summary_de": (
            "Elterngeld ersetzt einen Teil des Einkommens, wenn Sie nach der Geburt Ihr Kind "
            "betreuen."
        ),
        "summary_en": (
            "Parental allowance replaces part of your income while you care for your child "
            "after birth."
        ),
        "description_de": (
            "Basiselterngeld gibt es bis zu 14 Monate für beide Eltern zusammen, ElterngeldPlus "
            "doppelt so lange in halber Höhe. Es beträgt 65 bis 67 Prozent des wegfallenden "
            "Nettoeinkommens, mindestens 300 und höchstens 1.800 Euro im Monat. Rückwirkend "
            "wird es nur für die letzten drei Monate vor dem Antrag gezahlt."
        ),
        "description_en": (
            "Basic parental allowance is paid for up to 14 months for both parents together, "
            "ElterngeldPlus for twice as long at half the amount. It amounts to 65 to 67 per "
            "cent of the lost net income, at least 300 and at most 1,800 euros a month. It is "
            "paid retroactively for the last three months before the application only."
        ),
        "target_group": "citizens",
        "legal_basis_de": "Bundeselterngeld- und Elternzeitgesetz (BEEG)",
        "legal_basis_en": "Federal Parental Allowance and Parental Leave Act (BEEG)",
        "processing_time_de": "Etwa vier bis sechs Wochen.",
        "processing_time_en": "About four to six weeks.",
        "deadlines_de": "Innerhalb von drei Monaten nach der Geburt, sonst verfallen Monate.",
        "deadlines_en": "Within three months of birth, otherwise months are lost.",
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 4,
        "min_trust_level": "low",
        "keywords": "Elterngeld, ElterngeldPlus, Partnerschaftsbonus, Elterngeldstelle",
        "synonyms": "Elternzeit, Baby, Geld nach der Geburt, Mutterschutz, Vaterzeit",
        "online_application": "external",
        "online_url": "https://www.elterngeld-digital.de/",
        "life_situations": ["geburt", "finanzielle-hilfe"],
        "required_documents": [
            doc(
                "Geburtsurkunde des Kindes für Elterngeld",
                "Child's birth certificate for parental allowance",
                ORIGINAL,
                note_de="Die Standesämter stellen dafür eine gebührenfreie Urkunde aus.",
                note_en="Registry offices issue a free certificate for this purpose.",
            ),
            doc(
                "Einkommensnachweise der letzten zwölf Monate",
                "Proof of income for the last twelve months",
            ),
            doc(
                "Bescheinigung der Krankenkasse über Mutterschaftsgeld",
                "Health insurer's certificate of maternity pay",
                COPY,
                mandatory=False,
            ),
        ],
    },
    {
        "leika_key": "99081001104000",
        "slug": "kita-platz",
        "name_de": "Kita-Platz beantragen",
        "name_en": "Applying for a childcare place",
        "summary_de": (
            "Kinder ab dem ersten Geburtstag haben einen Rechtsanspruch auf einen Betreuungsplatz."
        ),
        "summary_en": "Children from their first birthday are entitled to a childcare place.",
        "description_de": (
            "Melden Sie Ihr Kind möglichst früh für eine Kindertagesstätte oder bei einer "
            "Tagespflegeperson an. Das Jugendamt berät zu freien Plätzen und vermittelt, wenn "
            "kein Platz gefunden wird. Elternbeiträge richten sich nach Land und Einkommen; in "
            "Rheinland-Pfalz ist der Kita-Besuch ab zwei Jahren beitragsfrei."
        ),
        "description_en": (
            "Register your child as early as possible for a day-care centre or a childminder. "
            "The youth welfare office advises on free places and helps if none can be found. "
            "Parental contributions depend on the Land and income; in Rhineland-Palatinate "
            "day care is free from the age of two."
        ),
        "target_group": "citizens",
        "legal_basis_de": (
            "§ 24 Sozialgesetzbuch VIII; Kinderbildungsgesetz NRW (KiBiz) bzw. "
            "Kindertagesstättengesetz Rheinland-Pfalz (KiTaG)"
        ),
        "legal_basis_en": (
            "Section 24 of Social Code VIII; NRW Child Education Act (KiBiz) / "
            "Rhineland-Palatinate Day-Care Act (KiTaG)"
        ),
        "processing_time_de": "Zusagen meist im Frühjahr für das folgende Kita-Jahr.",
        "processing_time_en": "Places are usually confirmed in spring for the next year.",
        "deadlines_de": "Bedarf mindestens sechs Monate vor dem gewünschten Beginn anmelden.",
        "deadlines_en": "Register your need at least six months before the desired start.",
        "fee_rule": {
            "kind": "free",
            "note_de": "Der Antrag ist gebührenfrei; Elternbeiträge können anfallen.",
            "note_en": "Applying is free; parental contributions may apply.",
        },
        "ozg_maturity": 2,
        "min_trust_level": "low",
        "keywords": "Kita, Kindertagesstätte, Kindergarten, Tagespflege, Betreuungsplatz",
        "synonyms": "Kindergartenplatz, Krippe, U3, Tagesmutter, Kinderbetreuung",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["geburt", "umzug"],
        "required_documents": [
            doc("Geburtsurkunde des Kindes", "Child's birth certificate", COPY),
            doc(
                "Nachweis über Masernschutz",
                "Proof of measles protection",
                COPY,
            ),
        ],
    },
]
