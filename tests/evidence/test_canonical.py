import pytest

from rathaus.evidence.canonical import NotCanonicalisable, canonical_json


def test_keys_are_sorted_by_utf16_code_units_as_rfc_8785_wants():
    # RFC 8785 3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB01 in UTF-16.
    assert canonical_json({"\ufb01": 1, "\U0001f600": 2, "b": 3, "a": 4}) == (
        '{"a":4,"b":3,"\U0001f600":2,"\ufb01":1}'.encode()
    )


def test_strings_are_escaped_the_ecmascript_way():
    value = {"t": 'Zeile\n"zwei"\\\t\x01\x7fü€\u2028'}
    assert canonical_json(value) == b'{"t":"Zeile\\n\\"zwei\\"\\\\\\t\\u0001\x7f' + (
        "ü€\u2028".encode() + b'"}'
    )


def test_nested_values_without_whitespace():
    assert canonical_json({"l": [1, True, None, {"z": -3, "y": []}], "e": {}}) == (
        b'{"e":{},"l":[1,true,null,{"y":[],"z":-3}]}'
    )


@pytest.mark.parametrize(
    "value", [1.5, float("nan"), 2**53, b"x", {1: "a"}, {"s": {1, 2}}, "\ud800"]
)
def test_values_receipts_do_not_use_are_refused(value):
    with pytest.raises(NotCanonicalisable):
        canonical_json(value)
