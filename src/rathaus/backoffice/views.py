"""The staff area under /intern/. StaffAreaMiddleware has already checked the login (staff,
second factor); these views only show what the clerk's offices may see."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from rathaus.backoffice.forms import OfficeContactForm, RoleAssignForm
from rathaus.core.errors import DomainError, NotFound
from rathaus.staff import selectors as staff_selectors
from rathaus.staff import services as staff_services
from rathaus.staff.models import Role
from rathaus.staff.permissions import StaffPermissionDenied, office_access_allowed


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
    try:
        office = staff_selectors.staff_office_get(user=request.user, office_id=office_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
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
                actor=request.user, office=office, **form.cleaned_data
            )
        except StaffPermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
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
        raise PermissionDenied(_("Only system administration can manage roles."))
    form = RoleAssignForm(request.POST if request.method == "POST" else None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_selectors.staff_account_get(username=data["username"])
            staff_services.role_assign(
                actor=request.user,
                user=user,
                office=data["office"],
                role=data["role"],
                valid_until=data["valid_until"],
            )
        except StaffPermissionDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound:
            form.add_error("username", _("There is no staff account with this user name."))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
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
        staff_services.role_revoke(actor=request.user, assignment=assignment)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except StaffPermissionDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:roles")
    messages.success(request, _("The role has been revoked."))
    return redirect("backoffice:roles")
