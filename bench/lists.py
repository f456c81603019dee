"""Lists at a million (issue 9): the submission/case lists over real HTTP against PostgreSQL
with 1,000,000 submissions (not part of the test suite).

Usage (from the repository root, PostgreSQL required):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rathaus_lists .venv/bin/python bench/lists.py

The database named in DATABASE_URL is dropped and created anew (unless BENCH_REUSE=1 and it
already holds BENCH_ROWS bench submissions: then the seeding is skipped). The script loads the
demo data, creates BENCH_APPLICANTS citizens, then seeds BENCH_ROWS submissions with SQL
(INSERT … SELECT over generate_series: a narrow staging table first, then the wide rows; a few
minutes for a million) spread over the demo municipalities, their offices and the services
with an online form, with a realistic mix of statuses (half closed, a tenth new), 90 %
acknowledged, submission times over three years (whole seconds, so many share a timestamp),
and ~1 KB of form data each. `seed_cases` adds one row per submission to `cases_case` when that
table exists (the case app of issue 9); it fills the columns it knows and a neutral value for
any other NOT NULL column.

Then it starts gunicorn (BENCH_GUNICORN_WORKERS × BENCH_GUNICORN_THREADS, production settings
with DEBUG off plus the bare view `/bench-hello/` of bench/hello_settings.py) and measures,
at each concurrency of BENCH_CONCURRENCY (default 1 and 16 keep-alive connections, threads with
http.client), for BENCH_SECONDS per case:

- hello: the bare view (the baseline; every other case is also given as % of it);
- API `/api/v1/submissions/`: page 1, a page BENCH_DEEP pages deep (see below), every filter
  the endpoint offers (status, acknowledged, since, office), with a token of the municipality
  with the most submissions;
- the staff inbox `/intern/antraege/` of a case worker of all that municipality's offices
  (session with password + TOTP made in process, as the tests do): page 1, the deep page, the
  status filter and the reference search (a part with the prefix every bench reference shares,
  a number part alone, and a whole reference number of that municipality);
- the applicant's list `/antraege/` of a citizen with a typical number of applications and of
  one with BENCH_HEAVY (e.g. a company's account).

The deep page (keyset pagination, issue 9): the script follows the list's `next` links (the
API's JSON `next`, the inbox's `rel="next"` href) from page 1 to page BENCH_DEEP, once, before
the measurement; if that would take more than BENCH_FOLLOW_SECONDS (judged from the pace of
the first 50 pages, or when the time is up), it instead makes the cursor of page BENCH_DEEP in
process: the key of the last row of page BENCH_DEEP − 1 in the list's ordering
(`rathaus.cases.selectors.LIST_ORDERING`, read once with OFFSET from the list's own query),
signed by `rathaus.core.keyset.KeysetPaginator` with the list's salt and the server's
SECRET_KEY (the bench's environment), exactly as the server signs its `next` cursors. The
label says which way the page was reached ("(followed)" / "(direct cursor)"). The lists'
former page-number pagination (`?page=`, the "before" figures of docs/performance.md, measured
with the version of this script in git history) is no longer supported.

Prints requests/s, p50/p95 ms and % of hello per case and concurrency, and the peak RSS
(VmHWM from /proc) of every gunicorn worker at the end. Bounded: fixed seconds per case; every
child process is stopped at the end.

Knobs (environment): BENCH_ROWS (1000000), BENCH_APPLICANTS (20000), BENCH_HEAVY (1000),
BENCH_DEEP (5000), BENCH_SECONDS (10), BENCH_CONCURRENCY ("1,16"), BENCH_GUNICORN_WORKERS (4),
BENCH_GUNICORN_THREADS (4), BENCH_PORT (8621), BENCH_REUSE (0), BENCH_ONLY (comma-separated
case labels, substring match), BENCH_FOLLOW_SECONDS (600: the most time to spend following
`next` links towards the deep page, else a cursor made directly).
"""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import harness

