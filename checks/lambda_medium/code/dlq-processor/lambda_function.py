import json
import boto3

sns_client = boto3.client('sns')

def lambda_handler(event, context):
    """Process messages from DLQ and alert"""

    for record in event['Records']:
        body = json.loads(record['body'])

        # Extract original event
        original_event = body.get('requestPayload', {})
        error_message = body.get('responsePayload', {}).get('errorMessage', 'Unknown error')

        print(f"DLQ Message: {json.dumps(body)}")
        print(f"Original event: {json.dumps(original_event)}")
        print(f"Error: {error_message}")

        # Alert via SNS (optional)
        # sns_client.publish(
        #     TopicArn='arn:aws:sns:region:account:lambda-alerts',
        #     Subject='Lambda DLQ Alert',
        #     Message=f'Failed event: {json.dumps(original_event)}\nError: {error_message}'
        # )

    return {'statusCode': 200}
