"""The registry of formats and what each renderer promises, over the run built by hand (no emulator)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grader import cli
from grader.model import StudentResult
from grader.render import FORMATS, Renderer, print_run, report_formats, roster_formats, stdout_formats, write_report
from grader.render.csv_format import safe
from grader.run import RunError, parse_reports

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_registry_lists_each_format_once():
    assert all(name == renderer.name and isinstance(renderer, Renderer) for name, renderer in FORMATS.items())
    assert len({type(r) for r in FORMATS.values()}) == len(FORMATS)  # one class per format
    assert stdout_formats() == ("table", "json", "markdown", "csv")  # table, the default, first
    assert sorted(report_formats()) == ["canvas", "csv", "gradescope", "html", "json", "junit", "markdown", "moodle"]
    assert roster_formats() == ("canvas", "moodle")  # the LMS imports list the class from its roster
    for renderer in FORMATS.values():  # what the server serves a download as: every format says it
        assert renderer.label and renderer.media_type.count("/") == 1 and renderer.extension
    for names in (stdout_formats(), report_formats()):
        assert len(set(names)) == len(names)


def test_the_cli_takes_its_format_names_from_the_registry():
    command = cli.make_assessment_command("lambda_medium")
    choice = next(p for p in command.params if p.name == "output_format").type
    assert tuple(choice.choices) == stdout_formats()
    for name, renderer in FORMATS.items():
        if renderer.needs_roster:
            with pytest.raises(RunError, match="pass --roster FILE"):
                parse_reports((f"{name}=out.{name}",))
            assert parse_reports((f"{name}=out.{name}",), roster="r.csv")[0][0] == name
        elif name in report_formats():
            assert parse_reports((f"{name}=out.{name}",))[0][0] == name
        else:
            with pytest.raises(RunError, match="FORMAT=PATH"):
                parse_reports((f"{name}=out.{name}",))


def test_json_parses_and_carries_evidence(class_run):
    data = json.loads(FORMATS["json"].text(class_run),
                      parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    checks = {(s["student_id"], c["id"]): c for s in data["students"] for t in s["tasks"] for c in t["checks"]}
    assert all("evidence" in c for c in checks.values())
    assert checks["bob7", "1.2"]["evidence"] == {
        "layers": [], "missing": ["APP_ENV", "TABLE"], "tags": {"Owner": "<script>x</script>", "Cost": ["a", 1]},
        "code": "/var/task/app.py", "thing": "<Opaque thing>"}
    assert checks["alice42", "2.1"]["evidence"] == {"variables": ["APP_ENV", "LOG_LEVEL", "TABLE"]}
    assert checks["carol-3", "1.1"]["evidence"] == {}
    # --resume reads it back: the students come back as they went out.
    for student in data["students"]:
        assert StudentResult.from_dict(student, data["pass_mark"]).to_dict() == student


def test_html_lists_evidence_escaped(class_run):
    page = FORMATS["html"].text(class_run)
    assert "<script" not in page  # not from a note, a message, a name or evidence
    assert "<li>missing: <code>[&quot;APP_ENV&quot;, &quot;TABLE&quot;]</code></li>" in page
    assert "<li>tags: <code>{&quot;Owner&quot;: &quot;&lt;script&gt;x&lt;/script&gt;&quot;" in page
    assert page.count('<ul class="evidence">') == sum(
        1 for s in class_run.students for t in s.tasks for c in t.checks if c.evidence)
    assert "\x1b" not in page and "\\x1b[2J" in page  # the escape sequence in carol's note is shown as text


def test_csv_neutralises_formulas(class_run):
    rows = list(csv.DictReader(io.StringIO(FORMATS["csv"].text(class_run))))
    bob = next(r for r in rows if r["student_id"] == "bob7")
    assert bob["name"] == "'=cmd|' /C calc'!A0" and bob["email"] == "'+bob@school.example"
    assert bob["score"] == "8" and bob["percent"] == "53.33"  # numbers stay numbers
    assert rows[0]["name"] == "Zoë Ångström 李小龍"
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe(cell) == "'" + cell
    assert safe("a=b") == "a=b" and safe(5) == 5


def test_junit_is_well_formed_xml(class_run):
    root = ET.fromstring(FORMATS["junit"].text(class_run).encode("utf-8"))
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("18", "3", "6", "1")


def test_printed_to_a_pipe_no_colour_and_no_padding(class_run, one_student_run):
    for run in (class_run, one_student_run):
        stream = io.StringIO()
        print_run("table", run, stream)
        lines = stream.getvalue().splitlines()
        assert "\x1b" not in stream.getvalue()
        assert all(line == line.rstrip() for line in lines)
        assert max(len(line) for line in lines) < 160  # not padded to the page it is laid out on


def test_printed_on_a_terminal_colour_and_its_width(one_student_run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    monkeypatch.delenv("NO_COLOR", raising=False)
    stream = Terminal()
    print_run("table", one_student_run, stream)
    coloured = stream.getvalue()
    assert ANSI.search(coloured)
    plain = ANSI.sub("", coloured)
    assert max(len(line) for line in plain.splitlines()) <= 72
    assert [line.rstrip() for line in plain.splitlines()] == FORMATS["table"].text(one_student_run, width=72).splitlines()
    monkeypatch.setenv("NO_COLOR", "1")
    stream = Terminal()
    print_run("table", one_student_run, stream)
    assert "\x1b" not in stream.getvalue()


def test_machine_readable_output_is_never_coloured(class_run, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    for fmt in ("json", "csv", "markdown"):
        stream = Terminal()
        print_run(fmt, class_run, stream)
        assert stream.getvalue() == FORMATS[fmt].text(class_run)


def test_a_format_goes_only_where_it_may(class_run, tmp_path):
    with pytest.raises(ValueError):
        print_run("junit", class_run, io.StringIO())
    with pytest.raises(ValueError):
        write_report("table", class_run, tmp_path / "t.txt", several=True)
    with pytest.raises(ValueError, match="one student"):
        FORMATS["gradescope"].text(class_run)  # a class is a folder: write(several=True)


def test_write_report_replaces_the_file_whole(class_run, one_student_run, tmp_path):
    path = tmp_path / "report.json"
    write_report("json", class_run, path, several=True)
    write_report("json", one_student_run, path, several=False)
    assert json.loads(path.read_text(encoding="utf-8"))["summary"]["students"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind
    write_report("gradescope", one_student_run, tmp_path / "results.json", several=False)
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["score"] == 8


RUN = ("from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult\n"
       "check = CheckResult('1.1', 'c', Status.FAIL, 0, 1, 'm', 'h', {'k': {'v'}})\n"
       "run = RunResult('a', 'A', 70, (StudentResult('s', '1', 'us-east-1', (TaskResult(1, 'T', (check,)),), 70),))\n")


def rich_loaded_after(code: str) -> bool:
    script = "import sys\n" + RUN + code + "\nprint('rich' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] == "True"


def test_json_and_file_formats_never_import_rich(tmp_path):
    assert not rich_loaded_after("import grader.cli\nfrom grader.render import print_run\nprint_run('json', run)")
    written = "; ".join(f"write_report({name!r}, run, Path({str(tmp_path / name)!r}), several=False, roster=roster)"
                        for name in report_formats())  # the gradebooks (needs_roster) with the class's roster
    assert not rich_loaded_after("from pathlib import Path\nfrom grader.render import Roster, write_report\n"
                                 "from grader.roster import Student\nroster = Roster((Student('s'),), 1.0)\n"
                                 f"{written}")
    assert rich_loaded_after("from grader.render import FORMATS\nFORMATS['table'].text(run)")  # the check can fail
