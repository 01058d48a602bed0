"""The reader: every AWS read of a run goes through here, once.

A read is keyed by service, operation and parameters: the first asker sends it (in its own thread),
every later or concurrent asker of the same read waits for that one answer. Missing resources are
answers (``None``); anything that prevents reading raises :class:`FactUnavailable` naming the IAM
action, which the engine turns into an ``error`` row. Shared listings (:class:`Listing`) are declared
as data and indexed once; the per-service facts (``grader/aws/services/``) are built on this.

botocore is imported only when a read is made: importing the facts (``--explain``, ``--help``, an
assessment validating its fact names) stays cheap.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from grader.aws.actions import iam_action
from grader.aws.errors import FactUnavailable, classify, error_code

# Error codes that mean "this resource does not exist": an answer, not an error.
NOT_FOUND = frozenset({
    "ResourceNotFoundException",
    "NoSuchEntity",
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "ProvisionedConcurrencyConfigNotFoundException",
    "NotFoundException",  # API Gateway
    "NoSuchBucket",
})

READ_THREAD = "fact-read"  # the name prefix of the pool threads reads run on


@dataclass(frozen=True)
class Listing:
    """An account-wide listing read once and shared by every student, indexed by ``key``.

    ``key`` is the field of each item to index by, or a function of the item (items that are not
    objects, such as queue URLs, need one); ``many`` keeps every item of a key (a list) instead of one.
    """

    service: str
    operation: str
    result_key: str
    key: str | Callable[[dict[str, Any]], Any]
    params: tuple[tuple[str, Any], ...] = ()
    many: bool = False

    def index(self, items: list[Any]) -> dict[Any, Any]:
        indexed: dict[Any, Any] = {}
        for item in items:
            if isinstance(self.key, str):
                if not isinstance(item, dict):
                    continue
                key = item.get(self.key)
            else:
                key = self.key(item)
            if self.many:
                indexed.setdefault(key, []).append(item)
            else:
                indexed[key] = item
        return indexed


class _Cell:
    __slots__ = ("done", "value", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: FactUnavailable | None = None


@dataclass
class Reader:
    """Reads of one account and region, memoized and safe to share between threads."""

    session: Any  # grader.aws.session.ReadOnlySession
    region: str
    pool: Any = None  # a ThreadPoolExecutor for reads side by side; None reads one at a time
    _cells: dict[tuple[Any, ...], _Cell] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _claimed: set[Any] = field(default_factory=set, init=False, repr=False)

    def read(self, service: str, operation: str, *, result_key: str | None = None, again: int = 0,
             **params: Any) -> Any:
        """One read: the whole (paginated) ``result_key`` list, or the response; None when not found.

        ``again``: the n-th fresh read of the same request (a state that is still settling), not the cached one.
        """
        action = iam_action(service, operation)
        key = (service, operation, result_key, _frozen(params), again)

        def load() -> Any:
            from botocore import xform_name
            from botocore.exceptions import ClientError

            client = self.session.client(service, self.region)
            method = xform_name(operation)
            try:
                if result_key and self.session.can_paginate(service, method):
                    pages = client.get_paginator(method).paginate(**params)
                    return [item for page in pages for item in page.get(result_key, [])]
                response = getattr(client, method)(**params)
                return response.get(result_key) if result_key else response
            except ClientError as exc:
                if error_code(exc) in NOT_FOUND:
                    return None
                raise classify(exc, action) from None

        return self.once(key, load, action)

    def listing(self, listing: Listing) -> dict[Any, Any]:
        """A shared listing's index (key -> item, or key -> items when ``many``)."""
        def build() -> dict[Any, Any]:
            items = self.read(listing.service, listing.operation, result_key=listing.result_key,
                              **dict(listing.params)) or []
            return listing.index(items)

        return self.once(("listing", listing), build, iam_action(listing.service, listing.operation))

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """A fact computed from other facts, also built once."""
        return self.once(("derived", name), build, name)

    def once(self, key: tuple[Any, ...], load: Callable[[], Any], action: str) -> Any:
        with self._lock:
            cell = self._cells.get(key)
            owner = cell is None
            if owner:
                cell = self._cells[key] = _Cell()
        assert cell is not None
        if owner:
            try:
                cell.value = load()
            except FactUnavailable as exc:
                cell.error = exc
            except Exception as exc:  # anything else from botocore or a malformed answer: classified, never lost
                cell.error = classify(exc, action)
            finally:
                cell.done.set()
        else:
            cell.done.wait()
        if cell.error is not None:
            raise cell.error
        return cell.value

    def claim(self, key: Any) -> bool:
        """True for the first caller only: something to do once on these facts (a student's first reads)."""
        with self._lock:
            first = key not in self._claimed
            self._claimed.add(key)
            return first

    def parallel(self, *reads: Callable[[], Any]) -> list[Any]:
        """Run independent reads at once and return their answers in order (errors raised in order).

        Inside a read thread (a prefetch that needs several reads) they still leave together, but the
        thread never waits for work queued behind it in its own pool (it could wait for ever): it runs the
        first read itself, and takes back and runs any other that no pool thread has started yet.
        """
        if len(reads) < 2 or self.pool is None:
            return [read() for read in reads]
        if not threading.current_thread().name.startswith(READ_THREAD):
            futures = [self.pool.submit(read) for read in reads]
            return [future.result() for future in futures]
        futures = [self.pool.submit(read) for read in reads[1:]]
        answers = [reads[0]()]
        for read, future in zip(reads[1:], futures, strict=True):
            # cancel() succeeds only for work not started: then it is this thread's to do.
            answers.append(read() if future.cancel() else future.result())
        return answers

    def prefetch(self, *reads: Callable[[], Any]) -> None:
        """Start reads whose answers will be asked for soon; errors wait for whoever asks."""
        if self.pool is not None:
            for read in reads:
                self.pool.submit(_quietly, read)


def expect(value: Any, kind: type, action: str) -> Any:
    """A response part of the type the model promises, or an error naming the read: never a crash later."""
    if not isinstance(value, kind):
        raise FactUnavailable(action, "unexpected", f"malformed response: expected {kind.__name__}, "
                                                    f"got {type(value).__name__}")
    return value


def json_document(document: Any, action: str) -> dict[str, Any]:
    """A policy document as a dict: IAM returns it URL-encoded JSON (botocore decodes most), Lambda as JSON."""
    from urllib.parse import unquote

    if isinstance(document, dict):
        return document
    if isinstance(document, str):
        for text in (document, unquote(document)):
            try:
                parsed = json.loads(text)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                return parsed
    raise FactUnavailable(action, "unexpected", "the policy document is not a JSON object")


def _frozen(params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in params.items()))


def _quietly(read: Callable[[], Any]) -> None:
    try:
        read()
    except Exception:  # remembered by the read's cell; reported to the check that asks
        pass
