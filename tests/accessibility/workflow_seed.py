"""Data for the accessibility tests of the workflow pages (/intern/aufgaben/,
/intern/prozessmodelle/): `seed()` runs in the demo server's environment (`manage.py shell`)
after application_seed.py and gives the demo service "Hund anmelden" in Düren a published
process (a check with the form "pruefung" for Sachbearbeitung, then the team lead's signature)
and a draft the engine refuses (no diagram: the version page lists the check's lines). The
case of application_seed.py starts the process; its task is claimed by the seeded staff
member (Sachbearbeitung in the Steueramt, seed_accounts.py), so that the crawl finds it in
"Mir zugewiesen". Then a second version with a task form (`bewertung.form.json` of
tests/workflow/task_form_models.py) is published and started for a case of its own; its
task, claimed too, shows the form's fields (`FORM_FIELD` is one of them). A third version,
like the first, is published last: its page of running cases offers the first case to move
and refuses the other. Idempotent per database."""

from tests.accessibility.application_seed import SERVICE
from tests.accessibility.seed_accounts import CITIZEN_EMAIL, STAFF_EMAIL, STAFF_MUNICIPALITY

NOTE = "Prüfung der Barrierefreiheit"
FORM_NOTE = "Prüfung der Barrierefreiheit: Aufgabenformular"
MIGRATE_NOTE = "Prüfung der Barrierefreiheit: Umstellung laufender Fälle"
FORM_FIELD = "/fee"  # the name of a field of the task form


def seed() -> None:
    from django.utils import timezone

    from rathaus.accounts.models import User
    from rathaus.applications.models import FormDefinition, Submission
    from rathaus.cases.models import Case
    from rathaus.catalog.models import LocalService
    from rathaus.core.actors import Actor
    from rathaus.workflow import services
    from rathaus.workflow.models import ModelVersion, WorkItem
    from tests.workflow.engine_models import CHECK_AND_NOTIFY, HEAD, with_diagram
    from tests.workflow.task_form_models import assessment, form_file

    if ModelVersion.objects.filter(note=NOTE).exists():
        return
    system = Actor.system("a11y-seed")
    offer = LocalService.objects.select_related("municipality", "responsible_office").get(
        service__slug=SERVICE, municipality__slug=STAFF_MUNICIPALITY
    )

    def publish(files: list, note: str) -> None:
        version = services.version_upload(
            actor=system,
            service=offer.service,
            municipality=offer.municipality,
            files=files,
            note=note,
        )
        assert version.runnable, version.check_report
        services.version_publish(actor=system, version_id=version.pk)

    first = [services.ModelFile("hund-anmelden.bpmn", with_diagram(CHECK_AND_NOTIFY))]
    publish(first, NOTE)
    broken = services.version_upload(
        actor=system,
        service=offer.service,
        municipality=offer.municipality,
        files=[
            services.ModelFile(
                "ohne-diagramm.bpmn", (HEAD + CHECK_AND_NOTIFY + "</bpmn:definitions>").encode()
            )
        ],
        note="Ohne Diagramm",
    )
    assert not broken.runnable
    # The case of application_seed.py (it has a submission: the task links to its page).
    case = (
        Case.objects.filter(
            office=offer.responsible_office, service=offer.service, reference__startswith="A11Y-"
        )
        .order_by("-opened_at")
        .first()
    )
    if case is None:
        now = timezone.now()
        case = Case.objects.create(
            reference=f"A11Y-WF-{now:%H%M%S%f}",
            municipality=offer.municipality,
            office=offer.responsible_office,
            service=offer.service,
            applicant=User.objects.get(email=CITIZEN_EMAIL),
            status=Case.Status.SUBMITTED,
            status_changed_at=now,
            opened_at=now,
        )
    services.instance_start(case_id=case.pk)
    item = WorkItem.objects.get(case=case, status=WorkItem.Status.OPEN)
    staff = User.objects.get(email=STAFF_EMAIL)
    services.work_item_claim(actor=Actor.person(staff), item_id=item.pk)

    # A version whose task has a form of its own, and a case that runs it.
    publish(
        [
            services.ModelFile("hund-anmelden.bpmn", with_diagram(assessment())),
            services.ModelFile("bewertung.form.json", form_file()),
        ],
        FORM_NOTE,
    )
    now = timezone.now()
    form_case = Case.objects.create(
        reference=f"A11Y-WF-FORM-{now:%H%M%S%f}",
        municipality=offer.municipality,
        office=offer.responsible_office,
        service=offer.service,
        applicant=User.objects.get(email=CITIZEN_EMAIL),
        status=Case.Status.SUBMITTED,
        status_changed_at=now,
        opened_at=now,
    )
    # Every case of the staff's inbox came with an application (as application_seed.py).
    form = FormDefinition.objects.filter(service=offer.service).latest("version")
    Submission.objects.create(
        reference=form_case.reference,
        case=form_case,
        form=form,
        schema_version=form.version,
        service=offer.service,
        municipality=offer.municipality,
        office=offer.responsible_office,
        applicant=form_case.applicant,
        data={},
        submitted_at=now,
    )
    services.instance_start(case_id=form_case.pk)
    form_item = WorkItem.objects.get(case=form_case, status=WorkItem.Status.OPEN)
    services.work_item_claim(actor=Actor.person(staff), item_id=form_item.pk)

    # A third version like the first, published: on its page of running cases the first
    # case can move (it stands at "Check"), the case with the task form cannot.
    publish(first, MIGRATE_NOTE)
