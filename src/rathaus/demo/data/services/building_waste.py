"""Building and waste."""

from typing import Any

from rathaus.demo.data.services.documents import COPY, ORIGINAL, doc

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99012070006001",  # LeiKa
        "slug": "baugenehmigung",
        "name_de": "Baugenehmigung beantragen",
        "name_en": "Applying for a building permit",
        "summary_de": (
            "Für Neubau, Umbau oder Nutzungsänderung brauchen Sie meist eine Baugenehmigung."
        ),
        "summary_en": (
            "New buildings, conversions and changes of use usually need a building permit."
        ),
        "description_de": (
            "Den Bauantrag reichen Sie mit den von einer bauvorlageberechtigten Person "
            "erstellten Unterlagen bei der Bauaufsichtsbehörde ein. Sie beteiligt die Gemeinde "
            "und Fachbehörden und prüft das Vorhaben nach Bauplanungs- und Bauordnungsrecht. "
            "Kleinere Vorhaben sind genehmigungsfrei oder im vereinfachten Verfahren möglich.\n\n"
            "Die Gebühr richtet sich nach den Baukosten (Rohbauwert)."
        ),
        "description_en": (
            "Submit the application with documents prepared by a qualified architect or "
            "engineer to the building control authority. It consults the municipality and "
            "other authorities and checks the project against planning and building law. "
            "Smaller projects need no permit or can use a simplified procedure.\n\n"
            "The fee depends on the construction costs."
        ),
        "target_group": "both",
        "legal_basis_de": (
            "§§ 64 ff. Landesbauordnung NRW (BauO NRW 2018); §§ 61 ff. Landesbauordnung "
            "Rheinland-Pfalz (LBauO); Baugesetzbuch (BauGB)"
        ),
        "legal_basis_en": (
            "Building codes of North Rhine-Westphalia and Rhineland-Palatinate; Federal "
            "Building Code (BauGB)"
        ),
        "processing_time_de": (
            "Im vereinfachten Verfahren in der Regel drei Monate ab vollständigem Antrag."
        ),
        "processing_time_en": (
            "In the simplified procedure usually three months from the complete application."
        ),
        "deadlines_de": (
            "Die Genehmigung erlischt, wenn nicht innerhalb von drei Jahren begonnen wird."
        ),
        "deadlines_en": "The permit lapses if work does not start within three years.",
        "fee_rule": {
            "kind": "formula",
            "expression": "max(7500, round(costs * 0.5))",
            "parameters": [
                {
                    "name": "costs",
                    "label_de": "Rohbauwert in Euro",
                    "label_en": "construction value in euros",
                    "min": 0,
                }
            ],
            "description_de": "5 ‰ der Rohbaukosten, mindestens 75,00 €",
            "description_en": "0.5 % of the construction value, at least €75.00",
        },
        "ozg_maturity": 3,
        "min_trust_level": "substantial",
        "keywords": "Baugenehmigung, Bauantrag, Bauaufsicht, Bauvorlage, Bauordnung",
        "synonyms": "Haus bauen, Anbau, Umbau, Garage bauen, Carport, Dachgaube, Neubau",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["bauen"],
        "required_documents": [
            doc("Bauantragsformular", "Building application form", ORIGINAL),
            doc("Lageplan", "Site plan", COPY),
            doc("Bauzeichnungen und Baubeschreibung", "Building drawings and description", COPY),
            doc("Standsicherheitsnachweis", "Structural analysis", COPY, mandatory=False),
        ],
    },
    {
        "leika_key": "99093005104000",
        "slug": "sperrmuell-anmelden",
        "name_de": "Sperrmüll anmelden",
        "name_en": "Booking a bulky waste collection",
        "summary_de": "Möbel und andere sperrige Gegenstände werden nach Anmeldung abgeholt.",
        "summary_en": "Furniture and other bulky items are collected once you book a date.",
        "description_de": (
            "Zum Sperrmüll gehören Möbel, Matratzen, Teppiche und andere Gegenstände, die nicht "
            "in die Restmülltonne passen. Elektrogeräte, Bauschutt und Sonderabfälle gehören "
            "nicht dazu. Sie erhalten einen Abholtermin und stellen den Sperrmüll am Vorabend "
            "an die Straße."
        ),
        "description_en": (
            "Bulky waste means furniture, mattresses, carpets and other items that do not fit "
            "in the residual waste bin. Electrical appliances, rubble and hazardous waste are "
            "not included. You receive a collection date and put the items out the evening "
            "before."
        ),
        "target_group": "citizens",
        "legal_basis_de": "Kreislaufwirtschaftsgesetz (KrWG); Abfallsatzung",
        "legal_basis_en": "Circular Economy Act (KrWG); waste statute",
        "processing_time_de": "Abholtermin meist innerhalb von zwei bis vier Wochen.",
        "processing_time_en": "Collection usually within two to four weeks.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {
            "kind": "free",
            "note_de": "In der Abfallgebühr enthalten.",
            "note_en": "Included in the waste charge.",
        },
        "ozg_maturity": 3,
        "min_trust_level": "low",
        "keywords": "Sperrmüll, Sperrgut, Abfuhrtermin, Abfallwirtschaft",
        "synonyms": "Möbel entsorgen, Sofa entsorgen, Müllabfuhr, Entrümpelung, Umzug Müll",
        "online_application": "internal",
        "online_url": "",
        "life_situations": ["umzug", "bauen"],
        "required_documents": [],
    },
]
