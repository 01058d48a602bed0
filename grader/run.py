"""One run of the grader: options in, a graded :class:`~grader.model.RunResult` out.

The command line, the benchmark and the class server are shells over :func:`grade`. A run's policy
lives here: who is graded, the checks on its inputs, the sandbox, how requests are shared and paced,
the one cheap read that proves the credentials before anything is graded, and ``--resume``.
Anything the user can fix is a :class:`RunError`: one line and an exit code, never a traceback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import checks
from grader.aws.errors import masked
from grader.report_paths import ReportPathError, check_several, check_target
from grader.roster import REGION, ROLE_ARN, RosterError, Student, credentials_for, from_ids, load_roster

EXIT_OK, EXIT_BELOW_PASS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


class RunError(Exception):
    """Something the user can fix: one line, and the exit code to leave with."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class RunOptions:
    assessment: str
    student_ids: tuple[str, ...] = ()
    roster: str | None = None
    all_students: bool = False
    role_arn_template: str | None = None
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    # Explicit credentials (aws_access_key_id, aws_secret_access_key[, aws_session_token]) instead of
    # boto3's chain: the server's and the benchmark's.
    credentials: dict[str, str] | None = None
    reports: tuple[str, ...] = ()  # FORMAT=PATH
    resume: bool = False
    pass_mark: float = 70.0
    sandbox: bool = False
    workers: int = 16
    inventory: str = "auto"  # auto | on | off
    pace: str = "auto"  # auto | on | off
    # --task N (repeatable): grade only these tasks, reading only what their checks need; () grades all.
    tasks: tuple[int, ...] = ()
    # Where a run says what it is doing (discovered students); the CLI passes stderr.
    notify: Callable[[str], None] = field(default=lambda line: None)
    # A progress bar's console for a class on a terminal (the CLI's), or None.
    progress_console: Callable[[], Any] | None = None


def students_of(options: RunOptions) -> list[Student]:
    """The students named by ``--student-id`` and ``--roster`` (validated), in that order, each once."""
    try:
        students = from_ids(options.student_ids)
        if options.roster:
            known = {s.student_id for s in students}
            students += [s for s in load_roster(options.roster) if s.student_id not in known]
    except RosterError as exc:
        raise RunError(str(exc)) from None
    return students


def grade(options: RunOptions, students: list[Student] | None = None) -> Any:
    """Grade the run's students; ``students`` when the caller already gathered them (e.g. after a prompt)."""
    assessment = checks.load(options.assessment)
    name = options.assessment
    fixed_names = not assessment.names_end_in_student_id
    if fixed_names and options.all_students:
        raise RunError(f"{name} uses fixed resource names, so an account holds one student and none can be "
                       "discovered: grade the account as it is, or pass --roster with one account per student")
    students = students_of(options) if students is None else students
    if not students and not options.all_students and not fixed_names:
        raise RunError("no student ID: pass --student-id ID, --roster FILE or --all-students (or set STUDENT_ID)")
    check_pass_mark(options.pass_mark)
    check_region(options.region)
    for student in students:
        check_region(student.region, f"roster: {student.student_id}'s ")
    only_tasks = check_tasks(assessment, options.tasks)
    check_role_template(options.role_arn_template)
    if fixed_names:
        one_student_per_account(name, students, options.profile, options.role_arn_template)
    report_targets = parse_reports(options.reports, roster=options.roster)
    done = load_resume(report_targets, options.pass_mark) if options.resume else {}
    if options.resume:
        skipped = [s.student_id for s in students if s.student_id in done]
        path = next(path for fmt, path in report_targets if fmt == "json")
        options.notify(f"--resume: {len(skipped)} student(s) already graded completely in {path} are not graded "
                       f"again{': ' + ', '.join(skipped) if skipped else ''}")
    if options.sandbox and not students and not fixed_names:
        raise RunError("--sandbox builds the students it grades: name them with --student-id or --roster")
    if options.endpoint_url is not None:
        check_endpoint(options.endpoint_url)
    elif os.environ.get("AWS_ENDPOINT_URL") is not None:  # botocore's own: only when no --endpoint-url
        check_endpoint(os.environ["AWS_ENDPOINT_URL"], "the environment's AWS_ENDPOINT_URL")
    from grader.aws.connections import shares_listings
    from grader.aws.permissions import services
    from grader.class_run import ReportUnwritable, grade_class
    from grader.engine import start_reads

    region, profile, endpoint_url = options.region, options.profile, options.endpoint_url
    with ExitStack() as stack:
        credentials = options.credentials
        if options.sandbox:
            from grader.sandbox import EmulatorError, sandbox_with

            region = region or "us-east-1"
            builds = [s.student_id for s in students] or [None]  # fixed names: the one account, unlabelled
            try:
                endpoint_url, credentials = stack.enter_context(sandbox_with(name, builds, region))
            except EmulatorError as exc:
                raise RunError(str(exc)) from None
            profile = None
        endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
        shared = options.inventory == "on" or (
            options.inventory == "auto" and (options.all_students or shares_listings(len(students))))
        def meanwhile(connections: Any) -> None:
            """One student on the run's own credentials: their reads leave with the credentials' proof."""
            if len(students) == 1 and not options.all_students and options.workers > 1 and \
                    credentials_for(students[0], profile, options.role_arn_template) == (profile, None):
                start_reads(assessment, students[0], connections.facts_for(students[0]), only_tasks)

        connections = connect(profile=profile, region=region, endpoint_url=endpoint_url, credentials=credentials,
                              role_arn_template=options.role_arn_template, inventory=shared,
                              pacing=options.pace == "on" or (options.pace == "auto" and not endpoint),
                              fanout=1 if options.workers == 1 else 2 * options.workers,
                              services=services(assessment.reads), meanwhile=meanwhile)
        if not students and fixed_names:  # no student ID: the account is graded, labelled by its ID
            students = [Student(connections.facts_for(Student("preflight")).account_id())]
        if options.all_students:
            students += discovered(assessment, connections, {s.student_id for s in students}, options.notify)
        try:
            check_several(report_targets, len(students) > 1)
        except ReportPathError as exc:
            raise RunError(str(exc)) from None
        from datetime import datetime, timezone

        from grader import version
        from grader.render.common import Roster

        try:
            return grade_class(assessment, connections, students, done, options.pass_mark, report_targets,
                               options.workers, roster=Roster(tuple(students), assessment.max_score),
                               progress_console=options.progress_console,
                               notes=(SANDBOX_NOTE,) if options.sandbox else (), reference=options.sandbox,
                               graded_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                               version=version(), only_tasks=only_tasks)
        except ReportUnwritable as exc:
            raise RunError(str(exc)) from None


