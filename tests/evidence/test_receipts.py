"""Issuing receipts: independent verification with openssl, the chain, tamper detection."""

import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from rathaus.evidence.canonical import NotCanonicalisable
from rathaus.evidence.models import GENESIS_SHA256, Receipt, ReceiptImmutableError
from rathaus.evidence.selectors import receipt_bundle
from rathaus.evidence.services import ReceiptInvalid, receipt_issue
from rathaus.evidence.verification import receipt_verify

pytestmark = pytest.mark.django_db

BODY = "Sehr geehrte Frau Müller, anbei der Bescheid.".encode()
ATTACHMENT = b"%PDF-1.7 the decision"
CMS_VERIFY = (
    "openssl cms -verify -binary -inform DER -in receipt.p7s -content receipt.json -CAfile ca.pem"
)
TS_VERIFY = (
    "openssl ts -verify -in receipt.tsr -data receipt.json -CAfile ca.pem -untrusted tsa.pem"
)


def facts() -> dict[str, object]:
    return {
        "message": "6f1c3a52-1f0e-4a43-9d0e-5c1f0a2b3c4d",
        "recipient": "Frau Müller",
        "body_sha256": hashlib.sha256(BODY).hexdigest(),
        "attachments": [{"name": "bescheid.pdf", "sha256": hashlib.sha256(ATTACHMENT).hexdigest()}],
    }


def unpack(receipt: Receipt, directory: Path) -> Path:
    """The receipt's bundle, unpacked into `directory`, as a user would verify it."""
    directory.mkdir(parents=True, exist_ok=True)
    zipfile.ZipFile(io.BytesIO(receipt_bundle(receipt))).extractall(directory)
    return directory


def openssl(command: str, directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command.split(), cwd=directory, capture_output=True, text=True)


def ours(directory: Path, files: dict[str, bytes] | None = None):
    return receipt_verify(
        receipt_json=(directory / "receipt.json").read_bytes(),
        signature=(directory / "receipt.p7s").read_bytes(),
        timestamp=(directory / "receipt.tsr").read_bytes(),
        files=files,
    )


