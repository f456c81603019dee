"""Whether a model's timer can run: ISO 8601 as the BPMN spec defines it (`timers`), or a
FEEL expression that gives it at run time."""

from typing import cast

from django.utils.translation import gettext as _

from rathaus.core.legal_time import BERLIN

from . import timers


def timer_problem(kind: str, text: str) -> str | None:
    """What is wrong with the timer `text` of kind timeDate/timeDuration/timeCycle (None:
    nothing)."""
    from .engine.expressions import expression_problem

    try:
        timers.timer_parse(cast(timers.TimerKind, kind), text, default_tz=BERLIN)
    except timers.TimerNeedsExpression as needs:
        if needs.template:
            return _(
                "the timer %(timer)s mixes text and an expression; write one FEEL "
                "expression that gives the whole ISO 8601 value"
            ) % {"timer": repr(text.strip())}
        problem = expression_problem(needs.expression)
        return _("the timer's expression: %(problem)s") % {"problem": problem} if problem else None
    except timers.TimerError as error:
        return _("the timer %(timer)s is not ISO 8601 as BPMN requires: %(error)s") % {
            "timer": repr(text.strip()),
            "error": error,
        }
    return None
