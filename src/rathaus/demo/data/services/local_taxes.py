"""Local taxes and charges (Hundesteuer, Grundsteuer, Anliegerbeiträge)."""

from typing import Any

from rathaus.demo.data.services.documents import COPY, ID_DOCUMENT, ORIGINAL, POWER_OF_ATTORNEY, doc

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99102013104000",  # LeiKa
        "slug": "hund-anmelden",
        "name_de": "Hund anmelden (Hundesteuer)",
        "name_en": "Registering a dog (dog tax)",
        "summary_de": (
            "Wer einen Hund hält, muss ihn zur Hundesteuer anmelden und erhält eine Hundemarke."
        ),
        "summary_en": "If you keep a dog you must register it for dog tax and get a dog tag.",
        "description_de": (
            "Melden Sie Ihren Hund an, sobald er bei Ihnen lebt oder drei Monate alt ist. Die "
            "Steuer wird für das Kalenderjahr festgesetzt; für den zweiten und jeden weiteren "
            "Hund gilt ein höherer Satz. Für Blindenführhunde und Rettungshunde gibt es "
            "Befreiungen. Für gefährliche Hunde gelten gesonderte Sätze und Erlaubnispflichten."
        ),
        "description_en": (
            "Register your dog as soon as it lives with you or is three months old. The tax is "
            "set for the calendar year; a higher rate applies to the second and each further "
            "dog. Guide dogs and rescue dogs are exempt. Separate rates and permits apply to "
            "dangerous dogs."
        ),
        "target_group": "citizens",
        "legal_basis_de": (
            "Kommunalabgabengesetz NRW bzw. Rheinland-Pfalz in Verbindung mit der "
            "Hundesteuersatzung der Gemeinde"
        ),
        "legal_basis_en": "Local Charges Act of the Land and the municipality's dog tax statute",
        "processing_time_de": "Steuerbescheid und Hundemarke innerhalb von etwa zwei Wochen.",
        "processing_time_en": "Tax notice and dog tag within about two weeks.",
        "deadlines_de": "Innerhalb von zwei Wochen nach Aufnahme des Hundes.",
        "deadlines_en": "Within two weeks of taking in the dog.",
        "fee_rule": {
            "kind": "formula",
            "expression": "9600 + 13200 * min(max(0, dogs - 1), 1) + 15600 * max(0, dogs - 2)",
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
                "Jahressteuer: erster Hund 96,00 €, zweiter Hund 132,00 €, jeder weitere 156,00 €"
            ),
            "description_en": (
                "Annual tax: first dog €96.00, second dog €132.00, each further dog €156.00"
            ),
            "note_de": "Beispielsätze; maßgeblich ist die Hundesteuersatzung.",
            "note_en": "Example rates; the dog tax statute applies.",
        },
        "ozg_maturity": 3,
        "min_trust_level": "low",
        "keywords": "Hundesteuer, Hundemarke, Hundeanmeldung, Steueramt",
        "synonyms": "Hunde, Hund, Welpe, Hundehaltung, Hundesteuer anmelden, Haustier",
        # Most people searching "Hund" want to register one (see catalog/search/ranking.py).
        "search_boost": 1,
        "online_application": "internal",
        "online_url": "",
        "life_situations": ["haustier", "umzug"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Nachweis der Haftpflichtversicherung",
                "Proof of liability insurance",
                COPY,
                note_de=(
                    "Versicherungsschein oder Bestätigung der Versicherung, als PDF oder Foto. "
                    "In NRW für große Hunde gesetzlich vorgeschrieben; die Demo-Satzungen "
                    "verlangen ihn für jeden Hund."
                ),
                note_en=(
                    "Insurance policy or the insurer's confirmation, as a PDF or photo. Required "
                    "by law for large dogs in NRW; the demo statutes require it for every dog."
                ),
            ),
        ],
    },
    {
        "leika_key": "99102013105000",
        "slug": "hund-abmelden",
        "name_de": "Hund abmelden (Hundesteuer)",
        "name_en": "Deregistering a dog (dog tax)",
        "summary_de": (
            "Wenn Ihr Hund stirbt, abgegeben wird oder Sie wegziehen, melden Sie ihn ab."
        ),
        "summary_en": "If your dog dies, is given away or you move away, deregister it.",
        "description_de": (
            "Die Steuerpflicht endet mit dem Ende des Monats, in dem der Hund abgegeben wird, "
            "stirbt oder Sie wegziehen. Geben Sie die Hundemarke zurück."
        ),
        "description_en": (
            "Tax liability ends at the end of the month in which the dog is given away, dies or "
            "you move away. Please return the dog tag."
        ),
        "target_group": "citizens",
        "legal_basis_de": "Hundesteuersatzung der Gemeinde",
        "legal_basis_en": "The municipality's dog tax statute",
        "processing_time_de": "Etwa zwei Wochen.",
        "processing_time_en": "About two weeks.",
        "deadlines_de": "Innerhalb von zwei Wochen.",
        "deadlines_en": "Within two weeks.",
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 3,
        "min_trust_level": "low",
        "keywords": "Hundesteuer, Hundemarke, Hund abmelden",
        "synonyms": "Hund verstorben, Hund abgegeben, Hundemarke zurückgeben",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["haustier"],
        "required_documents": [
            doc("Hundemarke", "Dog tag", ORIGINAL, electronic=False),
            doc(
                "Nachweis über Tod oder Abgabe des Hundes",
                "Proof that the dog died or was given away",
                COPY,
                mandatory=False,
            ),
        ],
    },
    {
        "leika_key": "99103003061000",
        "slug": "grundsteuer-auskunft",
        "name_de": "Auskunft zum Grundsteuerbescheid",
        "name_en": "Information on your property tax notice",
        "summary_de": (
            "Fragen zu Ihrem Grundsteuerbescheid, zu Fälligkeiten und zur Zahlung beantwortet "
            "das Steueramt."
        ),
        "summary_en": (
            "The local tax office answers questions about your property tax notice, due dates "
            "and payment."
        ),
        "description_de": (
            "Die Gemeinde setzt die Grundsteuer mit dem Hebesatz fest; den Grundsteuerwert und "
            "den Messbetrag ermittelt das Finanzamt. Fragen zum Grundsteuerwert richten Sie "
            "daher an das Finanzamt, Fragen zu Hebesatz, Fälligkeiten, Zahlung und "
            "Lastschriftmandat an das Steueramt."
        ),
        "description_en": (
            "The municipality sets the property tax using its multiplier; the tax office "
            "(Finanzamt) determines the assessed value. Questions about the value go to the "
            "Finanzamt, questions about the multiplier, due dates, payment and direct debit to "
            "the local tax office."
        ),
        "target_group": "both",
        "legal_basis_de": "Grundsteuergesetz (GrStG); Hebesatzsatzung der Gemeinde",
        "legal_basis_en": "Property Tax Act (GrStG); the municipality's multiplier statute",
        "processing_time_de": "Meist sofort, schriftlich innerhalb einer Woche.",
        "processing_time_en": "Usually immediately, in writing within a week.",
        "deadlines_de": (
            "Einspruch gegen den Bescheid innerhalb eines Monats nach Bekanntgabe; Fälligkeiten "
            "15. Februar, 15. Mai, 15. August, 15. November."
        ),
        "deadlines_en": (
            "Objections within one month of notification; due dates 15 February, 15 May, "
            "15 August, 15 November."
        ),
        "fee_rule": {"kind": "free"},
        "ozg_maturity": 1,
        "min_trust_level": "low",
        "keywords": "Grundsteuer, Grundsteuerbescheid, Hebesatz, Grundbesitzabgaben",
        "synonyms": "Grundsteuerreform, Steuerbescheid Haus, Grundstück Steuer",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["bauen"],
        "required_documents": [
            doc("Grundsteuerbescheid", "Property tax notice", COPY, mandatory=False),
        ],
    },
    {
        "leika_key": "99010001012000",
        "slug": "anliegerbescheinigung",
        "name_de": "Anliegerbescheinigung beantragen",
        "name_en": "Applying for a certificate of development charges",
        "summary_de": (
            "Die Anliegerbescheinigung zeigt, ob für ein Grundstück Erschließungs- oder "
            "Ausbaubeiträge offen sind."
        ),
        "summary_en": (
            "The certificate shows whether development or road improvement charges are "
            "outstanding for a plot."
        ),
        "description_de": (
            "Beim Kauf eines Grundstücks verlangen Notar oder Bank oft eine "
            "Anliegerbescheinigung. Sie gibt Auskunft darüber, ob Beiträge für Erschließung "
            "oder Straßenausbau bereits gezahlt sind oder noch anfallen können. Die Gebühr "
            "richtet sich nach der Zahl der Flurstücke."
        ),
        "description_en": (
            "When buying a plot, notaries or banks often ask for this certificate. It states "
            "whether contributions for development or road improvements have been paid or may "
            "still be due. The fee depends on the number of parcels."
        ),
        "target_group": "both",
        "legal_basis_de": (
            "§§ 127 ff. Baugesetzbuch (BauGB); Kommunalabgabengesetz des Landes; Satzungen der "
            "Gemeinde"
        ),
        "legal_basis_en": (
            "Sections 127 et seq. of the Federal Building Code; Local Charges Act; municipal "
            "statutes"
        ),
        "processing_time_de": "Etwa zwei Wochen.",
        "processing_time_en": "About two weeks.",
        "deadlines_de": "",
        "deadlines_en": "",
        "fee_rule": {
            "kind": "per_unit",
            "unit_price": 2500,
            "parameter": "parcels",
            "unit_de": "Flurstück",
            "unit_en": "parcel",
            "base": 0,
        },
        "ozg_maturity": 2,
        "min_trust_level": "substantial",
        "keywords": "Anliegerbescheinigung, Erschließungsbeitrag, Ausbaubeitrag",
        "synonyms": "Grundstückskauf, Anliegerbeiträge, Erschließungskosten, Notar",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["bauen"],
        "required_documents": [
            doc(
                "Grundbuchauszug oder Kaufvertragsentwurf",
                "Land register extract or draft purchase contract",
                COPY,
            ),
            POWER_OF_ATTORNEY,
        ],
    },
]
