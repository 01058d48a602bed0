"""Gradescope autograder ``results.json``: one file for one student, a folder of files for several."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.model import RunResult, Status, StudentResult
from grader.render.files import write_atomic


def results(student: StudentResult) -> dict[str, Any]:
    tests = []
    for task in student.tasks:
        for check in task.checks:
            output = (f"Skipped until {check.skipped_by} passes ({check.message})" if check.skipped else
                      check.message + (f"\nFix:\n{check.hint}" if check.hint else ""))
            tests.append({
                "name": f"Task {task.number} · {check.title}",
                "number": check.id,
                "score": check.points,
                "max_score": check.max_points,
                "status": "passed" if check.status in (Status.PASS, Status.WARN) else "failed",
                "output": output,
            })
    notes = "\n".join(student.notes)
    return {"score": student.score, "output": notes, "tests": tests} if notes else {"score": student.score, "tests": tests}


def dump(student: StudentResult) -> str:
    return json.dumps(results(student), indent=2, ensure_ascii=False) + "\n"


def text(run: RunResult) -> str:
    """The one student's ``results.json`` (Gradescope grades one submission at a time)."""
    if len(run.students) != 1:
        raise ValueError(f"a Gradescope results.json holds one student, not {len(run.students)}: "
                         "write() makes a folder of them")
    return dump(run.students[0])


def write(run: RunResult, path: Path, several: bool) -> list[Path]:
    """One student: ``path`` is the file. Several: ``path`` is a folder of ``<student_id>.json``."""
    if not several:
        write_atomic(path, dump(run.students[0]))
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for student in run.students:
        target = path / f"{student.student_id}.json"  # IDs are validated: [A-Za-z0-9_-]
        write_atomic(target, dump(student))
        written.append(target)
    return written


def archive(run: RunResult) -> bytes:
    """A zip of every student's ``<student_id>.json`` (the folder ``write`` makes, as one download)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for student in run.students:
            zipped.writestr(f"{student.student_id}.json", dump(student))
    return buffer.getvalue()
