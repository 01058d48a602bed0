"""One self-contained HTML page for instructors: summary, charts (inline SVG), every student's detail.

No scripts, fonts or images from anywhere: it opens offline and from an e-mail attachment. Its two
controls (only what is not passed; every student expanded) are checkboxes and CSS (``:has()``,
``::details-content``), no script.
Every string from AWS or the roster goes through ``escape``.
"""

from __future__ import annotations

import json
from html import escape as _escape

from grader.model import CheckResult, RunResult, Status, StudentResult, json_safe
from grader.render.common import MARKS, REFERENCE_LABEL, SKIPPED_MARK, id_list, skipped_groups, skipped_line
from grader.render.sanitize import one_line, visible


def escape(value: str) -> str:
    """Text of one line (a message, a name, a note) for the page: escaped, nothing unsafe or line-breaking."""
    return _escape(one_line(value))


def escape_line(value: str) -> str:
    """One line of a fix (its own line in the page's ``pre``)."""
    return _escape(visible(value))

STATUS_CLASS = {Status.PASS: "pass", Status.PARTIAL: "partial", Status.FAIL: "fail", Status.ERROR: "error",
                Status.WARN: "warn"}

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328;max-width:72rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}.pass{color:#1a7f37}.partial{color:#9a6700}.fail{color:#cf222e}
.error{color:#8250df}.warn{color:#9a6700}.skip{color:#6e7781}
p.meta{color:#59636e;margin-top:0}p.reference{background:#fff8c5;border:1px solid #d4a72c;padding:.4rem .6rem;
border-radius:6px;font-weight:600}
details{margin:.3rem 0;border:1px solid #d0d7de;border-radius:6px;padding:.3rem .6rem;overflow-x:auto}
summary{cursor:pointer;font-weight:600}
table.checks{width:100%;table-layout:fixed}table.checks col.id{width:4.5rem}table.checks col.title{width:30%}
table.checks col.points{width:5.5rem}table.checks td{overflow-wrap:anywhere}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px;overflow-wrap:anywhere}
pre.fix{background:#f6f8fa;padding:.3rem .5rem;border-radius:4px;margin:.3rem 0 0;white-space:pre-wrap;
overflow-wrap:anywhere;font-size:.85em}pre.fix span.w{white-space:nowrap}
.charts{display:flex;gap:2rem;flex-wrap:wrap}figure{margin:0}
svg text{font-size:11px;fill:#1f2328}svg .axis{stroke:#8c959f}svg .passmark{stroke:#cf222e;stroke-dasharray:4 3}
ul.evidence{margin:.2rem 0 0;padding:0;list-style:none;font-size:.85em;color:#59636e;white-space:normal}
ul.evidence li{display:inline;margin-right:.8rem}
.controls{margin:1rem 0;display:flex;gap:1.5rem;flex-wrap:wrap}.controls label{cursor:pointer}
table#notes td:first-child{white-space:nowrap}
body:has(#failures-only:checked) tr.check.pass,body:has(#failures-only:checked) details.student.all-passed,
body:has(#failures-only:checked) table#class tr.all-passed{display:none}
body:has(#expand-all:checked) details.student::details-content{content-visibility:visible;display:block}
"""

def bar_chart(run: RunResult) -> str:
    rates = run.task_rates
    left, bar, gap, height, top = 40, 22, 8, 160, 10
    width = max(420, left + len(rates) * (bar + gap) + 10)
    parts = [f'<svg id="task-pass-rates" role="img" aria-label="Full marks per task" width="{width}" '
             f'height="{height + 45}" viewBox="0 0 {width} {height + 45}">']
    for tick in (0, 50, 100):  # the y axis: share of students with full marks
        y = top + height - round(height * tick / 100)
        parts.append(f'<line class="axis" x1="{left - 4}" y1="{y}" x2="{left}" y2="{y}"/>'
                     f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{tick}%</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + height}"/>')
    for index, rate in enumerate(rates):
        x = left + 4 + index * (bar + gap)
        h = round(height * rate.percent / 100)
        parts.append(f'<rect class="bar" data-task="{rate.number}" x="{x}" y="{top + height - h}" width="{bar}" '
                     f'height="{h}" fill="#2f81f7"><title>Task {rate.number}: {rate.full_marks}/{rate.students} '
                     f'full marks</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{height + 25}" text-anchor="middle">{rate.number}</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{top + height}" x2="{width}" y2="{top + height}"/>')
    parts.append(f'<text x="{(left + width) / 2}" y="{height + 42}" text-anchor="middle">task</text></svg>')
    return "".join(parts)


# Score bins: 0–9 % ... 80–89 %, and 90–100 % (100 % is the top bin's, not a bin of its own).
BINS = 10


def score_bin(percent: float) -> int:
    return min(int(percent // 10), BINS - 1)


def histogram(run: RunResult) -> str:
    bins = [0] * BINS
    for student in run.students:
        bins[score_bin(student.percent)] += 1
    peak = max(bins) or 1
    left, top, height, bar, gap = 40, 10, 160, 32, 4
    width = left + BINS * (bar + gap) + 10
    parts = [f'<svg id="score-histogram" role="img" aria-label="Scores" width="{width}" height="{height + 45}" '
             f'viewBox="0 0 {width} {height + 45}">']
    ticks = sorted({0, peak, (peak + 1) // 2})
    for tick in ticks:  # the y axis: students
        y = top + height - round(height * tick / peak)
        parts.append(f'<line class="axis" x1="{left - 4}" y1="{y}" x2="{left}" y2="{y}"/>'
                     f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{tick}</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + height}"/>')
    for index, count in enumerate(bins):
        x = left + 2 + index * (bar + gap)
        h = round(height * count / peak)
        low, high = index * 10, (100 if index == BINS - 1 else index * 10 + 9)
        parts.append(f'<rect class="bin" data-bin="{low}-{high}" data-count="{count}" x="{x}" y="{top + height - h}" '
                     f'width="{bar}" height="{h}" fill="#8250df"><title>{low}–{high}%: {count}</title></rect>')
    for tick in range(0, 101, 10):  # the score axis: bin edges (the last bin holds 90 to 100 inclusive)
        x = left + 2 + tick / 10 * (bar + gap) - (gap / 2 if tick else 0)
        parts.append(f'<line class="axis" x1="{x:.1f}" y1="{top + height}" x2="{x:.1f}" y2="{top + height + 4}"/>'
                     f'<text x="{x:.1f}" y="{height + 25}" text-anchor="middle">{tick}</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{top + height}" x2="{width}" y2="{top + height}"/>')
    # The pass mark, where it falls on the score axis (each bin is 10 points wide).
    mark_x = left + 2 + run.pass_mark / 10 * (bar + gap) - (gap / 2 if run.pass_mark else 0)
    parts.append(f'<line class="passmark" id="pass-mark" x1="{mark_x:.1f}" y1="{top}" x2="{mark_x:.1f}" '
                 f'y2="{top + height}"/><text x="{mark_x + 3:.1f}" y="{top + 10}">pass {run.pass_mark:g}%</text>')
    parts.append(f'<text x="{(left + width) / 2}" y="{height + 42}" text-anchor="middle">score (%)</text></svg>')
    return "".join(parts)


def evidence(check: CheckResult) -> str:
    """What the check saw, as a compact ``key: value`` list (values as in the JSON report)."""
    if not check.evidence:
        return ""
    items = "".join(
        f"<li>{escape(key)}: <code>{escape(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))}"
        f"</code></li>" for key, value in json_safe(check.evidence).items())
    return f'<ul class="evidence">{items}</ul>'


def fix_block(hint: str) -> str:
    """A fix as a block that copies as it is; a narrow card breaks lines between words, not inside
    ``--memory-size`` (a long word, such as a JSON document, may still break anywhere)."""
    lines = []
    for line in hint.split("\n"):
        words = line.split(" ")
        lines.append(" ".join(f'<span class="w">{escape_line(w)}</span>' if len(w) <= 60 else escape_line(w)
                              for w in words))
    return f'<pre class="fix">{chr(10).join(lines)}</pre>'


def check_row(check: CheckResult) -> str:
    hint = fix_block(check.hint) if check.hint else ""
    return (f'<tr class="check {STATUS_CLASS[check.status]}"><td>{escape(check.id)}</td><td>{escape(check.title)}</td>'
            f'<td class="{STATUS_CLASS[check.status]}">{escape(check.message)}{hint}{evidence(check)}</td>'
            f'<td class="n">{check.points:g}/{check.max_points:g}</td></tr>')


def student_detail(student: StudentResult) -> str:
    verdict = "passed" if student.passed else "not passed"
    rows = []
    for task in student.tasks:
        rows.append(f'<tr class="task"><th colspan="3">{task.number}. {escape(task.title)}</th>'
                    f'<td class="n {STATUS_CLASS[task.status]}">{task.score:g}/{task.max_score:g}</td></tr>')
        rows += [check_row(check) for check in task.checks if not check.skipped]
        for root, ids in skipped_groups(task.checks):  # one row for the checks that wait on one failure
            points = sum(c.max_points for c in task.checks if c.id in ids)
            rows.append(f'<tr class="check skip"><td>{escape(id_list(ids))}</td><td>{SKIPPED_MARK} skipped</td>'
                        f'<td class="skip">{escape(skipped_line(root, ids))}</td>'
                        f'<td class="n">0/{points:g}</td></tr>')
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in student.notes)
    name = f" — {escape(student.name)}" if student.name else ""
    everything = " all-passed" if student.score >= student.max_score and student.complete else ""
    roster = "".join(f", {escape(k)} {escape(v)}" for k, v in student.extra)
    return (f'<details class="student{everything}" id="student-{escape(student.student_id)}"><summary>'
            f'{escape(student.student_id)}{name}: {student.score:g}/{student.max_score:g} ({verdict})</summary>'
            f'<p>Account {escape(student.account or "?")}, region {escape(student.region)}{roster}</p>{notes}'
            '<table class="checks"><colgroup><col class="id"><col class="title"><col><col class="points"></colgroup>'
            f'{"".join(rows)}</table></details>')


def name_cell(student: StudentResult) -> str:
    return f"<td>{escape(student.name or '')}</td>"


def text(run: RunResult) -> str:
    tasks = run.students[0].tasks if run.students else ()
    named = run.has_names  # without a roster's names, no empty column
    extra = list(dict.fromkeys(key for s in run.students for key, _ in s.extra))
    roster_head = "".join(f"<th>{escape(c)}</th>" for c in extra)
    task_head = "".join(f"<th>{t.number}</th>" for t in tasks)
    rows = []
    for student in run.students:
        marks = "".join(f'<td class="{STATUS_CLASS[t.status]}">{MARKS[t.status]}</td>' for t in student.tasks)
        values = dict(student.extra)
        columns = "".join(f"<td>{escape(values.get(c, ''))}</td>" for c in extra)
        state = "passed" if student.passed else "not passed"
        everything = ' class="all-passed"' if student.score >= student.max_score and student.complete else ""
        rows.append(f'<tr{everything}><td><a href="#student-{escape(student.student_id)}">'
                    f'{escape(student.student_id)}</a></td>{name_cell(student) if named else ""}{columns}'
                    f'<td class="n">{student.score:g}</td><td>{state if student.complete else "incomplete"}</td>'
                    f'{marks}</tr>')
    rates = "".join(f"<tr><td>{r.number}</td><td>{escape(r.title)}</td><td class='n'>{r.full_marks}/{r.students}</td>"
                    f"<td class='n'>{r.percent:g}%</td></tr>" for r in run.task_rates)
    noted = [(s, note) for s in run.students for note in s.notes]
    notes = ("<h2>Notes</h2><table id=\"notes\"><tbody>" + "".join(
        f'<tr><td><a href="#student-{escape(s.student_id)}">{escape(s.student_id)}</a></td><td>{escape(note)}</td></tr>'
        for s, note in noted) + "</tbody></table>") if noted else ""
    made = " · ".join(part for part in (
        f"graded {escape(run.graded_at)}" if run.graded_at else "",
        f"aws-assessment-grader {escape(run.version)}" if run.version else "",
        f"tasks {', '.join(map(str, run.only_tasks))} only" if run.only_tasks is not None else "") if part)
    reference = f'<p class="reference">{escape(REFERENCE_LABEL)}</p>' if run.reference else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(run.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><h1>{escape(run.title)}</h1>
<p class="meta" id="made">{made}</p>{reference}
<p id="figures">{run.passed_count} of {len(run.students)} passed · mean {run.mean_score:g} ·
median {run.median_score:g} · pass mark {run.pass_mark:g}</p>
<div class="charts"><figure>{bar_chart(run)}<figcaption>Students with full marks, per task</figcaption></figure>
<figure>{histogram(run)}<figcaption>Students per score range; the dashed line is the pass mark</figcaption></figure></div>
{notes}
<div class="controls"><label><input type="checkbox" id="failures-only"> Only what is not passed</label>
<label><input type="checkbox" id="expand-all"> Expand every student</label></div>
<h2>Class</h2><table id="class"><thead><tr><th>Student</th>{"<th>Name</th>" if named else ""}{roster_head}<th>Score</th><th>Result</th>{task_head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Tasks</h2><table id="tasks"><thead><tr><th>#</th><th>Task</th><th>Full marks</th><th></th></tr></thead>
<tbody>{rates}</tbody></table>
<h2>Students</h2>{"".join(student_detail(s) for s in run.students)}
</body></html>
"""
