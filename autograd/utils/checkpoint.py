"""``torch.utils.checkpoint``: activation checkpointing, without the memory
saving.

PyTorch's checkpoint trades compute for memory: the wrapped function's
intermediate results are dropped after the forward pass and recomputed
during backward.  The values and gradients are, by design, exactly those of
calling the function directly -- so here `checkpoint` calls it directly.
A ported model runs and trains the same (also under ``autograd.grad`` and
``create_graph``, where PyTorch's reentrant variant has limits); it just
keeps its activations, as an unwrapped model does.
"""
import warnings

from ..errors import ArgumentError

__all__ = ["checkpoint", "checkpoint_sequential"]


def _warn_use_reentrant(use_reentrant, fn):
    if use_reentrant is None:
        warnings.warn(f"{fn}: the use_reentrant parameter should be passed explicitly, as "
                      "PyTorch asks (use_reentrant=False is recommended); chainrule computes "
                      "the same values and gradients either way", UserWarning, stacklevel=3)


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default",
               debug=False, preserve_rng_state=True, **kwargs):
    """``function(*args, **kwargs)``: the values and gradients of PyTorch's
    checkpoint, computed without recomputation (see the module docstring)."""
    _warn_use_reentrant(use_reentrant, "checkpoint")
    if not callable(function):
        raise TypeError(f"checkpoint: function must be callable, got {type(function).__name__}")
    if use_reentrant and kwargs:
        raise ValueError("checkpoint: unexpected keyword arguments: "
                         f"{','.join(kwargs)} (use_reentrant=True takes none, as in PyTorch)")
    if context_fn is not None:
        forward_ctx, _ = context_fn()
        with forward_ctx:
            return function(*args, **kwargs)
    return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """``functions`` (a `Sequential` or a list of modules) applied in turn to
    ``input``; ``segments`` (how PyTorch would split them) is checked, and the
    result is that of running them all."""
    _warn_use_reentrant(use_reentrant, "checkpoint_sequential")
    modules = list(functions.children()) if hasattr(functions, "children") else list(functions)
    if isinstance(segments, bool) or not isinstance(segments, int) or segments < 1:
        raise ArgumentError(f"checkpoint_sequential: segments must be a positive int, got "
                            f"{segments!r}")
    for module in modules:
        input = module(input)
    return input
