#!/usr/bin/env python3
"""Grade an AWS assessment read-only. Usage: python validate_tasks.py lambda_medium --student-id ID"""

from grader.cli import run

if __name__ == "__main__":
    run()
