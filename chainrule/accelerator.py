"""``torch.accelerator`` on chainrule: there is no accelerator, so code
that asks which one to use falls back to the CPU."""

__all__ = ["is_available", "device_count", "current_accelerator"]


def is_available():
    return False


def device_count():
    return 0


def current_accelerator(check_available=False):
    """None: no accelerator (PyTorch's answer on a CPU-only machine)."""
    return None
