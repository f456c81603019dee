"""The E-Akte under load (issue 11 §8; not part of the test suite).

Usage (from the repository root, PostgreSQL required):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rathaus_records .venv/bin/python bench/records.py

1. **Full-text search over BENCH_DOCS documents** (1,000,000). The database is kept between
   runs when it holds that many documents already (loading takes minutes); otherwise it is
   dropped, migrated, and filled: BENCH_OFFICES offices (50) of one municipality, a file per
   office and month, documents with a title of 3–8 words and a text of 150–1,500 words drawn
   from a vocabulary of 40,000 German-like words with Zipf-distributed frequencies (s = 1.05,
   like natural language), dates over ten years. The index rows hold the distinct stems like
   `rathaus.records.search` writes them (metadata and metadata plus text). Then the real
   search function (`document_search`: both tiers, the documents of the page loaded with file
   and office) runs typical queries, BENCH_REPEAT times each after a warm-up: a rare word (a
   name), a word of middle frequency, a frequent one, two words, a prefix, one restricted to
   3 of the offices (need to know), a frequent word restricted so, and a word found nowhere.
   p50/p95 in ms per query, beside the baseline of the same run: `SELECT 1` through the same
   Django connection.
2. **Documents filed per second** (`services.document_add`: type and size given, content
   stored by its SHA-256, version, audit, event) with a 50 KB text document each, BENCH_FILED
   documents (2000) by BENCH_WRITERS processes (2), plus the indexing of what they filed
   (`outbox_drain`: extraction, stems, index rows) measured on its own and together.

Knobs: BENCH_DOCS, BENCH_OFFICES, BENCH_REPEAT (30), BENCH_FILED, BENCH_WRITERS, BENCH_PART
("search", "filing" or both: "search,filing").
"""

import datetime as dt
import io
import itertools
import os
import random
import statistics
import sys
import time
import uuid
from functools import partial
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.conf.base")
os.environ.setdefault("RATHAUS_SECRET_KEY", "bench-" + "x" * 50)
os.environ.setdefault("RATHAUS_LOG_LEVEL", "WARNING")
os.environ.setdefault("RATHAUS_VAR_DIR", "/tmp/rathaus-bench-records")

DOCS = int(os.environ.get("BENCH_DOCS", "1000000"))
OFFICES = int(os.environ.get("BENCH_OFFICES", "50"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
FILED = int(os.environ.get("BENCH_FILED", "2000"))
WRITERS = int(os.environ.get("BENCH_WRITERS", "2"))
PARTS = os.environ.get("BENCH_PART", "search,filing").split(",")
VOCABULARY = 40_000
SEED = 20261204

SYLLABLES = [
    "an",
    "ber",
    "bin",
    "da",
    "de",
    "den",
    "der",
    "ein",
    "el",
    "en",
    "er",
    "fe",
    "ge",
    "hal",
    "hau",
    "heim",
    "her",
    "in",
    "ka",
    "ken",
    "ker",
    "la",
    "land",
    "le",
    "li",
    "lung",
    "ma",
    "men",
    "mer",
    "na",
    "ne",
    "nung",
    "on",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "schaft",
    "sche",
    "se",
    "sen",
    "stadt",
    "stein",
    "ster",
    "stra",
    "te",
    "ten",
    "ter",
    "tung",
    "ung",
    "us",
    "ver",
    "wal",
    "we",
    "wer",
    "zu",
]


def vocabulary(rng: random.Random) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        words.setdefault("".join(rng.choices(SYLLABLES, k=rng.randint(2, 5))))
    return list(words)


def zipf_weights(n: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**1.05) for rank in range(1, n + 1)))


def django_setup() -> None:
    import django

    django.setup()


def database_ready() -> bool:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM records_document_search")
            indexed = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM records_document")
            documents = cursor.fetchone()[0]
        return indexed >= DOCS and documents >= DOCS
    except Exception:
        connection.close()
        return False


