"""Several server instances on one PostgreSQL database: checks made on either are graded once, by
whichever instance claims them; scheduled rounds are taken by one; an instance killed mid-grading loses
nothing — another takes its jobs over when their lease runs out."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from grader.roster import Student
from tests.conftest import Account, new_student_id
from tests.server.conftest import TOKEN, http
from tests.support.proxy import AwsLikeProxy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def students(emulator):
    account = Account(emulator)
    ids = [new_student_id("mi") for _ in range(6)]
    for sid in ids:
        account.build(sid)
    return [Student(sid) for sid in ids]


def test_checks_on_two_instances_are_each_graded_once(students, start, postgres_url):
    a = start(postgres_url, students)
    b = start(postgres_url, students)
    ids = [s.student_id for s in students]
    with ThreadPoolExecutor(len(ids)) as pool:
        replies = list(pool.map(lambda pair: pair[0].check(pair[1]), zip([a, b] * 3, ids, strict=True)))
    assert [r.status for r in replies] == [200] * len(ids)
    assert all(r.json()["score"] == 100 for r in replies)
    for sid in ids:
        assert len(a.store.attempts(sid)) == 1
    jobs = a.store.queue_counts()
    assert jobs == {"done": len(ids)}
    # Each instance answers for attempts the other graded.
    assert {r.json()["attempt_id"] for r in replies} == {b.store.attempts(sid)[0]["attempt_id"] for sid in ids}


def test_two_instances_take_each_scheduled_round_once(students, start, postgres_url):
    started = time.monotonic()
    a = start(postgres_url, students, service_options={"every": 1.0})
    start(postgres_url, students, service_options={"every": 1.0})
    ids = [s.student_id for s in students]
    deadline = started + 30
    while min(len(a.store.attempts(sid)) for sid in ids) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    counts = Counter(len(a.store.attempts(sid)) for sid in ids)
    # One round a second at most, whichever instance took it: a student graded by both would show more.
    assert max(counts) <= int(elapsed) + 1, (counts, elapsed)
    # Each round is one transaction queuing the class at one moment: no student twice in a round, and no more
    # rounds than seconds (a round taken late may share its second with the next, so seconds are not compared).
    with a.store.read() as c:
        rounds = c.exec_driver_sql("SELECT created_at, count(*), count(DISTINCT student_id) FROM jobs "
                                   "WHERE trigger = 'schedule' GROUP BY 1").all()
    assert all(queued == distinct <= len(ids) for _, queued, distinct in rounds), rounds
    assert 2 <= len(rounds) <= int(time.monotonic() - started) + 1, (len(rounds), rounds)


def test_an_instance_killed_mid_grading_loses_nothing(students, start, postgres_url, emulator, tmp_path):
    ids = [s.student_id for s in students[:4]]
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(ids) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "GRADER_TOKEN": TOKEN}
    log = (tmp_path / "a.log").open("w")  # a pipe nobody reads would fill and stall the instance
    with log, AwsLikeProxy(emulator.url, latency=0.3) as slow:  # instance A grades slowly: it is killed mid-batch
        first = subprocess.Popen(
            [sys.executable, str(ROOT / "validate_tasks.py"), "serve", "lambda_medium", "--roster", str(roster),
             "--db", postgres_url, "--port", "0", "--endpoint-url", slow.url, "--lease", "2"],
            env=env, stdout=subprocess.PIPE, stderr=log, text=True, cwd=tmp_path)
        try:
            base = None
            for line in first.stdout:
                found = re.search(r"listening on (http://\S+)", line)
                if found:
                    base = found.group(1)
                    break
            assert base, (tmp_path / "a.log").read_text()
            def press(sid: str) -> None:
                try:
                    http("POST", f"{base}/api/students/{sid}/check", TOKEN, timeout=60)
                except OSError:  # the instance answering it is killed
                    pass

            pressing = [threading.Thread(target=press, args=(sid,), daemon=True) for sid in ids]
            for thread in pressing:
                thread.start()
            deadline = time.monotonic() + 30
            while True:  # every job claimed, some still being graded: then A dies
                queue = http("GET", f"{base}/api/class", TOKEN).json()["queue"]
                if queue["queued"] == 0 and queue["running"] > 0:
                    break
                assert time.monotonic() < deadline, f"instance A never held the jobs: {queue}"
                time.sleep(0.02)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
            first.stdout.close()

    engine = sa.create_engine(postgres_url)
    with engine.connect() as c:  # what A held when it died
        held = {row.student_id for row in c.execute(sa.text("SELECT student_id FROM jobs WHERE state = 'running'"))}
    engine.dispose()
    assert held
    second = start(postgres_url, students, service_options={"lease": 2.0})
    deadline = time.monotonic() + 30
    while second.store.queue_counts().get("done", 0) < len(ids):
        assert time.monotonic() < deadline, second.store.queue_counts()
        time.sleep(0.1)
    for sid in ids:
        [attempt] = second.store.attempts(sid)  # graded once: by A before it died, or by B after
        assert attempt["score"] == 100 and attempt["trigger"] == "instructor"
    with second.store.read() as c:
        rows = c.exec_driver_sql("SELECT j.student_id, a.instance, j.tries FROM jobs j "
                                 "JOIN attempts a ON a.id = j.attempt_id").all()
    taken_over = {row.student_id: (row.instance, row.tries) for row in rows if row.student_id in held}
    assert taken_over == {sid: (second.service.instance, 2) for sid in held}
