"""Header-only checks of one stain's image file: format, width, height and bit depth, read without decoding
pixels, with the rules the line applies (``ImageCodec.readHeader`` in tunet-core), so that a file the line
would dead-letter for its header is refused here before anything is sent."""

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .errors import InputError

#: The line's decode limits (``DecodeLimits.defaults()``): room for 3072² HPA fields with a wide margin.
MAX_WIDTH = 8192
MAX_HEIGHT = 8192
MAX_PIXELS = 8192 * 8192

#: Trailing bytes searched for PNG's IEND chunk or JPEG's end-of-image marker, as the line does.
_TRAILER_SEARCH = 1024

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_PALETTE = 3


@dataclass(frozen=True)
class ImageInfo:
    """What an image's header says.

    :param format: ``PNG``, ``TIFF`` or ``JPEG`` (the Avro ``ImageFormat`` symbol)
    :param bit_depth: bits per stored sample, 8 or 16
    """
    format: str
    width: int
    height: int
    bit_depth: int


def sniff(head: bytes):
    """The format the first bytes announce (``PNG``, ``TIFF``, ``JPEG``), or None."""
    if head.startswith(_PNG_MAGIC):
        return "PNG"
    if head.startswith(b"II*\x00") or head.startswith(b"MM\x00*"):
        return "TIFF"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    return None


def inspect_bytes(data: bytes, name: str = "image") -> ImageInfo:
    """Checks an image held in memory; see :func:`inspect_file`."""
    return _inspect(io.BytesIO(data), len(data), name)


def inspect_file(path) -> ImageInfo:
    """Checks an image file, reading only its header and its last kilobyte.

    :raises InputError: naming the file, when it cannot be read, is not PNG/TIFF/JPEG, is cut short, is larger
        than the line accepts, or has samples other than unsigned 8 or 16 bit
    """
    try:
        with open(path, "rb") as f:
            size = f.seek(0, io.SEEK_END)
            f.seek(0)
            return _inspect(f, size, str(path))
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e


def _inspect(f, size, name):
    if size == 0:
        raise InputError(f"{name} is empty")
    head = f.read(32)
    kind = sniff(head)
    if kind is None:
        raise InputError(f"{name} is not PNG, TIFF or JPEG (it starts with {head[:8].hex(' ')})")
    if not _looks_complete(kind, f, size, head):
        raise InputError(f"{name} is cut short: the {kind} file of {size} bytes ends before "
                         + {"PNG": "its IEND chunk", "JPEG": "its end-of-image marker",
                            "TIFF": "the directory its header points to"}[kind])
    if kind == "PNG" and len(head) >= 24 and head[12:16] == b"IHDR":
        # checked before Pillow sees it, so that a hostile size is reported as such
        _check_size(kind, *struct.unpack(">II", head[16:24]), name)
    f.seek(0)
    with warnings.catch_warnings():
        # Pillow warns (and above twice its limit refuses) on huge headers; our own limit is lower
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        # Pillow warns about damaged TIFF directories and reads on; the checks below refuse such files
        warnings.simplefilter("ignore", UserWarning)
        try:
            with Image.open(f, formats=[kind]) as image:
                width, height = image.size
                _check_size(kind, width, height, name)
                depth = _bit_depth(kind, image, head, name)
                if kind == "TIFF":
                    _check_tiff_data_inside(image.tag_v2, size, name)
        except Image.DecompressionBombError as e:
            raise InputError(f"{name}: {kind} header claims a size above the line's limit of "
                             f"{MAX_WIDTH}x{MAX_HEIGHT} and {MAX_PIXELS} pixels ({e})") from e
        except (UnidentifiedImageError, SyntaxError, ValueError, struct.error, EOFError, OSError) as e:
            if kind != "TIFF":
                raise InputError(f"{name}: unreadable {kind} header: {e}") from e
            # Pillow does not open every TIFF the line reads (16-bit multi-sample ones, say); tifffile does
            width, height, depth = _tiff_header_by_tifffile(f, name, e)
            _check_size(kind, width, height, name)
    return ImageInfo(kind, width, height, depth)


