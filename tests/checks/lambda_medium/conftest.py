"""lambda_medium students share one training account, told apart by the -<student-id> suffix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grader.model import StudentResult
from tests.checks.conftest import Mistake
from tests.conftest import Account


@pytest.fixture
def graded_mistake(account: Account) -> Callable[[Mistake], tuple[dict[str, Any], StudentResult]]:
    def grade(mistake: Mistake) -> tuple[dict[str, Any], StudentResult]:
        built = account.build()
        mistake(account, built)
        return built, account.grade(built["sid"])

    return grade
