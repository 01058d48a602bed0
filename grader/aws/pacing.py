"""Client-side pacing: stay under AWS's per-account request quotas instead of provoking throttling.

Published Lambda quotas (per account and region, not raisable): GetFunction 100 req/s, GetPolicy
15 req/s, every other control-plane call 15 req/s combined. CloudWatch DescribeAlarms: 9 req/s.
A token bucket per group makes each API call wait for its turn; botocore's retries handle whatever
is still throttled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

AWS_QUOTAS: dict[str, float] = {
    "lambda:GetFunction": 100.0,
    "lambda:GetPolicy": 15.0,
    "lambda:*": 15.0,
    "cloudwatch:DescribeAlarms": 9.0,
}


def quota_group(service: str, operation: str, quotas: dict[str, float]) -> str | None:
    """The quota an API call counts against: its own, else its service's shared one, else none."""
    for key in (f"{service}:{operation}", f"{service}:*"):
        if key in quotas:
            return key
    return None


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; ``take`` waits for a token."""

    def __init__(self, rate: float, burst: float | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate / 3)
        self._tokens = self.burst
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take one token; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1  # reserve now; a negative balance is the queue ahead of us
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        if wait:
            self._sleep(wait)
        return wait


class Pacer:
    """One bucket per quota group and region; called before every API call."""

    def __init__(self, quotas: dict[str, float] | None = None) -> None:
        self.quotas = dict(AWS_QUOTAS if quotas is None else quotas)
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting for tokens, all callers together (the server's tests read it)

    def before_call(self, service: str, operation: str, region: str) -> None:
        group = quota_group(service, operation, self.quotas)
        if group is None:
            return
        with self._lock:
            bucket = self._buckets.get((group, region))
            if bucket is None:
                bucket = self._buckets[(group, region)] = TokenBucket(self.quotas[group])
        waited = bucket.take()
        with self._lock:
            self.waited += waited
