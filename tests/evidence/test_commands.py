"""`manage.py verify_receipt` and `verify_receipts`: exit codes and reports, and the chain
walk finding rows altered behind the model's back."""

import io
import shutil

import pytest
from django.core.management import call_command
from django.db import connection

from rathaus.evidence.models import Receipt
from rathaus.evidence.selectors import receipt_bundle
from rathaus.evidence.services import receipt_issue

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def issue(count: int) -> list[Receipt]:
    return [receipt_issue(kind="delivery", facts={"message": f"m-{n}"}) for n in range(count)]


def raw_update(sql: str, params: list[object]) -> None:
    """Change rows the way the model refuses to: plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_chain_passes(demo_seal):
    issue(3)
    assert run("verify_receipts") == (0, "Chain intact: 3 receipts.\n")
    code, out = run("verify_receipts", "--signatures")
    assert code == 0 and "3 receipts" in out


def test_an_empty_chain_passes(demo_seal):
    assert run("verify_receipts") == (0, "Chain intact: 0 receipts.\n")


def test_a_document_altered_in_the_database_is_reported_at_its_sequence(demo_seal):
    receipts = issue(4)
    changed = receipts[2].document.replace('"m-2"', '"m-X"')
    raw_update("UPDATE evidence_receipt SET document = %s WHERE sequence = 3", [changed])
    code, out = run("verify_receipts")
    assert code == 1
    assert out.startswith("Chain broken at receipt 3: Receipt 3 was altered")


def test_a_rehashed_alteration_breaks_the_next_link(demo_seal):
    import hashlib

    receipts = issue(3)
    changed = receipts[1].document.replace('"m-1"', '"m-X"')
    raw_update(
        "UPDATE evidence_receipt SET document = %s, sha256 = %s WHERE sequence = 2",
        [changed, hashlib.sha256(changed.encode()).hexdigest()],
    )
    code, out = run("verify_receipts")
    assert code == 1 and "Chain broken at receipt 3: Receipt 3 does not link to receipt 2" in out
    # The seal shows which receipt was altered.
    code, out = run("verify_receipts", "--signatures")
    assert code == 1 and out.startswith("Chain broken at receipt 2: Time-stamp invalid")
    assert "Signature invalid: the signed message digest does not match" in out


def test_a_removed_receipt_is_reported(demo_seal):
    issue(3)
    raw_update("DELETE FROM evidence_receipt WHERE sequence = 2", [])
    code, out = run("verify_receipts")
    assert code == 1 and "Chain broken at receipt 2: Receipt 2 is missing" in out


def test_a_removed_tail_is_reported_through_the_chain_head(demo_seal):
    issue(3)
    raw_update("DELETE FROM evidence_receipt WHERE sequence = 3", [])
    code, out = run("verify_receipts")
    assert code == 1 and "Chain broken at receipt 3: The chain head names receipt 3" in out


def test_a_replaced_signature_is_found_with_signatures_only(demo_seal):
    receipts = issue(2)
    raw_update(
        "UPDATE evidence_receipt SET signature = %s WHERE sequence = 1",
        [bytes(receipts[1].signature)],
    )
    assert run("verify_receipts")[0] == 0
    code, out = run("verify_receipts", "--signatures")
    assert code == 1 and out.startswith("Chain broken at receipt 1: Signature invalid")


@pytest.fixture
def receipt_files(demo_seal, tmp_path):
    body = b"Ihr Bescheid liegt bei."
    import hashlib

    receipt = receipt_issue(
        kind="dispatch", facts={"body_sha256": hashlib.sha256(body).hexdigest()}
    )
    (tmp_path / "receipt.json").write_bytes(receipt.document.encode())
    (tmp_path / "receipt.p7s").write_bytes(bytes(receipt.signature))
    (tmp_path / "receipt.tsr").write_bytes(bytes(receipt.timestamp))
    (tmp_path / "body.txt").write_bytes(body)
    (tmp_path / "bundle.zip").write_bytes(receipt_bundle(receipt))
    return tmp_path


def test_verify_receipt_reads_the_files_next_to_the_json(receipt_files):
    code, out = run("verify_receipt", str(receipt_files / "receipt.json"))
    assert code == 0
    assert out.splitlines()[0].startswith("Receipt 1 (dispatch), issued ")
    assert "OK   signature: Sealed by CN=rathaus Demo-Siegel" in out
    assert "OK   timestamp: Time-stamped " in out
    assert out.rstrip().endswith("Receipt verified.")


def test_verify_receipt_checks_the_named_files(receipt_files):
    body = f"body={receipt_files / 'body.txt'}"
    assert run("verify_receipt", str(receipt_files / "receipt.json"), "--file", body)[0] == 0
    (receipt_files / "body.txt").write_bytes(b"Ihr Bescheid liegt nicht bei.")
    code, out = run("verify_receipt", str(receipt_files / "receipt.json"), "--file", body)
    assert code == 1
    assert "FAIL file:body: “body” is not the file the receipt names." in out
    assert out.rstrip().endswith("Receipt NOT verified.")


def test_verify_receipt_fails_for_a_changed_receipt(receipt_files):
    data = (receipt_files / "receipt.json").read_bytes()
    (receipt_files / "receipt.json").write_bytes(data.replace(b"dispatch", b"dispatcH"))
    code, out = run("verify_receipt", str(receipt_files / "receipt.json"))
    assert code == 1
    assert "FAIL signature: Signature invalid: the signed message digest does not match" in out
    assert (
        "FAIL timestamp: Time-stamp invalid: its message imprint is not the hash of what it stamps"
        in out
    )


def test_verify_receipt_takes_explicit_paths_and_the_bundle(receipt_files, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copy(receipt_files / "receipt.p7s", elsewhere / "seal.p7s")
    shutil.copy(receipt_files / "receipt.tsr", elsewhere / "stamp.tsr")
    shutil.copy(receipt_files / "receipt.json", elsewhere / "r.json")
    code, _out = run(
        "verify_receipt",
        str(elsewhere / "r.json"),
        "--signature",
        str(elsewhere / "seal.p7s"),
        "--timestamp",
        str(elsewhere / "stamp.tsr"),
    )
    assert code == 0
    assert run("verify_receipt", str(receipt_files / "bundle.zip"))[0] == 0
    # Another CA's anchors (--ca): not trusted.
    from rathaus.seals.demo_ca import demo_ca_create

    other, _ = demo_ca_create(directory=elsewhere / "other")
    code, out = run("verify_receipt", str(receipt_files / "bundle.zip"), "--ca", str(other.ca_cert))
    assert code == 1 and "certificate not trusted" in out


def test_verify_receipt_refuses_missing_files_readably(receipt_files):
    from django.core.management.base import CommandError

    (receipt_files / "receipt.tsr").unlink()
    with pytest.raises(CommandError, match="Cannot read the receipt"):
        call_command("verify_receipt", str(receipt_files / "receipt.json"))
