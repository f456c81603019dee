"""Guard views by level of assurance: `require_trust_level("substantial")`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from rathaus.federation.levels import TrustLevel, level_at_least
from rathaus.federation.selectors import session_trust_level


def step_up_url(*, level: TrustLevel, next_url: str) -> str:
    """The step-up page asking for `level`, returning to `next_url`."""
    query = urlencode({"level": level.key, "next": next_url})
    return f"{reverse('federation:step-up')}?{query}"


def require_trust_level(
    level: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: log in first, then step up to `level` before the view runs."""
    required = TrustLevel.from_key(level)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            trust = session_trust_level(request)
            if not level_at_least(trust.level if trust else None, required):
                return HttpResponseRedirect(
                    step_up_url(level=required, next_url=request.get_full_path())
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
