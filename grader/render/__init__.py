"""Output formats: one registry, every format one :class:`Renderer`, read by the command line
(``--format``, ``--report``), the class server's API (``/api/class/report?format=``) and its instructor page.

A renderer turns a :class:`~grader.model.RunResult` into text (``text``), writes it as a report
(``write``) and gives it as a download (``download``, served with its ``media_type`` and ``extension``).
``to_stdout`` formats are printed with ``--format``, ``to_file`` formats written with
``--report FORMAT=PATH``. A ``needs_roster`` format (the LMS gradebook imports) lists the whole class: it
takes a :class:`~grader.render.common.Roster` (from ``--roster``, or the server's class). Adding a format is
a module that renders it and one class here, listed in ``FORMATS``. A format's module is imported only
when the format is used: ``--format json`` never loads rich. ``--explain`` renders the rubric, not a run:
:func:`print_rubric`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from grader.model import RunResult
from grader.render.common import Roster

if TYPE_CHECKING:
    from grader.rubric import Assessment


class Renderer:
    """One output format. ``color`` and ``width`` matter only to formats drawn for a terminal; ``roster``
    only to ``needs_roster`` formats (the others ignore it)."""

    name: ClassVar[str]
    label: ClassVar[str]  # what the instructor page's download list calls it
    media_type: ClassVar[str] = "text/plain"  # a download's Content-Type (text ones in UTF-8)
    extension: ClassVar[str] = "txt"  # a download's file name ends .<extension>
    to_stdout: ClassVar[bool] = False  # may be printed: --format NAME
    to_file: ClassVar[bool] = False  # may be written: --report NAME=PATH
    needs_roster: ClassVar[bool] = False  # lists the class from a Roster (--roster), which it cannot do without
    # A class's report lists every student on the roster, graded or not (the server adds a row for one
    # without an attempt); False: only the graded (Gradescope: a results.json per submission).
    lists_everyone: ClassVar[bool] = True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        raise NotImplementedError

    def write(self, run: RunResult, path: Path, *, several: bool, roster: Roster | None = None) -> None:
        """Write the report to ``path`` whole or not at all. ``several``: the run grades several students
        (decided up front, since a report is rewritten as each student finishes)."""
        from grader.render.files import write_atomic

        write_atomic(path, self.text(run, roster=roster))

    def download(self, run: RunResult, roster: Roster | None = None) -> str | bytes:
        """The report as one file to download (text is sent as UTF-8)."""
        return self.text(run, roster=roster)


class Table(Renderer):
    """The student's view (a row per task, the failed checks and their fixes) or, for a class, the class table."""

    name, label, to_stdout = "table", "Text table", True

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        from grader.render import table

        return table.text(run, color=color, width=width)


class Json(Renderer):
    """The JSON contract (README, "JSON output")."""

    name, label, to_stdout, to_file = "json", "JSON", True, True
    media_type, extension = "application/json", "json"

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        from grader.render import json_format

        return json_format.text(run)


class Markdown(Renderer):
    """Class summary and pass rates, e.g. for ``$GITHUB_STEP_SUMMARY``."""

    name, label, to_stdout, to_file = "markdown", "Markdown summary", True, True
    media_type, extension = "text/markdown", "md"

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        from grader.render import markdown

        return markdown.text(run)


class Csv(Renderer):
    """A gradebook: one row per student, one column per task."""

    name, label, to_stdout, to_file = "csv", "Gradebook CSV (a column per task)", True, True
    media_type, extension = "text/csv", "csv"

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        from grader.render import csv_format

        return csv_format.text(run)


class Junit(Renderer):
    """JUnit XML: a testsuite per student, a testcase per check."""

    name, label, to_file = "junit", "JUnit XML", True
    media_type, extension = "application/xml", "xml"

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        from grader.render import junit

        return junit.text(run)


class Gradescope(Renderer):
    """Gradescope's ``results.json``: a file for one student, a folder of files for several (a zip of them
    to download)."""

    name, label, to_file = "gradescope", "Gradescope results (zip)", True
    media_type, extension, lists_everyone = "application/zip", "zip", False

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        from grader.render import gradescope

        return gradescope.text(run)

    def write(self, run: RunResult, path: Path, *, several: bool, roster: Roster | None = None) -> None:
        from grader.render import gradescope

        gradescope.write(run, path, several)

    def download(self, run: RunResult, roster: Roster | None = None) -> bytes:
        from grader.render import gradescope

        return gradescope.archive(run)


class Html(Renderer):
    """One self-contained page: summary, charts, every student's checks."""

    name, label, to_file = "html", "HTML report", True
    media_type, extension = "text/html", "html"

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        from grader.render import html

        return html.text(run)


class _Gradebook(Renderer):
    """An LMS's grade import: a row for every student of the roster (an empty grade for one not graded)."""

    to_file, needs_roster, media_type = True, True, "text/csv"

    def text(self, run: RunResult, *, color: bool = False, width: int | None = None,
             roster: Roster | None = None) -> str:
        if roster is None:
            raise ValueError(f"the {self.name} gradebook lists the class: it needs the roster (--roster FILE)")
        return self.gradebook(run, roster)

    def gradebook(self, run: RunResult, roster: Roster) -> str:
        raise NotImplementedError


class Canvas(_Gradebook):
    """Canvas's gradebook import (Grades → Import)."""

    name, label, extension = "canvas", "Canvas gradebook import (CSV)", "canvas.csv"

    def gradebook(self, run: RunResult, roster: Roster) -> str:
        from grader.render import gradebooks

        return gradebooks.canvas(run, list(roster.students), roster.max_score, roster.options.get("assignment"),
                                 roster.options.get("assignment_id"))


class Moodle(_Gradebook):
    """Moodle's grade import (Grades → Import → CSV file)."""

    name, label, extension = "moodle", "Moodle grade import (CSV)", "moodle.csv"

    def gradebook(self, run: RunResult, roster: Roster) -> str:
        from grader.render import gradebooks

        return gradebooks.moodle(run, list(roster.students), roster.options.get("grade_item"))


FORMATS: dict[str, Renderer] = {r.name: r for r in (Table(), Json(), Markdown(), Csv(), Junit(), Gradescope(), Html(),
                                                     Canvas(), Moodle())}


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


def roster_formats() -> tuple[str, ...]:
    """The formats that list the class from its roster (``--report`` of them needs ``--roster``)."""
    return tuple(name for name, renderer in FORMATS.items() if renderer.needs_roster)


def downloads() -> list[dict[str, str]]:
    """The instructor page's download list: the LMS imports first, then the others in the registry's order."""
    ordered = sorted(FORMATS.values(), key=lambda r: not r.needs_roster)
    return [{"format": r.name, "label": r.label} for r in ordered]


def write_report(fmt: str, run: RunResult, path: Path, several: bool, roster: Roster | None = None) -> None:
    """Write one report in a ``to_file`` format. ``several``: the run grades several students; ``roster``:
    the class, for a ``needs_roster`` format."""
    renderer = FORMATS[fmt]
    if not renderer.to_file:
        raise ValueError(f"{fmt} is printed, not written to a file")
    renderer.write(run, path, several=several, roster=roster)


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
