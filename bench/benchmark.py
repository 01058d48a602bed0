"""How fast does grading go, and how many requests does it make? Measured, not guessed.

Starts the emulator (its own process), builds a class in it, and puts an AWS-like proxy in front that
adds a fixed latency to every request and, in the quota scenario, answers throttling errors beyond
AWS's published Lambda and CloudWatch quotas. Then grades:

- one student, in an account holding only them, through the real command line (Python start-up
  included) and in-process;
- classes of the given sizes in one shared account holding the largest class, with shared inventory and concurrency (the default for a class), and the
  same classes sequentially without sharing (``--workers 1 --inventory off``), so the gain is a ratio
  measured in one run;
- the largest class under enforced quotas, with client-side pacing;
- one ``lambda_lab`` student in an account of their own (fixed names), command line and in-process.

Run from the project root:  python bench/benchmark.py            (about five minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checks.lambda_lab import ASSESSMENT as LAB  # noqa: E402
from checks.lambda_lab import solution as lab_solution  # noqa: E402
from checks.lambda_medium import ASSESSMENT, solution  # noqa: E402
from grader.aws.pacing import AWS_QUOTAS  # noqa: E402
from grader.emulator import EMULATOR_CREDENTIALS  # noqa: E402
from grader.model import Status  # noqa: E402
from grader.run import RunOptions  # noqa: E402
from grader.run import grade as grade_run  # noqa: E402

UPSTREAM_GRADER_SECONDS = 1.11  # 12 sequential requests for 9 shallow checks at 30 ms per request


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_emulator() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "validate_tasks.py"), "sandbox", "--port", str(port)],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)
    line = process.stdout.readline()
    if "listening" not in line:
        raise SystemExit(f"the emulator did not start: {line!r}")
    return process, f"http://127.0.0.1:{port}"


def build_class(url: str, ids: list[str]) -> None:
    import boto3

    def client(service: str):
        return boto3.client(service, region_name="us-east-1", endpoint_url=url, **EMULATOR_CREDENTIALS)

    for sid in ids:  # one at a time: moto's backends are not safe for concurrent writes
        solution.build(client, sid)


class ProxyProcess:
    """The AWS-like proxy in its own process: its CPU is not the grader's, as AWS's is not."""

    def __init__(self, upstream: str, latency: float, quotas: bool = False) -> None:
        command = [sys.executable, "-m", "tests.support.proxy", "--upstream", upstream, "--latency", str(latency)]
        self.process = subprocess.Popen(command + (["--quotas"] if quotas else []), stdout=subprocess.PIPE,
                                        text=True, cwd=ROOT)
        line = self.process.stdout.readline()
        if "listening on" not in line:
            raise SystemExit(f"the proxy did not start: {line!r}")
        self.url = line.split("listening on", 1)[1].strip()

    def _control(self, path: str, method: str = "GET") -> dict:
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def reset_counts(self) -> None:
        self._control("/__proxy/reset", "POST")

    def stats(self) -> dict:
        return self._control("/__proxy/stats")

    def __enter__(self) -> ProxyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


LAB_ACCOUNT = "210000000001"


def build_lab(url: str) -> dict[str, str]:
    """The lab's reference solution in an emulated account of its own; returns that account's credentials."""
    import boto3

    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=url, **EMULATOR_CREDENTIALS)
    granted = sts.assume_role(RoleArn=f"arn:aws:iam::{LAB_ACCOUNT}:role/bench", RoleSessionName="bench")["Credentials"]
    credentials = {"aws_access_key_id": granted["AccessKeyId"], "aws_secret_access_key": granted["SecretAccessKey"],
                   "aws_session_token": granted["SessionToken"]}
    lab_solution.build(lambda service: boto3.client(service, region_name="us-east-1", endpoint_url=url, **credentials))
    return credentials


def grade(proxy: ProxyProcess, ids: list[str], *, inventory: bool, workers: int, pacing: bool,
          assessment=ASSESSMENT, credentials: dict[str, str] | None = None) -> dict:
    options = RunOptions(assessment.name, student_ids=tuple(ids), endpoint_url=proxy.url, region="us-east-1",
                         credentials=credentials or EMULATOR_CREDENTIALS, inventory="on" if inventory else "off",
                         pace="on" if pacing else "off", workers=workers)
    proxy.reset_counts()
    started = time.perf_counter()
    run = grade_run(options)  # the very run the command line makes, credentials proven first
    seconds = time.perf_counter() - started
    stats = proxy.stats()
    requests = stats["requests"]
    control_plane = sum(n for op, n in requests.items()
                        if op.startswith("lambda:") and op not in ("lambda:GetFunction", "lambda:GetPolicy"))
    errors = sum(c.status is Status.ERROR for s in run.students for t in s.tasks for c in t.checks)
    return {"students": len(ids), "seconds": round(seconds, 2), "requests": sum(requests.values()),
            "requests_per_student": round(sum(requests.values()) / len(ids), 1), "lambda_control_plane": control_plane,
            "throttled": sum(stats["throttled"].values()), "error_checks": errors,
            "mean_score": round(statistics.fmean(s.score for s in run.students), 1), "by_operation": requests}


def one_student_cli(proxy: ProxyProcess, sid: str | None, repeats: int = 5, assessment: str = "lambda_medium",
                    credentials: dict[str, str] | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    credentials = credentials or EMULATOR_CREDENTIALS
    env.update(AWS_ENDPOINT_URL=proxy.url, AWS_ACCESS_KEY_ID=credentials["aws_access_key_id"],
               AWS_SECRET_ACCESS_KEY=credentials["aws_secret_access_key"], AWS_DEFAULT_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true")
    if "aws_session_token" in credentials:
        env["AWS_SESSION_TOKEN"] = credentials["aws_session_token"]
    times = []
    for _ in range(repeats):
        proxy.reset_counts()
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(ROOT / "validate_tasks.py"), assessment,
                               *(["-s", sid] if sid else []), "--format", "json"],
                              env=env, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stderr
    return {"seconds_median": round(statistics.median(times), 3), "seconds_min": round(min(times), 3),
            "requests": sum(proxy.stats()["requests"].values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.03, help="seconds added to every request (0.03)")
    parser.add_argument("--sizes", default="10,50", help="class sizes graded both ways (10,50)")
    parser.add_argument("--quota-size", type=int, default=200, help="class graded under enforced quotas (200)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",") if s]
    largest = max(sizes + [options.quota_size, 1])
    ids = [f"b{n:04d}" for n in range(largest)]
    figures: dict = {"latency_ms": options.latency * 1000}

    emulator, url = start_emulator()
    try:
        # One student in an account of their own, as a student runs it.
        build_class(url, ids[:1])
        with ProxyProcess(url, options.latency) as proxy:
            figures["one_student_cli"] = one_student_cli(proxy, ids[0])
            grade(proxy, ids[:1], inventory=False, workers=16, pacing=False)  # warm the emulator's caches
            figures["one_student"] = grade(proxy, ids[:1], inventory=False, workers=16, pacing=False)
            figures["one_student_sequential"] = grade(proxy, ids[:1], inventory=False, workers=1, pacing=False)
        # One lab student, in an account of their own (fixed names).
        lab = build_lab(url)
        with ProxyProcess(url, options.latency) as proxy:
            figures["lab_cli"] = one_student_cli(proxy, None, assessment="lambda_lab", credentials=lab)
            grade(proxy, ["lab"], inventory=False, workers=16, pacing=False, assessment=LAB, credentials=lab)
            figures["lab"] = grade(proxy, ["lab"], inventory=False, workers=16, pacing=False, assessment=LAB,
                                   credentials=lab)
            figures["lab_sequential"] = grade(proxy, ["lab"], inventory=False, workers=1, pacing=False,
                                              assessment=LAB, credentials=lab)
        # Then the class, all in one shared training account.
        started = time.perf_counter()
        build_class(url, ids[1:])
        print(f"built {len(ids)} students in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        with ProxyProcess(url, options.latency) as proxy:
            figures["classes"] = []
            for size in sizes:
                shared = grade(proxy, ids[:size], inventory=True, workers=16, pacing=False)
                sequential = grade(proxy, ids[:size], inventory=False, workers=1, pacing=False)
                shared["sequential_seconds"] = sequential["seconds"]
                shared["sequential_requests_per_student"] = sequential["requests_per_student"]
                shared["speedup"] = round(sequential["seconds"] / shared["seconds"], 1)
                figures["classes"].append(shared)
        with ProxyProcess(url, options.latency, quotas=True) as proxy:
            quota = grade(proxy, ids[:options.quota_size], inventory=True, workers=16, pacing=True)
            quota["quota_bound_seconds"] = round(quota["lambda_control_plane"] / AWS_QUOTAS["lambda:*"], 1)
            quota["ratio_to_bound"] = round(quota["seconds"] / quota["quota_bound_seconds"], 2)
            figures["quota_class"] = quota
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    report(figures)
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def report(f: dict) -> None:
    one, cli, seq = f["one_student"], f["one_student_cli"], f["one_student_sequential"]
    print(f"\nLatency {f['latency_ms']:g} ms per request.\n")
    print("| run | wall time | requests per student | notes |")
    print("|---|---:|---:|---|")
    print(f"| one student, command line (start-up included) | {cli['seconds_median']} s | {cli['requests']} | "
          f"{cli['seconds_median'] / UPSTREAM_GRADER_SECONDS:.2f}× the upstream grader's {UPSTREAM_GRADER_SECONDS} s |")
    print(f"| one student, grading after start-up | {one['seconds']} s | {one['requests_per_student']:g} | "
          f"sequential: {seq['seconds']} s |")
    lab, lab_cli, lab_seq = f["lab"], f["lab_cli"], f["lab_sequential"]
    print(f"| lambda_lab, one account, command line (start-up included) | {lab_cli['seconds_median']} s | "
          f"{lab_cli['requests']} | score {lab['mean_score']:g} |")
    print(f"| lambda_lab, grading after start-up | {lab['seconds']} s | {lab['requests_per_student']:g} | "
          f"sequential: {lab_seq['seconds']} s |")
    for c in f["classes"]:
        print(f"| class of {c['students']}, shared inventory, 16 workers | {c['seconds']} s | "
              f"{c['requests_per_student']:g} | sequential un-shared: {c['sequential_seconds']} s, "
              f"{c['sequential_requests_per_student']:g} req/student → **{c['speedup']}×** |")
    q = f["quota_class"]
    print(f"| class of {q['students']} under AWS quotas, paced | {q['seconds']} s | {q['requests_per_student']:g} | "
          f"{q['lambda_control_plane']} Lambda control-plane requests ÷ 15/s = {q['quota_bound_seconds']} s → "
          f"**{q['ratio_to_bound']}×** the bound; {q['throttled']} throttled, {q['error_checks']} error checks |")
    print("\nRequests by operation, class of", f["classes"][-1]["students"] if f["classes"] else "-", ":")
    if f["classes"]:
        for op, count in sorted(f["classes"][-1]["by_operation"].items()):
            print(f"  {op:<50} {count}")


if __name__ == "__main__":
    main()
