"""The staff area under /intern/. StaffAreaMiddleware has already checked the login (staff,
second factor); these views only show what the clerk's offices may see."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from rathaus.backoffice.forms import OfficeContactForm, RoleAssignForm
from rathaus.core.error_responses import form_error_add, message_error_add
from rathaus.core.errors import DomainError, NotFound, NotPermitted
from rathaus.federation.actors import request_actor
from rathaus.staff import selectors as staff_selectors
from rathaus.staff import services as staff_services
from rathaus.staff.models import Role
from rathaus.staff.permissions import office_access_allowed


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/start.html",
        {"offices": staff_selectors.staff_roles_by_office(user=request.user)},
    )


@require_safe
def service_offers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/service_offers.html",
        {"offers": staff_selectors.staff_local_services(user=request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def office_detail(request: HttpRequest, office_id: uuid.UUID) -> HttpResponse:
    office = staff_selectors.staff_office_get(user=request.user, office_id=office_id)
    roles = staff_selectors.staff_roles(user=request.user, office=office)
    may_edit = office_access_allowed(
        user=request.user, office=office, roles=[Role.SPECIALIST_ADMIN]
    )
    form = OfficeContactForm(
        request.POST if request.method == "POST" else None,
        initial={"phone": office.phone, "email": office.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            staff_services.office_contact_update(
                actor=request_actor(request), office=office, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The contact details have been saved."))
            return redirect("backoffice:office-detail", office_id=office.pk)
    return render(
        request,
        "backoffice/office_detail.html",
        {
            "office": office,
            "roles": sorted(str(Role(role).label) for role in roles),
            "form": form if may_edit else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def roles(request: HttpRequest) -> HttpResponse:
    """Role administration for Systemadministration (their municipalities) and superusers."""
    offices = staff_selectors.role_admin_offices(user=request.user)
    if not offices.exists():
        raise NotPermitted(_("Only system administration can manage roles."))
    form = RoleAssignForm(request.POST if request.method == "POST" else None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_selectors.staff_account_get(username=data["username"])
            staff_services.role_assign(
                actor=request_actor(request),
                user=user,
                office=data["office"],
                role=data["role"],
                valid_until=data["valid_until"],
            )
        except NotFound:
            form.add_error("username", _("There is no staff account with this user name."))
        except DomainError as exc:
            form_error_add(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The role has been assigned."))
            return redirect("backoffice:roles")
    return render(
        request,
        "backoffice/roles.html",
        {
            "form": form,
            "assignments": staff_selectors.role_assignment_list_administered(user=request.user),
        },
    )


@require_http_methods(["POST"])
def role_revoke(request: HttpRequest, assignment_id: uuid.UUID) -> HttpResponse:
    try:
        assignment = staff_selectors.role_assignment_get_administered(
            user=request.user, assignment_id=assignment_id
        )
        staff_services.role_revoke(actor=request_actor(request), assignment=assignment)
    except DomainError as exc:
        message_error_add(request, exc)
        return redirect("backoffice:roles")
    messages.success(request, _("The role has been revoked."))
    return redirect("backoffice:roles")
