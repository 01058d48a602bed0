import json
import random
import time

def lambda_handler(event, context):
    """Async Lambda with success/failure handling"""

    print(f"Processing event: {json.dumps(event)}")

    # Get task from event
    task_id = event.get('task_id', 'unknown')
    should_fail = event.get('simulate_failure', False)

    # Simulate processing time
    time.sleep(2)

    # Simulate random failures if not explicitly set
    if should_fail or (not event.get('force_success') and random.random() < 0.2):
        raise Exception(f"Task {task_id} failed during processing")

    # Success case
    result = {
        'task_id': task_id,
        'status': 'completed',
        'processed_at': time.time(),
        'function': context.function_name
    }

    print(f"Task completed: {json.dumps(result)}")
    return result
