"""Query-side synonyms: words citizens type → the words the catalogue uses.

A query word also finds services that contain any of its expansions (a phrase must match with
all its words). Keys match by stem, so one entry covers "Ummeldung", "Ummeldungen" and
"ummelden". Service-specific synonyms belong in the service's own `synonyms` field, which is
indexed; this list is for everyday words that apply across the catalogue.
"""

GERMAN: dict[str, list[str]] = {
    # Moving house
    "Ummeldung": ["Wohnsitz anmelden"],
    "Umzug": ["Wohnsitz anmelden"],
    "umziehen": ["Wohnsitz anmelden"],
    "Zuzug": ["Wohnsitz anmelden"],
    "Adressänderung": ["Wohnsitz anmelden"],
    "Meldeadresse": ["Wohnsitz anmelden"],
    # Vehicles
    "Kfz": ["Fahrzeug"],
    "Auto": ["Fahrzeug"],
    "Pkw": ["Fahrzeug"],
    "Wagen": ["Fahrzeug"],
    "Motorrad": ["Fahrzeug"],
    "Nummernschild": ["Kennzeichen"],
    "Autokennzeichen": ["Kennzeichen"],
    "Führerschein": ["Fahrerlaubnis"],
    "Fahrerlaubnis": ["Führerschein"],
    # Identity documents
    "Perso": ["Personalausweis"],
    "Ausweis": ["Personalausweis", "Reisepass"],
    "Pass": ["Reisepass"],
    "Kinderpass": ["Kinderreisepass"],
    # Fines and parking
    "Knöllchen": ["Verwarnungsgeld", "Bußgeld"],
    "Strafzettel": ["Verwarnungsgeld", "Bußgeld"],
    "Strafe": ["Bußgeld", "Verwarnungsgeld"],
    "Parkschein": ["Parkausweis"],
    "Anwohnerparken": ["Bewohnerparkausweis"],
    "Anwohnerparkausweis": ["Bewohnerparkausweis"],
    "Parkplakette": ["Bewohnerparkausweis"],
    # Family
    "Hochzeit": ["Eheschließung"],
    "heiraten": ["Eheschließung"],
    "Heirat": ["Eheschließung"],
    "Baby": ["Geburt", "Geburtsurkunde"],
    "Neugeborenes": ["Geburt", "Geburtsurkunde"],
    "Todesfall": ["Sterbefall", "Sterbeurkunde"],
    "gestorben": ["Sterbefall", "Sterbeurkunde"],
    "Kindergarten": ["Kita", "Kindertagesbetreuung"],
    "Kinderbetreuung": ["Kita", "Kindertagesbetreuung"],
    # Housing and building
    "Mietzuschuss": ["Wohngeld"],
    "Miete": ["Wohngeld"],
    "Bauantrag": ["Baugenehmigung"],
    "Hausbau": ["Baugenehmigung"],
    "bauen": ["Baugenehmigung"],
    # Business
    "Firma": ["Gewerbe"],
    "Gewerbeschein": ["Gewerbe"],
    "selbstständig": ["Gewerbe"],
    "selbständig": ["Gewerbe"],
    "Existenzgründung": ["Gewerbe"],
    # Everyday
    "Müll": ["Abfall"],
    "Mülltonne": ["Abfall"],
    "Sperrgut": ["Sperrmüll"],
    "Hundemarke": ["Hund"],
    "Hundesteuer": ["Hund"],
    "Briefwahl": ["Wahlschein"],
    "Wahl": ["Wahlschein"],
}

ENGLISH: dict[str, list[str]] = {
    "moving": ["register residence"],
    "move": ["register residence"],
    "relocation": ["register residence"],
    "address": ["register residence"],
    "car": ["vehicle"],
    "auto": ["vehicle"],
    "motorbike": ["vehicle"],
    "plate": ["registration"],
    "registration": ["register"],
    "id": ["identity card", "passport"],
    "ticket": ["fine"],
    "license": ["licence"],
    "wedding": ["marriage"],
    "marry": ["marriage"],
    "baby": ["birth"],
    "death": ["death certificate"],
    "daycare": ["childcare"],
    "kindergarten": ["childcare"],
    "rent": ["housing benefit"],
    "company": ["business"],
    "trade": ["business"],
    "garbage": ["waste"],
    "trash": ["waste"],
    "rubbish": ["waste"],
}
