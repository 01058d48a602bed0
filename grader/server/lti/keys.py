"""The tool's RSA keys, kept in the class database so that every instance signs with the same key and
publishes the same key set, and a restart changes neither.

The newest key signs (client assertions for the platform's token endpoint). Once it is older than the
platform file's ``key_rotation_days``, the first instance to need a signature makes a new one (the
creation is serialised by the database: SQLite's write lock, PostgreSQL's row lock on the class's
``meta`` row), and the previous key stays published for as long again, so a platform that cached the
old key set still verifies what was signed before the rotation. ``POST /lti/keys/rotate`` rotates now.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import sqlalchemy as sa
from joserfc.jwk import KeySet, RSAKey

from grader.server.db import meta, utcnow
from grader.server.lti.tables import lti_keys

ALGORITHM = "RS256"
CACHE_SECONDS = 60.0  # how long an instance trusts its copy of the keys before reading them again


def new_key() -> tuple[str, str]:
    """(kid, private PEM) of a fresh 2048-bit RSA key; the kid is its RFC 7638 thumbprint."""
    key = RSAKey.generate_key(2048, private=True)
    return key.thumbprint(), key.as_pem(private=True).decode()


def _key(kid: str, pem: str) -> RSAKey:
    return RSAKey.import_key(pem, parameters={"kid": kid, "alg": ALGORITHM, "use": "sig"})


class ToolKeys:
    def __init__(self, store: Any, rotation_days: float = 90.0) -> None:
        self.store = store
        self.rotation = dt.timedelta(days=rotation_days)
        self._lock = threading.Lock()
        self._cached: tuple[float, list[tuple[str, str, dt.datetime]]] | None = None

    def _rows(self) -> list[tuple[str, str, dt.datetime]]:
        """The keys still published, newest first (read at most every CACHE_SECONDS)."""
        with self._lock:
            if self._cached is not None and time.monotonic() - self._cached[0] < CACHE_SECONDS:
                return self._cached[1]
        with self.store.read() as c:
            rows = [(r.kid, r.private_pem, r.created_at) for r in c.execute(
                sa.select(lti_keys).order_by(lti_keys.c.created_at.desc(), lti_keys.c.kid))]
        if not rows or utcnow() - rows[0][2] >= self.rotation:
            rows = self._make(force=False)
        with self._lock:
            self._cached = (time.monotonic(), rows)
        return rows

    def _make(self, force: bool) -> list[tuple[str, str, dt.datetime]]:
        kid, pem = new_key()  # made outside the transaction: it takes a tenth of a second
        with self.store.write() as c:
            # One instance at a time decides (SQLite: BEGIN IMMEDIATE already holds the write lock).
            c.execute(sa.select(meta.c.key).where(meta.c.key == "secret").with_for_update())
            newest = c.execute(sa.select(lti_keys.c.created_at).order_by(lti_keys.c.created_at.desc())
                               .limit(1)).scalar()
            now = utcnow()
            if force or newest is None or now - newest >= self.rotation:
                c.execute(lti_keys.insert().values(kid=kid, private_pem=pem, created_at=now))
                newest = now
            # Keys older than the previous one's publication window are retired.
            c.execute(lti_keys.delete().where(lti_keys.c.created_at < newest - 2 * self.rotation))
            rows = [(r.kid, r.private_pem, r.created_at) for r in c.execute(
                sa.select(lti_keys).order_by(lti_keys.c.created_at.desc(), lti_keys.c.kid))]
        return rows

    def rotate(self) -> str:
        """A new signing key now; the kid of the key that signs from now on."""
        rows = self._make(force=True)
        with self._lock:
            self._cached = (time.monotonic(), rows)
        return rows[0][0]

    def forget(self) -> None:
        """Read the keys again on next use (after another instance rotated them, in tests)."""
        with self._lock:
            self._cached = None

    def signing_key(self) -> RSAKey:
        kid, pem, _ = self._rows()[0]
        return _key(kid, pem)

    def key_set(self) -> dict[str, Any]:
        """The public JWKS: every key still published, each with its kid, ``alg`` and ``use``."""
        return KeySet([_key(kid, pem) for kid, pem, _ in self._rows()]).as_dict(private=False)
