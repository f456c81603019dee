"""Demo municipalities: two große kreisangehörige Städte in NRW and the Landkreis Cochem-Zell
(Rheinland-Pfalz) with its four Verbandsgemeinden and some of their Ortsgemeinden.

Keys: ARS = Land (2) + Regierungsbezirk (1) + Kreis (2) + Verband (4) + Gemeinde (3). The
Verbandsschlüssel 5001 (Cochem), 5003 (Ulmen) and 5005 (Zell) and the Gemeinde numbers are the
published ones; 5002 for Kaisersesch and 013 for Briedel are inferred from the sequence and not
verified. A Kreis or Verbandsgemeinde has no AGS of its own.

Postal areas belong to the municipalities that are actually home to people (the cities and the
Ortsgemeinden): the Zuständigkeitsfinder resolves a postcode to the most specific municipality
and walks up from there, so a Kreis or Verbandsgemeinde carrying the same postcodes would only
make every postcode ambiguous.

Düren and Gütersloh really lie in the Kreise Düren and Gütersloh; the demo models them without
their Kreis so that each city shows a complete catalogue of its own.
"""

from typing import Any

KREIS_ARS = "071350000000"


def _arms(slug: str) -> str:
    return f"demo/arms/{slug}.svg"


MUNICIPALITIES: list[dict[str, Any]] = [
    {
        "ars": "053580008008",
        "ags": "05358008",
        "slug": "dueren",
        "name": "Stadt Düren",
        "kind": "grosse_kreisangehoerige_stadt",
        "parent": None,
        "has_portal": True,
        "accent": "blue",
        "coat_of_arms": _arms("dueren"),
        "authority_name": "Stadtverwaltung Düren",
        "street": "Kaiserplatz 2–4",
        "postcode": "52349",
        "city": "Düren",
        "phone": "+49 2421 25-0",
        "email": "stadtverwaltung@dueren.example",
        "website": "https://www.dueren.de",
        "represented_by": "den Bürgermeister",
        "supervisory_authority": "Bezirksregierung Köln, Zeughausstraße 2–10, 50667 Köln",
        "data_protection_officer": (
            "Behördlicher Datenschutzbeauftragter der Stadt Düren, Kaiserplatz 2–4, 52349 Düren, "
            "datenschutz@dueren.example"
        ),
        "accessibility_contact": "barrierefreiheit@dueren.example",
        "postal_areas": [
            ("52349", "Düren"),
            ("52351", "Düren"),
            ("52353", "Düren"),
            ("52355", "Düren"),
        ],
    },
    {
        "ars": "057540008008",
        "ags": "05754008",
        "slug": "guetersloh",
        "name": "Stadt Gütersloh",
        "kind": "grosse_kreisangehoerige_stadt",
        "parent": None,
        "has_portal": True,
        "accent": "green",
        "coat_of_arms": _arms("guetersloh"),
        "authority_name": "Stadtverwaltung Gütersloh",
        "street": "Berliner Straße 70",
        "postcode": "33330",
        "city": "Gütersloh",
        "phone": "+49 5241 82-0",
        "email": "rathaus@guetersloh.example",
        "website": "https://www.guetersloh.de",
        "represented_by": "den Bürgermeister",
        "supervisory_authority": "Bezirksregierung Detmold, Leopoldstraße 15, 32756 Detmold",
        "data_protection_officer": (
            "Behördliche Datenschutzbeauftragte der Stadt Gütersloh, Berliner Straße 70, "
            "33330 Gütersloh, datenschutz@guetersloh.example"
        ),
        "accessibility_contact": "barrierefreiheit@guetersloh.example",
        "postal_areas": [
            ("33330", "Gütersloh"),
            ("33332", "Gütersloh"),
            ("33333", "Gütersloh"),
            ("33334", "Gütersloh"),
            ("33335", "Gütersloh"),
        ],
    },
    {
        "ars": KREIS_ARS,
        "ags": "",
        "slug": "cochem-zell",
        "name": "Landkreis Cochem-Zell",
        "kind": "kreis",
        "parent": None,
        "has_portal": True,
        "accent": "red",
        "coat_of_arms": _arms("cochem-zell"),
        "authority_name": "Kreisverwaltung Cochem-Zell",
        "street": "Endertplatz 2",
        "postcode": "56812",
        "city": "Cochem",
        "phone": "+49 2671 61-0",
        "email": "kreisverwaltung@cochem-zell.example",
        "website": "https://www.cochem-zell.de",
        "represented_by": "den Landrat",
        "supervisory_authority": (
            "Aufsichts- und Dienstleistungsdirektion (ADD), Willy-Brandt-Platz 3, 54290 Trier"
        ),
        "data_protection_officer": (
            "Datenschutzbeauftragter der Kreisverwaltung Cochem-Zell, Endertplatz 2, "
            "56812 Cochem, datenschutz@cochem-zell.example"
        ),
        "accessibility_contact": "barrierefreiheit@cochem-zell.example",
        "postal_areas": [],
    },
]


