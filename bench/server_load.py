"""The class server under load, measured: a burst of students pressing "Check my progress" at once,
sustained checking, and the database's size per 1,000 attempts.

Starts the emulator (its own process) and builds a class of complete students in it, puts the AWS-like
proxy in front (a fixed latency per request, as AWS far away; ``--quotas`` also enforces AWS's Lambda and
CloudWatch quotas, and the server paces itself under them), then starts ``validate_tasks.py serve`` (its
own process, SQLite or ``--db URL``) and, from this process:

- burst: every student presses at once, with their own link: latency p50/p95/max, time until all answered;
- sustained: every student presses again as soon as answered (cooldown 0), for ``--seconds``: attempts
  per second and latencies;
- size: the database's growth per 1,000 attempts that found what the student's previous attempt found
  (the result is stored once; the attempt and its job are rows) and, in a scratch database, per 1,000
  attempts that each found something different.

Run from the project root:  python bench/server_load.py [--students 50] [--latency 0.03] [--seconds 30]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import start_emulator  # noqa: E402
from checks.lambda_medium import solution  # noqa: E402
from grader.aws.pacing import AWS_QUOTAS  # noqa: E402
from grader.emulator import EMULATOR_CREDENTIALS  # noqa: E402
from tests.support.proxy import AwsLikeProxy  # noqa: E402

TOKEN = "bench-instructor-token"


def post(url: str, key: str) -> tuple[int, float]:
    started = time.monotonic()
    request = urllib.request.Request(url, method="POST", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def size_of(url: str) -> int:
    """The database's size on disk, in bytes."""
    import sqlalchemy as sa

    from grader.server import db

    engine = db.open_engine(url)
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = c.exec_driver_sql("PRAGMA page_count").scalar()
            size = pages * c.exec_driver_sql("PRAGMA page_size").scalar()
        else:
            size = c.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return size


