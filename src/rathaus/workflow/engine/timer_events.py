"""Timer events on our clock with ISO 8601 as the BPMN spec defines it (`workflow.timers`).

SpiffWorkflow reads a timer's text as an expression of its script engine and asks the system
clock; here the text is ISO 8601 (or a FEEL expression giving ISO 8601, evaluated on the
task's data), and "now" is `clock.now()`, which the tests control. The first evaluation is
kept in the task (`event_value`), so a timer's due time does not move when the instance is
saved and loaded again.
"""

import datetime as dt
from typing import Any, cast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from rathaus.core.legal_time import BERLIN

from .. import timers
from . import clock
from .expressions import expression_evaluate


def _text(my_task: Any, kind: str, expression: str) -> Any:
    """The timer's ISO 8601 literal: the text itself, or what its expression gives."""
    try:
        return timers.timer_parse(cast(timers.TimerKind, kind), expression, default_tz=BERLIN)
    except timers.TimerNeedsExpression as needs:
        if needs.template:  # JUEL text around an expression, e.g. R3/${interval}
            raise
        value = expression_evaluate(needs.expression, my_task.data)
        return timers.timer_parse(cast(timers.TimerKind, kind), _iso(value), default_tz=BERLIN)


def _iso(value: Any) -> str:
    """An expression's value as the ISO 8601 text a timer reads."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    from ..dmn import result_to_json

    return str(result_to_json(value))


class _Keys:
    """Internal data per timer: an event-based gateway holds several timers in one task."""

    name: str

    @property
    def _key(self) -> str:
        return f"timer {self.name}"

    @property
    def _fired(self) -> str:
        return f"timer fired {self.name}"

    def reset(self, my_task: Any) -> None:
        """The event ran: a later activation (a loop back) starts the timer anew."""
        my_task.internal_data.pop(self._key, None)
        my_task.internal_data.pop(self._fired, None)
        super().reset(my_task)  # type: ignore[misc]


class _OnceTimer(_Keys):
    """A timer due once (a date, a duration): its due time is computed when it starts."""

    kind = ""
    expression: str

    def _first_due(self, my_task: Any) -> dt.datetime:
        spec = _text(my_task, self.kind, self.expression)
        return cast(dt.datetime, spec.first_due(started=clock.now().astimezone(BERLIN)))

    def due(self, my_task: Any) -> dt.datetime:
        value = my_task._get_internal_data(self._key)
        if value is None:
            value = self._first_due(my_task).isoformat()
            my_task._set_internal_data(**{self._key: value})
        return dt.datetime.fromisoformat(value)

    def has_fired(self, my_task: Any) -> bool:
        if self.due(my_task) <= clock.now():
            my_task._set_internal_data(**{self._fired: True})
        return bool(my_task._get_internal_data(self._fired, False))


class DateTimer(_OnceTimer, TimeDateEventDefinition):  # type: ignore[misc]
    kind = "timeDate"


class DurationTimer(_OnceTimer, DurationTimerEventDefinition):  # type: ignore[misc]
    kind = "timeDuration"


class CycleTimer(_Keys, CycleTimerEventDefinition):  # type: ignore[misc]
    """A repeating timer (non-interrupting boundary events: reminders). Each occurrence that
    has passed lets one token out; after the last repetition the timer is done."""

    def _state(self, my_task: Any) -> dict[str, Any]:
        value = my_task._get_internal_data(self._key)
        if value is None:
            started = clock.now().astimezone(BERLIN)
            first = _text(my_task, "timeCycle", self.expression).first_due(started=started)
            value = {
                "expression": self.expression,
                "started": started.isoformat(),
                "next": first.isoformat() if first else None,
                "fired": 0,
            }
            my_task._set_internal_data(**{self._key: value})
        return dict(value)

    def has_fired(self, my_task: Any) -> bool:
        return bool(my_task._get_internal_data(self._fired, False))

    def due(self, my_task: Any) -> dt.datetime | None:
        value = self._state(my_task)
        return dt.datetime.fromisoformat(value["next"]) if value["next"] else None

    def cycle_complete(self, my_task: Any) -> bool:
        value = self._state(my_task)
        if value["next"] is None:
            my_task.internal_data.pop(self._key, None)
            my_task._set_internal_data(**{self._fired: True})
            return False
        next_at = dt.datetime.fromisoformat(value["next"])
        if next_at > clock.now():
            return False
        spec = _text(my_task, "timeCycle", value["expression"])
        following = spec.next_after(next_at, started=dt.datetime.fromisoformat(value["started"]))
        value["next"] = following.isoformat() if following else None
        value["fired"] += 1
        my_task._set_internal_data(**{self._key: value})
        return True

    def update_task(self, my_task: Any) -> None:
        if self.cycle_complete(my_task):
            for output in my_task.task_spec.outputs:
                child = my_task._add_child(output, TaskState.FUTURE)
                child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
                child.task_spec._update(child)


TIMER_CLASSES = {"timeDate": DateTimer, "timeDuration": DurationTimer, "timeCycle": CycleTimer}
