"""Which staff role a model's candidate group or lane means.

Models name roles as the tools let them: by our key (`case_worker`), in German
("Sachbearbeitung") or in English ("Case work"); case and spaces do not matter.
"""

from django.utils import translation

from rathaus.staff.models import Role


def _key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for role in Role:
        names[_key(role.value)] = role.value
        for language in ("de", "en"):
            with translation.override(language):
                names[_key(str(role.label))] = role.value
    return names


def role_of(name: str) -> str | None:
    """The role (its key) a candidate group or lane names, None when none."""
    return _names().get(_key(name))


def role_names() -> list[str]:
    """The role keys, for messages that list what a model may name."""
    return [role.value for role in Role]
