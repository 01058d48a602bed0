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


def rubric(assessment: Assessment) -> dict:
    """The rubric as data (``--explain --format json``)."""
    return {
        "assessment": assessment.name,
        "title": assessment.title,
        "max_score": float(assessment.max_score),
        "names_end_in_student_id": assessment.names_end_in_student_id,
        "tasks": [{"number": t.number, "title": t.title, "points": float(t.points), "checks": [
            {"id": c.id, "title": c.title, "points": float(c.points), "advisory": c.advisory,
             "requires": [r.id for r in c.requires]} for c in t.checks]} for t in assessment.tasks],
    }


def as_format(assessment: Assessment, fmt: str) -> str:
    import csv
    import io
    import json

    if fmt == "json":
        return json.dumps(rubric(assessment), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":  # the table of the student README's "How you are graded"
        lines = ["| Check | What is graded | Points |", "|---|---|---|"]
        for task in assessment.tasks:
            lines.append(f"| **{task.number}** | **{task.title}** | **{task.points:g}** |")
            for check in task.checks:
                note = " (advice, no points)" if check.advisory else ""
                lines.append(f"| {check.id} | {check.title}{note} | {check.points:g} |")
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["task", "check", "title", "points", "advisory", "requires"])
        for task in assessment.tasks:
            for check in task.checks:
                writer.writerow([task.number, check.id, check.title, f"{check.points:g}",
                                 "yes" if check.advisory else "no", " ".join(r.id for r in check.requires)])
        return buffer.getvalue()
    raise ValueError(f"--explain has no {fmt} format")
