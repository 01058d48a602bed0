#!/usr/bin/env python3
"""Grade an AWS assessment read-only. Usage: python validate_tasks.py lambda_medium --student-id ID"""

if __name__ == "__main__":
    import gc

    # Start-up (imports) allocates much and frees little: grader.cli turns the collector on once it is over.
    gc.disable()
    from grader.cli import process_main

    process_main()
