"""Public order (Fundsachen, Lärm, Waffen, Fischerei)."""

from typing import Any

from rathaus.demo.data.services.documents import CERTIFIED_COPY, COPY, ID_DOCUMENT, ORIGINAL, doc

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99069002001000",
        "slug": "fundsache-melden",
        "name_de": "Fundsache abgeben oder Verlust melden",
        "name_en": "Handing in or reporting lost property",
        "summary_de": (
            "Gefundenes geben Sie beim Fundbüro ab; Verlorenes können Sie dort suchen lassen."
        ),
        "summary_en": "Hand in found items at the lost property office and report lost ones there.",
        "description_de": (
            "Wer eine Sache im Wert von mehr als 10 Euro findet, muss den Fund anzeigen. Das "
            "Fundbüro bewahrt Fundsachen sechs Monate auf. Meldet sich niemand, kann die "
            "Finderin oder der Finder das Eigentum erwerben. Verlustmeldungen gleicht das "
            "Fundbüro mit den abgegebenen Sachen ab."
        ),
        "description_en": (
            "Anyone who finds an item worth more than 10 euros must report it. The lost "
            "property office keeps found items for six months; if nobody claims them, the "
            "finder may become the owner. The office checks reports of lost items against "
            "what has been handed in."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§§ 965–984 Bürgerliches Gesetzbuch (BGB)",
        "legal_basis_en": "Sections 965–984 of the German Civil Code (BGB)",
        "processing_time_de": "Sofort.",
        "processing_time_en": "Immediately.",
        "deadlines_de": "Aufbewahrung sechs Monate.",
        "deadlines_en": "Items are kept for six months.",
        "fee_rule": {
            "kind": "free",
            "note_de": "Bei Abholung kann ein Finderlohn fällig werden.",
            "note_en": "A finder's reward may be due when you collect an item.",
        },
        "ozg_maturity": 2,
        "min_trust_level": "low",
        "keywords": "Fundbüro, Fundsache, Verlustmeldung, Finderlohn",
        "synonyms": (
            "verloren, gefunden, Schlüssel verloren, Geldbörse verloren, Portemonnaie, "
            "Handy verloren, Fahrrad gefunden"
        ),
        "online_application": "none",
        "online_url": "",
        "life_situations": ["freizeit"],
        "required_documents": [ID_DOCUMENT],
    },
    {
        "leika_key": "99088003002000",
        "slug": "laermbelaestigung-melden",
        "name_de": "Lärmbelästigung melden",
        "name_en": "Reporting a noise nuisance",
        "summary_de": (
            "Anhaltender Lärm in der Nachbarschaft oder nachts? Das Ordnungsamt geht Hinweisen "
            "nach."
        ),
        "summary_en": (
            "Persistent noise in the neighbourhood or at night? The public order office follows "
            "up reports."
        ),
        "description_de": (
            "Zwischen 22 und 6 Uhr gilt die Nachtruhe. Das Ordnungsamt prüft Beschwerden über "
            "Lärm aus Gaststätten, Veranstaltungen, Baustellen oder von Geräten und kann "
            "Auflagen erteilen oder ein Bußgeldverfahren einleiten. Bei akuter nächtlicher "
            "Ruhestörung wenden Sie sich an die Polizei."
        ),
        "description_en": (
            "Night-time quiet applies from 10 pm to 6 am. The public order office looks into "
            "complaints about noise from bars, events, building sites or machines and can "
            "impose conditions or fines. For acute disturbances at night call the police."
        ),
        "target_group": "citizens",
        "legal_basis_de": (
            "Landes-Immissionsschutzgesetz NRW bzw. Rheinland-Pfalz; § 117 "
            "Ordnungswidrigkeitengesetz (OWiG)"
        ),
        "legal_basis_en": (
            "Land Immission Control Act (NRW / Rhineland-Palatinate); section 117 of the "
            "Administrative Offences Act"
        ),
        "processing_time_de": "Eine erste Rückmeldung innerhalb einer Woche.",
        "processing_time_en": "A first reply within a week.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 2,
        "min_trust_level": "low",
        "keywords": "Lärm, Ruhestörung, Nachtruhe, Immissionsschutz, Anwohnerbeschwerde",
        "synonyms": "zu laut, Nachbar laut, Lärmbeschwerde, Party, Baulärm, Beschwerde",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["freizeit"],
        "required_documents": [
            doc(
                "Lärmprotokoll",
                "Noise log",
                COPY,
                mandatory=False,
                note_de="Datum, Uhrzeit, Dauer und Art des Lärms.",
                note_en="Date, time, duration and kind of noise.",
            ),
        ],
    },
    {
        "leika_key": "99088001005000",
        "slug": "veranstaltung-anzeigen",
        "name_de": "Veranstaltung anzeigen",
        "name_en": "Notifying a public event",
        "summary_de": (
            "Straßenfest, Flohmarkt oder Konzert im Freien: zeigen Sie öffentliche "
            "Veranstaltungen rechtzeitig an."
        ),
        "summary_en": (
            "Street party, flea market or open-air concert: notify public events in good time."
        ),
        "description_de": (
            "Öffentliche Veranstaltungen müssen beim Ordnungsamt angezeigt werden; je nach Art "
            "sind Erlaubnisse nötig, etwa für den Ausschank von Alkohol (Gestattung), für "
            "Musik oder für die Nutzung öffentlicher Flächen. Das Ordnungsamt stimmt sich mit "
            "Polizei, Feuerwehr und Rettungsdienst ab."
        ),
        "description_en": (
            "Public events must be notified to the public order office; depending on the kind "
            "of event, permits are needed, e.g. for serving alcohol, for music or for using "
            "public space. The office coordinates with police, fire brigade and ambulance "
            "service."
        ),
        "target_group": "both",
        "legal_basis_de": "§ 12 Gaststättengesetz; Ordnungsbehördengesetz des Landes",
        "legal_basis_en": "Section 12 of the Restaurants Act; public order law of the Land",
        "processing_time_de": "Zwei bis vier Wochen.",
        "processing_time_en": "Two to four weeks.",
        "deadlines_de": "Mindestens vier Wochen vor der Veranstaltung.",
        "deadlines_en": "At least four weeks before the event.",
        "fee_rule": {
            "kind": "range",
            "min": 2000,
            "max": 25000,
            "note_de": "Abhängig von Größe und Aufwand.",
            "note_en": "Depending on size and effort.",
        },
        "ozg_maturity": 1,
        "min_trust_level": "low",
        "keywords": "Veranstaltung, Gestattung, Straßenfest, Flohmarkt, Ausschank",
        "synonyms": "Fest, Feier, Party im Freien, Konzert, Vereinsfest, Kirmes, Schützenfest",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["freizeit", "unternehmensgruendung"],
        "required_documents": [
            doc("Veranstaltungsbeschreibung mit Lageplan", "Event description with site plan"),
            doc(
                "Sicherheitskonzept",
                "Safety concept",
                COPY,
                mandatory=False,
                note_de="Ab etwa 1.000 Besucherinnen und Besuchern.",
                note_en="From about 1,000 visitors.",
            ),
        ],
    },
    {
        "leika_key": "99089001012000",
        "slug": "waffenbesitzkarte",
        "name_de": "Waffenbesitzkarte beantragen",
        "name_en": "Applying for a firearms ownership card",
        "summary_de": (
            "Wer eine erlaubnispflichtige Schusswaffe erwerben und besitzen will, braucht eine "
            "Waffenbesitzkarte."
        ),
        "summary_en": (
            "Anyone who wants to acquire and own a firearm subject to licensing needs a "
            "firearms ownership card."
        ),
        "description_de": (
            "Die Waffenbehörde prüft Zuverlässigkeit, persönliche Eignung, Sachkunde und "
            "Bedürfnis (etwa als Jägerin oder Sportschütze) sowie die sichere Aufbewahrung. "
            "Dazu holt sie Auskünfte bei Polizei, Verfassungsschutz und Bundeszentralregister "
            "ein."
        ),
        "description_en": (
            "The firearms authority checks reliability, personal aptitude, expertise and need "
            "(e.g. as a hunter or sport shooter) as well as safe storage. It obtains information "
            "from the police, the domestic intelligence service and the central criminal "
            "register."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§§ 4–10 Waffengesetz (WaffG); Allgemeine Waffengesetz-Verordnung",
        "legal_basis_en": "Sections 4–10 of the Weapons Act (WaffG)",
        "processing_time_de": "Vier bis acht Wochen.",
        "processing_time_en": "Four to eight weeks.",
        "deadlines_de": "Erwerb einer Waffe innerhalb von zwei Wochen anzeigen.",
        "deadlines_en": "Report the acquisition of a weapon within two weeks.",
        "fee_rule": {"kind": "range", "min": 5000, "max": 15000},
        "ozg_maturity": 1,
        "min_trust_level": "high",
        "keywords": "Waffenbesitzkarte, Waffenschein, Waffenbehörde, WBK",
        "synonyms": "Waffe, Jagdwaffe, Sportwaffe, Schützenverein, Gewehr",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["freizeit"],
        "required_documents": [
            ID_DOCUMENT,
            doc("Sachkundenachweis", "Certificate of expertise", CERTIFIED_COPY, electronic=False),
            doc(
                "Bedürfnisnachweis",
                "Proof of need",
                ORIGINAL,
                note_de="Z. B. Jagdschein oder Bescheinigung des Schießsportverbands.",
                note_en="E.g. hunting licence or confirmation of the shooting association.",
            ),
            doc("Nachweis über sichere Aufbewahrung", "Proof of safe storage", COPY),
        ],
    },
    {
        "leika_key": "99039002012000",
        "slug": "fischereischein",
        "name_de": "Fischereischein beantragen",
        "name_en": "Applying for a fishing licence",
        "summary_de": (
            "Wer angeln will, braucht einen Fischereischein – und für das Gewässer einen "
            "Erlaubnisschein."
        ),
        "summary_en": "To go fishing you need a fishing licence – and a permit for the water.",
        "description_de": (
            "Den Fischereischein erhalten Sie nach bestandener Fischerprüfung. Er wird für ein "
            "oder mehrere Jahre ausgestellt; zusätzlich wird die Fischereiabgabe des Landes "
            "erhoben. Für Kinder und Jugendliche gibt es einen Jugendfischereischein."
        ),
        "description_en": (
            "You receive a fishing licence after passing the angler's examination. It is issued "
            "for one or more years; the Land's fishing levy is charged in addition. Children "
            "and young people can get a youth licence."
        ),
        "target_group": "citizens",
        "legal_basis_de": (
            "Landesfischereigesetz NRW bzw. Rheinland-Pfalz; Fischereiabgabenverordnung"
        ),
        "legal_basis_en": "Fisheries Act of the Land; fishing levy ordinance",
        "processing_time_de": "Sofort bei Vorsprache.",
        "processing_time_en": "Immediately in person.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {
            "kind": "per_unit",
            "unit_price": 1200,
            "parameter": "years",
            "unit_de": "Jahr",
            "unit_en": "year",
            "base": 1000,
            "note_de": "Verwaltungsgebühr plus Fischereiabgabe je Jahr.",
            "note_en": "Administrative fee plus fishing levy per year.",
        },
        "ozg_maturity": 1,
        "min_trust_level": "low",
        "keywords": "Fischereischein, Angelschein, Fischerprüfung, Fischereiabgabe",
        "synonyms": "Angeln, Angelschein, Fischen, Angelkarte",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["freizeit"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Zeugnis über die Fischerprüfung",
                "Angler's examination certificate",
                ORIGINAL,
                electronic=False,
            ),
            doc("Passfoto", "Passport photo", ORIGINAL),
        ],
    },
]
