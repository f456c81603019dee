"""Offices (Organisationseinheiten) of the demo municipalities, with weekly opening hours and
days that differ from them.

Each municipality lists its units parents first: a Fachbereich (department) groups Ämter
(offices), an Amt may have Teams. Only units that receive the public have opening hours.
"""

import datetime as dt
from typing import Any

from rathaus.demo.data.weekly_hours import weekly_hours

# --- Weekly patterns --------------------------------------------------------------------------

BUERGERBUERO_STADT = weekly_hours(
    "Mo 07:30–12:30 14:00–16:00; Di 07:30–12:30 14:00–16:00; Mi 07:30–13:00; "
    "Do 07:30–12:30 14:00–18:00; Fr 07:30–12:30; Sa 09:00–12:00"
)
FACHAMT_STADT = weekly_hours(
    "Mo 08:30–12:00; Di 08:30–12:00; Mi 08:30–12:00; Do 08:30–12:00 14:00–17:30; Fr 08:30–12:00"
)
ZULASSUNG = weekly_hours(
    "Mo 07:30–12:00; Di 07:30–12:00; Mi 07:30–12:00; Do 07:30–12:00 13:30–17:00; Fr 07:30–12:00"
)
STANDESAMT = weekly_hours(
    "Mo 08:30–12:00; Di 08:30–12:00; Do 08:30–12:00 14:00–16:00; Fr 08:30–12:00"
)
KREISVERWALTUNG = weekly_hours(
    "Mo 08:00–12:00 14:00–16:00; Di 08:00–12:00 14:00–16:00; Mi 08:00–12:00; "
    "Do 08:00–12:00 14:00–18:00; Fr 08:00–12:00"
)
VG_BUERGERBUERO = weekly_hours(
    "Mo 08:00–12:00 14:00–16:00; Di 08:00–12:00 14:00–16:00; Mi 08:00–12:00; "
    "Do 08:00–12:00 14:00–18:00; Fr 08:00–12:30"
)
VG_FACHAMT = weekly_hours(
    "Mo 08:00–12:00; Di 08:00–12:00; Mi 08:00–12:00; Do 08:00–12:00 14:00–17:00; Fr 08:00–12:00"
)

# --- Days that differ from the pattern -----------------------------------------------------------

CHRISTMAS_EVE = {
    "date": dt.date(2026, 12, 24),
    "closed": True,
    "note_de": "Heiligabend – die Verwaltung bleibt geschlossen.",
    "note_en": "Christmas Eve – the offices are closed.",
}
NEW_YEARS_EVE = {
    "date": dt.date(2026, 12, 31),
    "closed": True,
    "note_de": "Silvester – die Verwaltung bleibt geschlossen.",
    "note_en": "New Year's Eve – the offices are closed.",
}
WEIBERFASTNACHT_2027 = {
    "date": dt.date(2027, 2, 4),
    "closed": False,
    "opens": dt.time(8, 0),
    "closes": dt.time(11, 0),
    "note_de": "Weiberfastnacht – nur bis 11 Uhr geöffnet.",
    "note_en": "Carnival Thursday – open until 11 am only.",
}
ROSENMONTAG_2027 = {
    "date": dt.date(2027, 2, 8),
    "closed": True,
    "note_de": "Rosenmontag – die Verwaltung bleibt geschlossen.",
    "note_en": "Carnival Monday – the offices are closed.",
}
STAFF_MEETING_GUETERSLOH = {
    "date": dt.date(2027, 1, 20),
    "closed": False,
    "opens": dt.time(8, 0),
    "closes": dt.time(12, 0),
    "note_de": "Personalversammlung – nachmittags geschlossen.",
    "note_en": "Staff meeting – closed in the afternoon.",
}

# --- Accessibility notes --------------------------------------------------------------------------

