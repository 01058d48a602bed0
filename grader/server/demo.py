"""``serve --sandbox``: a class on the embedded emulator, seeded with the reference solution.

Students named with ``--student-id``/``--roster`` get the complete solution, as ``--sandbox`` does on
the command line. Without any, a demo class of 30 is made: a quarter complete, a quarter missing task 7's
reserved concurrency, a quarter also missing task 12's alarms, a quarter not started, so the instructor's
page has something to show and a student has something to fix (with the ``aws`` CLI pointed at the
emulator). Fixed-name assessments (``lambda_lab``) get one emulated account per student, reached
through a role as a real class of separate accounts is.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import checks
from grader.roster import Student
from grader.sandbox import settled_at_once

DEMO_SIZE = 30
DEMO_ROLE = "arn:aws:iam::{account_id}:role/grader"


def demo_students(size: int = DEMO_SIZE) -> list[Student]:
    return [Student(f"demo{n:02d}", name=f"Demo Student {n:02d}", email=f"demo{n:02d}@school.example")
            for n in range(1, size + 1)]


def place(name: str, students: list[Student]) -> list[Student]:
    """Fixed-name assessments: each student in an emulated account of their own, reached by a role."""
    if checks.load(name).names_end_in_student_id:
        return students
    return [dataclasses.replace(s, account_id=f"2{index:011d}", role_arn=DEMO_ROLE.format(account_id=f"2{index:011d}"))
            for index, s in enumerate(students, start=1)]


def seed(emulator: Any, name: str, students: list[Student], region: str, varied: bool) -> None:
    """Build each student's solution in the emulator (the demo class: in four states of progress)."""
    solution = checks.solution(name)
    if solution is None:
        raise RuntimeError(f"{name} has no reference solution to build in the sandbox")
    labelled = checks.load(name).names_end_in_student_id
    for index, student in enumerate(students):
        stage = index % 4 if varied and labelled else 0
        if stage == 3:
            continue  # not started
        credentials = emulator.account_credentials(student.account_id) if student.account_id else None

        def client(service: str, credentials: Any = credentials) -> Any:
            return emulator.client(service, region, credentials)

        with settled_at_once():  # as a student leaves it long before grading
            solution.build(client, student.student_id)
        sid = student.student_id
        if stage >= 1:
            client("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{sid}")
        if stage >= 2:
            client("cloudwatch").delete_alarms(AlarmNames=[f"Lambda-HighErrorRate-{sid}", f"Lambda-HighDuration-{sid}",
                                                           f"Lambda-Throttles-{sid}"])


def kept(store: Any, key: str, make: Any, replace: bool = False) -> str:
    """A sandbox setting kept in its class database (the instructor's token, the emulator's port), so a
    restart prints the same links and the same ``export`` lines: made by ``make()`` the first time (or
    when ``replace``)."""
    import sqlalchemy as sa

    from grader.server.db import meta

    with store.write() as c:
        found = c.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
        if found is not None and not replace:
            return found
        value = str(make())
        if found is None:
            c.execute(meta.insert().values(key=key, value=value))
        else:
            c.execute(meta.update().where(meta.c.key == key).values(value=value))
        return value


def free(port: int, host: str = "127.0.0.1") -> bool:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def any_free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
