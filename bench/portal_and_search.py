"""Measure search and portal page latency on the demo data (not part of the test suite).

Usage (from the repository root, after `make install assets`):

    .venv/bin/python bench/portal_and_search.py                 # embedded SQLite (temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rathaus_bench .venv/bin/python bench/portal_and_search.py

The database named in DATABASE_URL is created if missing and its tables are replaced. Prints
p50/p95 in milliseconds per search query set and per page type (in-process Django test client,
so this is server time without network and TLS). Bounded: a fixed number of rounds.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
QUERIES = [
    "Hund", "Hunde", "Ummeldung", "Personalausweis", "Perso", "KFZ", "Gewerbe anmelden",
    "Baugenehmigung", "Wohngeld", "Sperrmüll", "Führungszeugnis", "Geburtsurkunde", "Fundsache",
    "Reisepass", "Parkausweis", "heiraten", "Fischereischein", "Elterngeld", "Umzug", "Auto",
]  # fmt: skip
PAGES = {
    "landing": "/",
    "start page": "/dueren/",
    "A–Z list": "/dueren/leistungen/",
    "service detail": "/dueren/leistungen/hund-anmelden/",
    "search": "/dueren/suche/?q=Hunde",
    "life situations": "/cochem-zell/lebenslagen/",
    "office": "/dueren/aemter/",
    "Zuständigkeitsfinder": "/vg-ulmen/zustaendigkeit/?leistung=fahrzeug-zulassen&plz=56766&ort=Auderath",
    "API services": "/api/v1/municipalities/dueren/services/",
    "API responsibility": "/api/v1/responsibility/?service=fahrzeug-zulassen&ars=071355003005",
}


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("RATHAUS_VAR_DIR", tempfile.mkdtemp(prefix="rathaus-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.conf.test")
    os.environ.setdefault("RATHAUS_ALLOWED_HOSTS", "testserver")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    if url.startswith("postgres"):
        call_command("flush", "--no-input", verbosity=0) if _has_tables() else None
    call_command("migrate", verbosity=0)
    from rathaus.demo.loader import demo_load

    demo_load()


def _has_tables() -> bool:
    from django.db import connection

    return "catalog_service" in connection.introspection.table_names()


def _measure(fn: Callable[[], object]) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _row(label: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=20)
    return f"| {label} | {statistics.median(times):.1f} | {q[18]:.1f} |"


def main() -> None:
    _setup()
    from django.db import connection
    from django.test import Client

    from rathaus.catalog.selectors import service_search
    from rathaus.municipalities.models import Municipality

    dueren = Municipality.objects.get(slug="dueren")
    print(f"database: {connection.vendor}, rounds: {ROUNDS}\n")
    print("| what | p50 ms | p95 ms |\n| --- | --- | --- |")
    per_query: list[float] = []
    for query in QUERIES:
        per_query += _measure(lambda q=query: service_search(municipality=dueren, query=q))
    print(_row(f"search selector ({len(QUERIES)} queries)", per_query))
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    for label, url in PAGES.items():

        def get(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        print(_row(label, _measure(get)))


if __name__ == "__main__":
    main()
