"""Full-text search of the records (issue 11 §1): metadata and document text (a PDF's text
layer, plain text), German folding and stems, a prefix, every word required; documents whose
metadata holds all words first, then by date; pages by keyset; need to know by office; the
same hits in the same order on SQLite and PostgreSQL as a reference computed in Python."""

import datetime as dt
import random

import pytest
import weasyprint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rathaus.core.actors import Actor
from rathaus.core.outbox_runner import outbox_drain
from rathaus.records import selectors, services
from rathaus.records.documents import CheckedUpload
from rathaus.records.models import Document, FilePlanItem
from rathaus.records.search import document_index, document_search, search_index_rebuild
from rathaus.records.search.analysis import query_terms, stems
from rathaus.staff.models import Role
from tests.factories import OfficeFactory
from tests.staff.people import make_staff

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PLAN = "Nummer;Titel\n963;Hundesteuer\n"


def pdf_with_text(text: str) -> bytes:
    return weasyprint.HTML(string=f"<html lang='de'><body><p>{text}</p></body></html>").write_pdf()


def make_record(title="Akte 2026"):
    office = OfficeFactory()
    services.file_plan_import(actor=SYSTEM, municipality=office.municipality, data=PLAN)
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    return services.file_create(actor=SYSTEM, office=office, plan_item=item, title=title)


@pytest.fixture
def record(media_root):
    return make_record()


def add(record, title, *, text="", pdf="", day=None, keywords=()):
    if pdf:
        upload = CheckedUpload("nachweis.pdf", "application/pdf", pdf_with_text(pdf))
    else:
        upload = CheckedUpload("notiz.txt", "text/plain", text.encode())
    return services.document_add(
        actor=SYSTEM,
        record=record,
        title=title,
        kind=Document.Kind.INCOMING,
        upload=upload,
        document_date=day,
        keywords=keywords,
    )


def titles(page):
    return [d.title for d in page.documents]


def test_metadata_and_text_are_found_metadata_first(record):
    old = add(record, "Hund anmelden", text="Bello", day=dt.date(2020, 1, 1))
    new = add(record, "Impfpass", pdf="Tollwutimpfung für den Hund Bello", day=dt.date(2026, 1, 1))
    add(record, "Katzenfutter", text="Minka", day=dt.date(2026, 2, 1))
    outbox_drain()  # the subscriber of records.documents_changed indexes them
    page = document_search(query="Hunde", office_ids=None)
    # "Hunde" (stem hund) is in the title of the old one, only in the PDF of the new one.
    assert titles(page) == ["Hund anmelden", "Impfpass"]
    assert (page.tiers[old.pk], page.tiers[new.pk]) == (1, 2)
    assert titles(document_search(query="Tollwutimpfung", office_ids=None)) == ["Impfpass"]
    assert titles(document_search(query="tollwutimpfung bello", office_ids=None)) == ["Impfpass"]
    assert titles(document_search(query="Tollwutimpfung Minka", office_ids=None)) == []
    bello = document_search(query="Bello", office_ids=None)
    assert titles(bello) == ["Impfpass", "Hund anmelden"]  # both in the text: newest first
    assert titles(document_search(query="anmeldung", office_ids=None)) == [old.title]


def test_german_folding_stems_and_a_prefix(record):
    add(record, "Bescheid Gütersloh", text="Die Hundesteuern werden erhoben.")
    outbox_drain()
    for query in ("Gütersloh", "guetersloh", "GUTERSLOH", "Hundesteuer", "hundest*"):
        assert titles(document_search(query=query, office_ids=None)) == ["Bescheid Gütersloh"]
    assert titles(document_search(query="hundest", office_ids=None)) == []  # a word, no prefix


def test_any_syntax_is_plain_text(record):
    add(record, "Antrag", text="Ein Antrag")
    outbox_drain()
    for query in ['"Antrag" OR NOT *', "Antrag)", "meta : Antrag", "Antrag & | !", "' OR 1=1 --"]:
        assert titles(document_search(query=query, office_ids=None)) in (["Antrag"], [])
    assert document_search(query="   ", office_ids=None).documents == []
    assert document_search(query="der die das", office_ids=None).documents == []  # stop words


def test_pages_continue_by_keyset(record):
    for number in range(7):
        add(record, f"Brief {number}", text="Vorgang", day=dt.date(2026, 1, 1 + number % 3))
    outbox_drain()
    whole = titles(document_search(query="Vorgang", office_ids=None, limit=50))
    seen, cursor = [], ""
    while True:
        page = document_search(query="Vorgang", office_ids=None, cursor=cursor, limit=3)
        seen += titles(page)
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == whole and len(whole) == 7
    assert document_search(query="Vorgang", office_ids=None, cursor="broken").documents


