"""Shared fixtures: one emulator per test worker, students built in it by the reference solution.

Students are isolated by name, as in a shared training account, so tests build their own student IDs
in one emulator instead of resetting it: a fresh ID per test keeps tests independent and fast.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from typing import Any

import pytest

# Never look for credentials on an instance-metadata address: everything here talks to loopback.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "STUDENT_ID"):
    os.environ.pop(variable, None)

from checks.lambda_medium import ASSESSMENT, solution  # noqa: E402
from grader.aws.facts import FactStore  # noqa: E402
from grader.aws.session import ReadOnlySession  # noqa: E402
from grader.emulator import EMULATOR_CREDENTIALS, Emulator  # noqa: E402
from grader.engine import Grader  # noqa: E402
from grader.model import RunResult, StudentResult  # noqa: E402

_ids = itertools.count(1)


@pytest.fixture(scope="session")
def emulator() -> Any:
    # Mappings settle as on AWS (Creating, then Enabled), a little faster than the sandbox's second.
    with Emulator(settle_seconds=0.3) as running:
        yield running


def new_student_id(prefix: str = "s") -> str:
    return f"{prefix}{os.getpid() % 1000}x{next(_ids)}"


@dataclass
class Account:
    """The emulator seen as one account: by default the shared training account of lambda_medium."""

    emulator: Emulator
    region: str = "us-east-1"
    credentials: dict[str, str] = field(default_factory=lambda: dict(EMULATOR_CREDENTIALS))
    assessment: Any = field(default_factory=lambda: ASSESSMENT)
    solution: Any = solution

    def client(self, service: str, region: str | None = None) -> Any:
        return self.emulator.client(service, region or self.region, self.credentials)

    def build(self, sid: str | None = None, region: str | None = None) -> dict[str, Any]:
        return self.solution.build(lambda service: self.client(service, region), sid or new_student_id())

    def session(self, **options: Any) -> ReadOnlySession:
        return ReadOnlySession(region=self.region, endpoint_url=self.emulator.url,
                               credentials=self.credentials, **options)

    def grade_run(self, *sids: str, session: ReadOnlySession | None = None, assessment: Any = None,
                  inventory: bool = False) -> RunResult:
        store = FactStore(session or self.session(), inventory)
        return Grader(assessment or self.assessment, lambda student: store(student.region)).grade(sids)

    def settle(self, sid: str) -> None:
        """Wait until AWS has applied every change to the student's functions (an update reads InProgress for a
        while: grader/emulator/patches/lambda_states.py), as by the time a student grades."""
        from checks.building import settled

        lam = self.client("lambda")
        names = [f["FunctionName"] for page in lam.get_paginator("list_functions").paginate() for f in page["Functions"]]
        settled(lam, *(n for n in names if n.endswith(sid) or not self.assessment.names_end_in_student_id))

    def grade(self, sid: str) -> StudentResult:
        """Grade one student, once their changes are applied; the shared-inventory way of gathering must reach
        the very same result."""
        self.settle(sid)
        direct = self.grade_run(sid).students[0]
        assert self.grade_run(sid, inventory=True).students[0] == direct, "inventory and direct reads disagree"
        return direct


@pytest.fixture
def account(emulator: Emulator) -> Account:
    return Account(emulator)


_accounts = itertools.count(1)


def new_account_id() -> str:
    """A 12-digit account ID no other test (in any worker) uses."""
    return f"3{os.getpid() % 100000:05d}{next(_accounts):06d}"


@pytest.fixture
def class_account(emulator: Emulator) -> Account:
    """A fresh, empty account of its own for a lambda_medium class: what its listings cost depends on this
    class alone, not on every student the other tests built in the shared one."""
    return Account(emulator, credentials=emulator.account_credentials(new_account_id()))


@pytest.fixture
def own_account(emulator: Emulator) -> Account:
    """A fresh, empty account of its own, as a lambda_lab student has (fixed resource names)."""
    from checks.lambda_lab import ASSESSMENT as LAB
    from checks.lambda_lab import solution as lab_solution

    return Account(emulator, credentials=emulator.account_credentials(new_account_id()), assessment=LAB,
                   solution=lab_solution)


def unsettle(account: Account, built: dict[str, Any]) -> None:
    """Touch the student's SQS trigger so that it reads Updating (for the emulator's settle time), as a
    mapping does on AWS right after a change: grading must then read it again (GetEventSourceMapping)."""
    account.client("lambda").update_event_source_mapping(UUID=built["task_mapping"], BatchSize=10)


def scores(student: StudentResult) -> dict[int, float]:
    return {task.number: task.score for task in student.tasks}


def failing_checks(student: StudentResult) -> set[str]:
    return {c.id for t in student.tasks for c in t.checks if c.status.value not in ("pass", "warn")}
