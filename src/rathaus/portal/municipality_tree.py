"""The landing page's directory: municipalities with a portal, by Land, Kreis above its members."""

from dataclasses import dataclass, field

from rathaus.municipalities.keys import land_name
from rathaus.municipalities.models import Municipality


@dataclass
class PortalNode:
    municipality: Municipality
    children: list["PortalNode"] = field(default_factory=list)


@dataclass(frozen=True)
class LandGroup:
    name: str
    nodes: list[PortalNode]


def portal_tree(municipalities: list[Municipality]) -> list[LandGroup]:
    """Nest each municipality under its parent (when the parent has a portal too), group the
    top-level entries by Land; every level sorted by name. Uses no queries of its own."""
    nodes = {m.pk: PortalNode(municipality=m) for m in municipalities}
    roots: list[PortalNode] = []
    for municipality in sorted(municipalities, key=lambda m: m.name):
        node = nodes[municipality.pk]
        parent = nodes.get(municipality.parent_id) if municipality.parent_id else None
        if parent is not None:
            parent.children.append(node)
        else:
            roots.append(node)
    by_land: dict[str, list[PortalNode]] = {}
    for node in roots:
        by_land.setdefault(land_name(node.municipality.ars), []).append(node)
    return [LandGroup(name=name, nodes=by_land[name]) for name in sorted(by_land)]
