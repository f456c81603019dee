"""DMN decision tables and FEEL (issue 12 §1): DMN 1.1–1.5 files as Camunda Modeler and other
tools write them, evaluated by our own FEEL layer (`feel.py`) — SpiffWorkflow's DMN engine
evaluates cells as Python. Hit policies UNIQUE, FIRST, PRIORITY, ANY, RULE ORDER, OUTPUT ORDER
and COLLECT (with SUM, MIN, MAX, COUNT); decisions requiring other decisions (a DRD);
literal-expression decisions. `manage.py dmn_evaluate` evaluates one from the shell."""

import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from .feel import (
    DmnError,
    FeelError,
    Node,
    YearsMonths,
    evaluate,
    feel_check,
    feel_evaluate,
    feel_parse,
    unary_tests_match,
    unary_tests_parse,
)

DMN_NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
HIT_POLICIES = {"UNIQUE", "FIRST", "PRIORITY", "ANY", "RULE ORDER", "OUTPUT ORDER", "COLLECT"}
AGGREGATIONS = {"SUM", "MIN", "MAX", "COUNT"}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class SchemaUnavailable(DmnError):
    """The official DMN 1.3 XSD is not where the settings say (or the file is no DMN 1.3)."""


@dataclass
class Clause:
    id: str
    label: str
    text: str  # the input expression, or the output's name
    type_ref: str
    values: list[Any] = field(default_factory=list)  # output values (priority order)
    default: str = ""  # an output's default entry
    node: Node | None = None


@dataclass
class Rule:
    id: str
    inputs: list[tuple[str, Node]]
    outputs: list[tuple[str, Node | None]]


@dataclass
class Decision:
    id: str
    name: str
    requires: list[str]  # ids of required decisions
    hit_policy: str = "UNIQUE"
    aggregation: str = ""
    inputs: list[Clause] = field(default_factory=list)
    outputs: list[Clause] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    literal: str | None = None  # a literal-expression decision's FEEL
    variable: str = ""


@dataclass
class DecisionModel:
    version: str
    decisions: list[Decision]

    def find(self, key: str) -> Decision:
        for decision in self.decisions:
            if key in (decision.id, decision.name):
                return decision
        known = ", ".join(f"{d.id} ({d.name})" for d in self.decisions) or _("none")
        raise DmnError(
            _("No decision %(key)s in the model; it has: %(known)s.")
            % {"key": repr(key), "known": known}
        )


# --- Loading -----------------------------------------------------------------------------


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    text = element.findtext("{*}text")
    return (text if text is not None else element.text or "").strip()


def _feel_language(element: etree._Element, where: str) -> None:
    language = (element.get("expressionLanguage") or "").lower()
    if language and "feel" not in language:
        raise FeelError(
            _("%(where)s: the expression language %(language)s is not supported; only FEEL is.")
            % {"where": where, "language": repr(language)}
        )


def dmn_load(data: bytes) -> DecisionModel:
    """The decisions of a DMN file (DmnError naming the element when it cannot be used)."""
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as error:
        raise DmnError(
            _("The file is not well-formed XML: %(error)s (line %(line)s).")
            % {"error": error.msg, "line": error.lineno}
        ) from None
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "definitions" or namespace not in DMN_NAMESPACES:
        raise DmnError(
            _("The file is not a DMN model: root %(tag)s; DMN 1.1 to 1.5 are supported.")
            % {"tag": root.tag}
        )
    # Names with spaces the expressions may use: input data, decisions and their variables.
    names = [
        element.get("name", "")
        for element in root.iter(f"{{{namespace}}}inputData", f"{{{namespace}}}decision")
        if " " in element.get("name", "")
    ]
    decisions = [_decision(element, names) for element in root.iterfind(f"{{{namespace}}}decision")]
    if not decisions:
        raise DmnError(_("The DMN file holds no decision."))
    return DecisionModel(DMN_NAMESPACES[namespace], decisions)