def database_recreate() -> None:
    import dj_database_url
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = dj_database_url.parse(url)["NAME"]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(words: list[str]) -> None:
    """Migrate and fill the database (see the module docstring)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from tests.factories import OfficeFactory

    from rathaus.core.actors import Actor
    from rathaus.records import services
    from rathaus.records.models import FilePlanItem, RecordFile
    from rathaus.records.search.analysis import ANALYZER

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    first = OfficeFactory(slug="office-0")
    municipality = first.municipality
    offices = [first] + [
        OfficeFactory(municipality=municipality, slug=f"office-{n}") for n in range(1, OFFICES)
    ]
    system = Actor.system("bench")
    services.file_plan_import(
        actor=system, municipality=municipality, data="Nummer;Titel\n000;Allgemeines\n"
    )
    item = FilePlanItem.objects.get(municipality=municipality, number="000")
    months = [(year, month) for year in range(2016, 2026) for month in range(1, 13)]
    files = [
        RecordFile(
            municipality=municipality,
            office=office,
            plan_item=item,
            file_reference=f"{office.slug.upper()}-000/{year}/{month}",
            title=f"Eingänge {month:02d}/{year}",
            year=year,
            status=RecordFile.Status.OPEN,
        )
        for office in offices
        for year, month in months
    ]
    RecordFile.objects.bulk_create(files, batch_size=1000)
    file_meta = {
        f.pk: [
            s
            for w in (f.file_reference, f.title)
            for s in (ANALYZER.stem(x) for x in ANALYZER.words(w))
        ]
        for f in files
    }
    stem_of = {w: (ANALYZER.stem(w) if w not in ANALYZER.stopwords else "") for w in words}
    cumulative = zipf_weights(len(words))
    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC)
    print(f"loading {DOCS} documents …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS records_document_search_meta")
        cursor.execute("DROP INDEX IF EXISTS records_document_search_everything")
        cursor.execute("DROP INDEX IF EXISTS records_document_search_order")
        cursor.execute("DROP INDEX IF EXISTS records_document_search_office")
    batch = 20_000
    for start in range(0, DOCS, batch):
        documents = io.StringIO()
        index = io.StringIO()
        for _ in range(min(batch, DOCS - start)):
            record = files[rng.randrange(len(files))]
            title = rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 8))
            text = rng.choices(words, cum_weights=cumulative, k=rng.randint(150, 1500))
            day = dt.date(record.year, record_month(record), rng.randint(1, 28))
            ident = uuid.UUID(int=rng.getrandbits(128), version=4)
            title_text = " ".join(title).capitalize()
            documents.write(
                f"{ident}\t{now.isoformat()}\t{now.isoformat()}\t{record.pk}\t{title_text}\t"
                f"incoming\t{day.isoformat()}\t\t\t[]\t{{}}\t\n"
            )
            meta = dict.fromkeys(s for s in (stem_of[w] for w in title) if s)
            meta.update(dict.fromkeys(file_meta[record.pk]))
            everything = dict(meta)
            everything.update(dict.fromkeys(s for s in (stem_of[w] for w in text) if s))
            index.write(
                f"{ident}\t{record.office_id}\t{day.isoformat()}\t{' '.join(meta)}\t"
                f"{' '.join(everything)}\n"
            )
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(
                "COPY records_document (id, created_at, updated_at, file_id, title, kind,"
                " document_date, sender, recipient, keywords, metadata, source) FROM STDIN"
            ) as copy:
                copy.write(documents.getvalue())
            with raw.copy(
                "COPY records_document_search (document_id, office_id, sort_date, meta,"
                " everything) FROM STDIN"
            ) as copy:
                copy.write(index.getvalue())
        done = start + batch
        if done % 100_000 == 0:
            print(f"  {done} ({time.monotonic() - started:.0f} s)", flush=True)
    print("building the indexes …", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX records_document_search_meta ON records_document_search USING gin (meta)"
        )
        cursor.execute(
            "CREATE INDEX records_document_search_everything ON records_document_search"
            " USING gin (everything)"
        )
        cursor.execute(
            "CREATE INDEX records_document_search_order ON records_document_search"
            " (sort_date DESC, document_id DESC)"
        )
        cursor.execute(
            "CREATE INDEX records_document_search_office ON records_document_search (office_id)"
        )
        cursor.execute("VACUUM ANALYZE records_document_search")
        cursor.execute("VACUUM ANALYZE records_document")
    print(f"loaded in {time.monotonic() - started:.0f} s", flush=True)


def record_month(record: object) -> int:
    return int(str(record.file_reference).rsplit("/", 1)[1])  # type: ignore[attr-defined]


def timed(function: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        function()  # type: ignore[operator]
        times.append((time.perf_counter() - begin) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def search_bench(words: list[str]) -> None:
    from django.db import connection

    from rathaus.municipalities.models import Office
    from rathaus.records.search import document_search

    offices = list(Office.objects.order_by("slug").values_list("pk", flat=True))
    some = set(offices[:3])
    queries = [
        ("rare word (rank 30,000)", words[30_000], None),
        ("middle word (rank 2,000)", words[2_000], None),
        ("frequent word (rank 20)", words[20], None),
        ("two words (2,000 + 20)", f"{words[2_000]} {words[20]}", None),
        ("prefix (rank 500)", words[500][:4] + "*", None),
        ("middle word, 3 offices", words[2_000], some),
        ("frequent word, 3 offices", words[20], some),
        ("word found nowhere", "zzzqqq", None),
    ]

    def select_one() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    timed(select_one, 20)
    baseline = timed(select_one, REPEAT * 3)
    print(
        f"\nsearch over {DOCS:,} documents, {REPEAT} runs per query after one warm-up"
        f"\nbaseline SELECT 1: p50 {statistics.median(baseline):.2f} ms,"
        f" p95 {percentile(baseline, 0.95):.2f} ms"
    )
    print(f"{'query':34} {'hits':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for label, text, office_ids in queries:
        page = document_search(query=text, office_ids=office_ids)
        times = timed(partial(document_search, query=text, office_ids=office_ids), REPEAT)
        print(
            f"{label:34} {len(page.documents):>5} {statistics.median(times):>8.1f}"
            f" {percentile(times, 0.95):>8.1f}"
        )


def main() -> None:
    if "DATABASE_URL" not in os.environ:
        sys.exit("DATABASE_URL (PostgreSQL) is required, see the docstring.")
    sys.path.insert(0, str(REPO))
    django_setup()
    words = vocabulary(random.Random(SEED))
    if "search" in PARTS:
        if not database_ready():
            from django.db import connection

            connection.close()
            database_recreate()
            load(words)
        search_bench(words)
    if "filing" in PARTS:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # a database kept from an earlier run
        filing_bench()


def _pdfs(words: list[str]) -> list[bytes]:
    """Ten text PDFs of about 50 KB (seven to eight pages of text each)."""
    import weasyprint

    rng = random.Random(SEED)
    made = []
    for _ in range(10):
        paragraphs = "".join(
            f"<p>{' '.join(rng.choices(words, k=120)).capitalize()}.</p>" for _ in range(40)
        )
        made.append(
            weasyprint.HTML(string=f"<html lang='de'><body>{paragraphs}</body></html>").write_pdf()
        )
    return made


def _writer(args: tuple[int, str, int, list[bytes]]) -> tuple[float, float]:
    """One writer process: `count` PDF documents into its own open file; seconds taken."""
    number, file_id, count, pdfs = args
    django_setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfReader, PdfWriter

    from rathaus.core.actors import Actor
    from rathaus.records import services
    from rathaus.records.models import RecordFile

    record = RecordFile.objects.select_related("office").get(pk=file_id)
    system = Actor.system("bench")
    documents = []
    for index in range(count):  # each document's bytes differ, so each is stored anew
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdfs[index % len(pdfs)])))
        writer.add_metadata({"/Subject": f"bench {number} {index}"})
        out = io.BytesIO()
        writer.write(out)
        documents.append(out.getvalue())
    began = time.time()
    for index, data in enumerate(documents):
        upload = SimpleUploadedFile(f"vermerk-{number}-{index}.pdf", data, "application/pdf")
        checked = services.upload_checked(upload)  # type by content, size, clamd scan
        services.document_add(
            actor=system,
            record=record,
            title=f"Vermerk {number}-{index}",
            kind="note",
            upload=checked,
        )
    return began, time.time()


def _drain(wait_for: int = 0) -> tuple[int, float]:
    """Drain the outbox until it is empty (and, with `wait_for`, until that many documents
    are indexed); the messages handled and the wall-clock time it ended."""
    django_setup()
    from django.db import connection

    from rathaus.core.outbox_runner import outbox_drain

    done = 0
    while True:
        handled = outbox_drain(batch_size=50, limit=1000)
        done += handled
        if not handled:
            if done >= wait_for:
                connection.close()
                return done, time.time()
            time.sleep(0.05)


def filing_bench() -> None:
    import harness
    from django.db import connection

    from rathaus.core.actors import Actor
    from rathaus.records import services
    from rathaus.records.models import FilePlanItem, RecordFile

    var_dir = Path(os.environ["RATHAUS_VAR_DIR"])
    socket = var_dir / "clamav/clamd.sock"
    harness.start(
        [str(REPO / "bin/clamd-local"), str(var_dir / "clamav")],
        dict(os.environ),
        var_dir / "clamd.log",
    )
    harness.wait_for(socket.exists, "clamd")
    os.environ["RATHAUS_CLAMAV_URL"] = f"unix://{socket}"
    from django.conf import settings

    settings.RATHAUS_CLAMAV_URL = os.environ["RATHAUS_CLAMAV_URL"]
    try:
        item = FilePlanItem.objects.filter(number="000").first()
        office = RecordFile.objects.filter(plan_item=item).select_related("office").first().office
        files = [
            services.file_create(
                actor=Actor.system("bench"),
                office=office,
                plan_item=item,
                title=f"Bench {n}",
                year=2026,
            )
            for n in range(WRITERS)
        ]
        connection.close()
        share = FILED // WRITERS
        pdfs = _pdfs(vocabulary(random.Random(SEED))[:5000])
        print(f"PDFs of {min(map(len, pdfs)) // 1024}–{max(map(len, pdfs)) // 1024} KB")
        for label, with_drain in (
            ("filing alone", False),
            ("filing with the indexing beside it", True),
        ):
            with Pool(WRITERS + (1 if with_drain else 0)) as pool:
                drained = pool.apply_async(_drain, (share * WRITERS,)) if with_drain else None
                spans = pool.map(
                    _writer, [(n, str(f.pk), share, pdfs) for n, f in enumerate(files)]
                )
                began, ended = min(s for s, _ in spans), max(e for _, e in spans)
                filed_seconds = ended - began  # the writers' own clocks (setup left out)
                total = (drained.get()[1] if drained is not None else ended) - began
            print(
                f"{label}: {share * WRITERS} PDF documents by {WRITERS} writers,"
                f" {share * WRITERS / filed_seconds:.0f} documents filed/s"
                + (f"; filed and indexed: {share * WRITERS / total:.0f}/s" if with_drain else "")
            )
            if not with_drain:
                start = time.time()
                done, end = _drain()
                print(
                    f"  indexing what was filed: {done} outbox messages in {end - start:.1f} s,"
                    f" {share * WRITERS / (end - start):.0f} documents/s"
                )
    finally:
        harness.stop_children()


if __name__ == "__main__":
    main()
