"""What other apps know about a case, for whoever drives it without importing them (the
workflow): the app that opened a case registers a provider that gives its data — the
applications app the submitted form's data, computed values and fee. A plugin point, so
that cases never import applications."""

from collections.abc import Callable
from typing import Any

from rathaus.core.registries import Registry

from .models import Case

CaseDataProvider = Callable[[Case], dict[str, Any]]
case_data_providers: Registry[CaseDataProvider] = Registry("case data providers")


def register_case_data_provider(key: str, provider: CaseDataProvider) -> None:
    """Register `provider` (called with the case; returns plain JSON values by name)."""
    case_data_providers.register(key)(provider)


def case_data_collect(case: Case) -> dict[str, Any]:
    """The data every provider gives about `case`, merged in the order of their keys."""
    data: dict[str, Any] = {}
    for key in case_data_providers:
        data.update(case_data_providers.get(key)(case))
    return data
