"""The pure rules of what a file on a concern may be (portal.domain.documents)."""

from __future__ import annotations

import pytest

from portal.domain.documents import DocumentProblem, name_problem, shown_name, size_problem, sniff


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF89a", None),
        (b"<html><script>", None),
        (b"PK\x03\x04", None),  # a Word file or a zip
        (b"", None),
    ],
)
def test_the_type_comes_from_the_content(start, kind):
    assert sniff(start) == kind


@pytest.mark.parametrize(
    "name",
    [
        "../brev.pdf",
        "C:\\brev.pdf",
        "brev\x00.pdf",
        "brev\n.pdf",
        "..",
        " ",
        "a|b.pdf",
        "brev\u202efdp.exe",  # right-to-left override: shows as "brevexe.pdf"
        "brev\u2067.pdf",
        "brev\u200b.pdf",  # a zero-width space
        "\ufeffbrev.pdf",
    ],
)
def test_a_name_with_path_control_or_invisible_characters_is_refused(name):
    assert name_problem(name) is DocumentProblem.BAD_NAME


def test_a_too_long_name_is_told_so():
    assert name_problem("a" * 201) is DocumentProblem.NAME_TOO_LONG
    assert name_problem("a" * 196 + ".pdf") is None


@pytest.mark.parametrize("name", ["Lægeerklæring 2026.pdf", "IMG_2041.JPG", "brev (1).png"])
def test_a_plain_name_is_kept(name):
    assert name_problem(name) is None


def test_size_limits():
    assert size_problem(0, 100) is DocumentProblem.EMPTY
    assert size_problem(101, 100) is DocumentProblem.TOO_LARGE
    assert size_problem(100, 100) is None


def test_the_kept_name_ends_as_the_file_is():
    assert shown_name("brev", "application/pdf") == "brev.pdf"
    assert shown_name("foto.jpeg", "image/jpeg") == "foto.jpeg"
    assert shown_name("foto.png", "image/jpeg") == "foto.png.jpg"
    assert shown_name("scan.PDF", "application/pdf") == "scan.PDF"
