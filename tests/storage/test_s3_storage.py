"""Files in a private bucket of a real S3 server (SeaweedFS): uploads, results and
downloads go through the app, the bucket refuses anyone else, /readyz notices when
the server is gone. The same views on the local disk: the tests asking for
``file_storage`` in tests/citizen, tests/workspace and tests/procedures run on both."""

import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from dossiers.models import AttachmentKind, Channel, State
from onecenter.storage import s3_storage
from procedures.models import Procedure
from tests.factories import UserFactory, demo_user
from tests.s3server import seaweedfs

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.parametrize("file_storage", ["s3"], indirect=True),
]

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
# Deliberately above the storage's 2 MB in-memory limit (onecenter/storage.py), so a
# download spools to a temporary file on its way through the app.
SCAN = b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024) + b"\n%%EOF\n"
BIRTH = "1.004873"  # the demo procedure tests/conftest.py's file_online files


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_object(file_storage, name: str) -> bytes:
    server = file_storage.server
    found = server.client().get_object(Bucket=server.bucket, Key=file_storage.key(name))
    return found["Body"].read()


def test_a_citizens_paper_goes_to_the_bucket_and_back_through_the_app_only(
    file_storage, client, demo
):
    """A paper uploaded through the draft page is an object in the bucket; its
    applicant and the staff get the same bytes back through the app, another
    citizen gets nothing."""
    citizen = demo_user("citizen")
    dossier = services.dossier_create_draft(
        applicant=citizen, procedure=Procedure.objects.get(code=BIRTH)
    )
    client.force_login(citizen)
    for paper in dossier.papers:
        if paper["mandatory"]:
            index = paper["index"]
            response = client.post(
                reverse("dossiers:upload_paper", args=[dossier.pk, index]),
                {f"paper-{index}": SimpleUploadedFile("giay-to.pdf", SCAN)},
                **XHR,
            )
            assert response.status_code == 200
    item = dossier.attachments.first()
    assert file_storage.holds(item.file.name)
    assert stored_object(file_storage, item.file.name) == SCAN
    url = reverse("dossiers:attachment", args=[dossier.pk, item.pk])
    mine = client.get(url)
    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert mine["Content-Length"] == str(len(SCAN))
    assert body(mine) == SCAN

    client.force_login(UserFactory(username="stranger", role="applicant"))
    assert client.get(url).status_code == 404

    services.dossier_submit(dossier=dossier, actor=citizen)
    services.dossier_receive(dossier=dossier, actor=demo_user("clerk"))
    client.force_login(demo_user("clerk"))
    staff = client.get(
        reverse("workspace:attachment", args=[dossier.pk, item.pk]), {"download": "1"}
    )
    assert staff.status_code == 200
    assert body(staff) == SCAN


def test_a_result_uploaded_by_staff_is_downloaded_by_the_applicant(
    file_storage, client, in_processing
):
    """The leader's result file is stored in the bucket and, once returned
    online, downloaded by the applicant byte for byte."""
    result = b"%PDF-1.7\n" + os.urandom(64 * 1024) + b"\n%%EOF\n"
    services.dossier_forward(dossier=in_processing, actor=demo_user("officer"))
    in_processing.refresh_from_db()
    client.force_login(demo_user("leader"))
    response = client.post(
        reverse("workspace:dossier_act", args=[in_processing.pk, "approve"]),
        {
            "version": in_processing.version,
            "note": "Đồng ý",
            "result_files": SimpleUploadedFile("ket-qua.pdf", result),
        },
    )
    assert response.status_code == 302
    in_processing.refresh_from_db()
    assert in_processing.state == State.RESULT_READY
    item = in_processing.attachments.get(kind=AttachmentKind.RESULT)
    assert stored_object(file_storage, item.file.name) == result
    services.dossier_return_result(
        dossier=in_processing, actor=demo_user("clerk"), channel=Channel.ONLINE
    )

    client.force_login(demo_user("citizen"))
    response = client.get(
        reverse("dossiers:attachment", args=[in_processing.pk, item.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert body(response) == result


def test_the_bucket_refuses_anyone_without_the_keys(file_storage, in_processing):
    """An object is not readable from the S3 server without a signature, nor with
    wrong keys; the only URL the storage would make is signed and short-lived."""
    name = in_processing.attachments.first().file.name
    assert file_storage.holds(name)
    signed = default_storage.url(name)
    parts = urlsplit(signed)
    assert "X-Amz-Signature=" in parts.query
    assert "X-Amz-Expires=60" in parts.query
    with urllib.request.urlopen(signed, timeout=30) as response:
        assert response.read().startswith(b"%PDF")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urlunsplit(parts._replace(query="")), timeout=30)
    assert refused.value.code == 403
    server = file_storage.server
    stranger = server.client(access_key="someone", secret_key="guessed")
    with pytest.raises(ClientError) as wrong_keys:
        stranger.get_object(Bucket=server.bucket, Key=file_storage.key(name))
    assert wrong_keys.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_readyz_is_ok_with_s3_and_leaves_nothing_behind(file_storage, client):
    """/readyz writes and deletes a probe in the bucket, and says storage ok."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"
    server = file_storage.server
    left = server.client().list_objects_v2(
        Bucket=server.bucket, Prefix=file_storage.location
    )
    assert left.get("KeyCount", 0) == 0


def test_readyz_is_503_when_the_s3_keys_are_wrong(file_storage, client, settings):
    """A bucket that refuses the app's keys makes the storage check fail."""
    server = file_storage.server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=server.bucket,
            endpoint_url=server.endpoint_url,
            access_key=server.access_key,
            secret_key="not-the-secret",
            location=file_storage.location,
        ),
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "failed"
    assert "not-the-secret" not in response.content.decode()


def test_readyz_is_503_when_the_s3_server_is_stopped(file_storage, client, settings):
    """A stopped S3 server makes the storage check fail (within seconds)."""
    with seaweedfs() as own:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage(
                bucket=own.bucket,
                endpoint_url=own.endpoint_url,
                access_key=own.access_key,
                secret_key=own.secret_key,
            ),
        }
        assert client.get("/readyz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "failed"