REPO = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
APPLICANTS = int(os.environ.get("BENCH_APPLICANTS", "20000"))
HEAVY = int(os.environ.get("BENCH_HEAVY", "1000"))
DEEP = int(os.environ.get("BENCH_DEEP", "5000"))
FOLLOW_SECONDS = float(os.environ.get("BENCH_FOLLOW_SECONDS", "600"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,16").split(",")]
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8621"))
REUSE = os.environ.get("BENCH_REUSE", "0") == "1"
ONLY = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
BENCH_REFERENCE_PREFIX = "BENCH-"

# Share of each status (submitted, in_progress, query, decided, closed) in per mille.
STATUS_MIX = [("submitted", 100), ("in_progress", 150), ("query", 50), ("decided", 200)]
# the rest: closed


# --- Set-up -------------------------------------------------------------------------------


def _environment(var_dir: Path) -> dict[str, str]:
    """The server's environment (`harness.server_environment`), no rate limit for the API."""
    return harness.server_environment(var_dir) | {
        "RATHAUS_API_ANON_RATE": "100000000/minute",
        # Sessions made once at the start must outlive the run.
        "RATHAUS_SESSION_IDLE_TIMEOUT": str(24 * 3600),
    }


def _setup(var_dir: Path) -> bool:
    """Database ready (created, migrated, demo data); True when it must be seeded."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL=postgres://… is required (the figures are for PostgreSQL)")
    os.environ.update(_environment(var_dir))
    sys.path.insert(0, str(REPO / "src"))
    import psycopg

    base, _, name = url.rpartition("/")
    seeded = False
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and REUSE:
            seeded = _seeded_rows(url) >= ROWS
        if exists and not seeded:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or not seeded:
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not seeded:
        from rathaus.demo.loader import demo_load

        demo_load()
    return not seeded


def _seeded_rows(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        try:
            row = conn.execute(
                "SELECT count(*) FROM applications_submission WHERE reference LIKE %s",
                [BENCH_REFERENCE_PREFIX + "%"],
            ).fetchone()
        except psycopg.Error:
            return 0
    return int(row[0]) if row else 0


def _columns(table: str) -> dict[str, tuple[str, bool, bool]]:
    """column → (data type, nullable, has a default) of `table`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, is_nullable = 'YES', column_default IS NOT NULL "
            "FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return {name: (kind, nullable, default) for name, kind, nullable, default in cursor}


NEUTRAL = {
    "character varying": "''",
    "text": "''",
    "integer": "0",
    "bigint": "0",
    "smallint": "0",
    "boolean": "false",
    "jsonb": "'{}'::jsonb",
    "timestamp with time zone": "now()",
    "date": "current_date",
    "uuid": "gen_random_uuid()",
}


def _insert_select(table: str, known: dict[str, str], source: str) -> int:
    """INSERT INTO `table` the columns it has of `known` (column → SQL expression over
    `source`), a neutral value for any other NOT NULL column without default; rows inserted."""
    from django.db import connection

    columns = _columns(table)
    exprs = {}
    for name, (kind, nullable, has_default) in columns.items():
        if name in known:
            exprs[name] = known[name]
        elif not nullable and not has_default:
            if kind not in NEUTRAL:
                raise RuntimeError(f"{table}.{name} ({kind}) is NOT NULL: add it to the seed")
            print(f"  note: {table}.{name} is filled with {NEUTRAL[kind]}")
            exprs[name] = NEUTRAL[kind]
    sql = (
        f"INSERT INTO {table} ({', '.join(exprs)}) SELECT {', '.join(exprs.values())} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


@dataclass
class World:
    """What the measurements need: who to log in as, where to point."""

    municipality_id: Any = None
    municipality_slug: str = ""
    office_ids: list[Any] = field(default_factory=list)
    typical_applicant_id: Any = None
    heavy_applicant_id: Any = None
    rows: int = 0
    since: str = ""
    reference: str = ""  # of a case of that municipality, for the search


def _create_applicants() -> list[Any]:
    from rathaus.accounts.models import User

    users = User.objects.bulk_create(
        (
            User(
                username=f"lists{n}@bench.example",
                email=f"lists{n}@bench.example",
                password="!",  # unusable: the bench logs them in through a session
                first_name="Bench",
                last_name=f"Citizen {n}",
                street=f"Kölnstraße {n % 300 + 1}",
                postal_code="52351",
                city="Düren",
                date_of_birth="1980-01-01",
            )
            for n in range(APPLICANTS + 1)
        ),
        batch_size=2000,
    )
    return [u.pk for u in users]


def _combos() -> list[tuple[Any, int, Any, Any, Any]]:
    """(form, version, service, municipality, office) for every offer of a service with an
    online form: the responsible office, else every office of the municipality."""
    from rathaus.applications.models import FormDefinition
    from rathaus.catalog.models import LocalService
    from rathaus.municipalities.models import Office

    forms = {f.service_id: f for f in FormDefinition.objects.order_by("version")}
    combos = []
    for offer in LocalService.objects.filter(service_id__in=forms):
        form = forms[offer.service_id]
        office_id = getattr(offer, "responsible_office_id", None)
        offices = (
            [office_id]
            if office_id
            else list(
                Office.objects.filter(municipality_id=offer.municipality_id).values_list(
                    "pk", flat=True
                )
            )
        )
        for office in offices:
            combos.append((form.pk, form.version, offer.service_id, offer.municipality_id, office))
    if not combos:
        raise RuntimeError("no offer with an online form in the demo data")
    return combos


def seed_staging(applicants: list[Any]) -> None:
    """`bench_rows`: one narrow row per submission (ids, status, times), unlogged; the wide
    tables are filled from it so submissions and cases agree."""
    from django.db import connection

    combos = _combos()
    heavy = applicants[-1]  # the others share the rest evenly
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_combo, bench_applicant, bench_rows")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_combo (i int PRIMARY KEY, form_id uuid, "
            "schema_version int, service_id uuid, municipality_id uuid, office_id uuid)"
        )
        cursor.executemany(
            "INSERT INTO bench_combo VALUES (%s, %s, %s, %s, %s, %s)",
            [(i, *combo) for i, combo in enumerate(combos)],
        )
        cursor.execute("CREATE UNLOGGED TABLE bench_applicant (i int PRIMARY KEY, id uuid)")
        cursor.executemany(
            "INSERT INTO bench_applicant VALUES (%s, %s)",
            list(enumerate(applicants[:-1])),
        )
        thresholds = []
        total = 0
        for status, share in STATUS_MIX:
            total += share
            thresholds.append(f"WHEN (n * 7) %% 1000 < {total} THEN '{status}'")
        cursor.execute(
            f"""
            CREATE UNLOGGED TABLE bench_rows AS
            SELECT n,
                   gen_random_uuid() AS id,
                   c.form_id, c.schema_version, c.service_id, c.municipality_id, c.office_id,
                   CASE WHEN n <= %(heavy_n)s THEN %(heavy)s::uuid ELSE a.id END AS applicant_id,
                   CASE {" ".join(thresholds)} ELSE 'closed' END AS status,
                   -- whole seconds over three years: many rows share a timestamp
                   date_trunc('second', now() - interval '3 years'
                       + (n::float8 / %(rows)s) * interval '3 years') AS submitted_at,
                   (n * 13) %% 10 <> 0 AS acknowledged
            FROM generate_series(1::bigint, %(rows)s) AS n
            JOIN bench_combo c ON c.i = (n * 7919) %% (SELECT count(*) FROM bench_combo)
            JOIN bench_applicant a ON a.i = (n * 104729) %% (SELECT count(*) FROM bench_applicant)
            """,
            {"rows": ROWS, "heavy": heavy, "heavy_n": HEAVY},
        )
        cursor.execute("ANALYZE bench_rows")


def seed_submissions(*, case_fk: bool) -> int:
    """The submissions from `bench_rows`: ~1 KB of form data each (stays inline, as the typical
    form does), acknowledged 90 %, status changed a few days after submission."""
    data = (
        "jsonb_build_object("
        "'holder', jsonb_build_object('given_name', 'Erika', 'family_name', 'Muster' || n, "
        "'street', 'Kölnstraße ' || (n % 300), 'postal_code', '52351', 'city', 'Düren', "
        "'email', 'erika' || n || '@example.org', 'phone', '+49 2421 ' || n), "
        "'dog', jsonb_build_object('name', 'Bello', 'breed', 'Labrador', 'born', '2020-04-01', "
        "'chip', lpad(n::text, 15, '0')), "
        "'notes', repeat(md5(n::text), 22))"
    )
    known = {
        "id": "id",
        "created_at": "submitted_at",
        "updated_at": "submitted_at",
        "reference": f"'{BENCH_REFERENCE_PREFIX}' || lpad(n::text, 7, '0')",
        "form_id": "form_id",
        "schema_version": "schema_version",
        "service_id": "service_id",
        "municipality_id": "municipality_id",
        "office_id": "office_id",
        "applicant_id": "applicant_id",
        "data": data,
        "computed": "'{}'::jsonb",
        "declarations": "jsonb_build_object('truthful', submitted_at, 'privacy', submitted_at)",
        "language": "'de'",
        "fee_cents": "1500",
        "submitted_at": "submitted_at",
        "status": "status",
        "status_changed_at": "submitted_at + CASE WHEN status = 'submitted' "
        "THEN interval '0' ELSE interval '5 days' END",
        "acknowledged_at": "CASE WHEN acknowledged THEN submitted_at + interval '1 hour' END",
        "acknowledged_by": "CASE WHEN acknowledged THEN 'Fachverfahren' ELSE '' END",
        "receipt": "''",
        "receipt_sha256": "''",
    }
    if case_fk:
        known["case_id"] = "id"  # seed_cases gave each case its submission's id
    return _insert_select("applications_submission", known, "bench_rows")


def seed_cases() -> int:
    """One case per submission in `cases_case` (issue 9's case app), if that table exists;
    the case's id is its submission's id. Rows inserted (0 without the table)."""
    from django.db import connection

    if "cases_case" not in connection.introspection.table_names():
        return 0
    known = {
        "id": "id",
        "created_at": "submitted_at",
        "updated_at": "submitted_at",
        "reference": f"'{BENCH_REFERENCE_PREFIX}' || lpad(n::text, 7, '0')",
        "municipality_id": "municipality_id",
        "office_id": "office_id",
        "service_id": "service_id",
        "assignee_id": "NULL",
        "applicant_id": "applicant_id",
        "principal_user_id": "NULL",
        "organisation_id": "NULL",
        "status": "status",
        "status_changed_at": "submitted_at + CASE WHEN status = 'submitted' "
        "THEN interval '0' ELSE interval '5 days' END",
        "opened_at": "submitted_at",
        "deadline": "(submitted_at + interval '30 days')::date",
        "acknowledged_at": "CASE WHEN acknowledged THEN submitted_at + interval '1 hour' END",
        "acknowledged_by": "CASE WHEN acknowledged THEN 'Fachverfahren' ELSE '' END",
        "closed_at": "CASE WHEN status = 'closed' THEN submitted_at + interval '5 days' END",
        "submission_id": "id",
    }
    return _insert_select("cases_case", known, "bench_rows")


def _seed() -> None:
    from django.db import connection

    started = time.monotonic()
    applicants = _create_applicants()
    print(f"seed: {len(applicants)} applicants in {time.monotonic() - started:.0f} s", flush=True)
    seed_staging(applicants)
    print(f"seed: staging rows after {time.monotonic() - started:.0f} s", flush=True)
    submission_columns = _columns("applications_submission")
    case_fk = "case_id" in submission_columns
    # The foreign key decides the order: cases first when the submission points to its case.
    cases = seed_cases() if case_fk else 0
    submissions = seed_submissions(case_fk=case_fk)
    if not case_fk:
        cases = seed_cases()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_combo, bench_applicant, bench_rows")
    print(
        f"seed: {submissions} submissions, {cases} cases after {time.monotonic() - started:.0f} s",
        flush=True,
    )
    connection.close()
    vacuum = time.monotonic()
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"seed: VACUUM ANALYZE {time.monotonic() - vacuum:.0f} s", flush=True)


def _world() -> World:
    from django.db import connection

    world = World()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.municipality_id, m.slug FROM applications_submission s "
            "JOIN municipalities_municipality m ON m.id = s.municipality_id "
            "WHERE s.reference LIKE %s GROUP BY 1, 2 ORDER BY count(*) DESC, m.slug LIMIT 1",
            [BENCH_REFERENCE_PREFIX + "%"],
        )
        world.municipality_id, world.municipality_slug = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM applications_submission WHERE municipality_id = %s",
            [world.municipality_id],
        )
        world.rows = cursor.fetchone()[0]
        cursor.execute(
            "SELECT DISTINCT office_id FROM applications_submission WHERE municipality_id = %s",
            [world.municipality_id],
        )
        world.office_ids = [row[0] for row in cursor]
        cursor.execute(
            "SELECT applicant_id, count(*) FROM applications_submission "
            "WHERE applicant_id IN (SELECT id FROM accounts_user WHERE username LIKE %s) "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
            ["lists%@bench.example"],
        )
        world.heavy_applicant_id, _ = cursor.fetchone()
        cursor.execute(
            "SELECT id FROM accounts_user WHERE username = 'lists0@bench.example'",
        )
        world.typical_applicant_id = cursor.fetchone()[0]
        cursor.execute(
            "SELECT submitted_at FROM applications_submission WHERE municipality_id = %s "
            "ORDER BY submitted_at DESC OFFSET 200 LIMIT 1",
            [world.municipality_id],
        )
        row = cursor.fetchone()
        world.since = row[0].isoformat() if row else "2020-01-01T00:00:00+00:00"
        cursor.execute(
            "SELECT reference FROM applications_submission WHERE municipality_id = %s "
            "ORDER BY submitted_at OFFSET 1000 LIMIT 1",
            [world.municipality_id],
        )
        world.reference = cursor.fetchone()[0]
    return world


