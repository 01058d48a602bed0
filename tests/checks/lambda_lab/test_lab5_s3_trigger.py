from checks.building import zip_of
from tests.checks.conftest import mistakes_cost_only_their_task

PROCESSOR = "S3FileProcessor"


def notify(events, bucket=None):
    def apply(a, b):
        arn = f"arn:aws:lambda:{b['region']}:{b['account']}:function:{PROCESSOR}"
        s3 = a.client("s3")
        configurations = [{"LambdaFunctionArn": arn, "Events": events}] if events else []
        s3.put_bucket_notification_configuration(Bucket=b["bucket"], NotificationConfiguration={
            "LambdaFunctionConfigurations": [] if bucket else configurations})
        if bucket:
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
                "LambdaFunctionConfigurations": configurations})
    return apply


def permission_for(bucket):
    def apply(a, b):
        lam = a.client("lambda")
        lam.remove_permission(FunctionName=PROCESSOR, StatementId="s3-invoke")
        lam.add_permission(FunctionName=PROCESSOR, StatementId="s3-old", Action="lambda:InvokeFunction",
                           Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}")
    return apply


def role_policies(detach, attach=None):
    def apply(a, b):
        iam, name = a.client("iam"), "S3FileProcessor-role"
        iam.detach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{detach}")
        if attach:
            iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{attach}")
    return apply


MISTAKES = {
    "no trigger": (notify([]), {"5.2"}),
    "trigger on Put only": (notify(["s3:ObjectCreated:Put"]), {"5.2"}),
    "trigger on deletions": (notify(["s3:ObjectRemoved:*"]), {"5.2"}),
    "trigger on a bucket not named lambda-lab-*": (lambda a, b: notify(["s3:ObjectCreated:*"],
                                                                       bucket=f"my-{b['bucket']}")(a, b), {"5.2"}),
    "no permission for S3": (lambda a, b: a.client("lambda").remove_permission(
        FunctionName=PROCESSOR, StatementId="s3-invoke"), {"5.3"}),
    "permission for another bucket": (permission_for("lambda-lab-someone-else"), {"5.3"}),
    "role without S3 access": (role_policies("AmazonS3FullAccess"), {"5.4"}),
    "role may only read": (role_policies("AmazonS3FullAccess", "AmazonS3ReadOnlyAccess"), {"5.4"}),
    "trigger never ran": (lambda a, b: a.client("s3").delete_object(Bucket=b["bucket"],
                                                                   Key="analysis/test-file.txt.json"), {"5.5"}),
    "a stub handler": (lambda a, b: a.client("lambda").update_function_code(FunctionName=PROCESSOR, ZipFile=zip_of(
        {"lambda_function.py": "def lambda_handler(event, context):\n    return {'statusCode': 200}\n"})), {"5.6"}),
}

test_mistake_costs_only_lab_5 = mistakes_cost_only_their_task(5, MISTAKES)


def test_an_inline_policy_on_the_bucket_is_enough(graded_mistake):
    def inline(a, b):
        role_policies("AmazonS3FullAccess")(a, b)
        import json
        a.client("iam").put_role_policy(RoleName="S3FileProcessor-role", PolicyName="bucket", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                                    "Resource": f"arn:aws:s3:::{b['bucket']}/*"}]}))
    _, student = graded_mistake(inline)
    assert student.score == 100


def test_the_permission_fix_names_the_students_bucket(graded_mistake):
    built, student = graded_mistake(lambda a, b: a.client("lambda").remove_permission(
        FunctionName=PROCESSOR, StatementId="s3-invoke"))
    check = student.check("5.3")
    assert f"arn:aws:s3:::{built['bucket']}" in check.hint and built["account"] in check.hint
