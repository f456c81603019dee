"""DMN decision tables with our FEEL layer (issue 12 §1): the unary tests of the cells at
their edges, every hit policy and aggregation, required decisions, names with spaces, typed
inputs, DMN 1.1–1.3 files, clear errors for FEEL beyond the layer, the official DMN 1.3 XSD,
and `manage.py dmn_evaluate`."""

import datetime as dt
import json
import os
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from rathaus.workflow.dmn import (
    DmnError,
    FeelError,
    decision_evaluate,
    dmn_load,
    dmn_validate,
    feel_evaluate,
    result_to_json,
)
from rathaus.workflow.dmn.feel import unary_tests_match, unary_tests_parse
from tests.optional_dependencies import unavailable
from tests.workflow.dmn_tables import table


def passes(cell, value, **context):
    return unary_tests_match(unary_tests_parse(cell), value, context)


@pytest.mark.parametrize(
    ("cell", "value", "expected"),
    [
        ("-", "anything", True),
        ("", None, True),
        ("< 10", Decimal(9), True),
        ("< 10", Decimal(10), False),
        ("<= 10", Decimal(10), True),
        ("> 10", Decimal(10), False),
        (">= 10", Decimal(10), True),
        ("[1..10]", Decimal(1), True),
        ("[1..10]", Decimal(10), True),
        ("]1..10[", Decimal(1), False),
        ("]1..10[", Decimal(10), False),
        ("(1..10)", Decimal("1.5"), True),
        ("[1..10)", Decimal(10), False),
        ('"Winter"', "Winter", True),
        ('"Winter"', "winter", False),  # exact
        ('"Winter","Spring"', "Spring", True),
        ('not("Winter","Spring")', "Summer", True),
        ('not("Winter","Spring")', "Winter", False),
        ("not([1..5])", Decimal(6), True),
        ("1, [5..7], > 10", Decimal(6), True),
        ("1, [5..7], > 10", Decimal(8), False),
        ("true", True, True),
        ("false", True, False),
        ("null", None, True),
        ('>= date("2024-02-29")', dt.date(2024, 2, 29), True),
        ('[date("2024-01-01")..date("2024-02-29")]', dt.date(2024, 3, 1), False),
        ("? > 5", Decimal(6), True),
        ("? in [1..3]", Decimal(4), False),
        ("< 10", "a string", False),  # another type: no match, no error
    ],
)
def test_unary_tests_at_their_edges(cell, value, expected):
    assert passes(cell, value) is expected


def test_a_cell_may_compare_with_another_input():
    assert passes("< maxAmount", Decimal(5), maxAmount=Decimal(10))
    assert not passes("< maxAmount", Decimal(15), maxAmount=Decimal(10))


