import json
from datetime import datetime, timezone

HEADERS = {
    "Content-Type": "application/json",
    "Access-Control-Allow-Origin": "*",  # browsers on other sites may call the API
    "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
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
    """Answers a request API Gateway passes on as a Lambda proxy event."""
    method = event.get("httpMethod", "UNKNOWN")
    path = event.get("path", "/")
    client = (event.get("headers") or {}).get("User-Agent", "an unknown client")
    print(f"{method} {path} from {client}")
    answer = {
        "message": f"Hello, {name_in(event)}!",
        "method": method,
        "path": path,
        "query": event.get("queryStringParameters") or {},
        "time": datetime.now(timezone.utc).isoformat(),
    }
    return {"statusCode": 200, "headers": HEADERS, "body": json.dumps(answer, indent=2)}
