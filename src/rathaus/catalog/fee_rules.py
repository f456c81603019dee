"""Fee rules (Gebühren) as data, computed in integer cents; formulas are evaluated safely.

A rule is a JSON object with a `kind`:

- ``{"kind": "free"}``
- ``{"kind": "fixed", "amount": 3700}``
- ``{"kind": "range", "min": 1000, "max": 5000}`` (decided case by case)
- ``{"kind": "per_unit", "unit_price": 1000, "parameter": "pages", "unit_de": "Seite",
  "unit_en": "page", "base": 0}``
- ``{"kind": "formula", "expression": "2500 + 1000 * max(0, dogs - 1)",
  "parameters": [{"name": "dogs", "label_de": "Anzahl Hunde", "label_en": "number of dogs",
  "min": 1, "max": 20}]}``

Every kind may carry ``note_de`` / ``note_en``. Formulas are parsed with :mod:`ast` and only
arithmetic, comparisons, conditional expressions, parameter names, numbers and the functions
``min``, ``max``, ``ceil``, ``floor`` and ``round`` are allowed (core/expressions.py); nothing is
ever passed to eval().
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from rathaus.core.expressions import (
    FUNCTIONS,
    ExpressionError,
    expression_evaluate,
    expression_parse,
)

KINDS = ("free", "fixed", "range", "per_unit", "formula")


class FeeRuleError(ValueError):
    """The fee rule or its parameters are invalid; the message says why."""


def _parse_formula(expression: Any, names: set[str]) -> Any:
    try:
        return expression_parse(expression, names)
    except ExpressionError as exc:
        raise FeeRuleError(str(exc)) from None


@dataclass(frozen=True)
class FeeParameter:
    name: str
    label_de: str
    label_en: str
    minimum: int | None
    maximum: int | None

    def label(self, language: str) -> str:
        return (self.label_en if language == "en" and self.label_en else self.label_de) or self.name


def _amount(rule: Mapping[str, Any], key: str) -> int:
    value = rule.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FeeRuleError(f"'{key}' must be a non-negative whole number of cents.")
    return value


def fee_parameters(rule: Mapping[str, Any]) -> list[FeeParameter]:
    """The named parameters a rule needs to compute a fee (empty for fixed fees)."""
    kind = rule.get("kind")
    if kind == "per_unit":
        name = rule.get("parameter")
        if not isinstance(name, str) or not name.isidentifier():
            raise FeeRuleError("A per-unit fee needs a 'parameter' name.")
        return [
            FeeParameter(
                name=name,
                label_de=str(rule.get("unit_de", name)),
                label_en=str(rule.get("unit_en", "")),
                minimum=0,
                maximum=None,
            )
        ]
    if kind == "formula":
        params = rule.get("parameters")
        if not isinstance(params, list):
            raise FeeRuleError("A formula needs a list of 'parameters'.")
        result = []
        for p in params:
            if (
                not isinstance(p, dict)
                or not isinstance(p.get("name"), str)
                or not p["name"].isidentifier()
            ):
                raise FeeRuleError("Every formula parameter needs a 'name' that is an identifier.")
            if p["name"] in FUNCTIONS:
                raise FeeRuleError(f"“{p['name']}” is reserved and cannot name a parameter.")
            result.append(
                FeeParameter(
                    name=p["name"],
                    label_de=str(p.get("label_de", p["name"])),
                    label_en=str(p.get("label_en", "")),
                    minimum=p.get("min"),
                    maximum=p.get("max"),
                )
            )
        return result
    return []


def validate_fee_rule(rule: Any) -> None:
    """Raise FeeRuleError with a clear message unless `rule` is a well-formed fee rule."""
    if not isinstance(rule, Mapping):
        raise FeeRuleError("A fee rule must be a JSON object.")
    kind = rule.get("kind")
    if kind not in KINDS:
        raise FeeRuleError(f"Unknown fee kind {kind!r}; use one of: {', '.join(KINDS)}.")
    if kind == "fixed":
        _amount(rule, "amount")
    elif kind == "range":
        if _amount(rule, "min") > _amount(rule, "max"):
            raise FeeRuleError("'min' must not be larger than 'max'.")
    elif kind == "per_unit":
        _amount(rule, "unit_price")
        if "base" in rule:
            _amount(rule, "base")
        fee_parameters(rule)
    elif kind == "formula":
        names = {p.name for p in fee_parameters(rule)}
        _parse_formula(rule.get("expression"), names)


def _parameter_values(params: list[FeeParameter], given: Mapping[str, Any]) -> dict[str, Decimal]:
    values: dict[str, Decimal] = {}
    for p in params:
        if p.name not in given or given[p.name] in (None, ""):
            raise FeeRuleError(f"Please give “{p.label_de}” ({p.name}).")
        try:
            value = Decimal(str(given[p.name]))
        except InvalidOperation:
            raise FeeRuleError(f"“{p.label_de}” must be a number.") from None
        if not value.is_finite():
            raise FeeRuleError(f"“{p.label_de}” must be a number.")
        if p.minimum is not None and value < p.minimum:
            raise FeeRuleError(f"“{p.label_de}” must be at least {p.minimum}.")
        if p.maximum is not None and value > p.maximum:
            raise FeeRuleError(f"“{p.label_de}” must be at most {p.maximum}.")
        values[p.name] = value
    return values


def fee_compute(rule: Mapping[str, Any], parameters: Mapping[str, Any] | None = None) -> int:
    """The fee in cents for `parameters`. A range has no single amount and raises FeeRuleError."""
    validate_fee_rule(rule)
    kind = rule["kind"]
    if kind == "free":
        return 0
    if kind == "fixed":
        return int(rule["amount"])
    if kind == "range":
        raise FeeRuleError("This fee is decided case by case within a range.")
    values = _parameter_values(fee_parameters(rule), parameters or {})
    if kind == "per_unit":
        result = (
            Decimal(rule.get("base", 0)) + Decimal(rule["unit_price"]) * values[rule["parameter"]]
        )
    else:
        try:
            result = expression_evaluate(_parse_formula(rule["expression"], set(values)), values)
        except ExpressionError as exc:
            raise FeeRuleError(str(exc)) from None
    cents = int(result.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if cents < 0:
        raise FeeRuleError("The fee formula gives a negative amount for these values.")
    return cents