def _token(world: World) -> str:
    from rathaus.apitokens.services import client_create, token_issue
    from rathaus.municipalities.models import Municipality

    municipality = Municipality.objects.get(pk=world.municipality_id)
    try:
        from rathaus.core.actors import Actor

        actor: Any = Actor.system("bench")
    except ImportError:  # before issue 9's actor type
        actor = None
    client = client_create(
        actor=actor,
        name=f"Bench {time.time():.0f}",
        municipality=municipality,
        scopes=["applications:read"],
    )
    return str(token_issue(actor=actor, client=client).plaintext)


def _session(user: Any, *, mfa: bool) -> str:
    return harness.session_cookie(user, mfa=mfa)


def _clerk(world: World) -> Any:
    """A case worker of every office of the municipality with TOTP (the widest inbox)."""
    from rathaus.accounts.models import User
    from rathaus.staff.models import Role, RoleAssignment

    user, _ = User.objects.get_or_create(
        username="lists-clerk@verwaltung.example",
        defaults={
            "email": "lists-clerk@verwaltung.example",
            "kind": User.Kind.STAFF,
            "is_staff": True,
            "first_name": "Bench",
            "last_name": "Clerk",
        },
    )
    for office in world.office_ids:
        RoleAssignment.objects.get_or_create(user=user, office_id=office, role=Role.CASE_WORKER)
    # Roles left by a run on another municipality (a tie of the largest ones, broken otherwise
    # before) would make the inbox span two municipalities: an unindexed, sorted list.
    RoleAssignment.objects.filter(user=user).exclude(office_id__in=world.office_ids).delete()
    harness.totp_enrol(user)
    return user


