"""What a file attached to a concern may be (issue 16): PDF, JPEG or PNG — decided from the
content, never from the name — within a size and a number, with a name that is a plain name.
Pure rules; reading and re-encoding the files is ``portal.services.documents``."""

from __future__ import annotations

import enum
import re

KINDS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# The first bytes that say what a file is (its "magic number").
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
MAX_NAME = 200
# Control characters, path separators and the names a file system treats specially.
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f/\\\\:*?\"<>|]")


class DocumentProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY = "too_many"
    WRONG_TYPE = "wrong_type"
    BAD_NAME = "bad_name"
    IMAGE_UNREADABLE = "image_unreadable"
    PDF_UNREADABLE = "pdf_unreadable"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_ACTIVE = "pdf_active"  # JavaScript or actions that run when it is opened


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, or None if they are none of the allowed kinds."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def name_problem(name: str) -> bool:
    """Whether a file's name has path characters, control characters or dots only."""
    stripped = name.strip()
    return (
        not stripped
        or len(stripped) > MAX_NAME
        or bool(_BAD_NAME.search(stripped))
        or stripped.strip(".") == ""
    )


def size_problem(size: int, max_bytes: int) -> DocumentProblem | None:
    if size == 0:
        return DocumentProblem.EMPTY
    if size > max_bytes:
        return DocumentProblem.TOO_LARGE
    return None


def shown_name(name: str, content_type: str) -> str:
    """The name kept: as given, with the extension that matches what the file is."""
    stem = name.strip()
    extension = KINDS[content_type]
    lowered = stem.lower()
    if content_type == "image/jpeg" and lowered.endswith((".jpg", ".jpeg")):
        return stem
    return stem if lowered.endswith(extension) else f"{stem}{extension}"
