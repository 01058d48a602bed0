"""The student's view: one table per student, a row per task, the failed checks and their fixes under it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader import shell
from grader.model import RunResult, Status, StudentResult, TaskResult
from grader.render.common import MARKS, REFERENCE_LABEL, SKIPPED_MARK, skipped_groups, skipped_line, to_fix
from grader.render.sanitize import one_line, visible

STYLES = {Status.PASS: "green", Status.PARTIAL: "yellow", Status.FAIL: "red", Status.ERROR: "magenta",
          Status.WARN: "yellow"}


PIPE_WIDTH = 160  # no terminal: lay out on a wide page (lines are not padded to it)
NOT_GRADED = "not graded:"  # the student's note says why once; no need to repeat it per check


def _points(value: float) -> str:
    return f"{value:g}"


def _status(status: Status) -> Text:
    mark, style = MARKS[status], STYLES[status]
    return Text(f"{mark} {status.value.upper()}", style=style)


def fix_lines(hint: str, width: int | None, indent: int) -> list[Text]:
    """A fix as printed: each command whole (broken with ``\\`` continuations to fit a terminal, never
    inside a word), each ``#`` line dim."""
    lines: list[Text] = []
    for number, raw in enumerate(visible_lines(hint)):
        label = "fix: " if number == 0 else "     "
        for part_number, part in enumerate(shell.lay_out(raw, width, indent + len(label))):
            text = Text(" " * indent)
            text.append(label if part_number == 0 else "     ", style="cyan")
            text.append(part, style="dim" if raw.startswith("#") else None)
            lines.append(text)
    return lines


def indented(line: Text, indent: int, width: int | None) -> Any:
    """Prose under a row: on a terminal wrapped to its width with a hanging indent; in a pipe or file one
    line, as a fix is (a reader of the text, or ``grep``, gets each message whole)."""
    if width is None:
        return Text(" " * indent).append_text(line)
    return Padding(line, (0, 0, 0, indent))


def visible_lines(text: str) -> list[str]:
    return [visible(line) for line in text.split("\n")]


class StudentView:
    """The student's view, line by line: a row per task, and under it what to fix and what is skipped.

    Laid out by hand (not a rich table), so that a fix is never wrapped inside a word: a command too long
    for the terminal is continued with ``\\`` and still pastes as one command.
    """

    def __init__(self, student: StudentResult, width: int | None, only_tasks: tuple[int, ...] | None = None) -> None:
        self.student = student
        self.width = width
        self.only_tasks = only_tasks  # --task: the tasks asked for, each shown as a whole run shows it
        tasks = student.tasks
        self.title_width = max([len("Task"), *(len(t.title) for t in tasks)])
        self.points_width = max([len("Points"), *(len(f"{_points(t.score)}/{_points(t.max_score)}") for t in tasks)])

    def row(self, number: str, title: Text, points: str, status: Text) -> Text:
        line = Text(f"{number:>2}  ", style="dim")
        line.append_text(title)
        line.append(" " * (self.title_width - len(title.plain) + 2))
        line.append(f"{points:>{self.points_width}}  ")
        line.append_text(status)
        return line

    def task_status(self, task: TaskResult) -> Text:
        if task.status is Status.FAIL and task.checks and all(c.skipped for c in task.checks):
            return Text(f"{SKIPPED_MARK} SKIPPED", style="dim")
        return _status(task.status)

    def details(self, task: TaskResult) -> list[Any]:
        lines: list[Any] = []
        previous_hint = None
        for check in to_fix(task.checks):
            if check.message.startswith(NOT_GRADED):
                continue
            mark, style = MARKS[check.status], STYLES[check.status]
            line = Text()
            line.append(f"{mark} {check.id} ", style=style)
            line.append(one_line(check.title), style="bold")
            line.append(" — ")
            line.append(one_line(check.message))
            lines.append(indented(line, DETAIL_INDENT, self.width))
            if check.hint and check.hint == previous_hint:
                lines.append(Text(" " * (DETAIL_INDENT + 2) + "fix: the same as above", style="cyan"))
            elif check.hint:
                lines.extend(fix_lines(check.hint, self.width, DETAIL_INDENT + 2))
            previous_hint = check.hint or previous_hint
        for root, ids in skipped_groups(task.checks):
            lines.append(Text(" " * DETAIL_INDENT + f"{SKIPPED_MARK} {skipped_line(root, ids)}", style="dim"))
        return lines

    def lines(self) -> list[Any]:
        out: list[Any] = [self.row("#", Text("Task"), "Points", Text("Status")),
                          Text("─" * (4 + self.title_width + 2 + self.points_width + 2 + 10), style="dim")]
        # Nothing done at all: every task's first step is not news. Show the first task's in full and say
        # where the rest are, instead of sixty lines of "does not exist". Not for --task: a task asked for
        # is shown whole, as it is once the student gets there.
        nothing_done = (self.only_tasks is None and self.student.complete
                        and not any(c.status is Status.PASS for t in self.student.tasks for c in t.checks))
        shown_details = False
        for task in self.student.tasks:
            out.append(self.row(str(task.number), Text(task.title, style="bold"),
                                f"{_points(task.score)}/{_points(task.max_score)}", self.task_status(task)))
            if nothing_done and shown_details:
                continue
            details = self.details(task)
            out.extend(details)
            shown_details = shown_details or bool(details)
        if nothing_done and len(self.student.tasks) > 1:
            out.append(Text("Start with the first task; each task's fix appears here as you get to it "
                            "(or now, for task N: --task N).", style="yellow"))
        return out


