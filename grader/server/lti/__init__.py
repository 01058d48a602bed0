"""The class server as an LTI 1.3 tool (``serve --lti FILE``): students launch it from the course, the
LMS says who they are, and their counted score flows back to the LMS's gradebook by itself.

- :mod:`.config`: the platform file; :mod:`.tables`: the LTI tables (migration ``0002``);
- :mod:`.keys`: the tool's RSA keys in the class database (kid, rotation), published at ``/lti/jwks``;
- :mod:`.launch`: the OIDC third-party login and the launch's verification, and who the user is;
- :mod:`.client`: the platform's key set, access tokens, service calls;
- :mod:`.ags`: grade passback as durable jobs; :mod:`.nrps`: the roster from the membership service;
- :mod:`.routes`: the HTTP endpoints, included in the application by :func:`grader.server.app.create_app`.

JOSE (JWS signatures, JWKs, JWT claims) is joserfc's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from grader.server.db import meta, utcnow
from grader.server.lti.ags import LINEITEM_KEY, Passbacks
from grader.server.lti.client import SCORE_SCOPE, PlatformClient, PlatformKeys
from grader.server.lti.config import Platform
from grader.server.lti.keys import ToolKeys
from grader.server.lti.launch import Launch
from grader.server.lti.nrps import MEMBERSHIPS_KEY
from grader.server.lti.tables import insert, lti_users


class Lti:
    """One instance's LTI side: the platform, the tool's keys, the passback senders."""

    def __init__(self, platform: Platform, store: Any, *, public_url: str | None = None, counted: str = "best",
                 deadline: dt.datetime | None = None, max_score: float = 100.0, instance: str = "lti",
                 **passback_options: Any) -> None:
        self.platform, self.store, self.public_url = platform, store, public_url
        self.keys = ToolKeys(store, platform.key_rotation_days)
        self.platform_keys = PlatformKeys(platform.key_set_url)
        self.client = PlatformClient(platform, self.keys)
        self.passbacks = Passbacks(store, self.client, counted=counted, deadline=deadline, max_score=max_score,
                                   instance=instance, **passback_options)

    def start(self) -> Lti:
        self.keys.key_set()  # the first start makes the tool's key
        self.passbacks.start()
        return self

    def stop(self) -> None:
        self.passbacks.stop()

    def remember(self, launch: Launch, student_id: str | None) -> None:
        """What a launch tells about the class (its line item, its membership service) and, for a student,
        who they are in the LMS; then their counted score is looked at again."""
        now = utcnow()
        lineitem = launch.ags.get("lineitem") if isinstance(launch.ags.get("lineitem"), str) else None
        if SCORE_SCOPE not in (launch.ags.get("scope") or []):
            lineitem = None  # the platform did not grant this link the score service
        learned = {LINEITEM_KEY: lineitem, MEMBERSHIPS_KEY: launch.memberships_url}
        with self.store.write() as c:
            for key, value in learned.items():
                if value:
                    c.execute(insert(c, meta).values(key=key, value=value)
                              .on_conflict_do_update(index_elements=["key"], set_={"value": value}))
            if student_id is not None:
                values = {"sub": launch.sub, "lineitem": lineitem, "updated_at": now}
                c.execute(insert(c, lti_users).values(student_id=student_id, **values)
                          .on_conflict_do_update(index_elements=["student_id"], set_=values))
        if student_id is not None:
            self.passbacks.notice(student_id)
