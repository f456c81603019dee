"""FIT-Connect hand-over against a local receiving endpoint that decrypts every JWE with the
destination's private key and validates the metadata against the official schema."""

import datetime as dt
import hashlib
import json
import os
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from jwcrypto import jwe, jwk

from rathaus.applications.handover import (
    HandoverNotReady,
    handover_channels,
    submission_handover,
    submission_handover_channel,
)
from rathaus.applications.models import Attachment, Handover
from rathaus.contrib.fitconnect.channel import (
    FitConnectChannel,
    FitConnectKeyRejected,
    euros,
    json_bytes,
    submission_metadata,
)
from rathaus.core.models import AuditEvent, OutboxMessage
from tests.applications.inbox_data import add_attachment, make_submission

REPO = Path(__file__).resolve().parents[2]
STANDARDS = Path(os.environ.get("RATHAUS_STANDARDS_DIR", REPO.parent / "shared" / "standards"))
METADATA_SCHEMA = STANDARDS / "fit-connect" / "metadata.schema.v1.0.0.json"

pytestmark = pytest.mark.django_db

DESTINATION_ID = "d5f7e3a1-6b1c-4c61-9c3f-2d9a3e8c0b11"


class Receiver(ThreadingHTTPServer):
    """A Submission API endpoint on loopback; `fail_submit` answers the final PUT with 503."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.announced: list[dict[str, Any]] = []
        self.attachments: dict[str, tuple[str, bytes]] = {}
        self.submitted: dict[str, Any] = {}
        self.fail_submit = False
        self.requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/submissions"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        self.server.requests += 1
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        announced = json.loads(self._body())
        self.server.announced.append(announced)
        submission_id = f"00000000-0000-4000-8000-{len(self.server.announced):012d}"
        self._answer(
            201,
            {
                "destinationId": announced["destinationId"],
                "submissionId": submission_id,
                "caseId": "11111111-0000-4000-8000-000000000000",
            },
        )

    def do_PUT(self) -> None:
        parts = self.path.strip("/").split("/")  # v1 submissions <id> [attachments <aid>]
        body = self._body()
        if len(parts) == 5 and parts[3] == "attachments":
            self.server.attachments[parts[4]] = (self.headers["Content-Type"], body)
            self._answer(204)
        elif len(parts) == 3:
            if self.server.fail_submit:
                self._answer(503, {"detail": "busy"})
                return
            self.server.submitted[parts[2]] = json.loads(body)
            self._answer(202, {"submissionId": parts[2]})
        else:
            self._answer(404)


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def private_key():
    # A destination key as FIT-Connect issues them: RSA 4096, RSA-OAEP-256, for key wrapping.
    return jwk.JWK.generate(
        kty="RSA",
        size=4096,
        kid="destination-key-1",
        alg="RSA-OAEP-256",
        key_ops=["wrapKey", "unwrapKey"],
    )


def public_jwk(key: jwk.JWK, **changes: Any) -> str:
    public = {**json.loads(key.export_public()), "key_ops": ["wrapKey"], **changes}
    return json.dumps({k: v for k, v in public.items() if v is not None})


@pytest.fixture
def configured(settings, tmp_path, receiver, private_key):
    settings.MEDIA_ROOT = tmp_path / "media"
    key_file = tmp_path / "destination.jwk.json"
    key_file.write_text(public_jwk(private_key))
    submission = make_submission()
    settings.RATHAUS_FITCONNECT_DESTINATIONS = json.dumps(
        [
            {
                "office": str(submission.office_id),
                "url": receiver.url,
                "key_file": str(key_file),
                "destination_id": DESTINATION_ID,
            }
        ]
    )
    return submission


def decrypt(token: str, key: jwk.JWK) -> tuple[dict[str, Any], bytes]:
    message = jwe.JWE()
    message.deserialize(token, key=key)
    return json.loads(message.objects["protected"]), message.payload


def run_handover(submission) -> Handover:
    OutboxMessage.objects.all().delete()
    submission_handover({"submission": str(submission.pk)})
    message = OutboxMessage.objects.get(topic="submission.handover.channel")
    submission_handover_channel(message.payload)
    return Handover.objects.get(submission=submission)


def test_channel_is_registered():
    assert "fitconnect" in handover_channels


def test_submission_arrives_encrypted_complete_and_valid(configured, receiver, private_key):
    submission = configured
    first = add_attachment(submission, content=b"%PDF-1.4 one", name="ausweis.pdf")
    second = add_attachment(submission, content=b"%PDF-1.4 two", name="meldung.pdf")
    add_attachment(submission, content=b"X5O!", name="virus.pdf", scan_status="infected")

    handover = run_handover(submission)
    assert handover.status == Handover.Status.DELIVERED
    assert handover.destination == DESTINATION_ID
    assert handover.remote_reference == "00000000-0000-4000-8000-000000000001"

    (announced,) = receiver.announced
    assert announced["destinationId"] == DESTINATION_ID
    assert set(announced["announcedAttachments"]) == {str(first.pk), str(second.pk)}
    assert announced["serviceType"]["identifier"] == (
        f"urn:de:fim:leika:leistung:{submission.service.leika_key}"
    )

    for attachment, plain in ((first, b"%PDF-1.4 one"), (second, b"%PDF-1.4 two")):
        content_type, body = receiver.attachments[str(attachment.pk)]
        assert content_type == "application/jose"
        header, payload = decrypt(body.decode(), private_key)
        assert (header["alg"], header["enc"], header["kid"]) == (
            "RSA-OAEP-256",
            "A256GCM",
            "destination-key-1",
        )
        assert payload == plain

    sent = receiver.submitted[handover.remote_reference]
    _, metadata_bytes = decrypt(sent["encryptedMetadata"], private_key)
    header, data = decrypt(sent["encryptedData"], private_key)
    assert header["kid"] == "destination-key-1"
    assert json.loads(data) == submission.data
    metadata = json.loads(metadata_bytes)

    content = metadata["contentStructure"]
    assert content["data"]["hash"] == {
        "type": "sha512",
        "content": hashlib.sha512(data).hexdigest(),
    }
    assert content["data"]["submissionSchema"]["schemaUri"].endswith(
        f":leika:{submission.service.leika_key}:v{submission.schema_version}"
    )
    hashes = {a["attachmentId"]: a["hash"]["content"] for a in content["attachments"]}
    assert hashes == {
        str(first.pk): hashlib.sha512(b"%PDF-1.4 one").hexdigest(),
        str(second.pk): hashlib.sha512(b"%PDF-1.4 two").hexdigest(),
    }
    assert {a["filename"] for a in content["attachments"]} == {"ausweis.pdf", "meldung.pdf"}
    assert metadata["additionalReferenceInfo"]["senderReference"] == submission.reference
    assert metadata["replyChannel"] == {"eMail": {"address": submission.applicant.email}}

    if not METADATA_SCHEMA.is_file():
        pytest.skip(
            f"FIT-Connect metadata schema not found at {METADATA_SCHEMA} (set RATHAUS_STANDARDS_DIR)"
        )
    schema = json.loads(METADATA_SCHEMA.read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(metadata)]
    assert errors == []


def test_metadata_of_a_paid_submission_is_valid(configured, receiver, private_key):
    if not METADATA_SCHEMA.is_file():
        pytest.skip(
            f"FIT-Connect metadata schema not found at {METADATA_SCHEMA} (set RATHAUS_STANDARDS_DIR)"
        )
    from rathaus.payments.models import Payment

    submission = configured
    submission.payment = Payment.objects.create(
        provider="sandbox",
        status=Payment.Status.PAID,
        amount_cents=2770,
        description="Gebühr",
        reference="RTH-2026-000001",
    )
    metadata = submission_metadata(submission, data=b"{}", attachments=[])
    assert metadata["paymentInformation"]["status"] == "BOOKED"
    assert metadata["paymentInformation"]["grossAmount"] == Decimal("27.70")
    assert b'"grossAmount": 27.70' in json_bytes(metadata)
    # Numbers are read as exact decimals, as FIT-Connect's reference clients (BigDecimal) do.
    schema = json.loads(METADATA_SCHEMA.read_text(), parse_float=Decimal)
    on_the_wire = json.loads(json_bytes(metadata), parse_float=Decimal)
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        on_the_wire
    )


def test_failure_raises_for_a_retry_and_success_is_recorded_once(configured, receiver):
    submission = configured
    add_attachment(submission)
    receiver.fail_submit = True
    OutboxMessage.objects.all().delete()
    submission_handover({"submission": str(submission.pk)})
    message = OutboxMessage.objects.get(topic="submission.handover.channel")
    with pytest.raises(Exception, match="HTTP 503"):
        submission_handover_channel(message.payload)
    handover = Handover.objects.get(submission=submission)
    assert handover.status == Handover.Status.PENDING

    # The announced submission is on record before the failure, so the retry resumes it.
    first_id = "00000000-0000-4000-8000-000000000001"
    assert handover.remote_reference == first_id

    receiver.fail_submit = False
    submission_handover_channel(message.payload)
    submission_handover_channel(message.payload)  # the message again (worker died): no-op
    submission_handover({"submission": str(submission.pk)})  # fan-out again: nothing new
    assert OutboxMessage.objects.filter(topic="submission.handover.channel").count() == 1
    handover.refresh_from_db()
    assert handover.status == Handover.Status.DELIVERED
    assert len(receiver.announced) == 1  # one submission at the destination, not two
    assert list(receiver.submitted) == [first_id] == [handover.remote_reference]
    assert AuditEvent.objects.filter(action="submission.handover").count() == 1
    assert AuditEvent.objects.filter(action="submission.handover.start").count() == 1


class WorkerDied(BaseException):
    """Stands for the worker process being killed in the middle of a delivery."""


def test_a_worker_crash_after_the_announcement_does_not_announce_twice(
    configured, receiver, monkeypatch
):
    submission = configured
    OutboxMessage.objects.all().delete()
    submission_handover({"submission": str(submission.pk)})
    message = OutboxMessage.objects.get(topic="submission.handover.channel")

    import requests

    real_put = requests.Session.put

    def dying_put(self, url, *args, **kwargs):
        raise WorkerDied

    monkeypatch.setattr(requests.Session, "put", dying_put)
    with pytest.raises(WorkerDied):
        submission_handover_channel(message.payload)
    monkeypatch.setattr(requests.Session, "put", real_put)

    submission_handover_channel(message.payload)
    handover = Handover.objects.get(submission=submission)
    assert handover.status == Handover.Status.DELIVERED
    assert len(receiver.announced) == 1
    assert list(receiver.submitted) == [handover.remote_reference]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"size": 2048}, "the RSA key has 2048 bits, FIT-Connect requires 4096"),
        ({"alg": None}, "alg is None, FIT-Connect requires 'RSA-OAEP-256'"),
        ({"alg": "RSA-OAEP"}, "alg is 'RSA-OAEP', FIT-Connect requires 'RSA-OAEP-256'"),
        ({"key_ops": None}, "key_ops is None, FIT-Connect requires ['wrapKey']"),
        ({"key_ops": ["encrypt"]}, "key_ops is ['encrypt'], FIT-Connect requires"),
        ({"use": "sig", "key_ops": None}, "use is 'sig', an encryption key has 'enc'"),
        ({"use": "sig"}, "cannot be read: Incompatible"),
        ({"kty": "EC"}, "key type (kty) is 'EC', FIT-Connect requires 'RSA'"),
    ],
)
def test_keys_fit_connect_refuses_are_refused_before_any_request(
    configured, receiver, private_key, settings, tmp_path, changes, problem
):
    submission = configured
    if changes.get("size"):
        weak = jwk.JWK.generate(kty="RSA", size=changes["size"], alg="RSA-OAEP-256")
        text = public_jwk(weak)
    elif changes.get("kty") == "EC":
        text = json.dumps({**json.loads(jwk.JWK.generate(kty="EC").export_public())})
    else:
        text = public_jwk(private_key, **changes)
    (tmp_path / "destination.jwk.json").write_text(text)
    handover = run_handover_expecting(submission, FitConnectKeyRejected, problem)
    assert receiver.requests == 0
    assert handover.status == Handover.Status.PENDING
    assert handover.remote_reference == ""


def run_handover_expecting(submission, error, message) -> Handover:
    OutboxMessage.objects.all().delete()
    submission_handover({"submission": str(submission.pk)})
    outbox = OutboxMessage.objects.get(topic="submission.handover.channel")
    with pytest.raises(error, match=re.escape(message)):
        submission_handover_channel(outbox.payload)
    return Handover.objects.get(submission=submission)


def test_every_amount_up_to_1000_euros_is_an_exact_multiple_of_a_cent():
    if not METADATA_SCHEMA.is_file():
        pytest.skip(
            f"FIT-Connect metadata schema not found at {METADATA_SCHEMA} (set RATHAUS_STANDARDS_DIR)"
        )
    text = METADATA_SCHEMA.read_text()
    gross = json.loads(text, parse_float=Decimal)["properties"]["paymentInformation"]["properties"][
        "grossAmount"
    ]
    assert set(gross) - {"description", "examples"} == {"type", "minimum", "multipleOf"}
    # The schema's own keywords, applied as a decimal-exact reader (BigDecimal) applies them;
    # jsonschema itself is too slow for 100,000 numbers (a sample goes through it below).
    wrong = []
    for cents in range(1, 100_001):
        literal = json_bytes(euros(cents)).decode()
        number = json.loads(literal, parse_float=Decimal)
        if (
            literal != f"{cents // 100}.{cents % 100:02d}"
            or number % gross["multipleOf"] != 0
            or number < gross["minimum"]
        ):
            wrong.append(literal)
    assert wrong == []
    # The check itself can fail: amounts held as binary floats miss multipleOf 0.01.
    as_float = Draft202012Validator(
        json.loads(text)["properties"]["paymentInformation"]["properties"]["grossAmount"]
    )
    assert not as_float.is_valid(115 / 100)
    assert Draft202012Validator(gross).is_valid(
        json.loads(json_bytes(euros(115)), parse_float=Decimal)
    )


@pytest.mark.parametrize("cents", [1, 115, 2770, 99_999, 100_000])
def test_metadata_with_a_sample_of_amounts_is_valid_on_the_wire(configured, cents):
    if not METADATA_SCHEMA.is_file():
        pytest.skip(
            f"FIT-Connect metadata schema not found at {METADATA_SCHEMA} (set RATHAUS_STANDARDS_DIR)"
        )
    from rathaus.payments.models import Payment

    submission = configured
    submission.payment = Payment.objects.create(
        provider="sandbox",
        status=Payment.Status.PAID,
        amount_cents=cents,
        description="Gebühr",
        reference="RTH-2026-000002",
    )
    wire = json_bytes(submission_metadata(submission, data=b"{}", attachments=[]))
    assert f'"grossAmount": {cents // 100}.{cents % 100:02d}'.encode() in wire
    schema = json.loads(METADATA_SCHEMA.read_text(), parse_float=Decimal)
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        json.loads(wire, parse_float=Decimal)
    )


def test_pending_scan_waits_and_other_offices_are_not_handed_over(configured, receiver):
    submission = configured
    add_attachment(submission, scan_status=Attachment.ScanStatus.PENDING)
    handover = run_handover(submission)
    assert receiver.announced == []
    assert handover.status == Handover.Status.PENDING
    # Not a failure: a fresh message later, so a long scanner outage uses up no retries.
    later = OutboxMessage.objects.filter(topic="submission.handover.channel").latest("id")
    assert later.payload == {"handover": str(handover.pk)}
    assert later.available_at > timezone.now() + dt.timedelta(minutes=5)
    with pytest.raises(HandoverNotReady):
        FitConnectChannel().deliver(submission, destination=handover.destination)

    elsewhere = make_submission()
    OutboxMessage.objects.all().delete()
    submission_handover({"submission": str(elsewhere.pk)})
    assert not OutboxMessage.objects.exists()
    assert not Handover.objects.filter(submission=elsewhere).exists()