# --- Load ----------------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    path: str
    headers: dict[str, str]


def _get(conn: http.client.HTTPConnection, case: Case) -> bytes:
    return harness.http_get(conn, case.path, case.headers, case.label)


def _run(case: Case, concurrency: int) -> tuple[int, float, list[float]]:
    """`concurrency` keep-alive connections for SECONDS (`harness.http_load`)."""
    return harness.http_load(
        port=PORT,
        path=case.path,
        headers=case.headers,
        concurrency=concurrency,
        seconds=SECONDS,
        label=case.label,
    )


def _follow(case: Case, first: bytes, next_of: Any) -> tuple[str, int, float]:
    """Follow the `next` links from `case.path` (whose body is `first`) towards page DEEP: at
    most FOLLOW_SECONDS, and not at all further once the pace of the first pages says it would
    take longer. Returns the path of the page reached, its number and the seconds taken."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    started = time.monotonic()
    path, page, body = case.path, 1, first
    while page < DEEP:
        elapsed = time.monotonic() - started
        if elapsed > FOLLOW_SECONDS or (page >= 50 and elapsed / page * DEEP > FOLLOW_SECONDS):
            break
        nxt = next_of(body)
        if nxt is None:
            break
        parts = urlsplit(nxt)
        path = f"{parts.path or urlsplit(case.path).path}?{parts.query}"
        body = _get(conn, Case(case.label, path, case.headers))
        page += 1
    conn.close()
    return path, page, time.monotonic() - started


def _direct_cursor(case: Case, queryset: Any, paginator: Any) -> str:
    """The path of page DEEP of `queryset` (the list's own query, made in process) with a
    cursor signed as the server signs it: NEXT from the last row of page DEEP − 1."""
    from rathaus.core.keyset import NEXT, Cursor

    size = paginator.page_size
    names = [name.lstrip("-") for name in paginator.ordering]
    key = queryset.values_list(*names)[(DEEP - 1) * size - 1]
    text = paginator.encode(Cursor(NEXT, tuple(key)))
    query = urlsplit(case.path).query
    return f"{urlsplit(case.path).path}?{query + '&' if query else ''}{urlencode({'cursor': text})}"


def _deep(case: Case, first: bytes, next_of: Any, queryset: Any, paginator: Any) -> str:
    """The path of page DEEP: by following the `next` links when that takes at most
    FOLLOW_SECONDS, else by a cursor made directly for that position (`_direct_cursor`); the
    label says which (and, if the list ended earlier, the page reached)."""
    path, page, seconds = _follow(case, first, next_of)
    if page >= DEEP:
        print(f"({case.label}: followed {page - 1} next links in {seconds:.0f} s)", flush=True)
        case.label = f"{case.label} (followed)"
        return path
    direct = _direct_cursor(case, queryset, paginator)
    print(
        f"({case.label}: followed {page - 1} next links in {seconds:.0f} s, "
        f"{seconds / page * 1000:.0f} ms each: too slow for {DEEP}; measuring a cursor made "
        f"for page {DEEP})",
        flush=True,
    )
    case.label = f"{case.label} (direct cursor)"
    return direct


def _deep_api(case: Case, world: World) -> str:
    """Page DEEP of the API list (`next` links in the JSON)."""
    from rathaus.api.pagination import CursorPagination
    from rathaus.cases.models import Case as CaseRow
    from rathaus.cases.selectors import LIST_ORDERING
    from rathaus.core.keyset import KeysetPaginator

    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    first = _get(conn, case)
    conn.close()
    size = len(json.loads(first)["results"])
    # The salt of rathaus.api.pagination.CursorPagination.paginate_queryset.
    paginator = KeysetPaginator(
        ordering=LIST_ORDERING,
        page_size=size,
        cursor_param=CursorPagination.cursor_query_param,
        salt="rathaus.api.pagination",
    )
    queryset = CaseRow.objects.filter(municipality_id=world.municipality_id).order_by(
        *LIST_ORDERING
    )
    return _deep(case, first, lambda body: json.loads(body).get("next"), queryset, paginator)


NEXT_LINK = re.compile(r'<a[^>]*href="([^"]+)"[^>]*rel="next"|<a[^>]*rel="next"[^>]*href="([^"]+)"')


def _next_html(body: bytes) -> str | None:
    import html

    match = NEXT_LINK.search(body.decode())
    return html.unescape(match.group(1) or match.group(2)) if match else None


def _deep_inbox(case: Case, clerk: Any) -> str:
    """Page DEEP of the staff inbox (the rel="next" link of core/keyset_nav.html)."""
    from rathaus.backoffice.submission_views import INBOX_SALT, PAGE_SIZE
    from rathaus.cases.selectors import LIST_ORDERING, inbox_cases
    from rathaus.core.keyset import KeysetPaginator

    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    first = _get(conn, case)
    conn.close()
    paginator = KeysetPaginator(ordering=LIST_ORDERING, page_size=PAGE_SIZE, salt=INBOX_SALT)
    return _deep(case, first, _next_html, inbox_cases(user=clerk), paginator)


def _worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _hello_ok() -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
    conn.request("GET", "/bench-hello/")
    return conn.getresponse().status == 200


def _cases(world: World) -> list[Case]:
    from rathaus.accounts.models import User

    api = {"Authorization": f"Bearer {_token(world)}", "Accept": "application/json"}
    clerk = _clerk(world)
    staff = {"Cookie": f"sessionid={_session(clerk, mfa=True)}"}
    typical = User.objects.get(pk=world.typical_applicant_id)
    heavy = User.objects.get(pk=world.heavy_applicant_id)
    typical_count = typical.submissions.count()
    heavy_count = heavy.submissions.count()
    citizen = {"Cookie": f"sessionid={_session(typical, mfa=False)}"}
    company = {"Cookie": f"sessionid={_session(heavy, mfa=False)}"}
    lang = {"Accept-Language": "de"}
    office = world.office_ids[0]
    api_list = "/api/v1/submissions/"
    cases = [
        Case("hello", "/bench-hello/", {}),
        Case("API page 1", api_list, api),
        Case(f"API page {DEEP}", api_list, api),  # path set below
        Case("API status=query", f"{api_list}?status=query", api),
        Case("API acknowledged=false", f"{api_list}?acknowledged=false", api),
        Case("API since=(last 200)", f"{api_list}?{urlencode({'since': world.since})}", api),
        Case("API office=", f"{api_list}?office={office}", api),
        Case("inbox page 1", "/intern/antraege/", staff | lang),
        Case(f"inbox page {DEEP}", "/intern/antraege/", staff | lang),  # path set below
        Case("inbox status=query", "/intern/antraege/?status=query", staff | lang),
        Case("inbox search q=", f"/intern/antraege/?q={BENCH_REFERENCE_PREFIX}0012", staff | lang),
        Case("inbox search q= (number part)", "/intern/antraege/?q=0012", staff | lang),
        Case(
            "inbox search q= (whole reference)",
            f"/intern/antraege/?q={world.reference}",
            staff | lang,
        ),
        Case(f"applicant list ({typical_count})", "/antraege/", citizen | lang),
        Case(f"applicant list ({heavy_count})", "/antraege/", company | lang),
    ]
    if ONLY:
        cases = [c for c in cases if c.label == "hello" or any(o in c.label for o in ONLY)]
    for case in cases:  # the deep pages' paths (and how they were reached, in the label)
        if case.label == f"API page {DEEP}":
            case.path = _deep_api(case, world)
        elif case.label == f"inbox page {DEEP}":
            case.path = _deep_inbox(case, clerk)
    return cases


def _measure(cases: list[Case], master: int) -> None:
    results: dict[tuple[str, int], tuple[float, float, float]] = {}
    for concurrency in CONCURRENCY:
        for case in cases:
            n, wall, latencies = _run(case, concurrency)
            latencies.sort()
            p50 = statistics.median(latencies)
            p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
            results[(case.label, concurrency)] = (n / wall, p50, p95)
            print(
                f"  {case.label} @ {concurrency}: {n} requests, {n / wall:.1f}/s, "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
                flush=True,
            )
    print()
    header = "| case |" + "".join(
        f" req/s @{c} | p50 ms @{c} | p95 ms @{c} | % of hello @{c} |" for c in CONCURRENCY
    )
    print(header)
    print("| --- |" + " --- | --- | --- | --- |" * len(CONCURRENCY))
    for case in cases:
        row = f"| {case.label} |"
        for c in CONCURRENCY:
            rate, p50, p95 = results[(case.label, c)]
            hello = results[("hello", c)][0]
            row += f" {rate:.1f} | {p50:.1f} | {p95:.1f} | {100 * rate / hello:.2f} % |"
        print(row)
    rss = [_peak_rss_mb(pid) for pid in _worker_pids(master)]
    print(f"\npeak RSS per gunicorn worker (VmHWM): {', '.join(f'{r:.0f} MB' for r in rss)}")


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="rathaus-bench-lists-"))
    if _setup(var_dir):
        _seed()
    else:
        print("seed: reused the seeded database (BENCH_REUSE=1)")
    from django.db import connection

    world = _world()
    env = _environment(var_dir) | {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DJANGO_SETTINGS_MODULE": "hello_settings",
        "PYTHONPATH": f"{REPO / 'src'}:{REPO / 'bench'}",
    }
    try:
        gunicorn = harness.start(
            [str(REPO / ".venv/bin/gunicorn"), "rathaus.wsgi", "-w", str(WORKERS), "--threads",
             str(THREADS), "-b", f"127.0.0.1:{PORT}", "--max-requests", "0", "--timeout", "600",
             "--keep-alive", "120"],
            env,
            var_dir / "gunicorn.log",
        )  # fmt: skip
        harness.wait_for(_hello_ok, "gunicorn")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM applications_submission")
            total = cursor.fetchone()[0]
        print(
            f"database: {connection.vendor} {connection.pg_version}, {total} submissions, "
            f"municipality {world.municipality_slug} ({world.rows} of them, "
            f"{len(world.office_ids)} offices); gunicorn {WORKERS} workers × {THREADS} "
            f"threads; {SECONDS:.0f} s per case; load average before: {os.getloadavg()[0]:.1f}, "
            f"cores: {os.cpu_count()}",
            flush=True,
        )
        cases = _cases(world)
        connection.close()
        _measure(cases, gunicorn.pid)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        harness.stop_children()
        print(f"logs: {var_dir}")


if __name__ == "__main__":
    main()
