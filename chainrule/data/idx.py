"""`read_idx`: the IDX format of MNIST and Fashion-MNIST, read and checked.

An IDX file is a 4-byte magic number -- two zero bytes, a type code, the
number of dimensions -- then one big-endian uint32 per dimension, then the
values, big-endian, row-major.  Every way a file can be wrong (empty, short
header, wrong magic, unknown type code, a payload that does not match the
dimensions, corrupt or truncated gzip) is checked before NumPy sees the bytes,
so the error names the file and the problem instead of failing inside
``reshape``.
"""
import gzip
import os
import struct
import zlib

import numpy as np

_TYPE_CODES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
               0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_TYPE_NAMES = "0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64"
_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """A file that is not a valid IDX file (the message names it)."""


def read_idx(path):
    """The array stored in the IDX file at ``path`` (gzip-compressed or not,
    recognised by its content, not its name), in native byte order."""
    path = os.fspath(path)
    raw = _decompressed(path)
    dtype, dims, offset = _header(path, raw)
    _check_payload(path, raw, dtype, dims, offset)
    values = np.frombuffer(raw, dtype=dtype, offset=offset).reshape(dims)
    return values.astype(dtype.newbyteorder("="))  # a writable, native-order copy


def _decompressed(path):
    with open(path, "rb") as f:
        raw = f.read()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as e:
        raise IDXError(f"{path}: the gzip data is corrupt or truncated ({e})") from None


def _header(path, raw):
    if not raw:
        raise IDXError(f"{path}: the file is empty (an IDX file starts with a 4-byte magic "
                       "number)")
    if len(raw) < 4:
        raise IDXError(f"{path}: the file is {len(raw)} bytes, shorter than the 4-byte IDX "
                       "magic number")
    if raw[0] or raw[1]:
        raise IDXError(f"{path}: wrong magic number 0x{raw[:4].hex()}: an IDX file starts with "
                       "two zero bytes, a type code and the number of dimensions (MNIST "
                       "images: 0x00000803, labels: 0x00000801)")
    code, ndim = raw[2], raw[3]
    if code not in _TYPE_CODES:
        raise IDXError(f"{path}: unknown IDX type code 0x{code:02x} (known: {_TYPE_NAMES})")
    if ndim == 0:
        raise IDXError(f"{path}: the header declares 0 dimensions")
    end = 4 + 4 * ndim
    if len(raw) < end:
        raise IDXError(f"{path}: truncated header: {ndim} dimensions need {end} header bytes, "
                       f"the file has {len(raw)}")
    return _TYPE_CODES[code], struct.unpack(f">{ndim}I", raw[4:end]), end


def _check_payload(path, raw, dtype, dims, offset):
    """Sizes compared as Python ints: absurd dimensions never reach NumPy."""
    expected = dtype.itemsize
    for d in dims:
        expected *= d
    actual = len(raw) - offset
    if actual < expected:
        raise IDXError(f"{path}: truncated data: dimensions {dims} of {dtype.name} need "
                       f"{expected} bytes after the header, the file has {actual}")
    if actual > expected:
        raise IDXError(f"{path}: {actual - expected} bytes of extra data: dimensions {dims} of "
                       f"{dtype.name} need {expected} bytes after the header, the file has "
                       f"{actual}")
