"""Hand-overs a case's process asks for (`workflow.handover_requested`, the workflow's action
`fitconnect_hand_over`).

The subscriber starts the hand-over of the case's submission through the channels of
`handover.py` (the ones that take the submission, or the one the model names; a destination
the model names replaces the channel's), reusing a hand-over that exists already: a
submission goes through a channel once, so one handed over at submission is not sent again.
A command (`WAIT_TOPIC`) then waits for the deliveries and publishes
`submission.handover_done`, which the workflow delivers to the process as the message
`handover_done`.
"""

from typing import Any
from uuid import UUID

from django.db import transaction

from rathaus.applications.events import SubmissionHandoverDone
from rathaus.applications.handover import CHANNEL_TOPIC, handover_channels, handover_channels_for
from rathaus.applications.models import Handover, Submission
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.events import event_publish, event_subscriber
from rathaus.core.models import OutboxMessage
from rathaus.core.outbox import outbox_enqueue, outbox_handlers
from rathaus.workflow.events import HandoverRequested

WAIT_TOPIC = "applications.handover_request.wait"
# The wait looks again after 1, 2, 4 … minutes, then hourly; after about a week without
# every delivery it reports the hand-over as not done (the channels' own retries are over).
WAIT_FIRST_SECONDS = 60
WAIT_CAP_SECONDS = 3600
WAIT_MAX_ATTEMPTS = 175
HANDOVER_ACTOR = Actor.system("handover")


def _channels(submission: Submission, event: HandoverRequested) -> list[tuple[Any, str]]:
    """(channel, destination) the request asks for."""
    pairs = handover_channels_for(submission)
    if event.channel:
        pairs = [
            (channel, destination)
            for channel, destination in pairs
            if channel.key == (event.channel)
        ]
        if not pairs and event.destination and event.channel in handover_channels:
            pairs = [(handover_channels.get(event.channel), event.destination)]
    if event.destination:
        pairs = [(channel, event.destination) for channel, _destination in pairs]
    return pairs


@event_subscriber(HandoverRequested, name="applications.handover_request")
def handover_on_request(event: HandoverRequested) -> None:
    """Subscriber of `workflow.handover_requested`: start the hand-over of the case's
    submission and wait for it (idempotent: existing hand-overs are reused, and one wait per
    request key)."""
    submission = (
        Submission.objects.select_related("service", "office").filter(case_id=event.case_id).first()
    )
    with transaction.atomic():
        if OutboxMessage.objects.filter(topic=WAIT_TOPIC, payload__key=event.key).exists():
            return  # this request is handled already (a repeated message)
        handovers: list[str] = []
        if submission is not None:
            for channel, destination in _channels(submission, event):
                handover, created = Handover.objects.get_or_create(
                    submission=submission,
                    channel=channel.key,
                    defaults={"destination": destination},
                )
                if created:
                    outbox_enqueue(topic=CHANNEL_TOPIC, payload={"handover": str(handover.pk)})
                handovers.append(str(handover.pk))
            audit_record(
                actor=HANDOVER_ACTOR,
                action="submission.handover.start",
                obj=submission,
                details={"via": "process", "key": event.key, "handovers": handovers},
            )
        outbox_enqueue(
            topic=WAIT_TOPIC,
            payload={
                "key": event.key,
                "case": str(event.case_id),
                "municipality": str(event.municipality_id),
                "submission": str(submission.pk) if submission is not None else "",
                "handovers": handovers,
                "attempts": 0,
            },
        )


@outbox_handlers.register(WAIT_TOPIC)
def handover_request_wait(payload: dict[str, Any]) -> None:
    """Outbox command: once every hand-over of the request is delivered (or the wait is
    over), publish `submission.handover_done`; else look again later."""
    handovers = list(Handover.objects.filter(pk__in=payload["handovers"]))
    pending = [h for h in handovers if h.status != Handover.Status.DELIVERED]
    attempts = int(payload.get("attempts", 0))
    with transaction.atomic():
        if pending and attempts < WAIT_MAX_ATTEMPTS:
            outbox_enqueue(
                topic=WAIT_TOPIC,
                payload={**payload, "attempts": attempts + 1},
                delay_seconds=min(WAIT_FIRST_SECONDS * 2**attempts, WAIT_CAP_SECONDS),
            )
            return
        event_publish(
            SubmissionHandoverDone(
                submission_id=UUID(payload["submission"]) if payload["submission"] else None,
                case_id=UUID(payload["case"]),
                municipality_id=UUID(payload["municipality"]),
                key=payload["key"],
                handed_over=bool(handovers) and not pending,
                channels=[] if pending else sorted(h.channel for h in handovers),
            )
        )
