"""Grading a class: students side by side, reports rewritten as each finishes, a progress bar.

What one student meets never changes another's result (see :mod:`grader.engine`); a run killed
half-way leaves every finished student in the reports, and ``--resume`` starts from them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.engine import Grader
from grader.model import RunResult
from grader.roster import Student

if TYPE_CHECKING:
    from grader.render.common import Roster


class ReportUnwritable(Exception):
    """A report could not be written (the run's reports are checked before grading; this is what is left)."""


def grade_class(assessment: Any, connections: Any, students: list[Student], done: dict[str, Any],
                pass_mark: float, reports: list[tuple[str, Path]], workers: int = 16,
                progress_console: Callable[[], Any] | None = None, notes: tuple[str, ...] = (),
                roster: Roster | None = None, **run_fields: Any) -> RunResult:
    """Grade the students not ``done`` yet; every report is rewritten as each student finishes.

    ``notes`` are said of every student graded; ``run_fields`` label the run (``RunResult``'s
    ``reference``, ``graded_at``, ``version``, ``only_tasks``); ``roster``: the class, for the reports that
    list it (``needs_roster``: Canvas, Moodle)."""
    from grader.render import write_report

    order = [s.student_id for s in students]
    results: dict[str, Any] = {sid: done[sid] for sid in order if sid in done}
    todo = [s for s in students if s.student_id not in done]
    lock = threading.Lock()

    def partial_run() -> RunResult:
        return RunResult(assessment.name, assessment.title, pass_mark,
                         tuple(results[sid] for sid in order if sid in results), **run_fields)

    def write_all() -> None:
        run = partial_run()
        for fmt, path in reports:
            try:
                write_report(fmt, run, path, several=len(order) > 1, roster=roster)
            except OSError as exc:  # checked before grading, but a disk fills up and a folder can go
                raise ReportUnwritable(f"cannot write --report {fmt}={path}: {exc.strerror or exc}") from None

    with progress(len(students), len(results), progress_console) as advance:
        def finished(result: Any) -> None:
            with lock:  # written as students finish: a run killed half-way leaves them readable
                results[result.student_id] = result
                write_all()
                advance()

        Grader(assessment, connections.facts_for, pass_mark=pass_mark, workers=workers,
               student_workers=max(1, workers // 4), notes=notes,
               only_tasks=run_fields.get("only_tasks")).grade(todo, on_result=finished)
    with lock:
        write_all()
        return partial_run()


@contextmanager
def progress(total: int, already: int, console: Callable[[], Any] | None) -> Any:
    """A progress bar on stderr for a class on a terminal; nothing otherwise."""
    if total < 2 or console is None or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console(), transient=True) as bar:
        job = bar.add_task("students", total=total, completed=already)
        yield lambda: bar.advance(job)
