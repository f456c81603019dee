"""The process drawn on the server (issue 12 §3): the model's diagram as SVG with where the
instance stands and what it passed marked, names escaped, nothing without a diagram."""

from lxml import etree

from rathaus.workflow.diagram import Marking, diagram_svg
from tests.workflow.engine_models import CHECK_AND_NOTIFY, with_diagram

SVG = "{http://www.w3.org/2000/svg}"


def drawn(body, **marking):
    text = diagram_svg(
        with_diagram(body).decode(), marking=Marking(**marking), title="Ablauf des Antrags"
    )
    return etree.fromstring(text.encode())


def group_of(svg, title_start):
    for group in svg.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        if title is not None and title.text.startswith(title_start):
            return group
    raise AssertionError(f"no element titled {title_start!r}")


def test_the_diagram_marks_where_the_instance_stands():
    svg = drawn(
        CHECK_AND_NOTIFY,
        active=frozenset({"Sign"}),
        done=frozenset({"StartEvent_1", "Check", "Amount", "Notify"}),
        active_label="aktueller Schritt",
        done_label="erledigt",
    )
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Ablauf des Antrags"
    sign = group_of(svg, "Zeichnen")
    assert "is-active" in sign.get("class") and sign.find(f"{SVG}title").text.endswith(
        "(aktueller Schritt)"
    )
    assert "is-done" in group_of(svg, "Antrag prüfen").get("class")
    assert "is-" not in group_of(svg, "Status setzen").get("class")  # not taken
    assert len(list(svg.iter(f"{SVG}polyline"))) == 7  # every flow
    assert group_of(svg, "exclusiveGateway").find(f"{SVG}polygon") is not None  # a gateway


def test_names_are_text_and_a_model_without_diagram_draws_nothing():
    body = CHECK_AND_NOTIFY.replace(
        'name="Zeichnen"', 'name="&lt;script&gt;alert(1)&lt;/script&gt;"'
    )
    text = diagram_svg(with_diagram(body).decode(), marking=Marking(), title="x")
    assert "<script>" not in text and "&lt;script&gt;" in text
    from tests.workflow.engine_models import HEAD

    bare = HEAD + CHECK_AND_NOTIFY + "</bpmn:definitions>"
    assert diagram_svg(bare, marking=Marking(), title="x") is None
