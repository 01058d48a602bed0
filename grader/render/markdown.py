"""GitHub-flavoured markdown, e.g. for ``$GITHUB_STEP_SUMMARY``: class summary and pass rates."""

from __future__ import annotations

from grader.model import RunResult
from grader.render.common import MARKS, REFERENCE_LABEL, SKIPPED_MARK, skipped_groups, skipped_line, to_fix
from grader.render.sanitize import fence, visible


def cell(value: object) -> str:
    """Text safe in a table cell: no pipes, no line breaks, no HTML, no markdown emphasis."""
    text = visible(value)
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("*", "\\*"),
                          ("_", "\\_"), ("`", "\\`"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(char, escaped)
    return " ".join(text.split())


def roster_columns(run: RunResult) -> list[str]:
    """The roster's own columns (``section``...) that any student of the run carries."""
    return list(dict.fromkeys(key for s in run.students for key, _ in s.extra))


def hardest_line(run: RunResult) -> str:
    """``Hardest: task 3 (10%), 2 tasks tied at 20% (5, 7)``: ties said as ties, never cut at an arbitrary one."""
    parts = []
    for percent, rates in run.hardest_groups():
        if len(rates) == 1:
            parts.append(f"task {rates[0].number} ({percent:g}%)")
        elif len(rates) <= 5:
            parts.append(f"{len(rates)} tasks tied at {percent:g}% ({', '.join(str(r.number) for r in rates)})")
        else:
            parts.append(f"{len(rates)} tasks tied at {percent:g}%")
    return "Hardest: " + ", ".join(parts) if parts else ""


def text(run: RunResult) -> str:
    lines = [f"## {cell(run.title)}", ""]
    if run.reference:
        lines += [f"> **{cell(REFERENCE_LABEL)}**", ""]
    lines += [f"**{run.passed_count} of {len(run.students)} passed** · mean {run.mean_score:g} · "
              f"median {run.median_score:g} · pass mark {run.pass_mark:g}", ""]
    tasks = run.students[0].tasks if run.students else ()
    extra = roster_columns(run)
    named = run.has_names  # without a roster's names, no empty column
    lines.append("| Student | " + ("Name | " if named else "") + "".join(f"{cell(c)} | " for c in extra)
                 + "Score | Passed | " + " | ".join(str(t.number) for t in tasks) + " |")
    lines.append("|---|" + ("---|" if named else "") + "---|" * len(extra) + "---:|---|"
                 + "|".join(":-:" for _ in tasks) + "|")
    for student in run.students:
        passed = "yes" if student.passed else "no"
        if not student.complete:
            passed = "incomplete"
        marks = " | ".join(MARKS[t.status] for t in student.tasks)
        values = dict(student.extra)
        lines.append(f"| {cell(student.student_id)} | " + (f"{cell(student.name or '')} | " if named else "")
                     + "".join(f"{cell(values.get(c, ''))} | " for c in extra)
                     + f"{student.score:g}/{student.max_score:g} | {passed} | {marks} |")
    lines += ["", "✓ full marks · ◐ partial · ✗ none · ! could not be read", "", "### Full marks per task", "",
              "| # | Task | Students | % |", "|---:|---|---:|---:|"]
    for rate in run.task_rates:
        lines.append(f"| {rate.number} | {cell(rate.title)} | {rate.full_marks}/{rate.students} | {rate.percent:g} |")
    hardest = hardest_line(run)
    if hardest:
        lines += ["", hardest]
    noted = [(s, note) for s in run.students for note in s.notes]
    if noted:
        lines += ["", "### Notes", ""]
        lines += [f"- **{cell(s.student_id)}**: {cell(note)}" for s, note in noted]
    if len(run.students) == 1:
        student = run.students[0]
        if any(to_fix(t.checks) or skipped_groups(t.checks) for t in student.tasks):
            lines += ["", "### To fix", ""]
        for task in student.tasks:
            for check in to_fix(task.checks):
                lines.append(f"- **{check.id}** {cell(check.title)}: {cell(check.message)}")
                if check.hint:
                    # A fenced block: copied as it is, whatever the command holds (no run of backticks
                    # in it as long as the fence, which would close it early).
                    shown = visible(check.hint)
                    marks = fence(shown)
                    lines += ["", f"  {marks}bash", *[f"  {line}" for line in shown.split("\n")], f"  {marks}", ""]
            for root, ids in skipped_groups(task.checks):
                lines.append(f"- {SKIPPED_MARK} {cell(skipped_line(root, ids))}")
    return "\n".join(lines) + "\n"
