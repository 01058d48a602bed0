"""Every output format compared byte for byte with a golden file, over the run built by hand in conftest.py.

The golden files in ``tests/render/golden/`` are the formats as users get them; a difference is either a
regression or an intended change. After an intended change, rewrite them and review the diff::

    UPDATE_GOLDEN=1 pytest -p no:cacheprovider -n 0 tests/render
    git diff tests/render/golden

The table is drawn without colour at a fixed width, so the text is the same on every machine (it does
depend on rich's layout: a new rich version may move a column). The HTML page holds no timestamp or
version, so it needs no masking.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.render import FORMATS, explain

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))
WIDTH = 100


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"no golden file {path}: run UPDATE_GOLDEN=1 pytest tests/render and review it"
    assert actual == path.read_bytes().decode("utf-8"), f"{name} differs from its golden file (see module docstring)"


@pytest.mark.parametrize(("fmt", "golden"), [
    ("table", "table_class.txt"),
    ("json", "class.json"),
    ("markdown", "class.md"),
    ("csv", "class.csv"),
    ("junit", "class.junit.xml"),
    ("html", "class.html"),
])
def test_class_run(fmt, golden, class_run):
    assert_golden(golden, FORMATS[fmt].text(class_run, color=False, width=WIDTH))


@pytest.mark.parametrize(("fmt", "golden"), [
    ("table", "table_student.txt"),  # the student's own view: failed checks and fixes under their task
    ("markdown", "student.md"),  # with a "To fix" list
    ("gradescope", "gradescope_student.json"),
])
def test_one_student(fmt, golden, one_student_run):
    assert_golden(golden, FORMATS[fmt].text(one_student_run, color=False, width=WIDTH))


def test_gradescope_folder_for_a_class(class_run, tmp_path):
    FORMATS["gradescope"].write(class_run, tmp_path / "gradescope", several=True)
    written = sorted(p.name for p in (tmp_path / "gradescope").iterdir())
    assert written == ["alice42.json", "bob7.json", "carol-3.json"]
    for name in written:
        assert_golden(f"gradescope/{name}", (tmp_path / "gradescope" / name).read_text(encoding="utf-8"))


def test_explain(rubric):
    assert_golden("explain.txt", explain.text(rubric, color=False, width=WIDTH))


def test_written_reports_are_the_text(class_run, tmp_path):
    """``write`` (the default one) puts exactly ``text`` in the file: the goldens hold for reports too."""
    from grader.render import Roster
    from grader.roster import Student

    roster = Roster(tuple(Student(s.student_id, s.name, s.email) for s in class_run.students), 100.0)
    for name, renderer in FORMATS.items():
        if renderer.to_file and name != "gradescope":
            path = tmp_path / f"report.{name}"
            renderer.write(class_run, path, several=True, roster=roster)
            assert path.read_bytes() == renderer.text(class_run, roster=roster).encode("utf-8"), name
