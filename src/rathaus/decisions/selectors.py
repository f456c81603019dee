"""Reads of decisions: the templates of a service, the decisions of a case, the post queue
of a member of staff's offices."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rathaus.cases.permissions import HANDLING_ROLES
from rathaus.core.actors import Actor
from rathaus.core.errors import NotFound
from rathaus.staff.permissions import restrict_to_offices

from .models import Decision, DecisionTemplate, TemplateVersion
from .permissions import ensure_can_decide, ensure_template_keeper, template_keeper


def templates_of_service(*, actor: Actor, service: Any) -> list[DecisionTemplate]:
    """The decision templates of `service` that `actor` keeps (installation-wide and per
    municipality), with their versions."""
    templates = (
        DecisionTemplate.objects.filter(service=service)
        .select_related("municipality", "service")
        .prefetch_related("versions")
        .order_by("municipality__name")
    )
    return [t for t in templates if template_keeper(actor=actor, municipality=t.municipality)]


def template_version_get(*, actor: Actor, version_id: UUID | str) -> TemplateVersion:
    """A template version `actor` keeps (NotFound otherwise, as if it did not exist)."""
    version = (
        TemplateVersion.objects.select_related("template__municipality", "template__service")
        .filter(pk=version_id)
        .first()
    )
    if version is None or not template_keeper(
        actor=actor, municipality=version.template.municipality
    ):
        raise NotFound(_("No such template version."))
    ensure_template_keeper(actor=actor, municipality=version.template.municipality)
    return version


def decisions_of_case(*, actor: Actor, case: Any) -> QuerySet[Decision]:
    """The decisions about `case`, newest first (for those who handle it)."""
    ensure_can_decide(actor=actor, case=case)
    return Decision.objects.filter(case=case).select_related("template_version")


def post_queue(*, user: Any) -> QuerySet[Decision]:
    """Decisions waiting to be posted in the offices where `user` handles cases, oldest
    first."""
    queue = Decision.objects.filter(state=Decision.State.AWAITING_POST)
    return (
        restrict_to_offices(queue, user=user, office_field="case__office", roles=HANDLING_ROLES)
        .select_related("case__office", "case__applicant")
        .order_by("created_at", "id")
    )


def decision_get(*, user: Any, decision_id: UUID | str) -> Decision:
    """A decision in an office where `user` handles cases (NotFound otherwise)."""
    found = (
        restrict_to_offices(
            Decision.objects.filter(pk=decision_id),
            user=user,
            office_field="case__office",
            roles=HANDLING_ROLES,
        )
        .select_related("case__office", "case__applicant", "case__municipality")
        .first()
    )
    if found is None:
        raise NotFound(_("No such decision."))
    return found


def template_municipalities(*, actor: Actor) -> list[Any]:
    """The municipalities whose decision templates `actor` keeps (by name)."""
    from rathaus.municipalities.models import Municipality
    from rathaus.staff.selectors import municipality_ids_with_role

    from .permissions import TEMPLATE_ROLES

    if not actor.is_person:
        return []
    ids: set[Any] = set()
    for role in TEMPLATE_ROLES:
        ids |= municipality_ids_with_role(user=actor.user, role=role)
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def preview_office(*, version: TemplateVersion, user: Any) -> Any:
    """The office whose letterhead a preview shows: one of the template's municipality where
    `user` holds a role, else any of it (installation-wide: any office of the user's)."""
    from rathaus.municipalities.models import Office
    from rathaus.staff.selectors import office_ids_visible_to

    offices = Office.objects.select_related("municipality").order_by("name")
    if version.template.municipality_id is not None:
        offices = offices.filter(municipality_id=version.template.municipality_id)
    own = offices.filter(pk__in=office_ids_visible_to(user=user)).first()
    found = own or offices.first()
    if found is None:
        raise NotFound(_("There is no office whose letterhead the preview could show."))
    return found
