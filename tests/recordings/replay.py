"""Answer a :class:`~grader.aws.session.ReadOnlySession` from recorded AWS responses instead of the network.

The mechanism is botocore's own Stubber's: a ``before-call`` handler that returns ``(http_response,
parsed)``, so botocore skips sending the request and carries on as if AWS had answered: its
``after-call`` handlers run (IAM documents are decoded by botocore itself), an answer with an HTTP
status of 300 or more becomes the ``ClientError`` botocore would raise, and the session's own hooks
(read-only refusal, request counting) keep working. Unlike the Stubber, answers are not a FIFO queue:
the grader reads concurrently, so each request is answered by what it asks for, in any order.

An answer is a dict in the corpus's case format::

    {"response": {...}}                       # as botocore returns it (see tests/recordings/corpus.py)
    {"error": {"Code": ..., "Message": ..., "HTTPStatusCode": 404, ...}}
    {"pages": [{...}, {...}]}                 # a paginated listing: botocore's paginator walks the pages

Deployment packages (the presigned ``Code.Location`` / ``Content.Location`` URLs the grader downloads) are
answered by ``package_source(url)`` (the URL without its query -> the zip, or None), with S3's range
semantics (``tests/support/s3.py``), through the session's ``package_transport``: a URL it has no package
for is answered 404 and remembered as unanswered.

Answers are given per request (:meth:`Replay.add`: service, operation and the exact API parameters)
or by a resolver per operation (:meth:`Replay.on`: a function of the parameters and region that
returns an answer, or raises :class:`Unrecorded` for parameters it does not model). Every response is
validated against botocore's output shape before it is handed over. A request nothing answers raises
:class:`Unrecorded` *and* is remembered: the grader turns exceptions into ``error`` rows, so a test must
call :meth:`Replay.check` (``grade`` helpers do) to fail on it.

Usage::

    replay = Replay()
    replay.on("lambda", "GetFunction", lambda params, region: ...)
    replay.add("sts", "GetCallerIdentity", {}, {"response": {...}})
    session = replay.session(region="us-east-1")      # a ReadOnlySession answered by the replay
    ...grade with FactStore(session, inventory)...
    replay.check()                                     # no request went unanswered or malformed
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse

from grader.aws.package_http import Response
from grader.aws.session import ReadOnlySession
from tests.recordings import corpus
from tests.support.s3 import FakeS3

Answer = dict[str, Any]
Resolver = Callable[[dict[str, Any], str], Answer]

FAKE_CREDENTIALS = {"aws_access_key_id": "AKIAREPLAYREPLAYREPL", "aws_secret_access_key": "replay-secret-not-used"}
PAGE_TOKEN = "replay-page-"


class Unrecorded(AssertionError):
    """A request the replay has no answer for, or an answer that is not of the operation's shape."""


