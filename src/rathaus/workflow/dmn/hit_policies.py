"""The hit policies of DMN decision tables (DMN 1.3, 8.2.11), applied to the matched rules.

Single hit: UNIQUE (more than one match is an error), ANY (matches must agree), FIRST (rule
order), PRIORITY (by the order of the outputs' output values, compared output by output).
Multiple hits: RULE ORDER, OUTPUT ORDER (by priority), COLLECT (a list, or aggregated: SUM,
MIN, MAX of the single output's values; COUNT their number: DMN 1.2+ defines the aggregations
by FEEL's list functions sum, count, min and max over the outputs, as Camunda does).
No match: single hit → the outputs' default entries, else null; multiple → []; COUNT → 0;
SUM, MIN, MAX → null.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .feel import DmnError


def _value(decision: Any, result: dict[str, Any] | None) -> Any:
    """One output's value, or an object of several outputs."""
    if result is None:
        return None
    if len(decision.outputs) == 1:
        return next(iter(result.values()))
    return result


def _priority_key(decision: Any, result: dict[str, Any]) -> tuple[int, ...]:
    key = []
    for clause in decision.outputs:
        values = clause.values
        value = result.get(clause.text)
        key.append(values.index(value) if values and value in values else len(values))
    return tuple(key)


def hit_policy_apply(
    decision: Any,
    matched: list[Any],
    results: list[dict[str, Any]],
    *,
    default: Callable[[], dict[str, Any] | None],
) -> Any:
    """The decision's result from its matched rules (in rule order) and their outputs."""
    policy = decision.hit_policy
    where = _("decision %(id)s") % {"id": repr(decision.id)}
    if policy in {"UNIQUE", "ANY", "FIRST", "PRIORITY"}:
        if not results:
            return _value(decision, default())
        if policy == "UNIQUE" and len(results) > 1:
            rules = ", ".join(rule.id for rule in matched)
            raise DmnError(
                _("%(where)s: hit policy UNIQUE, but several rules match (%(rules)s).")
                % {"where": where, "rules": rules}
            )
        if policy == "ANY" and any(r != results[0] for r in results[1:]):
            rules = ", ".join(rule.id for rule in matched)
            raise DmnError(
                _("%(where)s: hit policy ANY, but the matching rules (%(rules)s) differ.")
                % {"where": where, "rules": rules}
            )
        if policy == "PRIORITY":
            if not any(clause.values for clause in decision.outputs):
                raise DmnError(
                    _("%(where)s: hit policy %(policy)s needs output values.")
                    % {"where": where, "policy": "PRIORITY"}
                )
            best = min(range(len(results)), key=lambda i: _priority_key(decision, results[i]))
            return _value(decision, results[best])
        return _value(decision, results[0])
    if policy == "OUTPUT ORDER":
        if not any(clause.values for clause in decision.outputs):
            raise DmnError(
                _("%(where)s: hit policy %(policy)s needs output values.")
                % {"where": where, "policy": "OUTPUT ORDER"}
            )
        ordered = sorted(range(len(results)), key=lambda i: _priority_key(decision, results[i]))
        return [_value(decision, results[i]) for i in ordered]
    values = [_value(decision, result) for result in results]
    if policy == "RULE ORDER" or not decision.aggregation:
        return values
    if decision.aggregation == "COUNT":
        return Decimal(len(values))
    if not values:
        return None
    if any(not isinstance(v, Decimal) for v in values) and decision.aggregation == "SUM":
        raise DmnError(_("%(where)s: SUM needs numbers.") % {"where": where})
    try:
        if decision.aggregation == "SUM":
            return sum(values, Decimal(0))
        return min(values) if decision.aggregation == "MIN" else max(values)
    except TypeError:
        raise DmnError(
            _("%(where)s: %(aggregation)s needs values of one kind.")
            % {"where": where, "aggregation": decision.aggregation}
        ) from None