def grader_policy(options: RunOptions) -> dict[str, Any]:
    """--print-policy: the assessment's read-only policy, and sts:AssumeRole on the per-student roles when
    the run assumes them (--role-arn-template, or role_arn / account_id in the roster)."""
    from grader.aws.permissions import least_privilege_policy
    from grader.engine import facts_read

    assessment = checks.load(options.assessment)
    policy = least_privilege_policy(facts_read(assessment))
    check_role_template(options.role_arn_template)
    roles: list[str] = []
    if options.role_arn_template:
        roles.append(options.role_arn_template.replace("{account_id}", "*"))
    from grader.roster import role_for

    for student in students_of(options):
        role = role_for(student, options.role_arn_template)
        if role and not any(policy_covers(pattern, role) for pattern in roles):
            roles.append(role)
    if roles:
        policy["Statement"].append({"Sid": "AssumeStudentGraderRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
                                    "Resource": roles})
    return policy


def policy_covers(pattern: str, arn: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(arn, pattern)


# --- checks on the run's inputs ------------------------------------------------------------------


def check_pass_mark(mark: float) -> None:
    import math

    if not (isinstance(mark, (int, float)) and math.isfinite(mark) and 0 <= mark <= 100):
        raise RunError(f"invalid pass mark {mark!r}: expected a percentage from 0 to 100")


def check_endpoint(url: str, source: str = "") -> None:
    """``source``: where the URL came from when not from --endpoint-url (``AWS_ENDPOINT_URL``)."""
    from grader.roster import shown

    parts = urlsplit(url)
    named = f"invalid endpoint URL {shown(masked(url))}{f' (from {source})' if source else ''}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RunError(f"{named}: expected http(s)://host[:port]")
    try:
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise RunError(f"{named}: bad port") from None


SANDBOX_NOTE = ("This is the reference solution, built by --sandbox in the embedded emulator: "
                "not your account, and not your grade.")


def known_regions() -> set[str]:
    """Every region of every AWS partition botocore's endpoint data knows."""
    import botocore.session

    data = botocore.session.get_session().get_data("endpoints")
    return {region for partition in data.get("partitions", []) for region in partition.get("regions", {})}


def check_region(region: str | None, where: str = "") -> None:
    """A region name AWS has, or one line (exit 2) instead of a request per check to a host that does not exist."""
    if not region:
        return
    if not REGION.match(region):
        raise RunError(f"{where}invalid region {region!r}: expected a region name such as us-east-1")
    known = known_regions()
    if known and region not in known:
        import difflib

        import botocore

        close = difflib.get_close_matches(region, sorted(known), n=3, cutoff=0.75)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise RunError(f"{where}unknown region {region!r}: no AWS partition has it (botocore {botocore.__version__}"
                       f"; upgrade boto3 if the region is new){hint}")


def check_tasks(assessment: Any, numbers: tuple[int, ...]) -> tuple[int, ...] | None:
    """--task: the task numbers asked for, in the rubric's order; None when every task is graded."""
    if not numbers:
        return None
    known = [t.number for t in assessment.tasks]
    unknown = sorted(set(numbers) - set(known))
    if unknown:
        raise RunError(f"--task {unknown[0]}: {assessment.name} has tasks {known[0]} to {known[-1]}")
    return tuple(n for n in known if n in set(numbers))


def check_role_template(template: str | None) -> None:
    if template is not None and ("{account_id}" not in template
                                 or not ROLE_ARN.match(template.replace("{account_id}", "123456789012"))):
        raise RunError(f"invalid --role-arn-template {template!r}: expected "
                       "'arn:aws:iam::{account_id}:role/NAME'")


def parse_reports(specs: tuple[str, ...], roster: str | None = None) -> list[tuple[str, Path]]:
    """``--report FORMAT=PATH`` specs checked: a known format, an existing folder, and ``--roster`` for a
    format that lists the class from it (``needs_roster``: Canvas, Moodle)."""
    from grader.render import report_formats, roster_formats

    formats = report_formats()
    reports = []
    for spec in specs:
        fmt, sep, path = spec.partition("=")
        if not sep or not path or fmt not in formats:
            raise RunError(f"invalid --report {spec!r}: use FORMAT=PATH with FORMAT one of {', '.join(formats)}")
        target = Path(path)
        try:
            check_target(spec, fmt, target)
        except ReportPathError as exc:
            raise RunError(str(exc)) from None
        if fmt in roster_formats() and not roster:
            raise RunError(f"--report {spec!r}: the {fmt} gradebook lists the class from its roster: pass --roster FILE")
        reports.append((fmt, target))
    return reports


def one_student_per_account(name: str, students: list[Student], profile: str | None, template: str | None) -> None:
    """With fixed resource names, two students graded in one account and region would share one grade."""
    seen: dict[tuple[str | None, ...], str] = {}
    for student in students:
        place = (*credentials_for(student, profile, template), student.region)
        if place in seen:
            raise RunError(f"{name} uses fixed resource names, so {seen[place]} and {student.student_id} would "
                           "be graded on the same resources: give each student their own account (roster "
                           "columns account_id with --role-arn-template, role_arn, or profile)")
        seen[place] = student.student_id


# --- reaching AWS --------------------------------------------------------------------------------


def connect(meanwhile: Callable[[Any], None] = lambda connections: None, **options: Any) -> Any:
    """Sessions for the run, proven by one cheap read before anything is graded; ``meanwhile`` is called
    just before waiting for that read's answer (reads it starts are answered alongside)."""
    from botocore.exceptions import BotoCoreError

    from grader.aws.connections import Connections
    from grader.aws.errors import FactUnavailable

    try:
        connections = Connections(**options)
    except BotoCoreError as exc:  # e.g. ProfileNotFound
        raise RunError(str(exc)) from None
    if not connections.default.has_credentials():
        raise RunError("no AWS credentials found: configure a profile, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                       "or try the emulator with --sandbox", EXIT_INCOMPLETE)
    try:
        preflight = connections.facts_for(Student("preflight"))
        preflight.prefetch(preflight.account_id)  # on its way first
        meanwhile(connections)
        preflight.account_id()
    except FactUnavailable as exc:
        where = masked(options.get("endpoint_url") or "")
        if not where:
            from_env = os.environ.get("AWS_ENDPOINT_URL")
            where = f"{masked(from_env)} (the environment's AWS_ENDPOINT_URL)" if from_env else f"AWS in {connections.region}"
        if exc.kind == "network":
            raise RunError(f"cannot reach {where}: {exc.detail}", EXIT_INCOMPLETE) from None
        raise RunError(f"cannot start grading against {where}: {exc.describe()}", EXIT_INCOMPLETE) from None
    return connections


def discovered(assessment: Any, connections: Any, known: set[str], notify: Callable[[str], None]) -> list[Student]:
    from grader.aws.errors import FactUnavailable
    from grader.discovery import discover

    facts = connections.facts_for(Student("discovery"))
    try:
        found = discover(assessment, facts)
    except FactUnavailable as exc:
        raise RunError(f"--all-students could not list the account: {exc.describe()}", EXIT_INCOMPLETE) from None
    new = [sid for sid in found if sid not in known]
    sources = sorted({pattern for patterns in found.values() for pattern in patterns})
    notify(f"Discovered {len(found)} student ID(s) in {facts.region} from {', '.join(sources) or 'no resources'}"
           f"{': ' + ', '.join(found) if found else ''}")
    return [Student(sid) for sid in new]


def load_resume(reports: list[tuple[str, Path]], pass_mark: float) -> dict[str, Any]:
    """The completely graded students of the ``--report json=PATH`` file, by ID."""
    from grader.model import StudentResult

    paths = [path for fmt, path in reports if fmt == "json"]
    if not paths:
        raise RunError("--resume needs --report json=PATH: the file it resumes from")
    if not paths[0].exists():
        return {}
    try:
        data = json.loads(paths[0].read_text(encoding="utf-8"))
        students = [StudentResult.from_dict(s, pass_mark) for s in data["students"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise RunError(f"--resume: {paths[0]} is not a report of this grader ({exc})") from None
    return {s.student_id: s for s in students if s.complete}
