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
# Control characters, path separators, the characters a file system treats specially, and the
# invisible ones that turn text around or hide in it (right-to-left override and its kin,
# zero-width spaces, the byte-order mark): "brev\u202efdp.exe" reads as "brevexe.pdf".
_BAD_NAME = re.compile(
    r"[\x00-\x1f\x7f-\x9f/\\\\:*?\"<>|\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


class DocumentProblem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY = "too_many"
    WRONG_TYPE = "wrong_type"
    BAD_NAME = "bad_name"
    NAME_TOO_LONG = "name_too_long"
    IMAGE_UNREADABLE = "image_unreadable"
    IMAGE_TOO_LARGE = "image_too_large"  # more pixels than a phone's camera makes
    PDF_UNREADABLE = "pdf_unreadable"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_ACTIVE = "pdf_active"  # JavaScript or actions that run when it is opened


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, or None if they are none of the allowed kinds."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def name_problem(name: str) -> DocumentProblem | None:
    """What is wrong with a file's name: too long, or path, control or invisible characters,
    or nothing but dots; None for a plain name."""
    stripped = name.strip()
    if len(stripped) > MAX_NAME:
        return DocumentProblem.NAME_TOO_LONG
    if not stripped or _BAD_NAME.search(stripped) or stripped.strip(".") == "":
        return DocumentProblem.BAD_NAME
    return None


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
    if content_type == "image/jpeg" and lowered.endswith(".jpeg"):  # the other JPEG ending
        return stem
    return stem if lowered.endswith(extension) else f"{stem}{extension}"
