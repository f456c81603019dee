"""Cases file themselves (issue 11 §1): when a case is opened (`case.opened`, subscriber in
`subscribers.py`), the office's filing rule for the case's service — else the office's
default rule — names a file-plan item and the title of the year's file (`{year}`: the year
the case was opened, Europe/Berlin). The case goes into the open file of that office, item,
year and title, which is created the first time (with the next file reference). Without a
rule the case stays unfiled until staff file it. Runs once per case (a case filed already
stays where it is)."""

import string
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rathaus.cases.models import Case
from rathaus.catalog.models import Service
from rathaus.core.actors import Actor
from rathaus.core.audit import audit_record
from rathaus.core.errors import DomainError
from rathaus.municipalities.models import Office

from .documents import case_file
from .models import CaseFiling, FilePlanItem, FilingRule, RecordFile
from .permissions import ensure_plan_keeper

FILING_ACTOR = Actor.system("records_filing")
TITLE_RULE = gettext_noop(
    "The file title may contain {year} and nothing else in braces, e.g. Hundesteuer {year}."
)


def file_title_check(title: str) -> str:
    """A year's file title: text, optionally with `{year}` (nothing else in braces)."""
    title = " ".join(title.split())
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(title) if field is not None]
    except ValueError:
        fields = ["?"]
    if not title or any(field != "year" for field in fields):
        raise DomainError(_(TITLE_RULE))
    return title[:250]


@transaction.atomic
def filing_rule_set(
    *,
    actor: Actor,
    office: Office,
    plan_item: FilePlanItem,
    file_title: str,
    service: Service | None = None,
) -> FilingRule:
    """Where `office`'s new cases of `service` (None: its default) file themselves; audited
    when it changes."""
    ensure_plan_keeper(actor=actor, municipality=office.municipality)
    if plan_item.municipality_id != office.municipality_id:
        raise DomainError(_("The file plan item belongs to another municipality."))
    file_title = file_title_check(file_title)
    rule = FilingRule.objects.select_for_update().filter(office=office, service=service).first()
    if rule is not None and (rule.plan_item_id, rule.file_title) == (plan_item.pk, file_title):
        return rule
    if rule is None:
        rule = FilingRule(office=office, service=service)
    rule.plan_item, rule.file_title = plan_item, file_title
    rule.save()
    audit_record(
        actor=actor,
        action="records.filing_rule_set",
        obj=office,
        details={
            "service": service.slug if service else None,
            "plan_item": plan_item.number,
            "file_title": file_title,
        },
    )
    return rule


def case_file_by_rule(*, case_id: UUID | str) -> CaseFiling | None:
    """File the case `case_id` by its office's rule (see the module docstring); its filing,
    or None without a rule."""
    with transaction.atomic():
        case = Case.objects.select_related("office__municipality").get(pk=case_id)
        filed = CaseFiling.objects.filter(case=case).first()
        if filed is not None:
            return filed
        rule = (
            FilingRule.objects.select_for_update()  # one year's file, however many cases at once
            .select_related("plan_item")
            .filter(office=case.office, service=case.service)
            .first()
        ) or (
            FilingRule.objects.select_for_update()
            .select_related("plan_item")
            .filter(office=case.office, service__isnull=True)
            .first()
        )
        if rule is None:
            return None
        year = timezone.localtime(case.opened_at).year
        title = rule.file_title.format(year=year)
        record = (
            RecordFile.objects.filter(
                office=case.office,
                plan_item=rule.plan_item,
                year=year,
                title=title,
                status=RecordFile.Status.OPEN,
            )
            .order_by("created_at")
            .first()
        )
        if record is None:
            from .services import file_create

            record = file_create(
                actor=FILING_ACTOR,
                office=case.office,
                plan_item=rule.plan_item,
                title=title,
                year=year,
            )
        return case_file(actor=FILING_ACTOR, case=case, record=record)
