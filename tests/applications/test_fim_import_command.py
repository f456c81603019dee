"""`manage.py fim_import FILE [--dry-run] [--service …]`: report, refuse with reason, import."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rathaus.applications.models import FormDefinition
from rathaus.core.models import AuditEvent
from tests.applications.fim_documents import V2, V3, replace_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "anmeldung.xml"
    path.write_text(V3, encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("fim_import", *args, stdout=out)
    return out.getvalue()


def test_dry_run_prints_the_report_and_creates_nothing(document, service):
    output = run(str(document), "--dry-run")
    assert "F60000000003: file size limited to 1048576 bytes (as base64 length)" in output
    assert "S60000000001: FIM texts are German only" in output
    assert "Dry run: the document is importable (1 step(s))." in output
    assert not FormDefinition.objects.exists()
    assert not AuditEvent.objects.exists()


def test_import_creates_a_draft_through_the_form_services_audited(document, service):
    output = run(str(document), "--service", service.slug)
    definition = FormDefinition.objects.get(service=service)
    assert (definition.version, definition.status) == (1, FormDefinition.Status.DRAFT)
    assert definition.ui["source"] == {
        "standard": "XDatenfelder 3.0.0",
        "id": "S60000000001",
        "version": "1.0.0",
    }
    assert "Created draft version 1 of" in output
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["form_definition.create", "form_definition.import"]

    run(str(document), "--service", service.leika_key)  # by LeiKa key: the next version
    assert FormDefinition.objects.filter(service=service).count() == 2


def test_a_refused_document_exits_non_zero_with_element_and_line(tmp_path, service):
    broken = tmp_path / "broken.xml"
    broken.write_text(replace_once(V2, "<code>aktiv</code>", "<code>gueltig</code>"))
    line = next(i for i, x in enumerate(V2.splitlines(), 1) if "<code>aktiv</code>" in x)
    for args in (["--dry-run"], ["--service", service.slug]):
        with pytest.raises(CommandError) as refused:
            run(str(broken), *args)
        assert str(refused.value) == (
            f"{broken} refused:\n"
            f"  line {line}, <code>: 'gueltig' is not one of the codes aktiv, inVorbereitung, "
            "inaktiv"
        )
        assert refused.value.returncode == 1  # manage.py exits with it
    assert not FormDefinition.objects.exists()


def test_command_errors_name_what_to_fix(tmp_path, document):
    with pytest.raises(CommandError, match="--service is required unless --dry-run is given"):
        run(str(document))
    with pytest.raises(CommandError, match="no service with slug or LeiKa key 'nope'"):
        run(str(document), "--service", "nope")
    with pytest.raises(CommandError, match="cannot be read"):
        run(str(tmp_path / "missing.xml"), "--dry-run")
    version_1 = tmp_path / "v1.xml"
    version_1.write_text('<x xmlns="urn:xoev-de:fim:standard:xdatenfelder_1"/>')
    with pytest.raises(CommandError, match="XDatenfelder version 1 is not supported"):
        run(str(version_1), "--dry-run")
