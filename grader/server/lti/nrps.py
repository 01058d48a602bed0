"""Names and Role Provisioning Services v2: the class roster read from the LMS's membership service.

``POST /lti/roster`` (the instructor) reads every page of the context's memberships (the URL the
launches' NRPS claim named; pages follow ``Link: <…>; rel="next"``) and, for each active learner:

- a student already on the roster (by ``lis_person_sourcedid`` as student ID, else by email) gets their
  LMS identity (``user_id``, the ``userId`` of their scores), so their grades flow back before they ever
  launch;
- a learner whose ``lis_person_sourcedid`` is a valid student ID and who is not on the roster is added
  (name and email from the LMS); others are listed as skipped, with the reason.

Nobody is removed: a student missing from the LMS's list keeps their place and their attempts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from grader.roster import STUDENT_ID, Student
from grader.server.db import meta, utcnow
from grader.server.lti.client import MEMBERSHIP_SCOPE, PlatformClient
from grader.server.lti.tables import insert, lti_users

MEMBERSHIPS_KEY = "lti_memberships_url"  # meta: the context's membership service, from a launch
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
MAX_PAGES = 200


@dataclass
class RosterRead:
    added: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    members: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"members": self.members, "added": self.added, "linked": self.linked, "skipped": self.skipped}


def next_page(link_header: str | None) -> str | None:
    for part in (link_header or "").split(","):
        found = re.match(r'\s*<([^>]+)>\s*;(.*)', part)
        if found and re.search(r'rel\s*=\s*"?next"?', found.group(2)):
            return found.group(1)
    return None


def members(client: PlatformClient, url: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        answer = client.call("GET", url, MEMBERSHIP_SCOPE, accept=MEMBERSHIP_TYPE)
        page = answer.json()
        found += [m for m in (page.get("members") or []) if isinstance(m, dict)] if isinstance(page, dict) else []
        url = next_page(answer.headers.get("link"))
        if not url:
            break
    return found


def is_learner(member: dict[str, Any]) -> bool:
    roles = [r for r in member.get("roles") or [] if isinstance(r, str)]
    return any(r in (LEARNER, "Learner") or r.endswith("membership#Learner") for r in roles)


def read_roster(store: Any, client: PlatformClient) -> RosterRead:
    url = None
    with store.read() as c:
        url = c.execute(sa.select(meta.c.value).where(meta.c.key == MEMBERSHIPS_KEY)).scalar()
    if not url:
        raise LookupError("no membership service known yet: launch the tool once from the course (as its "
                          "instructor), with the LMS's Names and Role Provisioning service enabled")
    read = RosterRead()
    listed = members(client, url)
    read.members = len(listed)
    roster = {s.student_id: s for s in store.students()}
    by_email = {s.email.lower(): s.student_id for s in roster.values() if s.email}
    new: list[Student] = []
    identities: dict[str, str] = {}
    for member in listed:
        if not is_learner(member) or member.get("status", "Active") != "Active":
            continue
        user_id, sourced = member.get("user_id"), member.get("lis_person_sourcedid")
        email = member.get("email") if isinstance(member.get("email"), str) else None
        if not isinstance(user_id, str) or not user_id:
            continue
        sid = sourced if isinstance(sourced, str) and sourced in roster else by_email.get((email or "").lower())
        if sid is None and isinstance(sourced, str) and STUDENT_ID.match(sourced):
            sid = sourced
            new.append(Student(sid, name=member.get("name") or None, email=email))
            read.added.append(sid)
        elif sid is None:
            read.skipped.append({"user_id": user_id, "name": str(member.get("name") or ""),
                                 "reason": "no lis_person_sourcedid usable as a student ID, and no roster email"})
            continue
        else:
            read.linked.append(sid)
        identities[sid] = user_id
    if new:
        store.sync_students([*roster.values(), *new])
    now = utcnow()
    with store.write() as c:
        for sid, user_id in identities.items():
            c.execute(insert(c, lti_users).values(student_id=sid, sub=user_id, updated_at=now)
                      .on_conflict_do_update(index_elements=["student_id"], set_={"sub": user_id, "updated_at": now}))
    return read
