import json

from checks.building import zip_of
from checks.lambda_lab.solution import LAYER
from tests.checks.conftest import mistakes_cost_only_their_task

ASYNC = "AsyncProcessor"


def invoke_config(**changes):
    def apply(a, b):
        lam = a.client("lambda")
        current = lam.get_function_event_invoke_config(FunctionName=ASYNC)
        settings = {"MaximumEventAgeInSeconds": current["MaximumEventAgeInSeconds"],
                    "MaximumRetryAttempts": current["MaximumRetryAttempts"],
                    "DestinationConfig": current["DestinationConfig"], **changes}
        lam.put_function_event_invoke_config(FunctionName=ASYNC, **settings)
    return apply


def failures_to(queue):
    def apply(a, b):
        sqs = a.client("sqs")
        url = sqs.create_queue(QueueName=queue)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        # AWS accepts the destination only once the role may send to it
        a.client("iam").put_role_policy(RoleName="lab7-role", PolicyName="send-elsewhere", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}]}))
        invoke_config(DestinationConfig={"OnFailure": {"Destination": arn}})(a, b)
    return apply


MISTAKES = {
    "layer for python3.11 only": (lambda a, b: a.client("lambda").publish_layer_version(
        LayerName="common-utilities", Content={"ZipFile": LAYER}, CompatibleRuntimes=["python3.11"]), {"7.1"}),
    "AdvancedProcessor without the layer": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName="AdvancedProcessor", Layers=[]), {"7.2", "7.7"}),
    "no retries": (invoke_config(MaximumRetryAttempts=0), {"7.3"}),
    "events kept 6 hours": (invoke_config(MaximumEventAgeInSeconds=21600), {"7.3"}),
    "failures to another queue": (failures_to("lambda-dlq-old"), {"7.4"}),
    "failures nowhere": (invoke_config(DestinationConfig={}), {"7.4"}),
    "no reserved concurrency": (lambda a, b: a.client("lambda").delete_function_concurrency(FunctionName=ASYNC),
                                {"7.5"}),
    # A newer version without common_utils.py: AdvancedProcessor still runs version 1, which has it.
    "a new layer version without common_utils.py": (lambda a, b: a.client("lambda").publish_layer_version(
        LayerName="common-utilities", Content={"ZipFile": zip_of({"python/utils.py": "X = 1\n"})},
        CompatibleRuntimes=["python3.12"]), {"7.6"}),
    "AdvancedProcessor shipping its own common_utils.py": (lambda a, b: a.client("lambda").update_function_code(
        FunctionName="AdvancedProcessor", ZipFile=zip_of({
            "lambda_function.py": "from common_utils import format_response\n\ndef lambda_handler(event, context):\n"
                                  "    return format_response(200, {})\n",
            "common_utils.py": "def format_response(code, data):\n    return {'statusCode': code}\n"})), {"7.7"}),
    "AsyncProcessor never raising": (lambda a, b: a.client("lambda").update_function_code(FunctionName=ASYNC, ZipFile=zip_of(
        {"lambda_function.py": "def lambda_handler(event, context):\n    return {'statusCode': 500}\n"})), {"7.8"}),
}

test_mistake_costs_only_lab_7 = mistakes_cost_only_their_task(7, MISTAKES)


def test_a_dead_letter_config_instead_of_a_destination_is_accepted(graded_mistake):
    def dead_letter_config(a, b):
        invoke_config(DestinationConfig={})(a, b)
        arn = f"arn:aws:sqs:{b['region']}:{b['account']}:lambda-dlq"
        a.client("lambda").update_function_configuration(FunctionName=ASYNC, DeadLetterConfig={"TargetArn": arn})
    _, student = graded_mistake(dead_letter_config)
    assert student.score == 100
    assert student.check("7.4").message == "lambda-dlq is the dead-letter queue"
