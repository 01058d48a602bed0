"""What several formats share: each status's mark, the skipped checks' wording, the reference label, and
:class:`Roster`, what a format that needs the class's roster (Canvas, Moodle) takes beyond the run.

(``table``, ``markdown`` and ``html`` still import these from :mod:`grader.render`, which re-exports them.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.model import Status
from grader.roster import Student

# The mark of each status, shared by every format that shows one.
MARKS = {Status.PASS: "✓", Status.PARTIAL: "◐", Status.FAIL: "✗", Status.ERROR: "!", Status.WARN: "⚠"}
SKIPPED_MARK = "–"  # a check not checked because one it needs did not pass
REFERENCE_LABEL = ("REFERENCE SOLUTION: built by --sandbox in the embedded emulator, not read from your account")


def to_fix(checks: Any) -> list[Any]:
    """The checks a student has something to do about: not passed, and not skipped behind another."""
    return [c for c in checks if c.status is not Status.PASS and not c.skipped]


def skipped_groups(checks: Any) -> list[tuple[str, list[str]]]:
    """The task's skipped checks grouped by the check they wait for: [(that check's id, [skipped ids])]."""
    groups: dict[str, list[str]] = {}
    for check in checks:
        if check.skipped:
            groups.setdefault(check.skipped_by, []).append(check.id)
    return list(groups.items())


def id_list(ids: list[str]) -> str:
    """``2.2–2.4`` for a run of consecutive checks of one task, else ``2.2, 2.4``."""
    if len(ids) > 2:
        numbers = [i.split(".") for i in ids]
        if (len({n[0] for n in numbers}) == 1 and all(len(n) == 2 and n[1].isdigit() for n in numbers)
                and [int(n[1]) for n in numbers] == list(range(int(numbers[0][1]), int(numbers[0][1]) + len(ids)))):
            return f"{ids[0]}–{ids[-1]}"
    return ", ".join(ids)


def skipped_line(root: str, ids: list[str]) -> str:
    verb = "is" if len(ids) == 1 else "are"
    return f"{id_list(ids)} {verb} skipped until {root} passes"


@dataclass(frozen=True)
class Roster:
    """The class a ``needs_roster`` format lists: every student in the roster's order (graded or not), the
    assessment's maximum score (the points possible), and the format's own options (Canvas: ``assignment``,
    ``assignment_id``; Moodle: ``grade_item``; unknown keys are ignored)."""

    students: tuple[Student, ...]
    max_score: float
    options: Mapping[str, str] = field(default_factory=dict)
