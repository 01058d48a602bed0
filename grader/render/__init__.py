"""Renderers: one module per output format, each turning a RunResult into text.

``STDOUT`` formats print to the terminal (``--format``); ``REPORTS`` are written to files
(``--report FORMAT=PATH``). Adding a format is adding a module with ``text(run)`` and one line here.
A format's module is imported only when it is used: ``--format json`` never loads rich.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from grader.model import RunResult, Status

# The mark of each status, shared by every format that shows one.
MARKS = {Status.PASS: "✓", Status.PARTIAL: "◐", Status.FAIL: "✗", Status.ERROR: "!", Status.WARN: "⚠"}

STDOUT = {"table": "table", "json": "json_format", "markdown": "markdown", "csv": "csv_format"}
REPORTS = {"json": "json_format", "junit": "junit", "csv": "csv_format", "markdown": "markdown", "html": "html",
           "gradescope": "gradescope"}


def _module(name: str) -> Any:
    return importlib.import_module(f"grader.render.{name}")


def print_run(fmt: str, run: RunResult, console_factory: Any) -> None:
    """Print a run on standard output; ``console_factory`` makes the rich console the table needs."""
    module = _module(STDOUT[fmt])
    if fmt == "table":
        module.render(run, console_factory())
        return
    import sys

    sys.stdout.write(module.text(run))  # raw: no markup or wrapping may touch machine-readable output
    sys.stdout.flush()


def write_report(fmt: str, run: RunResult, path: Path, several: bool) -> None:
    """Write one report. ``several``: the run grades several students (decided up front, since a report
    is rewritten as each student finishes)."""
    module = _module(REPORTS[fmt])
    if fmt == "gradescope":
        module.write(run, path, several)
    else:
        from grader.render.files import write_atomic

        write_atomic(path, module.text(run))
