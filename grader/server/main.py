"""``validate_tasks.py serve``: one server instance, from its options to a listening socket.

The checks on the inputs are :mod:`grader.run`'s (roster, region, role template, endpoint), and so is
the proof that the credentials work before anything is served. Anything the user can fix is a
:class:`~grader.run.RunError`: one line, an exit code.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import checks
from grader.run import (
    EXIT_INCOMPLETE,
    RunError,
    RunOptions,
    check_endpoint,
    check_region,
    check_role_template,
    one_student_per_account,
    students_of,
)

log = logging.getLogger("grader.server")


@dataclass
class ServeOptions:
    assessment: str
    student_ids: tuple[str, ...] = ()
    roster: str | None = None
    db: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    cooldown: float = 60.0
    every: float | None = None  # minutes between scheduled rounds
    deadline: str | None = None  # ISO 8601; without a zone, this machine's local time
    sandbox: bool = False
    links: bool = False
    revoke_sessions: bool = False
    public_url: str | None = None
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    role_arn_template: str | None = None
    pass_mark: float = 70.0
    workers: int = 2
    pace: str = "auto"
    lease: float = 30.0  # seconds a job stays this instance's without a heartbeat
    lti: str | None = None  # the LTI 1.3 platform file (grader/server/lti/config.py)
    counted: str = "best"  # the attempt whose score is passed back to the LMS: best | latest
    echo: Callable[[str], None] = field(default=lambda line: print(line, flush=True))


def parse_deadline(text: str | None) -> dt.datetime | None:
    """The deadline in UTC without a zone (as times are stored); a time without a zone is local time."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise RunError(f"invalid --deadline {text!r}: use ISO 8601, e.g. 2025-12-01T23:59 or "
                       "2025-12-01T23:59:00+01:00") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # this machine's zone
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def shown_url(url: str) -> str:
    """A database URL as it may be printed: without its password."""
    import sqlalchemy as sa

    from grader.server.db import normalise_url

    try:
        return sa.engine.make_url(normalise_url(url)).render_as_string(hide_password=True)
    except Exception:
        return "(the given --db URL)"


