import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from rathaus.accounts.services import session_timeout_record

SESSION_STARTED_KEY = "rathaus_session_started"
SESSION_SEEN_KEY = "rathaus_session_seen"
# The last activity is written back at most this often: a session write per request would
# cost every page a database UPDATE; the idle limit (30 minutes) is exact to within this.
SEEN_RESOLUTION_SECONDS = 30


class SessionTimeoutMiddleware:
    """Ends a logged-in session after idle time and after an absolute lifetime.

    Both limits come from settings (environment); the times are kept in the session itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            seen = request.session.get(SESSION_SEEN_KEY, now)
            reason = ""
            if now - started > settings.RATHAUS_SESSION_ABSOLUTE_TIMEOUT:
                reason = "absolute"
            elif now - seen > settings.RATHAUS_SESSION_IDLE_TIMEOUT:
                reason = "idle"
            if reason:
                user = request.user
                logout(request)
                session_timeout_record(user=user, reason=reason)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect(settings.LOGIN_URL)
            if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN_KEY not in request.session:
                request.session[SESSION_SEEN_KEY] = now
        return self.get_response(request)
