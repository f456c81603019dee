"""What the FIM importer makes of an element: expressed in the form definition or reported."""

import re

import pytest
from jsonschema import Draft202012Validator

from rathaus.contrib.fim.xdatenfelder import xdatenfelder_import
from rathaus.contrib.fim.xsd_regex import UntranslatablePattern, xsd_pattern_to_json_schema
from tests.applications.fim_documents import V2, V3, replace_once

PLZ = "F60000000001"


def field_schema(definition, field_id, group="G60000000001"):
    return definition["schema"]["properties"][group]["properties"][field_id]


def messages(report, element_id):
    return [message for eid, message in report if eid == element_id]


@pytest.mark.parametrize(
    ("xsd", "accepted", "refused"),
    [
        ("[0-9]{5}", ["12345"], ["D-12345-X", "1234", "123456", "12345\n", "\n12345"]),
        ("a|b", ["a", "b"], ["ab", "xa", "bx"]),  # alternation stays inside the anchors
        ("$[0-9]+", ["$12"], ["12"]),  # $ and ^ are ordinary characters in XML Schema
        ("^x", ["^x"], ["x"]),
        ("a.c", ["abc", "a-c"], ["a\nc", "a\rc", "ac"]),
        ("\\s", [" ", "\t"], ["\u00a0", "\x0c"]),  # XML Schema's \s has four characters
        ("[^\\s]+", ["abc"], ["a b"]),
        ("[A-Z]{2}[0-9]{2,}", ["DE12", "DE1234"], ["DE1", "de12"]),
        ("\\d{3}-\\d{2}", ["123-45"], ["123-456"]),
        ("[a-c]+\\.[x]", ["ab.x"], ["abcx"]),
        ("(ab)+", ["abab"], ["aba"]),
    ],
)
def test_patterns_are_anchored_and_translated(xsd, accepted, refused):
    pattern = xsd_pattern_to_json_schema(xsd)
    check = Draft202012Validator({"type": "string", "pattern": pattern})
    assert [v for v in accepted if not check.is_valid(v)] == []
    assert [v for v in refused if check.is_valid(v)] == []


@pytest.mark.parametrize(
    ("xsd", "reason"),
    [
        ("\\i\\c*", "\\i (XML name start characters)"),
        ("[\\c-[:]]+", "\\c (XML name characters)"),
        ("[a-z-[aeiou]]+", "character class subtraction"),
        ("\\p{Lu}+", "\\p{…} (Unicode categories and blocks)"),
        ("\\w+", "\\w (XML Schema's word characters differ"),
        ("(?i)abc", "'(?' constructs are not XML Schema syntax"),
        ("a*?", "a quantifier follows a quantifier"),
        ("\\bword", "\\b is not an escape of XML Schema"),
        ("(a)\\1", "\\1 is not an escape of XML Schema"),
        ("[abc", "a character class is not closed"),
        ("a{3,1}", "quantifier {3,1} has max below min"),
        ("*a", "'*' at position 1 quantifies nothing"),
        ("a(b", "not a valid regular expression"),
    ],
)
def test_patterns_without_a_faithful_translation_are_refused_with_the_reason(xsd, reason):
    with pytest.raises(UntranslatablePattern, match=re.escape(reason)):
        xsd_pattern_to_json_schema(xsd)


def test_an_imported_pattern_constrains_the_whole_value():
    definition, _report = xdatenfelder_import(V3.encode())
    validator = Draft202012Validator(field_schema(definition, PLZ))
    assert validator.is_valid("12345")
    assert not validator.is_valid("D-12345-X")
    v2, _report = xdatenfelder_import(V2.encode())  # 2.0: the pattern is in JSON
    assert not Draft202012Validator(v2["schema"]["properties"]["F1"]).is_valid("D-12345-X")


def test_an_untranslatable_pattern_is_reported_not_copied():
    document = replace_once(V3, 'pattern="[0-9]{5}"', 'pattern="\\p{Nd}{5}"')
    definition, report = xdatenfelder_import(document.encode())
    assert "pattern" not in field_schema(definition, PLZ)
    assert messages(report, PLZ) == [
        "pattern '\\\\p{Nd}{5}' was not imported: \\p{…} (Unicode categories and blocks) "
        "has no faithful equivalent"
    ]


def test_a_default_that_fits_the_field_is_carried():
    definition, report = xdatenfelder_import(V3.encode())
    assert field_schema(definition, PLZ)["default"] == "12345"
    assert messages(report, PLZ) == []


@pytest.mark.parametrize(
    ("default", "why"),
    [
        ("1234", "'1234' does not match"),  # the pattern
        ("123456", "'123456' is too long"),  # maxLength 5 (and the pattern)
    ],
)
def test_a_default_that_breaks_the_field_s_constraints_is_reported_and_dropped(default, why):
    document = replace_once(
        V3, "<xdf:inhalt>12345</xdf:inhalt>", f"<xdf:inhalt>{default}</xdf:inhalt>"
    )
    definition, report = xdatenfelder_import(document.encode())
    assert "default" not in field_schema(definition, PLZ)
    (message,) = messages(report, PLZ)
    assert message.startswith(
        f"default value (inhalt) '{default}' breaks the field's own constraints and was not "
        "imported: "
    )
    assert why in message


