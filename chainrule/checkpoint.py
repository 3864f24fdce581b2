"""Checkpoints: everything needed to resume training, in one file.

A checkpoint holds the model's ``state_dict``, the optimizer's and the
scheduler's, the epoch reached, the training `History`, the state of the
library's random generator (dropout masks, init) and of the loader's
shuffling generator, and any ``extra`` data.  Resuming from it continues
to the very same result as a run that was never interrupted -- bit for
bit, since every random draw and every optimizer buffer is restored.

The file is an ordinary NumPy ``.npz`` archive: one ``.npy`` entry per
array, plus one entry (``chainrule_checkpoint``, UTF-8 JSON bytes) for the
structure, whose arrays are referenced by entry name.  No pickle is
involved, so loading a checkpoint from elsewhere cannot run code, and the
file can be inspected with ``np.load``.  It is written atomically (a
temporary file, fsync, rename), so a crash mid-save leaves the previous
checkpoint intact.

`load_checkpoint` reads and checks everything -- the file itself, its
format and version, and that every state fits the objects given (names,
shapes, dtypes, optimizer groups, scheduler and optimizer types) -- before
it changes anything.  A mismatch is a `CheckpointError` listing every
problem found, and then nothing has been loaded.
"""
import json
import sys
import zipfile

import numpy as np

import autograd as ag
from autograd import Tensor

from ._atomic import atomic_write
from ._tree import Packer, unpack
from .training import History

__all__ = ["CheckpointError", "load_checkpoint", "save_checkpoint"]

FORMAT = "chainrule-checkpoint"
VERSION = 1
_HEADER = "chainrule_checkpoint"


class CheckpointError(ValueError):
    """A file that is not a readable chainrule checkpoint, or one whose
    contents do not fit the model/optimizer/scheduler/loader given."""


# ------------------------------------------------------------------ saving
def save_checkpoint(path, *, model, optimizer=None, scheduler=None, epoch, history=None,
                    loader=None, extra=None):
    """Write a checkpoint to ``path`` atomically (see the module docstring).

    ``epoch`` is the number of epochs completed; ``loader`` is anything
    with a ``generator`` attribute holding a ``numpy.random.Generator``
    (a ``DataLoader``), whose state is saved so the next epoch's shuffle
    is the one an uninterrupted run would draw.  ``extra`` may hold
    numbers, strings, lists, dicts, tuples, arrays and tensors (e.g.
    ``EarlyStopping.state_dict()``)."""
    if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
        raise ValueError(f"save_checkpoint(): epoch must be an int >= 0 (epochs completed), "
                         f"got {epoch!r}")
    if history is not None and not isinstance(history, History):
        raise TypeError(f"save_checkpoint(): history must be a History, got "
                        f"{type(history).__name__}")
    packer = Packer("save_checkpoint()")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": int(epoch),
        "model": packer.pack(dict(model.state_dict()), "model"),
        "optimizer": _typed(packer, optimizer, "optimizer"),
        "scheduler": _typed(packer, scheduler, "scheduler"),
        "rng": packer.pack(ag.get_rng_state(), "rng"),
        "loader": None if loader is None else packer.pack(
            _loader_generator(loader, "save_checkpoint").bit_generator.state, "loader"),
        "history": None if history is None else history.to_dict(),
        "extra": packer.pack(extra, "extra"),
        "versions": _versions(),
    }
    arrays = packer.arrays
    arrays[_HEADER] = np.frombuffer(json.dumps(doc).encode("utf-8"), dtype=np.uint8)
    return atomic_write(path, lambda f: np.savez(f, **arrays))


def _typed(packer, obj, where):
    if obj is None:
        return None
    return {"type": type(obj).__name__, "state": packer.pack(obj.state_dict(), where)}


def _versions():
    try:
        from importlib.metadata import version
        chainrule = version("chainrule")
    except Exception:  # noqa: BLE001 -- not installed (running from a checkout)
        chainrule = "unknown"
    return {"chainrule": chainrule, "numpy": np.__version__,
            "python": ".".join(map(str, sys.version_info[:3]))}


# ----------------------------------------------------------------- loading
def load_checkpoint(path, *, model, optimizer=None, scheduler=None, loader=None):
    """Restore a checkpoint into ``model`` (and ``optimizer``,
    ``scheduler``, ``loader`` when given), and the library's random
    generator.  Returns ``{"epoch", "history", "extra"}``: pass ``epoch``
    and ``history`` to ``fit(start_epoch=..., history=...)`` to resume.

    Everything is checked first; any problem raises `CheckpointError`
    naming each mismatch, and then nothing -- model, optimizer, scheduler,
    loader, random state -- has changed."""
    doc, arrays = _read(path)
    parts = _decode(doc, arrays, path)
    problems = (_model_problems(model, parts["model"])
                + _optimizer_problems(optimizer, parts["optimizer"])
                + _scheduler_problems(scheduler, parts["scheduler"], optimizer)
                + _loader_problems(loader, parts["loader"]))
    if problems:
        raise CheckpointError(f"{path}: the checkpoint does not fit what was given; nothing was "
                              "loaded:\n  " + "\n  ".join(problems))
    _restore_all(path, parts, model, optimizer, scheduler, loader)
    history = parts["history"]
    return {"epoch": parts["epoch"],
            "history": None if history is None else History.from_dict(history),
            "extra": parts["extra"]}


