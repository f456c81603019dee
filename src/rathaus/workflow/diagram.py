"""The process drawn on the server: an SVG of a model's diagram (BPMN DI) with the elements
an instance has passed and stands at marked (issue 12 §3; no JavaScript needed, bpmn-js only
an optional enhancement).

Shapes follow the BPMN notation in simple form: events are circles (end events thick),
activities rounded rectangles, gateways diamonds with their marker, pools and lanes framed
with their name; sequence flows are lines with an arrow, message flows dashed. Marking is by
class (`is-active`, `is-done`) and, for those who do not see colours, by a text in the
element's title and a thicker outline for the active ones. All text is escaped by lxml.
"""

from dataclasses import dataclass, field

from lxml import etree

from .bpmn.schema import BPMN_NS, bpmn_parse

DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DDI_NS = "http://www.omg.org/spec/DD/20100524/DI"
SVG_NS = "http://www.w3.org/2000/svg"
MARGIN = 20
GATEWAY_MARKS = {
    "exclusiveGateway": "×",
    "parallelGateway": "+",
    "inclusiveGateway": "○",
    "eventBasedGateway": "⬠",
    "complexGateway": "*",
}


@dataclass(frozen=True)
class Marking:
    active: frozenset[str] = frozenset()
    done: frozenset[str] = frozenset()
    active_label: str = "current step"
    done_label: str = "done"
    unnamed: dict[str, str] = field(default_factory=dict)  # BPMN tag → what it is called


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _bounds(shape: etree._Element) -> tuple[float, float, float, float] | None:
    bounds = shape.find(f"{{{DC_NS}}}Bounds")
    if bounds is None:
        return None
    try:
        x, y, w, h = (float(bounds.get(k, "0")) for k in ("x", "y", "width", "height"))
    except ValueError:
        return None
    return x, y, w, h


def diagram_svg(bpmn_text: str, *, marking: Marking, title: str) -> str | None:
    """The SVG of the first diagram in `bpmn_text` (None when it has none)."""
    tree = bpmn_parse(bpmn_text.encode())
    root = tree.getroot()
    elements = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    plane = root.find(f".//{{{DI_NS}}}BPMNPlane")
    if plane is None:
        return None
    shapes = [s for s in plane.iter(f"{{{DI_NS}}}BPMNShape") if _bounds(s)]
    edges = list(plane.iter(f"{{{DI_NS}}}BPMNEdge"))
    points = [b for s in shapes if (b := _bounds(s))]
    waypoints = [
        (float(w.get("x", "0")), float(w.get("y", "0")))
        for e in edges
        for w in e.iter(f"{{{DDI_NS}}}waypoint")
    ]
    xs = [b[0] for b in points] + [b[0] + b[2] for b in points] + [p[0] for p in waypoints]
    ys = [b[1] for b in points] + [b[1] + b[3] for b in points] + [p[1] for p in waypoints]
    if not xs:
        return None
    left, top = min(xs) - MARGIN, min(ys) - MARGIN
    width, height = max(xs) - left + MARGIN, max(ys) - top + MARGIN
    svg = etree.Element(
        f"{{{SVG_NS}}}svg",
        nsmap={None: SVG_NS},
        viewBox=f"{left:.0f} {top:.0f} {width:.0f} {height:.0f}",
        width=f"{width:.0f}",
        role="img",
        attrib={"aria-labelledby": "process-diagram-title", "class": "process-diagram"},
    )
    etree.SubElement(svg, f"{{{SVG_NS}}}title", id="process-diagram-title").text = title
    defs = etree.SubElement(svg, f"{{{SVG_NS}}}defs")
    marker = etree.SubElement(
        defs,
        f"{{{SVG_NS}}}marker",
        id="process-arrow",
        viewBox="0 0 10 10",
        refX="10",
        refY="5",
        markerWidth="8",
        markerHeight="8",
        orient="auto-start-reverse",
    )
    etree.SubElement(marker, f"{{{SVG_NS}}}path", d="M 0 0 L 10 5 L 0 10 z")
    # Pools and lanes first (behind), then flows, then the nodes on top.
    ordered = sorted(
        shapes,
        key=lambda s: (
            _local(elements.get(s.get("bpmnElement"), svg)) not in {"participant", "lane"}
        ),
    )
    for shape in ordered:
        if _local(elements.get(shape.get("bpmnElement"), svg)) in {"participant", "lane"}:
            _shape(svg, shape, elements, marking)
    for edge in edges:
        _edge(svg, edge, elements)
    for shape in ordered:
        if _local(elements.get(shape.get("bpmnElement"), svg)) not in {"participant", "lane"}:
            _shape(svg, shape, elements, marking)
    return str(etree.tostring(svg, encoding="unicode"))


