"""JUnit XML for CI dashboards (GitLab, Jenkins): a testsuite per student, a testcase per check.

Only the subset those tools share: testsuites/testsuite/testcase/failure/error/skipped/properties.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.model import RunResult, Status
from grader.render.sanitize import visible


def text(run: RunResult) -> str:
    root = ET.Element("testsuites", name=run.assessment)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for student in run.students:
        checks = [(task, check) for task in student.tasks for check in task.checks]
        counts = {
            "tests": len(checks),
            "failures": sum(c.status is Status.FAIL and not c.skipped for _, c in checks),
            "errors": sum(c.status is Status.ERROR for _, c in checks),
            "skipped": sum(c.status is Status.WARN or (c.status is Status.FAIL and c.skipped) for _, c in checks),
        }
        suite = ET.SubElement(root, "testsuite", name=f"{run.assessment} {student.student_id}",
                              **{k: str(v) for k, v in counts.items()}, time="0")
        properties = ET.SubElement(suite, "properties")
        for name, value in (("student_id", student.student_id), ("account", student.account or ""),
                            ("region", student.region), ("score", f"{student.score:g}"),
                            ("max_score", f"{student.max_score:g}"), ("passed", str(student.passed).lower()),
                            *((("reference_solution", "true"),) if run.reference else ()),
                            *((f"note.{n}", note) for n, note in enumerate(student.notes, start=1)),
                            *((f"roster.{key}", value) for key, value in student.extra)):
            ET.SubElement(properties, "property", name=visible(name), value=visible(value))
        for task, check in checks:
            # XML 1.0 cannot carry control characters at all: they are written out visibly.
            case = ET.SubElement(suite, "testcase", classname=visible(f"Task {task.number}: {task.title}"),
                                 name=visible(f"{check.id} {check.title}"), time="0")
            message = visible(check.message)
            detail = message + (f"\nFix: {visible(check.hint)}" if check.hint else "")
            if check.status is Status.FAIL and check.skipped:
                # Not a mistake of its own: it waits for the one it names.
                ET.SubElement(case, "skipped", message=f"skipped until {check.skipped_by} passes: {message}")
            elif check.status is Status.FAIL:
                ET.SubElement(case, "failure", message=message, type="fail").text = detail
            elif check.status is Status.ERROR:
                ET.SubElement(case, "error", message=message, type="error").text = detail
            elif check.status is Status.WARN:
                ET.SubElement(case, "skipped", message=message)
        for key in totals:
            totals[key] += counts[key]
    root.attrib.update({k: str(v) for k, v in totals.items()})
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
