"""Which credentials and region grade which student: the one account router of a run or of the class server.

Students in one training account share one session. A student in their own account gets the role named
in the roster (or by the template) assumed, and assumed again shortly before its credentials expire
(the server lives longer than they do), keeping that account's pacing, so quotas hold across batches.
Facts are made over these sessions: one set for a whole run (:meth:`Connections.facts_for`), or fresh
for each batch of the server (:meth:`Connections.batch`: a student checks because something changed).
A failure to reach an account is remembered by the facts that met it and becomes that student's error,
never the end of the run.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from botocore.exceptions import BotoCoreError

from grader.aws.errors import FactUnavailable, classify
from grader.aws.facts import Facts, FactStore
from grader.aws.pacing import Pacer
from grader.aws.package_reader import PackageReader
from grader.aws.permissions import grader_operations
from grader.aws.session import ReadOnlySession
from grader.roster import Student, credentials_for

SESSION_NAME = "aws-assessment-grader"
# Students graded together from this many on: account-wide listings read once and shared are cheaper
# than reads by name (a class run's "auto", a server batch).
INVENTORY_FROM = 3
ROLE_REFRESH = 300  # seconds before an assumed role's credentials expire that it is assumed again

Credentials = tuple[str | None, str | None]  # (profile, role ARN) as grader.roster.credentials_for says


def shares_listings(students: int) -> bool:
    """Whether so many students graded together read account-wide listings (see INVENTORY_FROM)."""
    return students >= INVENTORY_FROM


class Connections:
    """Sessions made once per credentials, and the facts read over them."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: dict[str, str] | None = None,
        role_arn_template: str | None = None,
        session_options: dict[str, Any] | None = None,
        inventory: bool = False,
        pacing: bool = False,
        quotas: dict[str, float] | None = None,
        fanout: int = 32,
        services: tuple[str, ...] = (),
    ) -> None:
        self.quotas = quotas
        self.services = services  # the services grading will call: their clients are made ahead of use
        self.fanout = fanout  # 1: every read waits for the one before it (a sequential baseline)
        self.profile = profile
        self.endpoint_url = endpoint_url
        self.credentials = credentials
        self.role_arn_template = role_arn_template
        self.session_options = session_options or {}
        self.trim_to = grader_operations()  # the service models' parts the grader calls (quicker to load)
        self.inventory = inventory
        self.pacing = pacing
        # Deployment packages, read once per CodeSha256 for the life of the router (a class reads each once).
        self.packages = PackageReader()
        self.region = region  # until the default session's chain fills it in
        self._sessions: dict[Credentials, tuple[ReadOnlySession, float]] = {}  # -> (session, renew after)
        self._lock = threading.RLock()  # a role is assumed with its base session, made under the same lock
        self.default = self._session(profile)  # may raise ProfileNotFound: the caller's usage error
        self.region = region or self.default.default_region
        self._sessions[(profile, None)] = (self.default, float("inf"))
        self._run = self.batch(inventory)

    def _session(self, profile: str | None, credentials: dict[str, str] | None = None) -> ReadOnlySession:
        # Each session is one account's: it carries that account's quota buckets.
        return ReadOnlySession(profile=profile, region=self.region, endpoint_url=self.endpoint_url,
                               credentials=credentials or (None if profile else self.credentials),
                               pacer=Pacer(self.quotas) if self.pacing else None, trim_to=self.trim_to,
                               **self.session_options)

    def session(self, profile: str | None, role_arn: str | None) -> ReadOnlySession | FactUnavailable:
        """The session for these credentials (made once, a role assumed again before it expires), or the
        FactUnavailable saying why there is none."""
        key = (profile, role_arn)
        with self._lock:
            known = self._sessions.get(key)
            if known is not None and known[1] > time.time():
                return known[0]
            try:
                if role_arn is None:
                    made = (self._session(profile), float("inf"))
                else:
                    base = self.session(profile, None)
                    if isinstance(base, FactUnavailable):
                        return base
                    try:
                        granted = base.client("sts", self.region).assume_role(
                            RoleArn=role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
                    except Exception as exc:
                        return classify(exc, f"sts:AssumeRole on {role_arn}")
                    session = self._session(None, {"aws_access_key_id": granted["AccessKeyId"],
                                                   "aws_secret_access_key": granted["SecretAccessKey"],
                                                   "aws_session_token": granted["SessionToken"]})
                    if known is not None:  # the same account: keep pacing it as before
                        session.pacer = known[0].pacer
                    expiration = granted.get("Expiration")
                    made = (session, expiration.timestamp() - ROLE_REFRESH if expiration else float("inf"))
            except BotoCoreError as exc:  # e.g. this student's profile does not exist
                return FactUnavailable(f"profile {profile}", "credentials", str(exc))
            self._sessions[key] = made
            return made[0]

    def facts_for(self, student: Student) -> Facts:
        """The facts a student is graded on in this run; FactUnavailable when their account cannot be reached."""
        return self._run.facts_for(student)

    def batch(self, inventory: bool) -> Batch:
        """Fresh facts over the same sessions, for students graded together (a server's batch)."""
        return Batch(self, inventory)

    def requests(self) -> Counter[str]:
        """API calls sent, by ``service:Operation``, over every session."""
        total: Counter[str] = Counter()
        with self._lock:
            sessions = {id(s): s for s, _ in self._sessions.values()}
        for session in sessions.values():
            total.update(session.requests)
        return total


class Batch:
    """Facts for students graded together, one store per account, over the router's sessions."""

    def __init__(self, connections: Connections, inventory: bool) -> None:
        self.connections = connections
        self.inventory = inventory
        self._stores: dict[Credentials, FactStore | FactUnavailable] = {}
        self._lock = threading.Lock()

    def facts_for(self, student: Student) -> Facts:
        """The student's facts; FactUnavailable when their account cannot be reached (remembered)."""
        router = self.connections
        key = credentials_for(student, router.profile, router.role_arn_template)
        with self._lock:
            store = self._stores.get(key)
            if store is None:
                session = router.session(*key)
                store = self._stores[key] = session if isinstance(session, FactUnavailable) else \
                    FactStore(session, self.inventory, router.fanout, router.services, router.packages)
        if isinstance(store, FactUnavailable):
            raise store
        return store(student.region or router.region)

    def close(self) -> None:
        for store in self._stores.values():
            if isinstance(store, FactStore) and store.pool is not None:
                store.pool.shutdown(wait=False)