def test_a_select_default_outside_its_values_is_reported():
    document = replace_once(
        V3,
        "<xdf:vorbefuellung>\n                  <code>keine</code>\n                </xdf:vorbefuellung>\n                <xdf:werte>",
        "<xdf:inhalt>X</xdf:inhalt>\n<xdf:vorbefuellung><code>keine</code></xdf:vorbefuellung>\n<xdf:werte>",
    )
    definition, report = xdatenfelder_import(document.encode())
    assert "default" not in field_schema(definition, "F60000000002")
    assert any("'X' is not one of ['E', 'U']" in m for m in messages(report, "F60000000002"))


def test_embedded_values_become_an_enum_with_labels_and_their_help_is_reported():
    definition, report = xdatenfelder_import(V3.encode())
    assert field_schema(definition, "F60000000002")["enum"] == ["E", "U"]
    (step,) = definition["ui"]["steps"]
    (select,) = [f for f in step["fields"] if f["field"].endswith("F60000000002")]
    assert select["options"] == {"E": {"de": "Erstanmeldung"}, "U": {"de": "Ummeldung"}}
    assert messages(report, "F60000000002") == ["help texts (hilfe) of the values E are not shown"]


def test_code_list_keys_are_reported():
    document = replace_once(
        V3,
        "</xdf:werte>",
        "</xdf:werte>\n<xdf:codeKey>schluessel</xdf:codeKey><xdf:nameKey>wert</xdf:nameKey>",
    )
    _definition, report = xdatenfelder_import(document.encode())
    assert (
        "code list keys {'codeKey': 'schluessel', 'nameKey': 'wert'} ignored: the values are embedded"
        in messages(report, "F60000000002")
    )

    referenced = replace_once(
        document,
        document[
            document.index("<xdf:werte>") : document.index("</xdf:werte>") + len("</xdf:werte>")
        ],
        "<xdf:codelisteReferenz><xdf:canonicalIdentification>urn:de:example:art"
        "</xdf:canonicalIdentification><xdf:canonicalVersionUri>urn:de:example:art_1"
        "</xdf:canonicalVersionUri></xdf:codelisteReferenz>",
    )
    definition, report = xdatenfelder_import(referenced.encode())
    assert "enum" not in field_schema(definition, "F60000000002")
    assert messages(report, "F60000000002") == [
        "code list urn:de:example:art (urn:de:example:art_1) is referenced, not embedded: the "
        "values are not constrained; its column keys {'codeKey': 'schluessel', 'nameKey': "
        "'wert'} are not applied"
    ]


def test_file_size_is_expressed_and_media_types_are_reported():
    definition, report = xdatenfelder_import(V3.encode())
    upload = field_schema(definition, "F60000000003")
    # 1 MiB as base64 text: 4 characters for every 3 bytes.
    assert upload["maxLength"] == 1_398_104
    assert Draft202012Validator(upload).is_valid("A" * 1_398_104)
    assert not Draft202012Validator(upload).is_valid("A" * 1_398_108)
    assert messages(report, "F60000000003") == [
        "file upload is not mapped yet: the field takes base64 text",
        "file size limited to 1048576 bytes (as base64 length)",
        "allowed media types application/pdf, image/jpeg are not enforced for a file field in "
        "the form data",
    ]


def test_xdatenfelder_2_rule_text_in_definition_is_read():
    _definition, report = xdatenfelder_import(V2.encode())
    assert (
        "S1",
        "rule R1 'PLZ und Ort' is not expressible as JSON Schema and was not imported: Die "
        "Postleitzahl muss zum Ort passen. — script: function pruefe() {}",
    ) in report


def test_editorial_metadata_is_summarised_in_one_line():
    _definition, report = xdatenfelder_import(V3.encode())
    (summary,) = [m for _eid, m in report if m.startswith("editorial metadata")]
    assert "freigabestatus (5×)" in summary and "stichwort (1×)" in summary
    assert "header (1×)" in summary


def test_a_v3_schema_title_comes_from_its_bezeichnung():
    document = replace_once(
        V3,
        "<xdf:bezeichnung>Anmeldung</xdf:bezeichnung>",
        "<xdf:bezeichnung>Anmeldung eines Hundes</xdf:bezeichnung>",
    )
    definition, _report = xdatenfelder_import(document.encode())
    assert definition["schema"]["title"] == "Anmeldung eines Hundes"


def test_a_static_text_shows_its_content():
    document = replace_once(V3, "<code>input</code>", "<code>label</code>")
    document = replace_once(
        document,
        "<xdf:inhalt>12345</xdf:inhalt>",
        "<xdf:inhalt>Bitte beachten Sie die Frist.</xdf:inhalt>",
    )
    definition, _report = xdatenfelder_import(document.encode())
    (step,) = definition["ui"]["steps"]
    assert step["notes"] == [{"de": "Bitte beachten Sie die Frist."}]


def test_duplicate_codes_in_a_value_list_are_refused():
    from rathaus.contrib.fim.xdatenfelder import FimImportError

    document = replace_once(V3, "<xdf:code>U</xdf:code>", "<xdf:code>E</xdf:code>")
    with pytest.raises(FimImportError, match=r"the value list has the code\(s\) E more than once"):
        xdatenfelder_import(document.encode())
