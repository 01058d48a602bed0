"""The package facts on the emulator: ``function_package`` (``lambda:GetFunction``, ``Code.Location``) and
``layer_package`` (``lambda:GetLayerVersion``, ``Content.Location``); a class reads each distinct package once,
across students and batches; an expired URL is asked for again; least privilege holds under IAM enforcement."""

from __future__ import annotations

import json

import pytest

from checks.building import LAMBDA_TRUST, zip_of
from grader.aws.connections import Connections
from grader.aws.errors import FactUnavailable
from grader.aws.facts import FactStore
from grader.aws.permissions import least_privilege_policy, policy_actions
from grader.emulator import EMULATOR_CREDENTIALS, packages
from grader.roster import Student
from tests.conftest import new_student_id

CODE = zip_of({"lambda_function.py": "import utils\n\ndef lambda_handler(event, context):\n    return utils.ok()\n"})
LAYER = zip_of({"python/utils.py": "def ok():\n    return {'statusCode': 200}\n"})


@pytest.fixture(scope="module")
def built(emulator):
    lam, iam = emulator.client("lambda"), emulator.client("iam")
    role = iam.create_role(RoleName=new_student_id("pkg"), AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    layer = lam.publish_layer_version(LayerName=new_student_id("utils"), Content={"ZipFile": LAYER})
    names = [new_student_id("consumer") for _ in range(2)]
    for name in names:  # two students deploying the same code: one CodeSha256
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="lambda_function.lambda_handler",
            Code={"ZipFile": CODE},
            Layers=[layer["LayerVersionArn"]],
        )
    image = new_student_id("image")
    lam.create_function(
        FunctionName=image,
        Role=role["Role"]["Arn"],
        PackageType="Image",
        Code={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest"},
    )
    return {"functions": names, "layer": layer["LayerVersionArn"], "image": image}


def test_a_functions_package_and_its_layers(account, built):
    facts = FactStore(account.session())()
    package = facts.function_package(built["functions"][0])
    assert package.problem is None and package.names == ("lambda_function.py",)
    assert "utils.ok()" in package.sources["lambda_function.py"]
    assert (
        package.sha256
        == account.client("lambda").get_function(FunctionName=built["functions"][0])["Configuration"]["CodeSha256"]
    )
    layer = facts.layer_package(built["layer"])
    assert layer.sources == {"python/utils.py": "def ok():\n    return {'statusCode': 200}\n"}
    assert facts.session.requests["lambda:GetLayerVersion"] == 1


def test_what_does_not_exist_is_none(account, built):
    facts = FactStore(account.session())()
    assert facts.function_package(new_student_id("missing")) is None
    assert facts.layer_package(built["layer"].rsplit(":", 1)[0] + ":99") is None
    assert facts.layer_package("not-an-arn") is None


def test_a_container_image_cannot_be_judged(account, built):
    package = FactStore(account.session())().function_package(built["image"])
    assert package.problem.startswith("a container image (123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:latest)")


def test_a_class_reads_each_distinct_package_once_across_students_and_batches(account, built):
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS, region="us-east-1")
    first, second = built["functions"]
    assert connections.facts_for(Student("a")).function_package(first) is connections.facts_for(
        Student("b")
    ).function_package(second)
    batch = connections.batch(True)  # a later batch of the server: fresh facts, the same packages
    assert batch.facts_for(Student("a")).function_package(first).problem is None
    assert connections.packages.requests == 1
    assert connections.requests()["lambda:GetFunction"] == 3  # each batch asks Lambda; the download is shared


def test_an_expired_url_is_asked_for_again(account, built, monkeypatch):
    facts = FactStore(account.session())()
    facts.reserved_concurrency(built["functions"][0])  # GetFunction read now: its URL ages from here
    issued = packages.clock()
    monkeypatch.setattr(packages, "clock", lambda: issued + 601)
    assert facts.function_package(built["functions"][0]).problem is None
    assert facts.session.requests["lambda:GetFunction"] == 2


def test_layer_packages_need_lambda_get_layer_version_under_iam_enforcement(account, built):
    assert "lambda:GetLayerVersion" in policy_actions() and policy_actions(["layer_package"]) == [
        "lambda:GetLayerVersion"
    ]
    iam = account.client("iam")

    def keys(actions):
        user = new_student_id("grader")
        iam.create_user(UserName=user)
        policy = least_privilege_policy(["function_package"])
        policy["Statement"][0]["Action"] = actions
        iam.put_user_policy(UserName=user, PolicyName="grader", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}

    allowed, denied = keys(["lambda:GetLayerVersion", "lambda:GetFunction"]), keys(["lambda:GetFunction"])
    account.emulator.enforce_iam(True)
    try:
        facts = FactStore(account.__class__(account.emulator, credentials=allowed).session())()
        assert facts.layer_package(built["layer"]).problem is None
        assert facts.function_package(built["functions"][0]).problem is None  # the download needs no credentials
        without = FactStore(account.__class__(account.emulator, credentials=denied).session(max_attempts=1))()
        with pytest.raises(FactUnavailable) as raised:
            without.layer_package(built["layer"])
        assert (raised.value.kind, raised.value.action) == ("denied", "lambda:GetLayerVersion")
    finally:
        account.emulator.enforce_iam(False)
