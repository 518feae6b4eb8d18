"""An import's uploaded file, held between the organizer's preview and apply (entries and scores).

The file waits under ``instance/<folder>/`` in a name made of the contest, the
organizer and a random token; the apply form carries the token alone, so a
held file answers only the contest and the organizer it was previewed for.
It is removed once applied, or when it does not read; one left behind (a
cancelled preview, a closed tab) is removed when it is a day old.
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contest.extensions import db
from contest.importing import CsvImportError
from contest.models import Contest

KEPT_FOR_SECONDS = 24 * 3600
SUFFIXES = (".csv", ".xlsx")
# Set on a file while it is applied: a second apply of the same token (a double click) finds nothing.
APPLYING = ".applying"

T = TypeVar("T")


@dataclass(frozen=True)
class HeldFile:
    """One held upload: ``name`` ends in .csv or .xlsx, which is how the reader tells them apart."""

    path: Path
    token: str

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(APPLYING)

    def read(self) -> bytes:
        return self.path.read_bytes()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class HeldUploads:
    """The held files of one import, in ``instance/<folder_name>/``."""

    folder_name: str

    @property
    def folder(self) -> Path:
        return Path(current_app.instance_path) / self.folder_name

    def hold(self, contest: Contest, upload) -> HeldFile:
        """Keep ``upload`` (a werkzeug FileStorage) for this contest and the organizer signed in."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sweep()
        suffix = ".xlsx" if (upload.filename or "").lower().endswith(".xlsx") else ".csv"
        token = secrets.token_urlsafe(16)
        held = HeldFile(self.folder / f"{_owner(contest)}-{token}{suffix}", token)
        upload.save(held.path)
        return held

    def find(self, contest: Contest, token: str) -> HeldFile | None:
        """The file held under ``token`` for this contest and organizer, if it is there and not a day old."""
        if not token or not all(ch.isalnum() or ch in "-_" for ch in token):
            return None
        for suffix in SUFFIXES:
            held = HeldFile(self.folder / f"{_owner(contest)}-{token}{suffix}", token)
            if held.path.is_file():
                if _age(held.path) > KEPT_FOR_SECONDS:
                    held.discard()
                    return None
                return held
        return None

    def sweep(self) -> None:
        """Remove the files a day old or older: previews nobody applied."""
        for path in self.folder.iterdir():
            if path.is_file() and _age(path) > KEPT_FOR_SECONDS:
                path.unlink(missing_ok=True)

    def preview(self, contest: Contest, upload, plan: Callable[[bytes, str], T]) -> tuple[HeldFile, T]:
        """Hold ``upload`` and return it with ``plan(raw, name)``. A file that does not plan is not kept:
        the session is rolled back, the file removed and the CsvImportError raised on."""
        held = self.hold(contest, upload)
        try:
            return held, plan(held.read(), held.name)
        except CsvImportError:
            db.session.rollback()
            held.discard()
            raise

    def apply(self, contest: Contest, token: str, apply: Callable[[bytes, str], T]) -> T | None:
        """``apply(raw, name)`` on the file held under ``token``, committed, then the file removed.

        None when no such file is held (applied already, being applied, a day
        old, or another contest's or organizer's). On an error the session is
        rolled back and the file kept for another try; the error is raised on.
        """
        held = self.find(contest, token)
        if held is None:
            return None
        claimed = HeldFile(held.path.with_name(held.path.name + APPLYING), token)
        try:
            held.path.rename(claimed.path)
        except FileNotFoundError:
            return None  # another request took it first
        try:
            done = apply(claimed.read(), claimed.name)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            claimed.path.rename(held.path)
            raise
        claimed.discard()
        return done


def upload_expired(endpoint: str, slug: str):
    """Back to the import's page, saying the held file is gone."""
    flash(_("This upload has expired: choose the file again."), "danger")
    return redirect(url_for(endpoint, slug=slug))


def _owner(contest: Contest) -> str:
    return f"{contest.id}-{current_user.id}"


def _age(path: Path) -> float:
    return time.time() - path.stat().st_mtime
