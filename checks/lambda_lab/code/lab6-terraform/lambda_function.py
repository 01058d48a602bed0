import json
import os
from datetime import datetime, timezone


def lambda_handler(event, context):
    """Deployed by Terraform: says which environment and version it runs as (both set in variables.tf)."""
    body = {
        "message": "Hello from the function Terraform manages",
        "environment": os.environ.get("ENVIRONMENT", "unknown"),
        "version": os.environ.get("APP_VERSION", "0.0.0"),
        "path": event.get("path", "/"),
        "time": datetime.now(timezone.utc).isoformat(),
    }
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
