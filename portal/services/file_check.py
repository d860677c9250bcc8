"""Reading a file a citizen attached, in a process of its own: the check of a hostile file must
never cost the portal more than that process (issue 23). ``portal.services.documents`` starts it
(``python -m portal.services.file_check <kind>``) with the bytes on stdin; it limits its own
memory and CPU time before it reads anything, and answers on stdout.

- **Images** (JPEG, PNG): the size is read from the header before a pixel is decoded; a picture
  larger than a phone's camera makes is refused, and a JPEG is decoded at a reduced scale when
  it is larger than the portal keeps. What is kept is the picture alone, re-encoded from its
  pixels: no EXIF (with GPS), XMP, ICC profile or comment.
- **PDFs** are parsed by qpdf (pikepdf), which resolves every name written with ``#`` escapes
  and every object, also those in compressed object streams. Every object is walked — without a
  depth cap, with a budget of nodes — and the PDF is refused when anything in it can act:
  JavaScript, Launch, SubmitForm, ImportData, GoToR/GoToE, a URI that is not https, XFA,
  RichMedia, sounds and films, embedded or attached files. The PDF itself is kept as sent.

Exit code 0: the file to keep on stdout. Exit code 3: refused, the problem's name on stdout. Any
other end (the limits, a crash) is read by the caller as a file that cannot be read.
"""

from __future__ import annotations

import io
import resource
import signal
import sys
import warnings

REFUSED = 3

# A phone photo is 12-50 megapixels; the portal keeps at most this long an edge.
MAX_JPEG_PIXELS = 120_000_000  # decoded at 1/2 to 1/8 scale: the header may say more
MAX_PNG_PIXELS = 20_000_000  # a PNG is decoded whole (A4 scanned at 300 dpi is 8.7 million)
KEPT_EDGE = 4000

# What makes a PDF act (ISO 32000-2, 12.6 actions; 12.5 annotations; 7.11 file specifications).
ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
    }
)
ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
KEYS = frozenset({"/JS", "/JavaScript", "/XFA", "/RichMedia", "/EmbeddedFiles", "/EF"})
TYPES = frozenset({"/EmbeddedFile", "/RichMediaExecute"})
MAX_NODES = 2_000_000
DAMAGED = ("damaged", "limits error", "recovering")


class Refused(Exception):
    """The file is refused; ``args[0]`` is the name of a DocumentProblem."""


# -- images --------------------------------------------------------------------------------------
def clean_image(data: bytes, kind: str) -> bytes:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # the limits are ours, checked below, before decoding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = Image.open(io.BytesIO(data))
        except Exception:
            raise Refused("image_unreadable") from None
        with image:
            if image.format not in ("JPEG", "PNG"):
                raise Refused("image_unreadable")
            width, height = image.size
            limit = MAX_JPEG_PIXELS if image.format == "JPEG" else MAX_PNG_PIXELS
            if width * height > limit:
                raise Refused("image_too_large")
            if image.format == "JPEG":
                scale = _reduction(width, height)
                image.draft("RGB", (width // scale, height // scale))
            try:
                image.load()
            except Exception:
                raise Refused("image_unreadable") from None
            clean = _pixels_only(image, kind)
    clean.thumbnail((KEPT_EDGE, KEPT_EDGE))
    out = io.BytesIO()
    if kind == "image/jpeg":
        clean.save(out, format="JPEG", quality=90, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _reduction(width: int, height: int) -> int:
    """The JPEG decoder's scale (1, 2, 4 or 8) that brings the long edge near what is kept:
    a 48-megapixel photo is decoded as 12, never held whole."""
    scale = 1
    while max(width, height) // scale > KEPT_EDGE and scale < 8:
        scale *= 2
    return scale


def _pixels_only(image, kind: str):
    """The pixels alone: nothing of the file's ``info`` (EXIF, XMP, ICC profile, comment, text
    chunks) reaches what is saved, for Pillow saves from ``info`` when it is not told."""
    if kind == "image/jpeg":
        mode = "RGB"
    else:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
    pixels = image if image.mode == mode else image.convert(mode)
    pixels.info = {}
    return pixels


# -- PDFs ----------------------------------------------------------------------------------------
def check_pdf(data: bytes) -> None:
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise Refused("pdf_encrypted") from None
    except Exception:
        raise Refused("pdf_unreadable") from None
    with pdf:
        if pdf.is_encrypted:
            raise Refused("pdf_encrypted")
        try:
            objects = list(pdf.objects)
            _walk([pdf.trailer, *objects])
        except Refused:
            raise
        except Exception:
            raise Refused("pdf_unreadable") from None
        # qpdf reads a damaged file by repairing it, and skips what breaks its limits (nesting
        # 500 deep, say): what it repaired is not what a viewer would read, so it is refused.
        said = " ".join(pdf.get_warnings()).lower()
        if any(sign in said for sign in DAMAGED):
            raise Refused("pdf_unreadable")


def _walk(roots: list) -> None:
    """Every object and what it holds directly; indirect objects are roots of their own, so
    nothing is visited twice and a cycle ends. Names arrive resolved (``/Launc#68`` is
    ``/Launch``)."""
    import pikepdf

    stack, visited = list(roots), 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            raise Refused("pdf_unreadable")  # a PDF made to be slow to read
        if isinstance(node, pikepdf.Stream):
            node = node.stream_dict
        if isinstance(node, pikepdf.Dictionary):
            _check(node)
            stack.extend(_direct_containers(node.values()))
        elif isinstance(node, pikepdf.Array):
            stack.extend(_direct_containers(node))


def _direct_containers(items):
    """The dictionaries, arrays and streams held directly (numbers, names and strings hold
    nothing; an indirect object is walked as a root of its own)."""
    import pikepdf

    return (
        item
        for item in items
        if isinstance(item, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream)
        and not item.is_indirect
    )


def _check(node) -> None:
    keys = set(node.keys())
    if keys & KEYS:
        raise Refused("pdf_active")
    kind = str(node.get("/S", ""))
    if kind in ACTIONS:
        raise Refused("pdf_active")
    if kind == "/URI" and not _https(node.get("/URI")):
        raise Refused("pdf_active")
    if str(node.get("/Type", "")) in TYPES or str(node.get("/Subtype", "")) in ANNOTATIONS:
        raise Refused("pdf_active")


def _https(uri) -> bool:
    try:
        text = bytes(uri).decode("latin-1").strip().lower()
    except Exception:
        return False
    return text.startswith("https://")


# -- the process --------------------------------------------------------------------------------
def _limit(memory_mb: int, cpu_seconds: int, wall_seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    # Waiting (not computing) is bounded by the wall clock: SIGALRM's default action ends the
    # process, and no handler is installed that a parser could hold up.
    signal.setitimer(signal.ITIMER_REAL, wall_seconds)


def _peak_kb() -> int:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux carries that over from the
    parent (a gunicorn worker) through fork and exec; VmHWM belongs to this program alone."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> int:
    kind, memory_mb, cpu_seconds, wall_seconds = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    _limit(memory_mb, cpu_seconds, wall_seconds)
    data = sys.stdin.buffer.read()
    try:
        if kind == "application/pdf":
            check_pdf(data)
            kept = data
        else:
            kept = clean_image(data, kind)
    except Refused as refused:
        sys.stdout.write(refused.args[0])
        return REFUSED
    finally:
        # What the check cost, for the caller's log and the tests' bounds.
        sys.stderr.write(f"peak_kb={_peak_kb()}\n")
    sys.stdout.buffer.write(kept)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
