"""The emulator hands out deployment packages as AWS documents them: ``GetFunction``'s ``Code.Location`` is "a
presigned URL that you can use to download the deployment package" (botocore lambda model,
FunctionCodeLocation.Location) and ``GetLayerVersion``'s ``Content.Location`` "a link to the layer archive in
Amazon S3 that is valid for 10 minutes" (LayerVersionContentOutput.Location), read as S3 serves an object:
single byte ranges (206 and Content-Range, 416 when unsatisfiable), 403 ``AccessDenied`` "Request has
expired" once the ten minutes are over. moto gave an S3 URL nothing answers and, for layers, ``s3://``."""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from checks.building import zip_of
from checks.lambda_medium.solution import HANDLER, LAYER
from grader.emulator import packages
from tests.conftest import new_student_id
from tests.support.emulator import botocore_doc


def get(url: str, byte_range: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Range": byte_range} if byte_range else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_aws_documents_both_locations_as_presigned_download_links():
    assert "presigned URL" in botocore_doc("lambda", "FunctionCodeLocation", "Location")
    assert "valid for 10 minutes" in botocore_doc("lambda", "LayerVersionContentOutput", "Location")


def test_a_functions_code_location_serves_its_zip(lam, make_function, emulator):
    name = make_function()
    found = lam.get_function(FunctionName=name)
    code, config = found["Code"], found["Configuration"]
    assert code["RepositoryType"] == "S3"
    parts = urlsplit(code["Location"])
    assert f"{parts.scheme}://{parts.netloc}" == emulator.url and parts.path.startswith(packages.PATH)
    assert {"X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature"} <= {q.split("=")[0] for q in parts.query.split("&")}
    status, _, body = get(code["Location"])
    assert status == 200 and body == HANDLER
    assert (sha256_b64(body), len(body)) == (config["CodeSha256"], config["CodeSize"])


def test_a_published_versions_url_keeps_serving_its_own_code(lam, make_function):
    name = make_function()
    lam.publish_version(FunctionName=name)
    changed = zip_of({"lambda_function.py": "def lambda_handler(event, context):\n    return 2\n"})
    lam.update_function_code(FunctionName=name, ZipFile=changed)
    assert get(lam.get_function(FunctionName=name, Qualifier="1")["Code"]["Location"])[2] == HANDLER
    assert get(lam.get_function(FunctionName=name)["Code"]["Location"])[2] == changed


def test_a_layer_versions_content_location_serves_its_zip(lam):
    published = lam.publish_layer_version(LayerName=new_student_id("layer"), Content={"ZipFile": LAYER})
    assert get(published["Content"]["Location"])[2] == LAYER  # PublishLayerVersion returns it too
    name, version = published["LayerArn"], published["Version"]
    content = lam.get_layer_version(LayerName=name, VersionNumber=version)["Content"]
    assert content["Location"] != "s3://" and content["CodeSha256"] == sha256_b64(LAYER)
    assert get(content["Location"])[2] == LAYER
    by_name = lam.get_layer_version(LayerName=name.split(":")[-1], VersionNumber=version)["Content"]
    assert get(by_name["Location"])[2] == LAYER


def test_ranges_are_served_as_s3_serves_them(lam, make_function):
    url = lam.get_function(FunctionName=make_function())["Code"]["Location"]
    size = len(HANDLER)
    status, headers, body = get(url, "bytes=0-9")
    assert (status, headers["Content-Range"], body) == (206, f"bytes 0-9/{size}", HANDLER[:10])
    status, headers, body = get(url, "bytes=-22")  # the end of central directory record
    assert (status, headers["Content-Range"], body) == (206, f"bytes {size - 22}-{size - 1}/{size}", HANDLER[-22:])
    status, _, body = get(url, "bytes=-100000")  # more than the file: the whole file
    assert (status, body) == (206, HANDLER)
    status, headers, body = get(url, f"bytes={size - 5}-{size + 100}")  # past the end: cut at the end
    assert (status, headers["Content-Range"], body) == (206, f"bytes {size - 5}-{size - 1}/{size}", HANDLER[-5:])
    status, headers, body = get(url, f"bytes={size}-")
    assert (status, headers["Content-Range"]) == (416, f"bytes */{size}") and b"<Code>InvalidRange</Code>" in body
    assert get(url, "bytes=0-1,5-6")[0] == 200  # several ranges: S3 sends the whole object


def test_a_url_expires_after_ten_minutes_and_cannot_be_forged(lam, make_function, monkeypatch):
    url = lam.get_function(FunctionName=make_function())["Code"]["Location"]
    issued = packages.clock()
    monkeypatch.setattr(packages, "clock", lambda: issued + 599)
    assert get(url, "bytes=0-3")[0] == 206
    monkeypatch.setattr(packages, "clock", lambda: issued + 601)
    status, _, body = get(url, "bytes=0-3")
    assert status == 403 and b"<Code>AccessDenied</Code><Message>Request has expired</Message>" in body
    monkeypatch.undo()
    status, _, body = get(url[:-4] + ("0000" if not url.endswith("0000") else "1111"))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    later = url.replace("X-Amz-Expires=600", "X-Amz-Expires=6000")  # a longer life is not the signer's to give
    assert get(later)[0] == 403 and get(url)[0] == 200


def test_the_location_is_on_the_address_the_request_reached(account, make_function):
    """Through a proxy (the benchmark's, the tests'), the package is fetched through the proxy too."""
    from tests.support.proxy import AwsLikeProxy

    name = make_function()
    with AwsLikeProxy(account.emulator.url) as proxy:
        import boto3

        lam = boto3.client("lambda", region_name="us-east-1", endpoint_url=proxy.url, **account.credentials)
        url = lam.get_function(FunctionName=name)["Code"]["Location"]
        assert url.startswith(proxy.url + packages.PATH)
        assert get(url, "bytes=-100000")[2] == HANDLER
        # The proxy tells downloads from API calls (the benchmark reports them apart).
        assert proxy.requests["packages:GET"] == 1 and proxy.package_bytes == len(HANDLER)


def test_a_download_needs_no_credentials_under_iam_enforcement(lam, make_function, emulator):
    url = lam.get_function(FunctionName=make_function())["Code"]["Location"]
    emulator.enforce_iam(True)
    try:
        status, _, body = get(url, "bytes=0-3")
        assert (status, body) == (206, HANDLER[:4])
    finally:
        emulator.enforce_iam(False)


def test_a_container_image_function_keeps_its_image_uri(lam, role):
    name = new_student_id("image")
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest"
    lam.create_function(FunctionName=name, Role=role, PackageType="Image", Code={"ImageUri": uri})
    code = lam.get_function(FunctionName=name)["Code"]
    assert code["RepositoryType"] == "ECR" and code["ImageUri"] == uri and "Location" not in code
