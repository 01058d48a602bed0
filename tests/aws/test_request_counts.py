"""Sharing: a class costs far fewer requests than its students one by one, and never more per student."""

from __future__ import annotations

from checks.lambda_medium import ASSESSMENT
from grader.aws.connections import Connections
from grader.emulator import EMULATOR_CREDENTIALS
from grader.engine import Grader
from tests.conftest import new_student_id


def requests_for(account, ids, inventory):
    connections = Connections(endpoint_url=account.emulator.url, credentials=account.credentials,
                              region="us-east-1", inventory=inventory)
    run = Grader(ASSESSMENT, connections.facts_for).grade(ids)
    return sum(connections.requests().values()), run


def test_class_requests_are_shared(class_account):
    account = class_account
    ids = [new_student_id("rc") for _ in range(20)]
    for sid in ids:
        account.build(sid)
    one, _ = requests_for(account, ids[:1], inventory=False)
    ten, _ = requests_for(account, ids[:10], inventory=True)
    twenty, run = requests_for(account, ids, inventory=True)
    assert all(s.score == 100 for s in run.students)
    assert twenty < 20 * one / 2  # a class of 20 costs less than half of 20 single runs
    assert twenty / 20 <= ten / 10  # requests per student do not grow with the class
    # 16 a student: the shared listings' share, and per student what no listing carries: the six
    # functions' GetFunction (the code's download URL, Code.Location) among them.
    assert twenty / 20 <= 17


def test_account_wide_listings_are_read_once_per_run(account):
    ids = [new_student_id("once") for _ in range(3)]
    for sid in ids:
        account.build(sid)

    def counts(students):
        connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS,
                                  region="us-east-1", inventory=True)
        Grader(ASSESSMENT, connections.facts_for).grade(students)
        return connections.requests()

    one, three = counts(ids[:1]), counts(ids)
    listings = ("cloudwatch:DescribeAlarms", "sqs:ListQueues", "iam:GetAccountAuthorizationDetails",
                "lambda:ListEventSourceMappings", "lambda:ListLayers", "lambda:ListFunctions", "ec2:DescribeSubnets")
    # A listing costs its pages once per run, however many students read from it.
    assert {op: three[op] for op in listings} == {op: one[op] for op in listings}
    assert all(one[op] >= 1 for op in listings)
    assert three["lambda:GetFunctionEventInvokeConfig"] == 3  # per-student facts: one each


def test_one_student_s_reads_leave_with_the_credentials_proof_and_are_not_repeated(account, monkeypatch):
    """A one-student run sends the student's first reads while the preflight (sts) is on its way, and
    grading them again asks for nothing twice: the same requests as the engine alone makes."""
    import threading

    from grader.aws import session as session_module
    from grader.run import RunOptions, grade
    from tests.support.proxy import AwsLikeProxy

    built = account.build()
    events, lock = [], threading.Lock()
    created = []
    original = session_module.ReadOnlySession.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        created.append(self)
        emitter = self._botocore.get_component("event_emitter")

        def note(kind):
            def handler(model, **_):
                with lock:
                    events.append((kind, f"{model.service_model.service_name}:{model.name}"))
            return handler

        emitter.register("before-call", note("sent"))
        emitter.register("after-call", note("answered"))

    monkeypatch.setattr(session_module.ReadOnlySession, "__init__", recording)
    with AwsLikeProxy(account.emulator.url, latency=0.3) as proxy:  # answers come well after the sends
        run = grade(RunOptions("lambda_medium", student_ids=(built["sid"],), endpoint_url=proxy.url,
                               region="us-east-1", credentials=EMULATOR_CREDENTIALS, pace="off"))
    assert run.students[0].score == 100
    proof = events.index(("answered", "sts:GetCallerIdentity"))
    assert ("sent", "lambda:GetFunction") in events[:proof]
    assert events.index(("sent", "sts:GetCallerIdentity")) < proof  # the proof and the reads leave together
    one, _ = requests_for(account, [built["sid"]], inventory=False)
    assert sum(created[0].requests.values()) == one


def test_a_complete_student_alone_reads_no_more_alarms_in_a_crowded_account(account):
    """The alarms the README names are looked up by name: a complete student graded alone costs one
    DescribeAlarms however many alarms the account's other students have made (a listing is a page per
    hundred). A student whose alarms do not settle the checks is still judged on the whole listing."""
    done = account.build()
    cloudwatch = account.client("cloudwatch")
    for i in range(120):  # the rest of a class: more alarms than one page holds
        cloudwatch.put_metric_alarm(AlarmName=f"Lambda-Errors-crowd{i}", Namespace="AWS/Lambda", MetricName="Errors",
                                    Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanThreshold",
                                    Dimensions=[{"Name": "FunctionName", "Value": f"layer-consumer-crowd{i}"}])
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS,
                              region="us-east-1", inventory=False)
    run = Grader(ASSESSMENT, connections.facts_for).grade([done["sid"]])
    assert run.students[0].score == 100
    assert connections.requests()["cloudwatch:DescribeAlarms"] == 1

    cloudwatch.put_metric_alarm(AlarmName=f"Lambda-Throttles-{done['sid']}", Namespace="AWS/Lambda",  # threshold 2
                                MetricName="Throttles", Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=2,
                                ComparisonOperator="GreaterThanOrEqualToThreshold",
                                Dimensions=[{"Name": "FunctionName", "Value": f"layer-consumer-{done['sid']}"}])
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS,
                              region="us-east-1", inventory=False)
    student = Grader(ASSESSMENT, connections.facts_for).grade([done["sid"]]).students[0]
    assert {c.id for t in student.tasks for c in t.checks if c.status.value != "pass"} == {"12.4"}
    assert connections.requests()["cloudwatch:DescribeAlarms"] > 2  # the named lookup, then the listing's pages
