"""The JSON contract: always one object (see README, "JSON output")."""

from __future__ import annotations

import json

from grader.model import RunResult


def text(run: RunResult) -> str:
    return json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n"

