"""Where time-stamps come from: external TSAs over HTTP (fallbacks in order), a configured
local TSA, and what happens when none answers."""

import http.server
import io
import socket
import subprocess
import threading
import zipfile

import pytest
from asn1crypto import tsp

from rathaus.evidence.models import Receipt, ReceiptChainHead
from rathaus.evidence.selectors import receipt_bundle
from rathaus.evidence.services import receipt_issue
from rathaus.evidence.timestamps import TimestampUnavailable, local_authority
from rathaus.evidence.verification import receipt_verify

pytestmark = pytest.mark.django_db


class _TsaHandler(http.server.BaseHTTPRequestHandler):
    """An RFC 3161 HTTP endpoint on loopback, answering with the local TSA (or failing)."""

    calls: list[str]
    broken: bool = False

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.calls.append(self.headers["Content-Type"])
        if self.broken:
            self.send_response(500)
            self.end_headers()
            return
        answer = local_authority().respond(tsp.TimeStampReq.load(body)).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tsa_server():
    servers = []

    def start(*, broken: bool = False) -> tuple[str, list[str]]:
        calls: list[str] = []
        handler = type("Handler", (_TsaHandler,), {"calls": calls, "broken": broken})
        server = http.server.HTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/tsa", calls

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def test_external_tsas_are_tried_in_order(demo_seal, settings, tsa_server, tmp_path):
    broken_url, broken_calls = tsa_server(broken=True)
    url, calls = tsa_server()
    settings.RATHAUS_TSA_URLS = [_closed_port_url(), broken_url, url]
    receipt = receipt_issue(kind="dispatch", facts={"message": "m-1"})
    assert broken_calls == ["application/timestamp-query"]
    assert calls == ["application/timestamp-query"]

    zipfile.ZipFile(io.BytesIO(receipt_bundle(receipt))).extractall(tmp_path)
    ts = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-in",
            "receipt.tsr",
            "-data",
            "receipt.json",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            "tsa.pem",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert ts.returncode == 0, ts.stderr


def test_no_receipt_without_a_time_stamp(demo_seal, settings, tsa_server):
    broken_url, _calls = tsa_server(broken=True)
    settings.RATHAUS_TSA_URLS = [_closed_port_url(), broken_url]
    with pytest.raises(TimestampUnavailable) as error:
        receipt_issue(kind="dispatch", facts={})
    assert broken_url in error.value.message
    assert not Receipt.objects.exists()
    assert not ReceiptChainHead.objects.filter(sequence__gt=0).exists()


def test_a_configured_local_tsa_under_its_own_root(demo_seal, settings, tmp_path):
    from rathaus.seals.demo_ca import demo_ca_create

    other, _ = demo_ca_create(directory=tmp_path / "tsa-ca")
    settings.RATHAUS_TSA_CERT_FILE = str(other.tsa_cert)
    settings.RATHAUS_TSA_KEY_FILE = str(other.tsa_key)
    # Not yet trusted: issuing refuses rather than store a receipt nobody can verify.
    with pytest.raises(TimestampUnavailable, match="not trusted"):
        receipt_issue(kind="dispatch", facts={})

    settings.RATHAUS_TSA_TRUST_ROOT_FILES = [str(other.ca_cert)]
    receipt = receipt_issue(kind="dispatch", facts={})
    bundle = zipfile.ZipFile(io.BytesIO(receipt_bundle(receipt)))
    assert bundle.read("tsa.pem") == other.tsa_cert.read_bytes()
    assert bundle.read("ca.pem") == demo_seal.ca_cert.read_bytes() + other.ca_cert.read_bytes()
    bundle.extractall(tmp_path / "bundle")
    for command in (
        "openssl ts -verify -in receipt.tsr -data receipt.json -CAfile ca.pem -untrusted tsa.pem",
        "openssl cms -verify -binary -inform DER -in receipt.p7s -content receipt.json "
        "-CAfile ca.pem",
    ):
        done = subprocess.run(
            command.split(), cwd=tmp_path / "bundle", capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert receipt_verify(
        receipt_json=receipt.document.encode(),
        signature=bytes(receipt.signature),
        timestamp=bytes(receipt.timestamp),
    ).ok


def test_a_seal_without_a_tsa_is_refused_clearly(demo_seal, settings):
    settings.RATHAUS_SEAL_KEY_FILE = str(demo_seal.seal_key)
    settings.RATHAUS_SEAL_CERT_FILE = str(demo_seal.seal_cert)
    settings.RATHAUS_SEAL_CHAIN_FILES = [str(demo_seal.ca_cert)]
    with pytest.raises(TimestampUnavailable, match="RATHAUS_TSA_URLS"):
        receipt_issue(kind="dispatch", facts={})


def test_a_batch_asks_an_external_tsa_in_parallel(demo_seal, settings):
    """A batch of receipts waits about one round trip of the TSA, not one per receipt (it
    holds the chain head meanwhile): the requests go out together, every answer is checked
    and the receipts verify."""
    import time

    from rathaus.evidence.services import receipts_issue
    from rathaus.evidence.verification import receipt_chain_verify

    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    class Slow(_TsaHandler):
        calls: list[str] = []

        def do_POST(self) -> None:
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            time.sleep(0.2)
            with lock:
                state["now"] -= 1
            super().do_POST()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.RATHAUS_TSA_URLS = [f"http://127.0.0.1:{server.server_port}/tsa"]
        began = time.monotonic()
        batch = receipts_issue(items=[("dispatch", {"n": n}) for n in range(6)])
        took = time.monotonic() - began
    finally:
        server.shutdown()
        server.server_close()
    assert len(Slow.calls) == 6 and state["most"] > 1
    assert took < 6 * 0.2
    assert [r.sequence for r in batch] == [1, 2, 3, 4, 5, 6]
    settings.RATHAUS_TSA_URLS = []
    assert receipt_chain_verify(signatures=True).ok
    for receipt in batch:
        verdict = receipt_verify(
            receipt_json=receipt.document.encode(),
            signature=bytes(receipt.signature),
            timestamp=bytes(receipt.timestamp),
        )
        assert verdict.ok, verdict
