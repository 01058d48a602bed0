"""Students' private links: the key in a link is an HMAC of the student's ID under the class database's
secret, so it opens that student's page and nothing else, and survives restarts (and is the same on
every instance sharing the database). Kept apart from the web application: ``serve --links`` needs only this."""

from __future__ import annotations

import base64
import hashlib
import hmac


def student_key(secret: str, sid: str) -> str:
    """The credential in a student's private link."""
    digest = hmac.new(bytes.fromhex(secret), f"student-link:{sid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def link(base_url: str, secret: str, sid: str) -> str:
    return f"{base_url.rstrip('/')}/s/{sid}?token={student_key(secret, sid)}"
