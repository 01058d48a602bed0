"""Helpers the lab's functions share, published as the layer common-utilities (python/common_utils.py)."""

import json
from datetime import datetime, timezone


def format_response(status_code, data, message=""):
    """An API Gateway proxy response: the data (and a message) as a JSON body, stamped with the time."""
    body = {"timestamp": datetime.now(timezone.utc).isoformat(), "data": data}
    if message:
        body["message"] = message
    headers = {"Content-Type": "application/json", "X-Custom-Header": "Lambda-Lab"}
    return {"statusCode": status_code, "headers": headers, "body": json.dumps(body)}


def validate_input(event, required_fields):
    """(True, []) when the query string has every required field, else (False, the fields missing)."""
    query = event.get("queryStringParameters") or {}
    missing = [field for field in required_fields if field not in query]
    return not missing, missing


class DataProcessor:
    """Small data helpers."""

    @staticmethod
    def sanitize_string(text):
        """Letters, digits and spaces only, trimmed."""
        return "".join(char for char in text if char.isalnum() or char.isspace()).strip()

    @staticmethod
    def calculate_metrics(numbers):
        """Count, sum, average, minimum and maximum of a list of numbers ({} for an empty list)."""
        if not numbers:
            return {}
        total = sum(numbers)
        return {"count": len(numbers), "sum": total, "average": total / len(numbers),
                "min": min(numbers), "max": max(numbers)}
