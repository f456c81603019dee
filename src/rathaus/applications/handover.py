"""Hand-over of submissions to the authority's specialist systems.

The staff inbox and the REST API are pull channels: nothing to do for them. Push channels
(e.g. FIT-Connect, `rathaus.contrib.fitconnect`) are plugins: a `HandoverChannel` registered in
`handover_channels`. After a submission, the subscriber `applications.handover` of the event
`submission.created` fans out to one outbox message (a command) `submission.handover.channel`
per channel that applies, so that a failing channel is retried on its own (the outbox
retries a handler that raises) while a channel that has delivered is not called again: its
`Handover` row is marked delivered in the same transaction that marks the message done. A
channel waiting for virus scans goes on when the last verdict is published
(`attachment.scanned`, subscriber `applications.handover_resume`).

No row is locked while a channel talks to its destination (a slow destination would hold the
lock for the length of its timeout). A channel that gets a reference from the destination
before it has finished (FIT-Connect: the announced submission) passes it to `remember`, which
commits it to the `Handover` row at once; a retry after a failure or a crashed worker gets it
back as `resume` and continues that delivery instead of starting a second one.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from rathaus.applications.events import AttachmentScanned, SubmissionCreated
from rathaus.applications.models import Attachment, Handover, Submission
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import Conflict
from rathaus.core.events import event_subscriber
from rathaus.core.outbox import outbox_enqueue, outbox_handlers, outbox_hasten
from rathaus.core.registries import Registry

# How long a hand-over waits when the submission is not ready (attachments being scanned);
# the verdict on the last attachment (`attachment.scanned`) makes it go on earlier.
NOT_READY_RETRY_SECONDS = 600
# One message per hand-over and channel (a command within this app).
CHANNEL_TOPIC = "submission.handover.channel"


class HandoverNotReady(Conflict):
    """The submission cannot be handed over yet (e.g. an attachment awaits its virus scan);
    the outbox tries again later."""


class HandoverChannel:
    """A push channel to specialist systems. `deliver` must raise on any failure and return
    a reference the destination gave the submission (for the record).

    `resume` is the reference an earlier, interrupted attempt passed to `remember` ("" on the
    first attempt): the channel continues that delivery rather than starting another one.
    """

    key = ""
    label = ""

    def destination_for(self, submission: Submission) -> str | None:
        """The destination `submission` goes to through this channel; None: not handed over
        through this channel."""
        raise NotImplementedError

    def deliver(
        self,
        submission: Submission,
        *,
        destination: str,
        resume: str = "",
        remember: Callable[[str], None] | None = None,
    ) -> str:
        raise NotImplementedError


handover_channels: Registry[HandoverChannel] = Registry("hand-over channels")


def handover_channels_for(submission: Submission) -> list[tuple[HandoverChannel, str]]:
    """(channel, destination) for every registered channel that takes `submission`."""
    found = []
    for key in handover_channels:
        channel = handover_channels.get(key)
        destination = channel.destination_for(submission)
        if destination is not None:
            found.append((channel, destination))
    return found


@event_subscriber(SubmissionCreated, name="applications.handover")
def handover_on_submission(event: SubmissionCreated) -> None:
    """Subscriber of `submission.created`: hand the submission over (submission_handover)."""
    submission_handover_start(submission_id=event.submission_id)


# Deprecated alias: messages of the old command topic "submission.handover" may still be
# pending in a database upgraded from a release before domain events. Remove it in the
# release after next (docs/adr/0013-domain-events.md).
@outbox_handlers.register("submission.handover")
def submission_handover(payload: dict[str, Any]) -> None:
    """Outbox handler of the old topic "submission.handover": {"submission": "<uuid>"}."""
    submission_handover_start(submission_id=payload["submission"])


def submission_handover_start(*, submission_id: Any) -> None:
    """Fan out: one pending `Handover` and one outbox message per channel that applies
    (idempotent: a channel that has its `Handover` row gets no second message)."""
    submission = Submission.objects.select_related("service", "office").get(pk=submission_id)
    with transaction.atomic():
        for channel, destination in handover_channels_for(submission):
            handover, created = Handover.objects.get_or_create(
                submission=submission,
                channel=channel.key,
                defaults={"destination": destination},
            )
            if created:
                outbox_enqueue(
                    topic=CHANNEL_TOPIC,
                    payload={"handover": str(handover.pk)},
                )


@event_subscriber(AttachmentScanned, name="applications.handover_resume")
def handover_resume_on_scan(event: AttachmentScanned) -> None:
    """Subscriber of `attachment.scanned`: hand-overs that wait for the scans of their
    submission (HandoverNotReady) go on when the last verdict is in, not after
    NOT_READY_RETRY_SECONDS. Idempotent: only waiting messages are made due."""
    if event.submission_id is None:
        return
    with transaction.atomic():
        if Attachment.objects.filter(
            submission_id=event.submission_id, scan_status=Attachment.ScanStatus.PENDING
        ).exists():
            return
        waiting = Handover.objects.filter(
            submission_id=event.submission_id, status=Handover.Status.PENDING
        ).values_list("pk", flat=True)
        if waiting:
            outbox_hasten(topic=CHANNEL_TOPIC, key="handover", values=[str(pk) for pk in waiting])


def _remember(handover: Handover) -> Callable[[str], None]:
    """Commit a reference the destination gave mid-delivery to `handover` right away, so
    that a retry resumes it even when the rest of this attempt fails or the worker dies."""

    def remember(reference: str) -> None:
        with transaction.atomic():
            updated = Handover.objects.filter(
                pk=handover.pk, status=Handover.Status.PENDING
            ).update(remote_reference=reference[:200], updated_at=timezone.now())
            if updated:
                audit_record(
                    actor=Actor.system("handover"),
                    action="submission.handover.start",
                    obj=handover.submission,
                    details={
                        "channel": handover.channel,
                        "destination": handover.destination,
                        "reference": reference[:200],
                    },
                )
        handover.remote_reference = reference[:200]

    return remember


@outbox_handlers.register(CHANNEL_TOPIC)
def submission_handover_channel(payload: dict[str, Any]) -> None:
    """Deliver one submission through one channel, once; raises (→ retry) on failure."""
    handover = Handover.objects.select_related("submission__service", "submission__office").get(
        pk=payload["handover"]
    )
    if handover.status == Handover.Status.DELIVERED:
        return
    channel = handover_channels.get(handover.channel)
    try:
        reference = channel.deliver(
            handover.submission,
            destination=handover.destination,
            resume=handover.remote_reference,
            remember=_remember(handover),
        )
    except HandoverNotReady:
        # Not a failure (an attachment awaits its virus scan): try again later with a
        # fresh message, so that a long scanner outage does not use up the retries.
        with transaction.atomic():
            outbox_enqueue(
                topic=CHANNEL_TOPIC,
                payload=payload,
                delay_seconds=NOT_READY_RETRY_SECONDS,
            )
        return
    with transaction.atomic():
        handover = Handover.objects.select_for_update(of=("self",)).get(pk=handover.pk)
        if handover.status == Handover.Status.DELIVERED:
            return  # a second worker (expired lease) finished first
        handover.status = Handover.Status.DELIVERED
        handover.remote_reference = reference[:200]
        handover.delivered_at = timezone.now()
        handover.save(update_fields=["status", "remote_reference", "delivered_at", "updated_at"])
        audit_record(
            actor=Actor.system("handover"),
            action="submission.handover",
            obj=handover.submission,
            details={
                "channel": handover.channel,
                "destination": handover.destination,
                "reference": handover.remote_reference,
            },
        )
