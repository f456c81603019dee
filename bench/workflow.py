"""The workflow under load (issue 12 §6; not part of the test suite).

Usage (from the repository root, PostgreSQL required; the database is dropped and created):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_workflow_bench .venv/bin/python bench/workflow.py

1. **Instances started per second** (case opened → first user task): BENCH_CASES cases (2000)
   of a service whose published model has a user task, a gateway and a service task, started
   with `instance_start` (the subscriber's work: the case locked, the model version found,
   the instance created, advanced to its first user task, stored, its work item opened,
   audited) by BENCH_WORKERS processes (2), one transaction each.
2. **Task completions per second**: the first user task of those instances completed by a
   clerk (`work_item_complete`: the instance loaded, the task completed, the gateway's FEEL
   condition evaluated, the action performed — a status change with its event — and the next
   work item opened), by BENCH_WORKERS processes.
3. **Worklist latency with BENCH_ITEMS open work items** (100,000) in 50 offices: the first
   page (25 rows) of the views "mine", "team" (a clerk of 3 offices), "unassigned" and
   "overdue", and the counts of all four, BENCH_REPEAT (50) times after a warm-up; p50/p95 in
   ms beside the baseline `SELECT 1` through the same connection.

Knobs: BENCH_CASES, BENCH_WORKERS, BENCH_ITEMS, BENCH_REPEAT.
"""

import datetime as dt
import os
import statistics
import sys
import time
import uuid
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.conf.base")
os.environ.setdefault("RATHAUS_SECRET_KEY", "bench-" + "x" * 50)
os.environ.setdefault("RATHAUS_LOG_LEVEL", "WARNING")
os.environ.setdefault("RATHAUS_VAR_DIR", "/tmp/rathaus-bench-workflow")

