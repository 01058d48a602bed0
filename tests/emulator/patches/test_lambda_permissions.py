"""The emulator stores a permission as AWS does and refuses a statement id twice (recorded:
tests/recordings/lambda/AddPermission.json, from LocalStack's AWS-validated TestLambdaPermissions)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.recordings import corpus
from tests.support.emulator import assert_refused_as_recorded

RECORDED = "arn:aws:lambda:us-east-1:111111111111:function:my-function"
CASES = ("account-principal", "role-principal", "service-principal", "wildcard-for-an-account",
         "function-url-for-an-organization", "alexa-skill")


@pytest.mark.parametrize("case", CASES)
def test_a_permission_is_stored_and_read_back_as_aws_stores_it(lam, make_function, case):
    name = make_function()
    recorded = corpus.case("lambda", "AddPermission", case)
    params = dict(recorded["params"], FunctionName=name)
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    expected = json.loads(recorded["response"]["Statement"].replace(RECORDED, arn))
    assert json.loads(lam.add_permission(**params)["Statement"]) == expected
    assert json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"] == [expected]


def test_a_statement_id_that_exists_is_refused_until_it_is_removed(lam, make_function):
    name = make_function()
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    with pytest.raises(ClientError) as refused:
        lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="111122223333")
    assert_refused_as_recorded(refused, "lambda", "AddPermission", "statement-id-exists")
    lam.remove_permission(FunctionName=name, StatementId="s3")
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="111122223333")
    [statement] = json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
