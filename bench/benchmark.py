"""How fast does grading go, and how many requests does it make? Measured, not guessed.

Starts the emulator (its own process), builds a class in it, and puts an AWS-like proxy in front that
adds a fixed latency to every request and, in the quota scenario, answers throttling errors beyond
AWS's published Lambda and CloudWatch quotas. Then grades:

- one student, in an account holding only them, through the real command line (Python start-up
  included) at each latency, paired run by run with an upstream-like grader (``bench/upstream_like.py``:
  boto3, three clients, 12 sequential reads for 9 shallow checks of the same resources): wall time, CPU
  seconds (user+sys of the process) and requests of both; and in-process;
- classes of the given sizes in one shared account holding the largest class, with shared inventory and concurrency (the default for a class), and the
  same classes sequentially without sharing (``--workers 1 --inventory off``), so the gain is a ratio
  measured in one run;
- the largest class under enforced quotas, with client-side pacing;
- one ``lambda_lab`` student in an account of their own (fixed names), command line and in-process.

Run from the project root:  python bench/benchmark.py            (about five minutes on 2 cores)
                            python bench/benchmark.py --one-student   (the command-line comparison only, ~1 min)

The project's modules are byte-compiled first, as installing the package does: otherwise an environment
with PYTHONDONTWRITEBYTECODE set would time Python compiling the grader on every run.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
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
from tests.support.proxy import PACKAGES  # noqa: E402

PACKAGE_DOWNLOADS = ":".join(PACKAGES)  # how the proxy counts a deployment package's download


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_emulator() -> tuple[subprocess.Popen, str]:
    port = free_port()
    # Functions built long before grading, as a class leaves them: settled at once (the settle switch off),
    # so building 200 students does not wait for each function as AWS makes a student wait.
    env = {**os.environ, "GRADER_EMULATOR_SETTLE_SECONDS": "0"}
    process = subprocess.Popen([sys.executable, str(ROOT / "validate_tasks.py"), "sandbox", "--port", str(port)],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
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
    # Deployment packages: their ranged downloads (no API call, no quota), counted apart.
    packages = requests.get(PACKAGE_DOWNLOADS, 0)
    api = sum(requests.values()) - packages
    return {"students": len(ids), "seconds": round(seconds, 2), "requests": api,
            "requests_per_student": round(api / len(ids), 1), "lambda_control_plane": control_plane,
            "package_requests_per_student": round(packages / len(ids), 2),
            "package_bytes_per_student": round(stats.get("package_bytes", 0) / len(ids)),
            "throttled": sum(stats["throttled"].values()), "error_checks": errors,
            "mean_score": round(statistics.fmean(s.score for s in run.students), 1), "by_operation": requests}


def cli_env(proxy: ProxyProcess, credentials: dict[str, str] | None = None) -> dict[str, str]:
    """A student's environment: the endpoint, credentials and region, nothing else of AWS's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    credentials = credentials or EMULATOR_CREDENTIALS
    env.update(AWS_ENDPOINT_URL=proxy.url, AWS_ACCESS_KEY_ID=credentials["aws_access_key_id"],
               AWS_SECRET_ACCESS_KEY=credentials["aws_secret_access_key"], AWS_DEFAULT_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true")
    if "aws_session_token" in credentials:
        env["AWS_SESSION_TOKEN"] = credentials["aws_session_token"]
    return env


def timed_process(command: list[str], env: dict[str, str], proxy: ProxyProcess) -> dict:
    """One whole process: wall seconds, CPU seconds (its user+sys, children included), API requests and
    deployment package downloads (requests, bytes)."""
    proxy.reset_counts()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stats = proxy.stats()
    packages = stats["requests"].get(PACKAGE_DOWNLOADS, 0)
    return {"wall": wall, "cpu": cpu, "requests": sum(stats["requests"].values()) - packages,
            "package_requests": packages, "package_bytes": stats.get("package_bytes", 0)}


def summary(runs: list[dict]) -> dict:
    return {"wall_median": round(statistics.median(r["wall"] for r in runs), 3),
            "wall_min": round(min(r["wall"] for r in runs), 3),
            "cpu_median": round(statistics.median(r["cpu"] for r in runs), 3),
            "cpu_min": round(min(r["cpu"] for r in runs), 3),
            "requests": runs[-1]["requests"], "package_requests": runs[-1].get("package_requests", 0),
            "package_bytes": runs[-1].get("package_bytes", 0), "runs": len(runs)}


def ours_command(sid: str | None, assessment: str = "lambda_medium") -> list[str]:
    return [sys.executable, str(ROOT / "validate_tasks.py"), assessment, *(["-s", sid] if sid else []),
            "--format", "json"]


def one_student_cli(proxy: ProxyProcess, sid: str | None, repeats: int = 5, assessment: str = "lambda_medium",
                    credentials: dict[str, str] | None = None) -> dict:
    env = cli_env(proxy, credentials)
    timed_process(ours_command(sid, assessment), env, proxy)  # warm-up: the OS's file cache, the model cache
    return summary([timed_process(ours_command(sid, assessment), env, proxy) for _ in range(repeats)])


def versus_upstream(proxy: ProxyProcess, sid: str, repeats: int) -> dict:
    """Ours and the upstream-like grader on the same student, alternately, after one warm-up each."""
    env = cli_env(proxy)
    upstream = [sys.executable, str(ROOT / "bench" / "upstream_like.py"), sid]
    timed_process(ours_command(sid), env, proxy)
    timed_process(upstream, env, proxy)
    runs: dict[str, list[dict]] = {"ours": [], "upstream_like": []}
    for _ in range(repeats):
        runs["ours"].append(timed_process(ours_command(sid), env, proxy))
        runs["upstream_like"].append(timed_process(upstream, env, proxy))
    pairs = list(zip(runs["ours"], runs["upstream_like"], strict=True))
    return {"ours": summary(runs["ours"]), "upstream_like": summary(runs["upstream_like"]),
            "wall_ratio_median": round(statistics.median(a["wall"] / b["wall"] for a, b in pairs), 2),
            "cpu_ratio_median": round(statistics.median(a["cpu"] / b["cpu"] for a, b in pairs), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latencies", default="0.03,0.15",
                        help="seconds added to every request, one student compared at each (0.03,0.15); "
                             "the other rows use the first")
    parser.add_argument("--latency", type=float, help="a single latency (same as --latencies LATENCY)")
    parser.add_argument("--repeats", type=int, default=7, help="runs of each command line, after a warm-up (7)")
    parser.add_argument("--one-student", action="store_true",
                        help="only one student: ours against the upstream-like grader at each latency, and in-process")
    parser.add_argument("--sizes", default="10,50", help="class sizes graded both ways (10,50)")
    parser.add_argument("--quota-size", type=int, default=200, help="class graded under enforced quotas (200)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    options = parser.parse_args()
    latencies = [options.latency] if options.latency is not None else \
        [float(x) for x in options.latencies.split(",") if x]
    sizes = [] if options.one_student else [int(s) for s in options.sizes.split(",") if s]
    largest = max(sizes + [0 if options.one_student else options.quota_size, 1])
    ids = [f"b{n:04d}" for n in range(largest)]
    latency = latencies[0]
    figures: dict = {"latency_ms": latency * 1000, "one_student_cli": {}}
    # As installing the package does; quietly, and only what changed.
    for folder in ("grader", "checks", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    compileall.compile_file(ROOT / "validate_tasks.py", quiet=1)

    emulator, url = start_emulator()
    try:
        # One student in an account of their own, as a student runs it.
        build_class(url, ids[:1])
        for each in latencies:
            with ProxyProcess(url, each) as proxy:
                figures["one_student_cli"][f"{each * 1000:g}"] = versus_upstream(proxy, ids[0], options.repeats)
        with ProxyProcess(url, latency) as proxy:
            grade(proxy, ids[:1], inventory=False, workers=16, pacing=False)  # warm the emulator's caches
            figures["one_student"] = grade(proxy, ids[:1], inventory=False, workers=16, pacing=False)
            figures["one_student_sequential"] = grade(proxy, ids[:1], inventory=False, workers=1, pacing=False)
        if not options.one_student:
            more(figures, url, ids, sizes, options.quota_size, latency, options.repeats)
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    report(figures)
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def more(figures: dict, url: str, ids: list[str], sizes: list[int], quota_size: int, latency: float,
         repeats: int) -> None:
    """The lab student, the classes and the class under quotas."""
    # One lab student, in an account of their own (fixed names).
    lab = build_lab(url)
    with ProxyProcess(url, latency) as proxy:
        figures["lab_cli"] = one_student_cli(proxy, None, repeats=repeats, assessment="lambda_lab", credentials=lab)
        grade(proxy, ["lab"], inventory=False, workers=16, pacing=False, assessment=LAB, credentials=lab)
        figures["lab"] = grade(proxy, ["lab"], inventory=False, workers=16, pacing=False, assessment=LAB,
                               credentials=lab)
        figures["lab_sequential"] = grade(proxy, ["lab"], inventory=False, workers=1, pacing=False,
                                          assessment=LAB, credentials=lab)
    # Then the class, all in one shared training account.
    started = time.perf_counter()
    build_class(url, ids[1:])
    print(f"built {len(ids)} students in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with ProxyProcess(url, latency) as proxy:
        # The same first student again, now that the account holds the whole class: what one student waits
        # must not grow with the classmates sharing the account.
        crowded = one_student_cli(proxy, ids[0], repeats=repeats)
        alone = figures["one_student_cli"][f"{latency * 1000:g}"]["ours"]
        figures["one_student_in_class_cli"] = dict(crowded, students_in_account=len(ids),
                                                   ratio_to_alone=round(crowded["wall_median"] / alone["wall_median"], 2))
        figures["classes"] = []
        for size in sizes:
            shared = grade(proxy, ids[:size], inventory=True, workers=16, pacing=False)
            sequential = grade(proxy, ids[:size], inventory=False, workers=1, pacing=False)
            shared["sequential_seconds"] = sequential["seconds"]
            shared["sequential_requests_per_student"] = sequential["requests_per_student"]
            shared["speedup"] = round(sequential["seconds"] / shared["seconds"], 1)
            figures["classes"].append(shared)
    with ProxyProcess(url, latency, quotas=True) as proxy:
        quota = grade(proxy, ids[:quota_size], inventory=True, workers=16, pacing=True)
        quota["quota_bound_seconds"] = round(quota["lambda_control_plane"] / AWS_QUOTAS["lambda:*"], 1)
        quota["ratio_to_bound"] = round(quota["seconds"] / quota["quota_bound_seconds"], 2)
        figures["quota_class"] = quota


TASKS, CHECKS = len(ASSESSMENT.tasks), sum(len(task.checks) for task in ASSESSMENT.tasks)


def report(f: dict) -> None:
    print("\nOne student, whole process (Python start-up included), medians of paired runs:\n")
    print("| latency | grader | wall time | CPU (user+sys) | requests | packages: requests, KB | ours ÷ upstream-like, "
          "wall | CPU |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for latency, pair in f["one_student_cli"].items():
        ours, upstream = pair["ours"], pair["upstream_like"]
        print(f"| {latency} ms | ours, {TASKS} tasks, {CHECKS} checks | {ours['wall_median']:.2f} s | "
              f"{ours['cpu_median']:.2f} s | "
              f"{ours['requests']} | {ours['package_requests']}, {ours['package_bytes'] / 1000:.1f} | "
              f"**{pair['wall_ratio_median']:.2f}×** | {pair['cpu_ratio_median']:.2f}× |")
        print(f"| {latency} ms | upstream-like, 9 checks | {upstream['wall_median']:.2f} s | "
              f"{upstream['cpu_median']:.2f} s | {upstream['requests']} | | | |")
    one, seq = f["one_student"], f["one_student_sequential"]
    print(f"\nLatency {f['latency_ms']:g} ms per request.\n")
    print("| run | wall time | requests per student | package requests, bytes per student | notes |")
    print("|---|---:|---:|---:|---|")

    def packages(run: dict) -> str:
        return f"{run['package_requests_per_student']:g}, {run['package_bytes_per_student']:,}"

    print(f"| one student, grading after start-up | {one['seconds']} s | {one['requests_per_student']:g} | "
          f"{packages(one)} | sequential: {seq['seconds']} s |")
    if "lab" not in f:
        return
    crowded = f["one_student_in_class_cli"]
    print(f"| one student in an account of {crowded['students_in_account']} students, command line | "
          f"{crowded['wall_median']} s | {crowded['requests']} | {crowded['package_requests']}, "
          f"{crowded['package_bytes']:,} | CPU {crowded['cpu_median']} s; **{crowded['ratio_to_alone']}×** the same "
          "student alone |")
    lab, lab_cli, lab_seq = f["lab"], f["lab_cli"], f["lab_sequential"]
    print(f"| lambda_lab, one account, command line (start-up included) | {lab_cli['wall_median']} s | "
          f"{lab_cli['requests']} | {lab_cli['package_requests']}, {lab_cli['package_bytes']:,} | "
          f"CPU {lab_cli['cpu_median']} s; score {lab['mean_score']:g} |")
    print(f"| lambda_lab, grading after start-up | {lab['seconds']} s | {lab['requests_per_student']:g} | "
          f"{packages(lab)} | sequential: {lab_seq['seconds']} s |")
    for c in f["classes"]:
        print(f"| class of {c['students']}, shared inventory, 16 workers | {c['seconds']} s | "
              f"{c['requests_per_student']:g} | {packages(c)} | sequential un-shared: {c['sequential_seconds']} s, "
              f"{c['sequential_requests_per_student']:g} req/student → **{c['speedup']}×** |")
    q = f["quota_class"]
    print(f"| class of {q['students']} under AWS quotas, paced | {q['seconds']} s | {q['requests_per_student']:g} | "
          f"{packages(q)} | {q['lambda_control_plane']} Lambda control-plane requests ÷ 15/s = {q['quota_bound_seconds']} s → "
          f"**{q['ratio_to_bound']}×** the bound; {q['throttled']} throttled, {q['error_checks']} error checks |")
    print("\nRequests by operation, class of", f["classes"][-1]["students"] if f["classes"] else "-", ":")
    if f["classes"]:
        for op, count in sorted(f["classes"][-1]["by_operation"].items()):
            print(f"  {op:<50} {count}")


if __name__ == "__main__":
    main()
