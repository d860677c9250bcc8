"""Files as a citizen's phone or PC would send them (issue 16), made here so each test says
what is in them: a photo that carries its location, a PDF letter, and the hostile or broken
ones the portal must refuse."""

from __future__ import annotations

import io

import pikepdf
from PIL import ExifTags, Image

from tests.hostile_files import hostile_pdfs

# Where the photo was taken (Aalborg), as a phone writes it into the EXIF data.
GPS = {1: "N", 2: (57.0, 2.0, 54.0), 3: "E", 4: (9.0, 55.0, 12.0)}
CAMERA = "PhoneMaker X1"


def photo_with_location(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (180, 120, 60))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _saved(document: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    document.save(out, **options)
    return out.getvalue()


def letter_pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    return _saved(document)


def pdf_with_javascript() -> bytes:
    """A PDF that runs JavaScript when it is opened."""
    return hostile_pdfs()["JavaScript on opening"]


def encrypted_pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    return _saved(document, encryption=pikepdf.Encryption(owner="eier", user="hemmelig"))


def broken_photo() -> bytes:
    """Starts like a JPEG, but the rest is not a picture (a cut-off or made-up file)."""
    return photo_with_location()[:40] + b"\x00" * 400


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return out.getvalue()


def has_location(jpeg: bytes) -> bool:
    exif = Image.open(io.BytesIO(jpeg)).getexif()
    return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or CAMERA.encode() in jpeg
