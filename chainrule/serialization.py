"""``save`` and ``load`` under PyTorch's names, without pickle.

What PyTorch programs save -- a ``state_dict``, an optimizer's state, a
checkpoint dict of those plus epochs, losses and names -- is tensors and
numbers inside dicts and lists.  That is exactly what is stored here, as an
ordinary NumPy ``.npz`` archive: one ``.npy`` entry per array plus one
(``chainrule_save``, UTF-8 JSON) for the structure.  Loading cannot run
code, so ``weights_only`` is always in effect; saving anything else (a
whole model, a function) is refused, naming the object.  A file path is
written atomically (temporary file, fsync, rename), so an interrupted save
leaves the previous file whole.

The files are chainrule's, not PyTorch's: to move weights between the
two, use `chainrule.weights` (safetensors).
"""
import io
import json
import os
import zipfile

import numpy as np

from autograd.device import check_device
from autograd.errors import ArgumentError

from ._atomic import atomic_write
from ._tree import Packer, unpack

__all__ = ["save", "load", "SerializationError"]

FORMAT = "chainrule-save"
VERSION = 1
_HEADER = "chainrule_save"


class SerializationError(ArgumentError):
    """A file that ``load`` cannot read: not one ``save`` wrote, or
    damaged.  A RuntimeError, as PyTorch raises for unreadable files."""


def save(obj, f):
    """Store ``obj`` -- tensors, NumPy arrays, numbers, strings, None, and
    lists, tuples and dicts of them -- in ``f``: a path (written
    atomically) or a binary file object."""
    packer = Packer("save()")
    doc = {"format": FORMAT, "version": VERSION, "object": packer.pack(obj, "obj")}
    arrays = packer.arrays
    arrays[_HEADER] = np.frombuffer(json.dumps(doc).encode("utf-8"), dtype=np.uint8)
    if _is_path(f):
        atomic_write(f, lambda out: np.savez(out, **arrays))
    else:
        np.savez(f, **arrays)


def load(f, map_location=None, *, weights_only=None, mmap=None):
    """What `save` stored in ``f`` (a path or a binary file object).

    ``map_location`` may name the CPU (a string, a device, a dict mapping
    saved locations to the CPU) or be a function: everything loads on the
    CPU, where chainrule computes; another device is refused.
    ``weights_only`` and ``mmap`` are accepted for PyTorch programs: no
    pickle is ever read, and arrays are read into memory."""
    _check_map_location(map_location)
    where = os.fspath(f) if _is_path(f) else "<file>"
    if _is_path(f):
        with open(f, "rb") as stream:  # a missing file: FileNotFoundError naming it
            doc, arrays = _read(stream, where)
    else:
        doc, arrays = _read(f, where)
    return unpack(doc["object"], arrays, where, SerializationError)


def _is_path(f):
    return isinstance(f, (str, bytes, os.PathLike))


def _check_map_location(map_location):
    if map_location is None or callable(map_location):
        return
    targets = (map_location.values() if isinstance(map_location, dict) else (map_location,))
    for target in targets:
        check_device(target, "load(map_location=...)")


def _read(stream, where):
    raw = stream.read()
    try:
        npz = np.load(io.BytesIO(raw), allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise SerializationError(f"load(): {where} is not a file chainrule.save wrote "
                                 f"({_what(raw, exc)})") from None
    if not isinstance(npz, np.lib.npyio.NpzFile) or _HEADER not in npz.files:
        raise SerializationError(f"load(): {where} is not a file chainrule.save wrote "
                                 f"({_what(raw, None)})")
    with npz:
        try:
            arrays = {name: npz[name] for name in npz.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise SerializationError(f"load(): {where} is corrupt or truncated ({exc})") \
                from None
    return _header(arrays.pop(_HEADER), where), arrays


def _what(raw, exc):
    """Why a file is not ours, in the words most likely to help."""
    if _is_pytorch_file(raw):
        return ("it is a PyTorch file, which holds a pickle; chainrule never unpickles. In "
                "PyTorch, save the state dict with safetensors.torch.save_file and read it "
                "with chainrule.weights.load_safetensors")
    return "no chainrule_save entry" if exc is None else f"not a readable .npz archive: {exc}"


def _is_pytorch_file(raw):
    if raw[:2] == b"\x80\x02":  # PyTorch's legacy format starts with a pickle
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return any(name.endswith("data.pkl") for name in z.namelist())
    except zipfile.BadZipFile:
        return False


def _header(raw, where):
    try:
        doc = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SerializationError(f"load(): {where}: the {_HEADER!r} entry is not valid JSON "
                                 f"({exc}); the file is corrupt") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or "object" not in doc:
        raise SerializationError(f"load(): {where} is not a file chainrule.save wrote (its "
                                 f"header is not a {FORMAT!r} document)")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SerializationError(f"load(): {where}: the version field is {version!r}, not a "
                                 "positive int; the file is corrupt")
    if version > VERSION:
        raise SerializationError(f"load(): {where} has format version {version}, written by a "
                                 f"newer chainrule; this one reads version {VERSION}")
    return doc