def _read(path):
    """The header document and the arrays, or CheckpointError for a file
    that is not a complete chainrule checkpoint.  The file is opened here
    (not by np.load) so it is closed whatever goes wrong."""
    with open(path, "rb") as f:  # a missing file: FileNotFoundError naming the path
        arrays = _read_arrays(f, path)
    return _header(arrays.pop(_HEADER), path), arrays


def _read_arrays(f, path):
    try:
        npz = np.load(f, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{path}: not a chainrule checkpoint (not a readable .npz "
                              f"archive: {exc})") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise CheckpointError(f"{path}: not a chainrule checkpoint (it is a single .npy "
                              "array, not an .npz archive)")
    with npz:
        if _HEADER not in npz.files:
            shown = ", ".join(npz.files[:8]) + (", ..." if len(npz.files) > 8 else "")
            raise CheckpointError(f"{path}: not a chainrule checkpoint (no {_HEADER!r} entry; "
                                  f"the archive holds: {shown or 'nothing'})")
        try:
            return {name: npz[name] for name in npz.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise CheckpointError(f"{path}: the checkpoint is corrupt or truncated ({exc})") \
                from None


def _header(raw, path):
    try:
        doc = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise CheckpointError(f"{path}: the checkpoint's {_HEADER!r} entry is not valid JSON "
                              f"({exc}); the file is corrupt") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise CheckpointError(f"{path}: not a chainrule checkpoint (format {found!r}, "
                              f"expected {FORMAT!r})")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CheckpointError(f"{path}: the checkpoint's version field is {version!r}, not a "
                              "positive int; the file is corrupt")
    if version > VERSION:
        raise CheckpointError(f"{path}: the checkpoint has format version {version}, written by "
                              f"a newer chainrule; this one reads version {VERSION}. Upgrade "
                              "chainrule to load it")
    return doc


_SECTIONS = ("epoch", "model", "optimizer", "scheduler", "rng", "loader", "history", "extra")


def _decode(doc, arrays, path):
    missing = [k for k in _SECTIONS if k not in doc]
    if missing:
        raise CheckpointError(f"{path}: the checkpoint lacks {missing}; the file is corrupt")
    epoch = doc["epoch"]
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise CheckpointError(f"{path}: the checkpoint's epoch is {epoch!r}, not an int >= 0")
    parts = {k: unpack(doc[k], arrays, path, CheckpointError) for k in _SECTIONS
             if k != "history"}
    parts["history"] = doc["history"]
    if not isinstance(parts["model"], dict):
        raise CheckpointError(f"{path}: the checkpoint's model state is not a dict; the file "
                              "is corrupt")
    return parts


# -------------------------------------------------------------- validation
def _model_problems(model, saved):
    targets = model.state_dict()
    problems = []
    missing = [k for k in targets if k not in saved]
    unexpected = [k for k in saved if k not in targets]
    if missing:
        problems.append("model: missing keys (in the model, not in the checkpoint): "
                        + ", ".join(map(repr, missing)))
    if unexpected:
        problems.append("model: unexpected keys (in the checkpoint, not in the model): "
                        + ", ".join(map(repr, unexpected)))
    for key, target in targets.items():
        if key in saved:
            problems += _array_problems(f"model: {key!r}", saved[key], target._data, "model")
    return problems


def _array_problems(what, value, target, owner):
    if not isinstance(value, (Tensor, np.ndarray)):
        return [f"{what} is a {type(value).__name__} in the checkpoint, not an array"]
    array = value._data if isinstance(value, Tensor) else value
    if array.shape != target.shape:
        return [(f"{what} has shape {array.shape} in the checkpoint but {target.shape} in the "
                f"{owner}")]
    if array.dtype != target.dtype:
        return [(f"{what} is {array.dtype} in the checkpoint but {target.dtype} in the {owner} "
                "(convert the model with .to(dtype) first)")]
    return []


def _optimizer_problems(optimizer, saved):
    if optimizer is None:
        return []
    if saved is None:
        return ["optimizer: the checkpoint holds no optimizer state (saved without optimizer=)"]
    name = type(optimizer).__name__
    if saved.get("type") != name:
        return [f"optimizer: the checkpoint's is {saved.get('type')}, this one is {name}"]
    state = saved.get("state")
    if not isinstance(state, dict) or not isinstance(state.get("param_groups"), list) \
            or not isinstance(state.get("state"), dict):
        return ["optimizer: the saved state has no 'param_groups' list and 'state' dict"]
    groups = state["param_groups"]
    if len(groups) != len(optimizer.param_groups):
        return [(f"optimizer: the checkpoint has {len(groups)} param groups but this "
                f"{name} has {len(optimizer.param_groups)}")]
    params = {}
    problems = []
    for gi, (group, saved_group) in enumerate(zip(optimizer.param_groups, groups)):
        indices = saved_group.get("params") if isinstance(saved_group, dict) else None
        if not isinstance(indices, list):
            problems.append(f"optimizer: param group {gi} of the checkpoint has no 'params' list")
            continue
        if len(indices) != len(group["params"]):
            problems.append(f"optimizer: param group {gi} has {len(indices)} parameters in the "
                            f"checkpoint but {len(group['params'])} in this {name}")
            continue
        params.update(zip(indices, group["params"]))
    if problems:  # the state's parameter numbers mean nothing until the groups fit
        return problems
    for index, buffers in state["state"].items():
        if index not in params:
            problems.append(f"optimizer: the checkpoint has state for parameter {index!r}, "
                            "which no param group lists")
            continue
        for key, value in buffers.items():
            if isinstance(value, (Tensor, np.ndarray)):
                problems += _array_problems(f"optimizer: state {key!r} of parameter {index}",
                                            value, params[index]._data, "parameter")
    return problems


def _scheduler_problems(scheduler, saved, optimizer):
    if scheduler is None:
        return []
    if saved is None:
        return ["scheduler: the checkpoint holds no scheduler state (saved without scheduler=)"]
    name = type(scheduler).__name__
    if saved.get("type") != name:
        return [f"scheduler: the checkpoint's is {saved.get('type')}, this one is {name}"]
    state = saved.get("state")
    expected = set(scheduler.state_dict())
    if not isinstance(state, dict) or set(state) != expected:
        found = sorted(state) if isinstance(state, dict) else type(state).__name__
        return [(f"scheduler: the saved {name} state has entries {found}, expected "
                f"{sorted(expected)}")]
    groups = len(scheduler.optimizer.param_groups)
    if "base_lrs" in state and len(state["base_lrs"]) != groups:
        return [(f"scheduler: the checkpoint's {name} has {len(state['base_lrs'])} base_lrs "
                f"but its optimizer has {groups} param groups")]
    if optimizer is not None and scheduler.optimizer is not optimizer:
        return ["scheduler: it drives a different optimizer than the optimizer= given"]
    return []


def _loader_problems(loader, saved):
    if loader is None:
        return []
    if saved is None:
        return ["loader: the checkpoint holds no loader state (saved without loader=)"]
    try:
        generator = _loader_generator(loader, "load_checkpoint")
    except TypeError as exc:
        return [f"loader: {exc}"]
    kind = type(generator.bit_generator).__name__
    if not isinstance(saved, dict) or saved.get("bit_generator") != kind:
        found = saved.get("bit_generator") if isinstance(saved, dict) else saved
        return [f"loader: the checkpoint's generator is {found!r}, the loader's is {kind!r}"]
    return []


def _loader_generator(loader, fn):
    generator = getattr(loader, "generator", None)
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"{fn}(): loader.generator must be a numpy.random.Generator (the "
                        f"loader's shuffling generator), got {type(generator).__name__}")
    return generator


# ------------------------------------------------------------------ commit
def _restore_all(path, parts, model, optimizer, scheduler, loader):
    """Load every part in turn.  If one still fails (something the checks
    above cannot foresee), the parts already loaded are put back, so a
    failed load changes nothing (each part's own loader changes nothing
    when it raises)."""
    old = _snapshot(model, optimizer, scheduler, loader)
    steps = _steps(model, optimizer, scheduler, loader)
    done = []
    try:
        for step in steps:
            step(parts)
            done.append(step)
    except Exception as exc:
        for step in reversed(done):
            step(old)
        raise CheckpointError(f"{path}: the checkpoint could not be loaded ({exc}); nothing "
                              "was changed") from exc


def _snapshot(model, optimizer, scheduler, loader):
    return {"model": {k: v._data.copy() for k, v in model.state_dict().items()},
            "optimizer": None if optimizer is None else {"state": optimizer.state_dict()},
            "scheduler": None if scheduler is None else {"state": scheduler.state_dict()},
            "rng": ag.get_rng_state(),
            "loader": None if loader is None else loader.generator.bit_generator.state}


def _steps(model, optimizer, scheduler, loader):
    """One function per part, each loading that part from a parts dict."""
    steps = [lambda parts: ag.set_rng_state(parts["rng"]),
             lambda parts: model.load_state_dict(parts["model"])]
    if loader is not None:
        steps.append(lambda parts: setattr(loader.generator.bit_generator, "state",
                                           parts["loader"]))
    if optimizer is not None:
        steps.append(lambda parts: optimizer.load_state_dict(parts["optimizer"]["state"]))
    if scheduler is not None:
        steps.append(lambda parts: scheduler.load_state_dict(parts["scheduler"]["state"]))
    return steps
