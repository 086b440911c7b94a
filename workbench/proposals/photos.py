"""A proposal's photo: the rules a resident's upload must meet, and the clean copy that is
stored in its place.

Whatever the browser says about a file (its name, its MIME type) is ignored: the bytes are
read by Pillow, and only JPEG, PNG and WebP are taken (HEIC too, should the installed Pillow
read it without a plugin). The size of the file and the picture's pixels are checked before
anything is decoded, since a small file can unpack to a huge picture. The picture is turned
upright by its EXIF orientation, converted to sRGB, made smaller and written again as a new
JPEG: nothing of the original file is kept, so no EXIF (the place a phone records, the
camera, the time), XMP, ICC profile or comment reaches the store.

Problems are (message key, params) for the field "photo", as every rule of
:mod:`workbench.proposals.rules` gives them.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench import settings
from workbench.proposals.rules import InputInvalid

if TYPE_CHECKING:
    from PIL import Image

#: what residents may send, by Pillow's own names for what it found in the bytes
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
#: HEIC/HEIF brands (ISO base media "ftyp" box): iPhones' own format. Pillow reads it only
#: with a plugin, which is not installed, so such a file gets a message of its own.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
STORED_TYPE = "image/jpeg"
JPEG_QUALITY = 82
THUMBNAIL_QUALITY = 75
#: what Pillow may raise on hostile bytes whose header looked right
_DAMAGED = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError,
            ZeroDivisionError, struct.error)


class PhotoInvalid(InputInvalid):
    """A photo that breaks a rule: ``errors`` is {"photo": (message key, params)}."""

    def __init__(self, key: str, **params):
        super().__init__({"photo": (key, params)})


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo made ready to store: a new JPEG without metadata, and its thumbnail."""

    data: bytes
    width: int
    height: int
    thumbnail: bytes
    thumb_width: int
    thumb_height: int
    content_type: str = STORED_TYPE


def megabytes(n: int) -> str:
    """A size as residents read it: 12, 0.5, 18.7 (MB)."""
    return f"{n / 1_000_000:.1f}".removesuffix(".0")


def upload_content(value) -> bytes | None:
    """The bytes of the one file in an upload field's value (ipywidgets' FileUpload: a tuple
    of dicts with ``content``), None when no file is chosen. Any other shape, as a client of
    the kernel can send, is refused; the size is checked before the bytes are copied."""
    if value is None or value == () or value == []:
        return None
    if not isinstance(value, (tuple, list)) or len(value) != 1 or not isinstance(value[0], dict):
        raise PhotoInvalid("photo.one_file")
    content = value[0].get("content")
    if isinstance(content, memoryview):
        size = content.nbytes
    elif isinstance(content, (bytes, bytearray)):
        size = len(content)
    else:
        raise PhotoInvalid("photo.not_image")
    check_size(size)
    return bytes(content)


def check_size(size: int) -> None:
    limit = settings.get("photo_max_bytes")
    if size == 0:
        raise PhotoInvalid("photo.empty")
    if size > limit:
        raise PhotoInvalid("photo.too_large", max_mb=megabytes(limit), size_mb=megabytes(size))


def _is_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS


def _open(data: bytes) -> Image.Image:
    """The picture, opened but not decoded (only its header is read)."""
    # Pillow is loaded with the first photo, not with every resident's kernel (2 MiB)
    from PIL import Image, UnidentifiedImageError

    formats = list(ACCEPTED_FORMATS) + (["HEIF"] if "HEIF" in Image.OPEN else [])
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check only warns below twice its limit: ours comes next
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoInvalid("photo.heic" if _is_heif(data) else "photo.not_image") from None
    if min(image.size) < 1:
        raise PhotoInvalid("photo.broken")
    return image


def _too_many_pixels() -> PhotoInvalid:
    return PhotoInvalid("photo.too_many_pixels",
                        max_mp=round(settings.get("photo_max_pixels") / 1_000_000, 1))


def _decode(image: Image.Image, edge: int) -> Image.Image:
    """Decode the picture at most ``edge`` pixels on its longest side, upright and in sRGB.

    A JPEG is decoded at the smallest scale still larger than that (a quarter of the memory
    of a full decode for a phone's 12-megapixel photo); the pixels that would be decoded are
    checked against the limit before any is, and the picture is made smaller before it is
    turned, so that no second full-size copy is made."""
    # loaded with the first photo, not with every page (with colour management below: some
    # 1.2 MiB of each page's kernel otherwise)
    from PIL import Image, ImageOps

    width, height = image.size
    ratio = edge / max(width, height)
    if image.format in ("JPEG", "MPO") and ratio < 1:  # MPO: a phone's JPEG with a depth map
        image.draft("RGB", (max(1, int(width * ratio)), max(1, int(height * ratio))))
    if image.width * image.height > settings.get("photo_max_pixels"):
        raise _too_many_pixels()
    icc = image.info.get("icc_profile")
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=3.0)
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P"
                                              and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")  # transparency shown on white, as a page
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode.startswith("I") or image.mode == "F":
        # 16-bit and float pictures (rare from a phone) scaled to 8 bits
        image = image.convert("F").point(lambda v: v / 256).convert("L")
    if icc and image.mode in ("RGB", "CMYK"):
        # a phone's wide-gamut colours kept right once the profile is dropped
        from PIL import ImageCms

        try:
            return ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                             ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the colours as they are
    return image.convert("RGB") if image.mode != "L" else image


def _jpeg(image: Image.Image, edge: int, quality: int) -> tuple[bytes, int, int]:
    """A new JPEG of the picture, at most ``edge`` pixels on its longest side, without any
    metadata: none is given to the encoder, and the picture's own ``info`` (where Pillow
    would find a comment to keep) is emptied."""
    from PIL import Image

    if max(image.size) > edge:
        image = image.copy()
        image.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=3.0)
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue(), image.width, image.height


def prepare_photo(data) -> PreparedPhoto:
    """Check a resident's photo and make its clean copy; raises :class:`PhotoInvalid`."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise PhotoInvalid("photo.not_image")
    check_size(data.nbytes if isinstance(data, memoryview) else len(data))
    data = bytes(data)
    edge = settings.get("photo_max_edge")
    image = _open(data)
    try:
        picture = _decode(image, edge)
        stored, width, height = _jpeg(picture, edge, JPEG_QUALITY)
        thumb, thumb_width, thumb_height = _jpeg(picture, settings.get("photo_thumbnail_edge"),
                                                 THUMBNAIL_QUALITY)
    except PhotoInvalid:
        raise
    except _DAMAGED:
        # truncated or damaged inside, though its header could be read
        raise PhotoInvalid("photo.broken") from None
    finally:
        image.close()
    return PreparedPhoto(stored, width, height, thumb, thumb_width, thumb_height)
