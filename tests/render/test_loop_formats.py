"""What the loop needs from every format: skipped shown as skipped (collapsed per task), fixes that paste
as printed at any width, notes, roster columns and the reference-solution label everywhere; the HTML
report as a browser shows it. No emulator: runs built by hand."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader import shell
from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult
from grader.render import FORMATS, write_report
from grader.render.common import REFERENCE_LABEL
from tests import browser

P, F = Status.PASS, Status.FAIL
CREATE = ("aws lambda create-function --function-name layer-consumer-kim7 --runtime python3.12 --memory-size 256 "
          "--handler lambda_function.lambda_handler --role arn:aws:iam::123456789012:role/lambda-role-kim7 "
          "--zip-file fileb://function.zip")
QUEUE_FIX = ("aws sqs set-queue-attributes --queue-url "
             "https://sqs.us-east-1.amazonaws.com/123456789012/lambda-success-queue-kim7 "
             "--attributes MessageRetentionPeriod=86400")
NOTE = "vpc-lambda-kim7 is in eu-west-1, not in us-east-1 (the region graded)"


def check(cid: str, status: Status, points: float, message: str = "ok", hint: str | None = None,
          skipped_by: str | None = None) -> CheckResult:
    return CheckResult(cid, f"Check {cid}", status, points if status is P else 0.0, points, message, hint, {},
                       skipped_by)


def kim(sid: str = "kim7", **fields) -> StudentResult:
    """layer-consumer is missing: 2.1 fails, 2.2-2.4 wait for it, and so does all of task 9."""
    tasks = (
        TaskResult(2, "Function using the layer", (
            check("2.1", F, 3, "no function named layer-consumer-kim7 in us-east-1", CREATE),
            check("2.2", F, 1.5, "not checked: 2.1 (exists) failed", skipped_by="2.1"),
            check("2.3", F, 1.5, "not checked: 2.1 (exists) failed", skipped_by="2.1"),
            check("2.4", F, 2, "not checked: 2.1 (exists) failed", skipped_by="2.1"))),
        TaskResult(4, "Async destinations", (
            check("4.1", P, 9), check("4.7", F, 1, "lambda-success-queue-kim7 keeps messages 345600 s", QUEUE_FIX))),
        TaskResult(9, "Versions and aliases", (
            check("9.2", F, 2, "not checked: 2.1 (exists) failed", skipped_by="2.1"),
            check("9.3", F, 2, "not checked: 2.1 (exists) failed", skipped_by="2.1"),
            check("9.5", F, 4, "not checked: 9.3 (PROD) failed", skipped_by="2.1"))),
    )
    defaults = {"account": "123456789012", "region": "us-east-1", "pass_mark": 70.0, "notes": (NOTE,),
                "extra": (("section", "B-2"),)}
    return StudentResult(sid, **{"tasks": tasks, **defaults, **fields})


def run_of(*students: StudentResult, reference: bool = False) -> RunResult:
    return RunResult("lambda_medium", "Lambda Medium", 70.0, students, reference=reference,
                     graded_at="2026-01-02T03:04:05Z", version="9.9.9")


def test_skipped_checks_are_collapsed_per_task_in_the_table():
    page = FORMATS["table"].text(run_of(kim()), width=100)
    assert "2.2–2.4 are skipped until 2.1 passes" in page
    assert "9.2, 9.3, 9.5 are skipped until 2.1 passes" in page
    nine = next(line for line in page.splitlines() if line.startswith(" 9  "))
    assert "SKIPPED" in nine and "✗" not in nine  # not red like a failure
    assert "not checked" not in page  # one line per cause, not one per check


@pytest.mark.parametrize("width", [60, 80, 100, 120, None])
def test_fixes_paste_back_as_the_same_commands_at_any_width(width):
    page = FORMATS["table"].text(run_of(kim()), width=width)
    fixes = "\n".join(line.split("fix: ", 1)[-1] if "fix: " in line else line.strip()
                      for line in page.splitlines() if line.startswith("      fix: ") or line.startswith("         "))
    assert shell.commands(fixes) == [CREATE, QUEUE_FIX]
    for line in page.splitlines():
        # Longer than the terminal only where one option and its value cannot fit a line of their own.
        if width and len(line) > width:
            assert len(shell.split_words(line.strip().removesuffix("\\"))) <= 4, line


def test_a_fix_is_never_wrapped_inside_an_arn():
    page = FORMATS["table"].text(run_of(kim()), width=100)
    for line in page.splitlines():
        assert not line.rstrip().endswith(("arn:aws:iam::", "role/", "/123456789012")), line
    assert any(line.strip().startswith("--role arn:aws:iam::123456789012:role/lambda-role-kim7") for line in
               page.splitlines())


def test_an_empty_student_gets_a_short_page():
    def nothing(number: int) -> TaskResult:
        return TaskResult(number, f"Task {number}", (
            check(f"{number}.1", F, 4, "does not exist", f"aws lambda create-function --function-name f{number}"),
            check(f"{number}.2", F, 4, f"not checked: {number}.1", skipped_by=f"{number}.1")))

    empty = StudentResult("nobody", "123456789012", "us-east-1", tuple(nothing(n) for n in range(1, 13)), 70.0,
                          ("None of your functions were found in us-east-1 or in the 16 other regions",))
    page = FORMATS["table"].text(run_of(empty), width=100)
    assert len(page.strip().splitlines()) <= 30, page
    assert "f1" in page and "f2" not in page  # the first task's fix; the others come as the student gets there


def test_notes_roster_columns_and_reference_label_in_every_format(tmp_path):
    run = run_of(kim(), kim("lee3", notes=()), reference=True)
    texts = {name: FORMATS[name].text(run) for name in ("table", "json", "markdown", "csv", "junit", "html")}
    for name, text in texts.items():
        assert NOTE in text.replace("&quot;", '"') or NOTE in text, name
        assert "B-2" in text or name == "table", name  # the class table keeps to the columns the grader knows
    data = json.loads(texts["json"])
    assert data["reference_solution"] is True and data["students"][0]["roster"] == {"section": "B-2"}
    assert data["students"][0]["tasks"][0]["checks"][1]["skipped_by"] == "2.1"
    rows = list(csv.DictReader(io.StringIO(texts["csv"])))
    assert rows[0]["section"] == "B-2" and rows[0]["notes"] == NOTE and rows[1]["notes"] == ""
    suite = ET.fromstring(texts["junit"]).find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["note.1"] == NOTE and properties["roster.section"] == "B-2"
    assert properties["reference_solution"] == "true"
    assert suite.get("skipped") == "6" and suite.get("failures") == "2"
    for name in ("table", "markdown", "html"):
        assert REFERENCE_LABEL in texts[name], name
    assert REFERENCE_LABEL in FORMATS["table"].text(run_of(kim(), reference=True))
    gradescope = tmp_path / "gs.json"
    write_report("gradescope", run_of(kim(notes=("a note",)), reference=True), gradescope, several=False)
    assert "a note" in gradescope.read_text()


def test_markdown_fixes_are_code_blocks_and_skips_one_line():
    text = FORMATS["markdown"].text(run_of(kim()))
    assert f"  ```bash\n  {CREATE}\n  ```" in text
    assert "- – 2.2–2.4 are skipped until 2.1 passes" in text


def test_reports_honour_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        from grader.render import files

        files._UMASK.clear()
        for name in ("json", "csv", "html", "junit", "markdown"):
            target = tmp_path / f"report.{name}"
            write_report(name, run_of(kim()), target, several=False)
            assert stat.S_IMODE(target.stat().st_mode) == 0o644, name
    finally:
        os.umask(previous)
        files._UMASK.clear()


def test_html_says_when_and_by_which_grader():
    page = FORMATS["html"].text(run_of(kim()))
    assert "graded 2026-01-02T03:04:05Z" in page and "aws-assessment-grader 9.9.9" in page


def test_histogram_puts_100_in_the_top_bin_and_draws_the_pass_mark():
    from grader.render.html import histogram

    perfect = StudentResult("p", "1", "us-east-1", (TaskResult(1, "T", (check("1.1", P, 5),)),), 70.0)
    svg = histogram(run_of(perfect))
    assert 'data-bin="90-100" data-count="1"' in svg and 'data-bin="0-9" data-count="0"' in svg
    assert 'id="pass-mark"' in svg and "pass 70%" in svg and "score (%)" in svg


# --- the page as Chromium shows it -------------------------------------------------------------------

MEASURE = """<script>
const report = {};
document.getElementById('%s').click();
report.open = [...document.querySelectorAll('details.student')].map(d => d.querySelector('table.checks')
  .getBoundingClientRect().height > 0);