@given(
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-1000, max_value=1000, places=2),
    st.decimals(min_value=-1000, max_value=1000, places=2),
)
def test_closed_ranges_agree_with_python(value, low, high):
    assert passes(f"[{low}..{high}]", value) == (low <= value <= high)
    assert passes(f"]{low}..{high}[", value) == (low < value < high)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("10 / 4", 2.5),
        ("10 / 0", None),
        ('"a" + "b"', "ab"),
        ('if amount > 100 then "hoch" else "niedrig"', "hoch"),
        ("amount between 100 and 200", True),
        ("amount in [1..5]", False),
        ("applicant.age >= 18 and applicant.age < 67", True),
        ("null + 1", None),
        ('date("2026-01-31") + duration("P1M")', "2026-02-28"),
        ('date("2024-02-28") + duration("P1D")', "2024-02-29"),
        ('date("2026-03-01") - date("2026-02-01")', "P28D"),
        ('date("2026-05-03").weekday', 7),
        ('string length("Bello")', 5),
        ('upper case("hund")', "HUND"),
        ("sum([1, 2, 3])", 6),
        ("count([1, 2, 3])", 3),
        ("max(1, 7, 3)", 7),
        ("decimal(1.005, 2)", 1.0),
        ("floor(2.7) + ceiling(2.1)", 5),
        ("{a: 1, b: a + 1}.b", 2),
        ("list contains([1, 2], 2)", True),
        ("not(amount > 200)", True),
        # The list and string functions of DMN 1.3/1.4 (e.g. in Camunda 8 and Trisotech models).
        ('string join(["a", null, "c"], ", ")', "a, c"),
        ('string join(["a", "b"])', "ab"),
        ('string join(["a", 1])', None),
        ('substring before("Hundesteuer", "steuer")', "Hunde"),
        ('substring after("Hundesteuer", "Hunde")', "steuer"),
        ('substring after("Hund", "Katze")', ""),
        ("append([1], 2, 3)", [1, 2, 3]),
        ("concatenate([1, 2], [3])", [1, 2, 3]),
        ("reverse([1, 2, 3])", [3, 2, 1]),
        ("flatten([[1, 2], [[3]], 4])", [1, 2, 3, 4]),
        ("distinct values([1, 2, 3, 2, 1])", [1, 2, 3]),
        ("index of([1, 2, 3, 2], 2)", [2, 4]),
        ("sublist([4, 5, 6], 2)", [5, 6]),
        ("sublist([4, 5, 6], -2, 1)", [5]),
        ("sublist([4, 5, 6], 4)", None),
        ("mean([1, 2, 3, 4])", 2.5),
        ("mean([])", None),
        ("product(2, 3, 4)", 24),
        ("all([true, true])", True),
        ("all([true, false, null])", False),
        ("all([true, null])", None),
        ("all([])", True),
        ("any([false, true])", True),
        ("any([false, null])", None),
        ("any([])", False),
        ("modulo(12, 5)", 2),
        ("modulo(-12, 5)", 3),
        ("modulo(10.1, 4.5)", 1.1),
        ("modulo(1, 0)", None),
        ("odd(5) and even(4)", True),
        ("even(2.5)", None),
    ],
)
def test_feel_expressions(expression, expected):
    context = {"amount": Decimal(150), "applicant": {"age": 30}}
    assert result_to_json(feel_evaluate(expression, context)) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "for x in [1, 2] return x",
        "some x in [1, 2] satisfies x > 1",
        "[1, 2, 3][item > 1]",
        "function(x) x + 1",
        "unknown function(1)",
        "a == 1 && b",
        "1 +",
    ],
)
def test_feel_beyond_the_layer_is_refused_with_the_text(expression):
    with pytest.raises(FeelError) as refused:
        feel_evaluate(expression, {"a": 1, "b": True})
    assert expression.split()[0] in str(refused.value)


def evaluated(data, inputs, decision="Decision_1"):
    return result_to_json(decision_evaluate(model=dmn_load(data), decision=decision, inputs=inputs))


SEASONS = {
    "inputs": [("season", "string"), ("guests", "integer")],
    "outputs": [("dish", "string")],
    "rows": [
        ['"Fall"', "<= 8", '"Spareribs"'],
        ['"Winter"', "<= 8", '"Roastbeef"'],
        ['"Spring"', "<= 4", '"Dry Aged Gourmet Steak"'],
        ['"Spring"', "[5..8]", '"Steak"'],
        ['"Fall", "Winter", "Spring"', "> 8", '"Stew"'],
        ['"Summer"', "-", '"Light Salad and nice Steak"'],
    ],
}


@pytest.mark.parametrize(
    ("season", "guests", "dish"),
    [
        ("Spring", 5, "Steak"),
        ("Spring", 4, "Dry Aged Gourmet Steak"),
        ("Winter", 9, "Stew"),
        ("Summer", 40, "Light Salad and nice Steak"),
        ("Autumn", 2, None),
    ],
)
def test_unique_picks_the_one_rule(season, guests, dish):
    assert evaluated(table(**SEASONS), {"season": season, "guests": guests}) == dish


def test_unique_with_two_matches_names_them():
    data = table(
        inputs=[("amount", "number")],
        outputs=[("fee", "number")],
        rows=[["< 10", "1"], ["< 20", "2"]],
    )
    with pytest.raises(DmnError, match="Rule_0, Rule_1"):
        evaluated(data, {"amount": 5})


