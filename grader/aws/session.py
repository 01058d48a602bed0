"""The only door to AWS: a boto3 session that can read and cannot write.

Every client the grader uses comes from :class:`ReadOnlySession`. A botocore hook refuses any
operation that is not a read before its request is even built, so no check, bug or future change can
modify a student's account through it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any

import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import ProfileNotFound

from grader.aws import models
from grader.aws.actions import is_allowed
from grader.aws.pacing import Pacer

DEFAULT_REGION = "us-east-1"
# STS is only asked "who am I" before grading: fail fast there when the endpoint is down.
QUICK_FAIL_SERVICES = {"sts": 2}

class ReadOnlyViolation(RuntimeError):
    """A write was attempted through the grader's AWS layer; it never left the process."""


def _refuse_writes(model: Any, **_: Any) -> None:
    if not is_allowed(model.service_model.service_name, model.name):
        raise ReadOnlyViolation(
            f"{model.service_model.service_name}:{model.name} is not a read; the grader never writes"
        )


Operations = Mapping[str, tuple[str, ...]]  # service -> the operations of it the grader calls
_LOADERS: dict[tuple[str | None, tuple[tuple[str, tuple[str, ...]], ...] | None], Any] = {}
_LOADER_LOCK = threading.Lock()


def _shared_loader(data_path: str | None, trim_to: Operations | None) -> Any:
    """botocore's loader for this ``AWS_DATA_PATH`` (as botocore makes it), searching models trimmed to
    ``trim_to`` first when given (see :mod:`grader.aws.models`); one per process and set of operations."""
    trimmed = None if trim_to is None else tuple(sorted((s, tuple(ops)) for s, ops in trim_to.items()))
    with _LOADER_LOCK:
        key = (data_path, trimmed)
        if key not in _LOADERS:
            loader = botocore.loaders.create_loader(data_path)
            if trim_to is not None:
                folder = models.trimmed_folder(loader, trim_to)
                if folder is not None:
                    loader = botocore.loaders.Loader(extra_search_paths=[str(folder), *loader.search_paths],
                                                     include_default_search_paths=False)
            _LOADERS[key] = loader
        return _LOADERS[key]


class ReadOnlySession:
    """The normal AWS credential/region chain, read-only, with clients made once and shared by threads."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: dict[str, str] | None = None,
        max_attempts: int = 6,
        pacer: Pacer | None = None,
        read_timeout: float = 30,
        trim_to: Operations | None = None,
    ) -> None:
        # botocore's session: boto3's credential and region chain without importing boto3 and s3transfer
        # (a tenth of a second of every student's start-up).
        self._botocore = botocore.session.Session(profile=profile)
        # One loader for every session: service models are read from disk once per process, not once
        # per session (a class run has a session per assumed role); trimmed to the operations the grader
        # calls (``trim_to``, which the catalogue of facts knows), they cost a fraction of the full models to
        # read (None: the full ones).
        self._botocore.register_component(
            "data_loader", _shared_loader(self._botocore.get_config_variable("data_path"), trim_to))
        if profile is not None and profile not in self._botocore.available_profiles:
            raise ProfileNotFound(profile=profile)
        if credentials:
            self._botocore.set_credentials(credentials["aws_access_key_id"], credentials["aws_secret_access_key"],
                                           credentials.get("aws_session_token"))
        self.default_region = region or self._botocore.get_config_variable("region") or DEFAULT_REGION
        self.endpoint_url = endpoint_url
        self._max_attempts = max_attempts
        self._config = Config(
            connect_timeout=5,
            read_timeout=read_timeout,
            max_pool_connections=50,
            user_agent_extra="aws-assessment-grader",
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._paginates: dict[tuple[str, str], bool] = {}
        self._lock = threading.RLock()  # can_paginate may create the client it asks
        self._count_lock = threading.Lock()
        self.requests: Counter[str] = Counter()  # "service:Operation" -> API calls (pages count)
        self.pacer = pacer  # shared by every session of one account, so quotas hold across them
        # How deployment packages are fetched from their presigned URLs (grader.aws.package_http.Transport);
        # None: over HTTPS. The recordings' replay sets its own, as it answers the API calls.
        self.package_transport: Any = None
        events = self._botocore.get_component("event_emitter")
        events.register("before-parameter-build", _refuse_writes, unique_id="grader-read-only")
        events.register("before-call", self._count, unique_id="grader-count")

    def _count(self, model: Any, context: dict[str, Any] | None = None, **_: Any) -> None:
        service = model.service_model.service_name
        if self.pacer is not None:
            region = (context or {}).get("client_region") or self.default_region
            self.pacer.before_call(service, model.name, region)
        with self._count_lock:
            self.requests[f"{service}:{model.name}"] += 1

    def has_credentials(self) -> bool:
        return self._botocore.get_credentials() is not None

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.default_region)
        existing = self._clients.get(key)
        if existing is not None:  # the common case takes no lock
            return existing
        with self._lock:
            if key not in self._clients:
                attempts = QUICK_FAIL_SERVICES.get(service, self._max_attempts)
                config = self._config.merge(Config(retries={"mode": "standard", "max_attempts": attempts}))
                self._clients[key] = self._botocore.create_client(
                    service, region_name=key[1], endpoint_url=self.endpoint_url, config=config
                )
            return self._clients[key]

    def can_paginate(self, service: str, operation: str) -> bool:
        """Whether botocore pages this operation; worked out once (loading paginator models is costly)."""
        key = (service, operation)
        known = self._paginates.get(key)
        if known is not None:
            return known
        with self._lock:
            if key not in self._paginates:
                self._paginates[key] = self.client(service).can_paginate(operation)
            return self._paginates[key]

    def warm(self, services: tuple[str, ...]) -> threading.Thread:
        """Create clients in the background: their set-up overlaps the first requests' round trips."""
        def create() -> None:
            for service in services:
                try:
                    # The client, and its paginator model (asking about any operation loads it).
                    self.client(service).can_paginate("_")
                except Exception:  # the first real use reports it
                    pass

        thread = threading.Thread(target=create, name="warm-clients", daemon=True)
        thread.start()
        return thread
