"""The AWS assessment grader."""

from __future__ import annotations

import re
from pathlib import Path


def version() -> str:
    """The grader's version: the installed package's, else the source tree's pyproject.toml."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("aws-assessment-grader")
    except PackageNotFoundError:
        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        try:
            found = re.search(r'^version = "([^"]+)"', pyproject.read_text(encoding="utf-8"), re.MULTILINE)
        except OSError:
            found = None
        return found[1] if found else "unknown"
