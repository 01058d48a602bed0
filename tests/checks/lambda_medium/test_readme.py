"""README_lambda_medium.md's "How you are graded" is the rubric the grader applies (--explain)."""

from checks.lambda_medium import ASSESSMENT
from tests.checks.conftest import ROOT, readme_rubric, rubric


def test_readme_rubric_matches_the_checks():
    assert readme_rubric(ASSESSMENT) == rubric(ASSESSMENT)


def test_readme_uses_the_dimension_aws_accepts():
    text = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")
    assert "--scalable-dimension lambda:function:ProvisionedConcurrency " in text
    assert "--scalable-dimension lambda:function:ProvisionedConcurrentExecutions" not in text


def test_readme_provisions_prod_before_its_canary_weights():
    # AWS refuses PutProvisionedConcurrencyConfig on an alias with weights ("Alias with weights can not be
    # used with Provisioned Concurrency", quoted in hashicorp/terraform#24957); weights added afterwards
    # are accepted (Lambda API reference, ProvisionedConcurrencyConfigListItem).
    text = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")
    provision = text.index("aws lambda put-provisioned-concurrency-config")
    weights = text.index("--routing-config '{\"AdditionalVersionWeights\"")
    assert provision < weights
    assert "Alias with weights can not be used with Provisioned Concurrency" in text


def test_the_code_the_readme_shows_is_the_code_the_reference_solution_deploys():
    """Each code block marked with a file of checks/lambda_medium/code/ is that file, byte for byte, and every
    file there is shown: what students copy is what the grader was tested against."""
    import re

    from checks.lambda_medium.solution import CODE

    text = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")
    shown = dict(re.findall(r"^<!-- (checks/lambda_medium/code/\S+) -->\n```python\n(.*?)^```$", text,
                            flags=re.MULTILINE | re.DOTALL))
    files = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8") for path in CODE.rglob("*.py")}
    assert len(files) == 7 and shown.keys() == files.keys()
    assert all(shown[path] == files[path] for path in files), [path for path in files if shown[path] != files[path]]


def test_the_readme_says_what_the_grader_reads_of_the_code():
    section = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8").split("## What the grader reads of your code")[1]
    section = section.split("\n## ")[0]
    for check in ("1.4", "1.5", "2.5", "2.6", "2.7", "3.8", "4.8", "5.9", "6.6", "7.4"):
        assert check in section, check
    assert "aws lambda update-function-code --function-name sqs-consumer-<id> --zip-file fileb://function.zip" in section


# The context object's attributes in Python (Lambda Developer Guide, "Using the Lambda context object to
# retrieve Python function information"): the assessment text's code read context.request_id, which it
# does not have (AttributeError at the first invocation); the files use aws_request_id.
CONTEXT_ATTRIBUTES = {"function_name", "function_version", "invoked_function_arn", "memory_limit_in_mb",
                      "aws_request_id", "log_group_name", "log_stream_name", "identity", "client_context",
                      "get_remaining_time_in_millis"}


def test_the_code_reads_only_what_lambdas_context_object_has():
    import ast

    from checks.lambda_medium.solution import CODE

    read = {node.attr for path in CODE.rglob("*.py") for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "context"}
    assert read and read <= CONTEXT_ATTRIBUTES, read - CONTEXT_ATTRIBUTES
