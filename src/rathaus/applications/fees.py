"""The fee of an application: the local or shared fee rule of the service, computed from the
form data (integer cents).

Fee parameters are taken from the form data by name: a top-level property or a computed
value whose pointer ends in the parameter's name (``/dogs`` for ``dogs``).
"""

from dataclasses import dataclass
from typing import Any

from rathaus.applications.form_schema import form_computed_values
from rathaus.catalog.fee_rules import FeeRuleError, fee_compute


@dataclass(frozen=True)
class FeeQuote:
    """`amount_cents` is None when the fee cannot be computed online: decided case by case
    (a range) or data missing (`problem` says which)."""

    amount_cents: int | None
    decided_later: bool = False
    problem: str = ""

    @property
    def payable_online(self) -> bool:
        return bool(self.amount_cents)


def fee_rule_of(offer: Any) -> dict[str, Any]:
    if offer.fee_rule:
        return dict(offer.fee_rule)
    return dict(offer.service.fee_rule or {"kind": "free"})


def fee_quote(*, offer: Any, definition: Any, data: dict[str, Any]) -> FeeQuote:
    """The fee for an application to `offer` with form `data`."""
    rule = fee_rule_of(offer)
    if rule.get("kind") == "range":
        return FeeQuote(amount_cents=None, decided_later=True)
    parameters: dict[str, Any] = dict(data)
    for pointer, value in form_computed_values(definition, data).items():
        if value is not None:
            parameters[pointer.rsplit("/", 1)[-1]] = value
    try:
        return FeeQuote(amount_cents=fee_compute(rule, parameters))
    except FeeRuleError as exc:
        return FeeQuote(amount_cents=None, problem=str(exc))
