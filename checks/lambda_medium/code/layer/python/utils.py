"""Common utilities for Lambda functions"""
import json
import logging
from datetime import datetime

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def format_response(status_code, body, headers=None):
    """Format standard API response"""
    if headers is None:
        headers = {'Content-Type': 'application/json'}

    return {
        'statusCode': status_code,
        'headers': headers,
        'body': json.dumps(body) if not isinstance(body, str) else body
    }

def log_event(event, context):
    """Log event details"""
    logger.info(f"Function: {context.function_name}")
    logger.info(f"Request ID: {context.aws_request_id}")
    logger.info(f"Event: {json.dumps(event)}")

def validate_input(data, required_fields):
    """Validate required fields in input"""
    missing = [field for field in required_fields if field not in data]
    if missing:
        raise ValueError(f"Missing required fields: {missing}")
    return True

class Timer:
    """Context manager for timing operations"""
    def __enter__(self):
        self.start = datetime.now()
        return self

    def __exit__(self, *args):
        self.end = datetime.now()
        self.duration = (self.end - self.start).total_seconds()
        logger.info(f"Operation took {self.duration:.2f} seconds")