def _shape(
    svg: etree._Element,
    shape: etree._Element,
    elements: dict[str | None, etree._Element],
    marking: Marking,
) -> None:
    element = elements.get(shape.get("bpmnElement"))
    bounds = _bounds(shape)
    if element is None or bounds is None or etree.QName(element).namespace != BPMN_NS:
        return
    x, y, w, h = bounds
    tag = _local(element)
    identifier = element.get("id", "")
    name = element.get("name") or ""
    state = (
        "is-active"
        if identifier in marking.active
        else "is-done"
        if identifier in marking.done
        else ""
    )
    group = etree.SubElement(svg, f"{{{SVG_NS}}}g", attrib={"class": f"bpmn-{tag} {state}".strip()})
    label = name or marking.unnamed.get(tag, tag)
    if state:
        label += f" ({marking.active_label if state == 'is-active' else marking.done_label})"
    etree.SubElement(group, f"{{{SVG_NS}}}title").text = label
    if tag in {"participant", "lane"}:
        etree.SubElement(
            group,
            f"{{{SVG_NS}}}rect",
            x=f"{x}",
            y=f"{y}",
            width=f"{w}",
            height=f"{h}",
            attrib={"class": "bpmn-frame"},
        )
        text = etree.SubElement(
            group,
            f"{{{SVG_NS}}}text",
            x=f"{x + 15}",
            y=f"{y + h / 2}",
            transform=f"rotate(-90 {x + 15} {y + h / 2})",
            attrib={"text-anchor": "middle"},
        )
        text.text = name
        return
    if tag.endswith("Event"):
        cx, cy, r = x + w / 2, y + h / 2, min(w, h) / 2
        etree.SubElement(
            group,
            f"{{{SVG_NS}}}circle",
            cx=f"{cx}",
            cy=f"{cy}",
            r=f"{r}",
            attrib={"class": "bpmn-end" if tag == "endEvent" else "bpmn-event"},
        )
        if any(_local(c) == "timerEventDefinition" for c in element):
            etree.SubElement(
                group,
                f"{{{SVG_NS}}}circle",
                cx=f"{cx}",
                cy=f"{cy}",
                r=f"{r * 0.6}",
                attrib={"class": "bpmn-mark"},
            )
        _label(group, name, x + w / 2, y + h + 14)
    elif tag.endswith("Gateway"):
        cx, cy = x + w / 2, y + h / 2
        etree.SubElement(
            group, f"{{{SVG_NS}}}polygon", points=f"{cx},{y} {x + w},{cy} {cx},{y + h} {x},{cy}"
        )
        mark = etree.SubElement(
            group,
            f"{{{SVG_NS}}}text",
            x=f"{cx}",
            y=f"{cy + 6}",
            attrib={"text-anchor": "middle", "class": "bpmn-mark"},
        )
        mark.text = GATEWAY_MARKS.get(tag, "")
        _label(group, name, cx, y + h + 14)
    else:
        etree.SubElement(
            group, f"{{{SVG_NS}}}rect", x=f"{x}", y=f"{y}", width=f"{w}", height=f"{h}", rx="10"
        )
        _label(group, name, x + w / 2, y + h / 2 + 4, width=w)


def _label(group: etree._Element, text: str, x: float, y: float, width: float = 120) -> None:
    """The name in lines that fit the width (about 7 px a character)."""
    if not text:
        return
    per_line = max(int(width / 7), 8)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = lines[:4]
    node = etree.SubElement(
        group,
        f"{{{SVG_NS}}}text",
        x=f"{x}",
        y=f"{y - 7 * (len(lines) - 1)}",
        attrib={"text-anchor": "middle"},
    )
    for index, line in enumerate(lines):
        span = etree.SubElement(
            node, f"{{{SVG_NS}}}tspan", x=f"{x}", dy="0" if index == 0 else "14"
        )
        span.text = line


def _edge(
    svg: etree._Element, edge: etree._Element, elements: dict[str | None, etree._Element]
) -> None:
    element = elements.get(edge.get("bpmnElement"))
    tag = _local(element) if element is not None else ""
    points = " ".join(f"{w.get('x')},{w.get('y')}" for w in edge.iter(f"{{{DDI_NS}}}waypoint"))
    if not points:
        return
    attributes = {"class": f"bpmn-{tag or 'flow'}"}
    if tag in {"sequenceFlow", "messageFlow"}:
        attributes["marker-end"] = "url(#process-arrow)"
    etree.SubElement(svg, f"{{{SVG_NS}}}polyline", points=points, attrib=attributes)
