"""GitHub-flavoured markdown, e.g. for ``$GITHUB_STEP_SUMMARY``: class summary and pass rates."""

from __future__ import annotations

from grader.model import RunResult, Status
from grader.render import MARKS
from grader.render.sanitize import visible


def cell(value: object) -> str:
    """Text safe in a table cell: no pipes, no line breaks, no HTML, no markdown emphasis."""
    text = visible(value)
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("*", "\\*"),
                          ("_", "\\_"), ("`", "\\`"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(char, escaped)
    return " ".join(text.split())


def text(run: RunResult) -> str:
    lines = [f"## {cell(run.title)}", "",
             f"**{run.passed_count} of {len(run.students)} passed** · mean {run.mean_score:g} · "
             f"median {run.median_score:g} · pass mark {run.pass_mark:g}", ""]
    tasks = run.students[0].tasks if run.students else ()
    lines.append("| Student | Name | Score | Passed | " + " | ".join(str(t.number) for t in tasks) + " |")
    lines.append("|---|---|---:|---|" + "|".join(":-:" for _ in tasks) + "|")
    for student in run.students:
        passed = "yes" if student.passed else "no"
        if not student.complete:
            passed = "incomplete"
        marks = " | ".join(MARKS[t.status] for t in student.tasks)
        lines.append(f"| {cell(student.student_id)} | {cell(student.name or '')} | "
                     f"{student.score:g}/{student.max_score:g} | {passed} | {marks} |")
    lines += ["", "✓ full marks · ◐ partial · ✗ none · ! could not be read", "", "### Full marks per task", "",
              "| # | Task | Students | % |", "|---:|---|---:|---:|"]
    for rate in run.task_rates:
        lines.append(f"| {rate.number} | {cell(rate.title)} | {rate.full_marks}/{rate.students} | {rate.percent:g} |")
    hardest = run.hardest()
    if hardest:
        lines += ["", "Hardest: " + ", ".join(f"task {r.number} ({r.percent:g}%)" for r in hardest)]
    if len(run.students) == 1:
        student = run.students[0]
        failed = [c for t in student.tasks for c in t.checks if c.status is not Status.PASS]
        if failed:
            lines += ["", "### To fix", ""]
            for check in failed:
                fix = f" — fix: `{check.hint.replace('`', '')}`" if check.hint else ""
                lines.append(f"- **{check.id}** {cell(check.title)}: {cell(check.message)}{fix}")
    return "\n".join(lines) + "\n"
