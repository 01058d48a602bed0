"""The JSON contract: always one object (see README, "JSON output")."""

from __future__ import annotations

import json

from rich.console import Console

from grader.model import RunResult


def render(run: RunResult, console: Console) -> None:
    # Written raw: no markup, highlighting or wrapping may touch machine-readable output.
    console.file.write(json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n")
    console.file.flush()
