"""Output formats: one registry, every format one :class:`Renderer`.

A renderer turns a :class:`~grader.model.RunResult` into text (``text``) and writes it as a report
(``write``). ``to_stdout`` formats are printed with ``--format``, ``to_file`` formats written with
``--report FORMAT=PATH``. Adding a format is a module that renders it and one class here, listed in
``FORMATS``. A format's module is imported only when the format is used: ``--format json`` never
loads rich. ``--explain`` renders the rubric, not a run: :func:`print_rubric`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from grader.model import RunResult, Status

if TYPE_CHECKING:
    from grader.rubric import Assessment

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


class Renderer:
    """One output format. ``color`` and ``width`` matter only to formats drawn for a terminal."""

    name: ClassVar[str]
    to_stdout: ClassVar[bool] = False  # may be printed: --format NAME
    to_file: ClassVar[bool] = False  # may be written: --report NAME=PATH

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        raise NotImplementedError

    def write(self, run: RunResult, path: Path, *, several: bool) -> None:
        """Write the report to ``path`` whole or not at all. ``several``: the run grades several students
        (decided up front, since a report is rewritten as each student finishes)."""
        from grader.render.files import write_atomic

        write_atomic(path, self.text(run))


class Table(Renderer):
    """The student's view (a row per task, the failed checks and their fixes) or, for a class, the class table."""

    name, to_stdout = "table", True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        from grader.render import table

        return table.text(run, color=color, width=width)


class Json(Renderer):
    """The JSON contract (README, "JSON output")."""

    name, to_stdout, to_file = "json", True, True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        from grader.render import json_format

        return json_format.text(run)


class Markdown(Renderer):
    """Class summary and pass rates, e.g. for ``$GITHUB_STEP_SUMMARY``."""

    name, to_stdout, to_file = "markdown", True, True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        from grader.render import markdown

        return markdown.text(run)


class Csv(Renderer):
    """A gradebook: one row per student, one column per task."""

    name, to_stdout, to_file = "csv", True, True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        from grader.render import csv_format

        return csv_format.text(run)


class Junit(Renderer):
    """JUnit XML: a testsuite per student, a testcase per check."""

    name, to_file = "junit", True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        from grader.render import junit

        return junit.text(run)


class Gradescope(Renderer):
    """Gradescope's ``results.json``: a file for one student, a folder of files for several."""

    name, to_file = "gradescope", True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        from grader.render import gradescope

        return gradescope.text(run)

    def write(self, run: RunResult, path: Path, *, several: bool) -> None:
        from grader.render import gradescope

        gradescope.write(run, path, several)


class Html(Renderer):
    """One self-contained page: summary, charts, every student's checks."""

    name, to_file = "html", True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None) -> str:
        from grader.render import html

        return html.text(run)


FORMATS: dict[str, Renderer] = {r.name: r for r in (Table(), Json(), Markdown(), Csv(), Junit(), Gradescope(), Html())}


def stdout_formats() -> tuple[str, ...]:
    """What ``--format`` accepts, the default (``table``) first."""
    return tuple(name for name, renderer in FORMATS.items() if renderer.to_stdout)


def report_formats() -> tuple[str, ...]:
    """What ``--report FORMAT=PATH`` accepts."""
    return tuple(name for name, renderer in FORMATS.items() if renderer.to_file)


def terminal(stream: TextIO) -> dict[str, Any]:
    """How to draw for ``stream``: colour only on a terminal and never with ``NO_COLOR``; the terminal's
    width, or none for a pipe or file (no terminal: nothing is padded to a width)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        tty = False
    if not tty:
        return {"color": False, "width": None}
    width = None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        width = int(columns)
    else:
        try:
            width = os.get_terminal_size(stream.fileno()).columns or None
        except (AttributeError, OSError, ValueError):
            width = None
    return {"color": not os.environ.get("NO_COLOR"), "width": width or 80}


def print_run(fmt: str, run: RunResult, stream: TextIO | None = None) -> None:
    """Print a run in a ``to_stdout`` format on ``stream`` (standard output by default)."""
    stream = stream if stream is not None else sys.stdout
    renderer = FORMATS[fmt]
    if not renderer.to_stdout:
        raise ValueError(f"{fmt} is not printed, only written to a file")
    stream.write(renderer.text(run, **terminal(stream)))  # raw: nothing may touch machine-readable output
    stream.flush()


def write_report(fmt: str, run: RunResult, path: Path, several: bool) -> None:
    """Write one report in a ``to_file`` format. ``several``: the run grades several students."""
    renderer = FORMATS[fmt]
    if not renderer.to_file:
        raise ValueError(f"{fmt} is printed, not written to a file")
    renderer.write(run, path, several=several)


def print_rubric(assessment: Assessment, fmt: str = "table", stream: TextIO | None = None) -> None:
    """``--explain``: the rubric (tasks, checks, points) in ``fmt``: drawn like the table, or as JSON,
    markdown (the student README's table) or CSV."""
    from grader.render import explain

    stream = stream if stream is not None else sys.stdout
    if fmt == "table":
        stream.write(explain.text(assessment, **terminal(stream)))
    else:
        stream.write(explain.as_format(assessment, fmt))
    stream.flush()
