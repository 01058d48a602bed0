"""Lab 5: S3FileProcessor runs on every upload to a lambda-lab-* bucket and writes analysis/*.json."""

import json

from checks import policy_evaluation, python_behaviour
from checks.lambda_lab import code_reading
from checks.lambda_lab.common import (
    S3_PROCESSOR,
    configuration,
    function_exists,
    is_function,
    missing,
    remove_first,
    service_may_invoke,
)
from checks.lambda_lab.deployed import Lacks, code_check, where
from checks.python_source import Handler, Source
from checks.shared import role_name, role_policy_documents, role_request
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(5, "S3 trigger", points=16)
BUCKET_PREFIX = "lambda-lab-"
ALL_CREATED = "s3:ObjectCreated:*"
TRIGGER_HINT = (f"# in the {S3_PROCESSOR} console: Add trigger > S3 > your lambda-lab-* bucket, "
                "Event types: All object create events")


def lab_buckets(ctx: Context) -> list[str]:
    return [name for name in ctx.facts.bucket_names() if name.startswith(BUCKET_PREFIX)]


def triggers(ctx: Context) -> dict[str, list[dict]]:
    """lambda-lab-* bucket -> its notification configurations that invoke S3FileProcessor."""
    buckets = lab_buckets(ctx)
    facts = ctx.facts
    configurations = facts.parallel(*[lambda b=bucket: facts.bucket_notifications(b) for bucket in buckets])
    found = {}
    for bucket, notifications in zip(buckets, configurations, strict=True):
        invoking = [c for c in (notifications or {}).get("LambdaFunctionConfigurations") or []
                    if is_function(c.get("LambdaFunctionArn"), ctx, S3_PROCESSOR)]
        if invoking:
            found[bucket] = invoking
    return found


def the_bucket(ctx: Context) -> str | None:
    """The lab's bucket: the lambda-lab-* bucket that triggers the function, else the only one there is."""
    triggering = sorted(triggers(ctx))
    if triggering:
        return triggering[0]
    buckets = lab_buckets(ctx)
    return buckets[0] if len(buckets) == 1 else None


def trigger_fix(ctx: Context, bucket: str | None) -> str:
    """The console step, and the same as one command: the bucket's other notifications are written back
    (the call replaces them all), this function's on every object-created event."""
    config = configuration(ctx, S3_PROCESSOR) or {}
    if bucket is None or not config.get("FunctionArn"):
        return TRIGGER_HINT
    current = ctx.facts.bucket_notifications(bucket) or {}
    kept = {key: value for key, value in current.items() if key.endswith("Configurations") and value}
    # EventBridgeConfiguration (an empty structure in botocore's s3 model: "Enables delivery of events to
    # Amazon EventBridge") is present when it is on; the call would turn it off.
    if "EventBridgeConfiguration" in current:
        kept["EventBridgeConfiguration"] = current["EventBridgeConfiguration"]
    others = [c for c in kept.pop("LambdaFunctionConfigurations", [])
              if not is_function(c.get("LambdaFunctionArn"), ctx, S3_PROCESSOR)]
    document = {**kept, "LambdaFunctionConfigurations": [
        *others, {"LambdaFunctionArn": config["FunctionArn"], "Events": [ALL_CREATED]}]}
    return shell.fix(TRIGGER_HINT, shell.comment("or, once S3 may invoke the function (5.3):"),
                     shell.aws("s3api", "put-bucket-notification-configuration", "--bucket", bucket,
                               "--notification-configuration", json.dumps(document, separators=(",", ":"))))


def no_bucket(ctx: Context) -> Verdict:
    buckets = lab_buckets(ctx)
    if not buckets:
        return failed("no bucket named lambda-lab-*", hint='aws s3 mb "s3://lambda-lab-$(date +%s)"')
    return failed(f"none of {', '.join(buckets)} triggers {S3_PROCESSOR}, so it is unclear which is the lab's",
                  hint=trigger_fix(ctx, buckets[0] if len(buckets) == 1 else None))


exists = function_exists(TASK, "5.1", S3_PROCESSOR, points=2)


@TASK.check("5.2", f"A lambda-lab-* bucket triggers {S3_PROCESSOR} on all object-created events", points=4)
def trigger(ctx: Context) -> Verdict:
    found = triggers(ctx)
    if not found:
        return no_bucket(ctx)
    for bucket, notifications in sorted(found.items()):
        if any(ALL_CREATED in (n.get("Events") or []) for n in notifications):
            return passed(f"{bucket} invokes {S3_PROCESSOR} on {ALL_CREATED}", bucket=bucket)
    bucket, notifications = sorted(found.items())[0]
    events = sorted({e for n in notifications for e in n.get("Events") or []})
    return failed(f"{bucket} invokes {S3_PROCESSOR} only on {', '.join(events)}; the lab asks for all "
                  "object create events", hint=trigger_fix(ctx, bucket), events=events)


def permission_hint(ctx: Context, bucket: str) -> str:
    return shell.aws("lambda", "add-permission", "--function-name", S3_PROCESSOR, "--statement-id", "s3-invoke",
                     "--action", "lambda:InvokeFunction", "--principal", "s3.amazonaws.com",
                     "--source-arn", f"arn:{ctx.partition}:s3:::{bucket}", "--source-account", ctx.account)


