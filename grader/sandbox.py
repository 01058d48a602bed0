"""The sandbox: the embedded emulator with an assessment's reference solution built in it.

``--sandbox`` grades the reference solution; ``validate_tasks.py sandbox`` serves the emulator for
practice. Both start it and seed it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import checks


class EmulatorError(Exception):
    """The emulator cannot be started or seeded (moto missing, a port taken, no reference solution)."""


def start_emulator(port: int = 0) -> Any:
    from grader.emulator import Emulator, EmulatorUnavailable

    try:
        return Emulator(port=port).start()
    except EmulatorUnavailable as exc:
        raise EmulatorError(str(exc)) from None


def seed(emulator: Any, name: str, ids: list[str | None], region: str) -> None:
    """Build the assessment's reference solution for each student ID (None: the account's one student)."""
    solution = checks.solution(name)
    if solution is None:
        raise EmulatorError(f"{name} has no reference solution to build in the sandbox")
    for sid in ids:
        solution.build(lambda service: emulator.client(service, region), sid)


@contextmanager
def sandbox_with(name: str, ids: list[str | None], region: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A started emulator holding the reference solution of each student: its URL and credentials."""
    from grader.emulator import EMULATOR_CREDENTIALS

    emulator = start_emulator()
    try:
        seed(emulator, name, ids, region)
        yield emulator.url, dict(EMULATOR_CREDENTIALS)
    finally:
        emulator.stop()