report.overflow = [...document.querySelectorAll('details.student')].filter(d => d.open || %s)
  .map(d => d.scrollWidth - d.clientWidth);
report.passRows = [...document.querySelectorAll('tr.check.pass')].filter(r => r.getBoundingClientRect().height > 0).length;
report.studentsShown = [...document.querySelectorAll('details.student')].filter(d => d.getBoundingClientRect().height > 0).length;
document.body.setAttribute('data-report', JSON.stringify(report));
</script>"""


def measured(chromium: str, page: str, control: str, tmp_path: Path, name: str) -> dict:
    path = tmp_path / f"{name}.html"
    path.write_text(page.replace("</body>", MEASURE % (control, "true") + "</body>"), encoding="utf-8")
    dom = browser.dump_dom(chromium, path, tmp_path / f"profile-{name}")
    start = dom.index("data-report=\"") + len("data-report=\"")
    return json.loads(dom[start:dom.index('"', start)].replace("&quot;", '"'))


@pytest.fixture(scope="module")
def chromium():
    return browser.chromium()


def long_class() -> RunResult:
    arn = "arn:aws:lambda:us-east-1:123456789012:layer:LambdaInsightsExtension:53"
    wide = check("4.7", F, 1, "none of your functions has a LambdaInsightsExtension layer " + "x" * 150,
                 "aws lambda update-function-configuration --function-name layer-consumer-kim7 --layers " + arn * 3)
    base = kim()
    widened = (base.tasks[0], TaskResult(4, "Async destinations", (check("4.1", P, 9), wide)), base.tasks[2])
    done = tuple(TaskResult(t.number, t.title, tuple(check(c.id, P, c.max_points) for c in t.checks))
                 for t in base.tasks)
    return run_of(base, kim("wide", tasks=widened), kim("done1", tasks=done, notes=()))


def test_html_controls_and_layout_in_chromium(chromium, tmp_path):
    page = FORMATS["html"].text(long_class())
    expanded = measured(chromium, page, "expand-all", tmp_path, "expand")
    assert all(expanded["open"]), expanded  # every student's checks are shown
    assert all(width <= 1 for width in expanded["overflow"]), expanded  # check tables fit their card
    failures = measured(chromium, page, "failures-only", tmp_path, "failures")
    assert failures["passRows"] == 0 and failures["studentsShown"] == 2, failures  # done1 passed everything
    (tmp_path / "shot.html").write_text(page.replace('id="expand-all"', 'id="expand-all" checked'), encoding="utf-8")
    shot = browser.screenshot(chromium, tmp_path / "shot.html", tmp_path / "profile-shot", tmp_path / "report.png")
    assert shot.stat().st_size > 10_000
    if os.environ.get("KEEP_SCREENSHOTS"):
        import shutil

        shutil.copy(shot, os.environ["KEEP_SCREENSHOTS"])
