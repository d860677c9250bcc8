"""Files as a citizen's phone or PC would send them (issue 16), made here so each test says
what is in them: a photo that carries its location, a PDF letter, and the hostile or broken
ones the portal must refuse."""

from __future__ import annotations

import io

from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

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


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (120, 80), (0, 90, 160, 255)).save(out, "PNG")
    return out.getvalue()


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def letter_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return _written(writer)


def pdf_with_javascript() -> bytes:
    """A PDF that runs JavaScript when it is opened."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hej')"),
        }
    )
    return _written(writer)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("hemmelig")
    return _written(writer)


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
