"""A class of 30 in one training account: one run, every report, each student as if graded alone."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests import browser
from tests.conftest import Account
from tests.test_cli import cli, emulator_env

CLASS_SIZE = 30
TRICKY_NAMES = {0: "=HYPERLINK(\"http://evil\",\"x\")", 1: "[bold]Rich[/bold] <script>alert(1)</script>", 2: "O'Brien & Co"}


def break_some(account: Account, built: dict, index: int) -> None:
    lam, sid = account.client("lambda"), built["sid"]
    lam.update_function_configuration(FunctionName=f"layer-consumer-{sid}", MemorySize=128)
    if index % 2:
        lam.delete_function(FunctionName=f"rate-limited-function-{sid}")
    if index % 3:
        account.client("cloudwatch").delete_alarms(AlarmNames=[f"Lambda-Throttles-{sid}"])


@pytest.fixture(scope="module")
def graded_class(emulator, tmp_path_factory):
    account = Account(emulator)
    folder = tmp_path_factory.mktemp("class")
    ids = [f"k{n:02d}c" for n in range(CLASS_SIZE)]
    for index, sid in enumerate(ids):
        if index % 3 == 0:
            account.build(sid)  # complete
        elif index % 3 == 1:
            break_some(account, account.build(sid), index)  # partial
        # else: never started
    rows = ["student_id,name,email"] + [f'{sid},"{TRICKY_NAMES.get(i, "Student " + str(i)).replace(chr(34), chr(34) * 2)}",'
                                        f"{sid}@school.example" for i, sid in enumerate(ids)]
    roster = folder / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    reports = {fmt: folder / name for fmt, name in (("json", "class.json"), ("junit", "junit.xml"),
               ("gradescope", "gradescope"), ("csv", "gradebook.csv"), ("markdown", "summary.md"),
               ("html", "class.html"))}
    args = ["lambda_medium", "--roster", str(roster), "--format", "json"]
    for fmt, path in reports.items():
        args += ["--report", f"{fmt}={path}"]
    result = cli(*args, env=emulator_env(emulator))
    return account, ids, reports, result


def test_one_run_grades_the_class_with_exit_1(graded_class):
    _, ids, _, result = graded_class
    assert result.returncode == 1, result.stderr  # the empty and some partial students are below 70
    data = json.loads(result.stdout)
    assert [s["student_id"] for s in data["students"]] == ids
    scores = [s["score"] for s in data["students"]]
    assert all(scores[i] == 100 for i in range(0, CLASS_SIZE, 3))
    assert all(scores[i] == 0 for i in range(2, CLASS_SIZE, 3))
    # Partial: 2.3 (1), and 12.1 and 12.4 (6); odd ones also without task 7 (6).
    assert [scores[i] for i in range(1, CLASS_SIZE, 3)] == [87 if i % 2 else 93 for i in range(1, CLASS_SIZE, 3)]
    assert data["summary"]["students"] == CLASS_SIZE and data["summary"]["passed"] == sum(s >= 70 for s in scores)


def test_every_student_equals_grading_that_student_alone(graded_class):
    account, ids, reports, _ = graded_class
    in_class = {s["student_id"]: s for s in json.loads(reports["json"].read_text())["students"]}
    # The class run read shared listings (inventory); alone, each student is read resource by resource.
    for sid in ids:
        alone = account.grade_run(sid).students[0].to_dict()
        together = dict(in_class[sid])
        together.pop("name", None), together.pop("email", None)
        assert together == alone, sid


def test_junit_counts(graded_class):
    _, ids, reports, _ = graded_class
    root = ET.parse(reports["junit"]).getroot()
    suites = root.findall("testsuite")
    assert root.tag == "testsuites" and len(suites) == CLASS_SIZE
    data = {s["student_id"]: s for s in json.loads(reports["json"].read_text())["students"]}
    for suite in suites:
        properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
        student = data[properties["student_id"]]
        checks = [c for t in student["tasks"] for c in t["checks"]]
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) == len(checks) == 62
        # A check skipped because one it needs failed is a skipped test case, not a failure of its own.
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure")) == sum(
            c["status"] == "fail" and not c["skipped_by"] for c in checks)
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped")) == sum(
            c["status"] == "warn" or bool(c["skipped_by"]) for c in checks)
        assert properties["account"] == "123456789012" and properties["region"] == "us-east-1"
    assert int(root.get("tests")) == CLASS_SIZE * 62


def test_gradescope_files(graded_class):
    _, ids, reports, _ = graded_class
    files = sorted(p.name for p in reports["gradescope"].iterdir())
    assert files == sorted(f"{sid}.json" for sid in ids)
    results = json.loads((reports["gradescope"] / f"{ids[1]}.json").read_text())
    assert results["score"] == 87  # ids[1]: memory, task 7 and the Throttles alarm (see break_some)
    assert len(results["tests"]) == 62
    for test in results["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output"}
        assert test["status"] in ("passed", "failed") and test["score"] <= test["max_score"]
    assert sum(t["score"] for t in results["tests"]) == results["score"]


def test_csv_gradebook_reads_back_and_neutralises_formulas(graded_class):
    _, ids, reports, _ = graded_class
    rows = list(csv.DictReader(io.StringIO(reports["csv"].read_text(encoding="utf-8"))))
    assert [r["student_id"] for r in rows] == ids
    assert list(rows[0])[:8] == ["student_id", "name", "email", "score", "max_score", "percent", "passed", "complete"]
    assert [f"task_{n}" for n in range(1, 13)] == list(rows[0])[8:-1] and list(rows[0])[-1] == "notes"
    assert rows[0]["name"].startswith("'=HYPERLINK")  # a spreadsheet shows it as text
    assert rows[0]["score"] == "100" and rows[2]["passed"] == "no"
    assert sum(float(rows[1][f"task_{n}"]) for n in range(1, 13)) == float(rows[1]["score"])


def test_markdown_summary(graded_class):
    _, ids, reports, _ = graded_class
    text = reports["markdown"].read_text(encoding="utf-8")
    assert f"of {CLASS_SIZE} passed" in text and "### Full marks per task" in text
    assert "<script>" not in text and "\\[bold\\]" in text


def test_html_report_renders_in_a_browser(graded_class, tmp_path):
    _, ids, reports, _ = graded_class
    page = reports["html"]
    content = page.read_text(encoding="utf-8")
    # Self-contained: no scripts, no stylesheets, fonts or images fetched from anywhere.
    assert "<script" not in content and "<link" not in content and "url(" not in content
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', content)
    chromium = browser.chromium()
    dom = browser.dump_dom(chromium, page, tmp_path / "profile")
    assert dom.count('class="bar"') == 12 and 'id="score-histogram"' in dom
    assert dom.count('<details class="student') == CLASS_SIZE
    assert f'id="student-{ids[1]}"' in dom and "Memory (MB) is 256" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # the roster's markup stays text
    shot = browser.screenshot(chromium, page, tmp_path / "profile2", tmp_path / "class.png")
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
