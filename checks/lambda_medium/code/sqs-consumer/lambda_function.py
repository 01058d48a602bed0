import json

def lambda_handler(event, context):
    """Process messages from SQS queue"""

    processed = []
    failed = []

    for record in event['Records']:
        message_id = record['messageId']
        body = json.loads(record['body'])

        try:
            print(f"Processing message {message_id}: {body}")

            # Process message
            result = process_message(body)
            processed.append(message_id)

            print(f"Successfully processed: {message_id}")

        except Exception as e:
            print(f"Failed to process {message_id}: {e}")
            failed.append({'messageId': message_id, 'error': str(e)})

    # Return batch item failures for partial batch response
    if failed:
        return {
            'batchItemFailures': [{'itemIdentifier': f['messageId']} for f in failed]
        }

    return {
        'statusCode': 200,
        'body': json.dumps(f'Processed {len(processed)} messages')
    }

def process_message(message):
    """Process individual message"""
    action = message.get('action')
    data = message.get('data')

    if action == 'process':
        return f"Processed: {data}"
    elif action == 'validate':
        return f"Validated: {data}"
    else:
        raise ValueError(f"Unknown action: {action}")
