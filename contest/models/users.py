"""Accounts and their roles."""
from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from contest.extensions import db
from contest.models.types import UTCDateTime, enum_type, utcnow


class Role(enum.StrEnum):
    AUTHOR = "author"
    JUDGE = "judge"
    ORGANIZER = "organizer"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Where a judge works: contests may rule out entries from the same organization or district.
    organization: Mapped[str] = mapped_column(String(300), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    # Part of every session and remember cookie (see get_id): raising it ends them all.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The language mail is written in: the one chosen on the site, else Vietnamese (None).
    language: Mapped[str | None] = mapped_column(String(10))
    # When the address was confirmed (a confirmation link followed); authors submit only after.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[Role]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def add_role(self, role: Role) -> None:
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))

    def get_id(self) -> str:
        """What sessions and remember cookies carry: the id and the session version."""
        return f"{self.id}.{self.session_version or 0}"

    def end_sessions(self) -> None:
        """Make every session and remember cookie issued so far stop working."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        """Set a new password; every session opened with the old one ends."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        if self.id is not None:
            self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_type(Role), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")