def test_need_to_know_by_office(record):
    add(record, "Steuerakte", text="geheim")
    other_office = OfficeFactory(municipality=record.municipality)
    outbox_drain()
    assert titles(document_search(query="geheim", office_ids={record.office_id})) == ["Steuerakte"]
    assert titles(document_search(query="geheim", office_ids={other_office.pk})) == []
    assert titles(document_search(query="geheim", office_ids=set())) == []
    clerk = make_staff("records-search", (other_office, Role.CASE_WORKER))
    assert selectors.documents_find(actor=Actor.person(clerk), query="geheim").documents == []
    keeper = make_staff("records-keeper", (record.office, Role.CASE_WORKER))
    found = selectors.documents_find(actor=Actor.person(keeper), query="geheim")
    assert titles(found) == ["Steuerakte"]


def test_a_new_version_and_a_rebuild_reindex(record):
    document = add(record, "Notiz", text="Entwurf")
    outbox_drain()
    services.version_add(
        actor=SYSTEM, document=document, upload=CheckedUpload("n.txt", "text/plain", b"Endfassung")
    )
    outbox_drain()
    assert titles(document_search(query="Endfassung", office_ids=None)) == ["Notiz"]
    assert titles(document_search(query="Entwurf", office_ids=None)) == []  # the latest version
    assert search_index_rebuild() == 1
    assert titles(document_search(query="Endfassung", office_ids=None)) == ["Notiz"]
    assert document_index(document_ids=[document.pk]) == 1


# --- The ranking equals a reference computed in Python (so SQLite and PostgreSQL agree) ---

WORDS = ["Hund", "Katze", "Steuer", "Bescheid", "Antrag", "Gebühr", "Müller", "Straße", "Bello"]


def reference(documents, query):
    """Tier 1: every term among the stems of the metadata; tier 2: among those of metadata and
    text; newest date first, then the id (descending)."""
    terms = query_terms(query)

    def has(words, term):
        return any(w.startswith(term.stem) if term.prefix else w == term.stem for w in words)

    ranked = []
    for doc, meta, body, day in documents:
        if all(has(meta, t) for t in terms):
            ranked.append((1, day, doc.pk))
        elif all(has(meta | body, t) for t in terms):
            ranked.append((2, day, doc.pk))
    ranked.sort(key=lambda r: (r[0], -r[1].toordinal(), -int(r[2].hex, 16)))
    return [r[2] for r in ranked]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 10_000), query=st.lists(st.sampled_from(WORDS), min_size=1, max_size=2))
def test_the_order_equals_the_reference(media_root, seed, query):
    record = make_record()  # one per example: nothing of the others in the way
    rng = random.Random(seed)
    documents = []
    for number in range(12):
        title = f"{' '.join(rng.sample(WORDS, 2))} {number}"
        text = " ".join(rng.choices(WORDS, k=6))
        day = dt.date(2026, 1, 1 + rng.randrange(4))
        doc = add(record, title, text=text, day=day)
        meta = stems(title, "notiz.txt", record.file_reference, record.title)
        documents.append((doc, set(meta), set(stems(text)), day))
    outbox_drain()
    text = " ".join(query) + ("*" if seed % 3 == 0 else "")
    found = document_search(query=text, office_ids={record.office_id}, limit=100)
    assert [d.pk for d in found.documents] == reference(documents, text)


def test_both_ways_of_postgresql_give_the_same_page(record, monkeypatch):
    """PostgreSQL walks the date order or takes the GIN bitmap by the estimated hits: the
    same hits in the same order either way (SQLite has one way)."""
    from django.db import connection

    from rathaus.records.search.backends import PostgreSQL

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's two query strategies")
    for number in range(9):
        add(
            record,
            f"Bescheid {number}",
            text="Hundesteuer Bello",
            day=dt.date(2026, 1, 1 + number % 4),
        )
    outbox_drain()
    pages = []
    for threshold in (0, 10**9):  # always walk, always bitmap
        monkeypatch.setattr(PostgreSQL, "BITMAP_BELOW", threshold)
        seen, cursor = [], ""
        while True:
            page = document_search(
                query="Hundesteuer", office_ids={record.office_id}, cursor=cursor, limit=4
            )
            seen += [d.pk for d in page.documents]
            if not (cursor := page.next_cursor):
                break
        pages.append(seen)
    assert pages[0] == pages[1] and len(pages[0]) == 9
