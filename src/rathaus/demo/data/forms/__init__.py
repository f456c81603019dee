"""The demo's online forms: one module per service with `SERVICE` (the service slug),
`SCHEMA` (JSON Schema 2020-12) and `UI` (steps, labels in German and English, conditions,
prefill, computed values and the form's own declarations; see applications/form_schema.py).

`demo.loader` publishes each as the service's form, only when it differs from the version
published already.
"""

from types import ModuleType
from typing import Any

from rathaus.demo.data.forms import (
    bewohnerparkausweis,
    gewerbe_anmelden,
    hund_anmelden,
    meldebescheinigung,
    sondernutzungserlaubnis,
    sperrmuell_anmelden,
)

MODULES: tuple[ModuleType, ...] = (
    hund_anmelden,
    gewerbe_anmelden,
    bewohnerparkausweis,
    sondernutzungserlaubnis,
    meldebescheinigung,
    sperrmuell_anmelden,
)

# Service slug → (schema, ui).
FORMS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    module.SERVICE: (module.SCHEMA, module.UI) for module in MODULES
}
