"""One self-contained HTML page for instructors: summary, charts (inline SVG), every student's detail.

No scripts, fonts or images from anywhere: it opens offline and from an e-mail attachment.
Every string from AWS or the roster goes through ``escape``.
"""

from __future__ import annotations

import json
from html import escape as _escape

from grader.model import CheckResult, RunResult, Status, StudentResult, json_safe
from grader.render import MARKS
from grader.render.sanitize import visible


def escape(value: str) -> str:
    return _escape(visible(value))

STATUS_CLASS = {Status.PASS: "pass", Status.PARTIAL: "partial", Status.FAIL: "fail", Status.ERROR: "error",
                Status.WARN: "warn"}

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1f2328;max-width:72rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}
td.n{text-align:right}td{white-space:nowrap}td:nth-child(2){white-space:normal}.pass{color:#1a7f37}.partial{color:#9a6700}.fail{color:#cf222e}.error{color:#8250df}
.warn{color:#9a6700}details{margin:.3rem 0;border:1px solid #d0d7de;border-radius:6px;padding:.3rem .6rem}
summary{cursor:pointer;font-weight:600}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px;
white-space:pre-wrap;word-break:break-all}.charts{display:flex;gap:2rem;flex-wrap:wrap}
svg text{font-size:11px;fill:#1f2328}ul.evidence{margin:.2rem 0 0;padding:0;list-style:none;font-size:.85em;
color:#59636e;white-space:normal}ul.evidence li{display:inline;margin-right:.8rem}
"""


def bar_chart(run: RunResult) -> str:
    rates = run.task_rates
    width, bar, gap, height = 420, 22, 8, 160
    parts = [f'<svg id="task-pass-rates" role="img" aria-label="Full marks per task" width="{width}" '
             f'height="{height + 40}" viewBox="0 0 {width} {height + 40}">']
    for index, rate in enumerate(rates):
        x = 30 + index * (bar + gap)
        h = round(height * rate.percent / 100)
        parts.append(f'<rect class="bar" data-task="{rate.number}" x="{x}" y="{10 + height - h}" width="{bar}" '
                     f'height="{h}" fill="#2f81f7"><title>Task {rate.number}: {rate.full_marks}/{rate.students} '
                     f'full marks</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{height + 25}" text-anchor="middle">{rate.number}</text>')
    parts.append(f'<line x1="28" y1="{height + 10}" x2="{width}" y2="{height + 10}" stroke="#8c959f"/>')
    parts.append('<text x="0" y="18">100%</text></svg>')
    return "".join(parts)


def histogram(run: RunResult) -> str:
    bins = [0] * 10
    for student in run.students:
        bins[min(int(student.percent // 10), 9)] += 1
    peak = max(bins) or 1
    width, height, bar = 420, 160, 36
    parts = [f'<svg id="score-histogram" role="img" aria-label="Scores" width="{width}" height="{height + 40}" '
             f'viewBox="0 0 {width} {height + 40}">']
    for index, count in enumerate(bins):
        x = 20 + index * (bar + 4)
        h = round(height * count / peak)
        parts.append(f'<rect class="bin" x="{x}" y="{10 + height - h}" width="{bar}" height="{h}" fill="#8250df">'
                     f'<title>{index * 10}–{index * 10 + 10}%: {count}</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{height + 25}" text-anchor="middle">{index * 10}</text>')
    parts.append("</svg>")
    return "".join(parts)


def evidence(check: CheckResult) -> str:
    """What the check saw, as a compact ``key: value`` list (values as in the JSON report)."""
    if not check.evidence:
        return ""
    items = "".join(
        f"<li>{escape(key)}: <code>{escape(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))}"
        f"</code></li>" for key, value in json_safe(check.evidence).items())
    return f'<ul class="evidence">{items}</ul>'


def student_detail(student: StudentResult) -> str:
    verdict = "passed" if student.passed else "not passed"
    rows = []
    for task in student.tasks:
        rows.append(f'<tr><th colspan="3">{task.number}. {escape(task.title)}</th>'
                    f'<td class="n {STATUS_CLASS[task.status]}">{task.score:g}/{task.max_score:g}</td></tr>')
        for check in task.checks:
            hint = f"<br>Fix: <code>{escape(check.hint)}</code>" if check.hint else ""
            rows.append(f'<tr><td>{escape(check.id)}</td><td>{escape(check.title)}</td>'
                        f'<td class="{STATUS_CLASS[check.status]}">{escape(check.message)}{hint}{evidence(check)}</td>'
                        f'<td class="n">{check.points:g}/{check.max_points:g}</td></tr>')
    notes = "".join(f"<p>{escape(n)}</p>" for n in student.notes)
    name = f" — {escape(student.name)}" if student.name else ""
    return (f'<details class="student" id="student-{escape(student.student_id)}"><summary>'
            f'{escape(student.student_id)}{name}: {student.score:g}/{student.max_score:g} ({verdict})</summary>'
            f'<p>Account {escape(student.account or "?")}, region {escape(student.region)}</p>{notes}'
            f'<table>{"".join(rows)}</table></details>')


def text(run: RunResult) -> str:
    tasks = run.students[0].tasks if run.students else ()
    head = "".join(f"<th>{t.number}</th>" for t in tasks)
    rows = []
    for student in run.students:
        marks = "".join(f'<td class="{STATUS_CLASS[t.status]}">{MARKS[t.status]}</td>' for t in student.tasks)
        state = "passed" if student.passed else "not passed"
        rows.append(f'<tr><td><a href="#student-{escape(student.student_id)}">{escape(student.student_id)}</a></td>'
                    f'<td>{escape(student.name or "")}</td><td class="n">{student.score:g}</td>'
                    f'<td>{state if student.complete else "incomplete"}</td>{marks}</tr>')
    rates = "".join(f"<tr><td>{r.number}</td><td>{escape(r.title)}</td><td class='n'>{r.full_marks}/{r.students}</td>"
                    f"<td class='n'>{r.percent:g}%</td></tr>" for r in run.task_rates)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(run.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body><h1>{escape(run.title)}</h1>
<p id="figures">{run.passed_count} of {len(run.students)} passed · mean {run.mean_score:g} ·
median {run.median_score:g} · pass mark {run.pass_mark:g}</p>
<div class="charts"><figure>{bar_chart(run)}<figcaption>Students with full marks, per task</figcaption></figure>
<figure>{histogram(run)}<figcaption>Scores (%)</figcaption></figure></div>
<h2>Class</h2><table id="class"><thead><tr><th>Student</th><th>Name</th><th>Score</th><th>Result</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Tasks</h2><table id="tasks"><thead><tr><th>#</th><th>Task</th><th>Full marks</th><th></th></tr></thead>
<tbody>{rates}</tbody></table>
<h2>Students</h2>{"".join(student_detail(s) for s in run.students)}
</body></html>
"""
