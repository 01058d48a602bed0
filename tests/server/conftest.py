"""The class server under test: instances in this process on the worker's emulator, a throwaway
PostgreSQL cluster, and a headless Chromium.

PostgreSQL and Chromium are Debian's packages. ``.ci/run`` installs them and sets
``GRADER_REQUIRE_SERVICES=1``, which turns a missing one into a failure; elsewhere the tests that need
one are skipped, saying which binary is missing.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the class server's extra is not installed: pip install -e '.[server]'")

from checks.lambda_medium import ASSESSMENT  # noqa: E402
from grader.emulator import EMULATOR_CREDENTIALS  # noqa: E402
from grader.roster import Student  # noqa: E402
from grader.server import db  # noqa: E402
from grader.server.app import ClassSettings, create_app  # noqa: E402
from grader.server.links import student_key  # noqa: E402
from grader.server.main import listening_socket  # noqa: E402
from grader.server.store import Store  # noqa: E402
from grader.server.worker import GradingService  # noqa: E402
from tests.browser import unavailable  # noqa: E402,F401  (skip, or fail on CI: the server's tests import it from here)

TOKEN = "teacher-token-for-tests"

# --- HTTP ------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


def http(method: str, url: str, token: str | None = None, headers: dict[str, str] | None = None,
         data: bytes | None = None, timeout: float = 120) -> Reply:
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


# --- server instances ------------------------------------------------------------------------------


@dataclass
class Instance:
    """One server instance (HTTP, workers, heartbeat) in this process, on a database URL."""

    url: str
    endpoint: str
    students: list[Student]
    settings: dict[str, Any] = field(default_factory=dict)
    service_options: dict[str, Any] = field(default_factory=dict)
    quotas: dict[str, float] | None = None
    sync: bool = True
    lti: Any = None  # make_lti(store, service) -> grader.server.lti.Lti, for an LTI tool
    credentials: dict[str, str] | None = None  # another account's (Account.credentials); else the emulator's own

    def start(self) -> Instance:
        import uvicorn

        from grader.run import connect

        engine = db.open_engine(self.url)
        db.upgrade(engine)
        self.store = Store(engine)
        self.store.open_class(ASSESSMENT.name)
        if self.sync:
            self.store.sync_students(self.students)
        options = {"workers": 2, "lease": 30.0, "poll": 0.2, **self.service_options}
        self.service = GradingService(self.store, ASSESSMENT, **options)
        connections = connect(region="us-east-1", endpoint_url=self.endpoint,
                              credentials=dict(self.credentials or EMULATOR_CREDENTIALS),
                              inventory=False, pacing=self.quotas is not None, quotas=self.quotas, fanout=32)
        self.service.connect(connections)
        settings = {"token": TOKEN, **self.settings}
        self.lti = self.lti(self.store, self.service) if self.lti else None
        if self.lti is not None:
            self.service.recorded.append(self.lti.passbacks.notice)
        self.app = create_app(self.store, self.service, ClassSettings(ASSESSMENT, **settings), self.lti)
        sock = listening_socket("127.0.0.1", 0)
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, lifespan="off", log_level="warning", access_log=False,
                                                    timeout_graceful_shutdown=2))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        self.service.start()
        if self.lti is not None:
            self.lti.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return self

    def stop(self, hand_back: bool = True) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.service.stop(timeout=10, hand_back=hand_back)
        if self.lti is not None:
            self.lti.stop()
        self.store.engine.dispose()

    def link_key(self, sid: str) -> str:
        return student_key(self.store.meta("secret"), sid)

    def check(self, sid: str, token: str | None = TOKEN) -> Reply:
        return http("POST", f"{self.base}/api/students/{sid}/check", token)

    def get(self, path: str, token: str | None = TOKEN, **kwargs: Any) -> Reply:
        return http("GET", self.base + path, token, **kwargs)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'class.sqlite3'}"


@pytest.fixture
def start(emulator: Any) -> Any:
    """start(url, students, **options) → a running Instance; all stopped after the test."""
    running: list[Instance] = []

    def make(url: str, students: list[Student], **options: Any) -> Instance:
        instance = Instance(url, options.pop("endpoint", emulator.url), students, **options).start()
        running.append(instance)
        return instance

    yield make
    for instance in running:
        if instance.thread.is_alive():
            instance.stop()


# --- the command line: `validate_tasks.py serve` in its own process -----------------------------------

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    """``validate_tasks.py serve ...`` running in a process of its own (output in files: a pipe nobody reads
    would fill up and stall it)."""

    args: list[str]
    folder: Path
    env: dict[str, str] = field(default_factory=dict)

    def start(self, timeout: float = 60) -> Served:
        self.out, self.err = self.folder / "serve.out", self.folder / "serve.err"
        env = {**os.environ, "PYTHONPATH": str(ROOT), **self.env}
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen([sys.executable, str(ROOT / "validate_tasks.py"), "serve", *self.args],
                                            env=env, stdout=out, stderr=err, cwd=self.folder)
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(r"listening on (http://\S+)", self.out.read_text())
            if found:
                self.base = found.group(1)
                break
            assert self.process.poll() is None, f"serve exited {self.process.returncode}: {self.err.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"serve did not start: {self.err.read_text()[-2000:]}"
            time.sleep(0.05)
        while True:  # the socket listens before the application answers
            try:
                if http("GET", f"{self.base}/healthz", timeout=5).status == 200:
                    return self
            except OSError:
                pass
            assert time.monotonic() < deadline, "serve never answered /healthz"
            time.sleep(0.05)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def serve(tmp_path: Path) -> Any:
    """serve(*args, env={}) → a started Served; stopped after the test."""
    running: list[Served] = []

    def make(*args: str, env: dict[str, str] | None = None, folder: Path | None = None) -> Served:
        served = Served(list(args), folder or tmp_path, env or {}).start()
        running.append(served)
        return served

    yield make
    for served in running:
        if served.process.poll() is None:
            served.kill()


# --- PostgreSQL: a throwaway cluster for this test worker ---------------------------------------------


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Any:
    """A PostgreSQL cluster in a temporary folder on a loopback port, run as an unprivileged user when
    this process is root (PostgreSQL refuses to run as root); removed afterwards."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not initdb or not pg_ctl:
        unavailable("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="grader-pg-"))
    user = None
    if os.geteuid() == 0:
        import pwd

        user = "nobody"
        os.chown(folder, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    data, port = folder / "data", _free_port()

    def run(*command: str) -> None:
        done = subprocess.run(command, user=user, capture_output=True, text=True, timeout=120, cwd=folder)
        assert done.returncode == 0, f"{command[0]} failed: {done.stderr[-800:]}"

    run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    run(pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w", "-t", "60", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "stop"], user=user, capture_output=True,
                       timeout=60, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


_databases = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the cluster."""
    import sqlalchemy as sa

    name = f"class_{os.getpid()}_{next(_databases)}"
    engine = sa.create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return f"{postgres_server}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: Any, tmp_path: Path) -> str:
    """The same test on an embedded SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'class.sqlite3'}"
    return request.getfixturevalue("postgres_url")


# --- Chromium ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chrome(tmp_path_factory: Any) -> Any:
    """Headless Chromium driven through chromedriver (Debian's chromium and chromium-driver)."""
    from tests.server.browser import driver

    browser, reason = driver(tmp_path_factory.mktemp("chromium-profile"))
    if browser is None:
        unavailable(reason)
    yield browser
    browser.quit()
