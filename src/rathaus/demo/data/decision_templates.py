"""The decision templates (Bescheidvorlagen) of the demo processes, installation-wide: what
the Fachadministration writes in /intern/bescheide/. Placeholders: the case's facts
(`reference`, `applicant_name`, `applicant_address`, `service_name`, `office_name`,
`office_address`, `municipality_name`, `today`, `submitted_on`) and the process's data
(`granted`, `fee`, `reason`, …)."""

from rathaus.decisions.rendering import DEFAULT_LEGAL_REMEDY

NOT_AN_ACT = (
    "Diese Bescheinigung ist kein Verwaltungsakt; ein Rechtsbehelf ist dagegen nicht gegeben. "
    "Ist sie unrichtig, wenden Sie sich bitte an {{ office_name }}, {{ office_address }}."
)

TEMPLATES = {
    "hund-anmelden": {
        "title": "Bescheid über die Festsetzung der Hundesteuer",
        "operative_part": (
            "Für das Halten Ihrer Hunde wird die Hundesteuer ab dem Beginn des Monats, in dem "
            "die Haltung begonnen hat, auf jährlich {{ fee|floatformat:2 }} Euro festgesetzt."
        ),
        "reasons": (
            "Sie haben am {{ submitted_on|date:'d.m.Y' }} das Halten von Hunden angezeigt. Nach "
            "der Hundesteuersatzung der {{ municipality_name }} ist für das Halten von Hunden im "
            "Gemeindegebiet Hundesteuer zu entrichten; ihre Höhe richtet sich nach der Zahl der "
            "Hunde, Steuerbefreiungen und -ermäßigungen sind berücksichtigt."
        ),
        "fee_assessment": (
            "Die Festsetzung ist gebührenfrei. Die Steuer wird zu je einem Viertel am 15. Februar, "
            "15. Mai, 15. August und 15. November fällig."
        ),
        "legal_remedy": DEFAULT_LEGAL_REMEDY,
    },
    "gewerbe-anmelden": {
        "title": "Empfangsbescheinigung über die Gewerbeanzeige (§ 15 Abs. 1 GewO)",
        "operative_part": (
            "Der Empfang Ihrer Gewerbeanzeige vom {{ submitted_on|date:'d.m.Y' }} wird bescheinigt."
        ),
        "reasons": (
            "Die Anzeige wurde an die nach § 14 der Gewerbeordnung zu beteiligenden Stellen "
            "weitergegeben (Finanzamt, Industrie- und Handelskammer oder Handwerkskammer, "
            "Statistisches Landesamt)."
        ),
        "fee_assessment": (
            "Die Gebühr für die Gewerbeanzeige wurde bei der Antragstellung entrichtet."
        ),
        "legal_remedy": NOT_AN_ACT,
    },
    "bewohnerparkausweis": {
        "title": (
            "{% if granted %}Bewohnerparkausweis{% else %}Ablehnung eines "
            "Bewohnerparkausweises{% endif %}"
        ),
        "operative_part": (
            "{% if granted %}Ihnen wird ein Bewohnerparkausweis für Ihre Bewohnerparkzone "
            "erteilt. Der Ausweis ist gut sichtbar hinter der Windschutzscheibe auszulegen."
            "{% else %}Ihr Antrag vom {{ submitted_on|date:'d.m.Y' }} auf einen "
            "Bewohnerparkausweis wird abgelehnt.{% endif %}"
        ),
        "reasons": (
            "{% if granted %}Sie sind in der Zone mit Hauptwohnung gemeldet, und das Fahrzeug "
            "ist auf Sie zugelassen oder Ihnen dauerhaft zur Nutzung überlassen "
            "(§ 45 Abs. 1b Nr. 2a StVO).{% else %}{{ reason }}{% endif %}"
        ),
        "fee_assessment": (
            "{% if granted %}Die Gebühr wurde bei der Antragstellung entrichtet.{% else %}Für "
            "die Ablehnung werden keine Kosten erhoben.{% endif %}"
        ),
        "legal_remedy": DEFAULT_LEGAL_REMEDY,
    },
    "sondernutzungserlaubnis": {
        "title": "Sondernutzungserlaubnis",
        "operative_part": (
            "Ihnen wird die Erlaubnis zur Sondernutzung öffentlicher Verkehrsflächen in dem "
            "beantragten Umfang und Zeitraum erteilt. Die Erlaubnis kann widerrufen werden; "
            "die Verkehrssicherheit ist jederzeit zu gewährleisten."
        ),
        "reasons": (
            "Die Sondernutzung bedarf der Erlaubnis nach dem Straßengesetz des Landes. Belange "
            "des Verkehrs und der Anlieger stehen ihr in dem beantragten Umfang nicht entgegen."
        ),
        "fee_assessment": (
            "Für die Sondernutzung wird eine Gebühr von {{ fee|floatformat:2 }} Euro "
            "festgesetzt. Die Zahlungsaufforderung erhalten Sie in Ihrem Postfach."
        ),
        "legal_remedy": DEFAULT_LEGAL_REMEDY,
    },
    "meldebescheinigung": {
        "title": "Meldebescheinigung (§ 18 Bundesmeldegesetz)",
        "operative_part": (
            "Es wird bescheinigt, dass {{ applicant_name }} bei der {{ municipality_name }} "
            "gemeldet ist (Stand: {{ today|date:'d.m.Y' }})."
        ),
        "reasons": "",
        "fee_assessment": "Die Gebühr wurde bei der Antragstellung entrichtet.",
        "legal_remedy": NOT_AN_ACT,
    },
}
