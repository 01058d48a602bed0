"""Renderers: one module per output format, each turning a RunResult into text.

``STDOUT`` formats print to the terminal (``--format``); ``REPORTS`` are written to files
(``--report FORMAT=PATH``). Adding a format is adding a module with ``text(run)`` and one line here.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from grader.model import RunResult
from grader.render import csv_format, gradescope, html, json_format, junit, markdown, table
from grader.render.files import write_atomic

STDOUT = {"table": table.render, "json": json_format.text, "markdown": markdown.text, "csv": csv_format.text}
REPORTS = {"json": json_format.text, "junit": junit.text, "csv": csv_format.text, "markdown": markdown.text,
           "html": html.text, "gradescope": gradescope.write}


def print_run(fmt: str, run: RunResult, console: Console) -> None:
    render = STDOUT[fmt]
    if render is table.render:
        table.render(run, console)
        return
    console.file.write(render(run))  # raw: no markup or wrapping may touch machine-readable output
    console.file.flush()


def write_report(fmt: str, run: RunResult, path: Path, several: bool) -> None:
    """Write one report. ``several``: the run grades several students (decided up front, since a report
    is rewritten as each student finishes)."""
    if fmt == "gradescope":
        gradescope.write(run, path, several)
    else:
        write_atomic(path, REPORTS[fmt](run))
