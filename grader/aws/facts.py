"""Gathering: every fact the checks judge, read from AWS once per run and shared.

``Facts`` is one account and region seen through every service's facts (``grader/aws/services/``),
over one :class:`~grader.aws.reader.Reader` cache; ``FactStore`` holds one ``Facts`` per region of a
session. A fact is fetched the first time any check asks, in that check's thread; every later or
concurrent asker waits for that one read. Missing resources are facts (``None`` or an empty list);
anything that prevents reading raises :class:`~grader.aws.errors.FactUnavailable`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from grader.aws.package_reader import PackageReader
from grader.aws.reader import READ_THREAD, Reader, expect
from grader.aws.services.apigateway import ApiGatewayFacts
from grader.aws.services.application_autoscaling import AutoScalingFacts
from grader.aws.services.cloudwatch import CloudWatchFacts
from grader.aws.services.ec2 import Ec2Facts
from grader.aws.services.iam import IamFacts
from grader.aws.services.lambda_ import LambdaFacts
from grader.aws.services.logs import LogsFacts
from grader.aws.services.s3 import S3Facts
from grader.aws.services.sqs import SqsFacts
from grader.aws.services.sts import StsFacts

__all__ = ["Facts", "FactStore", "expect"]


class Facts(StsFacts, Ec2Facts, LambdaFacts, SqsFacts, IamFacts, AutoScalingFacts, CloudWatchFacts, LogsFacts,
            ApiGatewayFacts, S3Facts):
    """The facts of one account and region, memoized and safe to share between threads."""

    def __init__(self, session: Any, region: str, store: FactStore | None = None, inventory: bool = False) -> None:
        Reader.__init__(self, session, region, store.pool if store else None)
        self.store = store
        self.packages = store.packages if store else None  # deployment packages, shared by CodeSha256
        # Inventory: answer from account-wide listings fetched once and shared by every student
        # (cheaper for a class); otherwise ask for each resource by name (cheaper for one student).
        self.inventory = inventory

    def in_region(self, region: str) -> Facts:
        """The same account's facts in another region (shared with anyone else asking for them)."""
        return self.store(region) if self.store else Facts(self.session, region, inventory=self.inventory)


class FactStore:
    """One :class:`Facts` per region of a session, created on first use."""

    def __init__(self, session: Any, inventory: bool = False, fanout: int = 32, services: Iterable[str] = (),
                 packages: PackageReader | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.session = session
        self.inventory = inventory
        # Deployment packages: the router's reader (shared by its every batch), else this store's own, over
        # the session's transport when it has one (the recordings' replay serves packages so).
        self.packages = packages or PackageReader(getattr(session, "package_transport", None))
        # Threads for reads started ahead of need or side by side; never waits on its own work.
        self.pool = ThreadPoolExecutor(fanout, thread_name_prefix=READ_THREAD) if fanout > 1 else None
        session.warm(("sts", *(s for s in services if s != "sts")))
        self._by_region: dict[str, Facts] = {}
        self._lock = threading.Lock()

    def __call__(self, region: str | None = None) -> Facts:
        region = region or self.session.default_region
        with self._lock:
            if region not in self._by_region:
                self._by_region[region] = Facts(self.session, region, self, self.inventory)
            return self._by_region[region]
