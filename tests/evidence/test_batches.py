"""Issuing receipts in batches (one chain-head lock for many), the signer material cached per
process and refreshed when the seal changes, and the directly encoded CMS structures."""

import datetime as dt
import io
import json
import shutil
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from rathaus.evidence.canonical import NotCanonicalisable
from rathaus.evidence.cms import _pyhanko_seal, cms_seal
from rathaus.evidence.models import GENESIS_SHA256, Receipt, ReceiptChainHead
from rathaus.evidence.selectors import receipt_bundle
from rathaus.evidence.services import ReceiptInvalid, receipt_issue, receipts_issue
from rathaus.evidence.timestamps import TimestampUnavailable
from rathaus.evidence.verification import receipt_chain_verify, receipt_verify
from rathaus.seals.services import seal_material

pytestmark = pytest.mark.django_db

COMMANDS = (
    "openssl cms -verify -binary -inform DER -in receipt.p7s -content receipt.json -CAfile ca.pem",
    "openssl ts -verify -in receipt.tsr -data receipt.json -CAfile ca.pem -untrusted tsa.pem",
)


def openssl_verifies(receipt: Receipt, directory: Path) -> None:
    directory.mkdir(parents=True)
    zipfile.ZipFile(io.BytesIO(receipt_bundle(receipt))).extractall(directory)
    for command in COMMANDS:
        done = subprocess.run(command.split(), cwd=directory, capture_output=True, text=True)
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr


def verifies(receipt: Receipt) -> bool:
    return receipt_verify(
        receipt_json=receipt.document.encode(),
        signature=bytes(receipt.signature),
        timestamp=bytes(receipt.timestamp),
    ).ok


def signer_subject(receipt: Receipt) -> str:
    signed_data = cms.ContentInfo.load(bytes(receipt.signature))["content"]
    sid = signed_data["signer_infos"][0]["sid"].chosen
    for choice in signed_data["certificates"]:
        if choice.chosen.serial_number == sid["serial_number"].native:
            return x509.load_der_x509_certificate(choice.chosen.dump()).subject.rfc4514_string()
    raise AssertionError("no signer certificate")


def test_a_batch_gets_consecutive_numbers_and_links_and_its_chain_verifies(demo_seal, tmp_path):
    first = receipt_issue(kind="dispatch", facts={"message": "m-0"})
    batch = receipts_issue(
        items=[("dispatch", {"message": "m-1"})]
        + [("delivery", {"message": "m-1", "recipient": n}) for n in range(4)]
    )

    assert [r.sequence for r in batch] == [2, 3, 4, 5, 6]
    assert [r.kind for r in batch] == ["dispatch"] + ["delivery"] * 4
    previous = first.sha256
    for receipt in batch:
        document = json.loads(receipt.document)
        assert document["sequence"] == receipt.sequence
        assert document["previous"] == receipt.previous_sha256 == previous
        previous = receipt.sha256
    assert [r.pk for r in Receipt.objects.all()] == [first.pk] + [r.pk for r in batch]
    head = ReceiptChainHead.objects.get()
    assert (head.sequence, head.sha256) == (6, batch[-1].sha256)
    assert receipt_chain_verify(signatures=True).ok
    openssl_verifies(batch[0], tmp_path / "first")
    openssl_verifies(batch[-1], tmp_path / "last")
    assert receipts_issue(items=[]) == []


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (("delivery", {"amount": 1.5}), NotCanonicalisable),
        (("Delivery", {}), ReceiptInvalid),
        (("delivery", {"sequence": 7}), ReceiptInvalid),
    ],
)
def test_a_bad_item_stops_the_batch_before_the_chain_is_touched(demo_seal, bad, error):
    first = receipt_issue(kind="dispatch", facts={"message": "m-0"})
    with pytest.raises(error):
        receipts_issue(items=[("dispatch", {"message": "m-1"}), bad, ("delivery", {"n": 2})])
    assert Receipt.objects.count() == 1
    head = ReceiptChainHead.objects.get()
    assert (head.sequence, head.sha256) == (1, first.sha256)
    after = receipts_issue(items=[("dispatch", {"message": "m-2"})])
    assert after[0].sequence == 2 and after[0].previous_sha256 == first.sha256
    assert receipt_chain_verify(signatures=True).ok


def test_a_batch_without_time_stamps_leaves_nothing_behind(demo_seal, settings):
    first = receipt_issue(kind="dispatch", facts={"message": "m-0"})
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.RATHAUS_TSA_URLS = [f"http://127.0.0.1:{port}/tsa"]
    with pytest.raises(TimestampUnavailable):
        receipts_issue(items=[("dispatch", {"n": 1}), ("delivery", {"n": 2})])
    assert list(Receipt.objects.values_list("sequence", flat=True)) == [1]
    assert ReceiptChainHead.objects.get().sha256 == first.sha256
    settings.RATHAUS_TSA_URLS = []
    receipts_issue(items=[("dispatch", {"n": 1}), ("delivery", {"n": 2})])
    assert receipt_chain_verify(signatures=True).ok
    assert ReceiptChainHead.objects.get().sequence == 3


