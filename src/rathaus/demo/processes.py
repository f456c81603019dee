"""The demo processes (issue 12 §4): a BPMN model (with its decision tables and task forms)
for each of the six demo services, installation-wide, uploaded and published through the
workflow's services as the Fachadministration would in /intern/prozessmodelle/, and the
decision templates they use (data/decision_templates.py, as in /intern/bescheide/). The
files in data/processes/ open in Camunda Modeler 8 and bpmn.io.

Idempotent: a service whose latest version has the same files (template: the same texts)
gets no new one.
"""

import hashlib
from pathlib import Path

from rathaus.catalog.models import Service
from rathaus.core.actors import Actor
from rathaus.decisions import services as decision_services
from rathaus.decisions.models import TemplateVersion
from rathaus.demo.data.decision_templates import TEMPLATES
from rathaus.workflow import services as workflow_services
from rathaus.workflow.models import ModelVersion

PROCESSES_DIR = Path(__file__).parent / "data" / "processes"

# The service (slug) → its files in data/processes/.
PROCESSES = {
    "hund-anmelden": ("hund-anmelden.bpmn", "hundesteuer.dmn"),
    "gewerbe-anmelden": ("gewerbe-anmelden.bpmn",),
    "bewohnerparkausweis": ("bewohnerparkausweis.bpmn", "parkberechtigung.dmn"),
    "sondernutzungserlaubnis": ("sondernutzungserlaubnis.bpmn",),
    "meldebescheinigung": ("meldebescheinigung.bpmn",),
    "sperrmuell-anmelden": ("sperrmuell-anmelden.bpmn", "termin.form.json"),
}

ACTOR = Actor.system("demo_load")


def demo_process_files(slug: str) -> list[workflow_services.ModelFile]:
    return [
        workflow_services.ModelFile(name, (PROCESSES_DIR / name).read_bytes())
        for name in PROCESSES[slug]
    ]


def _latest(service: Service) -> ModelVersion | None:
    """The newest version of the service's installation-wide model."""
    return (
        ModelVersion.objects.filter(
            process_model__service=service, process_model__municipality__isnull=True
        )
        .order_by("-number")
        .first()
    )


def demo_processes_load() -> tuple[int, list[str]]:
    """Publish the demo processes that are missing or changed: how many, and warnings (a
    model the engine cannot run stays a draft and is named)."""
    published = 0
    warnings: list[str] = []
    for slug in PROCESSES:
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            warnings.append(f"demo process {slug}: no such service")
            continue
        files = demo_process_files(slug)
        version = _latest(service)
        if version is None or {hashlib.sha256(f.data).hexdigest() for f in files} != {
            file["sha256"] for file in version.files
        }:
            version = workflow_services.version_upload(
                actor=ACTOR,
                service=service,
                municipality=None,
                files=files,
                note="Demo-Prozess",
            )
        if version.status != ModelVersion.Status.DRAFT:
            continue
        if not version.runnable:
            warnings.append(f"demo process {slug}: " + "; ".join(version.check_report))
            continue
        workflow_services.version_publish(actor=ACTOR, version_id=version.pk)
        published += 1
    return published, warnings


def demo_decision_templates_load() -> int:
    """Publish the demo decision templates that are missing or changed: how many."""
    published = 0
    for slug, fields in TEMPLATES.items():
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            continue
        latest = (
            TemplateVersion.objects.filter(
                template__service=service, template__municipality__isnull=True
            )
            .order_by("-number")
            .first()
        )
        if latest is None or any(getattr(latest, k) != v for k, v in fields.items()):
            latest = decision_services.template_version_create(
                actor=ACTOR, service=service, municipality=None, fields=fields, note="Demo"
            )
        if latest.status == TemplateVersion.Status.DRAFT:
            decision_services.template_version_publish(actor=ACTOR, version=latest)
            published += 1
    return published
