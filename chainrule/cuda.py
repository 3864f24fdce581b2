"""``torch.cuda`` for a machine without CUDA: the queries answer "none",
the seeding calls do nothing (there is no GPU generator to seed, as in a
CPU-only PyTorch), and anything that needs a GPU is a `DeviceError`
naming it.  So ``device = 'cuda' if cuda.is_available() else 'cpu'``
picks the CPU."""
from autograd.device import check_device
from . import amp  # noqa: F401  (torch.cuda.amp: autocast disables itself, GradScaler too)
from autograd.errors import DeviceError  # noqa: F401  (what the calls below raise)

__all__ = ["amp", "is_available", "device_count", "is_initialized", "manual_seed", "manual_seed_all",
           "seed", "seed_all", "empty_cache", "current_device", "set_device",
           "get_device_name", "synchronize"]


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def manual_seed(seed):
    """No GPU generator to seed: nothing to do (as in CPU-only PyTorch)."""


def manual_seed_all(seed):
    """No GPU generator to seed: nothing to do (as in CPU-only PyTorch)."""


def seed():
    """No GPU generator to seed: nothing to do."""


def seed_all():
    """No GPU generator to seed: nothing to do."""


def empty_cache():
    """No GPU memory to free: nothing to do (as in CPU-only PyTorch)."""


def _no_gpu(fn):
    check_device("cuda", f"cuda.{fn}")


def current_device():
    _no_gpu("current_device")


def set_device(device):
    _no_gpu("set_device")


def get_device_name(device=None):
    _no_gpu("get_device_name")


def synchronize(device=None):
    _no_gpu("synchronize")