def distinct_attempts(url: str, body: dict, count: int = 1000) -> int:
    """Bytes the database grows by for ``count`` attempts that each found something different."""
    from grader.model import StudentResult
    from grader.roster import Student
    from grader.server import db
    from grader.server.store import Store

    engine = db.open_engine(url)
    db.upgrade(engine)
    store = Store(engine)
    store.open_class("lambda_medium")
    store.sync_students([Student(body["student_id"])])
    before = size_of(url)
    for number in range(count):
        varied = copy.deepcopy(body)
        varied["tasks"][0]["checks"][0]["message"] += f" (attempt {number})"  # a result of its own
        store.request_check(body["student_id"], "student", 0)
        [job] = store.claim("bench", 1, 30)
        store.record(job, StudentResult.from_dict(varied, 70.0), "bench", "bench")
    engine.dispose()
    return size_of(url) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.03, help="seconds the proxy adds to every AWS request")
    parser.add_argument("--seconds", type=float, default=30, help="how long the sustained load lasts")
    parser.add_argument("--quotas", action="store_true", help="enforce AWS's quotas (and pace under them)")
    parser.add_argument("--workers", type=int, default=2, help="the server's grading workers")
    parser.add_argument("--db", help="the server's database URL (default: a SQLite file in a scratch folder)")
    parser.add_argument("--scratch-db", help="an empty database for the distinct-results measurement (default: "
                        "a SQLite file)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="grader-server-bench-"))
    database = args.db or f"sqlite:///{folder / 'class.sqlite3'}"
    emulator, upstream = start_emulator()
    import boto3

    ids = [f"load{n:03d}" for n in range(args.students)]
    started = time.monotonic()
    for sid in ids:
        solution.build(lambda service: boto3.client(service, region_name="us-east-1", endpoint_url=upstream,
                                                    **EMULATOR_CREDENTIALS), sid)
    print(f"built {len(ids)} complete students in {time.monotonic() - started:.1f} s", flush=True)
    (folder / "roster.csv").write_text("student_id\n" + "\n".join(ids) + "\n")
    quotas = dict(AWS_QUOTAS) if args.quotas else None
    with AwsLikeProxy(upstream, latency=args.latency, quotas=quotas) as proxy:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GRADER_TOKEN": TOKEN, "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
        common = ["lambda_medium", "--roster", str(folder / "roster.csv"), "--db", database]
        links = subprocess.run([sys.executable, str(ROOT / "validate_tasks.py"), "serve", *common, "--links"],
                               env=env, capture_output=True, text=True, check=True).stdout
        keys = {sid: link.split("token=")[1] for sid, link in (line.split("\t") for line in links.splitlines())}
        log = (folder / "serve.log").open("w")
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "validate_tasks.py"), "serve", *common, "--port", "0", "--cooldown", "0",
             "--endpoint-url", proxy.url, "--workers", str(args.workers), "--pace", "on" if args.quotas else "off"],
            env=env, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            base = None
            for line in server.stdout:
                found = re.search(r"listening on (http://\S+)", line)
                if found:
                    base = found.group(1)
                    break
            if base is None:
                raise SystemExit(f"the server did not start: {(folder / 'serve.log').read_text()[-2000:]}")
            post(f"{base}/api/students/{ids[0]}/check", keys[ids[0]])  # warm up: clients made, modules loaded

            barrier = threading.Barrier(len(ids))

            def burst(sid: str) -> tuple[int, float]:
                barrier.wait()
                return post(f"{base}/api/students/{sid}/check", keys[sid])

            began = time.monotonic()
            with ThreadPoolExecutor(len(ids)) as pool:
                outcomes = list(pool.map(burst, ids))
            wall = time.monotonic() - began
            latencies = [seconds for status, seconds in outcomes if status == 200]
            print(f"burst of {len(ids)}: {len(latencies)} graded (statuses {sorted({s for s, _ in outcomes})}); "
                  f"latency p50 {statistics.median(latencies):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
                  f"max {max(latencies):.2f} s; all answered in {wall:.2f} s "
                  f"({len(latencies) / wall:.1f} attempts/s)", flush=True)

            first_size, first_attempts = size_of(database), len(ids) + 1
            stop = time.monotonic() + args.seconds
            sustained: list[tuple[int, float]] = []
            lock = threading.Lock()

            def keep_checking(sid: str) -> None:
                while time.monotonic() < stop:
                    outcome = post(f"{base}/api/students/{sid}/check", keys[sid])
                    with lock:
                        sustained.append(outcome)

            began = time.monotonic()
            with ThreadPoolExecutor(len(ids)) as pool:
                list(pool.map(keep_checking, ids))
            wall = time.monotonic() - began
            ok = [seconds for status, seconds in sustained if status == 200]
            print(f"sustained for {wall:.0f} s by {len(ids)} students: {len(ok)} attempts, "
                  f"{len(ok) / wall:.1f} attempts/s; latency p50 {statistics.median(ok):.2f} s, "
                  f"p95 {percentile(ok, 0.95):.2f} s; throttled by the proxy: {dict(proxy.throttled) or 'none'}",
                  flush=True)
            request = urllib.request.Request(f"{base}/api/class", headers={"Authorization": f"Bearer {TOKEN}"})
            with urllib.request.urlopen(request) as response:
                attempts = sum(s["attempts"] for s in json.load(response)["students"])
            request = urllib.request.Request(f"{base}/api/students/{ids[0]}/attempts/1",
                                             headers={"Authorization": f"Bearer {TOKEN}"})
            with urllib.request.urlopen(request) as response:
                body = {k: v for k, v in json.load(response).items()
                        if k not in ("attempt_id", "graded_at", "trigger", "late", "retry_after")}
        finally:
            server.terminate()
            server.wait(60)
            log.close()
    emulator.terminate()
    emulator.wait(30)
    recorded = size_of(database)
    repeated = (recorded - first_size) / max(1, attempts - first_attempts) * 1000
    print(f"database: {recorded / 1e6:.2f} MB for {attempts} attempts; {repeated / 1e6:.3f} MB per 1,000 more "
          "attempts that found what the student's previous one did (stored once)")
    scratch = args.scratch_db or f"sqlite:///{folder / 'distinct.sqlite3'}"
    grown = distinct_attempts(scratch, body)
    print(f"database: {grown / 1e6:.2f} MB per 1,000 attempts that each found a different result "
          f"({'SQLite' if scratch.startswith('sqlite') else 'PostgreSQL'})")


if __name__ == "__main__":
    main()
