"""The corpus holds what AWS returns: every file loads, names its sources and a real botocore operation,
and every case is a valid request and response of that operation as botocore's models define them
(the check botocore's Stubber makes), or an error with a code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from botocore.validate import ParamValidator

from tests.recordings import corpus

FILES = corpus.files()
CASES = [(path, name) for path in FILES for name in json.loads(path.read_text())["cases"]]


def _id(path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_there_is_a_corpus():
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_file_names_its_operation_and_sources(path):
    document = json.loads(path.read_text())
    assert set(document) <= {"operation", "sources", "notes", "cases"}
    service, operation = document["operation"].split(":")
    assert (service, operation) == (path.parent.name, path.stem), "the file is named after its operation"
    assert operation in corpus.service_model(service).operation_names, f"botocore has no {service}:{operation}"
    sources = document["sources"]
    assert isinstance(sources, list) and sources and all(isinstance(s, str) and s.strip() for s in sources)
    assert document["cases"], "a file holds at least one case"


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{_id(p)}:{n}" for p, n in CASES])
def test_case_is_of_the_operations_shapes(path, name):
    service, operation = path.parent.name, path.stem
    case = corpus.case(service, operation, name)
    assert set(case) in ({"params", "response"}, {"params", "error"}), "a case has params and a response or an error"
    model = corpus.service_model(service).operation_model(operation)
    if model.input_shape is not None:
        report = ParamValidator().validate(case["params"], model.input_shape)
        assert not report.has_errors(), report.generate_report()
    if "response" in case:
        assert "ResponseMetadata" not in case["response"], "ResponseMetadata is the transport's, not the recording's"
        problems = corpus.validation_errors(service, operation, case["response"])
        assert problems is None, problems
    else:
        error = case["error"]
        assert isinstance(error.get("Code"), str) and error["Code"], "an error has a Code"
        assert isinstance(error.get("Message"), str)
        assert isinstance(error.get("HTTPStatusCode"), int) and 400 <= error["HTTPStatusCode"] < 600


def test_every_operation_the_grader_calls_has_recordings():
    """A new read in the grader needs its AWS responses recorded here before a verdict may rest on it."""
    aws = Path(corpus.ROOT).parents[1] / "grader" / "aws"
    source = "\n".join(path.read_text() for path in sorted(aws.rglob("*.py")))
    called = set(re.findall(r'(?:\bread|\bListing)\(\s*"([a-z0-9-]+)",\s*"([A-Z][A-Za-z0-9]+)"', source))
    assert len(called) >= 20, "the grader no longer reads through read()/Listing(service, operation): update this test"
    recorded = {(path.parent.name, path.stem) for path in FILES}
    assert called - recorded == set()