_RATHAUS_ACCESS_DE = (
    "Stufenloser Zugang über den Haupteingang, Aufzug zu allen Etagen, "
    "barrierefreies WC im Erdgeschoss. Induktive Höranlage an den Schaltern."
)
_RATHAUS_ACCESS_EN = (
    "Step-free access through the main entrance, lift to all floors, accessible toilet on "
    "the ground floor. Induction loop at the counters."
)
_UPPER_FLOOR_DE = (
    "Das Büro liegt im Obergeschoss und ist mit dem Aufzug erreichbar. Auf Wunsch kommen wir "
    "zu Ihnen ins Erdgeschoss – bitte melden Sie sich vorher telefonisch."
)
_UPPER_FLOOR_EN = (
    "The office is on an upper floor and can be reached by lift. On request we meet you on "
    "the ground floor – please call ahead."
)
_OLD_BUILDING_DE = (
    "Historisches Gebäude: Zugang über eine Rampe an der Rückseite, Klingel neben der Tür. "
    "Ein Aufzug ist vorhanden, ein barrierefreies WC gibt es im Nachbargebäude."
)
_OLD_BUILDING_EN = (
    "Historic building: access via a ramp at the back, bell next to the door. There is a "
    "lift; the accessible toilet is in the neighbouring building."
)


def _office(
    slug: str,
    name: str,
    name_en: str,
    *,
    kind: str = "office",
    parent: str | None = None,
    room: str = "",
    phone: str = "",
    email: str = "",
    hours: list[Any] | None = None,
    front_desk: bool = False,
    accessibility: tuple[str, str] = (_RATHAUS_ACCESS_DE, _RATHAUS_ACCESS_EN),
    address: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "name_en": name_en,
        "kind": kind,
        "parent": parent,
        "room": room,
        "phone": phone,
        "email": email,
        "accessibility_de": accessibility[0],
        "accessibility_en": accessibility[1],
        "hours": hours or [],
        "front_desk": front_desk,
        "address": address,
    }


