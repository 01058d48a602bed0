"""Where ``--report FORMAT=PATH`` files go, checked before anything is graded: a report that cannot be
written is one line at the start, not a traceback after the whole class was graded."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class ReportPathError(ValueError):
    """A report's path that cannot be written (:mod:`grader.run` makes it a one-line usage error)."""


def check_target(spec: str, fmt: str, target: Path) -> None:
    """The path of one report: an existing folder, a regular file or none, in a folder one can write in."""
    if target.parent and not target.parent.exists():
        raise ReportPathError(f"--report {spec!r}: folder {target.parent} does not exist")
    if target.is_dir() and fmt != "gradescope":  # a folder of Gradescope files: see check_several
        raise ReportPathError(
            f"--report {spec!r}: {target} is a folder; name the file to write, such as {target / ('report.' + fmt)}"
        )
    if target.exists() and not target.is_dir() and not target.is_file():
        # Written atomically (a new file moved over the name), a report would replace the device itself.
        raise ReportPathError(f"--report {spec!r}: {target} is not a regular file (a device, pipe or socket)")
    writable(spec, target if target.is_dir() else target.parent)


def writable(spec: str, folder: Path) -> None:
    """A report is written to a new file in its folder, then moved over its name: try it now."""
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".grader-probe.", suffix=".tmp")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise ReportPathError(f"--report {spec!r}: cannot write in {folder}: {exc.strerror or exc}") from None


def check_several(reports: list[tuple[str, Path]], several: bool) -> None:
    """Gradescope's results.json is one file for one student, a folder of them for several (known once the
    students are: after ``--all-students`` found them)."""
    for fmt, path in reports:
        if fmt == "gradescope" and several and path.exists() and not path.is_dir():
            raise ReportPathError(
                f"--report gradescope={path}: with several students this is a folder of "
                f"<student_id>.json files, and {path} is a file; name a folder (new or existing)"
            )
        if fmt == "gradescope" and not several and path.is_dir():
            raise ReportPathError(
                f"--report gradescope={path}: one student's results.json is a file, and {path} "
                f"is a folder; name the file, such as {path / 'results.json'}"
            )
