"""Reports another student cannot break (issue 24.6). In a shared training account a classmate names and
describes resources as they like, and those values reach a student's messages and fixes: a run of
backticks must not close the markdown fence, XML-invalid characters must not make the class's JUnit file
unparseable, and newlines or bidirectional controls must not draw a line of their own (a fake score line)
in the terminal table, the markdown summary or the HTML report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult
from grader.render import FORMATS
from grader.render.sanitize import fence, one_line, visible

FAKE = "Score 100/100 — PASSED (pass mark 70)"
BIDI = ["\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
XML_INVALID = ["\ufffe", "\uffff", "\x00", "\x0b", "\ud800", "\udfff"]
BREAKS = ["\n", "\r", "\u2028", "\u2029", "\x85"]


def student(message: str, hint: str | None = None, note: str = "", name: str | None = None) -> StudentResult:
    check = CheckResult("12.1", "At least 3 alarms", Status.FAIL, 0.0, 4, message, hint)
    return StudentResult(
        "kim7",
        "123456789012",
        "us-east-1",
        (TaskResult(12, "CloudWatch alarms", (check,)),),
        70.0,
        (note,) if note else (),
        name=name,
    )


def run_of(*students: StudentResult) -> RunResult:
    return RunResult("lambda_medium", "Lambda Medium", 70.0, students)


# --- markdown: the fence ---------------------------------------------------------------------------


@pytest.mark.parametrize("backticks", [3, 4, 5, 9])
def test_a_run_of_backticks_in_a_hint_does_not_close_the_fence(backticks):
    ticks = "`" * backticks
    hint = (
        f"aws cloudwatch put-metric-alarm --alarm-description 'x\n{ticks}\n\n## {FAKE}\n"
        f"[link](https://example.invalid) ![img](https://example.invalid/i.png)\n{ticks}bash\n'"
    )
    text = FORMATS["markdown"].text(run_of(student("no alarms", hint)))
    tokens = MarkdownIt("commonmark").parse(text)
    code = [t for t in tokens if t.type == "fence"]
    assert len(code) == 1 and code[0].content.rstrip("\n") == "\n".join(visible(hint).split("\n"))
    outside = [t for t in tokens if t.type not in ("fence",) and t.type == "inline"]
    assert not any(FAKE in t.content for t in outside)
    assert not any(t.type in ("heading_open",) and t.tag == "h2" and t.map and t.map[0] > 0 for t in tokens[2:])
    assert not any(child.type in ("link_open", "image") for t in outside for child in t.children or [])


def test_the_fence_is_longer_than_any_run_inside():
    assert fence("plain") == "```" and fence("a ``` b") == "````" and fence("`````` x ``") == "```````"


# --- JUnit: what XML cannot carry --------------------------------------------------------------------


@pytest.mark.parametrize("char", XML_INVALID)
def test_xml_invalid_characters_leave_the_junit_file_parseable(char):
    hostile = f"alarm{char}name"
    run = run_of(
        student(f"{hostile} watches nothing", f"aws x --name '{hostile}'", note=f"note {hostile}", name=f"Kim {char}")
    )
    root = ET.fromstring(FORMATS["junit"].text(run).encode("utf-8", "surrogatepass"))  # expat: strict XML 1.0
    failure = next(root.iter("failure"))
    assert "alarm" in failure.get("message") and char not in failure.get("message")
    assert "\\u" in failure.get("message") or "\\x" in failure.get("message")  # shown, not dropped silently


# --- one line is one line: table, markdown, HTML -----------------------------------------------------


def lines_of(fmt: str, run: RunResult) -> list[str]:
    text = FORMATS[fmt].text(run, width=100) if fmt == "table" else FORMATS[fmt].text(run)
    if fmt == "html":
        parser = Texts()
        parser.feed(text)
        return parser.blocks
    return text.splitlines()


class Texts(HTMLParser):
    """The text of each element of a page, as a browser lays out block by block (line breaks in ``pre``)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        self.pre += tag == "pre"

    def handle_endtag(self, tag):
        self.pre -= tag == "pre"

    def handle_data(self, data):
        self.blocks += data.split("\n") if self.pre else [" ".join(data.split())]


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
@pytest.mark.parametrize("brk", BREAKS)
def test_a_value_cannot_draw_a_line_of_its_own(fmt, brk):
    hostile = f"alarm{brk}{FAKE}"
    run = run_of(student(f"{hostile} watches nothing", note=f"see {hostile}", name=f"Kim{brk}{FAKE}"))
    found = [line for line in lines_of(fmt, run) if line.strip().startswith(FAKE)]
    assert found == [], found
    several = run_of(student(f"{hostile}", note=f"see {hostile}", name=f"Kim{brk}{FAKE}"), student("ok"))
    assert [line for line in lines_of(fmt, several) if line.strip().startswith(FAKE)] == []


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "junit"])
@pytest.mark.parametrize("char", BIDI)
def test_bidirectional_controls_do_not_reach_a_report(fmt, char):
    hostile = f"{char}07/001 erocS{char}"
    one = run_of(student(f"alarm {hostile}", f"aws x --name '{hostile}'", note=hostile, name=hostile))
    several = run_of(student(hostile, note=hostile, name=hostile), student("ok"))
    for run in (one, several):
        text = FORMATS[fmt].text(run)
        assert char not in text
        assert f"\\u{ord(char):04x}" in text  # shown, so the reader sees something is there


def test_one_line_and_visible():
    assert visible("a\tb\nc\x1b[2J\u202e") == "a\tb\nc\\x1b[2J\\u202e"
    assert one_line("a\tb\nc\r\u2028") == "a\\tb\\nc\\x0d\\u2028"
    assert visible("\U0001fffe\ufdd0é李") == "\\U0001fffe\\ufdd0é李"
    assert re.fullmatch(r"[ -~]*", one_line("".join(chr(c) for c in range(0x20)) + "\x7f"))
