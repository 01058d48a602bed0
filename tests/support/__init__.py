"""Test and benchmark support: not shipped with the grader."""
