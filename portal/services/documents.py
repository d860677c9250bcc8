"""Reading what a citizen attaches (issues 16 and 23): the type from the content
(portal.domain.documents), then the file read in a process of its own with bounded memory and
time (portal.services.file_check) — images re-encoded without metadata, PDFs parsed by qpdf and
refused when anything in them can act — so a hostile file costs that process, never a worker.

``prepare`` checks one file and gives what to store; ``attach`` stores files on a concern in the
caller's transaction (the step or "Tilføj noget" that adds them), so a refused or failed upload
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from portal.domain.documents import (
    DocumentProblem,
    name_problem,
    shown_name,
    size_problem,
    sniff,
)
from portal.domain.principal import Actor
from portal.models import Concern, ConcernDocument
from portal.models.base import utcnow
from portal.services import access_log

log = logging.getLogger(__name__)

CHECKER = Path(__file__).with_name("file_check.py")
# What one check may cost: address space (MB), CPU seconds, and seconds in all.
CHECK_MEMORY_MB = 384
CHECK_CPU_SECONDS = 8
CHECK_SECONDS = 12
_REFUSED = 3
_PEAK = re.compile(rb"peak_kb=(\d+)")


class DocumentRefused(ValueError):
    def __init__(self, problem: DocumentProblem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class Prepared:
    filename: str
    content_type: str
    content: bytes


def prepare(filename: str, data: bytes, max_bytes: int) -> Prepared:
    """The file as it will be kept, or ``DocumentRefused`` with the reason."""
    problem = name_problem(filename)
    if problem is not None:
        raise DocumentRefused(problem)
    problem = size_problem(len(data), max_bytes)
    if problem is not None:
        raise DocumentRefused(problem)
    kind = sniff(data)
    if kind is None:
        raise DocumentRefused(DocumentProblem.WRONG_TYPE)
    return Prepared(shown_name(filename, kind), kind, checked(kind, data))


@dataclass(frozen=True)
class CheckRun:
    """How the file check ended: its exit code, what it said, and its peak memory (MB; None
    when it did not get to say, e.g. stopped by its limits)."""

    code: int
    output: bytes
    peak_mb: float | None


def run_check(kind: str, data: bytes) -> CheckRun:
    """Run ``file_check`` on the bytes in a process of its own, within its limits; a check that
    runs over its time is stopped by its own wall-clock alarm (code -14)."""
    # The check needs no faked clock (make test-clock) and no settings of the portal's.
    environment = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
    # No timeout here: subprocess's timed wait polls with time.sleep, which fails under the
    # faked clock of make test-clock (EINVAL). The check limits its own time instead (setitimer,
    # whose default action ends the process even inside qpdf or Pillow), so this wait is bounded.
    done = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
        [
            sys.executable,
            "-I",
            str(CHECKER),
            kind,
            str(CHECK_MEMORY_MB),
            str(CHECK_CPU_SECONDS),
            str(CHECK_SECONDS),
        ],
        input=data,
        capture_output=True,
        env=environment,
        check=False,
    )
    said = _PEAK.search(done.stderr)
    return CheckRun(done.returncode, done.stdout, int(said.group(1)) / 1024 if said else None)


def checked(kind: str, data: bytes) -> bytes:
    """The content to keep, as ``file_check`` read it; a file that makes the check go over its
    limits, or stops it otherwise, is one that cannot be read."""
    unreadable = (
        DocumentProblem.PDF_UNREADABLE
        if kind == "application/pdf"
        else DocumentProblem.IMAGE_UNREADABLE
    )
    run = run_check(kind, data)
    if run.code == 0:
        return run.output
    if run.code == _REFUSED:
        said = run.output.decode(errors="replace")
        known = said in DocumentProblem.__members__.values()
        raise DocumentRefused(DocumentProblem(said) if known else unreadable)
    log.warning("file check stopped (code %s, peak %s MB)", run.code, run.peak_mb)
    raise DocumentRefused(unreadable)


def attach(
    db: Session, actor: Actor, concern: Concern, files: list[Prepared]
) -> list[ConcernDocument]:
    """Store the files on the concern, in the caller's transaction."""
    now = utcnow()
    stored = []
    for file in files:
        document = ConcernDocument(
            concern_id=concern.id,
            filename=file.filename,
            content_type=file.content_type,
            size=len(file.content),
            sha256=hashlib.sha256(file.content).hexdigest(),
            content=file.content,
            added_at=now,
            added_by_role=actor.role,
            added_by_ref=actor.ref,
            added_by_name=actor.name or "",
        )
        db.add(document)
        concern.documents.append(document)
        stored.append(document)
    return stored


def note_download(
    db: Session,
    actor: Actor,
    citizen_id: int,
    document_id: int,
    purpose: access_log.Purpose,
) -> None:
    """Someone other than the citizen opened one of the citizen's files."""
    access_log.note(
        db, actor.role, actor.ref, [citizen_id], access_log.download_action(document_id), purpose
    )
