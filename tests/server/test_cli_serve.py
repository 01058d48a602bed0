"""``validate_tasks.py serve`` itself: its links, its one-line errors, the sandbox, and a restart that
loses nothing."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time

import pytest

from tests.server.conftest import ROOT, TOKEN, http


def run(*args: str, cwd, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, str(ROOT / "validate_tasks.py"), "serve", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_links_are_printed_stable_and_private(tmp_path):
    args = ("lambda_medium", "-s", "alice42", "-s", "bob7", "--db", str(tmp_path / "c.sqlite3"), "--links",
            "--public-url", "https://grader.school.example")
    first = run(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    links = dict(line.split("\t") for line in first.stdout.splitlines())
    assert set(links) == {"alice42", "bob7"}
    assert re.fullmatch(r"https://grader\.school\.example/s/alice42\?token=[\w-]{32}", links["alice42"])
    assert links["alice42"].split("=")[1] != links["bob7"].split("=")[1]
    assert run(*args, cwd=tmp_path).stdout == first.stdout  # the secret is the database's: links survive restarts
    other = run(*args[:-3], "--db", str(tmp_path / "other.sqlite3"), "--links", cwd=tmp_path)
    assert dict(line.split("\t") for line in other.stdout.splitlines())["alice42"] != links["alice42"]
    demo = run("lambda_medium", "--sandbox", "--links", "--db", str(tmp_path / "demo.sqlite3"), cwd=tmp_path)
    assert demo.returncode == 0 and len(demo.stdout.splitlines()) == 30
    assert demo.stdout.startswith("demo01\thttp://127.0.0.1:8000/s/demo01?token=")


@pytest.mark.parametrize("args, env, message", [
    (["lambda_medium", "-s", "a1"], {}, "the instructor's token is needed"),
    (["nothing_such", "-s", "a1", "--token", "t" * 16], {}, "unknown assessment 'nothing_such'"),
    (["lambda_medium", "-s", "a1", "--deadline", "next friday"], {"GRADER_TOKEN": "t" * 16}, "invalid --deadline"),
    (["lambda_medium", "-s", "bad id!"], {"GRADER_TOKEN": "t" * 16}, "invalid student ID"),
    (["lambda_medium", "--roster", "missing.csv"], {"GRADER_TOKEN": "t" * 16}, "cannot read roster"),
    (["lambda_medium", "-s", "a1", "--every", "0"], {"GRADER_TOKEN": "t" * 16}, "--every"),
    (["lambda_medium"], {"GRADER_TOKEN": "t" * 16}, "no students"),
])
def test_usage_errors_are_one_line_with_exit_2(tmp_path, args, env, message):
    done = run(*args, "--db", str(tmp_path / "c.sqlite3"), cwd=tmp_path, env=env)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_unreachable_database_names_it_without_its_password(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run("lambda_medium", "-s", "a1", "--token", "t" * 16, "--db",
               f"postgresql://grader:s3cret-pw@127.0.0.1:{port}/class", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "cannot open the class database postgresql+psycopg://grader:***@127.0.0.1" in done.stderr
    assert "s3cret-pw" not in done.stderr + done.stdout


def test_a_database_of_another_assessment_is_refused(tmp_path):
    db = str(tmp_path / "c.sqlite3")
    assert run("lambda_medium", "-s", "a1", "--db", db, "--links", cwd=tmp_path).returncode == 0
    done = run("lambda_lab", "-s", "a1", "--db", db, "--links", cwd=tmp_path)
    assert done.returncode == 2 and "holds a class of lambda_medium" in done.stderr


def test_the_sandbox_serves_and_a_restart_loses_no_check(serve, tmp_path):
    """Checks pressed while the sandbox is still being built wait as rows; the server is killed; the next
    start grades them."""
    ids = [f"r{n}" for n in range(5)]
    args = ["lambda_medium", "--sandbox", *[a for sid in ids for a in ("-s", sid)], "--port", "0",
            "--db", str(tmp_path / "class.sqlite3")]
    first = serve(*args, env={"GRADER_TOKEN": TOKEN})
    pressed = ids[:2]

    def press(sid: str) -> None:
        try:
            http("POST", f"{first.base}/api/students/{sid}/check", TOKEN, timeout=60)
        except OSError:
            pass

    for sid in pressed:
        threading.Thread(target=press, args=(sid,), daemon=True).start()
    deadline = time.monotonic() + 20
    while http("GET", f"{first.base}/api/class", TOKEN).json()["queue"]["queued"] < len(pressed):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    first.kill()  # while it is still building the sandbox: nothing was graded
    second = serve(*args, env={"GRADER_TOKEN": TOKEN})
    deadline = time.monotonic() + 60
    while True:
        attempts = {sid: http("GET", f"{second.base}/api/students/{sid}/attempts", TOKEN).json()["attempts"]
                    for sid in pressed}
        if all(attempts.values()):
            break
        assert time.monotonic() < deadline, attempts
        time.sleep(0.2)
    assert {sid: [(a["score"], a["trigger"]) for a in found] for sid, found in attempts.items()} == {
        sid: [(100, "instructor")] for sid in pressed}
    reply = http("POST", f"{second.base}/api/students/{ids[3]}/check", TOKEN)
    assert reply.status == 200 and reply.json()["score"] == 100
    assert http("POST", f"{second.base}/api/students/{pressed[0]}/check", TOKEN).status == 429  # the cooldown held
    assert second.stop() == 0
    assert "Traceback" not in second.err.read_text()
