"""`{% trust_level_summary %}`: the account page fragment with level, method and identities."""

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rathaus.federation.levels import TrustLevel
from rathaus.federation.providers import configured_providers
from rathaus.federation.selectors import external_identities_for_user, session_trust_level

register = template.Library()


@register.filter
def trust_level_label(level: TrustLevel | str) -> str:
    key = level.key if isinstance(level, TrustLevel) else str(level)
    return {
        "low": pgettext("trust level", "low"),
        "substantial": pgettext("trust level", "substantial"),
        "high": pgettext("trust level", "high"),
    }.get(key, key)


def _method_label(method: str, provider_label: str) -> str:
    if method == "password":
        return _("E-mail address and password")
    return provider_label or method


@register.inclusion_tag("federation/_trust_level.html", takes_context=True)
def trust_level_summary(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    trust = session_trust_level(request)
    providers = configured_providers()
    identities: list[dict[str, Any]] = []
    if request.user.is_authenticated:
        for identity in external_identities_for_user(user=request.user):
            provider = providers.get(identity.provider)
            identities.append(
                {
                    "pk": identity.pk,
                    "provider": identity.provider,
                    "provider_label": provider.label if provider else identity.provider,
                    "level_label": trust_level_label(identity.last_level),
                }
            )
    linked = {identity["provider"] for identity in identities}
    provider_label = (
        providers[trust.provider].label if trust and trust.provider in providers else ""
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "trust": trust,
        "level_label": trust_level_label(trust.level) if trust else "",
        "method_label": _method_label(trust.method, provider_label) if trust else "",
        "identities": identities,
        "link_providers": [p for key, p in providers.items() if key not in linked],
        "low": TrustLevel.LOW,
    }