def _decision(element: etree._Element, known: list[str]) -> Decision:
    identifier = element.get("id", "")
    where = _("decision %(id)s (line %(line)s)") % {
        "id": repr(identifier),
        "line": element.sourceline,
    }
    requires = [
        (ref.get("href") or "").lstrip("#")
        for ref in element.iterfind("{*}informationRequirement/{*}requiredDecision")
    ]
    decision = Decision(identifier, element.get("name", ""), requires)
    variable = element.find("{*}variable")
    decision.variable = variable.get("name", "") if variable is not None else ""
    table = element.find("{*}decisionTable")
    literal = element.find("{*}literalExpression")
    if table is None and literal is None:
        logic = [etree.QName(c).localname for c in element if isinstance(c.tag, str)]
        raise DmnError(
            _("%(where)s: only decision tables and literal expressions are supported (%(logic)s).")
            % {"where": where, "logic": ", ".join(logic)}
        )
    if literal is not None:
        _feel_language(literal, where)
        decision.literal = _text(literal)
        try:
            feel_check(decision.literal, known)
        except FeelError as error:
            raise FeelError(f"{where}: {error}") from None
        return decision
    assert table is not None
    hit_policy = (table.get("hitPolicy") or "UNIQUE").upper().replace("_", " ")
    if hit_policy not in HIT_POLICIES:
        raise DmnError(
            _("%(where)s: unknown hit policy %(policy)s.")
            % {"where": where, "policy": repr(hit_policy)}
        )
    decision.hit_policy = hit_policy
    decision.aggregation = (table.get("aggregation") or "").upper()
    if decision.aggregation and (
        hit_policy != "COLLECT" or decision.aggregation not in AGGREGATIONS
    ):
        raise DmnError(
            _("%(where)s: aggregation %(aggregation)s needs hit policy COLLECT.")
            % {"where": where, "aggregation": repr(decision.aggregation)}
        )
    for clause in table.iterfind("{*}input"):
        expression = clause.find("{*}inputExpression")
        if expression is None:
            raise DmnError(
                _("%(where)s: input %(input)s has no input expression.")
                % {"where": where, "input": repr(clause.get("id"))}
            )
        _feel_language(expression, where)
        decision.inputs.append(
            Clause(
                clause.get("id", ""),
                clause.get("label", ""),
                _text(expression),
                expression.get("typeRef", ""),
            )
        )
    for clause in table.iterfind("{*}output"):
        values = clause.find("{*}outputValues")
        default = clause.find("{*}defaultOutputEntry")
        decision.outputs.append(
            Clause(
                clause.get("id", ""),
                clause.get("label", ""),
                clause.get("name", "")
                or (decision.variable if len(table.findall("{*}output")) == 1 else ""),
                clause.get("typeRef", ""),
                _output_values(values, where),
                _text(default),
            )
        )
    if not decision.outputs:
        raise DmnError(_("%(where)s: the decision table has no output.") % {"where": where})
    if decision.aggregation and len(decision.outputs) != 1:
        raise DmnError(_("%(where)s: an aggregation needs exactly one output.") % {"where": where})
    # FEEL names may contain spaces; the cells can use the input expressions' names and the
    # required decisions' names (known here), and whatever the caller passes (at evaluation).
    names = (
        [c.text for c in decision.inputs if " " in c.text]
        + [o.text for o in decision.outputs if " " in o.text]
        + known
    )
    for rule in table.iterfind("{*}rule"):
        rule_id = rule.get("id", "")
        entries = rule.findall("{*}inputEntry")
        results = rule.findall("{*}outputEntry")
        if len(entries) != len(decision.inputs) or len(results) != len(decision.outputs):
            raise DmnError(
                _("%(where)s: rule %(rule)s has not one entry per column.")
                % {"where": where, "rule": repr(rule_id)}
            )
        try:
            inputs = [(_text(e), unary_tests_parse(_text(e), names)) for e in entries]
            outputs = [
                (_text(e), feel_parse(_text(e), names) if _text(e) else None) for e in results
            ]
        except FeelError as error:
            raise FeelError(
                _("%(where)s, rule %(rule)s: %(error)s")
                % {"where": where, "rule": repr(rule_id), "error": error}
            ) from None
        decision.rules.append(Rule(rule_id, inputs, outputs))
    return decision


def _output_values(values: etree._Element | None, where: str) -> list[Any]:
    if values is None or not _text(values):
        return []
    try:
        node = unary_tests_parse(_text(values))
    except FeelError as error:
        raise FeelError(
            _("%(where)s: output values: %(error)s") % {"where": where, "error": error}
        ) from None
    return [evaluate(test[1], {}) for test in node[1]] if node[0] == "tests" else []


# --- Evaluation --------------------------------------------------------------------------


def _coerce(value: Any, type_ref: str) -> Any:
    """An input value as its column's type says (JSON gives strings for dates)."""
    kind = type_ref.lower().replace("feel:", "")
    if value is None:
        return None
    if (
        kind in {"number", "integer", "long", "double"}
        and isinstance(value, int | float | str)
        and not isinstance(value, bool)
    ):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return value
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if kind in {"datetime", "date and time"} and isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if kind == "time" and isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def decision_evaluate(*, model: DecisionModel, decision: str, inputs: dict[str, Any]) -> Any:
    """The result of `decision` (id or name) on `inputs` (by their names): one output's value,
    an object of several outputs, or a list for multiple hits; required decisions first."""
    return _evaluate(model, model.find(decision), dict(inputs), seen=())


