"""``--watch``: grade again and again until Ctrl-C, saying what changed since the run before.

The loop a student lives in: run a fix, look at the grader's window, see the check turn green.
Each run reads the account afresh (nothing is remembered between runs but the last result).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from grader.model import RunResult, Status


def changes(before: RunResult, after: RunResult) -> list[str]:
    """What changed between two runs: each check whose status or points moved, and each student's score."""
    lines = []
    earlier = {s.student_id: s for s in before.students}
    several = len(after.students) > 1
    for student in after.students:
        old = earlier.get(student.student_id)
        if old is None:
            lines.append(f"{student.student_id}: graded for the first time ({student.score:g}/{student.max_score:g})")
            continue
        who = f"{student.student_id}: " if several else ""
        previous = {c.id: c for t in old.tasks for c in t.checks}
        for check in (c for t in student.tasks for c in t.checks):
            was = previous.get(check.id)
            if was is None or (was.status, was.points, was.skipped) == (check.status, check.points, check.skipped):
                continue
            delta = check.points - was.points
            gained = f" ({delta:+g})" if delta else ""
            lines.append(f"{who}{check.id} {_mark(was)} → {_mark(check)} {check.title}{gained}")
        if student.score != old.score:
            lines.append(f"{who}score {old.score:g} → {student.score:g}/{student.max_score:g}")
    return lines


def _mark(check: Any) -> str:
    from grader.render.common import MARKS, SKIPPED_MARK

    if check.status is Status.FAIL and check.skipped:
        return SKIPPED_MARK
    return MARKS[check.status]


def watch_runs(run: Callable[[], RunResult], fmt: str, interval: float, stream: TextIO | None = None,
               sleep: Callable[[float], None] = time.sleep, runs: int | None = None) -> int:
    """Grade with ``run`` every ``interval`` seconds until Ctrl-C (or ``runs`` times); the last exit code."""
    from grader.render import print_run

    stream = stream if stream is not None else sys.stdout
    notes = sys.stderr if fmt != "table" else stream  # machine-readable output stays one document per run
    previous: RunResult | None = None
    done = 0
    try:
        while True:
            result = run()
            if fmt == "table" and _is_terminal(stream):
                stream.write("\x1b[2J\x1b[H")  # a fresh screen each run
            print_run(fmt, result, stream)
            now = datetime.now().strftime("%H:%M:%S")
            if previous is None:
                notes.write(f"[{now}] watching: graded again every {interval:g} s; Ctrl-C stops\n")
            else:
                moved = changes(previous, result)
                if moved:
                    notes.write(f"[{now}] since the last run:\n" + "".join(f"  {line}\n" for line in moved))
                else:
                    notes.write(f"[{now}] no change since the last run\n")
            notes.flush()
            previous = result
            done += 1
            if runs is not None and done >= runs:
                break
            sleep(interval)
    except KeyboardInterrupt:
        notes.write("stopped watching\n")
        notes.flush()
    return previous.exit_code if previous is not None else 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
