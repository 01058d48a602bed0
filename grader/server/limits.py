"""What one client may ask of the class server: how large a request body may be, and how many wrong
instructor tokens it may try.

- ``BodyLimit`` (ASGI middleware): no route takes more than a few KB (the login form holds one token; the
  other routes take none). A declared ``Content-Length`` over the limit is refused at once with 413 and
  nothing read; a body without one (chunked) is read only up to the limit, then refused the same way.
- ``FailedLogins``: wrong credentials per client in a sliding window (20 in 5 minutes); past the limit
  the client's attempts answer 429 until the oldest of its last 20 failures leaves the window
  (``access.py`` says what still works meanwhile).
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

MAX_BODY = 8 * 1024  # bytes: far over any form of this server, far under what costs memory

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 ``{"error": ...}``, never reading past the limit."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1  # unreadable: refused as too large, never read
        if declared is not None and declared > self.limit:
            await self.refuse(send)
            return
        if declared is not None:  # the server reads exactly what is declared: within the limit
            await self.app(scope, receive, send)
            return
        # No length declared (chunked, or no body): read up to the limit here, then hand it on.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left
                await self.app(scope, _replay([message]), send)
                return
            size += len(message.get("body", b""))
            if size > self.limit:
                await self.refuse(send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def refuse(self, send: Send) -> None:
        payload = json.dumps(
            {"error": f"the request body is over {self.limit // 1024} KB"}, separators=(",", ":")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                    (b"cache-control", b"no-store"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    queued = deque(messages)

    async def receive() -> Message:
        if queued:
            return queued.popleft()
        if then is not None:
            return await then()  # after the body: the disconnect, when it comes
        return {"type": "http.disconnect"}

    return receive


class FailedLogins:
    """At most ``attempts`` wrong credentials per client in ``window`` seconds (a token of 12 random
    characters is out of reach at 20 every 5 minutes). Bounded: the last ``attempts`` failures of the
    ``clients`` most recent clients are remembered."""

    def __init__(
        self,
        attempts: int = 20,
        window: float = 300.0,
        clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts, self.window, self.clients, self.clock = attempts, window, clients, clock
        self.failures: OrderedDict[str, deque[float]] = OrderedDict()
        self.lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        found = self.failures.get(client)
        if found is None:
            return deque(maxlen=self.attempts)  # the last few are all a limit needs
        while found and found[0] <= now - self.window:
            found.popleft()
        if not found:
            del self.failures[client]
        return found

    def retry_after(self, client: str) -> float:
        """0 when ``client`` may try a token; else the seconds until it may."""
        with self.lock:
            now = self.clock()
            found = self._recent(client, now)
            if len(found) < self.attempts:
                return 0.0
            return found[0] + self.window - now

    def failed(self, client: str) -> None:
        with self.lock:
            now = self.clock()
            found = self._recent(client, now)
            found.append(now)
            self.failures[client] = found
            self.failures.move_to_end(client)
            while len(self.failures) > self.clients:
                self.failures.popitem(last=False)
