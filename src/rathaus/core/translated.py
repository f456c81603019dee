"""German/English text pairs on models: `name_de`, `name_en` and a `name` that follows the
active language, falling back to German when the English text is empty."""

from typing import Any

from django.utils.translation import get_language


class Translated:
    """Descriptor: `name = Translated()` reads `name_<lang>` with a German fallback."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        lang = (get_language() or "de")[:2]
        value = getattr(instance, f"{self.name}_{lang}", None) if lang != "de" else None
        return value or getattr(instance, f"{self.name}_de")
