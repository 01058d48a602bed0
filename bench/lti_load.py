"""The class server as an LTI 1.3 tool, measured against the tests' own platform (tests/server/lti_platform.py)
with a latency of its own (an LMS far away):

- launch: a student's whole launch over HTTP as a browser makes it (the course's link, the tool's login
  redirect, the platform's authorisation form, the verified launch, the student's page): p50/p95;
- passbacks: scores posted per second, sustained, from a class database of ``--passbacks`` new scores;
- burst: ``validate_tasks.py serve --lti`` on the emulator behind the AWS-like proxy, every student launches
  and then presses "Check my progress" at once: until every check is answered, and until every score is in
  the platform's gradebook;
- outage: the platform answers 503 to scores for ``--outage`` seconds while every student's score changes;
  the server is killed (SIGKILL) and started again in the middle of it; then the platform comes back:
  how long until every score arrived, and that none is missing or sent twice.

Run from the project root:  python bench/lti_load.py [--students 50] [--latency 0.05] [--outage 60]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.benchmark import free_port, start_emulator  # noqa: E402
from bench.server_load import percentile  # noqa: E402
from checks.lambda_medium import solution  # noqa: E402
from grader.emulator import EMULATOR_CREDENTIALS  # noqa: E402
from tests.server.lti_platform import LtiPlatform, User  # noqa: E402
from tests.support.proxy import AwsLikeProxy  # noqa: E402

TOKEN = "bench-instructor-token"


def browser_launch(platform: LtiPlatform, hint: str) -> tuple[float, str]:
    """(seconds, the student's page URL): a launch as a browser follows it, with a cookie jar of its own."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    started = time.monotonic()
    with opener.open(platform.login_url(hint), timeout=60) as response:  # → tool login → platform /auth
        form = response.read().decode()
    action = html.unescape(re.search(r'action="([^"]+)"', form).group(1))
    fields = {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', form)}
    with opener.open(urllib.request.Request(action, urllib.parse.urlencode(fields).encode()), timeout=60) as response:
        response.read()  # → 303 → the student's page
        return time.monotonic() - started, response.url


def post(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=600) as response:
            response.read()
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started


def wait_until(condition, timeout: float) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit("timed out")
        time.sleep(0.02)
    return time.monotonic() - started


def sustained_passbacks(platform: LtiPlatform, count: int, folder: Path) -> str:
    """Scores per second from a class database holding ``count`` new scores, one per student."""
    import sqlalchemy as sa

    from grader.model import CheckResult, Status, StudentResult, TaskResult
    from grader.roster import Student
    from grader.server import db
    from grader.server.db import utcnow
    from grader.server.lti import Lti
    from grader.server.lti.config import parse
    from grader.server.lti.tables import lti_users
    from grader.server.store import Store

    engine = db.open_engine(f"sqlite:///{folder / 'passbacks.sqlite3'}")
    db.upgrade(engine)
    store = Store(engine)
    store.open_class("lambda_medium")
    ids = [f"pb{n:04d}" for n in range(count)]
    store.sync_students([Student(sid) for sid in ids])
    for sid in ids:
        store.request_check(sid, "student", 0)
    for job in store.claim("bench", count, 60):
        task = TaskResult(1, "t", (CheckResult("1.1", "c", Status.PASS, 1.0, 1.0, "ok", None),))
        store.record(job, StudentResult(job.student.student_id, "123456789012", "us-east-1", (task,), 70.0), "bench", "bench")
    with store.write() as c:
        c.execute(lti_users.insert(), [{"student_id": sid, "sub": f"lms-{sid}", "lineitem": platform.lineitem(),
                                        "updated_at": utcnow()} for sid in ids])
    before = len(platform.scores)
    lti = Lti(parse(platform.config()), store, max_score=1.0, poll=0.02)
    platform.tool_keys = lti.keys.key_set
    started = time.monotonic()
    lti.start()
    wait_until(lambda: len(platform.scores) - before >= count, 600)
    wall = time.monotonic() - started
    lti.stop()
    with store.read() as c:
        done = c.execute(sa.select(sa.func.count()).select_from(sa.table("lti_passbacks"))
                         .where(sa.column("state") == "done")).scalar()
    engine.dispose()
    platform.tool_keys = None
    return f"{count} scores in {wall:.2f} s: {count / wall:.0f} passbacks/s ({lti.passbacks.senders} senders, {done} done)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the platform adds to token and score requests")
    parser.add_argument("--aws-latency", type=float, default=0.03, help="seconds the proxy adds to every AWS request")
    parser.add_argument("--passbacks", type=int, default=500, help="scores for the sustained measurement")
    parser.add_argument("--outage", type=float, default=60, help="seconds the platform answers 503 to scores")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="grader-lti-bench-"))

    with LtiPlatform(latency=args.latency) as platform:
        print(f"platform latency {args.latency * 1000:.0f} ms per token or score request", flush=True)
        print("sustained: " + sustained_passbacks(platform, args.passbacks, folder), flush=True)
        platform.scores.clear()

        emulator, upstream = start_emulator()
        import boto3

        def aws(service: str):
            return boto3.client(service, region_name="us-east-1", endpoint_url=upstream, **EMULATOR_CREDENTIALS)

        ids = [f"lti{n:03d}" for n in range(args.students)]
        for sid in ids:
            solution.build(aws, sid)
            aws("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{sid}")  # 97 of 100
        (folder / "roster.csv").write_text("student_id,email\n" + "".join(f"{s},{s}@school.example\n" for s in ids))
        platform.users = {sid: User(f"lms-{sid}", email=f"{sid}@school.example") for sid in ids}
        (folder / "lms.json").write_text(json.dumps(platform.config()))
        with AwsLikeProxy(upstream, latency=args.aws_latency) as proxy:
            env = {**os.environ, "PYTHONPATH": str(ROOT), "GRADER_TOKEN": TOKEN, "AWS_ACCESS_KEY_ID": "testing",
                   "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
            port = str(free_port())  # kept across the restart
            command = [sys.executable, str(ROOT / "validate_tasks.py"), "serve", "lambda_medium", "--roster",
                       str(folder / "roster.csv"), "--db", f"sqlite:///{folder / 'class.sqlite3'}", "--port", port,
                       "--cooldown", "0", "--endpoint-url", proxy.url, "--pace", "off", "--lti", str(folder / "lms.json")]

            def start() -> subprocess.Popen:
                log = (folder / "serve.log").open("a")
                server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
                for line in server.stdout:
                    if "listening on" in line:
                        return server
                raise SystemExit(f"the server did not start: {(folder / 'serve.log').read_text()[-2000:]}")

            server = start()
            base = f"http://127.0.0.1:{port}"
            platform.tool = base
            try:
                launches = [browser_launch(platform, sid) for sid in ids]
                times = [seconds for seconds, _ in launches]
                pages = {sid: url for sid, (_, url) in zip(ids, launches, strict=True)}
                assert all(f"/s/{sid}?token=" in pages[sid] for sid in ids)
                print(f"launch ({len(ids)}, one after another): p50 {statistics.median(times) * 1000:.0f} ms, "
                      f"p95 {percentile(times, 0.95) * 1000:.0f} ms (the first, keys read: {times[0] * 1000:.0f} ms)",
                      flush=True)

                def press(sid: str) -> tuple[int, float]:
                    barrier.wait()
                    return post(pages[sid].replace(f"/s/{sid}?", f"/api/students/{sid}/check?"))

                barrier = threading.Barrier(len(ids))
                began = time.monotonic()
                with ThreadPoolExecutor(len(ids)) as pool:
                    outcomes = list(pool.map(press, ids))
                answered = time.monotonic() - began
                wait_until(lambda: len(platform.scores) >= len(ids), 300)
                arrived = time.monotonic() - began
                print(f"burst of {len(ids)} with passback: statuses {sorted({s for s, _ in outcomes})}, every check "
                      f"answered in {answered:.2f} s, every score in the gradebook after {arrived:.2f} s", flush=True)

                platform.down = True
                for sid in ids:  # everyone fixes task 7: 100 of 100
                    aws("lambda").put_function_concurrency(FunctionName=f"rate-limited-function-{sid}",
                                                           ReservedConcurrentExecutions=5)
                outage_began = time.monotonic()
                barrier = threading.Barrier(len(ids))
                with ThreadPoolExecutor(len(ids)) as pool:
                    outcomes = list(pool.map(press, ids))
                time.sleep(max(0.0, args.outage / 2 - (time.monotonic() - outage_began)))
                server.send_signal(signal.SIGKILL)  # mid-outage, nothing handed back
                server.wait(30)
                server = start()
                time.sleep(max(0.0, args.outage - (time.monotonic() - outage_began)))
                platform.down = False
                back = time.monotonic()
                wait_until(lambda: len(platform.scores) >= 2 * len(ids), 600)
                drained = time.monotonic() - back
                time.sleep(3)
                got = [(s["body"]["userId"], s["body"]["scoreGiven"]) for s in platform.scores]
                expected = sorted([(f"lms-{sid}", 97.0) for sid in ids] + [(f"lms-{sid}", 100.0) for sid in ids])
                print(f"outage of {args.outage:.0f} s (503 to every score; the server killed and restarted halfway): "
                      f"statuses {sorted({s for s, _ in outcomes})}; all {len(ids)} new scores arrived {drained:.1f} s "
                      f"after the platform came back; {len(got)} scores in all, "
                      f"{'none missing, none twice' if sorted(got) == expected else 'MISMATCH'}", flush=True)
            finally:
                server.terminate()
                server.wait(60)
        emulator.terminate()
        emulator.wait(30)


if __name__ == "__main__":
    main()
