import time
import json

def lambda_handler(event, context):
    """Function with limited concurrency"""

    # Simulate long-running task
    print(f"Starting execution: {context.aws_request_id}")
    time.sleep(10)  # 10 second task

    return {
        'statusCode': 200,
        'body': json.dumps({
            'message': 'Task completed',
            'request_id': context.aws_request_id
        })
    }
