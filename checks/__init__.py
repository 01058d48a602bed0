"""The registry of assessments: every sub-package of ``checks`` that defines ``ASSESSMENT``.

Adding an assessment is adding a folder here (its task modules, ``__init__`` with ``ASSESSMENT``,
and optionally ``solution.py`` for the sandbox) plus its README; the engine needs no change.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from grader.rubric import Assessment

_PACKAGE = Path(__file__).parent


def names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(_PACKAGE)]) if m.ispkg and not m.name.startswith("_"))


def load(name: str) -> Assessment:
    """The assessment called ``name``; KeyError when there is none."""
    if name not in names():
        raise KeyError(name)
    return importlib.import_module(f"checks.{name}").ASSESSMENT


def solution(name: str) -> ModuleType | None:
    """The assessment's reference-solution builder module, if it has one."""
    try:
        return importlib.import_module(f"checks.{name}.solution")
    except ModuleNotFoundError as exc:
        if exc.name == f"checks.{name}.solution":
            return None
        raise