@TASK.check("5.3", f"{S3_PROCESSOR}'s resource policy lets S3 invoke it", points=2.5)  # every verdict has its own fix
def permitted(ctx: Context) -> Verdict:
    if configuration(ctx, S3_PROCESSOR) is None:
        return missing(ctx, S3_PROCESSOR)
    bucket = the_bucket(ctx)
    policy = ctx.facts.function_policy(S3_PROCESSOR)
    hint = shell.fix(remove_first(ctx, S3_PROCESSOR, "s3-invoke"),
                     permission_hint(ctx, bucket or shell.placeholder("your-bucket")))
    if policy is None:
        return failed(f"{S3_PROCESSOR} has no resource-based policy: S3 cannot invoke it", hint=hint)
    allowed, detail = service_may_invoke(
        ctx, policy, "s3.amazonaws.com", [ctx.arn("s3", bucket, region=False, account=False)] if bucket else [],
        S3_PROCESSOR, f"no lambda-lab-* bucket triggers {S3_PROCESSOR} (5.2)")
    if allowed:
        return passed(f"s3.amazonaws.com may invoke {S3_PROCESSOR} ({detail})")
    return failed(detail, hint=hint)


@TASK.check("5.4", f"{S3_PROCESSOR}'s role can read and write the bucket", points=2.5, requires=exists, hint=(
    "# give the function's role s3:GetObject and s3:PutObject on arn:{partition}:s3:::<your-bucket>/* "
    "(the lab attaches AmazonS3FullAccess)"))
def role_access(ctx: Context) -> Verdict:
    bucket = the_bucket(ctx)
    if bucket is None:
        return no_bucket(ctx)
    role = (configuration(ctx, S3_PROCESSOR) or {}).get("Role")
    documents = role_policy_documents(ctx, role)
    if documents is None:
        return failed(f"the role {role} does not exist")
    needs = {"s3:GetObject": ctx.arn("s3", f"{bucket}/test-file.txt", region=False, account=False),
             "s3:PutObject": ctx.arn("s3", f"{bucket}/analysis/test-file.txt.json", region=False, account=False)}
    lacking = [action for action, key in needs.items()
               if not policy_evaluation.allows(documents, action, key, **role_request(ctx))]
    if lacking:
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": ctx.arn("s3", f"{bucket}/*", region=False, account=False)}]}
        return failed(f"the role may not {' or '.join(lacking)} in {bucket}", hint=shell.aws(
            "iam", "put-role-policy", "--role-name", role_name(role) or shell.placeholder("s3-processor-role"), "--policy-name",
            "lambda-lab-bucket", "--policy-document", json.dumps(policy, separators=(",", ":"))),
            missing=lacking, role=role)
    return passed(f"the role may read and write objects in {bucket}", role=role)


@TASK.check("5.5", "The bucket holds analysis/*.json results (the trigger ran)", points=2)
def results(ctx: Context) -> Verdict:
    bucket = the_bucket(ctx)
    if bucket is None:
        return no_bucket(ctx)
    keys = [k for k in ctx.facts.object_keys(bucket, "analysis/") or [] if k.endswith(".json")]
    if keys:
        return passed(f"{len(keys)} result(s) in {bucket}/analysis/", first=keys[0])
    return failed(f"{bucket} has no analysis/*.json: the function has not processed an upload "
                  "(check its CloudWatch logs for errors)", hint=shell.fix(
                      shell.comment("upload a text file; a few seconds later its analysis is there:"),
                      shell.aws("s3", "cp", "test-file.txt", f"s3://{bucket}/"),
                      shell.aws("s3", "ls", f"s3://{bucket}/analysis/")))


# What an S3 notification passes the function: {"Records": [{"s3": {"bucket": {"name"}, "object": {"key"}}}]}
# ("Event message structure", Amazon S3 User Guide). Reading and writing objects, with a client or a resource.
EVENT_KEYS = ("Records", "bucket", "key")
GETS = ("get_object", "download_file", "download_fileobj", "Object.get")
PUTS = ("put_object", "upload_file", "upload_fileobj", "Object.put")
RESULT_PIECES = ("analysis/", ".json")


def processes_uploads(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict | Lacks:
    read = python_behaviour.keys_read(modules)
    calls = code_reading.method_calls(modules, GETS + PUTS)
    gets, puts = [m for m in GETS if m in calls], [m for m in PUTS if m in calls]
    result = code_reading.key_built(modules, *RESULT_PIECES)
    absent = [key for key in EVENT_KEYS if key not in read]
    file = handler.source.path
    said = []
    if absent:
        said.append(f"never reads the event's {', '.join(absent)}")
    if not gets:
        said.append("never gets the uploaded object (get_object)")
    if not puts:
        said.append("never puts an object (put_object)")
    if result is None:
        said.append("builds no key under analysis/ ending in .json")
    if said:
        return Lacks(f"{file} {'; it '.join(said)}: uploads are not analysed into analysis/<key>.json",
                     f"{file} must take each record's bucket and key from event['Records'] "
                     "(record['s3']['bucket']['name'], record['s3']['object']['key']), get_object it, and "
                     "put_object the analysis as f'analysis/{key}.json'")
    return passed(f"{where(handler)} reads Records, bucket and key; {gets[0]} at {calls[gets[0]]}, {puts[0]} at "
                  f"{calls[puts[0]]}, the analysis/ key at {result}",
                  reads={key: read[key] for key in EVENT_KEYS}, gets=calls[gets[0]], puts=calls[puts[0]], key=result)


processes = code_check(TASK, "5.6", f"{S3_PROCESSOR}'s code reads each record's bucket and key, gets the object and "
                       "puts analysis/<key>.json", S3_PROCESSOR, points=3, requires=exists, judge=processes_uploads)
