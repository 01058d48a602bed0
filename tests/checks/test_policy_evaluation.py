import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks import policy_evaluation
from checks.policy_evaluation import allows, missing_actions, statements


def doc(*stmts):
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def test_exact_wildcard_and_case():
    assert allows([doc({"Effect": "Allow", "Action": "ec2:CreateNetworkInterface", "Resource": "*"})],
                  "ec2:CreateNetworkInterface")
    assert allows([doc({"Effect": "Allow", "Action": ["ec2:*"], "Resource": "*"})], "ec2:DeleteNetworkInterface")
    assert allows([doc({"Effect": "Allow", "Action": "EC2:describenetwork*", "Resource": "*"})],
                  "ec2:DescribeNetworkInterfaces")
    assert not allows([doc({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})], "ec2:CreateNetworkInterface")


def test_explicit_deny_wins_across_documents():
    allow = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    deny = doc({"Effect": "Deny", "Action": "ec2:DeleteNetworkInterface", "Resource": "*"})
    assert missing_actions([allow, deny], ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]) == [
        "ec2:DeleteNetworkInterface"]


def test_not_action_and_single_statement_object():
    document = {"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}
    assert allows([document], "logs:PutLogEvents") and not allows([document], "iam:PassRole")


def test_conditional_deny_does_not_deny_but_conditional_allow_allows():
    conditional_deny = doc({"Effect": "Deny", "Action": "logs:*", "Resource": "*",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    allow = doc({"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}})
    assert allows([allow, conditional_deny], "logs:PutLogEvents")


def test_malformed_documents_allow_nothing():
    assert statements("nope") == [] and statements({"Statement": ["x", 3]}) == []
    assert not allows([None, {"Statement": {"Effect": "Allow", "Action": 7}}], "logs:PutLogEvents")


def test_resources_match_with_wildcards_case_sensitively():
    bucket = doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::lambda-lab-1/*"})
    assert allows([bucket], "s3:GetObject", "arn:aws:s3:::lambda-lab-1/analysis/a.json")
    assert not allows([bucket], "s3:GetObject", "arn:aws:s3:::lambda-lab-2/a.txt")
    assert not allows([bucket], "s3:GetObject", "arn:aws:s3:::LAMBDA-LAB-1/a.txt")
    # Without a resource asked about, only actions count (the grader's older questions).
    assert allows([bucket], "s3:PutObject")
    # ``?`` is one character; brackets mean nothing special to IAM.
    assert allows([doc({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::lambda-lab-?/*"})],
                  "s3:PutObject", "arn:aws:s3:::lambda-lab-1/x")
    assert not allows([doc({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::[a]/*"})],
                      "s3:PutObject", "arn:aws:s3:::a/x")


def test_not_resource_and_a_deny_on_the_resource():
    everything_but = doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})
    assert allows([everything_but], "s3:GetObject", "arn:aws:s3:::lambda-lab-1/k")
    assert not allows([everything_but], "s3:GetObject", "arn:aws:s3:::secret/k")
    full = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    deny = doc({"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::lambda-lab-1/*"})
    assert missing_actions([full, deny], ["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::lambda-lab-1/k") == [
        "s3:PutObject"]
    assert allows([full, deny], "s3:PutObject", "arn:aws:s3:::other/k")


def test_lists_of_actions_and_resources_match_by_any_item():
    not_these = doc({"Effect": "Allow", "NotAction": ["s3:*", "ec2:DeleteNetworkInterface"], "Resource": "*"})
    assert allows([not_these], "ec2:CreateNetworkInterface")
    assert not allows([not_these], "ec2:DeleteNetworkInterface") and not allows([not_these], "s3:GetObject")
    two = doc({"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": ["arn:aws:s3:::other/*", "arn:aws:s3:::lambda-lab-1/*"]})
    assert allows([two], "s3:GetObject", "arn:aws:s3:::lambda-lab-1/k")
    assert not allows([two], "s3:GetObject", "arn:aws:s3:::third/k")
    not_two = doc({"Effect": "Allow", "Action": "s3:GetObject",
                   "NotResource": ["arn:aws:s3:::secret/*", "arn:aws:s3:::private/*"]})
    assert not allows([not_two], "s3:GetObject", "arn:aws:s3:::private/k")
    assert allows([not_two], "s3:GetObject", "arn:aws:s3:::lambda-lab-1/k")


def test_a_statement_without_resource_is_a_resource_policys_and_applies_to_its_resource():
    resource_policy = doc({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Principal": {"AWS": "111122223333"}})
    assert allows([resource_policy], "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:f")


def test_every_statement_is_read_past_the_ones_that_do_not_apply():
    document = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                   {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"},
                   {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"})
    assert allows([document], "logs:PutLogEvents")
    assert not allows([document], "ec2:CreateNetworkInterface")


# --- wildcards in linear time: a classmate's policy must not freeze the class ---------------------------


def backtracking_reference(pattern: str, value: str) -> bool:
    """IAM's wildcards as a regex: right by definition, exponential on some patterns (short ones here)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


@settings(max_examples=400, deadline=None)
@given(pattern=st.text(alphabet="ab*?:", max_size=8), value=st.text(alphabet="ab:", max_size=8))
def test_wildcards_match_as_iam_reads_them(pattern, value):
    assert policy_evaluation.resource_matches(pattern, value) is backtracking_reference(pattern, value)


@pytest.mark.parametrize("pattern, value", [
    ("ec2:" + "*" * 14 + "Z", "ec2:" + "a" * 60),  # the review's: 31 s with a backtracking regex
    ("*a" * 200 + "b", "a" * 2048),
    ("?*" * 1000 + "b", "a" * 2048),
    ("*" + "a?" * 500 + "b", "a" * 2048),
])
def test_a_hostile_wildcard_takes_under_a_millisecond(pattern, value):
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        assert not policy_evaluation.action_matches(pattern, value)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.001, timings


def test_a_pattern_longer_than_iam_allows_matches_nothing():
    assert not policy_evaluation.resource_matches("*" * 5000, "arn:aws:sqs:us-east-1:123456789012:q")
    assert policy_evaluation.resource_matches("*", "arn:aws:sqs:us-east-1:123456789012:q")
