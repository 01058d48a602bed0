"""README_lambda_lab.md's "How you are graded" is the rubric the grader applies (--explain), and what
it tells students matches what the grader does."""

import re
import textwrap

from checks.lambda_lab import ASSESSMENT
from checks.lambda_lab.solution import CODE, DEPLOYED, LAB_CODE, LAYER_CODE, files
from grader.aws.packages import Package
from tests.checks.conftest import ROOT, readme_rubric, rubric

TEXT = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")


def test_readme_rubric_matches_the_checks():
    assert readme_rubric(ASSESSMENT) == rubric(ASSESSMENT)


def test_readme_has_a_section_per_lab_with_its_points():
    headings = re.findall(r"^## Lab (\d) — .+ \((\d+) points\)$", TEXT, flags=re.MULTILINE)
    assert headings == [(str(t.number), f"{t.points:g}") for t in ASSESSMENT.tasks]


def test_readme_warns_about_destroying_before_grading():
    assert "terraform destroy" in TEXT and "grade first" in TEXT


def code_blocks(section: str) -> list[str]:
    """The ```python blocks of a README section, as their text (a block inside a list item dedented)."""
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```$", section, flags=re.MULTILINE | re.DOTALL)
    return [textwrap.dedent(body) if indent else body for indent, body in blocks]


def test_the_code_shown_is_the_code_the_reference_solution_deploys():
    """Each lab's code blocks are the files of checks/lambda_lab/code/ the solution zips, as they are, in order."""
    sections = re.split(r"^## (?=Lab \d)", TEXT, flags=re.MULTILINE)[1:]
    shown = {int(s[4]): code_blocks(s.split("\n## ", 1)[0]) for s in sections}
    given = {lab: [text for folder in folders for text in files(folder).values()] for lab, folders in LAB_CODE.items()}
    assert shown == given
    every_file = sorted(p.relative_to(CODE).as_posix() for p in CODE.rglob("*.py") if "__pycache__" not in p.parts)
    assert every_file == sorted(f"{folder}/{path}" for folders in LAB_CODE.values() for folder in folders
                                for path in files(folder))
    assert set(DEPLOYED.values()) | {LAYER_CODE} <= {folder for folders in LAB_CODE.values() for folder in folders}


def test_the_code_shown_passes_its_own_checks():
    """What the README says to deploy is what the checks of the code accept: lab 4's HelloWorldFunction
    (the one it runs at the end) with the code of the other labs."""
    from checks.lambda_lab import code_reading
    from checks.python_source import find_handler, own_modules

    package = Package.of(files(DEPLOYED["HelloWorldFunction"]))
    handler = find_handler(package, "lambda_function.lambda_handler")
    assert code_reading.json_logging(own_modules(package, handler.source)) is not None
    for lab in (1, 2, 3):  # the earlier versions log plain text: 4.4 is lab 4's
        earlier = Package.of(files(LAB_CODE[lab][0]))
        assert code_reading.json_logging(own_modules(earlier, find_handler(earlier, "lambda_function.lambda_handler")
                                                     .source)) is None


def test_the_reads_section_lists_every_check_of_the_code():
    section = TEXT.split("## What the grader reads of your code", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| (\d\.\d) \| ", section, flags=re.MULTILINE)
    assert listed == ["2.4", "3.6", "4.4", "5.6", "6.9", "7.6", "7.7", "7.8"]
    titles = {c.id: c.title for t in ASSESSMENT.tasks for c in t.checks}
    assert all("code" in titles[i] or "common_utils.py" in titles[i] for i in listed)
    assert "never run" in section and "update-function-code" in section
