"""Translate the regular expression of an XDatenfelder `praezisierung` into a JSON Schema pattern.

XDatenfelder patterns follow XML Schema regular expressions: they always describe the whole
value (implicitly anchored) and have no anchors of their own, so `^` and `$` are ordinary
characters. JSON Schema patterns (ECMA-262, checked here with Python's `re.search`) match
anywhere unless anchored. Copying a pattern verbatim therefore lets `[0-9]{5}` accept
"D-12345-X". The translation anchors the pattern and rewrites what differs between the
dialects; what has no faithful equivalent is refused with the reason, never copied.

Supported: literals, `.`, groups, alternation, quantifiers (`?`, `*`, `+`, `{n}`, `{n,}`,
`{n,m}`), character classes with ranges and negation, the escapes `\\n \\r \\t \\d \\D \\s \\S`
and escaped metacharacters. Refused: `\\i \\I \\c \\C` (XML name characters), `\\w \\W` and
`\\p{…} \\P{…}` (Unicode categories and blocks: the dialects classify characters differently),
character class subtraction (`[a-z-[aeiou]]`) and everything that is not XML Schema syntax
(`(?…)`, lazy quantifiers, back references, `\\b`).
"""

import re

_META_ESCAPES = set("\\|.?*+(){}-[]^$")
_SPACE = " \\t\\n\\r"  # XML Schema's \s: space, tab, newline, carriage return (nothing else)
_UNSUPPORTED = {
    "i": "\\i (XML name start characters)",
    "I": "\\I (not XML name start characters)",
    "c": "\\c (XML name characters)",
    "C": "\\C (not XML name characters)",
    "w": "\\w (XML Schema's word characters differ from those of JSON Schema validators)",
    "W": "\\W (XML Schema's word characters differ from those of JSON Schema validators)",
    "p": "\\p{…} (Unicode categories and blocks)",
    "P": "\\P{…} (Unicode categories and blocks)",
}
_QUANTIFIER = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")


class UntranslatablePattern(ValueError):
    """The pattern has no faithful JSON Schema equivalent; the message says why."""


def xsd_pattern_to_json_schema(pattern: str) -> str:
    """The JSON Schema `pattern` that accepts exactly the values the XML Schema regular
    expression `pattern` accepts; raises UntranslatablePattern otherwise."""
    out: list[str] = []
    in_class = False
    class_start = False  # just after "[" or "[^"
    after_quantifier = False
    after_atom = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 == len(pattern):
                raise UntranslatablePattern("the pattern ends with a lone backslash")
            escaped = pattern[i + 1]
            out.append(_escape(escaped, in_class=in_class))
            i += 2
            class_start = False
            after_atom, after_quantifier = not in_class, False
            continue
        if in_class:
            if char == "[":
                raise UntranslatablePattern(
                    "character class subtraction or a nested class ([…-[…]])"
                )
            if char == "]" and not class_start:
                in_class = False
                after_atom = True
            out.append(char)
            class_start = False
            i += 1
            continue
        if char == "[":
            in_class, class_start = True, True
            out.append("[")
            if pattern.startswith("^", i + 1):
                out.append("^")
                i += 1
            i += 1
            after_quantifier = False
            continue
        if char in "?*+{":
            if after_quantifier:
                raise UntranslatablePattern(
                    "a quantifier follows a quantifier (lazy or possessive quantifiers)"
                )
            if not after_atom:
                raise UntranslatablePattern(f"{char!r} at position {i + 1} quantifies nothing")
            if char == "{":
                match = _QUANTIFIER.match(pattern, i)
                if match is None:
                    raise UntranslatablePattern(f"malformed quantifier at position {i + 1}")
                low, high = int(match.group(1)), match.group(3)
                if high and int(high) < low:
                    raise UntranslatablePattern(f"quantifier {match.group(0)} has max below min")
                out.append(match.group(0))
                i = match.end()
            else:
                out.append(char)
                i += 1
            after_quantifier, after_atom = True, False
            continue
        if char == "(" and pattern.startswith("?", i + 1):
            raise UntranslatablePattern("'(?' constructs are not XML Schema syntax")
        if char in "^$":
            out.append("\\" + char)  # ordinary characters in XML Schema
        elif char == ".":
            out.append("[^\\n\\r]")  # XML Schema's "." excludes both line ends
        elif char == "]":
            out.append("\\]")
        else:
            out.append(char)
        after_atom = char not in "(|"
        after_quantifier = False
        i += 1
    if in_class:
        raise UntranslatablePattern("a character class is not closed")
    # `$` alone would also match before a final newline in Python; (?!\n) makes the end exact
    # in both dialects.
    translated = f"^(?:{''.join(out)})$(?!\\n)"
    try:
        re.compile(translated)
    except re.error as exc:
        raise UntranslatablePattern(f"not a valid regular expression: {exc}") from exc
    return translated


def _escape(escaped: str, *, in_class: bool) -> str:
    if escaped in _UNSUPPORTED:
        raise UntranslatablePattern(f"{_UNSUPPORTED[escaped]} has no faithful equivalent")
    if escaped in "nrt":
        return "\\" + escaped
    if escaped in "dD":
        return "\\" + escaped
    if escaped == "s":
        return _SPACE if in_class else f"[{_SPACE}]"
    if escaped == "S":
        if in_class:
            raise UntranslatablePattern("\\S inside a character class")
        return f"[^{_SPACE}]"
    if escaped in _META_ESCAPES:
        return "\\" + escaped
    raise UntranslatablePattern(f"\\{escaped} is not an escape of XML Schema")
