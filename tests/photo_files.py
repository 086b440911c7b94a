"""Photos as phones send them, built in code with Pillow: a camera JPEG with the place it was
taken (GPS EXIF), the maker, an orientation, an ICC profile, XMP and a comment; and files that
only pretend to be photos."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime, timezone

from PIL import ExifTags, Image, ImageCms

#: where the "phone" says the photo was taken, and what it wrote about itself
GPS_LATITUDE = (30.0, 15.0, 7.25)
GPS_LONGITUDE = (120.0, 12.0, 3.5)
MAKER = "SecretPhoneMaker"
COMMENT = b"taken at home by Wang"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="30,15.12N"/></rdf:RDF>'
       b'</x:xmpmeta>')
RED, BLUE = (220, 20, 20), (20, 20, 220)


def camera_jpeg(width: int = 4032, height: int = 3024, orientation: int = 6,
                quality: int = 90, icc: bool = True) -> bytes:
    """A phone's photo as stored by its camera: landscape pixels with a red block in the top
    left corner (the rest blue), to be turned by ``orientation`` (6: a quarter turn clockwise,
    as a phone held upright writes), and every kind of metadata a phone adds (the ICC
    profile only with ``icc``)."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = MAKER
    exif[ExifTags.Base.Model] = "Model X"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: GPS_LONGITUDE}
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if icc else None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes(), icc_profile=profile,
               comment=COMMENT, xmp=XMP)
    return out.getvalue()


def png(width: int = 200, height: int = 100, mode: str = "RGBA") -> bytes:
    """A PNG (a screenshot, say); with ``RGBA`` its right half is transparent."""
    image = Image.new(mode, (width, height), (0, 128, 0, 255) if mode == "RGBA" else 128)
    if mode == "RGBA":
        image.paste((0, 0, 0, 0), (width // 2, 0, width, height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bomb(width: int, height: int) -> bytes:
    """A real PNG of ``width`` x ``height`` black RGB pixels: a few kilobytes of file that
    unpack to width x height x 3 bytes (a decompression bomb), written row by row so that the
    test never holds the picture."""
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 3)
    parts = [squeeze.compress(row) for _ in range(height)] + [squeeze.flush()]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts))
            + _chunk(b"IEND", b""))


def heic_header() -> bytes:
    """The start of an iPhone's HEIC file (an ISO media "ftyp" box, brand heic)."""
    return struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\0" * 64


def upload_value(content: bytes, name: str = "IMG_0001.jpg", kind: str = "image/jpeg"):
    """What ipywidgets' FileUpload holds after a browser sent one file."""
    return ({"name": name, "type": kind, "size": len(content), "content": memoryview(content),
             "last_modified": datetime(2026, 11, 30, tzinfo=timezone.utc)},)
