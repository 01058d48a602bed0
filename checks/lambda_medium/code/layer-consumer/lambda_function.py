import json
from utils import format_response, log_event, validate_input, Timer

def lambda_handler(event, context):
    """Lambda function using shared layer"""

    # Use layer utilities
    log_event(event, context)

    try:
        # Parse input
        body = json.loads(event.get('body', '{}'))

        # Validate input using layer utility
        validate_input(body, ['name', 'operation'])

        # Process with timer
        with Timer() as timer:
            result = process_data(body)

        # Format response using layer utility
        return format_response(200, {
            'message': 'Success',
            'result': result,
            'duration': f"{timer.duration:.2f}s"
        })

    except ValueError as e:
        return format_response(400, {'error': str(e)})
    except Exception as e:
        return format_response(500, {'error': 'Internal server error'})

def process_data(data):
    """Process the data"""
    name = data['name']
    operation = data['operation']
    return f"Processed {operation} for {name}"
