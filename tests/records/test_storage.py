"""Document content in the storage (issue 11 §2), the same tests on the local disk and on a
real S3-compatible server on loopback (moto's server mode): stored once under its SHA-256,
private and encrypted server-side on S3, read back hash-checked; a missing or altered object
is detected by reads and named by `manage.py verify_records`."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rathaus.core.actors import Actor
from rathaus.records import services
from rathaus.records.content import ContentAltered, content_read, content_store, records_storage
from rathaus.records.documents import CheckedUpload
from rathaus.records.models import FilePlanItem, StoredContent
from tests.factories import OfficeFactory
from tests.optional_dependencies import import_optional

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
BUCKET = "rathaus-records"


@pytest.fixture(scope="module")
def s3_endpoint():
    import_optional("moto.server", reason="the S3 storage tests need moto[s3] (make install)")
    import boto3

    from tests.records.s3_server import s3_server_running

    with s3_server_running() as url:
        client = boto3.client(
            "s3",
            endpoint_url=url,
            region_name="eu-central-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        yield url, client


@pytest.fixture(params=["local", "s3"])
def storage_kind(request, settings, media_root):
    """The records' storage: the local disk, or the S3 server (bucket, prefix, SSE)."""
    if request.param == "s3":
        url, client = request.getfixturevalue("s3_endpoint")
        settings.STORAGES = {
            **settings.STORAGES,
            "records": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "location": f"test-{request.node.name[-8:].strip('[]')}",
                    "endpoint_url": url,
                    "region_name": "eu-central-1",
                    "access_key": "test",
                    "secret_key": "test",
                    "object_parameters": {"ServerSideEncryption": "AES256"},
                    "default_acl": "private",
                    "querystring_auth": True,
                    "file_overwrite": True,
                },
            },
        }
        return "s3", client
    return "local", None


def test_stored_once_by_hash_and_read_back_checked(storage_kind):
    kind, client = storage_kind
    data = b"%PDF-1.7 Bescheid " + kind.encode()
    first = content_store(data)
    again = content_store(data)
    assert first == again and StoredContent.objects.count() == 1
    sha = hashlib.sha256(data).hexdigest()
    assert first.name == f"records/{sha[:2]}/{sha[2:4]}/{sha}"
    assert content_read(first) == data
    if kind == "s3":
        storage = records_storage()
        key = f"{storage.location}/{first.name}"
        head = client.head_object(Bucket=BUCKET, Key=key)
        assert head["ServerSideEncryption"] == "AES256"
        assert client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == data
        acl = client.get_object_acl(Bucket=BUCKET, Key=key)
        assert not [g for g in acl["Grants"] if "AllUsers" in str(g["Grantee"])]  # private


def test_an_altered_or_missing_object_is_detected(storage_kind):
    kind, client = storage_kind
    office = OfficeFactory()
    services.file_plan_import(
        actor=SYSTEM, municipality=office.municipality, data="Nummer;Titel\n963;Hundesteuer\n"
    )
    item = FilePlanItem.objects.get(municipality=office.municipality, number="963")
    record = services.file_create(actor=SYSTEM, office=office, plan_item=item, title="Hunde")

    def add(title, data):
        return services.document_add(
            actor=SYSTEM,
            record=record,
            title=title,
            kind="note",
            upload=CheckedUpload(f"{title}.txt", "text/plain", data),
        )

    intact, altered, missing = add("a", b"eins"), add("b", b"zwei"), add("c", b"drei")
    call_command("verify_records", stdout=StringIO())
    storage = records_storage()
    altered_content = altered.versions.get().content
    if kind == "s3":
        client.put_object(
            Bucket=BUCKET, Key=f"{storage.location}/{altered_content.name}", Body=b"anders"
        )
    else:
        with storage.open(altered_content.name, "wb") as handle:
            handle.write(b"anders")
    storage.delete(missing.versions.get().content.name)
    with pytest.raises(ContentAltered):
        content_read(altered_content)
    with pytest.raises(ContentAltered):
        content_read(missing.versions.get().content)
    assert content_read(intact.versions.get().content) == b"eins"
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("verify_records", stderr=err)
    assert f"altered: {altered_content.sha256}" in err.getvalue()
    assert f"missing: {missing.versions.get().content.sha256}" in err.getvalue()