def canonical(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


def ok(response: dict[str, Any]) -> Answer:
    return {"response": response}


def pages(*responses: dict[str, Any]) -> Answer:
    return {"pages": list(responses)}


def failure(code: str, message: str, status: int, **extra: Any) -> Answer:
    return {"error": {"Code": code, "Message": message, "HTTPStatusCode": status, **extra}}


class Replay:
    """Recorded answers for one or more accounts' worth of requests, shared by any number of sessions."""

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str, str], Answer] = {}
        self._resolvers: dict[tuple[str, str], Resolver] = {}
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()  # "service:Operation" -> requests answered (pages count)
        self.unanswered: list[str] = []  # requests nothing answered, and answers of the wrong shape
        # Listings cut into pages by AwsAccount.replay(page_size): "service:Operation params" -> [asked for, pages].
        self.pages: dict[str, list[int]] = {}
        # Deployment packages: the URL (without its query) -> the zip, or None when there is none there.
        self.package_source: Callable[[str], bytes | None] = lambda url: None
        self.package_requests: list[tuple[str, str]] = []  # (URL, Range) of every package request answered

    # --- what it answers -----------------------------------------------------------------------

    def add(self, service: str, operation: str, params: dict[str, Any], answer: Answer) -> None:
        """Answer exactly this request (API parameters as the caller passes them, no pagination token)."""
        self._check_answer(service, operation, answer)
        self._exact[(service, operation, canonical(params))] = answer

    def on(self, service: str, operation: str, resolver: Resolver) -> None:
        """Answer every request of this operation with ``resolver(params, region)``."""
        corpus.service_model(service).operation_model(operation)  # a real operation, or KeyError now
        self._resolvers[(service, operation)] = resolver

    # --- sessions ------------------------------------------------------------------------------

    def session(self, region: str = "us-east-1", **options: Any) -> ReadOnlySession:
        """A read-only session (fake credentials, no endpoint) whose every request the replay answers."""
        session = ReadOnlySession(region=region, credentials=dict(FAKE_CREDENTIALS), **options)
        self.attach(session)
        return session

    def attach(self, session: ReadOnlySession) -> None:
        """Make ``session`` (and any client it already made) ask the replay instead of AWS."""
        emitters = [session._botocore.get_component("event_emitter")]
        emitters += [client.meta.events for client in getattr(session, "_clients", {}).values()]
        for events in emitters:
            events.register("provide-client-params", _remember_params, unique_id="replay-params")
            # Registered after the session's own before-call hook, so requests are still counted.
            events.register("before-call", self._answer, unique_id="replay-answer")
        session.package_transport = self._package

    def check(self) -> None:
        """Fail if any request went unanswered or was answered with a malformed response."""
        if self.unanswered:
            raise Unrecorded("requests the replay could not answer:\n  " + "\n  ".join(self.unanswered))

    # --- answering -----------------------------------------------------------------------------

    def _package(self, url: str, byte_range: str, limit: int) -> Response:
        key = url.split("?", 1)[0]
        data = self.package_source(key)
        with self._lock:
            self.package_requests.append((url, byte_range))
            if data is None:
                self.unanswered.append(f"package GET {key} ({byte_range}): no package recorded there")
        return FakeS3({key: data} if data is not None else {})(url, byte_range, limit)

    def _answer(self, model: Any, context: dict[str, Any] | None = None, **_: Any) -> tuple[AWSResponse, dict]:
        service, operation = model.service_model.service_name, model.name
        context = context or {}
        params = copy.deepcopy(context.get("replay_params", {}))
        region = context.get("client_region") or ""
        paging = corpus.paginator_config(service, operation)
        token = params.pop(paging["input_token"], None) if paging and isinstance(paging["input_token"], str) else None
        described = f"{service}:{operation} {canonical(params)} in {region}" + (f" (page {token})" if token else "")
        try:
            answer = self._find(service, operation, params, region)
            parsed, status = self._render(service, operation, answer, paging, token)
        except Unrecorded as exc:
            with self._lock:
                self.unanswered.append(f"{described}: {exc}")
            raise
        with self._lock:
            self.calls[f"{service}:{operation}"] += 1
        return AWSResponse(None, status, {}, None), parsed

    def _find(self, service: str, operation: str, params: dict[str, Any], region: str) -> Answer:
        exact = self._exact.get((service, operation, canonical(params)))
        if exact is not None:
            return exact
        resolver = self._resolvers.get((service, operation))
        if resolver is None:
            raise Unrecorded("no recorded answer for this request")
        answer = resolver(params, region)
        self._check_answer(service, operation, answer)
        return answer

    def _render(self, service: str, operation: str, answer: Answer, paging: dict[str, Any] | None,
                token: str | None) -> tuple[dict[str, Any], int]:
        metadata = {"RequestId": str(uuid.uuid4()), "HTTPHeaders": {}, "RetryAttempts": 0}
        if "error" in answer:
            if token:
                raise Unrecorded("an error answer has no pages")
            error = dict(answer["error"])
            status = error.pop("HTTPStatusCode")
            return {"Error": error, "ResponseMetadata": dict(metadata, HTTPStatusCode=status)}, status
        if "pages" in answer:
            index = _page_index(token, len(answer["pages"]))
            body = copy.deepcopy(answer["pages"][index])
            if paging is None:
                raise Unrecorded(f"{service}:{operation} is not paginated by botocore")
            last = index == len(answer["pages"]) - 1
            output = paging["output_token"]
            if not isinstance(output, str) or not output.isidentifier():
                raise Unrecorded(f"cannot set the output token {output!r}")
            if last:
                body.pop(output, None)
            else:
                body[output] = f"{PAGE_TOKEN}{index + 1}"
            if paging.get("more_results"):
                body[paging["more_results"]] = not last
        else:
            if token:
                raise Unrecorded(f"asked for page {token!r} of a single answer")
            body = copy.deepcopy(answer["response"])
        parsed = corpus.to_wire(corpus.output_shape(service, operation), body)
        parsed["ResponseMetadata"] = dict(metadata, HTTPStatusCode=200)
        return parsed, 200

    @staticmethod
    def _check_answer(service: str, operation: str, answer: Answer) -> None:
        kinds = [k for k in ("response", "error", "pages") if k in answer]
        if len(kinds) != 1:
            raise Unrecorded(f"{service}:{operation}: an answer has exactly one of response, error, pages")
        if "error" in answer:
            error = answer["error"]
            if not error.get("Code") or not isinstance(error.get("HTTPStatusCode"), int):
                raise Unrecorded(f"{service}:{operation}: an error needs a Code and an HTTPStatusCode")
            return
        for body in answer.get("pages") or [answer.get("response")]:
            problems = corpus.validation_errors(service, operation, body)
            if problems:
                raise Unrecorded(f"{service}:{operation}: response not of botocore's output shape:\n{problems}")


def _remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """The API parameters as the caller passed them, before botocore's handlers add their own (as JSON has
    them: a tuple is sent as a list)."""
    context["replay_params"] = json.loads(json.dumps(params, default=str))


def _page_index(token: str | None, count: int) -> int:
    if token is None:
        return 0
    if not token.startswith(PAGE_TOKEN) or not token[len(PAGE_TOKEN):].isdigit():
        raise Unrecorded(f"unknown pagination token {token!r}")
    index = int(token[len(PAGE_TOKEN):])
    if not 0 < index < count:
        raise Unrecorded(f"pagination token {token!r} past the last page")
    return index