def _check_size(kind, width, height, name):
    if width <= 0 or height <= 0:
        raise InputError(f"{name}: {kind} header claims a size of {width}x{height}")
    if width > MAX_WIDTH or height > MAX_HEIGHT or width * height > MAX_PIXELS:
        raise InputError(f"{name}: {kind} header claims {width}x{height}, above the line's limit of "
                         f"{MAX_WIDTH}x{MAX_HEIGHT} and {MAX_PIXELS} pixels")


def _looks_complete(kind, f, size, head):
    if kind == "TIFF":
        if size < 8:
            return False
        offset = struct.unpack("<I" if head[:1] == b"I" else ">I", head[4:8])[0]
        return offset + 2 <= size
    f.seek(max(0, size - _TRAILER_SEARCH))
    tail = f.read()
    return (b"IEND" if kind == "PNG" else b"\xff\xd9") in tail


def _unsupported(name, kind, what):
    return InputError(f"{name}: {kind} has {what}; the line reads only unsigned 8- and 16-bit samples")


def _bit_depth(kind, image, head, name):
    if kind == "JPEG":
        # Pillow refuses anything but 8-bit JPEG when it opens the file
        return 8
    if kind == "PNG":
        # IHDR is the first chunk: bit depth at byte 24, colour type at 25. Pillow's mode hides 16-bit RGB.
        if len(head) < 26 or head[12:16] != b"IHDR":
            raise InputError(f"{name}: PNG does not start with its IHDR chunk")
        depth, colour_type = head[24], head[25]
        if colour_type == _PNG_PALETTE:
            if depth != 8:
                raise _unsupported(name, kind, f"{depth}-bit palette indices")
            return 8
        if depth not in (8, 16):
            raise _unsupported(name, kind, f"{depth}-bit samples")
        return depth
    tags = image.tag_v2
    bits = tags.get(258, (1,))
    bits = tuple(bits) if isinstance(bits, (tuple, list)) else (bits,)
    formats = tags.get(339, (1,))
    formats = tuple(formats) if isinstance(formats, (tuple, list)) else (formats,)
    return _tiff_depth(name, bits, formats)


def _tiff_depth(name, bits, sample_formats):
    if len(set(bits)) != 1:
        raise _unsupported(name, "TIFF", f"samples of different bit depths {bits}")
    if any(f != 1 for f in sample_formats):
        kinds = {2: "signed", 3: "floating-point"}
        what = ", ".join(sorted({kinds.get(f, f"sample format {f}") for f in sample_formats if f != 1}))
        raise _unsupported(name, "TIFF", f"{bits[0]}-bit {what} samples")
    if bits[0] not in (8, 16):
        raise _unsupported(name, "TIFF", f"{bits[0]}-bit samples")
    return bits[0]


def _check_tiff_data_inside(tags, size, name):
    """The strips or tiles the first directory points to lie inside the file (a cut-short TIFF fails here)."""
    located = False
    for offsets_tag, counts_tag in ((273, 279), (324, 325)):
        offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
        if offsets is None or counts is None:
            continue
        located = True
        offsets = offsets if isinstance(offsets, (tuple, list)) else (offsets,)
        counts = counts if isinstance(counts, (tuple, list)) else (counts,)
        end = max((o + c for o, c in zip(offsets, counts)), default=0)
        if end > size:
            raise InputError(f"{name} is cut short: the TIFF of {size} bytes points to pixel data up to byte {end}")
    if not located:
        raise InputError(f"{name}: the TIFF's first directory does not say where its pixels are (damaged or cut "
                         "short)")


def _tiff_header_by_tifffile(f, name, pillow_error):
    try:
        import tifffile
    except ImportError:
        raise InputError(f"{name}: Pillow cannot read this TIFF's header ({pillow_error}) and tifffile is not "
                         "installed (apt-get install python3-tifffile)") from pillow_error
    f.seek(0)
    try:
        with tifffile.TiffFile(f) as tiff:
            page = tiff.pages[0]
            bits = page.bitspersample
            sample_format = int(page.sampleformat)
            width, height = page.imagewidth, page.imagelength
    except Exception as e:  # tifffile raises many types for bad files; all mean the same here
        raise InputError(f"{name}: unreadable TIFF header: {e}") from e
    return width, height, _tiff_depth(name, (bits,), (sample_format,))
