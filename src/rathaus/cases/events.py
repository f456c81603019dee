"""Domain events of cases, published by `rathaus.cases.services` inside the transaction of
the change (`rathaus.core.events`). Subscribers live in the apps that react (e.g. the
applicant's notification e-mails in `rathaus.applications.notifications`)."""

import dataclasses
from datetime import date
from uuid import UUID

from rathaus.core.events import DomainEvent, domain_event


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseOpened(DomainEvent):
    """A case was opened (by a submission): its office, service and reference are known."""

    name = "case.opened"
    version = 1
    published_by = "cases"

    case_id: UUID
    municipality_id: UUID
    office_id: UUID
    service_id: UUID
    reference: str


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseStatusChanged(DomainEvent):
    """The status of a case changed (one `StatusChange` row). `notify_applicant` is false
    when another event tells the applicant already (a document request moves the case to
    "query" and its own notification names the deadline)."""

    name = "case.status_changed"
    version = 1
    published_by = "cases"

    case_id: UUID
    municipality_id: UUID
    status_change_id: UUID
    old_status: str
    new_status: str
    notify_applicant: bool = True


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseDocumentRequested(DomainEvent):
    """The authority asked the applicant for further documents by `deadline`."""

    name = "case.document_requested"
    version = 1
    published_by = "cases"

    case_id: UUID
    municipality_id: UUID
    document_request_id: UUID
    deadline: date


@domain_event
@dataclasses.dataclass(frozen=True, kw_only=True)
class CaseDocumentRequestClosed(DomainEvent):
    """A document request was fulfilled by the applicant or cancelled by the authority
    (`outcome`: "fulfilled" or "cancelled")."""

    name = "case.document_request_closed"
    version = 1
    published_by = "cases"

    case_id: UUID
    municipality_id: UUID
    document_request_id: UUID
    outcome: str