def open_store(url: str) -> Any:
    import sqlalchemy as sa

    from grader.server import db
    from grader.server.store import Store

    try:
        engine = db.open_engine(url)
        db.upgrade(engine)
    except db.LooseDatabase as exc:
        raise RunError(str(exc)) from None
    except sa.exc.ArgumentError as exc:
        raise RunError(f"invalid --db URL {shown_url(url)}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise RunError(f"--db {shown_url(url)} needs the Python module {exc.name}") from None
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise RunError(f"cannot open the class database {shown_url(url)}: {reason}", EXIT_INCOMPLETE) from None
    return Store(engine)


def listening_socket(host: str, port: int) -> socket.socket:
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
    except OSError as exc:
        raise RunError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; pick another with --port") from None
    sock.listen(2048)
    return sock


def serve(options: ServeOptions) -> int:
    from grader.server import db
    from grader.server.links import link
    from grader.server.store import WrongClass

    name = options.assessment
    try:
        assessment = checks.load(name)
    except KeyError:
        raise RunError(f"unknown assessment {name!r}; available: {', '.join(checks.names())}") from None
    deadline = parse_deadline(options.deadline)
    check_region(options.region)
    check_role_template(options.role_arn_template)
    for given in (options.endpoint_url, os.environ.get("AWS_ENDPOINT_URL")):
        if given is not None:
            check_endpoint(given)
    if options.public_url is not None:
        check_endpoint(options.public_url)
    platform = None
    if options.lti is not None:
        import importlib.util

        from grader.server.lti.config import ConfigError, load

        if importlib.util.find_spec("joserfc") is None:
            raise RunError("--lti needs the Python module joserfc: pip install -e '.[server]'")
        try:
            platform = load(options.lti)
        except ConfigError as exc:
            raise RunError(str(exc)) from None
    students = students_of(RunOptions(name, tuple(options.student_ids), options.roster))
    varied = False
    if options.sandbox:
        from grader.server import demo

        if not students:
            students, varied = demo.demo_students(), True
        students = demo.place(name, students)
    elif not assessment.names_end_in_student_id:
        one_student_per_account(name, students, options.profile, options.role_arn_template)

    url = options.db or db.default_url(name, options.sandbox)
    store = open_store(url)
    try:
        store.open_class(name)
    except WrongClass as exc:
        raise RunError(str(exc)) from None
    if students:
        store.sync_students(students)
    else:
        students = store.students()
        if not students:
            raise RunError("no students: pass --roster FILE or --student-id ID (later starts on the same --db "
                           "may leave them out)")
    base_url = options.public_url or f"http://{options.host}:{options.port}"

    if options.revoke_sessions:
        from grader.server.access import revoke_sessions

        revoke_sessions(store)
        options.echo("every instructor session of this class has ended (on every instance sharing the database "
                      "within seconds): open /instructor?token=<your token> again")
        return 0
    if options.links:
        secret = store.meta("secret")
        for student in students:
            options.echo(f"{student.student_id}\t{link(base_url, secret, student.student_id)}")
        return 0

    token = options.token
    generated = False
    if not token:
        if not options.sandbox:
            raise RunError("the instructor's token is needed: --token TOKEN or the environment variable GRADER_TOKEN")
        from grader.server.demo import kept

        # The sandbox's own, kept in its database: the instructor's link is the same at every start.
        token, generated = kept(store, "sandbox_token", lambda: secrets.token_urlsafe(18)), True
    elif len(token) < 12:
        print("warning: an instructor token this short can be guessed; use 12 characters or more", file=sys.stderr)

    from grader.server.app import ClassSettings, create_app
    from grader.server.worker import GradingService

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    service = GradingService(store, assessment, pass_mark=options.pass_mark, workers=options.workers,
                             lease=options.lease, every=options.every * 60 if options.every else None)
    emulator = None
    sock = listening_socket(options.host, options.port)
    if not options.sandbox:
        try:
            service.connect(aws_connections(options, assessment, options.endpoint_url, None, options.region))
        except RunError:
            sock.close()
            raise
    port = sock.getsockname()[1]
    if options.port == 0 and options.public_url is None:
        base_url = f"http://{options.host}:{port}"
    settings = ClassSettings(assessment, token, cooldown=options.cooldown, deadline=deadline,
                             pass_mark=options.pass_mark, every=options.every * 60 if options.every else None)
    lti = None
    if platform is not None:  # LTI 1.3: launches and grade passback (grader/server/lti/)
        from grader.server.lti import Lti

        lti = Lti(platform, store, public_url=options.public_url or base_url, counted=options.counted,
                  deadline=deadline, max_score=assessment.max_score, instance=service.instance)
        service.recorded.append(lti.passbacks.notice)
    app = create_app(store, service, settings, lti)
    service.start()
    if lti is not None:
        lti.start()
    if options.sandbox:
        from grader.sandbox import EmulatorError, start_emulator
        from grader.server.demo import any_free_port, free, kept

        # The emulator keeps its port across starts (kept in the sandbox's database), so the lines pasted
        # into a shell stay right; a port taken meanwhile is replaced.
        wanted = int(kept(store, "sandbox_emulator_port", any_free_port))
        if not free(wanted):
            wanted = int(kept(store, "sandbox_emulator_port", any_free_port, replace=True))
        try:
            emulator = start_emulator(wanted)
        except EmulatorError as exc:
            sock.close()
            service.stop()
            raise RunError(str(exc)) from None
        threading.Thread(target=_seed_sandbox, name="sandbox-seed", daemon=True,
                         args=(emulator, options, assessment, students, varied, service)).start()

    options.echo(f"Class server for {assessment.title}: {len(students)} students, database {shown_url(url)}")
    options.echo(f"  listening on http://{options.host}:{port}")
    options.echo(f"  instructor: {base_url}/instructor" + (f"?token={token}" if generated else
                                                            " (open it with ?token=<your token> once)"))
    if options.sandbox:
        secret = store.meta("secret")
        options.echo("  students' private links:")
        for student in students:
            options.echo(f"    {student.student_id}\t{link(base_url, secret, student.student_id)}")
    else:
        options.echo(f"  students' private links: validate_tasks.py serve {name} ... --links")
    if options.every:
        options.echo(f"  the whole class is graded every {options.every:g} min")
    if lti is not None:
        options.echo(f"  LTI 1.3 tool for {platform.issuer}: login {base_url}/lti/login, launch {base_url}/lti/launch, "
                     f"keys {base_url}/lti/jwks; {options.counted} score passed back")
    if emulator is not None:
        from grader.sandbox import shell_setup

        options.echo("  AWS emulator: paste these lines into bash or zsh, and every aws command (aws sqs too) "
                     "stays in it:")
        for line in shell_setup(emulator.url, options.region or "us-east-1"):
            options.echo(f"    {line}")
    try:
        run_http(app, sock)
    finally:
        service.stop()
        if lti is not None:
            lti.stop()
        if emulator is not None:
            emulator.stop()
        store.engine.dispose()
    return 0


def aws_connections(options: ServeOptions, assessment: Any, endpoint_url: str | None, credentials: dict[str, str] | None,
            region: str | None) -> Any:
    """The server's sessions to AWS (made once, shared by every batch), proven by one cheap read
    (grader.run.connect's)."""
    from grader.aws.permissions import services
    from grader.engine import facts_read
    from grader.run import connect

    endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    connections = connect(profile=None if credentials else options.profile, region=region,
                          endpoint_url=endpoint_url, credentials=credentials,
                          role_arn_template=options.role_arn_template, inventory=False,
                          pacing=options.pace == "on" or (options.pace == "auto" and not endpoint),
                          fanout=32, services=services(facts_read(assessment)))
    return connections


def _seed_sandbox(emulator: Any, options: ServeOptions, assessment: Any, students: list[Any], varied: bool,
                  service: Any) -> None:
    from grader.emulator import EMULATOR_CREDENTIALS
    from grader.server import demo

    region = options.region or "us-east-1"
    try:
        demo.seed(emulator, assessment.name, students, region, varied)
        service.connect(aws_connections(options, assessment, emulator.url, dict(EMULATOR_CREDENTIALS), region))
        log.info("sandbox ready: %d students seeded", len(students))
    except Exception as exc:  # the server keeps answering; checks say why they cannot be graded
        log.exception("the sandbox could not be seeded")
        service.fail(f"the sandbox could not be seeded ({type(exc).__name__})")


def run_http(app: Any, sock: socket.socket) -> None:
    """Serve until SIGTERM or Ctrl-C, then return (uvicorn would re-raise the signal and end the process
    before the workers hand their jobs back)."""
    import contextlib
    import signal

    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Any:  # signals are handled below
            yield

    server = Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                   timeout_graceful_shutdown=5, server_header=False))

    def stop(*_: Any) -> None:
        if server.should_exit:  # a second Ctrl-C: do not wait for open requests
            server.force_exit = True
        server.should_exit = True

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, stop)
    server.run(sockets=[sock])