DETAIL_INDENT = 4


def score_line(student: StudentResult) -> Text:
    verdict, style = ("PASSED", "bold green") if student.passed else ("NOT PASSED", "bold red")
    line = Text(f"Score {_points(student.score)}/{_points(student.max_score)} — ")
    line.append(verdict, style=style)
    line.append(f" (pass mark {_points(student.pass_mark)})")
    if not student.complete:
        line.append("  — incomplete: some checks could not be read (see ! rows)", style="magenta")
    return line


def class_table(run: RunResult, width: int | None = None) -> Group:
    """One row per student, one mark per task; then per-task pass rates, mean and median."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                  title=f"{run.title} — class of {len(run.students)}")
    table.add_column("Student", no_wrap=True)
    named = run.has_names  # without a roster's names, no empty column
    if named:
        table.add_column("Name", overflow="fold")
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Passed", no_wrap=True)
    tasks = run.students[0].tasks if run.students else ()
    for task in tasks:
        table.add_column(str(task.number), justify="center", no_wrap=True)
    for student in run.students:
        marks = []
        for task in student.tasks:
            mark, style = MARKS[task.status], STYLES[task.status]
            marks.append(Text(mark, style=style))
        passed = Text("yes", style="green") if student.passed else Text("no", style="red")
        if not student.complete:
            passed = Text("incomplete", style="magenta")
        name = [Text(one_line(student.name or ""))] if named else []
        table.add_row(Text(one_line(student.student_id)), *name,
                      f"{_points(student.score)}/{_points(student.max_score)}", passed, *marks)
    rates = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title="Full marks per task",
                  title_justify="left")
    rates.add_column("#", justify="right")
    rates.add_column("Task")
    rates.add_column("Students", justify="right")
    rates.add_column("%", justify="right")
    worst = {r.number for r in run.hardest()}
    for rate in run.task_rates:
        style = "bold red" if rate.number in worst else None
        rates.add_row(str(rate.number), Text(rate.title, style=style), f"{rate.full_marks}/{rate.students}",
                      Text(f"{rate.percent:g}", style=style))
    line = Text(f"{run.passed_count} of {len(run.students)} passed · mean {run.mean_score:g} · "
                f"median {run.median_score:g} (pass mark {_points(run.pass_mark)})", style="bold")
    parts: list[Any] = [table, Text(""), rates, Text(""), line]
    noted = [(s, note) for s in run.students for note in s.notes]
    if noted:
        parts += [Text(""), Text("Notes", style="bold")]
        for student, note in noted:
            entry = Text(f"{one_line(student.student_id)}: ", style="bold")
            entry.append(one_line(note), style="yellow")
            parts.append(indented(entry, 2, width))
    return Group(*parts)


def capture(draw: Callable[[Console], None], *, color: bool = False, width: int | None = None) -> str:
    """What ``draw`` prints on a console, as text: colour codes only with ``color``; laid out in ``width``
    columns (a terminal's), or for a pipe on a wide page with each line ending at its content."""
    buffer = io.StringIO()
    # Every setting explicit: nothing from the environment (NO_COLOR, COLUMNS, TERM) changes the text.
    console = Console(file=buffer, width=width or PIPE_WIDTH, color_system="standard" if color else None,
                      force_terminal=color, no_color=not color, force_jupyter=False, force_interactive=False,
                      legacy_windows=False, highlight=False)
    draw(console)
    # No line ends in spaces: padding to the width (a hanging indent's) is not text, coloured or not.
    return "\n".join(ended(line) for line in buffer.getvalue().split("\n"))


TAIL = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$")  # spaces and colour codes at the end of a line
CODE = re.compile(r"\x1b\[[0-9;]*m")


def ended(line: str) -> str:
    """The line ending at its content: trailing spaces go, the colour codes among them stay (in order)."""
    tail = TAIL.search(line)
    return line if tail is None else line[:tail.start()] + "".join(CODE.findall(tail.group()))


def text(run: RunResult, *, color: bool = False, width: int | None = None) -> str:
    return capture(lambda console: render(run, console, width), color=color, width=width)


def render(run: RunResult, console: Console, width: int | None = None) -> None:
    if run.reference:
        console.print(Text(REFERENCE_LABEL, style="bold reverse"))
    if len(run.students) > 1:
        console.print(class_table(run, width), soft_wrap=width is None)
        return
    for student in run.students:
        header = Text(f"{run.title}\n", style="bold")
        who = "" if student.student_id == student.account else f"student {student.student_id} · "  # unlabelled
        header.append(one_line(f"{who}account {student.account} · region {student.region}"))
        if run.only_tasks is not None:
            header.append(f" · tasks {', '.join(map(str, run.only_tasks))} only", style="yellow")
        console.print(header)
        for note in student.notes:
            console.print(Text(f"Note: {one_line(note)}", style="yellow"), soft_wrap=width is None)
        console.print()
        for line in StudentView(student, width, run.only_tasks).lines():
            # Fix lines are laid out above: never wrapped or cut again (the terminal shows an over-long word whole).
            console.print(line, soft_wrap=isinstance(line, Text), crop=False)
        console.print()
        console.print(score_line(student))
        console.print()