def test_first_any_priority_and_defaults():
    rows = [["< 10", '"low"'], ["< 20", '"middle"'], ["-", '"high"']]
    common = {"inputs": [("amount", "number")], "outputs": [("level", "string")]}
    assert evaluated(table(**common, rows=rows, hit_policy="FIRST"), {"amount": 15}) == "middle"
    priority = table(
        **common,
        rows=rows,
        hit_policy="PRIORITY",
        output_values={"level": '"high","middle","low"'},
    )
    assert evaluated(priority, {"amount": 5}) == "high"
    agreeing = table(**common, rows=[["< 10", '"a"'], ["< 20", '"a"']], hit_policy="ANY")
    assert evaluated(agreeing, {"amount": 5}) == "a"
    differing = table(**common, rows=[["< 10", '"a"'], ["< 20", '"b"']], hit_policy="ANY")
    with pytest.raises(DmnError, match="ANY"):
        evaluated(differing, {"amount": 5})
    fallback = table(**common, rows=[["< 10", '"a"']], default={"level": '"none"'})
    assert evaluated(fallback, {"amount": 50}) == "none"


def test_multiple_hits_rule_order_output_order_and_collect():
    common = {
        "inputs": [("amount", "number")],
        "outputs": [("note", "string")],
        "rows": [["> 0", '"b"'], ["> 1", '"a"'], ["> 2", '"c"'], ["> 100", '"d"']],
    }
    assert evaluated(table(**common, hit_policy="RULE ORDER"), {"amount": 5}) == ["b", "a", "c"]
    ordered = table(**common, hit_policy="OUTPUT ORDER", output_values={"note": '"a","b","c","d"'})
    assert evaluated(ordered, {"amount": 5}) == ["a", "b", "c"]
    assert sorted(evaluated(table(**common, hit_policy="COLLECT"), {"amount": 5})) == [
        "a",
        "b",
        "c",
    ]
    assert evaluated(table(**common, hit_policy="COLLECT"), {"amount": -1}) == []


@pytest.mark.parametrize(
    ("aggregation", "amount", "expected"),
    [
        ("SUM", 5, 350),
        ("MIN", 5, 100),
        ("MAX", 5, 150),
        ("COUNT", 5, 3),
        ("COUNT", -1, 0),
        ("SUM", -1, None),
    ],
)
def test_collect_aggregations(aggregation, amount, expected):
    data = table(
        inputs=[("amount", "number")],
        outputs=[("fee", "number")],
        rows=[["> 0", "100"], ["> 1", "150"], ["> 2", "100"]],
        hit_policy="COLLECT",
        aggregation=aggregation,
    )
    assert evaluated(data, {"amount": amount}) == expected


def test_several_outputs_come_as_an_object_by_name():
    data = table(
        inputs=[("dogs", "integer")],
        outputs=[("fee", "number"), ("class", "string")],
        rows=[["1", "120", '"A"'], ["> 1", "120 + (dogs - 1) * 180", '"B"']],
    )
    assert evaluated(data, {"dogs": 3}) == {"fee": 480, "class": "B"}


def test_names_with_spaces_typed_inputs_and_required_decisions():
    extra = (
        '<inputData id="InputData_Birth" name="date of birth"/>'
        '<decision id="Decision_Age" name="Alter"><variable name="Alter"/>'
        "<literalExpression><text>years and months duration(date of birth, "
        'date("2026-12-05")).years</text></literalExpression></decision>'
    )
    data = table(
        inputs=[("Alter", "number"), ("number of dogs", "number")],
        outputs=[("allowed", "boolean")],
        rows=[[">= 18", ">= 1", "true"], ["< 18", "-", "false"]],
        requires=["Decision_Age"],
        extra=extra,
    )
    adult = {"date of birth": "2000-02-29", "number of dogs": 1}
    # The date arrives as JSON text; the literal expression's function needs a date.
    assert evaluated(data, {**adult, "date of birth": dt.date(2000, 2, 29)}) is True
    assert evaluated(data, {"date of birth": dt.date(2010, 1, 1), "number of dogs": 2}) is False
    assert evaluated(data, {**adult, "date of birth": dt.date(2000, 2, 29)}, "Alter") == 26


