"""From nothing to 100 on the sandbox, using only what the sandbox and the grader print.

The student pastes the sandbox's lines into bash, then, round after round, runs the grader and pastes
every fix it prints (the real ``aws`` CLI, each command its own process, as on a laptop). The only
things the student types are the values that are theirs to choose: the sandbox's role where a command
says ``<your-lambda-role>``, a trusted account, the Insights version from the AWS documentation.
"""

from __future__ import annotations

import json
import re
import sys

from grader import shell
from tests.acceptance.aws_cli import write_student_code
from tests.conftest import new_student_id
from tests.test_cli import ROOT, free_port
from tests.test_loop import bash, needs_aws_cli, pasted, start_sandbox, stop


@needs_aws_cli
def test_a_student_goes_from_nothing_to_100_with_what_the_grader_prints(tmp_path):
    server, printed = start_sandbox("--port", str(free_port()))
    try:
        setup = pasted(printed)
        role = re.search(r"<your-lambda-role>: ([\w-]+)", "\n".join(printed))[1]
        choices = {"<your-lambda-role>": role, "<trusted-account-id>": "111122223333", "<insights-version>": "53"}
        # What the student writes themselves (the README's tasks 1 to 7): the code and the layer, one
        # function.zip for every function here (it does what each function is graded for).
        write_student_code(tmp_path)
        sid = new_student_id("jo")
        scores = []
        for _ in range(6):
            graded = bash(f"{setup}\n{sys.executable} {ROOT}/validate_tasks.py lambda_medium -s {sid} --format json",
                          tmp_path)
            student = json.loads(graded.stdout)["students"][0]
            scores.append(student["score"])
            print(f"round {len(scores)}: {student['score']:g}/100")  # the journey, with pytest -s
            if student["score"] == 100:
                break
            fixes = list(dict.fromkeys(c["hint"] for t in student["tasks"] for c in t["checks"]
                                       if c["status"] != "pass" and c["hint"] and not c["skipped_by"]))
            assert fixes, student
            for fix in fixes:
                assert shell.placeholders(fix) <= set(choices), fix
                for placeholder, value in choices.items():
                    fix = fix.replace(placeholder, value)
                print("   " + fix.replace("\n", "\n   "))
                done = bash(f"{setup}\nset -e\n{fix}", tmp_path)
                assert done.returncode == 0, f"{fix}\n{done.stderr}"
        assert scores[-1] == 100 and scores == sorted(scores), scores
        assert len(scores) <= 5, scores
    finally:
        stop(server)
