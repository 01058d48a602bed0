"""The embedded AWS emulator: moto as a real HTTP server on loopback, with this project's patches.

Used by ``--sandbox``, by ``validate_tasks.py sandbox`` and by the tests. Nothing here is imported by
a normal grading run, so moto is only needed with the ``sandbox`` or ``test`` extra.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from dataclasses import dataclass, field
from typing import Any

EMULATOR_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

# Recorded AWS behaviours, on by default, tuned or turned off by these (patches.Switches):
SETTLE_SECONDS_VARIABLE = "GRADER_EMULATOR_SETTLE_SECONDS"  # event source mappings: Creating/Updating... this long
SCALING_ALARMS_VARIABLE = "GRADER_EMULATOR_SCALING_ALARMS"  # "1": target tracking creates its CloudWatch alarms
CONCURRENCY_QUOTA_VARIABLE = "GRADER_EMULATOR_CONCURRENCY_QUOTA"  # "10": every account is a new account


class EmulatorUnavailable(RuntimeError):
    """moto is not installed, or not a version the patches were tested on."""


@dataclass
class Emulator:
    """moto on loopback. ``settle_seconds``, ``scaling_alarms`` and ``concurrency_quota`` tune recorded AWS
    behaviours (see ``patches.Switches``); None takes them from $GRADER_EMULATOR_SETTLE_SECONDS /
    $GRADER_EMULATOR_SCALING_ALARMS / $GRADER_EMULATOR_CONCURRENCY_QUOTA, else their defaults. Like moto's
    state, they are process-wide."""

    host: str = "127.0.0.1"
    port: int = 0
    settle_seconds: float | None = None
    scaling_alarms: bool | None = None
    concurrency_quota: int | None = None
    _server: Any = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Emulator:
        # AWS managed policies (AWSLambdaVPCAccessExecutionRole, ...) exist in moto only when this
        # is set before the IAM backend is first used.
        os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        try:
            from moto.server import ThreadedMotoServer

            from grader.emulator import patches
        except ImportError as exc:
            raise EmulatorUnavailable(
                f"the emulator needs moto ({exc.name} is missing): pip install -e '.[sandbox]'"
            ) from exc
        try:
            patches.apply()
        except patches.UntestedMotoVersion as exc:
            raise EmulatorUnavailable(str(exc)) from exc
        patches.configure(settle_seconds=self._settle_seconds(), scaling_alarms=self._scaling_alarms(),
                          concurrency_quota=self._concurrency_quota())
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log on the student's terminal
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.port = self._server.get_host_and_port()[1]
        from grader.emulator import runtime

        runtime.ENDPOINT["url"] = self.url  # where the functions it runs send their AWS calls
        return self

    def _settle_seconds(self) -> float:
        if self.settle_seconds is not None:
            return float(self.settle_seconds)
        value = os.environ.get(SETTLE_SECONDS_VARIABLE, "").strip()
        try:
            return max(0.0, float(value)) if value else _default_switches().settle_seconds
        except ValueError:
            raise EmulatorUnavailable(f"{SETTLE_SECONDS_VARIABLE}={value!r} is not a number of seconds") from None

    def _scaling_alarms(self) -> bool:
        if self.scaling_alarms is not None:
            return bool(self.scaling_alarms)
        value = os.environ.get(SCALING_ALARMS_VARIABLE, "").strip().lower()
        return value not in ("0", "false", "no", "off") if value else _default_switches().scaling_alarms

    def _concurrency_quota(self) -> int:
        if self.concurrency_quota is not None:
            return int(self.concurrency_quota)
        value = os.environ.get(CONCURRENCY_QUOTA_VARIABLE, "").strip()
        if not value:
            return _default_switches().concurrency_quota
        if not value.isdigit() or int(value) < 1:
            raise EmulatorUnavailable(f"{CONCURRENCY_QUOTA_VARIABLE}={value!r} is not a quota (a whole number, 10 for "
                                      "a new account)")
        return int(value)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def enforce_iam(self, on: bool) -> None:
        """From now on, check every request's signature and IAM permissions (or stop checking)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset-auth", data=b"0" if on else b"inf",
                                         method="POST", headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10):
            pass

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self, service: str, region: str = "us-east-1", credentials: dict[str, str] | None = None) -> Any:
        """A plain (writable) boto3 client on the emulator, for building accounts and tests."""
        import boto3

        return boto3.client(service, region_name=region, endpoint_url=self.url,
                            **(credentials or EMULATOR_CREDENTIALS))

    def account_credentials(self, account_id: str) -> dict[str, str]:
        """Credentials that act inside another emulated account (moto tells accounts apart by key)."""
        granted = self.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/emulator-builder",
                                                 RoleSessionName="emulator")["Credentials"]
        return {"aws_access_key_id": granted["AccessKeyId"], "aws_secret_access_key": granted["SecretAccessKey"],
                "aws_session_token": granted["SessionToken"]}


def _default_switches() -> Any:
    from grader.emulator.patches._common import Switches

    return Switches()
