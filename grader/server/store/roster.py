"""The class and its roster: the database's owner (``meta``), its settings, the students."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from grader.roster import Student
from grader.server import db
from grader.server.db import meta, students, utcnow
from grader.server.store.base import Base, UnknownStudent, WrongClass, student_of


class Roster(Base):
    def open_class(self, assessment: str) -> None:
        """Make the database this assessment's class (first start), or refuse one that is another's."""
        with self.write() as c:
            values = {"assessment": assessment, "secret": secrets.token_hex(32), "started_at": db.iso(utcnow())}
            c.execute(self._insert(meta).values([{"key": k, "value": v} for k, v in values.items()])
                      .on_conflict_do_nothing())
            found = c.execute(sa.select(meta.c.value).where(meta.c.key == "assessment")).scalar_one()
        if found != assessment:
            raise WrongClass(f"this database holds a class of {found}, not {assessment}: pass another --db")

    def meta(self, key: str) -> str:
        with self.read() as c:
            return c.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar_one()

    def setting(self, key: str) -> str | None:
        with self.read() as c:
            return c.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as c:
            insert = self._insert(meta).values(key=key, value=value)
            c.execute(insert.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))

    def sync_students(self, roster: list[Student]) -> None:
        """The roster becomes the class: new students added, details updated, those no longer on it set
        aside (their attempts are kept)."""
        now = utcnow()
        with self.write() as c:
            known = set(c.execute(sa.select(students.c.student_id)).scalars())
            for s in roster:
                details = {"name": s.name, "email": s.email, "region": s.region, "profile": s.profile,
                           "role_arn": s.role_arn, "account_id": s.account_id, "extra": [list(p) for p in s.extra],
                           "active": True}
                if s.student_id in known:
                    c.execute(students.update().where(students.c.student_id == s.student_id).values(**details))
                else:
                    c.execute(self._insert(students).values(student_id=s.student_id, added_at=now, **details)
                              .on_conflict_do_nothing())
            ids = [s.student_id for s in roster]
            c.execute(students.update().where(students.c.student_id.not_in(ids)).values(active=False))

    def students(self) -> list[Student]:
        with self.read() as c:
            rows = c.execute(sa.select(students).where(students.c.active).order_by(students.c.student_id))
            return [student_of(r) for r in rows]

    def student(self, sid: str) -> Student:
        with self.read() as c:
            row = c.execute(sa.select(students).where(students.c.student_id == sid, students.c.active)).first()
        if row is None:
            raise UnknownStudent(sid)
        return student_of(row)
