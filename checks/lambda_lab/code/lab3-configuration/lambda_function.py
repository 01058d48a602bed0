import json
import logging
import os
from datetime import datetime, timezone

DEBUG = os.environ.get("ENABLE_DEBUG_LOGGING", "false").lower() == "true"
logger = logging.getLogger()
logger.setLevel(logging.DEBUG if DEBUG else logging.INFO)


def settings():
    """The function's configuration, read from its environment variables (a default for each one unset)."""
    return {
        "prefix": os.environ.get("GREETING_PREFIX", "Hello"),
        "suffix": os.environ.get("GREETING_SUFFIX", "Have a great day!"),
        "environment": os.environ.get("ENVIRONMENT", "unknown"),
        "max_length": int(os.environ.get("MAX_RESPONSE_LENGTH", "1000")),
    }


def name_in(event):
    """Who to greet: "name" in a JSON body, else ?name= in the query string, else the test event's "name"."""
    query = event.get("queryStringParameters") or {}
    name = query.get("name") or event.get("name") or "World"
    if event.get("body"):
        try:
            name = json.loads(event["body"]).get("name", name)
        except (ValueError, AttributeError):
            pass  # not a JSON object: keep the name found so far
    return name


def lambda_handler(event, context):
    """Answers an API Gateway proxy request, worded as the environment variables say."""
    config = settings()
    logger.debug("configuration: %s", config)
    name = name_in(event)
    message = f"{config['prefix']}, {name}! {config['suffix']}"
    if len(message) > config["max_length"]:
        message = message[: config["max_length"]] + "..."
        logger.warning("message cut to %d characters", config["max_length"])
    answer = {
        "message": message,
        "environment": config["environment"],
        "method": event.get("httpMethod", "UNKNOWN"),
        "path": event.get("path", "/"),
        "memory_mb": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "time": datetime.now(timezone.utc).isoformat(),
    }
    logger.info("greeted %s", name)
    headers = {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*",
               "X-Environment": config["environment"]}
    return {"statusCode": 200, "headers": headers, "body": json.dumps(answer, indent=2)}
