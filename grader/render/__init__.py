"""Renderers: one module per output format, each turning a RunResult into text.

A renderer is ``render(run, console)``; adding a format is adding a module and one line below.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console

from grader.model import RunResult
from grader.render import json_format, table

Renderer = Callable[[RunResult, Console], None]

FORMATS: dict[str, Renderer] = {
    "table": table.render,
    "json": json_format.render,
}
