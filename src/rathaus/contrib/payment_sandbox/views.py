"""The sandbox payment page: the citizen chooses "pay", "fail" or "cancel" (no JavaScript).

On POST the sandbox behaves like an outside provider: it queues the signed webhook
notification (outbox) and redirects the browser back to rathaus with the signed result.
"""

import json
import uuid
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rathaus.catalog.fee_display import format_cents
from rathaus.contrib.payment_sandbox.provider import (
    NOTIFY_TOPIC,
    PROVIDER_KEY,
    session_loads,
    signing_secret,
)
from rathaus.core.outbox import outbox_enqueue
from rathaus.payments.providers import return_query_encode
from rathaus.payments.signatures import signature_create

RESULTS = ("paid", "failed", "cancelled")


def _session(request: HttpRequest, payment_id: UUID) -> dict[str, Any]:
    if PROVIDER_KEY not in settings.RATHAUS_PAYMENT_PROVIDERS:
        raise Http404(_("The sandbox payment provider is not enabled."))
    token = request.POST.get("s") or request.GET.get("s") or ""
    try:
        session = session_loads(token)
    except signing.BadSignature:
        raise Http404(_("This payment session is unknown or has expired.")) from None
    if session.get("payment") != str(payment_id):
        raise Http404(_("This payment session is unknown or has expired."))
    return session


@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, payment_id: UUID) -> HttpResponse:
    session = _session(request, payment_id)
    result = request.POST.get("result", "")
    if request.method == "POST" and result in RESULTS:
        body = {
            "event_id": f"sbx_{uuid.uuid4().hex}",
            "payment_reference": session["reference"],
            "status": result,
            "amount_cents": session["amount_cents"],
            "currency": session["currency"],
            "occurred_at": timezone.now().isoformat(),
        }
        with transaction.atomic():
            outbox_enqueue(
                topic=NOTIFY_TOPIC,
                payload={
                    "url": session["notify_url"],
                    "body": body,
                    "municipality": session.get("municipality"),
                },
            )
        # The browser return carries the same event (same id): whichever of the two reaches
        # rathaus second is recorded as a duplicate.
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        query = urlencode(
            {
                "event": return_query_encode(raw),
                "sig": signature_create(
                    secret=signing_secret(session.get("municipality")), body=raw
                ),
            }
        )
        return HttpResponseRedirect(f"{session['return_url']}?{query}")
    context = {
        "session": session,
        "token": request.POST.get("s") or request.GET.get("s"),
        "amount": format_cents(int(session["amount_cents"]), (get_language() or "de")[:2]),
        "invalid_choice": request.method == "POST",
    }
    return render(
        request,
        "payment_sandbox/page.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
