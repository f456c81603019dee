"""DMN files for the tests, written as Camunda Modeler 5 writes DMN 1.3 (and older tools 1.1
and 1.2): a table from inputs, outputs and rows of cell texts."""

from xml.sax.saxutils import escape

NAMESPACES = {
    "1.1": "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "1.2": "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "1.3": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}


def table(
    *,
    inputs: list[tuple[str, str]],
    outputs: list[tuple[str, str]],
    rows: list[list[str]],
    hit_policy: str = "UNIQUE",
    aggregation: str = "",
    decision: str = "Decision_1",
    name: str = "Entscheidung",
    output_values: dict[str, str] | None = None,
    default: dict[str, str] | None = None,
    requires: list[str] = (),
    extra: str = "",
    version: str = "1.3",
) -> bytes:
    """A DMN file with one decision table (plus `extra` decisions)."""
    aggregated = f' aggregation="{aggregation}"' if aggregation else ""
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="{NAMESPACES[version]}" '
        'xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="Definitions_1" '
        'name="Definitions" namespace="http://camunda.org/schema/1.0/dmn">',
        f'<decision id="{decision}" name="{name}">',
    ]
    for required in requires:
        parts.append(
            f'<informationRequirement id="IR_{required}">'
            f'<requiredDecision href="#{required}"/></informationRequirement>'
        )
    parts.append(f'<decisionTable id="Table_{decision}" hitPolicy="{hit_policy}"{aggregated}>')
    for index, (expression, type_ref) in enumerate(inputs):
        parts.append(
            f'<input id="Input_{index}" label="{escape(expression)}">'
            f'<inputExpression id="InputExpression_{index}" typeRef="{type_ref}">'
            f"<text>{escape(expression)}</text></inputExpression></input>"
        )
    for index, (output, type_ref) in enumerate(outputs):
        values = (output_values or {}).get(output)
        value_xml = f"<outputValues><text>{escape(values)}</text></outputValues>" if values else ""
        fallback = (default or {}).get(output)
        default_xml = (
            f"<defaultOutputEntry><text>{escape(fallback)}</text></defaultOutputEntry>"
            if fallback
            else ""
        )
        parts.append(
            f'<output id="Output_{index}" label="{output}" name="{output}" typeRef="{type_ref}">'
            f"{value_xml}{default_xml}</output>"
        )
    for number, row in enumerate(rows):
        cells = row[: len(inputs)]
        results = row[len(inputs) :]
        parts.append(f'<rule id="Rule_{number}">')
        for index, cell in enumerate(cells):
            parts.append(
                f'<inputEntry id="In_{number}_{index}"><text>{escape(cell)}</text></inputEntry>'
            )
        for index, cell in enumerate(results):
            parts.append(
                f'<outputEntry id="Out_{number}_{index}"><text>{escape(cell)}</text></outputEntry>'
            )
        parts.append("</rule>")
    parts.append("</decisionTable></decision>")
    parts.append(extra)
    parts.append("</definitions>")
    return "\n".join(parts).encode()
