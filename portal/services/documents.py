"""Reading what a citizen attaches (issue 16): the type from the content (portal.domain.documents),
images re-encoded by Pillow so that no metadata (location, camera, time) is kept and a broken or
hostile image never reaches anyone, PDFs opened by pypdf and refused when they are encrypted,
unreadable or carry JavaScript or actions that run on opening.

``prepare`` checks one file and gives what to store; ``attach`` stores files on a concern in the
caller's transaction (the step or "Tilføj noget" that adds them), so a refused or failed upload
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import DictionaryObject, IndirectObject
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

# A photo from a phone is some 12-50 megapixels; far more is a decompression bomb.
MAX_PIXELS = 80_000_000
# Names in a PDF that make it act when it is opened or read.
_ACTIVE = ("/JavaScript", "/JS", "/Launch", "/OpenAction", "/AA", "/SubmitForm", "/EmbeddedFile")


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
    if name_problem(filename):
        raise DocumentRefused(DocumentProblem.BAD_NAME)
    problem = size_problem(len(data), max_bytes)
    if problem is not None:
        raise DocumentRefused(problem)
    kind = sniff(data)
    if kind is None:
        raise DocumentRefused(DocumentProblem.WRONG_TYPE)
    content = _pdf(data) if kind == "application/pdf" else _image(data, kind)
    return Prepared(shown_name(filename, kind), kind, content)


def _image(data: bytes, kind: str) -> bytes:
    """The picture only, re-encoded: EXIF (with GPS), ICC and comments are not carried over."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise DocumentRefused(DocumentProblem.IMAGE_UNREADABLE)
                image.load()
                clean = image.convert("RGB") if kind == "image/jpeg" else _png_mode(image)
        out = io.BytesIO()
        if kind == "image/jpeg":
            clean.save(out, format="JPEG", quality=90, optimize=True)
        else:
            clean.save(out, format="PNG", optimize=True)
        return out.getvalue()
    except DocumentRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, SyntaxError):  # fmt: skip
        raise DocumentRefused(DocumentProblem.IMAGE_UNREADABLE) from None


def _png_mode(image: Image.Image) -> Image.Image:
    return image.convert("RGBA") if image.mode in ("RGBA", "LA", "P") else image.convert("RGB")


def _pdf(data: bytes) -> bytes:
    """The PDF as sent, once it has been read through and found to hold nothing active."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentRefused(DocumentProblem.PDF_ENCRYPTED)
        root = reader.trailer["/Root"].get_object()
        if _has_active(root, set(), 0):
            raise DocumentRefused(DocumentProblem.PDF_ACTIVE)
        for page in reader.pages:
            if _has_active(page, set(), 0):
                raise DocumentRefused(DocumentProblem.PDF_ACTIVE)
    except DocumentRefused:
        raise
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError, RecursionError,
            OSError, IndexError):  # fmt: skip
        raise DocumentRefused(DocumentProblem.PDF_UNREADABLE) from None
    # A name hidden in a compressed object stream is found above; one written plainly, here.
    if any(name.encode() in data for name in ("/JavaScript", "/Launch", "/OpenAction")):
        raise DocumentRefused(DocumentProblem.PDF_ACTIVE)
    return data


def _has_active(node, seen: set[int], depth: int) -> bool:
    """Whether a PDF object (and what it refers to) names something that acts."""
    if depth > 40:
        return False
    if isinstance(node, IndirectObject):
        if node.idnum in seen:
            return False
        seen.add(node.idnum)
        node = node.get_object()
    if isinstance(node, DictionaryObject):
        if any(key in node for key in _ACTIVE):
            return True
        for key, value in node.items():
            if key in ("/Parent", "/P"):
                continue  # back to where we came from
            if _has_active(value, seen, depth + 1):
                return True
    elif isinstance(node, list):
        return any(_has_active(item, seen, depth + 1) for item in node)
    return False


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
