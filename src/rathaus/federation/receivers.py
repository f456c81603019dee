"""Record the level of local logins done by other apps (allauth, admin, directory login).

`user_logged_in` is the one hook Django offers for every login path; federated logins
overwrite the record right after `login()` returns (see services.session_trust_set).
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from rathaus.federation.levels import TrustLevel
from rathaus.federation.selectors import SESSION_TRUST_KEY
from rathaus.federation.services import session_trust_set


@receiver(user_logged_in, dispatch_uid="federation_record_local_login")
def record_local_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    record = request.session.get(SESSION_TRUST_KEY)
    if record and record.get("user_id") == str(user.pk):
        # A re-login (e.g. reauthentication) keeps the level this session already proved.
        return
    session_trust_set(request=request, level=TrustLevel.LOW, method="password", user=user)
