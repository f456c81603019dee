"""Data for the accessibility tests of the records pages (/intern/akten/): `seed()` runs in the
demo server's environment (`manage.py shell`) and gives the Steueramt Düren (where the seeded
staff member handles cases, seed_accounts.py) an open file under 963 Hundesteuer with one
document, indexed for the search. The unfiled case of application_seed.py shows the overview's
filing form. Idempotent per database."""

TITLE = "Hundesteuer (Prüfung der Barrierefreiheit)"
SEARCH_WORD = "Hundehaftpflicht"


def seed() -> None:
    import datetime as dt

    from rathaus.core.actors import Actor
    from rathaus.municipalities.models import Office
    from rathaus.records import services
    from rathaus.records.documents import CheckedUpload
    from rathaus.records.models import FilePlanItem, RecordFile
    from rathaus.records.search import document_index

    if RecordFile.objects.filter(title=TITLE).exists():
        return
    actor = Actor.system("a11y-seed")
    office = Office.objects.get(municipality__slug="dueren", slug="steueramt")
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(actor=actor, office=office, plan_item=item, title=TITLE)
    document = services.document_add(
        actor=actor,
        record=record,
        title="Nachweis der Hundehaftpflichtversicherung",
        kind="incoming",
        upload=CheckedUpload(
            "nachweis.txt", "text/plain", f"Bestätigung der {SEARCH_WORD} für Bello.".encode()
        ),
        document_date=dt.date(2026, 3, 14),
        sender="Erika Mustermann",
        keywords=["Hund", "Versicherung"],
    )
    # The demo server runs no outbox worker here: the search index is written directly.
    document_index(document_ids=[document.pk])
