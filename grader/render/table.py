"""The student's view: one table per student, a row per task, the failed checks and their fixes under it."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.model import CheckResult, RunResult, Status, StudentResult
from grader.render import MARKS
from grader.render.sanitize import visible

STYLES = {Status.PASS: "green", Status.PARTIAL: "yellow", Status.FAIL: "red", Status.ERROR: "magenta",
          Status.WARN: "yellow"}


PIPE_WIDTH = 160  # no terminal: lay out on a wide page (lines are not padded to it)
NOT_GRADED = "not graded:"  # the student's note says why once; no need to repeat it per check


def _points(value: float) -> str:
    return f"{value:g}"


def _status(status: Status) -> Text:
    mark, style = MARKS[status], STYLES[status]
    return Text(f"{mark} {status.value.upper()}", style=style)


def _check_detail(check: CheckResult, hint_shown_above: bool) -> Group:
    # Every dynamic string goes in as plain Text: nothing read from AWS is parsed as markup.
    mark, style = MARKS[check.status], STYLES[check.status]
    line = Text()
    line.append(f"{mark} {check.id} ", style=style)
    line.append(visible(check.title), style="bold")
    line.append(" — ")
    line.append(visible(check.message))
    parts = [Padding(line, (0, 0, 0, 2))]
    if check.hint:
        fix = Text("fix: ", style="cyan")
        fix.append("the same as above" if hint_shown_above else visible(check.hint))
        parts.append(Padding(fix, (0, 0, 0, 6)))
    return Group(*parts)


def student_table(student: StudentResult) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Task", overflow="fold")
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    for task in student.tasks:
        table.add_row(str(task.number), Text(task.title, style="bold"),
                      f"{_points(task.score)}/{_points(task.max_score)}", _status(task.status))
        previous_hint = None
        for check in task.checks:
            if check.status is not Status.PASS and not check.message.startswith(NOT_GRADED):
                table.add_row("", _check_detail(check, check.hint is not None and check.hint == previous_hint), "", "")
                previous_hint = check.hint or previous_hint
    return table


def score_line(student: StudentResult) -> Text:
    verdict, style = ("PASSED", "bold green") if student.passed else ("NOT PASSED", "bold red")
    line = Text(f"Score {_points(student.score)}/{_points(student.max_score)} — ")
    line.append(verdict, style=style)
    line.append(f" (pass mark {_points(student.pass_mark)})")
    if not student.complete:
        line.append("  — incomplete: some checks could not be read (see ! rows)", style="magenta")
    return line


def class_table(run: RunResult) -> Group:
    """One row per student, one mark per task; then per-task pass rates, mean and median."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                  title=f"{run.title} — class of {len(run.students)}")
    table.add_column("Student", no_wrap=True)
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
        table.add_row(Text(visible(student.student_id)), Text(visible(student.name or "")),
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
    return Group(table, Text(""), rates, Text(""), line)


def capture(draw: Callable[[Console], None], *, color: bool = False, width: int | None = None) -> str:
    """What ``draw`` prints on a console, as text: colour codes only with ``color``; laid out in ``width``
    columns (a terminal's), or for a pipe on a wide page with each line ending at its content."""
    buffer = io.StringIO()
    # Every setting explicit: nothing from the environment (NO_COLOR, COLUMNS, TERM) changes the text.
    console = Console(file=buffer, width=width or PIPE_WIDTH, color_system="standard" if color else None,
                      force_terminal=color, no_color=not color, force_jupyter=False, force_interactive=False,
                      legacy_windows=False, highlight=False)
    draw(console)
    output = buffer.getvalue()
    if not color:
        output = "\n".join(line.rstrip() for line in output.split("\n"))
    return output


def text(run: RunResult, *, color: bool = False, width: int | None = None) -> str:
    return capture(lambda console: render(run, console), color=color, width=width)


def render(run: RunResult, console: Console) -> None:
    if len(run.students) > 1:
        console.print(class_table(run))
        return
    for student in run.students:
        header = Text(f"{run.title}\n", style="bold")
        who = "" if student.student_id == student.account else f"student {student.student_id} · "  # unlabelled
        header.append(visible(f"{who}account {student.account} · region {student.region}"))
        parts = [header]
        for note in student.notes:
            parts.append(Text(f"Note: {visible(note)}", style="yellow"))
        parts += [student_table(student), score_line(student)]
        console.print(Group(*parts))
        console.print()