def _verbandsgemeinde(
    *,
    verband: str,
    slug: str,
    name: str,
    street: str,
    postcode: str,
    city: str,
    phone: str,
    domain: str,
    website: str,
    accent: str,
) -> dict[str, Any]:
    return {
        "ars": f"07135{verband}000",
        "ags": "",
        "slug": slug,
        "name": f"Verbandsgemeinde {name}",
        "kind": "verbandsgemeinde",
        "parent": KREIS_ARS,
        "has_portal": True,
        "accent": accent,
        "coat_of_arms": _arms(slug),
        "authority_name": f"Verbandsgemeindeverwaltung {name}",
        "street": street,
        "postcode": postcode,
        "city": city,
        "phone": phone,
        "email": f"info@{domain}",
        "website": website,
        "represented_by": "den Bürgermeister der Verbandsgemeinde",
        "supervisory_authority": (
            "Kreisverwaltung Cochem-Zell – Kommunalaufsicht, Endertplatz 2, 56812 Cochem"
        ),
        "data_protection_officer": (
            f"Datenschutzbeauftragte der Verbandsgemeindeverwaltung {name}, {street}, "
            f"{postcode} {city}, datenschutz@{domain}"
        ),
        "accessibility_contact": f"barrierefreiheit@{domain}",
        "postal_areas": [],
    }


VERBANDSGEMEINDEN: list[dict[str, Any]] = [
    _verbandsgemeinde(
        verband="5001",
        slug="vg-cochem",
        name="Cochem",
        street="Ravenéstraße 61",
        postcode="56812",
        city="Cochem",
        phone="+49 2671 608-0",
        domain="vgcochem.example",
        website="https://www.vgcochem.de",
        accent="teal",
    ),
    _verbandsgemeinde(
        verband="5002",
        slug="vg-kaisersesch",
        name="Kaisersesch",
        street="Am Römerturm 2",
        postcode="56759",
        city="Kaisersesch",
        phone="+49 2653 9996-0",
        domain="kaisersesch.example",
        website="https://www.kaisersesch.de",
        accent="purple",
    ),
    _verbandsgemeinde(
        verband="5003",
        slug="vg-ulmen",
        name="Ulmen",
        street="Marktplatz 1",
        postcode="56766",
        city="Ulmen",
        phone="+49 2676 409-0",
        domain="ulmen.example",
        website="https://www.ulmen.de",
        accent="blue",
    ),
    _verbandsgemeinde(
        verband="5005",
        slug="vg-zell",
        name="Zell (Mosel)",
        street="Corray 1",
        postcode="56856",
        city="Zell (Mosel)",
        phone="+49 6542 701-0",
        domain="zell-mosel.example",
        website="https://www.zell-mosel.de",
        accent="green",
    ),
]


