"""Fifty students press "Check my progress" at the same moment, each with their own link, on the
embedded emulator: every one is graded, once, and answered; pressing again meets the cooldown. Prints
the latencies (``bench/server_load.py`` measures them on complete students)."""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from grader.roster import Student
from tests.conftest import Account, new_student_id
from tests.server.conftest import TOKEN, http

CLASS = 50


def test_fifty_students_check_at_once(emulator, start, sqlite_url):
    account = Account(emulator)
    ids = [new_student_id("load") for _ in range(CLASS)]
    lam = account.client("lambda")
    from checks.lambda_medium.solution import LAYER

    for sid in ids:  # task 1 done: enough to be graded like a student at work (building all 12 costs 20 s)
        lam.publish_layer_version(LayerName=f"common-utils-layer-{sid}", Content={"ZipFile": LAYER},
                                  CompatibleRuntimes=["python3.12"])
    server = start(sqlite_url, [Student(sid) for sid in ids])
    keys = {sid: server.link_key(sid) for sid in ids}
    barrier = threading.Barrier(CLASS)

    def press(sid: str) -> tuple[int, float, dict]:
        barrier.wait()
        started = time.monotonic()
        reply = http("POST", f"{server.base}/api/students/{sid}/check", keys[sid], timeout=180)
        return reply.status, time.monotonic() - started, reply.json()

    began = time.monotonic()
    with ThreadPoolExecutor(CLASS) as pool:
        outcomes = dict(zip(ids, pool.map(press, ids), strict=True))
    wall = time.monotonic() - began
    assert {sid: o[0] for sid, o in outcomes.items()} == {sid: 200 for sid in ids}
    bodies = [body for _, _, body in outcomes.values()]
    alone = account.grade_run(ids[0]).students[0]  # the command line's grade of one of them
    assert alone.score > 0
    assert all(b["trigger"] == "student" and b["complete"] and b["score"] == alone.score for b in bodies)
    assert {b["student_id"] for b in bodies} == set(ids)
    latencies = sorted(seconds for _, seconds, _ in outcomes.values())
    p50, p95 = statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))]
    print(f"\n{CLASS} checks at once: p50 {p50:.2f} s, p95 {p95:.2f} s, all answered in {wall:.2f} s "
          f"({CLASS / wall:.1f} attempts/s)")
    view = http("GET", f"{server.base}/api/class", TOKEN).json()
    assert {s["student_id"]: s["attempts"] for s in view["students"]} == {sid: 1 for sid in ids}
    assert view["queue"] == {"queued": 0, "running": 0, "failed": 0}
    assert server.store.queue_counts() == {"done": CLASS}
    with ThreadPoolExecutor(CLASS) as pool:  # everyone again at once: the cooldown answers, at once
        again = list(pool.map(lambda sid: http("POST", f"{server.base}/api/students/{sid}/check", keys[sid]), ids))
    assert {r.status for r in again} == {429}
