"""``serve --lti FILE``: the LMS (the LTI 1.3 *platform*) this class server is registered with.

The file is the JSON an LMS administrator reads off the platform's registration of the tool::

    {"issuer": "https://canvas.instructure.com",
     "client_id": "10000000000001",
     "deployment_ids": ["1:abc"],
     "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
     "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
     "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks"}

Optional: ``auth_audience`` (the ``aud`` of the tool's client assertion when the platform wants other
than its token URL, as Moodle and Brightspace document), ``key_rotation_days`` (how old the tool's
signing key gets before a new one replaces it; default 90).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REQUIRED = ("issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "key_set_url")
URLS = ("auth_login_url", "auth_token_url", "key_set_url")


class ConfigError(ValueError):
    """The platform file cannot be used: one line saying why."""


@dataclass(frozen=True)
class Platform:
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    auth_audience: str | None = None
    key_rotation_days: float = 90.0

    @property
    def token_audience(self) -> str:
        return self.auth_audience or self.auth_token_url


def _url(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name} must be a URL")
    parts = urlsplit(value.strip())
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme not in ("https", "http") or not parts.netloc or (parts.scheme == "http" and not loopback):
        raise ConfigError(f"{name} must be an https:// URL (http:// only on this machine), not {value!r}")
    return value.strip()


def parse(data: object) -> Platform:
    if not isinstance(data, dict):
        raise ConfigError("the file must hold one JSON object")
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ConfigError(f"missing {', '.join(missing)} (needed: {', '.join(REQUIRED)})")
    unknown = sorted(set(data) - set(REQUIRED) - {"auth_audience", "key_rotation_days"})
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(unknown)}")
    for key in ("issuer", "client_id"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise ConfigError(f"{key} must be a non-empty string")
    deployments = data["deployment_ids"]
    if isinstance(deployments, str):
        deployments = [deployments]
    if not isinstance(deployments, list) or not deployments or not all(
            isinstance(d, str) and d.strip() for d in deployments):
        raise ConfigError("deployment_ids must be a list of the platform's deployment IDs (strings)")
    audience = data.get("auth_audience")
    if audience is not None and (not isinstance(audience, str) or not audience.strip()):
        raise ConfigError("auth_audience must be a string")
    days = data.get("key_rotation_days", 90)
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not 0 < days <= 3650:
        raise ConfigError("key_rotation_days must be a number of days between 0 and 3650")
    return Platform(data["issuer"].strip(), data["client_id"].strip(), tuple(d.strip() for d in deployments),
                    *(_url(key, data[key]) for key in URLS), audience, float(days))


def load(path: str | Path) -> Platform:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read --lti {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"--lti {path} is not JSON: {exc}") from None
    try:
        return parse(data)
    except ConfigError as exc:
        raise ConfigError(f"--lti {path}: {exc}") from None