def _ortsgemeinde(
    *,
    verband: str,
    number: str,
    slug: str,
    name: str,
    postal_areas: list[tuple[str, str]],
    stadt: bool = False,
) -> dict[str, Any]:
    # A verbandsangehörige Stadt is legally an Ortsgemeinde carrying the title "Stadt".
    ars = f"07135{verband}{number}"
    return {
        "ars": ars,
        "ags": ars[:5] + ars[9:],
        "slug": slug,
        "name": f"Stadt {name}" if stadt else name,
        "kind": "ortsgemeinde",
        "parent": f"07135{verband}000",
        "has_portal": False,
        "accent": "blue",
        "coat_of_arms": "",
        "authority_name": "",
        "street": "",
        "postcode": "",
        "city": "",
        "phone": "",
        "email": "",
        "website": "",
        "represented_by": "den Stadtbürgermeister" if stadt else "den Ortsbürgermeister",
        "supervisory_authority": "",
        "data_protection_officer": "",
        "accessibility_contact": "",
        "postal_areas": postal_areas,
    }


ORTSGEMEINDEN: list[dict[str, Any]] = [
    # Verbandsgemeinde Cochem
    _ortsgemeinde(
        verband="5001",
        number="020",
        slug="cochem",
        name="Cochem",
        stadt=True,
        postal_areas=[("56812", "Cochem"), ("56812", "Cond"), ("56812", "Sehl")],
    ),
    _ortsgemeinde(
        verband="5001",
        number="024",
        slug="ediger-eller",
        name="Ediger-Eller",
        postal_areas=[("56814", "Ediger-Eller")],
    ),
    _ortsgemeinde(
        verband="5001",
        number="049",
        slug="klotten",
        name="Klotten",
        postal_areas=[("56818", "Klotten")],
    ),
    # Verbandsgemeinde Kaisersesch
    _ortsgemeinde(
        verband="5002",
        number="045",
        slug="kaisersesch",
        name="Kaisersesch",
        stadt=True,
        postal_areas=[("56759", "Kaisersesch")],
    ),
    _ortsgemeinde(
        verband="5002",
        number="051",
        slug="landkern",
        name="Landkern",
        postal_areas=[("56814", "Landkern")],
    ),
    _ortsgemeinde(
        verband="5002",
        number="058",
        slug="masburg",
        name="Masburg",
        postal_areas=[("56761", "Masburg")],
    ),
    # Verbandsgemeinde Ulmen
    _ortsgemeinde(
        verband="5003",
        number="083",
        slug="ulmen",
        name="Ulmen",
        stadt=True,
        postal_areas=[("56766", "Ulmen"), ("56766", "Meiserich")],
    ),
    _ortsgemeinde(
        verband="5003",
        number="005",
        slug="auderath",
        name="Auderath",
        postal_areas=[("56766", "Auderath")],
    ),
    _ortsgemeinde(
        verband="5003",
        number="057",
        slug="lutzerath",
        name="Lutzerath",
        postal_areas=[("56826", "Lutzerath"), ("56826", "Driesch")],
    ),
    _ortsgemeinde(
        verband="5003",
        number="018",
        slug="buechel",
        name="Büchel",
        postal_areas=[("56823", "Büchel")],
    ),
    # Verbandsgemeinde Zell (Mosel)
    _ortsgemeinde(
        verband="5005",
        number="092",
        slug="zell-mosel",
        name="Zell (Mosel)",
        stadt=True,
        postal_areas=[("56856", "Zell (Mosel)"), ("56856", "Kaimt"), ("56856", "Merl")],
    ),
    _ortsgemeinde(
        verband="5005",
        number="013",
        slug="briedel",
        name="Briedel",
        postal_areas=[("56867", "Briedel")],
    ),
    _ortsgemeinde(
        verband="5005",
        number="073",
        slug="puenderich",
        name="Pünderich",
        postal_areas=[("56862", "Pünderich")],
    ),
]

# Parents come before their children: the loader creates in this order.
ALL: list[dict[str, Any]] = [*MUNICIPALITIES, *VERBANDSGEMEINDEN, *ORTSGEMEINDEN]
