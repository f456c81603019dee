"""Validation of BPMN 2.0 files against the OMG's XML Schema (BPMN20.xsd with its DI parts).

The schema folder is the Django setting `RATHAUS_BPMN_SCHEMA_DIR`; empty means the copy of the
official schema that SpiffWorkflow ships (the same OMG files as `../shared/standards/bpmn/`,
which the conformance tests point the setting at).
"""

import functools
from dataclasses import dataclass
from pathlib import Path

import SpiffWorkflow.bpmn.parser as spiff_parser
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BUNDLED_SCHEMA_DIR = Path(spiff_parser.__file__).parent / "schema"
# Files are uploaded by people, not fetched: no entities, no network, no huge trees.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class SchemaProblem:
    message: str
    line: int | None


class NotBpmn(ValueError):
    """The file is not XML, or not a BPMN 2.0 `definitions` document; the message says why."""


def schema_dir() -> Path:
    configured = getattr(settings, "RATHAUS_BPMN_SCHEMA_DIR", "")
    return Path(configured) if configured else BUNDLED_SCHEMA_DIR


@functools.cache
def _schema(directory: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(directory) / "BPMN20.xsd")))


def bpmn_parse(data: bytes) -> etree._ElementTree:
    """The document of a BPMN file (NotBpmn when it is not XML or not BPMN 2.0)."""
    try:
        tree = etree.ElementTree(etree.fromstring(data, PARSER))
    except etree.XMLSyntaxError as error:
        raise NotBpmn(
            _("The file is not well-formed XML: %(error)s (line %(line)s).")
            % {"error": error.msg, "line": error.lineno}
        ) from None
    root = tree.getroot()
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise NotBpmn(
            _(
                "The file is not a BPMN 2.0 model: its root element is %(tag)s, expected "
                "definitions in the namespace %(namespace)s."
            )
            % {"tag": root.tag, "namespace": BPMN_NS}
        )
    return tree


def bpmn_schema_problems(tree: etree._ElementTree) -> list[SchemaProblem]:
    """What the official XSD finds wrong with the document (empty when it is valid)."""
    schema = _schema(str(schema_dir()))
    if schema.validate(tree):
        return []
    return [SchemaProblem(error.message, error.line) for error in schema.error_log]
