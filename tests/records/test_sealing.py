"""Long-term integrity (issue 11 §6): RFC 6962 Merkle trees (Certificate Transparency's test
vectors, inclusion proofs for every leaf), the daily tree of the versions filed that day,
chained and time-stamped by the local TSA (verified by `openssl ts -verify` too); a changed
hash in the database, a version taken out and a broken chain are named; the proof of one
document's versions; renewing the time-stamps."""

import datetime as dt
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from rathaus.core.actors import Actor
from rathaus.records import services
from rathaus.records.documents import CheckedUpload
from rathaus.records.merkle import inclusion_proof, inclusion_verify, leaf_hash, tree_root
from rathaus.records.models import (
    DocumentVersion,
    FilePlanItem,
    IntegrityRenewal,
    IntegrityTree,
    StoredContent,
)
from rathaus.records.sealing import day_seal, days_seal, trees_verify, version_proof
from tests.evidence.conftest import demo_seal  # noqa: F401 (a fixture)
from tests.factories import OfficeFactory

SYSTEM = Actor.system("tests")
# Certificate Transparency's reference leaves and roots (RFC 6962 test data).
CT_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
CT_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def test_roots_of_the_certificate_transparency_test_vectors():
    leaves = [leaf_hash(bytes.fromhex(x)) for x in CT_LEAVES]
    for size, root in CT_ROOTS.items():
        assert tree_root(leaves[:size]).hex() == root


@given(size=st.integers(1, 70), data=st.data())
def test_every_leaf_has_a_proof_and_no_other_leaf_passes_it(size, data):
    leaves = [leaf_hash(n.to_bytes(4, "big")) for n in range(size)]
    root = tree_root(leaves)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, leaves)
    assert inclusion_verify(leaf=leaves[index], index=index, size=size, proof=proof, root=root)
    other = data.draw(
        st.integers(0, size - 1).filter(lambda n: n != index) if size > 1 else st.none()
    )
    if other is not None:
        assert not inclusion_verify(
            leaf=leaves[other], index=index, size=size, proof=proof, root=root
        )
    assert not inclusion_verify(leaf=leaves[index], index=size, size=size, proof=proof, root=root)


@pytest.fixture
def documents(db, media_root, demo_seal):  # noqa: F811
    office = OfficeFactory()
    services.file_plan_import(
        actor=SYSTEM, municipality=office.municipality, data="Nummer;Titel\n963;Hundesteuer\n"
    )
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(actor=SYSTEM, office=office, plan_item=item, title="Hunde")
    made = [
        services.document_add(
            actor=SYSTEM,
            record=record,
            title=f"Vermerk {n}",
            kind="note",
            upload=CheckedUpload(f"v{n}.txt", "text/plain", f"Inhalt {n}".encode()),
        )
        for n in range(3)
    ]
    # Filed the day before yesterday (a day that is over).
    filed = timezone.now() - dt.timedelta(days=2)
    DocumentVersion.objects.update(created_at=filed)
    return made, timezone.localdate(filed)


def test_a_day_is_sealed_once_verified_and_proven(documents, demo_seal, tmp_path):  # noqa: F811
    made, day = documents
    with pytest.raises(ValueError, match="not over"):
        day_seal(day=timezone.localdate())
    [tree] = days_seal()
    assert (tree.day, tree.size) == (day, 3)
    assert days_seal() == []  # once
    [check] = trees_verify()
    assert check.problems == [] and check.timestamped_at is not None
    proof = version_proof(made[1].versions.get())
    assert proof.proven and proof.path and proof.timestamped_at
    # Independent tools: openssl checks the tree's time-stamp over its chain hash.
    (tmp_path / "chain.txt").write_text(tree.chain_hash)
    (tmp_path / "tree.tsr").write_bytes(bytes(tree.timestamp))
    subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-in",
            "tree.tsr",
            "-data",
            "chain.txt",
            "-CAfile",
            str(demo_seal.ca_cert),
            "-untrusted",
            str(demo_seal.tsa_cert),
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    out = StringIO()
    call_command("verify_records", "--document", str(made[1].pk), stdout=out)
    assert "v1 (" in out.getvalue() and "existed at" in out.getvalue()
    assert "All 1 integrity trees recompute" in out.getvalue()


def test_a_changed_hash_a_missing_version_and_a_broken_chain_are_named(documents):
    made, day = documents
    [tree] = days_seal()
    # A second day, chained to the first.
    later = services.document_add(
        actor=SYSTEM,
        record=made[0].file,
        title="Nachtrag",
        kind="note",
        upload=CheckedUpload("n.txt", "text/plain", b"Nachtrag"),
    )
    DocumentVersion.objects.filter(document=later).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    [second] = days_seal()
    assert second.previous == tree.chain_hash
    assert all(not c.problems for c in trees_verify())
    # Someone changes a hash in the database (and the object, so the storage check passes).
    version = made[2].versions.get()
    StoredContent.objects.filter(pk=version.content_id).update(sha256="f" * 64)
    [first_check, second_check] = trees_verify()
    assert any("root does not match" in p for p in first_check.problems)
    assert not second_check.problems
    assert not version_proof(DocumentVersion.objects.get(pk=version.pk)).proven
    err = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("verify_records", stderr=err)
    assert f"integrity tree of {day}: a version's hash differs" in err.getvalue()
    # A version taken out of its tree; a broken link.
    DocumentVersion.objects.filter(pk=made[0].versions.get().pk).update(tree=None)
    IntegrityTree.objects.filter(pk=second.pk).update(previous="0" * 64)
    first_check, second_check = trees_verify()
    assert "holds 2 versions, sealed with 3" in first_check.problems
    assert "its link to the previous tree is broken" in second_check.problems


def test_time_stamps_are_renewed(documents):
    days_seal()
    out = StringIO()
    call_command("records_timestamps_renew", stdout=out)
    assert "1 tree(s) time-stamped anew." in out.getvalue()
    call_command("records_timestamps_renew", stdout=StringIO())
    assert IntegrityRenewal.objects.count() == 2
    call_command("records_seal", stdout=out)
    assert "0 day(s) sealed." in out.getvalue()