CASES = int(os.environ.get("BENCH_CASES", "2000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
OFFICES = 50
PAGE = 25


def django_setup() -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("spiff").setLevel(logging.WARNING)


def database_recreate() -> None:
    import dj_database_url
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = dj_database_url.parse(url)["NAME"]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed() -> dict[str, object]:
    """Offices, a published model, the cases (bulk), the clerks."""
    from django.core.management import call_command
    from django.utils import timezone
    from tests.factories import OfficeFactory, ServiceFactory, UserFactory
    from tests.staff.people import make_staff
    from tests.workflow.engine_models import CHECK_AND_NOTIFY, with_diagram

    from rathaus.cases.models import Case
    from rathaus.core.actors import Actor
    from rathaus.staff.models import Role
    from rathaus.workflow.services import ModelFile, version_publish, version_upload

    call_command("migrate", verbosity=0)
    first = OfficeFactory(slug="office-0")
    municipality = first.municipality
    offices = [first] + [
        OfficeFactory(municipality=municipality, slug=f"office-{n}") for n in range(1, OFFICES)
    ]
    service = ServiceFactory()
    admin = make_staff("fach", (first, Role.SPECIALIST_ADMIN))
    model = CHECK_AND_NOTIFY.replace('camunda:topic="notify"', 'camunda:topic="status_set"')
    version = version_upload(
        actor=Actor.person(admin),
        service=service,
        municipality=municipality,
        files=[ModelFile("bench.bpmn", with_diagram(model))],
    )
    version_publish(actor=Actor.person(admin), version_id=version.pk)
    applicant = UserFactory()
    now = timezone.now()
    Case.objects.bulk_create(
        [
            Case(
                reference=f"BENCH-{n:06d}",
                municipality=municipality,
                office=first,
                service=service,
                applicant=applicant,
                status=Case.Status.SUBMITTED,
                status_changed_at=now,
                opened_at=now,
            )
            for n in range(CASES)
        ],
        batch_size=1000,
    )
    clerk = make_staff("sach", *[(office, Role.CASE_WORKER) for office in offices[:3]])
    return {"offices": [o.pk for o in offices], "clerk": clerk.pk, "service": service.pk}


def _start(case_ids: list[uuid.UUID]) -> float:
    django_setup()
    from django.db import connection

    from rathaus.workflow.services import instance_start

    connection.close()
    started = time.perf_counter()
    for case_id in case_ids:
        instance_start(case_id=case_id)
    return time.perf_counter() - started


def _complete(pairs: list[tuple[uuid.UUID, int]]) -> float:
    django_setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from rathaus.core.actors import Actor
    from rathaus.workflow.services import work_item_complete

    connection.close()
    clerk = Actor.person(get_user_model().objects.get(username="sach"))
    started = time.perf_counter()
    for item_id, amount in pairs:
        work_item_complete(actor=clerk, item_id=item_id, data={"amount": amount})
    return time.perf_counter() - started


def _chunks(values: list, parts: int) -> list[list]:
    return [values[n::parts] for n in range(parts)]


def measure_start_and_complete() -> None:
    from django.db import connections

    from rathaus.cases.models import Case
    from rathaus.workflow.models import WorkItem

    case_ids = list(Case.objects.values_list("pk", flat=True))
    connections.close_all()  # the workers must not share the parent's connection
    began = time.perf_counter()
    with Pool(WORKERS) as pool:
        pool.map(_start, _chunks(case_ids, WORKERS))
    wall = time.perf_counter() - began
    print(f"instances started: {len(case_ids)} in {wall:.1f} s = {len(case_ids) / wall:.0f}/s")
    items = list(WorkItem.objects.filter(element="Check").values_list("pk", flat=True))
    pairs = [(item, 50) for item in items]
    connections.close_all()
    began = time.perf_counter()
    with Pool(WORKERS) as pool:
        pool.map(_complete, _chunks(pairs, WORKERS))
    wall = time.perf_counter() - began
    print(f"tasks completed: {len(pairs)} in {wall:.1f} s = {len(pairs) / wall:.0f}/s")


def fill_worklist(context: dict[str, object]) -> None:
    """ITEMS open work items over the offices (bulk), a third assigned, a tenth overdue."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from rathaus.cases.models import Case
    from rathaus.workflow.models import ProcessInstance, WorkItem

    clerk = get_user_model().objects.get(pk=context["clerk"])
    instance = ProcessInstance.objects.select_related("case").first()
    cases = list(Case.objects.values_list("pk", flat=True)[:1000])
    offices = context["offices"]
    now = timezone.now()
    batch = []
    for n in range(ITEMS):
        batch.append(
            WorkItem(
                instance=instance,
                case_id=cases[n % len(cases)],
                office_id=offices[n % len(offices)],
                task_id=f"bench-{n}",
                element="Check",
                name="Antrag prüfen",
                roles=["case_worker"],
                assignee=clerk if n % 3 == 0 else None,
                due_at=now + dt.timedelta(hours=(n % 500) - 50),
            )
        )
        if len(batch) == 5000:
            WorkItem.objects.bulk_create(batch)
            batch = []
    WorkItem.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_workitem")


def _percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"p50 {statistics.median(values):.2f} ms, p95 {p95:.2f} ms"


def measure_worklist(context: dict[str, object]) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from rathaus.workflow.selectors import worklist, worklist_counts

    clerk = get_user_model().objects.get(pk=context["clerk"])

    def timed(run) -> list[float]:
        run()
        samples = []
        for _ in range(REPEAT):
            began = time.perf_counter()
            run()
            samples.append((time.perf_counter() - began) * 1000)
        return samples

    def select_one() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    print(f"worklist with {ITEMS} open items ({OFFICES} offices; the clerk in 3):")
    print(f"  baseline SELECT 1: {_percentiles(timed(select_one))}")
    for view in ("mine", "team", "unassigned", "overdue"):
        samples = timed(lambda view=view: list(worklist(user=clerk, view=view)[:PAGE]))
        print(f"  {view}: {_percentiles(samples)}")
    print(f"  counts: {_percentiles(timed(lambda: worklist_counts(user=clerk)))}")


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is dropped and created).")
    database_recreate()
    django_setup()
    context = seed()
    measure_start_and_complete()
    fill_worklist(context)
    measure_worklist(context)


if __name__ == "__main__":
    main()