def _evaluate(
    model: DecisionModel, decision: Decision, context: dict[str, Any], *, seen: tuple[str, ...]
) -> Any:
    if decision.id in seen:
        raise DmnError(_("decision %(id)s requires itself.") % {"id": repr(decision.id)})
    for required_id in decision.requires:
        required = model.find(required_id)
        result = _evaluate(model, required, context, seen=(*seen, decision.id))
        context[required.name or required.id] = result
        if len(required.outputs) == 1 and required.outputs[0].text:
            context.setdefault(required.outputs[0].text, result)
    where = _("decision %(id)s") % {"id": repr(decision.id)}
    try:
        if decision.literal is not None:
            return feel_evaluate(decision.literal, context)
        return _table(decision, context)
    except FeelError as error:
        # Already named by its decision ("decision " in English, in the active language).
        if str(error).startswith(_("decision %(id)s") % {"id": ""}):
            raise
        raise FeelError(f"{where}: {error}") from None


def _table(decision: Decision, context: dict[str, Any]) -> Any:
    names = [n for n in context if " " in n]
    values = []
    for clause in decision.inputs:
        value = evaluate(feel_parse(clause.text, names), context, source=clause.text)
        values.append(_coerce(value, clause.type_ref))
    matched = [
        rule
        for rule in decision.rules
        if all(
            unary_tests_match(tests, value, context, source=text)
            for (text, tests), value in zip(rule.inputs, values, strict=True)
        )
    ]
    results = [_outputs(decision, rule, context) for rule in matched]
    from .hit_policies import hit_policy_apply

    return hit_policy_apply(
        decision, matched, results, default=lambda: _defaults(decision, context)
    )


def _outputs(decision: Decision, rule: Rule, context: dict[str, Any]) -> dict[str, Any]:
    return {
        clause.text: (evaluate(node, context, source=text) if node is not None else None)
        for clause, (text, node) in zip(decision.outputs, rule.outputs, strict=True)
    }


def _defaults(decision: Decision, context: dict[str, Any]) -> dict[str, Any] | None:
    if not any(clause.default for clause in decision.outputs):
        return None
    return {
        clause.text: (feel_evaluate(clause.default, context) if clause.default else None)
        for clause in decision.outputs
    }


def result_to_json(value: Any) -> Any:
    """A FEEL value for JSON: numbers as int or float, dates and durations as ISO 8601."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        days, rest = divmod(abs(seconds), 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        time = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
        return (
            f"{sign}P{days}D" + (f"T{time}" if time else "")
            if days or not time
            else f"{sign}PT{time}"
        )
    if isinstance(value, YearsMonths):
        return value.isoformat()
    if isinstance(value, list):
        return [result_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: result_to_json(v) for k, v in value.items()}
    return value


# --- Schema ------------------------------------------------------------------------------


SETTING = "RATHAUS_DMN_SCHEMA_DIR"
ENVIRONMENT = "RATHAUS_STANDARDS_DIR"
_REPOSITORY = Path(__file__).resolve().parents[4]


def _schema_path() -> Path:
    """The official DMN 1.3 XSD: the setting's folder, else $RATHAUS_STANDARDS_DIR/bpmn/dmn13,
    else ../shared/standards/bpmn/dmn13 beside the repository."""
    from django.conf import settings

    configured = getattr(settings, SETTING, "")
    if configured:
        return Path(configured) / "DMN13.xsd"
    standards = os.environ.get(ENVIRONMENT)
    base = Path(standards) if standards else _REPOSITORY.parent / "shared" / "standards"
    return (base / "bpmn" / "dmn13" / "DMN13.xsd").resolve()


@functools.cache
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def dmn_validate(data: bytes) -> list[str]:
    """What the official DMN 1.3 XSD finds wrong (empty: valid). SchemaUnavailable when the
    XSD is missing or the file is another DMN version (those are only parsed)."""
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as error:
        return [
            _("not well-formed XML: %(error)s (line %(line)s)")
            % {"error": error.msg, "line": error.lineno}
        ]
    if etree.QName(root).namespace != "https://www.omg.org/spec/DMN/20191111/MODEL/":
        raise SchemaUnavailable("Only DMN 1.3 files are validated against the XSD.")
    path = _schema_path()
    if not path.is_file():
        raise SchemaUnavailable(f"The DMN 1.3 XSD is not at {path}.")
    schema = _schema(str(path))
    if schema.validate(etree.ElementTree(root)):
        return []
    return [
        _("line %(line)s: %(problem)s") % {"line": e.line, "problem": e.message}
        for e in schema.error_log
    ]


__all__ = [
    "DecisionModel",
    "DmnError",
    "FeelError",
    "SchemaUnavailable",
    "decision_evaluate",
    "dmn_load",
    "dmn_validate",
    "feel_check",
    "feel_evaluate",
    "result_to_json",
]
