"""What the records do when something happens elsewhere (domain events, from the outbox
after the change's commit): an opened case files itself by its office's rule (`filing`)."""

from rathaus.cases.events import CaseOpened
from rathaus.core.events import event_subscriber

from .filing import case_file_by_rule


@event_subscriber(CaseOpened, name="records.case_filing")
def file_opened_case(event: CaseOpened) -> None:
    """Subscriber of `case.opened`: the case into the year's file of its office's rule."""
    case_file_by_rule(case_id=event.case_id)