def flipped(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def test_an_issued_receipt_verifies_with_openssl_alone(demo_seal, tmp_path):
    receipt = receipt_issue(kind="dispatch", facts=facts())
    directory = unpack(receipt, tmp_path / "bundle")

    cms = openssl(CMS_VERIFY, directory)
    assert cms.returncode == 0, cms.stderr
    assert "Verification successful" in cms.stderr
    ts = openssl(TS_VERIFY, directory)
    assert ts.returncode == 0, ts.stdout + ts.stderr
    assert "Verification: OK" in ts.stdout

    result = ours(directory, files={"body": BODY, "bescheid.pdf": ATTACHMENT})
    assert result.ok, result.failures
    assert [c.name for c in result.checks] == [
        "document",
        "timestamp",
        "signature",
        "file:body",
        "file:bescheid.pdf",
    ]
    assert result.timestamped_at is not None and result.signed_at is not None


def test_the_receipt_json_holds_the_facts_and_its_place_in_the_chain(demo_seal):
    first = receipt_issue(kind="dispatch", facts=facts())
    second = receipt_issue(kind="delivery", facts={"message": "m-2"})
    third = receipt_issue(kind="retrieval", facts={"message": "m-3"})

    documents = [json.loads(r.document) for r in (first, second, third)]
    assert [d["sequence"] for d in documents] == [1, 2, 3]
    assert [r.sequence for r in Receipt.objects.all()] == [1, 2, 3]
    assert documents[0]["previous"] == GENESIS_SHA256 == first.previous_sha256
    assert documents[1]["previous"] == first.sha256 == second.previous_sha256
    assert documents[2]["previous"] == second.sha256 == third.previous_sha256
    for receipt in (first, second, third):
        assert receipt.sha256 == hashlib.sha256(receipt.document.encode()).hexdigest()
    assert documents[0]["kind"] == "dispatch" and documents[2]["kind"] == "retrieval"
    assert documents[0]["recipient"] == "Frau Müller"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", documents[0]["issued_at"])
    # Canonical: sorted keys, no whitespace, UTF-8 (not \u escapes).
    assert first.document.startswith('{"attachments":[{"name":"bescheid.pdf","sha256":"')
    assert "Frau Müller" in first.document and ": " not in first.document


def test_facts_that_cannot_make_a_receipt_are_refused_and_nothing_is_stored(demo_seal):
    with pytest.raises(ReceiptInvalid):
        receipt_issue(kind="dispatch", facts={"sequence": 7})
    with pytest.raises(ReceiptInvalid):
        receipt_issue(kind="Versand bestätigt", facts={})
    with pytest.raises(NotCanonicalisable):
        receipt_issue(kind="dispatch", facts={"amount": 12.5})
    with pytest.raises(NotCanonicalisable):
        receipt_issue(kind="dispatch", facts={"data": b"bytes"})
    assert not Receipt.objects.exists()
    assert receipt_issue(kind="dispatch", facts={}).sequence == 1


def test_receipts_cannot_be_changed_or_deleted_through_the_model(demo_seal):
    receipt = receipt_issue(kind="dispatch", facts={})
    receipt.kind = "delivery"
    with pytest.raises(ReceiptImmutableError):
        receipt.save()
    with pytest.raises(ReceiptImmutableError):
        receipt.delete()
    with pytest.raises(ReceiptImmutableError):
        Receipt.objects.filter(pk=receipt.pk).update(kind="delivery")
    with pytest.raises(ReceiptImmutableError):
        Receipt.objects.all().delete()
    assert Receipt.objects.get().kind == "dispatch"


def test_every_changed_byte_of_the_json_fails_verification(demo_seal, tmp_path):
    receipt = receipt_issue(kind="dispatch", facts=facts())
    original = unpack(receipt, tmp_path / "bundle")
    data = (original / "receipt.json").read_bytes()
    for position in range(len(data)):
        result = receipt_verify(
            receipt_json=flipped(data, position),
            signature=bytes(receipt.signature),
            timestamp=bytes(receipt.timestamp),
        )
        assert not result.ok, position
        assert {"signature", "timestamp"} <= {c.name for c in result.failures}, position
    # openssl, for a sample of positions (one process each): first, in the facts, last.
    for position in (0, data.index(b"Frau") + 1, len(data) - 1):
        (original / "receipt.json").write_bytes(flipped(data, position))
        assert openssl(CMS_VERIFY, original).returncode != 0, position
        assert openssl(TS_VERIFY, original).returncode != 0, position


def _positions(der: bytes, *, markers: list[bytes]) -> list[int]:
    """A byte inside each marker (a signed value) and the last byte (the signature value)."""
    return [der.index(marker) + len(marker) // 2 for marker in markers] + [len(der) - 1]


def test_every_changed_signed_byte_of_the_signature_fails_verification(demo_seal, tmp_path):
    receipt = receipt_issue(kind="dispatch", facts=facts())
    directory = unpack(receipt, tmp_path / "bundle")
    signature = bytes(receipt.signature)
    digest = hashlib.sha256(receipt.document.encode()).digest()
    seal = x509.load_pem_x509_certificate(demo_seal.seal_cert.read_bytes())
    seal_cert_hash = hashlib.sha256(seal.public_bytes(encoding=_der())).digest()
    info = cms.ContentInfo.load(signature)["content"]["signer_infos"][0]
    (signing_time,) = [
        a["values"][0] for a in info["signed_attrs"] if a["type"].native == "signing_time"
    ]
    markers = [digest, seal_cert_hash, signing_time.dump()]
    for position in _positions(signature, markers=markers):
        (directory / "receipt.p7s").write_bytes(flipped(signature, position))
        assert openssl(CMS_VERIFY, directory).returncode != 0, position
        result = ours(directory)
        assert [c.name for c in result.failures] == ["signature"], position
    # Every byte from the signer's attributes to the end (what the seal signs, and its value).
    for position in range(signature.index(digest) - 40, len(signature)):
        result = receipt_verify(
            receipt_json=receipt.document.encode(),
            signature=flipped(signature, position),
            timestamp=bytes(receipt.timestamp),
        )
        assert not result.ok, position


def test_every_changed_signed_byte_of_the_timestamp_fails_verification(demo_seal, tmp_path):
    receipt = receipt_issue(kind="dispatch", facts=facts())
    directory = unpack(receipt, tmp_path / "bundle")
    timestamp = bytes(receipt.timestamp)
    digest = hashlib.sha256(receipt.document.encode()).digest()
    token = tsp.TimeStampResp.load(timestamp)["time_stamp_token"]["content"]
    gen_time = token["encap_content_info"]["content"].parsed["gen_time"].dump()
    markers = [digest, gen_time]
    for position in _positions(timestamp, markers=markers):
        (directory / "receipt.tsr").write_bytes(flipped(timestamp, position))
        assert openssl(TS_VERIFY, directory).returncode != 0, position
        result = ours(directory)
        assert [c.name for c in result.failures] == ["timestamp"], position
    # Every byte of the TSTInfo and everything after it (signed attributes, signature).
    for position in range(timestamp.index(digest) - 40, len(timestamp)):
        result = receipt_verify(
            receipt_json=receipt.document.encode(),
            signature=bytes(receipt.signature),
            timestamp=flipped(timestamp, position),
        )
        assert not result.ok, position


def test_a_changed_message_file_fails_verification(demo_seal, tmp_path):
    receipt = receipt_issue(kind="delivery", facts=facts())
    directory = unpack(receipt, tmp_path / "bundle")
    assert ours(directory, files={"body": BODY}).ok
    for position in (0, len(BODY) // 2, len(BODY) - 1):
        result = ours(directory, files={"body": flipped(BODY, position)})
        assert [c.name for c in result.failures] == ["file:body"]
    result = ours(directory, files={"bescheid.pdf": flipped(ATTACHMENT, 3), "body": BODY})
    assert [c.name for c in result.failures] == ["file:bescheid.pdf"]
    # Under another name a file matches by its SHA-256 (the receipt need not name files).
    assert ours(directory, files={"anhang.pdf": ATTACHMENT}).ok
    result = ours(directory, files={"anhang.pdf": flipped(ATTACHMENT, 3)})
    assert result.failures[0].message == "“anhang.pdf” is not a file the receipt names."


def test_garbage_is_reported_not_raised(demo_seal):
    result = receipt_verify(receipt_json=b"\xff{", signature=b"", timestamp=b"\x30\x03\x02\x01")
    assert not result.ok
    assert {c.name for c in result.failures} == {"document", "signature", "timestamp"}
    assert all(c.message for c in result.failures)


def test_a_receipt_from_another_ca_is_not_trusted(demo_seal, settings, tmp_path):
    receipt = receipt_issue(kind="dispatch", facts={})
    from rathaus.seals.demo_ca import demo_ca_create

    other, _ = demo_ca_create(directory=tmp_path / "other")
    result = receipt_verify(
        receipt_json=receipt.document.encode(),
        signature=bytes(receipt.signature),
        timestamp=bytes(receipt.timestamp),
        trust_roots=[other.ca_cert.read_bytes()],
    )
    assert {c.name for c in result.failures} == {"signature", "timestamp"}
    assert "not trusted" in result.failures[0].message


def test_the_bundle_holds_what_openssl_needs(demo_seal):
    receipt = receipt_issue(kind="retrieval", facts={"message": "m-1"})
    bundle = zipfile.ZipFile(io.BytesIO(receipt_bundle(receipt)))
    assert sorted(bundle.namelist()) == sorted(
        ["receipt.json", "receipt.p7s", "receipt.tsr", "ca.pem", "tsa.pem", "README.txt"]
    )
    assert bundle.read("receipt.json") == receipt.document.encode()
    assert bundle.read("receipt.p7s") == bytes(receipt.signature)
    assert bundle.read("receipt.tsr") == bytes(receipt.timestamp)
    assert bundle.read("ca.pem") == demo_seal.ca_cert.read_bytes()
    assert bundle.read("tsa.pem") == demo_seal.tsa_cert.read_bytes()
    readme = bundle.read("README.txt").decode()
    assert CMS_VERIFY in readme and TS_VERIFY in readme


def test_the_demo_tsa_certificate_is_for_time_stamping_only(demo_seal):
    tsa = x509.load_pem_x509_certificate(demo_seal.tsa_cert.read_bytes())
    ca = x509.load_pem_x509_certificate(demo_seal.ca_cert.read_bytes())
    usage = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    tsa.verify_directly_issued_by(ca)
    assert oct(demo_seal.tsa_key.stat().st_mode & 0o777) == "0o600"


def test_an_older_demo_ca_gets_a_tsa_certificate_and_keeps_its_seal(demo_seal):
    from rathaus.seals.demo_ca import demo_ca_create

    ca, seal = demo_seal.ca_cert.read_bytes(), demo_seal.seal_cert.read_bytes()
    demo_seal.tsa_cert.unlink()
    demo_seal.tsa_key.unlink()
    files, created = demo_ca_create()
    assert not created and files.tsa_exists()
    assert files.ca_cert.read_bytes() == ca and files.seal_cert.read_bytes() == seal
    # …and receipt issuing creates it by itself when an old demo CA lacks it.
    files.tsa_cert.unlink()
    assert receipt_issue(kind="dispatch", facts={}).sequence == 1
    assert files.tsa_exists()


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER
