import pytest
from django.utils import translation

from rathaus.catalog.fee_display import fee_describe, format_cents
from rathaus.catalog.fee_rules import FeeRuleError, fee_compute, fee_parameters, validate_fee_rule

DOG_TAX = {
    "kind": "formula",
    "expression": "9600 * dogs + 4800 * max(0, dogs - 1) + (6000 if dangerous else 0)",
    "parameters": [
        {
            "name": "dogs",
            "label_de": "Anzahl Hunde",
            "label_en": "number of dogs",
            "min": 1,
            "max": 20,
        },
        {"name": "dangerous", "label_de": "gefährlicher Hund (1/0)", "min": 0, "max": 1},
    ],
}


@pytest.mark.parametrize(
    ("rule", "params", "cents"),
    [
        ({"kind": "free"}, {}, 0),
        ({"kind": "fixed", "amount": 3700}, {}, 3700),
        ({"kind": "per_unit", "unit_price": 150, "parameter": "pages", "base": 500}, {"pages": 3}, 950),
        ({"kind": "per_unit", "unit_price": 333, "parameter": "m2"}, {"m2": "1.5"}, 500),
        (DOG_TAX, {"dogs": 1, "dangerous": 0}, 9600),
        (DOG_TAX, {"dogs": 3, "dangerous": 1}, 9600 * 3 + 4800 * 2 + 6000),
        (
            {"kind": "formula", "expression": "round(ceil(weeks) * 250 * area / 10)",
             "parameters": [{"name": "weeks"}, {"name": "area"}]},
            {"weeks": "2.1", "area": 12},
            900,
        ),
        (
            {"kind": "formula", "expression": "1000 if 0 < x <= 5 and not_x == 0 else 2000",
             "parameters": [{"name": "x"}, {"name": "not_x"}]},
            {"x": 5, "not_x": 0},
            1000,
        ),
    ],
)  # fmt: skip
def test_fee_compute(rule, params, cents):
    assert fee_compute(rule, params) == cents


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('id')", "may only call"),
        ("dogs.__class__", "may not use Attribute"),
        ("dogs ** 99999999", "may not use Pow"),
        ("[dogs]", "may not use List"),
        ("'a' * dogs", "only contain numbers"),
        ("cats + 1", "unknown parameter “cats”"),
        ("lambda: 1", "may not use Lambda"),
        ("dogs +", "not valid"),
        ("max(dogs, key=1)", "may only call"),
        ("1" * 600, "longer than"),
    ],
)
def test_unsafe_or_broken_formulas_are_refused(expression, message):
    rule = {"kind": "formula", "expression": expression, "parameters": [{"name": "dogs"}]}
    with pytest.raises(FeeRuleError, match=message):
        validate_fee_rule(rule)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ([], "JSON object"),
        ({"kind": "lottery"}, "Unknown fee kind"),
        ({"kind": "fixed", "amount": 12.5}, "whole number of cents"),
        ({"kind": "fixed", "amount": -1}, "non-negative"),
        ({"kind": "range", "min": 500, "max": 100}, "must not be larger"),
        ({"kind": "per_unit", "unit_price": 100}, "parameter"),
        ({"kind": "formula", "expression": "1", "parameters": [{"name": "min"}]}, "reserved"),
    ],
)
def test_malformed_rules_are_refused(rule, message):
    with pytest.raises(FeeRuleError, match=message):
        validate_fee_rule(rule)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Please give “Anzahl Hunde”"),
        ({"dogs": "viele", "dangerous": 0}, "must be a number"),
        ({"dogs": "NaN", "dangerous": 0}, "must be a number"),
        ({"dogs": 0, "dangerous": 0}, "at least 1"),
        ({"dogs": 21, "dangerous": 0}, "at most 20"),
    ],
)
def test_bad_parameters_get_clear_errors(params, message):
    with pytest.raises(FeeRuleError, match=message):
        fee_compute(DOG_TAX, params)


def test_division_by_zero_and_negative_results_are_errors():
    rule = {"kind": "formula", "expression": "1000 / n - 2000", "parameters": [{"name": "n"}]}
    with pytest.raises(FeeRuleError, match="divides by zero"):
        fee_compute(rule, {"n": 0})
    with pytest.raises(FeeRuleError, match="negative"):
        fee_compute(rule, {"n": 1})


def test_range_has_no_single_amount_but_a_description():
    rule = {"kind": "range", "min": 1000, "max": 50000}
    with pytest.raises(FeeRuleError, match="case by case"):
        fee_compute(rule)
    with translation.override("en"):
        assert fee_describe(rule, "en") == "€10.00 to €500.00"


def test_parameters_are_listed_for_forms():
    assert [p.name for p in fee_parameters(DOG_TAX)] == ["dogs", "dangerous"]
    assert fee_parameters(DOG_TAX)[0].label("en") == "number of dogs"
    assert fee_parameters(DOG_TAX)[1].label("en") == "gefährlicher Hund (1/0)"


def test_descriptions(settings):
    assert format_cents(123456, "de") == "1.234,56 €"
    assert format_cents(123456, "en") == "€1,234.56"
    assert (
        fee_describe({"kind": "fixed", "amount": 3700, "note_de": "bar oder EC"}, "de")
        == "37,00 € (bar oder EC)"
    )
    with translation.override("en"):
        assert fee_describe(None, "en") == "No fee information"
    per_unit = {"kind": "per_unit", "unit_price": 250, "parameter": "m2", "unit_de": "m² und Woche"}
    with translation.override("en"):
        assert fee_describe({**per_unit, "unit_en": "m² and week"}, "en") == "€2.50 per m² and week"
    assert "Anzahl Hunde" in fee_describe(DOG_TAX, "de")
