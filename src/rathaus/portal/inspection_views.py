"""File inspection for participants (§8 EGovG) under /akteneinsicht/: the inspections the
office granted them, with the documents; each document downloads as a PDF marked with the
inspection and their name (the service audits every access; another person's, an expired or
a revoked inspection is a 404)."""

import uuid

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from rathaus.core.downloads import bytes_download
from rathaus.federation.actors import request_actor
from rathaus.records import selectors as records_selectors
from rathaus.records import services as records_services


@require_safe
def inspection_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    grants = records_selectors.inspections_of(user=request.user)
    return render(request, "portal/inspection/list.html", {"grants": grants})


@require_safe
def inspection_document(
    request: HttpRequest, grant_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    copy = records_services.inspection_document_read(
        actor=request_actor(request), grant_id=grant_id, document_id=document_id
    )
    return bytes_download(copy.data, filename=copy.name, content_type="application/pdf")