def _stadt_offices(*, phone: str, domain: str) -> list[dict[str, Any]]:
    """The units of a große kreisangehörige Stadt that does Kreis-level work itself.

    `phone` is the switchboard prefix (e.g. "+49 2421 25-"), extensions are appended.
    """

    def mail(local: str) -> str:
        return f"{local}@{domain}"

    return [
        _office("fb-buergerdienste", "Fachbereich Bürgerdienste und Ordnung",
                "Department of Citizen Services and Public Order", kind="department",
                phone=f"{phone}1000", email=mail("buergerdienste")),
        _office("buergerbuero", "Bürgerbüro", "Citizens' Office", parent="fb-buergerdienste",
                room="Erdgeschoss, Schalter 1–8", phone=f"{phone}1100",
                email=mail("buergerbuero"), hours=BUERGERBUERO_STADT, front_desk=True),
        _office("fundbuero", "Fundbüro", "Lost and Found Office", kind="team",
                parent="buergerbuero", room="Erdgeschoss, Schalter 9", phone=f"{phone}1190",
                email=mail("fundbuero"), hours=BUERGERBUERO_STADT),
        _office("ordnungsamt", "Ordnungsamt", "Public Order Office", parent="fb-buergerdienste",
                room="1. Obergeschoss, Zimmer 110–124", phone=f"{phone}1200",
                email=mail("ordnungsamt"), hours=FACHAMT_STADT,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("waffenbehoerde", "Waffenbehörde", "Firearms Authority", kind="team",
                parent="ordnungsamt", room="1. Obergeschoss, Zimmer 125", phone=f"{phone}1250",
                email=mail("waffenbehoerde"), hours=FACHAMT_STADT,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("standesamt", "Standesamt", "Registry Office", parent="fb-buergerdienste",
                room="Erdgeschoss, Zimmer 20–26", phone=f"{phone}1300",
                email=mail("standesamt"), hours=STANDESAMT, front_desk=True),
        _office("strassenverkehrsamt", "Straßenverkehrsamt", "Road Traffic Office",
                parent="fb-buergerdienste", phone=f"{phone}1400",
                email=mail("strassenverkehrsamt"), room="Erdgeschoss, Nebengebäude",
                hours=FACHAMT_STADT),
        _office("zulassungsstelle", "Zulassungsstelle", "Vehicle Registration Office",
                kind="team", parent="strassenverkehrsamt", room="Nebengebäude, Halle 1",
                phone=f"{phone}1410", email=mail("zulassung"), hours=ZULASSUNG,
                front_desk=True),
        _office("fuehrerscheinstelle", "Führerscheinstelle", "Driving Licence Office",
                kind="team", parent="strassenverkehrsamt", room="Nebengebäude, Zimmer 4",
                phone=f"{phone}1450", email=mail("fuehrerschein"), hours=ZULASSUNG),
        _office("fb-jugend-soziales", "Fachbereich Jugend, Familie und Soziales",
                "Department of Youth, Family and Social Affairs", kind="department",
                phone=f"{phone}5000", email=mail("jugend-soziales")),
        _office("jugendamt", "Jugendamt", "Youth Welfare Office", parent="fb-jugend-soziales",
                room="2. Obergeschoss", phone=f"{phone}5100", email=mail("jugendamt"),
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("elterngeldstelle", "Elterngeldstelle", "Parental Allowance Office",
                kind="team", parent="jugendamt", room="2. Obergeschoss, Zimmer 210",
                phone=f"{phone}5150", email=mail("elterngeld"), hours=FACHAMT_STADT,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("kindertagesbetreuung", "Kindertagesbetreuung", "Childcare Services",
                kind="team", parent="jugendamt", room="2. Obergeschoss, Zimmer 220",
                phone=f"{phone}5170", email=mail("kita"), hours=FACHAMT_STADT,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("sozialamt", "Sozialamt", "Social Welfare Office", parent="fb-jugend-soziales",
                room="Erdgeschoss, Zimmer 30–40", phone=f"{phone}5200",
                email=mail("sozialamt")),
        _office("wohngeldstelle", "Wohngeldstelle", "Housing Benefit Office", kind="team",
                parent="sozialamt", room="Erdgeschoss, Zimmer 41–45", phone=f"{phone}5250",
                email=mail("wohngeld"), hours=FACHAMT_STADT),
        _office("fb-planen-bauen", "Fachbereich Planen, Bauen und Umwelt",
                "Department of Planning, Building and Environment", kind="department",
                phone=f"{phone}6000", email=mail("planen-bauen")),
        _office("bauaufsicht", "Bauaufsicht", "Building Control Office",
                parent="fb-planen-bauen", room="3. Obergeschoss", phone=f"{phone}6100",
                email=mail("bauaufsicht"), hours=FACHAMT_STADT,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("tiefbauamt", "Tiefbauamt", "Civil Engineering Office",
                parent="fb-planen-bauen", room="3. Obergeschoss", phone=f"{phone}6200",
                email=mail("tiefbauamt"), hours=FACHAMT_STADT,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("abfallwirtschaft", "Abfallberatung", "Waste Advice Service", kind="team",
                parent="fb-planen-bauen", room="Erdgeschoss, Zimmer 12", phone=f"{phone}6300",
                email=mail("abfallberatung"), hours=FACHAMT_STADT),
        _office("fb-finanzen", "Fachbereich Finanzen", "Department of Finance",
                kind="department", phone=f"{phone}2000", email=mail("finanzen")),
        _office("steueramt", "Steueramt", "Local Tax Office", parent="fb-finanzen",
                room="1. Obergeschoss, Zimmer 140–148", phone=f"{phone}2100",
                email=mail("steueramt"), hours=FACHAMT_STADT,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
    ]  # fmt: skip


def _kreis_offices() -> list[dict[str, Any]]:
    phone = "+49 2671 61-"

    def mail(local: str) -> str:
        return f"{local}@cochem-zell.example"

    return [
        _office("kreisverwaltung", "Kreisverwaltung Cochem-Zell",
                "District Administration of Cochem-Zell", kind="administration",
                phone=f"{phone}0", email=mail("kreisverwaltung")),
        _office("abt-ordnung-verkehr", "Abteilung Ordnung und Verkehr",
                "Department of Public Order and Traffic", kind="department",
                parent="kreisverwaltung", phone=f"{phone}300", email=mail("ordnung-verkehr")),
        _office("zulassungsstelle", "Zulassungsstelle", "Vehicle Registration Office",
                parent="abt-ordnung-verkehr", room="Erdgeschoss, Zimmer 011–018",
                phone=f"{phone}310", email=mail("zulassung"), hours=ZULASSUNG,
                front_desk=True),
        _office("fuehrerscheinstelle", "Führerscheinstelle", "Driving Licence Office",
                kind="team", parent="abt-ordnung-verkehr", room="Erdgeschoss, Zimmer 020",
                phone=f"{phone}330", email=mail("fuehrerschein"), hours=ZULASSUNG),
        _office("waffenbehoerde", "Waffenbehörde", "Firearms Authority", kind="team",
                parent="abt-ordnung-verkehr", room="1. Obergeschoss, Zimmer 112",
                phone=f"{phone}350", email=mail("waffen"), hours=KREISVERWALTUNG,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("abt-jugend-familie", "Abteilung Jugend und Familie (Jugendamt)",
                "Department of Youth and Family (Youth Welfare Office)", kind="department",
                parent="kreisverwaltung", phone=f"{phone}500", email=mail("jugendamt")),
        _office("elterngeldstelle", "Elterngeldstelle", "Parental Allowance Office",
                kind="team", parent="abt-jugend-familie", room="2. Obergeschoss, Zimmer 205",
                phone=f"{phone}520", email=mail("elterngeld"), hours=KREISVERWALTUNG,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("kindertagesbetreuung", "Kindertagesstätten und Kindertagespflege",
                "Day-care Centres and Childminding", kind="team", parent="abt-jugend-familie",
                room="2. Obergeschoss, Zimmer 210", phone=f"{phone}540", email=mail("kita"),
                hours=KREISVERWALTUNG, accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("abt-soziales", "Abteilung Soziales", "Department of Social Affairs",
                kind="department", parent="kreisverwaltung", phone=f"{phone}400",
                email=mail("soziales")),
        _office("wohngeldstelle", "Wohngeldstelle", "Housing Benefit Office",
                parent="abt-soziales", room="1. Obergeschoss, Zimmer 130–134",
                phone=f"{phone}420", email=mail("wohngeld"), hours=KREISVERWALTUNG,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("abt-bauen-umwelt", "Abteilung Bauen und Umwelt",
                "Department of Building and Environment", kind="department",
                parent="kreisverwaltung", phone=f"{phone}600", email=mail("bauen-umwelt")),
        _office("bauaufsicht", "Untere Bauaufsichtsbehörde", "Building Control Authority",
                parent="abt-bauen-umwelt", room="3. Obergeschoss", phone=f"{phone}610",
                email=mail("bauaufsicht"), hours=KREISVERWALTUNG,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("fischereibehoerde", "Untere Fischereibehörde", "Fisheries Authority",
                kind="team", parent="abt-bauen-umwelt", room="3. Obergeschoss, Zimmer 318",
                phone=f"{phone}650", email=mail("fischerei"), hours=KREISVERWALTUNG,
                accessibility=(_UPPER_FLOOR_DE, _UPPER_FLOOR_EN)),
        _office("abfallwirtschaft", "Abfallwirtschaft", "Waste Management",
                parent="abt-bauen-umwelt", room="Erdgeschoss, Zimmer 030",
                phone=f"{phone}680", email=mail("abfall"), hours=KREISVERWALTUNG),
    ]  # fmt: skip


def _vg_offices(
    *, name: str, phone: str, domain: str, old_building: bool = False
) -> list[dict[str, Any]]:
    """The units of a Verbandsgemeindeverwaltung (the Ortsgemeinden have no staff of their own)."""
    access = (
        (_OLD_BUILDING_DE, _OLD_BUILDING_EN)
        if old_building
        else (_RATHAUS_ACCESS_DE, _RATHAUS_ACCESS_EN)
    )

    def mail(local: str) -> str:
        return f"{local}@{domain}"

    return [
        _office("verwaltung", f"Verbandsgemeindeverwaltung {name}",
                f"Administration of the Verbandsgemeinde {name}", kind="administration",
                phone=f"{phone}0", email=mail("info"), accessibility=access),
        _office("fb-buergerdienste", "Fachbereich 1 – Bürgerdienste",
                "Department 1 – Citizen Services", kind="department", parent="verwaltung",
                phone=f"{phone}100", email=mail("buergerdienste"), accessibility=access),
        _office("buergerbuero", "Bürgerbüro", "Citizens' Office", parent="fb-buergerdienste",
                room="Erdgeschoss, Zimmer 1–4", phone=f"{phone}110",
                email=mail("buergerbuero"), hours=VG_BUERGERBUERO, front_desk=True,
                accessibility=access),
        _office("ordnungsamt", "Ordnungsamt", "Public Order Office", parent="fb-buergerdienste",
                room="Erdgeschoss, Zimmer 6–9", phone=f"{phone}130", email=mail("ordnungsamt"),
                hours=VG_FACHAMT, accessibility=access),
        _office("standesamt", "Standesamt", "Registry Office", parent="fb-buergerdienste",
                room="1. Obergeschoss, Zimmer 12", phone=f"{phone}150",
                email=mail("standesamt"), hours=VG_FACHAMT, front_desk=True,
                accessibility=access),
        _office("fb-finanzen", "Fachbereich 2 – Finanzen", "Department 2 – Finance",
                kind="department", parent="verwaltung", phone=f"{phone}200",
                email=mail("finanzen"), accessibility=access),
        _office("steuern-abgaben", "Steuern und Abgaben", "Local Taxes and Charges",
                kind="team", parent="fb-finanzen", room="1. Obergeschoss, Zimmer 21–23",
                phone=f"{phone}220", email=mail("steuern"), hours=VG_FACHAMT,
                accessibility=access),
    ]  # fmt: skip


# Municipality slug → its units and the days that differ from the weekly pattern. The special
# days are recorded for the front desks (Bürgerbüro, Standesamt, Zulassungsstelle), which is
# where citizens turn up without an appointment.
OFFICES: dict[str, dict[str, Any]] = {
    "dueren": {
        "units": _stadt_offices(phone="+49 2421 25-", domain="dueren.example"),
        "exceptions": [WEIBERFASTNACHT_2027, ROSENMONTAG_2027, CHRISTMAS_EVE, NEW_YEARS_EVE],
    },
    "guetersloh": {
        "units": _stadt_offices(phone="+49 5241 82-", domain="guetersloh.example"),
        "exceptions": [CHRISTMAS_EVE, NEW_YEARS_EVE, STAFF_MEETING_GUETERSLOH],
    },
    "cochem-zell": {
        "units": _kreis_offices(),
        "exceptions": [CHRISTMAS_EVE, NEW_YEARS_EVE, ROSENMONTAG_2027],
    },
    "vg-cochem": {
        "units": _vg_offices(name="Cochem", phone="+49 2671 608-", domain="vgcochem.example"),
        "exceptions": [CHRISTMAS_EVE, NEW_YEARS_EVE, ROSENMONTAG_2027],
    },
    "vg-kaisersesch": {
        "units": _vg_offices(
            name="Kaisersesch", phone="+49 2653 9996-", domain="kaisersesch.example"
        ),
        "exceptions": [CHRISTMAS_EVE, NEW_YEARS_EVE],
    },
    "vg-ulmen": {
        "units": _vg_offices(name="Ulmen", phone="+49 2676 409-", domain="ulmen.example"),
        "exceptions": [CHRISTMAS_EVE, NEW_YEARS_EVE],
    },
    "vg-zell": {
        "units": _vg_offices(
            name="Zell (Mosel)",
            phone="+49 6542 701-",
            domain="zell-mosel.example",
            old_building=True,
        ),
        "exceptions": [CHRISTMAS_EVE, NEW_YEARS_EVE, ROSENMONTAG_2027],
    },
}
