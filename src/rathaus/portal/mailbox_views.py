"""The citizen's Postfach under /postfach/: inbox and archive, a thread (opening it retrieves
its new messages), writing to an office, answering, archiving. Thin: the services check who
may do what; someone else's thread is a 404."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.core.actors import Actor
from rathaus.core.downloads import bytes_download
from rathaus.core.error_responses import form_error_add
from rathaus.core.errors import DomainError
from rathaus.federation.actors import request_actor
from rathaus.mailbox import selectors as mailbox_selectors
from rathaus.mailbox import services as mailbox_services
from rathaus.mailbox.forms import ComposeForm, NotifyForm, ReplyForm, reply_send
from rathaus.mailbox.models import Mailbox
from rathaus.organisations.selectors import current_principal

INBOX_SALT = "rathaus.portal.mailbox"


def _login_required(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _mailbox(request: HttpRequest) -> tuple[Actor, Mailbox]:
    """The mailbox the session uses and who acts from it: the organisation's while the session
    acts for an organisation the person is a member of ("act on behalf of"), else their own."""
    principal = current_principal(request)
    if principal.organisation is not None and principal.proxy is None:
        return (
            request_actor(request, organisation_id=principal.organisation.pk),
            mailbox_services.mailbox_of_organisation(organisation=principal.organisation),
        )
    return request_actor(request), mailbox_services.mailbox_of_user(user=request.user)


def _list(request: HttpRequest, *, archived: bool) -> HttpResponse:
    _actor, mailbox = _mailbox(request)
    listing = mailbox_selectors.inbox_page(
        mailbox=mailbox, archived=archived, params=request.GET, salt=INBOX_SALT
    )
    return render(
        request,
        "portal/mailbox/inbox.html",
        {
            "archived": archived,
            "rows": listing.rows,
            "page": listing.page,
            "query": listing.query,
            "capped": listing.capped,
            "unread": mailbox_selectors.unread_total(mailbox=mailbox),
            "mailbox": mailbox,
            "waiting": mailbox_selectors.provisions_waiting(mailbox=mailbox),
        },
    )


@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    return _login_required(request) or _list(request, archived=False)


@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    return _login_required(request) or _list(request, archived=True)


@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, thread_id: uuid.UUID) -> HttpResponse:
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    if request.method == "POST":
        # Sending needs the thread, not its messages: they are read only to show the form
        # again with its errors.
        form = ReplyForm(request.POST, request.FILES)
        found = mailbox_selectors.thread_get(actor=actor, mailbox=mailbox, thread_id=thread_id)
        if reply_send(form, actor=actor, thread=found, sender=mailbox):
            if form.saving_draft:
                messages.success(request, gettext("Your draft has been saved."))
            return redirect("mailbox:thread", found.pk)
    view = mailbox_selectors.thread_view(actor=actor, mailbox=mailbox, thread_id=thread_id)
    if request.method != "POST":
        form = ReplyForm(initial=_reply_initial(actor, mailbox, view))
    # Reading is retrieving: the messages delivered here that were never opened are now.
    mailbox_services.thread_open(actor=actor, thread=view.thread, mailbox=mailbox)
    return render(
        request,
        "portal/mailbox/thread.html",
        {"view": view, "form": form},
        status=400 if form.errors else 200,
    )


def _reply_initial(actor: Actor, mailbox: Mailbox, view: Any) -> dict[str, Any]:
    """The answer drafted in the thread, to continue it."""
    draft = mailbox_selectors.draft_get(actor=actor, mailbox=mailbox, thread=view.thread)
    return {"body": draft.body, "draft": draft.message.pk} if draft else {}


@require_http_methods(["GET", "HEAD", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """Write to an office (or continue the draft `?entwurf=`): send, or keep as a draft."""
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    initial: dict[str, Any] = {"office": request.GET.get("amt")} if request.GET.get("amt") else {}
    if request.method != "POST" and request.GET.get("entwurf"):
        draft = mailbox_selectors.draft_get(
            actor=actor, mailbox=mailbox, draft_id=_uuid_or_404(request.GET["entwurf"])
        )
        assert draft is not None
        initial = {
            "office": draft.message.thread.office_id,
            "subject": draft.subject,
            "body": draft.body,
            "draft": draft.message.pk,
        }
    form = ComposeForm(request.POST or None, request.FILES or None, initial=initial)
    if form.saving_draft:
        for name in ("office", "subject", "body"):
            form.fields[name].required = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if form.saving_draft:
                mailbox_services.draft_save(
                    actor=actor,
                    sender=mailbox,
                    recipient=(
                        mailbox_services.mailbox_of_office(office=data["office"])
                        if data["office"]
                        else None
                    ),
                    subject=data["subject"],
                    body=data["body"],
                    draft=_draft_message(actor, mailbox, data["draft"]),
                )
                messages.success(request, gettext("Your draft has been saved."))
                return redirect("mailbox:drafts")
            message = mailbox_services.thread_start(
                actor=actor,
                sender=mailbox,
                recipient=mailbox_services.mailbox_of_office(office=data["office"]),
                subject=data["subject"],
                body=data["body"],
                uploads=data["attachments"],
                draft_id=data["draft"],
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            return redirect("mailbox:thread", message.thread_id)
    return render(
        request, "portal/mailbox/compose.html", {"form": form}, status=400 if form.errors else 200
    )


def _draft_message(actor: Actor, mailbox: Mailbox, draft_id: uuid.UUID | None) -> Any:
    """The draft being continued (NotFound when it is not one of the mailbox's)."""
    if draft_id is None:
        return None
    draft = mailbox_selectors.draft_get(actor=actor, mailbox=mailbox, draft_id=draft_id)
    return draft.message if draft is not None else None


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


@require_safe
def drafts(request: HttpRequest) -> HttpResponse:
    """The messages kept as drafts, last saved first."""
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    return render(
        request,
        "portal/mailbox/drafts.html",
        {"drafts": mailbox_selectors.drafts_of(actor=actor, mailbox=mailbox), "mailbox": mailbox},
    )


@require_POST
def draft_discard(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    mailbox_services.draft_discard(actor=actor, sender=mailbox, draft_id=draft_id)
    messages.success(request, gettext("The draft has been deleted."))
    return redirect("mailbox:drafts")


@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """How the owner of the mailbox is told of new mail: at once, in a daily digest, or not
    (notices of acts provided for retrieval always)."""
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    form = NotifyForm(request.POST or None, initial={"notify": mailbox.notify})
    if request.method == "POST" and form.is_valid():
        mailbox_services.mailbox_notify_set(
            actor=actor, mailbox=mailbox, notify=form.cleaned_data["notify"]
        )
        messages.success(request, gettext("Your choice has been saved."))
        return redirect("mailbox:settings")
    return render(
        request,
        "portal/mailbox/settings.html",
        {"form": form, "mailbox": mailbox},
        status=400 if form.errors else 200,
    )


@require_POST
def thread_archive(request: HttpRequest, thread_id: uuid.UUID) -> HttpResponse:
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    view = mailbox_selectors.thread_view(actor=actor, mailbox=mailbox, thread_id=thread_id)
    archived = request.POST.get("archived", "1") == "1"
    mailbox_services.thread_archive(
        actor=actor, thread=view.thread, mailbox=mailbox, archived=archived
    )
    return redirect("mailbox:archive" if not archived else "mailbox:inbox")


@require_safe
def attachment_download(
    request: HttpRequest,
    thread_id: uuid.UUID,
    message_id: uuid.UUID,
    attachment_id: uuid.UUID | None = None,
) -> HttpResponse:
    """One file of a message, or (without `attachment_id`) all of them as a ZIP."""
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    name, content_type, data = mailbox_services.attachment_download(
        actor=actor,
        mailbox=mailbox,
        thread_id=thread_id,
        message_id=message_id,
        attachment_id=attachment_id,
    )
    return bytes_download(data, filename=name, content_type=content_type)


@require_safe
def receipt_download(
    request: HttpRequest, thread_id: uuid.UUID, receipt_id: uuid.UUID
) -> HttpResponse:
    if (login := _login_required(request)) is not None:
        return login
    actor, mailbox = _mailbox(request)
    receipt, bundle = mailbox_selectors.receipt_bundle_get(
        actor=actor,
        mailbox=mailbox,
        thread_id=thread_id,
        receipt_id=receipt_id,
    )
    return bytes_download(
        bundle,
        filename=mailbox_selectors.receipt_filename(receipt),
        content_type="application/zip",
    )
