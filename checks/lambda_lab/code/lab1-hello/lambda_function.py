import json
from datetime import datetime, timezone


def lambda_handler(event, context):
    """Greets whoever the test event names (or the world), and says when and as what it ran."""
    who = event.get("name") or "World"
    now = datetime.now(timezone.utc).isoformat()
    print(f"greeting {who}")
    return {
        "statusCode": 200,
        "body": json.dumps({
            "message": f"Hello, {who}! Lambda ran this at {now}",
            "event": event,
            "version": context.function_version,
            "request_id": context.aws_request_id,
        }),
    }
