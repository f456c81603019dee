"""Pages of the citizen account beyond allauth's: overview, profile, consents, data, deletion."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rathaus.accounts import selectors, services
from rathaus.accounts.forms import DeleteAccountForm, ProfileForm
from rathaus.accounts.models import ConsentText, User
from rathaus.core.actors import Actor


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    consents = {c.text.key: c for c in selectors.consent_history(user=user) if c.is_active}
    return render(request, "accounts/overview.html", {"account": user, "active_consents": consents})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, actor=Actor.person(user), data=form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def consents(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    texts = selectors.consent_texts_current()
    active = {t.key: selectors.consent_active(user=user, key=t.key) for t in texts}
    language = get_language() or "de"
    rows = [
        {
            "text": t,
            "title": t.title_in(language),
            "body": t.text_in(language),
            "consent": active[t.key],
            "outdated": active[t.key] is not None and active[t.key].text_id != t.pk,  # type: ignore[union-attr]
        }
        for t in texts
    ]
    history = selectors.consent_history(user=user)
    return render(request, "accounts/consents.html", {"rows": rows, "history": history})


@login_required
@require_POST
def consent_give(request: HttpRequest, text_id: str) -> HttpResponse:
    text = get_object_or_404(ConsentText, pk=text_id, active=True)
    services.consent_give(user=_user(request), text=text, language=get_language() or "de")
    messages.success(request, _("Your consent has been recorded."))
    return redirect("accounts:consents")


@login_required
@require_POST
def consent_revoke(request: HttpRequest, key: str) -> HttpResponse:
    if services.consent_revoke(user=_user(request), key=key) is not None:
        messages.success(request, _("Your consent has been revoked."))
    return redirect("accounts:consents")


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    sections = selectors.personal_data_export(user=_user(request))
    pretty = [
        (s, json.dumps(s.data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        for s in sections
    ]
    return render(request, "accounts/personal_data.html", {"sections": pretty})


@login_required
def personal_data_json(request: HttpRequest) -> HttpResponse:
    document = selectors.personal_data_export_document(user=_user(request))
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="rathaus-meine-daten.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    can_delete = user.kind == User.Kind.CITIZEN and not user.is_staff and not user.is_superuser
    if request.method == "POST" and can_delete and form.is_valid():
        services.account_delete(user=user, actor=Actor.person(user), reason="request")
        logout(request)
        return redirect("accounts:deleted")
    context = {
        "form": form,
        "can_delete": can_delete,
        "retained": selectors.account_deletion_retained(),
    }
    return render(request, "accounts/delete.html", context)


def deleted(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/deleted.html", {"retained": selectors.account_deletion_retained()}
    )
