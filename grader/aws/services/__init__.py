"""What the grader reads, one module per AWS service.

Each module holds its service's facts: the questions checks ask (``function("x")``, ``queue("y")``),
answered either by name (cheapest for one student) or from account-wide listings shared by every
student (``inventory``: cheapest for a class), side by side in one method, with the IAM actions both
ways need (``@reads``). The listings are declared as data (:class:`grader.aws.reader.Listing`).
"""

from __future__ import annotations

from typing import Any

from grader.aws.reader import Reader


class ServiceFacts(Reader):
    """The base of each service's facts."""

    # True: answer from shared listings; False: ask for each resource by name.
    inventory: bool = False
    # The deployment package reader (grader.aws.package_reader.PackageReader) shared by every student of a
    # router of accounts; None: one made on first use.
    packages: Any = None
