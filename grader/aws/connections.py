"""Which credentials and region grade which student: sessions and facts shared by every student they serve.

Students in one training account share one session and one set of facts. A student in their own
account gets the role named in the roster (or by the template) assumed once; a failure to assume is
remembered and becomes that student's error, never the end of the run.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from botocore.exceptions import BotoCoreError

from grader.aws.errors import FactUnavailable, classify
from grader.aws.facts import Facts, FactStore
from grader.aws.pacing import Pacer
from grader.aws.session import ReadOnlySession
from grader.roster import Student, credentials_for

SESSION_NAME = "aws-assessment-grader"


class Connections:
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
        self.inventory = inventory
        self.pacing = pacing
        self.region = region  # until the default session's chain fills it in
        self.default = self._session(profile)  # may raise ProfileNotFound: the caller's usage error
        self.region = region or self.default.default_region
        self._stores: dict[tuple[str | None, str | None], FactStore | FactUnavailable] = {
            (profile, None): FactStore(self.default, inventory, fanout, services)
        }
        self._lock = threading.Lock()

    def _session(self, profile: str | None, credentials: dict[str, str] | None = None) -> ReadOnlySession:
        # Each session is one account's: it carries that account's quota buckets.
        return ReadOnlySession(profile=profile, region=self.region, endpoint_url=self.endpoint_url,
                               credentials=credentials or (None if profile else self.credentials),
                               pacer=Pacer(self.quotas) if self.pacing else None, **self.session_options)

    def facts_for(self, student: Student) -> Facts:
        """The facts a student is graded on; FactUnavailable when their account cannot be reached."""
        key = credentials_for(student, self.profile, self.role_arn_template)
        with self._lock:
            store = self._stores.get(key)
            if store is None:
                store = self._stores[key] = self._open(*key)
        if isinstance(store, FactUnavailable):
            raise store
        return store(student.region or self.region)

    def _open(self, profile: str | None, role_arn: str | None) -> FactStore | FactUnavailable:
        try:
            base = self.default if profile == self.profile else self._session(profile)
            if role_arn is None:
                return FactStore(base, self.inventory, self.fanout, self.services)
            sts = base.client("sts", self.region)
            try:
                granted = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)["Credentials"]
            except Exception as exc:
                return classify(exc, f"sts:AssumeRole on {role_arn}")
            credentials = {"aws_access_key_id": granted["AccessKeyId"],
                           "aws_secret_access_key": granted["SecretAccessKey"],
                           "aws_session_token": granted["SessionToken"]}
            return FactStore(self._session(None, credentials), self.inventory, self.fanout, self.services)
        except BotoCoreError as exc:  # e.g. this student's profile does not exist
            return FactUnavailable(f"profile {profile}", "credentials", str(exc))

    def requests(self) -> Counter[str]:
        total: Counter[str] = Counter()
        sessions = {id(s.session): s.session for s in self._stores.values() if isinstance(s, FactStore)}
        for session in sessions.values():
            total.update(session.requests)
        return total
