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


def run(*args: str, monkeypatch, capsys, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``validate_tasks.py serve ARGS`` in this process (no server is started by these): (exit code, out, err)."""
    from grader.cli import run as cli

    monkeypatch.delenv("GRADER_TOKEN", raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        cli(["serve", *args])
    out, err = capsys.readouterr()
    return exited.value.code, out, err


def test_links_are_printed_stable_and_private(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ("lambda_medium", "-s", "alice42", "-s", "bob7", "--db", str(tmp_path / "c.sqlite3"), "--links",
            "--public-url", "https://grader.school.example")
    code, out, err = run(*args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    links = dict(line.split("\t") for line in out.splitlines())
    assert set(links) == {"alice42", "bob7"}
    assert re.fullmatch(r"https://grader\.school\.example/s/alice42\?token=[\w-]{32}", links["alice42"])
    assert links["alice42"].split("=")[1] != links["bob7"].split("=")[1]
    assert run(*args, monkeypatch=monkeypatch, capsys=capsys)[1] == out  # the secret is the database's
    other = run(*args[:-3], "--db", str(tmp_path / "other.sqlite3"), "--links", monkeypatch=monkeypatch, capsys=capsys)
    assert dict(line.split("\t") for line in other[1].splitlines())["alice42"] != links["alice42"]
    state = tmp_path / "state"
    code, out, _ = run("lambda_medium", "--sandbox", "--links", monkeypatch=monkeypatch, capsys=capsys,
                       env={"XDG_STATE_HOME": str(state)})
    assert code == 0 and len(out.splitlines()) == 30
    assert out.startswith("demo01\thttp://127.0.0.1:8000/s/demo01?token=")
    # The sandbox's database is kept out of the working directory (and any repository in it).
    assert (state / "aws-assessment-grader" / "class-lambda_medium-sandbox.sqlite3").exists()
    assert not list(tmp_path.glob("class-*sandbox*"))


def test_class_databases_are_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", "class-lambda_medium.sqlite3", "class-lambda_medium.sqlite3-wal"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == ["class-lambda_medium.sqlite3", "class-lambda_medium.sqlite3-wal"], done.stderr


def test_links_need_no_web_framework():
    """``serve --links`` (and the command line as a whole) never imports FastAPI or uvicorn."""
    import os

    done = subprocess.run([sys.executable, "-c", "import sys; from grader.server import main, links, store, db; "
                           "import grader.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') "
                           "if m in sys.modules))"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.parametrize("args, env, message", [
    (["lambda_medium", "-s", "a1"], {}, "the instructor's token is needed"),
    (["nothing_such", "-s", "a1", "--token", "t" * 16], {}, "unknown assessment 'nothing_such'"),
    (["lambda_medium", "-s", "a1", "--deadline", "next friday"], {"GRADER_TOKEN": "t" * 16}, "invalid --deadline"),
    (["lambda_medium", "-s", "bad id!"], {"GRADER_TOKEN": "t" * 16}, "invalid student ID"),
    (["lambda_medium", "--roster", "missing.csv"], {"GRADER_TOKEN": "t" * 16}, "cannot read roster"),
    (["lambda_medium", "-s", "a1", "--every", "0"], {"GRADER_TOKEN": "t" * 16}, "--every"),
    (["lambda_medium"], {"GRADER_TOKEN": "t" * 16}, "no students"),
    (["lambda_medium", "-s", "a1", "--port", "{busy}"], {"GRADER_TOKEN": "t" * 16}, "cannot listen on 127.0.0.1"),
])
def test_usage_errors_are_one_line_with_exit_2(tmp_path, monkeypatch, capsys, args, env, message):
    import socket

    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        args = [a.format(busy=busy.getsockname()[1]) for a in args]
        code, _, err = run(*args, "--db", str(tmp_path / "c.sqlite3"), monkeypatch=monkeypatch, capsys=capsys, env=env)
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_an_unreachable_database_names_it_without_its_password(tmp_path, monkeypatch, capsys):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = run("lambda_medium", "-s", "a1", "--token", "t" * 16, "--db",
                         f"postgresql://grader:s3cret-pw@127.0.0.1:{port}/class", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 3, err
    assert "cannot open the class database postgresql+psycopg://grader:***@127.0.0.1" in err
    assert "s3cret-pw" not in err + out


def test_a_database_of_another_assessment_is_refused(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "c.sqlite3")
    assert run("lambda_medium", "-s", "a1", "--db", db, "--links", monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    code, _, err = run("lambda_lab", "-s", "a1", "--db", db, "--links", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "holds a class of lambda_medium" in err


def test_the_sandbox_serves_and_a_restart_loses_no_check(serve, tmp_path):
    """Checks pressed while the sandbox is still being built wait as rows; the server is killed; the next
    start grades them."""
    ids = [f"r{n}" for n in range(4)]
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


def test_a_fixed_name_sandbox_class_gets_an_account_per_student():
    """lambda_lab names its resources the same for everyone: each sandbox student is built in an emulated
    account of their own and graded through a role, as a real class of separate accounts is."""
    from grader.roster import Student
    from grader.run import one_student_per_account
    from grader.server.demo import place

    placed = place("lambda_lab", [Student("ann"), Student("ben")])
    assert [(s.account_id, s.role_arn) for s in placed] == [
        ("200000000001", "arn:aws:iam::200000000001:role/grader"), ("200000000002", "arn:aws:iam::200000000002:role/grader")]
    one_student_per_account("lambda_lab", placed, None, None)  # not refused
    assert place("lambda_medium", [Student("ann")]) == [Student("ann")]


def test_a_class_database_others_can_read_is_refused_in_one_line(tmp_path, monkeypatch, capsys):
    """Issue 24: a world-readable class database gives anyone on the machine every student's link."""
    import os

    database = tmp_path / "c.sqlite3"
    args = ("lambda_medium", "-s", "a1", "--db", str(database), "--links")
    assert run(*args, monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    assert os.stat(database).st_mode & 0o777 == 0o600  # made private
    os.chmod(database, 0o644)
    code, out, err = run(*args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip() == (f"error: the class database {database} is readable by other users of this machine (mode "
                           f"0644): it holds the secret of the students' links and their emails; run chmod 600 "
                           f"{database}* and start again")


def test_a_password_in_the_endpoint_url_is_never_printed(tmp_path, monkeypatch, capsys):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, err = run("lambda_medium", "-s", "a1", "--token", "t" * 16, "--db", str(tmp_path / "c.sqlite3"),
                         "--port", "0", "--endpoint-url", f"http://grader:s3cret-pw@127.0.0.1:{port}",
                         monkeypatch=monkeypatch, capsys=capsys,
                         env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"})
    assert code == 3 and f"cannot reach http://grader:***@127.0.0.1:{port}" in err, err
    assert "s3cret-pw" not in out + err


def test_revoke_sessions_ends_every_instructor_session(tmp_path, monkeypatch, capsys):
    from grader.server import db
    from grader.server.access import Sessions
    from grader.server.store import Store

    database = str(tmp_path / "c.sqlite3")
    assert run("lambda_medium", "-s", "a1", "--db", database, "--links", monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    engine = db.open_engine(database)
    store = Store(engine)
    sessions = Sessions(store, store.meta("secret"), "t" * 16, refresh=0)
    cookie = sessions.issue()
    assert sessions.valid(cookie)
    code, out, err = run("lambda_medium", "--db", database, "--revoke-sessions", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "every instructor session of this class has ended" in out, err
    assert not sessions.valid(cookie)
    engine.dispose()