def test_dates_given_as_json_text_are_dates_by_the_type():
    data = table(
        inputs=[("submitted", "date")],
        outputs=[("late", "boolean")],
        rows=[['> date("2026-06-30")', "true"], ['<= date("2026-06-30")', "false"]],
    )
    assert evaluated(data, {"submitted": "2026-07-01"}) is True
    assert evaluated(data, {"submitted": "2026-06-30"}) is False


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3"])
def test_dmn_files_of_several_versions_evaluate(version):
    assert (
        evaluated(table(**SEASONS, version=version), {"season": "Spring", "guests": 6}) == "Steak"
    )


def test_files_that_cannot_be_used_say_why():
    with pytest.raises(DmnError, match="well-formed"):
        dmn_load(b"<definitions")
    with pytest.raises(DmnError, match="not a DMN model"):
        dmn_load(b'<definitions xmlns="http://example.org/dmn/9.9"/>')
    with pytest.raises(DmnError, match="No decision 'Nope'"):
        evaluated(table(**SEASONS), {}, decision="Nope")
    bad = table(inputs=[("a", "number")], outputs=[("b", "number")], rows=[["for x in y", "1"]])
    with pytest.raises(FeelError, match="Rule_0"):
        dmn_load(bad)
    juel = table(**SEASONS).replace(
        b'typeRef="string">', b'typeRef="string" expressionLanguage="juel">'
    )
    with pytest.raises(FeelError, match="juel"):
        dmn_load(juel)


def official_dmn13() -> Path:
    path = Path(os.environ.get("RATHAUS_STANDARDS_DIR", "../shared/standards"))
    schema = (path / "bpmn" / "dmn13" / "DMN13.xsd").resolve()
    if not schema.is_file():
        unavailable(f"the official DMN 1.3 XSD is not at {schema} (set RATHAUS_STANDARDS_DIR)")
    return schema


def test_dmn_13_files_are_checked_against_the_official_schema():
    official_dmn13()
    assert dmn_validate(table(**SEASONS)) == []
    broken = (
        table(**SEASONS)
        .replace(b"<decisionTable", b"<decisionTabel")
        .replace(b"</decisionTable>", b"</decisionTabel>")
    )
    assert dmn_validate(broken)


def test_the_command_prints_the_result_as_json_on_its_last_line(tmp_path):
    path = tmp_path / "gericht.dmn"
    path.write_bytes(table(**SEASONS))
    out = StringIO()
    call_command(
        "dmn_evaluate",
        str(path),
        "--decision",
        "Entscheidung",
        "--input",
        '{"season": "Spring", "guests": 6}',
        stdout=out,
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == "Steak"
    several = tmp_path / "several.dmn"
    several.write_bytes(
        table(
            inputs=[("dogs", "integer")],
            outputs=[("fee", "number"), ("class", "string")],
            rows=[["> 0", "120", '"A"'], ["> 1", "180", '"B"']],
            hit_policy="RULE ORDER",
        )
    )
    (tmp_path / "input.json").write_text('{"dogs": 2}')
    out = StringIO()
    call_command(
        "dmn_evaluate",
        str(several),
        "--decision",
        "Decision_1",
        "--input",
        f"@{tmp_path / 'input.json'}",
        stdout=out,
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == [
        {"fee": 120, "class": "A"},
        {"fee": 180, "class": "B"},
    ]
    with pytest.raises(CommandError, match="No decision"):
        call_command(
            "dmn_evaluate", str(path), "--decision", "x", "--language", "en", stdout=StringIO()
        )
    with pytest.raises(CommandError, match="not JSON"):
        call_command(
            "dmn_evaluate",
            str(path),
            "--decision",
            "Entscheidung",
            "--input",
            "{",
            "--language",
            "en",
        )
