"""Everything the class server keeps, read and written through one object over the class database.

Writes are short transactions. The queue is the ``jobs`` table: a check inserts a row, a worker of any
instance claims rows with ``SELECT … FOR UPDATE SKIP LOCKED`` and holds them under a lease it renews;
the attempt and the job's completion are written in one transaction that only succeeds while the job
is still the worker's, so a job taken over from an instance that stalled is never recorded twice.
On SQLite (one instance) writes take the database's write lock (``BEGIN IMMEDIATE``), which gives
the same guarantees; ``FOR UPDATE`` is then left out by SQLAlchemy.

:class:`Store` is the one object the rest of the server uses; its rooms are

- :mod:`.base`: the engine, its transactions, the errors callers catch;
- :mod:`.roster`: the class (its owner, settings) and its students;
- :mod:`.queue`: checks, jobs and their leases, recording attempts, the schedule;
- :mod:`.attempts`: reading a student's attempts, each student's best or latest;
- :mod:`.dashboard`: the instructor's view of the class.
"""

from __future__ import annotations

from grader.server.store.base import Cooldown, UnknownStudent, WrongClass
from grader.server.store.dashboard import Dashboard
from grader.server.store.queue import CLASS_SCHEDULE, MAX_TRIES, Job, Queue, digest
from grader.server.store.roster import Roster

__all__ = ["CLASS_SCHEDULE", "MAX_TRIES", "Cooldown", "Job", "Store", "UnknownStudent", "WrongClass", "digest"]


class Store(Roster, Queue, Dashboard):
    """The class database, read and written through one object (its rooms above)."""
