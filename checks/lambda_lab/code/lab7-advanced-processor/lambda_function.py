from common_utils import DataProcessor, format_response, validate_input  # from the layer, not this package


def lambda_handler(event, context):
    """?operation=metrics, or ?operation=sanitize&text=..., answered with the layer's helpers."""
    valid, missing = validate_input(event, ["operation"])
    if not valid:
        return format_response(400, {"error": f"missing query parameters: {', '.join(missing)}"}, "Validation failed")
    query = event.get("queryStringParameters") or {}
    operation = query["operation"]
    if operation == "metrics":
        metrics = DataProcessor.calculate_metrics([10, 20, 30, 40, 50])
        return format_response(200, {"operation": operation, "metrics": metrics}, "Metrics calculated")
    if operation == "sanitize":
        text = query.get("text", "")
        cleaned = DataProcessor.sanitize_string(text)
        return format_response(200, {"original": text, "sanitized": cleaned}, "Text sanitized")
    return format_response(400, {"error": f"unknown operation: {operation}"}, "Invalid operation")
