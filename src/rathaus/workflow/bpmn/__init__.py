"""Checking a process model (its BPMN files and the DMN files they use) before it may be
published: well-formed XML, valid against the official BPMN 2.0 and DMN 1.3 schemas, every
element executed or refused with its id (`support`), a diagram for every element, and parsed
by the engine. `manage.py bpmn_check` and the upload in /intern/ both use `model_check`.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from ..forms import (
    FORM_FILE_SUFFIX,
    form_file_problems,
    form_name_of_file,
    form_name_of_key,
    is_builtin_form,
)
from .schema import NotBpmn, bpmn_parse, bpmn_schema_problems
from .support import Finding, support_check


@dataclass(frozen=True)
class ModelFile:
    name: str
    data: bytes


@dataclass
class CheckReport:
    """What `model_check` found; `runnable` when the engine can execute the model."""

    findings: list[tuple[str, Finding]] = field(default_factory=list)  # (file, finding)
    main_process: str | None = None
    decisions: dict[str, str] = field(default_factory=dict)  # decision id/name → DMN text
    trees: list[etree._ElementTree] = field(default_factory=list)

    @property
    def refused(self) -> list[tuple[str, Finding]]:
        return [(name, f) for name, f in self.findings if f.level == "refused"]

    @property
    def notes(self) -> list[tuple[str, Finding]]:
        return [(name, f) for name, f in self.findings if f.level == "note"]

    @property
    def runnable(self) -> bool:
        return not self.refused and self.main_process is not None

    def lines(self) -> list[str]:
        """One line per finding, refusals first: `file: element 'id' (line n): message`."""
        ordered = self.refused + self.notes
        note = _("note: ")  # what marks a note in the stored lines (`note_marks`)
        return [f"{name}: {'' if f.level == 'refused' else note}{f}" for name, f in ordered]


def _file_finding(name: str, message: str, line: int | None = None) -> tuple[str, Finding]:
    return name, Finding("refused", "file", "", message, line)


def model_check(
    *, bpmn: list[ModelFile], dmn: list[ModelFile], forms: list[ModelFile] | None = None
) -> CheckReport:
    """Check the files of one model version (see the module docstring). With `forms` (the
    version's task forms, `NAME.form.json`), every form is checked and a user task must name
    one of them or a built-in form (`workflow.forms`); without, form keys are not checked."""
    from ..dmn import DmnError, SchemaUnavailable, dmn_load, dmn_validate
    from ..engine.expressions import expression_problem
    from ..roles import role_of
    from ..timer_checks import timer_problem

    report = CheckReport()
    if not bpmn:
        report.findings.append(_file_finding("-", _("The model needs at least one BPMN file.")))
        return report
    names: dict[int, str] = {}
    for file in bpmn:
        try:
            tree = bpmn_parse(file.data)
        except NotBpmn as error:
            report.findings.append(_file_finding(file.name, str(error)))
            continue
        problems = bpmn_schema_problems(tree)
        for problem in problems:
            report.findings.append(
                _file_finding(
                    file.name,
                    _("not valid BPMN 2.0: %(problem)s") % {"problem": problem.message},
                    problem.line,
                )
            )
        if not problems:
            names[len(report.trees)] = file.name
            report.trees.append(_normalized(tree))
    for file in dmn:
        try:
            invalid = dmn_validate(file.data)
        except SchemaUnavailable:
            invalid = []  # DMN 1.1/1.2/1.4/1.5 have no schema here; the parser still checks
        except DmnError as error:
            invalid = [str(error)]
        for text in invalid:
            report.findings.append(
                _file_finding(file.name, _("not valid DMN: %(problem)s") % {"problem": text})
            )
        if invalid:
            continue
        try:
            model = dmn_load(file.data)
        except DmnError as error:
            report.findings.append(_file_finding(file.name, str(error)))
            continue
        text = file.data.decode("utf-8")
        for decision in model.decisions:
            report.decisions[decision.id] = text
            if decision.name:
                report.decisions.setdefault(decision.name, text)
    for form in forms or []:
        for form_problem in form_file_problems(form.data):
            report.findings.append(_file_finding(form.name, form_problem))
    if report.refused:
        return report
    from ..actions import action_names

    support = support_check(
        report.trees,
        decisions=report.decisions,
        actions=action_names(),
        expression_problem=expression_problem,
        timer_problem=timer_problem,
        role_of=role_of,
    )
    # Which file a finding is in: the tree whose document holds the element's line.
    for finding in support.findings:
        report.findings.append((_file_of(finding, report.trees, names), finding))
    if forms is not None:
        for index, finding in _form_key_findings(report.trees, forms):
            report.findings.append((names[index], finding))
    report.main_process = support.main_process
    if report.runnable:
        _engine_check(report, names)
    return report


def _form_key_findings(
    trees: list[etree._ElementTree], forms: list[ModelFile]
) -> list[tuple[int, Finding]]:
    """A user task whose form key names no form file of the version (nor a built-in form)."""
    from .extensions import form_of
    from .schema import BPMN_NS

    available = {form_name_of_file(file.name) for file in forms}
    found = []
    for index, tree in enumerate(trees):
        for task in tree.getroot().iter(f"{{{BPMN_NS}}}userTask"):
            key = form_of(task)
            if not key or is_builtin_form(key) or form_name_of_key(key) in available:
                continue
            name = task.get("name") or task.get("id", "")
            message = _(
                "the task %(task)s names the form %(form)s, which is not among the version's "
                "files (upload %(file)s with it)"
            ) % {
                "task": repr(name),
                "form": repr(key),
                "file": f"{form_name_of_key(key) or key}{FORM_FILE_SUFFIX}",
            }
            found.append(
                (
                    index,
                    Finding("refused", "userTask", task.get("id", ""), message, task.sourceline),
                )
            )
    return found


def _normalized(tree: etree._ElementTree) -> etree._ElementTree:
    """What Camunda 8 writes in its extension elements where BPMN has an attribute: a call
    activity's called process (`<zeebe:calledElement processId=…>`)."""
    from .extensions import ZEEBE_NS
    from .schema import BPMN_NS

    for call in tree.getroot().iter(f"{{{BPMN_NS}}}callActivity"):
        if call.get("calledElement"):
            continue
        called = call.find(f"{{{BPMN_NS}}}extensionElements/{{{ZEEBE_NS}}}calledElement")
        if called is not None and called.get("processId"):
            call.set("calledElement", called.get("processId", "").strip())
    return tree


def _file_of(finding: Finding, trees: list[etree._ElementTree], names: dict[int, str]) -> str:
    for index, tree in enumerate(trees):
        root = tree.getroot()
        if finding.id and root.xpath("//*[@id=$id]", id=finding.id):
            return names[index]
    return names[0] if names else "-"


def _engine_check(report: CheckReport, names: dict[int, str]) -> None:
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

    from ..engine.compile import model_compile

    assert report.main_process is not None
    try:
        model_compile(bpmn=report.trees, dmn_by_decision=report.decisions, main=report.main_process)
    except ValidationException as error:
        finding = Finding(
            "refused",
            error.tag or "process",
            error.id or "",
            _("the engine cannot run it: %(reason)s")
            % {"reason": error.args[0] if error.args else error},
            int(error.line_number) if str(error.line_number or "").isdigit() else None,
        )
        report.findings.append((_file_of(finding, report.trees, names), finding))


def note_marks() -> tuple[str, ...]:
    """How a stored check line marks a note, in every language of the installation (the
    lines are stored in the language of the upload)."""
    from django.conf import settings
    from django.utils import translation

    marks = {"note: "}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            marks.add(_("note: "))
    return tuple(sorted(marks))
