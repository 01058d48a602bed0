"""Deployment packages served as AWS serves them, from a presigned URL valid for ten minutes.

``GetFunction`` returns ``Code.Location``, "a presigned URL that you can use to download the deployment
package", and ``GetLayerVersion`` (and ``PublishLayerVersion``) ``Content.Location``, "a link to the layer
archive in Amazon S3 that is valid for 10 minutes" (botocore's lambda model: FunctionCodeLocation,
LayerVersionContentOutput). moto gives functions an S3 URL nothing answers and layers the literal ``s3://``.
Here both are URLs on the emulator's own address (the one the request reached: through a proxy, the
proxy's) that serve the stored zip as S3 serves an object: single byte ranges (206 with Content-Range,
416 when unsatisfiable), the whole object without a Range, 403 ``AccessDenied`` "Request has expired" ten
minutes after the URL was made, 403 ``SignatureDoesNotMatch`` for a URL not made here. Downloads need no
credentials, as a presigned URL does not, and are outside IAM enforcement. The patch that hands these URLs
out is ``grader/emulator/patches/lambda_packages.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs

PATH = "/_grader/lambda-packages/"
EXPIRES = 600  # seconds a URL is valid, as Lambda's
KEPT = 512  # packages served, newest kept (every one a URL was given for, until then)
_SECRET = secrets.token_bytes(32)
_PACKAGES: OrderedDict[str, bytes] = OrderedDict()  # hex SHA-256 -> the zip
_LOCK = threading.Lock()
clock = time.time  # replaced by tests to age a URL


def presign(origin: str, code: bytes, issued: float | None = None) -> str:
    """A URL on ``origin`` (``http://host:port``) serving ``code`` for ``EXPIRES`` seconds from ``issued``."""
    digest = hashlib.sha256(code).hexdigest()
    with _LOCK:
        _PACKAGES[digest] = code
        _PACKAGES.move_to_end(digest)
        while len(_PACKAGES) > KEPT:
            _PACKAGES.popitem(last=False)
    stamp = datetime.fromtimestamp(clock() if issued is None else issued, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    signature = _signature(digest, stamp, str(EXPIRES))
    return f"{origin}{PATH}{digest}?X-Amz-Date={stamp}&X-Amz-Expires={EXPIRES}&X-Amz-Signature={signature}"


def _signature(digest: str, stamp: str, expires: str) -> str:
    """What signs a URL: the object, when the URL was made and for how long (so neither can be changed)."""
    return hmac.new(_SECRET, f"{digest}\n{stamp}\n{expires}".encode(), hashlib.sha256).hexdigest()


# --- serving ---------------------------------------------------------------------------------------


def serve(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The WSGI answer to a package URL: the object, a range of it, or S3's error."""
    digest = environ.get("PATH_INFO", "")[len(PATH) :]
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    stamp, expires = query.get("X-Amz-Date", ""), query.get("X-Amz-Expires", "")
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return _error(
            start_response, 405, "MethodNotAllowed", "The specified method is not allowed against this resource."
        )
    if not hmac.compare_digest(query.get("X-Amz-Signature", ""), _signature(digest, stamp, expires)):
        return _error(
            start_response,
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    issued = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    if clock() > issued + int(expires):
        return _error(start_response, 403, "AccessDenied", "Request has expired")
    with _LOCK:
        code = _PACKAGES.get(digest)
    if code is None:
        return _error(start_response, 404, "NoSuchKey", "The specified key does not exist.")
    headers = [("Content-Type", "application/zip"), ("Accept-Ranges", "bytes"), ("ETag", f'"{digest[:32]}"')]
    wanted = byte_range(environ.get("HTTP_RANGE", ""), len(code))
    if wanted == "unsatisfiable":
        start_response("416 Requested Range Not Satisfiable", [("Content-Range", f"bytes */{len(code)}")])
        return [_xml("InvalidRange", "The requested range is not satisfiable")]
    if wanted is None:
        start_response("200 OK", [*headers, ("Content-Length", str(len(code)))])
        return [code if environ.get("REQUEST_METHOD") == "GET" else b""]
    first, last = wanted
    body = code[first : last + 1]
    start_response(
        "206 Partial Content",
        [*headers, ("Content-Range", f"bytes {first}-{last}/{len(code)}"), ("Content-Length", str(len(body)))],
    )
    return [body if environ.get("REQUEST_METHOD") == "GET" else b""]


def byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """RFC 9110's single byte range as S3 takes it: (first, last), "unsatisfiable", or None for the whole
    object (no header, or one S3 ignores: several ranges, another unit, a malformed one)."""
    match = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", header or "")
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - count), size - 1
    if last and int(last) < int(first):  # not a valid range: ignored, as S3 does
        return None
    if int(first) >= size:
        return "unsatisfiable"
    return int(first), min(size - 1, int(last)) if last else size - 1


def _xml(code: str, message: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
        f"<RequestId>{secrets.token_hex(8).upper()}</RequestId></Error>"
    ).encode()


def _error(start_response: Any, status: int, code: str, message: str) -> list[bytes]:
    reasons = {403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
    body = _xml(code, message)
    start_response(
        f"{status} {reasons[status]}", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    )
    return [body]
