import json
import random
import time


class TaskFailed(Exception):
    """Raised so that Lambda counts the run as failed: it retries, then sends the event to lambda-dlq."""


def lambda_handler(event, context):
    """A slow task, run asynchronously; one run in five fails on purpose, to show retries at work."""
    task = event.get("task_id", "unknown")
    seconds = random.randint(2, 5)
    print(f"task {task}: working for {seconds} s")
    time.sleep(seconds)
    if random.random() < 0.2:
        print(f"task {task}: failed")
        raise TaskFailed(f"task {task} failed")
    print(f"task {task}: done")
    return {"statusCode": 200, "body": json.dumps({"task_id": task, "seconds": seconds, "status": "completed"})}
