"""lambda_lab students each have an account of their own (the names are fixed): every test builds one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grader.model import StudentResult
from tests.checks.conftest import Mistake
from tests.conftest import Account


@pytest.fixture
def graded_mistake(own_account: Account) -> Callable[[Mistake], tuple[dict[str, Any], StudentResult]]:
    def grade(mistake: Mistake) -> tuple[dict[str, Any], StudentResult]:
        built = own_account.build("lab-student")
        mistake(own_account, built)
        return built, own_account.grade("lab-student")

    return grade
