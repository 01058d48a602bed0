"""Trimmed service models: botocore's own, made from the installed botocore, sending the very same requests."""

from __future__ import annotations

import ast
import filecmp
import shutil
import threading
from pathlib import Path

import botocore
import botocore.loaders
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse

from grader.aws import models
from grader.aws.actions import is_allowed
from grader.aws.permissions import grader_operations

ROOT = Path(__file__).resolve().parents[2]


def full_loader():
    return botocore.loaders.create_loader()


def trimmed_loader(folder: Path):
    base = full_loader()
    return botocore.loaders.Loader(extra_search_paths=[str(folder), *base.search_paths],
                                   include_default_search_paths=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return models.trimmed_folder(full_loader(), grader_operations(), root=tmp_path_factory.mktemp("models"))


def called_in_source() -> set[tuple[str, str]]:
    """Every (service, operation) named by a read or a listing in the grader's facts: read("lambda", "GetFunction"...)."""
    found = set()
    for path in (ROOT / "grader" / "aws" / "services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and len(node.args) >= 2 and all(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2]):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in ("read", "Listing"):
                    found.add((node.args[0].value, node.args[1].value))
    return found


def test_every_operation_the_grader_calls_is_kept(folder):
    calls = called_in_source() | {("sts", "GetCallerIdentity"), ("sts", "AssumeRole")}
    assert len(calls) > 30  # the scan found the facts' reads
    operations = grader_operations()
    loader = trimmed_loader(folder)
    for service, operation in calls:
        assert operation in operations.get(service, ()), f"{service}:{operation} is not declared by any fact"
        assert operation in loader.load_service_model(service, "service-2")["operations"], (service, operation)


def test_trimmed_models_hold_reads_only():
    loader = trimmed_loader(models.trimmed_folder(full_loader(), grader_operations()) or pytest.skip("no model cache here"))
    for service in grader_operations():
        for operation in loader.load_service_model(service, "service-2")["operations"]:
            assert is_allowed(service, operation), f"{service}:{operation}"


def test_regenerating_gives_the_same_files(folder, tmp_path):
    again = models.trimmed_folder(full_loader(), grader_operations(), root=tmp_path)
    assert again.name == folder.name  # the same key: the same sources, botocore and operations
    compared = filecmp.dircmp(folder, again)

    def same(c):
        assert not (c.left_only or c.right_only or c.diff_files or c.funny_files), c.report()
        for sub in c.subdirs.values():
            same(sub)

    same(compared)
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json"))
    assert "lambda/2015-03-31/service-2.json" in written and "ec2/2016-11-15/service-2.json" in written
    same_bytes, _, _ = filecmp.cmpfiles(folder, again, written, shallow=False)
    assert same_bytes == written


def without_docs(value):
    if isinstance(value, dict):
        return {k: without_docs(v) for k, v in value.items()
                if not (k in ("documentation", "documentationUrl") and isinstance(v, str))}
    if isinstance(value, list):
        return [without_docs(v) for v in value]
    return value


def test_kept_operations_are_botocore_s_own(folder):
    full, trimmed = full_loader(), trimmed_loader(folder)
    for service, operations in grader_operations().items():
        whole, small = (loader.load_service_model(service, "service-2") for loader in (full, trimmed))
        assert small["metadata"] == whole["metadata"]
        assert small["operations"] == {op: without_docs(whole["operations"][op])
                                       for op in operations if op in whole["operations"]}
        for name, shape in small["shapes"].items():  # every shape they reach, as botocore has it
            assert shape == without_docs(whole["shapes"][name])
        assert trimmed.load_service_model(service, "endpoint-rule-set-1") == \
            full.load_service_model(service, "endpoint-rule-set-1")
        pages = full.load_service_model(service, "paginators-1")["pagination"]
        assert trimmed.load_service_model(service, "paginators-1")["pagination"] == \
            {op: pages[op] for op in operations if op in pages}


def test_trimming_follows_every_reference_and_keeps_members_named_like_documentation():
    model = {
        "version": "2.0", "metadata": {"protocol": "json"}, "documentation": "a service",
        "operations": {
            "GetThing": {"name": "GetThing", "input": {"shape": "In"}, "output": {"shape": "Out"},
                         "errors": [{"shape": "Missing"}], "documentation": "reads"},
            "DeleteThing": {"name": "DeleteThing", "input": {"shape": "Gone"}},
        },
        "shapes": {
            "In": {"type": "structure", "members": {"documentation": {"shape": "Text", "documentation": "x"}}},
            "Out": {"type": "structure", "members": {"Items": {"shape": "List"}}, "documentation": "y"},
            "List": {"type": "list", "member": {"shape": "Map"}},
            "Map": {"type": "map", "key": {"shape": "Text"}, "value": {"shape": "Deep"}},
            "Deep": {"type": "string"}, "Text": {"type": "string"}, "Gone": {"type": "structure", "members": {}},
            "Missing": {"type": "structure", "members": {}, "exception": True},
        },
    }
    trimmed = models.trim(model, ["GetThing"])
    assert list(trimmed["operations"]) == ["GetThing"] and "documentation" not in trimmed
    assert set(trimmed["shapes"]) == {"In", "Out", "List", "Map", "Deep", "Text", "Missing"}
    assert trimmed["shapes"]["In"]["members"] == {"documentation": {"shape": "Text"}}  # a member, kept
    models.check("thing", trimmed)
    del trimmed["shapes"]["Deep"]
    with pytest.raises(Exception):  # noqa: B017  botocore's own error for a shape it cannot find
        models.check("thing", trimmed)


def test_a_model_the_trimming_cannot_follow_leaves_the_full_models(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "check", lambda service, model: (_ for _ in ()).throw(ValueError(service)))
    assert models.trimmed_folder(full_loader(), {"sqs": ("GetQueueUrl",)}, root=tmp_path) is None
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing half-built left behind


REQUESTS = [
    ("sts", "get_caller_identity", {}),
    ("lambda", "get_function", {"FunctionName": "layer-consumer-kim7"}),
    ("lambda", "list_event_source_mappings", {"EventSourceArn": "arn:aws:sqs:us-east-1:111111111111:q"}),
    ("lambda", "get_provisioned_concurrency_config", {"FunctionName": "f", "Qualifier": "PROD"}),
    ("sqs", "get_queue_attributes", {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q", "AttributeNames": ["All"]}),
    ("cloudwatch", "describe_alarms", {}),
    ("ec2", "describe_subnets", {"Filters": [{"Name": "subnet-id", "Values": ["subnet-1", "subnet-2"]}]}),
    ("iam", "get_policy_version", {"PolicyArn": "arn:aws:iam::aws:policy/P", "VersionId": "v1"}),
    ("application-autoscaling", "describe_scalable_targets",
     {"ServiceNamespace": "lambda", "ResourceIds": ["function:f:PROD"]}),
]


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
@pytest.mark.parametrize("service, method, params", REQUESTS)
def test_a_trimmed_client_sends_the_very_same_request(folder, service, method, params, region):
    """Real AWS endpoints (no endpoint URL): URL, body and headers as botocore's own client sends them."""
    sent = []

    def capture(request, **_):
        sent.append(request)
        return AWSResponse(request.url, 500, {}, None)  # never leaves the process; the client gives up

    for loader in (full_loader(), trimmed_loader(folder)):
        session = botocore.session.Session()
        session.register_component("data_loader", loader)
        client = session.create_client(service, region_name=region, aws_access_key_id="AKIDEXAMPLE",
                                       aws_secret_access_key="secret", config=botocore.config.Config(
                                           retries={"max_attempts": 0}))
        client.meta.events.register("before-send", capture)
        with pytest.raises(Exception):  # noqa: B017  the 500 answer
            getattr(client, method)(**params)
    full, trimmed = sent
    assert (trimmed.method, trimmed.url, trimmed.body) == (full.method, full.url, full.body)
    varying = {"x-amz-date", "authorization", "amz-sdk-invocation-id"}
    assert {k.lower(): v for k, v in trimmed.headers.items() if k.lower() not in varying} == \
        {k.lower(): v for k, v in full.headers.items() if k.lower() not in varying}
    scope = [h.split("Credential=")[1].split(",")[0].split("/", 2)[2] for h in
             (str(r.headers["Authorization"]) for r in sent)]
    assert scope[0] == scope[1]  # signed for the same region and service


def test_the_cache_follows_the_models_botocore_would_load(tmp_path, monkeypatch):
    operations = {"sqs": ("GetQueueUrl",)}
    installed = models.cache_key(full_loader(), operations)
    monkeypatch.setattr(botocore, "__version__", "0.0.0-another")
    assert models.cache_key(full_loader(), operations) != installed  # another botocore
    monkeypatch.undo()
    # A model of one's own on the search path (AWS_DATA_PATH, ~/.aws/models) is the one trimmed.
    version = full_loader().determine_latest_version("sqs", "service-2")
    mine = tmp_path / "data" / "sqs" / version
    mine.mkdir(parents=True)
    source = models.sources(full_loader(), operations)["sqs"][1]["service-2"]
    shutil.copy(source, mine / Path(source).name)
    own = botocore.loaders.create_loader(str(tmp_path / "data"))
    assert models.cache_key(own, operations) != installed
    folder = models.trimmed_folder(own, operations, root=tmp_path / "cache")
    assert (folder / "sqs" / version / "service-2.json").exists()


def test_without_a_writable_cache_the_full_models_are_used(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert models.trimmed_folder(full_loader(), {"sqs": ("GetQueueUrl",)}, root=blocked / "cache") is None
    monkeypatch.setenv("GRADER_MODEL_CACHE", "off")
    assert models.cache_root() is None and models.trimmed_folder(full_loader(), grader_operations()) is None


def test_processes_making_the_same_cache_at_once_agree(tmp_path):
    operations = {"lambda": ("GetFunction",), "sqs": ("GetQueueUrl",)}
    made = []
    threads = [threading.Thread(target=lambda: made.append(models.trimmed_folder(full_loader(), operations,
                                                                                 root=tmp_path)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 1 and made[0] is not None
    assert [p.name for p in tmp_path.iterdir()] == [made[0].name]  # nothing half-built left behind
