"""Objects answered as S3 answers a presigned GET, for the package reader's tests and the recordings' replay.

A :class:`FakeS3` is a ``grader.aws.package_http.Transport``: it serves bytes by URL (the query, the
presigned part, is ignored) with S3's range semantics (``grader.emulator.packages.byte_range``: 206 with
``Content-Range``, 416 when unsatisfiable, 200 for the whole object), 404 ``NoSuchKey`` for anything else,
and answers the faults queued in ``faults`` first (an HTTP status, a ``Response``, or an exception to raise).
It counts every request and the body bytes it sent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from grader.aws.package_http import Response
from grader.emulator.packages import byte_range


def s3_error(code: str, message: str) -> bytes:
    return f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>0</RequestId></Error>".encode()


REASONS = {
    403: ("AccessDenied", "Request has expired"),
    404: ("NoSuchKey", "The specified key does not exist."),
    429: ("SlowDown", "Please reduce your request rate."),
    500: ("InternalError", "We encountered an internal error. Please try again."),
    503: ("SlowDown", "Please reduce your request rate."),
}


@dataclass
class FakeS3:
    objects: dict[str, bytes] = field(default_factory=dict)  # URL without its query -> the object
    faults: list[object] = field(default_factory=list)  # answered first, in order
    calls: list[tuple[str, str]] = field(default_factory=list)  # (URL, Range header) of every request
    sent: int = 0  # body bytes answered
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, url: str, header: str, limit: int) -> Response:
        with self._lock:
            self.calls.append((url, header))
            fault = self.faults.pop(0) if self.faults else None
        if isinstance(fault, Exception):
            raise fault
        if isinstance(fault, Response):
            return fault
        if isinstance(fault, int):
            code, message = REASONS.get(fault, ("Error", "error"))
            return Response(fault, {"content-type": "application/xml"}, s3_error(code, message))
        data = self.objects.get(url.split("?", 1)[0])
        if data is None:
            return Response(404, {}, s3_error(*REASONS[404]))
        wanted = byte_range(header, len(data))
        if wanted == "unsatisfiable":
            return Response(
                416,
                {"content-range": f"bytes */{len(data)}"},
                s3_error("InvalidRange", "The requested range is not satisfiable"),
            )
        if wanted is None:
            body, status, headers = data, 200, {}
        else:
            first, last = wanted
            body, status, headers = data[first : last + 1], 206, {"content-range": f"bytes {first}-{last}/{len(data)}"}
        with self._lock:
            self.sent += min(len(body), limit)
        return Response(status, headers, body[:limit], truncated=len(body) > limit)

    @property
    def requests(self) -> int:
        return len(self.calls)
