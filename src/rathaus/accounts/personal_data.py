"""Extension points for data protection self-service (GDPR Art. 15, 17, 20).

Every app that stores personal data about a user registers a *collector* (what the export
shows) and, where it holds data, an *eraser* (what account deletion does with it, including
what it must keep for legal retention and why). The accounts app registers its own below.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from rathaus.core.registries import Registry


@dataclass(frozen=True)
class PersonalDataCollector:
    """Returns JSON-serialisable data about `user` (a list of dicts or a dict)."""

    title: str | Promise
    collect: Callable[[Any], Any]
    order: int = 100


@dataclass(frozen=True)
class PersonalDataEraser:
    """Deletes or anonymises an app's data about `user` during account deletion.

    `retained` describes, for the deletion page, what is kept and on which legal ground.
    """

    erase: Callable[[Any], None]
    retained: list[str | Promise] = field(default_factory=list)
    order: int = 100


personal_data_collectors: Registry[PersonalDataCollector] = Registry("personal data collectors")
personal_data_erasers: Registry[PersonalDataEraser] = Registry("personal data erasers")


def register_personal_data_collector(key: str, collector: PersonalDataCollector) -> None:
    """Add `collector` to the export under `key` (unique, e.g. "applications.drafts")."""
    personal_data_collectors.register(key)(collector)


def register_personal_data_eraser(key: str, eraser: PersonalDataEraser) -> None:
    """Add `eraser` to account deletion under `key`."""
    personal_data_erasers.register(key)(eraser)


def ordered_collectors() -> list[tuple[str, PersonalDataCollector]]:
    items = [(key, personal_data_collectors.get(key)) for key in personal_data_collectors]
    return sorted(items, key=lambda item: (item[1].order, item[0]))


def ordered_erasers() -> list[tuple[str, PersonalDataEraser]]:
    items = [(key, personal_data_erasers.get(key)) for key in personal_data_erasers]
    return sorted(items, key=lambda item: (item[1].order, item[0]))
