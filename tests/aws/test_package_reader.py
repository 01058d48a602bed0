"""The package reader: few requests and few bytes, caps that stop zip bombs, transient faults retried so they
never change a grade, refused URLs an error naming why, only S3's hosts asked, each distinct package read once.

Objects are served by ``tests/support/s3.py`` with S3's range semantics; the URL shapes are botocore's own
examples (lambda examples-1.json: GetFunction ``https://awslambda-us-west-2-tasks.s3.us-west-2.amazonaws.com/
snapshots/...``, GetLayerVersionByArn a ca-central-1 layer served from ``awslambda-us-east-2-layers.s3.us-east-2
.amazonaws.com``: any region of the partition) and the recordings' (``prod-04-2014-tasks.s3.us-east-1...``).
"""

from __future__ import annotations

import io
import random
import struct
import threading
import zipfile

import pytest

from grader.aws.errors import FactUnavailable
from grader.aws.package_http import Response, Retries, TransientError, refusal
from grader.aws.package_reader import LARGE_TAIL, MAX_SOURCE, PackageReader
from tests.support.layers import SITE, layer
from tests.support.layers import directory_size as cd_size
from tests.support.s3 import FakeS3, s3_error

FUNCTION_URL = "https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/snapshots/111111111111/fn-5e2c1f0e"
LAYER_URL = "https://prod-iad-c1-djusa-layers.s3.us-east-1.amazonaws.com/snapshots/111111111111/layer-8e61aa31"
PRESIGNED = "?versionId=CZWF1Jv8&X-Amz-Security-Token=IQoJb3&X-Amz-Expires=600&X-Amz-Signature=abc"
HANDLER = "import utils\n\n\ndef lambda_handler(event, context):\n    return utils.format_response(200, event)\n"


