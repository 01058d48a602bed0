"""The student's view: one table per student, a row per task, the failed checks and their fixes under it."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.model import CheckResult, RunResult, Status, StudentResult

MARKS = {
    Status.PASS: ("✓", "green"),
    Status.PARTIAL: ("◐", "yellow"),
    Status.FAIL: ("✗", "red"),
    Status.ERROR: ("!", "magenta"),
    Status.WARN: ("⚠", "yellow"),
}


def _points(value: float) -> str:
    return f"{value:g}"


def _status(status: Status) -> Text:
    mark, style = MARKS[status]
    return Text(f"{mark} {status.value.upper()}", style=style)


def _check_detail(check: CheckResult, hint_shown_above: bool) -> Group:
    # Every dynamic string goes in as plain Text: nothing read from AWS is parsed as markup.
    mark, style = MARKS[check.status]
    line = Text()
    line.append(f"{mark} {check.id} ", style=style)
    line.append(check.title, style="bold")
    line.append(" — ")
    line.append(check.message)
    parts = [Padding(line, (0, 0, 0, 2))]
    if check.hint:
        fix = Text("fix: ", style="cyan")
        fix.append("the same as above" if hint_shown_above else check.hint)
        parts.append(Padding(fix, (0, 0, 0, 6)))
    return Group(*parts)


def student_table(run: RunResult, student: StudentResult) -> Table:
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
            if check.status is not Status.PASS:
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


def render(run: RunResult, console: Console) -> None:
    for student in run.students:
        header = Text(f"{run.title}\n", style="bold")
        header.append(f"student {student.student_id} · account {student.account} · region {student.region}")
        parts = [header]
        for note in student.notes:
            parts.append(Text(f"Note: {note}", style="yellow"))
        parts += [student_table(run, student), score_line(student)]
        console.print(Group(*parts))
        console.print()
