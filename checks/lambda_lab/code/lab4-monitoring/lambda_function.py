import json
import logging
import os
from datetime import datetime, timezone

DEBUG = os.environ.get("ENABLE_DEBUG_LOGGING", "false").lower() == "true"
logger = logging.getLogger()
logger.setLevel(logging.DEBUG if DEBUG else logging.INFO)


def log(level, message, **fields):
    """One log line as a JSON object, which CloudWatch Logs Insights can filter and count by field."""
    entry = {"time": datetime.now(timezone.utc).isoformat(), "level": level, "message": message, **fields}
    line = json.dumps(entry, default=str)
    if level == "ERROR":
        logger.error(line)
    else:
        logger.info(line)


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
            log("WARNING", "the body is not a JSON object", body=event["body"][:200])
    return name


def lambda_handler(event, context):
    """Answers an API Gateway proxy request, and logs each step as one JSON object."""
    log("INFO", "started", request_id=context.aws_request_id, version=context.function_version)
    try:
        config = settings()
        name = name_in(event)
        method = event.get("httpMethod", "DIRECT_INVOKE")
        log("INFO", "processing request", method=method, path=event.get("path"), name=name,
            environment=config["environment"])
        message = f"{config['prefix']}, {name}! {config['suffix']}"[: config["max_length"]]
        answer = {
            "message": message,
            "environment": config["environment"],
            "request_id": context.aws_request_id,
            "time": datetime.now(timezone.utc).isoformat(),
        }
        log("INFO", "answered", length=len(json.dumps(answer)), remaining_ms=context.get_remaining_time_in_millis())
        headers = {"Content-Type": "application/json", "X-Request-ID": context.aws_request_id}
        return {"statusCode": 200, "headers": headers, "body": json.dumps(answer)}
    except Exception as error:
        log("ERROR", "failed", error_type=type(error).__name__, error=str(error), request_id=context.aws_request_id)
        body = {"error": "Internal server error", "request_id": context.aws_request_id}
        return {"statusCode": 500, "body": json.dumps(body)}
