"""The class database, the same tests on SQLite and on a real PostgreSQL server: migrations, the cooldown,
the queue (one job per student, claims that never overlap, leases taken over, results recorded once),
the schedule taken by one instance, and the class's numbers."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from grader.model import CheckResult, Status, StudentResult, TaskResult
from grader.roster import Student
from grader.server import db
from grader.server.store import Cooldown, Store, UnknownStudent, WrongClass


def result(sid: str, points: tuple[float, ...] = (4, 6)) -> StudentResult:
    """A student result built by hand: task n has ``points[n-1]`` of its 4 + 6 points."""
    tasks = tuple(TaskResult(n, f"Task {n}", (CheckResult(f"{n}.1", "a check", Status.PASS if p == m else Status.FAIL,
                                                          float(p), float(m), "seen", None if p == m else "fix it"),))
                  for n, (p, m) in enumerate(zip(points, (4, 6), strict=True), start=1))
    return StudentResult(sid, "123456789012", "us-east-1", tasks, 70.0)


@pytest.fixture
def store(database_url: str) -> Store:
    engine = db.open_engine(database_url)
    db.upgrade(engine)
    opened = Store(engine)
    opened.open_class("lambda_medium")
    opened.sync_students([Student(f"st{n}", name=f"Student {n}") for n in range(6)])
    yield opened
    engine.dispose()


def test_migrations_build_exactly_the_tables_the_code_uses(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = db.open_engine(database_url)
    assert db.revision(engine) is None
    db.upgrade(engine)
    db.upgrade(engine)  # every start runs it: a second time changes nothing
    assert db.revision(engine) == "0003"
    import grader.server.lti.tables  # noqa: F401  (the LTI tables are on the same metadata)

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)
    assert differences == []
    engine.dispose()


def test_a_class_database_keeps_its_assessment_and_secret(store):
    secret = store.meta("secret")
    store.open_class("lambda_medium")  # a restart
    assert store.meta("secret") == secret and len(secret) == 64
    with pytest.raises(WrongClass, match="lambda_medium"):
        store.open_class("lambda_lab")


def test_the_roster_is_the_class_and_old_students_are_set_aside(store):
    store.sync_students([Student("st1", name="Renamed"), Student("new1")])
    assert [(s.student_id, s.name) for s in store.students()] == [("new1", None), ("st1", "Renamed")]
    with pytest.raises(UnknownStudent):
        store.student("st2")


def test_the_cooldown_lets_one_of_two_simultaneous_presses_through(store):
    barrier = threading.Barrier(8)

    def press(_: int) -> str:
        barrier.wait()
        try:
            return f"job {store.request_check('st0', 'student', 60)}"
        except Cooldown as exc:
            assert 0 < exc.retry_after <= 60
            return "cooldown"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(press, range(8)))
    assert outcomes.count("cooldown") == 7
    assert 0 < store.retry_after("st0", 60) <= 60
    assert store.retry_after("st1", 60) == 0
    with pytest.raises(UnknownStudent):
        store.request_check("nobody", "student", 60)


def test_one_job_per_student_and_a_press_joins_the_scheduled_one(store):
    assert store.scheduled_round(600) == 6  # the first round is due at once
    assert store.scheduled_round(600) == 0  # the next in ten minutes
    job = store.request_check("st3", "student", 0)
    assert store.queue_counts() == {"queued": 6}
    assert store.job(job).trigger == "student"  # the press made the queued job the student's
    assert store.enqueue_class("instructor") == 0  # everyone already has one


def test_claims_never_overlap_and_each_job_is_recorded_once(store):
    for n in range(6):
        store.request_check(f"st{n}", "student", 0)
    barrier = threading.Barrier(3)

    def claim(name: str) -> list[int]:
        barrier.wait()
        return [job.id for job in store.claim(name, 2, 30)]

    with ThreadPoolExecutor(3) as pool:
        claimed = list(pool.map(claim, ["a", "b", "c"]))
    ids = [i for ids in claimed for i in ids]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 6
    assert store.claim("d", 10, 30) == []


def test_a_dead_instance_s_jobs_are_taken_over_and_its_late_result_is_dropped(store):
    store.request_check("st0", "student", 0)
    [dead] = store.claim("dead", 10, lease=0.2)
    assert store.claim("alive", 10, 30) == []  # its lease still runs
    import time

    time.sleep(0.3)
    [taken] = store.claim("alive", 10, 30)
    assert taken.id == dead.id and taken.tries == 2
    assert store.record(dead, result("st0"), "dead", "test") is None  # no longer the dead one's
    attempt = store.record(taken, result("st0"), "alive", "test")
    assert attempt is not None
    assert [a["attempt_id"] for a in store.attempts("st0")] == [attempt]
    assert store.job(taken.id).state == "done"


def test_a_job_that_keeps_failing_is_given_up_with_its_reason(store):
    job_id = store.request_check("st0", "student", 0)
    for _ in range(3):
        [job] = store.claim("a", 10, 30)
        store.give_back([job.id], "a", "grading failed: RuntimeError")
    row = store.job(job_id)
    assert row.state == "failed" and row.error == "grading failed: RuntimeError"
    assert store.request_check("st0", "student", 0) != job_id  # a new check is a new job


def test_a_clean_stop_hands_jobs_back_untried(store):
    store.request_check("st0", "student", 0)
    store.claim("a", 10, 30)
    store.release("a")
    [job] = store.claim("b", 10, 30)
    assert job.tries == 1


def test_only_one_of_several_instances_takes_a_scheduled_round(store):
    barrier = threading.Barrier(4)

    def tick(_: int) -> int:
        barrier.wait()
        return store.scheduled_round(300)

    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(tick, range(4))) == [0, 0, 0, 6]
    following = store.next_round()
    assert dt.timedelta(seconds=295) < following - db.utcnow() <= dt.timedelta(seconds=300)
    assert store.scheduled_round(60) == 0  # a shorter interval brings the next round closer
    assert store.next_round() - db.utcnow() <= dt.timedelta(seconds=60)


def test_identical_results_are_stored_once(store):
    for _ in range(3):
        store.request_check("st0", "schedule", 0)
        [job] = store.claim("a", 10, 30)
        store.record(job, result("st0"), "a", "test")
    with store.read() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(db.results)).scalar() == 1
        assert c.execute(sa.select(sa.func.count()).select_from(db.attempts)).scalar() == 3
        assert c.execute(sa.select(sa.func.count()).select_from(db.result_tasks)).scalar() == 2


def grade(store: Store, sid: str, points: tuple[float, ...], trigger: str = "student") -> int:
    store.request_check(sid, trigger, 0)
    [job] = store.claim("a", 10, 30)
    return store.record(job, result(sid, points), "a", "0.1.0")


def test_the_class_view_best_latest_first_full_marks_and_the_deadline(store):
    first = grade(store, "st1", (4, 0))
    second = grade(store, "st1", (4, 6), "schedule")
    cutoff = db.utcnow()
    third = grade(store, "st1", (0, 6))  # after the deadline: kept, not counted
    view = store.class_view(None)["st1"]
    assert (view["best_score"], view["latest_score"], view["attempts"]) == (10, 6, 3)
    assert view["latest_tasks"] == {"1": "fail", "2": "pass"}
    times = {a["attempt_id"]: a["graded_at"] for a in store.attempts("st1")}
    assert view["first_full_marks"] == {"1": times[first], "2": times[second]}
    late = store.class_view(cutoff)["st1"]
    assert (late["best_score"], late["latest_score"], late["attempts"], late["late_attempts"]) == (10, 10, 3, 1)
    assert late["latest_tasks"] == {"1": "pass", "2": "pass"}
    assert store.class_view(None)["st2"]["best_score"] is None
    assert [a["attempt_id"] for a in store.attempts("st1")] == [third, second, first]  # newest first
    assert [a["trigger"] for a in store.attempts("st1")] == ["student", "schedule", "student"]
    assert {sid: row.id for sid, (row, _) in store.chosen("best", None).items()} == {"st1": second}
    assert {sid: row.id for sid, (row, _) in store.chosen("latest", None).items()} == {"st1": third}
    assert {sid: row.id for sid, (row, _) in store.chosen("latest", cutoff).items()} == {"st1": second}
    row, body = store.attempt("st1", first)
    assert body == result("st1", (4, 0)).to_dict() and row.grader_version == "0.1.0" and row.trigger == "student"
    assert store.attempt("st2", first) is None  # another student's attempt is not theirs to read


def test_a_sqlite_class_database_and_its_wal_and_shm_are_private(tmp_path):
    """Issue 24: the database holds the links' secret and every email. Under the usual umask (022) its file,
    -wal and -shm are still 0600: the file is made 0600 before SQLite opens it, and SQLite gives its -wal and
    -shm the database file's mode (os_unix.c, findCreateFileMode)."""
    import os
    import stat

    path = tmp_path / "class.sqlite3"
    old = os.umask(0o022)
    try:
        engine = db.open_engine(f"sqlite:///{path}")
        db.upgrade(engine)
        store = Store(engine)
        store.open_class("lambda_medium")
        with engine.connect() as connection:  # an open connection: the -wal and -shm are there
            connection.exec_driver_sql("SELECT 1")
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
        engine.dispose()
    finally:
        os.umask(old)
    assert set(modes) == {"class.sqlite3", "class.sqlite3-wal", "class.sqlite3-shm"}
    assert modes == dict.fromkeys(modes, 0o600)


