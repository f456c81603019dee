"""Registry office (Standesamt): certificates and marriage."""

from typing import Any

from rathaus.demo.data.services.documents import (
    CERTIFIED_COPY,
    ID_DOCUMENT,
    ORIGINAL,
    POWER_OF_ATTORNEY,
    doc,
)

SERVICES: list[dict[str, Any]] = [
    {
        "leika_key": "99027002012000",  # LeiKa
        "slug": "geburtsurkunde",
        "name_de": "Geburtsurkunde beantragen",
        "name_en": "Applying for a birth certificate",
        "summary_de": "Die Geburtsurkunde erhalten Sie beim Standesamt des Geburtsorts.",
        "summary_en": "You get a birth certificate from the registry office of the place of birth.",
        "description_de": (
            "Nach der Geburt beurkundet das Standesamt des Geburtsorts die Geburt, meist auf "
            "Anzeige der Klinik. Weitere Geburtsurkunden – etwa für Elterngeld, Kindergeld "
            "oder die Krankenkasse – können Sie jederzeit beantragen. Antragsberechtigt sind "
            "die Person selbst, Eltern, Kinder, Ehegatten und Personen mit rechtlichem "
            "Interesse."
        ),
        "description_en": (
            "After a birth the registry office of the place of birth records it, usually on "
            "notice from the hospital. You can order further birth certificates – for parental "
            "allowance, child benefit or health insurance – at any time. The person concerned, "
            "parents, children, spouses and anyone with a legal interest may apply."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§§ 55, 59, 62 Personenstandsgesetz (PStG)",
        "legal_basis_en": "Sections 55, 59 and 62 of the Civil Status Act (PStG)",
        "processing_time_de": "In der Regel wenige Tage.",
        "processing_time_en": "Usually a few days.",
        "deadlines_de": "Die Geburt ist innerhalb einer Woche anzuzeigen.",
        "deadlines_en": "A birth must be notified within one week.",
        "fee_rule": {
            "kind": "fixed",
            "amount": 1200,
            "note_de": "Jede weitere Urkunde im selben Antrag 6,00 €.",
            "note_en": "Each further copy in the same application €6.00.",
        },
        "ozg_maturity": 2,
        "min_trust_level": "substantial",
        "keywords": "Geburtsurkunde, Geburtsregister, Standesamt, Urkunde",
        "synonyms": "Geburtsschein, Abstammungsurkunde, Geburtsnachweis, Baby",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["geburt", "ausweise-dokumente"],
        "required_documents": [ID_DOCUMENT, POWER_OF_ATTORNEY],
    },
    {
        "leika_key": "99059001104000",  # LeiKa
        "slug": "eheschliessung-anmelden",
        "name_de": "Eheschließung anmelden",
        "name_en": "Giving notice of marriage",
        "summary_de": "Vor der Trauung melden Sie die Eheschließung beim Standesamt an.",
        "summary_en": "Before the wedding you give notice of marriage at the registry office.",
        "description_de": (
            "Die Anmeldung nehmen Sie beim Standesamt Ihres Wohnsitzes vor, in der Regel beide "
            "gemeinsam. Das Standesamt prüft, ob die Ehe geschlossen werden darf. Die Trauung "
            "kann danach bei jedem Standesamt in Deutschland stattfinden. Sind ausländische "
            "Staatsangehörige beteiligt, sind weitere Unterlagen nötig."
        ),
        "description_en": (
            "You give notice at the registry office where you live, usually together. The "
            "office checks that nothing prevents the marriage. The wedding can then take place "
            "at any registry office in Germany. If a foreign national is involved, further "
            "documents are needed."
        ),
        "target_group": "citizens",
        "legal_basis_de": "§§ 11–13 Personenstandsgesetz (PStG); §§ 1310 ff. BGB",
        "legal_basis_en": "Sections 11–13 of the Civil Status Act; sections 1310 et seq. BGB",
        "processing_time_de": "Einige Tage bis mehrere Wochen (mit Auslandsbezug).",
        "processing_time_en": "A few days to several weeks (with a foreign element).",
        "deadlines_de": "Die Anmeldung gilt sechs Monate; frühestens sechs Monate vor der Trauung.",
        "deadlines_en": "Notice is valid for six months; give it no earlier than that.",
        "fee_rule": {
            "kind": "range",
            "min": 6000,
            "max": 12000,
            "note_de": "Höher, wenn ausländisches Recht zu prüfen ist.",
            "note_en": "Higher if foreign law has to be examined.",
        },
        "ozg_maturity": 1,
        "min_trust_level": "substantial",
        "keywords": "Eheschließung, Trauung, Anmeldung zur Eheschließung, Standesamt",
        "synonyms": "Heiraten, Hochzeit, Aufgebot, Ehe, standesamtliche Trauung",
        "online_application": "none",
        "online_url": "",
        "life_situations": ["heirat"],
        "required_documents": [
            ID_DOCUMENT,
            doc(
                "Beglaubigter Ausdruck aus dem Geburtenregister",
                "Certified extract from the birth register",
                CERTIFIED_COPY,
                electronic=False,
                note_de="Erhalten Sie beim Standesamt Ihres Geburtsorts.",
                note_en="Available from the registry office of your place of birth.",
            ),
            doc(
                "Erweiterte Meldebescheinigung",
                "Extended certificate of registration",
                ORIGINAL,
                mandatory=False,
                note_de="Nur wenn Sie nicht in dieser Gemeinde gemeldet sind.",
                note_en="Only if you are not registered in this municipality.",
            ),
        ],
    },
]