def test_the_first_batch_starts_the_chain(demo_seal):
    batch = receipts_issue(items=[("dispatch", {}), ("delivery", {})])
    assert batch[0].sequence == 1 and batch[0].previous_sha256 == GENESIS_SHA256
    assert receipt_chain_verify(signatures=True).ok


def _structure(signature: bytes) -> dict[str, object]:
    native = cms.ContentInfo.load(signature).native
    signer = native["content"]["signer_infos"][0]
    signer["signature"] = None
    for attribute in signer["signed_attrs"]:
        if attribute["type"] == "signing_time":
            assert isinstance(attribute["values"][0], dt.datetime)
            attribute["values"] = None
    return native


def test_the_seal_has_the_structure_pyhanko_wrote(demo_seal):
    """The directly encoded signature holds what pyHanko's CAdES-BES did (apart from the
    time and the signature value), in DER exactly as asn1crypto would encode it."""
    data = b'{"kind":"dispatch"}'
    fast = cms_seal(data=data)
    assert _structure(fast) == _structure(_pyhanko_seal(seal_material(), data))
    assert cms.ContentInfo.load(fast).dump(force=True) == fast
    timestamp = receipt_issue(kind="dispatch", facts={}).timestamp
    assert tsp.TimeStampResp.load(bytes(timestamp)).dump(force=True) == bytes(timestamp)


def _configure_seal(settings, files) -> None:
    settings.RATHAUS_SEAL_KEY_FILE = str(files.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(files.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(files.ca_cert)]
    settings.RATHAUS_TSA_CERT_FILE = str(files.tsa_cert)
    settings.RATHAUS_TSA_KEY_FILE = str(files.tsa_key)


def test_cached_signer_material_follows_the_seal_configuration(demo_seal, settings, tmp_path):
    from rathaus.seals.demo_ca import demo_ca_create

    demo = receipt_issue(kind="dispatch", facts={})
    # Another seal configured (its CA issues the local TSA too): used from the next receipt.
    other, _created = demo_ca_create(directory=tmp_path / "other")
    _configure_seal(settings, other)
    configured = receipt_issue(kind="dispatch", facts={})
    assert signer_subject(demo) == signer_subject(configured)  # the demo names are the same …
    assert bytes(configured.signature) != bytes(demo.signature)
    assert verifies(configured)
    assert not receipt_verify(  # … but the old seal's CA no longer vouches for the new one
        receipt_json=configured.document.encode(),
        signature=bytes(configured.signature),
        timestamp=bytes(configured.timestamp),
        trust_roots=[demo_seal.ca_cert.read_bytes()],
    ).ok

    # The seal renewed in place: same paths, new certificate and key (of a third CA).
    third, _created = demo_ca_create(directory=tmp_path / "third")
    for name in ("seal_key", "seal_cert", "ca_cert", "tsa_cert", "tsa_key"):
        shutil.copyfile(getattr(third, name), getattr(other, name))
    renewed = receipt_issue(kind="dispatch", facts={})
    assert receipt_verify(
        receipt_json=renewed.document.encode(),
        signature=bytes(renewed.signature),
        timestamp=bytes(renewed.timestamp),
        trust_roots=[third.ca_cert.read_bytes()],
    ).ok
    assert receipt_chain_verify().ok


def test_an_rsa_seal_signs_sha256_with_rsa_and_verifies_with_openssl(demo_seal, settings, tmp_path):
    ca_key = serialization.load_pem_private_key(demo_seal.ca_key.read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(demo_seal.ca_cert.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "RSA-Siegel")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    (tmp_path / "rsa.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "rsa.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    settings.RATHAUS_SEAL_KEY_FILE = str(tmp_path / "rsa.key")
    settings.RATHAUS_SEAL_CERT_FILE = str(tmp_path / "rsa.pem")
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(demo_seal.ca_cert)]
    settings.RATHAUS_TSA_CERT_FILE = str(demo_seal.tsa_cert)
    settings.RATHAUS_TSA_KEY_FILE = str(demo_seal.tsa_key)

    receipt = receipt_issue(kind="dispatch", facts={"message": "m-1"})
    signer = cms.ContentInfo.load(bytes(receipt.signature))["content"]["signer_infos"][0]
    assert signer["signature_algorithm"]["algorithm"].native == "sha256_rsa"
    assert signer_subject(receipt) == "CN=RSA-Siegel"
    assert verifies(receipt)
    openssl_verifies(receipt, tmp_path / "bundle")