def test_a_looser_side_file_left_behind_is_made_private(tmp_path):
    import os
    import stat

    path = tmp_path / "class.sqlite3"
    db.open_engine(f"sqlite:///{path}").dispose()
    wal = tmp_path / "class.sqlite3-wal"
    wal.write_bytes(b"")
    os.chmod(wal, 0o644)
    engine = db.open_engine(f"sqlite:///{path}")
    assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    engine.dispose()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660], ids=oct)
def test_a_sqlite_class_database_others_may_read_is_refused(tmp_path, mode):
    import os

    path = tmp_path / "class.sqlite3"
    path.write_bytes(b"")
    os.chmod(path, mode)
    with pytest.raises(db.LooseDatabase, match=rf"\(mode {mode:04o}\).*run chmod 600 {path}\*"):
        db.open_engine(f"sqlite:///{path}")


def test_the_roster_s_own_columns_are_kept_with_each_student(store):
    """Issue 24: the server's reports carry the roster's columns (section...), as the command line's do."""
    store.sync_students([Student("st0", extra=(("section", "B-2"), ("cohort", "evening"))), Student("st1")])
    assert {s.student_id: s.extra for s in store.students()} == {"st0": (("section", "B-2"), ("cohort", "evening")),
                                                                 "st1": ()}
    assert store.student("st0").extra == (("section", "B-2"), ("cohort", "evening"))


def test_a_class_database_of_the_first_schema_is_upgraded_with_its_students(database_url):
    engine = db.open_engine(database_url)
    db.upgrade(engine, "0001")
    with engine.connect() as c, c.begin():
        c.exec_driver_sql("INSERT INTO students (student_id, name, active, added_at) "
                          "VALUES ('old1', 'Old One', true, '2025-01-01 00:00:00')")
    db.upgrade(engine)
    found = Store(engine).student("old1")
    assert (found.name, found.extra) == ("Old One", ())
    engine.dispose()
