"""Life situations (Lebenslagen) that group the demo services."""

from typing import Any

LIFE_SITUATIONS: list[dict[str, Any]] = [
    {
        "slug": "umzug",
        "name_de": "Umzug",
        "name_en": "Moving house",
        "description_de": (
            "Neue Wohnung, neue Adresse: Wohnsitz ummelden, Fahrzeug und Hund mitnehmen, "
            "Parkausweis beantragen."
        ),
        "description_en": (
            "New home, new address: register your residence, take your vehicle and dog with "
            "you, apply for a parking permit."
        ),
    },
    {
        "slug": "geburt",
        "name_de": "Geburt",
        "name_en": "Having a baby",
        "description_de": "Geburtsurkunde, Elterngeld und ein Betreuungsplatz für Ihr Kind.",
        "description_en": "Birth certificate, parental allowance and a childcare place.",
    },
    {
        "slug": "heirat",
        "name_de": "Heirat",
        "name_en": "Getting married",
        "description_de": "Eheschließung anmelden, Urkunden und Namensänderungen.",
        "description_en": "Registering your marriage, certificates and name changes.",
    },
    {
        "slug": "haustier",
        "name_de": "Haustier und Hund",
        "name_en": "Pets and dogs",
        "description_de": "Hund anmelden und abmelden, Hundesteuer und Hundemarke.",
        "description_en": "Registering and deregistering a dog, dog tax and dog tag.",
    },
    {
        "slug": "unternehmensgruendung",
        "name_de": "Unternehmensgründung",
        "name_en": "Starting a business",
        "description_de": (
            "Gewerbe anmelden, Erlaubnisse einholen, Flächen im öffentlichen Raum nutzen."
        ),
        "description_en": (
            "Registering a trade, obtaining permits, using public space for your business."
        ),
    },
    {
        "slug": "bauen",
        "name_de": "Bauen und Wohnen",
        "name_en": "Building and housing",
        "description_de": "Bauantrag, Anliegerbescheinigung, Grundsteuer und Sperrmüll.",
        "description_en": "Building permit, certificate for owners, property tax and bulky waste.",
    },
    {
        "slug": "auto-verkehr",
        "name_de": "Auto und Verkehr",
        "name_en": "Cars and traffic",
        "description_de": (
            "Fahrzeug zulassen oder abmelden, Führerschein umtauschen, Bewohnerparken."
        ),
        "description_en": (
            "Registering or deregistering a vehicle, exchanging a driving licence, resident "
            "parking."
        ),
    },
    {
        "slug": "finanzielle-hilfe",
        "name_de": "Finanzielle Hilfe",
        "name_en": "Financial support",
        "description_de": "Wohngeld, Wohnberechtigungsschein und Elterngeld.",
        "description_en": (
            "Housing benefit, housing entitlement certificate and parental allowance."
        ),
    },
    {
        "slug": "ausweise-dokumente",
        "name_de": "Ausweise und Dokumente",
        "name_en": "ID cards and documents",
        "description_de": (
            "Personalausweis, Reisepass, Führungszeugnis, Meldebescheinigung und Urkunden."
        ),
        "description_en": (
            "Identity card, passport, certificate of good conduct, registration certificate and "
            "civil status certificates."
        ),
    },
    {
        "slug": "freizeit",
        "name_de": "Freizeit und Veranstaltungen",
        "name_en": "Leisure and events",
        "description_de": "Angeln, Feste feiern, Fundsachen – und wenn es nebenan zu laut wird.",
        "description_en": "Fishing, holding events, lost property – and noisy neighbours.",
    },
]
