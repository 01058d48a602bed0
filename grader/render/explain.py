"""``--explain``: the rubric itself (tasks, checks, points), read from the check modules, no AWS."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.render.table import capture
from grader.rubric import Assessment


def text(assessment: Assessment, *, color: bool = False, width: int | None = None) -> str:
    return capture(lambda console: render(assessment, console), color=color, width=width)


def render(assessment: Assessment, console: Console) -> None:
    table = Table(title=f"{assessment.title} — {assessment.max_score:g} points", box=box.SIMPLE_HEAD,
                  title_justify="left")
    table.add_column("Check", no_wrap=True)
    table.add_column("What is graded")
    table.add_column("Points", justify="right", no_wrap=True)
    for task in assessment.tasks:
        table.add_row(Text(f"Task {task.number}", style="bold"), Text(task.title, style="bold"), f"{task.points:g}")
        for check in task.checks:
            note = " (advice, no points)" if check.advisory else ""
            table.add_row(check.id, Text(check.title + note), f"{check.points:g}")
    console.print(table)
    naming = ("Names end in -<student-id>; <id> above stands for yours." if assessment.names_end_in_student_id else
              "Names are fixed (one student per account); a student ID only labels the result.")
    console.print(f"{naming} Pass mark: 70% unless the instructor sets --pass-mark.")