def zipped(files: dict[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def reader_of(objects: dict[str, bytes], faults: list | None = None, **options) -> tuple[PackageReader, FakeS3]:
    s3 = FakeS3(dict(objects), list(faults or []))
    sleeps: list[float] = []
    reader = PackageReader(s3, retries=Retries(sleep=sleeps.append), **options)
    reader.sleeps = sleeps
    return reader, s3


# --- the request budget ------------------------------------------------------------------------------


def test_a_package_of_a_few_kb_is_one_request():
    notes = random.Random(7).randbytes(4000).hex()
    blob = zipped({"lambda_function.py": HANDLER, "NOTES.txt": notes, "tests/": ""})
    assert 4_000 < len(blob) < 10_000
    reader, s3 = reader_of({FUNCTION_URL: blob})
    package = reader.package(FUNCTION_URL + PRESIGNED, sha256="z9Ya0J", size=len(blob))
    assert package.problem is None and package.sources == {"lambda_function.py": HANDLER}
    assert package.names == ("lambda_function.py", "NOTES.txt", "tests/")
    assert (s3.requests, reader.requests, reader.bytes) == (1, 1, len(blob))  # the tail is the whole file
    assert s3.calls[0] == (FUNCTION_URL + PRESIGNED, "bytes=-66601")  # the presigned URL as given


def test_a_15_mb_layer_with_a_thousand_members_in_two_requests_under_256_kb():
    blob = layer(members=1000)
    assert len(blob) > 15 * 10**6 and cd_size(blob) < LARGE_TAIL
    reader, s3 = reader_of({LAYER_URL: blob})
    package = reader.package(LAYER_URL + PRESIGNED, sha256="layer", size=len(blob))
    assert dict(package.sources) == {"python/utils.py": package.sources["python/utils.py"]}
    assert "def format_response" in package.sources["python/utils.py"]
    assert f"{SITE}requests/__init__.py" in package.names and len(package.names) > 1000
    assert package.skipped[f"{SITE}boto3/__init__.py"] == "not read: part of the installed library boto3"
    assert package.skipped[f"{SITE}dateutil/__init__.py"] == "not read: part of the installed library python_dateutil"
    assert s3.requests <= 2 and reader.bytes < 256 * 1024, (s3.calls, reader.bytes)


def test_a_layer_as_pip_installs_boto3_requests_and_dateutil(capsys):
    """About 3,200 members: the central directory alone is over 400 KB, more than the 256 KB budget, so it is
    read as it is (the tail, then the rest of the directory) and the student's utils.py in a third request."""
    blob = layer(members=2700)
    directory = cd_size(blob)
    assert directory > 256 * 1024
    reader, s3 = reader_of({LAYER_URL: blob})
    package = reader.package(LAYER_URL + PRESIGNED, sha256="boto3-layer", size=len(blob))
    assert set(package.sources) == {"python/utils.py"} and len(package.names) > 3000
    assert s3.requests == 3 and reader.bytes < directory + 1024  # the directory, its end record, utils.py
    with capsys.disabled():
        print(
            f"\n  layer of {len(blob):,} bytes, {len(package.names):,} members, directory {directory:,} bytes: "
            f"{s3.requests} requests, {reader.bytes:,} bytes read"
        )


def test_a_utils_module_in_site_packages_is_the_students_and_read():
    blob = layer(members=300, total=2 * 1024 * 1024, utils_at=f"{SITE}utils.py")
    reader, s3 = reader_of({LAYER_URL: blob})
    package = reader.package(LAYER_URL, sha256="x", size=len(blob))
    assert set(package.sources) == {f"{SITE}utils.py"} and s3.requests == 2


# --- what a package holds --------------------------------------------------------------------------


def test_sources_too_large_encrypted_or_not_utf8_are_listed_with_the_reason():
    big = "x = 1\n" * (MAX_SOURCE // 6 + 10)
    blob = zipped({"big.py": big, "latin.py": "s = 'caf\xe9'\n".encode("latin-1"), "ok.py": "\ufeffy = 2\n"})
    encrypted = bytearray(blob)
    at = encrypted.rfind(b"PK\x01\x02", 0, encrypted.find(b"ok.py", encrypted.find(b"PK\x01\x02")))
    struct.pack_into("<H", encrypted, at + 8, 1)  # the last entry's flags: bit 0, encrypted
    reader, _ = reader_of({FUNCTION_URL: bytes(encrypted)})
    package = reader.package(FUNCTION_URL, sha256="caps")
    assert package.sources == {} and package.problem is None
    assert package.skipped["big.py"].endswith("larger than the 1024 KiB the grader reads")
    assert package.skipped["latin.py"] == "not UTF-8 text" and package.skipped["ok.py"] == "encrypted"
    plain, _ = reader_of({FUNCTION_URL: zipped({"ok.py": "\ufeffy = 2\n"})})
    assert plain.package(FUNCTION_URL).sources == {"ok.py": "y = 2\n"}  # a byte-order mark is not source


def test_not_a_zip_and_an_empty_file_are_broken_packages():
    reader, _ = reader_of({FUNCTION_URL: b"def lambda_handler(event, context): pass\n", LAYER_URL: b""})
    assert reader.package(FUNCTION_URL, sha256="a").problem == "not a zip archive"
    assert reader.package(LAYER_URL, sha256="b").problem == "an empty file, not a zip archive"


def test_zip_bombs_are_broken_packages_and_nothing_is_inflated_past_the_caps():
    zeros = zipped({"lambda_function.py": HANDLER, "data.bin": b"\0" * (20 * 1024 * 1024)})
    assert len(zeros) < 30_000  # 20 MiB from some 20 KB: one byte repeated, no real package's member
    reader, _ = reader_of({FUNCTION_URL: zeros})
    assert reader.package(FUNCTION_URL, sha256="zeros").problem.startswith("a zip bomb: data.bin declares 20,971,520")
    # Two directory entries for one local file: overlapping members (Fifield's construction).
    blob = bytearray(zipped({"a.py": "x = 1\n" * 100}))
    at = blob.find(b"PK\x01\x02")
    entry = bytes(blob[at : blob.find(b"PK\x05\x06")])
    end = blob[blob.find(b"PK\x05\x06") :]
    doubled = bytes(blob[:at]) + entry + entry.replace(b"a.py", b"b.py") + bytes(end)
    doubled = bytearray(doubled)
    e = doubled.find(b"PK\x05\x06")
    struct.pack_into("<2HL", doubled, e + 8, 2, 2, 2 * len(entry))
    reader, _ = reader_of({FUNCTION_URL: bytes(doubled)})
    assert reader.package(FUNCTION_URL, sha256="overlap").problem.startswith("a zip bomb: members overlap")


# --- faults ------------------------------------------------------------------------------------------


def test_transient_faults_are_retried_and_change_nothing():
    blob = zipped({"lambda_function.py": HANDLER})
    clean, _ = reader_of({FUNCTION_URL: blob})
    faulty, s3 = reader_of({FUNCTION_URL: blob}, [503, TransientError("connection reset"), 429])
    assert faulty.package(FUNCTION_URL, sha256="t") == clean.package(FUNCTION_URL, sha256="t")
    assert s3.requests == 4 and len(faulty.sleeps) == 3
    # Backing off: 0.25 s doubled each time, with jitter between half and one and a half of it.
    assert [0.125 <= pause / 2**n <= 0.375 for n, pause in enumerate(faulty.sleeps)] == [True] * 3


def test_a_400_that_botocore_would_retry_is_retried():
    """S3 answers 400 RequestTimeout when a connection stalls, and a throttled request may come as a 400 with a
    throttling code: botocore's standard retry mode tries both again (botocore/retries/standard.py, its
    transient and throttled error codes), and so does the reader."""
    blob = zipped({"lambda_function.py": HANDLER})
    timeout = Response(400, {}, s3_error("RequestTimeout", "Your socket connection to the server was not read from"))
    throttled = Response(400, {}, s3_error("Throttling", "Rate exceeded"))
    reader, s3 = reader_of({FUNCTION_URL: blob}, [timeout, throttled])
    assert reader.package(FUNCTION_URL).sources == {"lambda_function.py": HANDLER} and s3.requests == 3
    refused, _ = reader_of({FUNCTION_URL: blob}, [Response(400, {}, s3_error("InvalidArgument", "Invalid Argument"))])
    with pytest.raises(FactUnavailable):
        refused.package(FUNCTION_URL)


def test_a_body_shorter_than_announced_is_retried():
    blob = zipped({"lambda_function.py": HANDLER})
    short = Response(206, {"content-range": f"bytes 0-{len(blob) - 1}/{len(blob)}"}, blob[:10])
    reader, s3 = reader_of({FUNCTION_URL: blob}, [short])
    assert reader.package(FUNCTION_URL).sources == {"lambda_function.py": HANDLER} and s3.requests == 2


def test_faults_that_outlast_the_retries_are_an_error_never_a_broken_package():
    reader, s3 = reader_of({FUNCTION_URL: zipped({"a.py": "x"})}, [500] * 4)
    with pytest.raises(FactUnavailable) as raised:
        reader.package(FUNCTION_URL, sha256="down")
    assert raised.value.kind == "package" and "HTTP 500 InternalError" in raised.value.describe()
    assert s3.requests == 4
    assert reader.package(FUNCTION_URL, sha256="down").problem is None  # nothing cached: read again later


def test_an_expired_url_is_refreshed_once_then_an_error():
    blob = zipped({"a.py": "x = 1\n"})
    fresh = FUNCTION_URL + "?X-Amz-Date=later"
    reader, s3 = reader_of({FUNCTION_URL: blob}, [403])
    assert reader.package(FUNCTION_URL + PRESIGNED, refresh=lambda: fresh).sources == {"a.py": "x = 1\n"}
    assert [url for url, _ in s3.calls] == [FUNCTION_URL + PRESIGNED, fresh]
    reader, s3 = reader_of({FUNCTION_URL: blob}, [403, 403])
    with pytest.raises(FactUnavailable) as raised:
        reader.package(FUNCTION_URL, refresh=lambda: fresh, action="lambda:GetLayerVersion")
    assert raised.value.describe() == (
        "the deployment package lambda:GetLayerVersion points to could not be read: "
        "its URL was refused (HTTP 403 AccessDenied: Request has expired), and so "
        "was a fresh one"
    )
    assert s3.requests == 2  # a refusal is not retried as it is


# --- hosts and redirects -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "region", "allowed"),
    [
        (FUNCTION_URL, "us-east-1", True),
        ("https://prod-04-2014-tasks.s3.us-east-1.amazonaws.com/snapshots/1/f?versionId=x", "us-east-1", True),
        ("https://awslambda-us-east-2-layers.s3.us-east-2.amazonaws.com/snapshots/1/l", "ca-central-1", True),
        ("https://bucket.s3.amazonaws.com/key", "eu-west-1", True),  # the legacy global endpoint
        ("https://s3.eu-west-1.amazonaws.com/bucket/key", "eu-west-1", True),  # path style
        ("https://bucket.s3-eu-west-1.amazonaws.com/key", "eu-west-1", True),  # the legacy dash form
        ("https://bucket.s3.dualstack.eu-west-1.amazonaws.com/key", "eu-west-1", True),
        ("https://awslambda-cn-north-1-tasks.s3.cn-north-1.amazonaws.com.cn/snapshots/1/f", "cn-north-1", True),
        ("https://awslambda-us-gov-west-1-tasks.s3.us-gov-west-1.amazonaws.com/s/f", "us-gov-west-1", True),
        ("https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/s/f", "cn-north-1", False),  # another partition
        ("https://bucket.s3.us-gov-west-1.amazonaws.com/key", "us-east-1", False),
        ("https://bucket.s3.amazonaws.com/key", "us-gov-west-1", False),
        ("http://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/s/f", "us-east-1", False),  # not HTTPS
        ("https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com:8443/s/f", "us-east-1", False),
        ("https://user@bucket.s3.amazonaws.com/key", "us-east-1", False),
        ("https://s3.us-east-1.amazonaws.com.evil.example/key", "us-east-1", False),
        ("https://evil.example/bucket.s3.us-east-1.amazonaws.com", "us-east-1", False),
        ("https://lambda.us-east-1.amazonaws.com/2015-03-31/functions", "us-east-1", False),
        ("https://169.254.169.254/latest/meta-data/", "us-east-1", False),
        ("file:///etc/passwd", "us-east-1", False),
    ],
)
def test_only_s3_hosts_of_the_graded_partition_are_asked(url, region, allowed):
    assert (refusal(url, region) is None) is allowed


def test_the_configured_endpoint_is_trusted_as_it_is_configured():
    assert (
        refusal("http://127.0.0.1:5000/_grader/lambda-packages/ab?x=1", "us-east-1", ("http://127.0.0.1:5000",)) is None
    )
    assert refusal("http://127.0.0.1:5001/_grader/lambda-packages/ab", "us-east-1", ("http://127.0.0.1:5000",))
    assert refusal("https://127.0.0.1:5000/x", "us-east-1", ("http://127.0.0.1:5000",))


def test_a_refused_host_is_never_asked():
    reader, s3 = reader_of({})
    with pytest.raises(FactUnavailable) as raised:
        reader.package("https://attacker.example/evil.zip", sha256="e")
    assert "attacker.example is not an Amazon S3 host of the aws partition" in raised.value.describe()
    assert s3.calls == []


def test_a_redirect_is_refused_not_followed_nor_retried():
    moved = Response(307, {"location": "https://attacker.example/evil.zip"})
    reader, s3 = reader_of({FUNCTION_URL: zipped({"a.py": "x"})}, [moved])
    with pytest.raises(FactUnavailable, match="redirected to https://attacker.example/evil.zip"):
        reader.package(FUNCTION_URL, sha256="r")
    assert s3.requests == 1


# --- one read per distinct package ----------------------------------------------------------------


def test_students_sharing_a_package_read_it_once_even_at_once():
    blob = zipped({"lambda_function.py": HANDLER})
    urls = [f"{FUNCTION_URL}-{n}" for n in range(8)]  # each student's function has its own URL
    gate = threading.Event()
    s3 = FakeS3({url: blob for url in urls})

    def slow(url, header, limit):
        gate.wait(5)
        return s3(url, header, limit)

    reader = PackageReader(slow)
    found = []
    threads = [threading.Thread(target=lambda u=u: found.append(reader.package(u, sha256="same"))) for u in urls]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert len(found) == 8 and all(p is found[0] for p in found) and s3.requests == 1
    assert reader.package(urls[0], sha256="other").sources == found[0].sources and s3.requests == 2


def test_reads_of_different_packages_are_bounded():
    blob = zipped({"a.py": "x = 1\n"})
    active, most, lock = [0], [0], threading.Lock()
    s3 = FakeS3({f"{FUNCTION_URL}-{n}": blob for n in range(6)})

    def counting(url, header, limit):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        threading.Event().wait(0.05)
        with lock:
            active[0] -= 1
        return s3(url, header, limit)

    reader = PackageReader(counting, concurrency=2)
    threads = [
        threading.Thread(target=reader.package, args=(f"{FUNCTION_URL}-{n}",), kwargs={"sha256": str(n)})
        for n in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert s3.requests == 6 and most[0] == 2


def test_a_package_redeployed_while_it_is_read_is_an_error_not_a_mixture():
    first = zipped({"lambda_function.py": HANDLER, "blob.bin": random.Random(1).randbytes(200_000)})
    second = zipped({"lambda_function.py": HANDLER + "# v2\n", "blob.bin": random.Random(2).randbytes(150_000)})
    fresh = FUNCTION_URL + "-v2"
    s3 = FakeS3({FUNCTION_URL: first, fresh: second})
    refused = iter([False, True])  # the tail comes, then the URL expires before the handler is read

    def expiring(url, header, limit):
        if url == FUNCTION_URL and next(refused):
            return FakeS3(faults=[403])(url, header, limit)
        return s3(url, header, limit)

    reader = PackageReader(expiring, retries=Retries(sleep=lambda _: None))
    with pytest.raises(FactUnavailable, match="it changed while it was read"):
        reader.package(FUNCTION_URL, sha256="first", refresh=lambda: fresh)


def test_the_cache_is_bounded_by_the_sources_it_holds(monkeypatch):
    from grader.aws import package_reader

    monkeypatch.setattr(package_reader, "CACHED_BYTES", 100)
    blob = zipped({"a.py": "x = 1\n" * 10})  # 60 characters of source
    reader, s3 = reader_of({FUNCTION_URL: blob})
    for key in ("one", "two", "one"):
        reader.package(FUNCTION_URL, sha256=key)
    assert s3.requests == 3  # "one" was let go to keep "two": read again
    reader.package(FUNCTION_URL, sha256="one")
    assert s3.requests == 3
