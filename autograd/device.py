"""`device`: PyTorch's device objects, for the one device chainrule has.

Programs written for PyTorch pick a device once (``torch.device('cuda' if
torch.cuda.is_available() else 'cpu')``) and pass it everywhere: to
factories, ``Tensor.to``, ``Module.to``.  chainrule computes on the CPU
with NumPy, so the CPU is accepted wherever PyTorch takes a device, and
any other device is refused with a `DeviceError` naming it -- never
silently run on the CPU, which would hide a program's real requirements.

Making a ``device('cuda')`` object is allowed (PyTorch allows it too, and
programs build one before deciding); using it for data is the error.
"""
from .errors import DeviceError

# The device types PyTorch's parser knows, in its order.
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")


class device:
    """``device('cpu')``, ``device('cpu:0')``, ``device('cpu', 0)`` or
    ``device(type='cpu', index=0)``: a device type and an optional index,
    compared, hashed, printed and parsed as PyTorch does."""

    __slots__ = ("_type", "_index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): an index cannot be given with a device object")
            self._type, self._index = type._type, type._index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            raise DeviceError(f"device({type}): a bare index means an accelerator device, and "
                              "chainrule has none (it computes on the CPU)")
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a string such as 'cpu', got "
                            f"{_type_name(type)} ({type!r})")
        kind, parsed = _parse(type)
        if index is not None:
            if parsed is not None:
                raise RuntimeError(f"device(): type (string) must not include an index because "
                                   f"index was passed explicitly: {type}")
            parsed = _index_arg(index)
        self._type, self._index = kind, parsed

    @property
    def type(self):
        return self._type

    @property
    def index(self):
        return self._index

    def __eq__(self, other):
        if not isinstance(other, device):
            return NotImplemented
        return self._type == other._type and self._index == other._index

    def __hash__(self):
        return hash((self._type, self._index))

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self):
        if self._index is None:
            return f"device(type={self._type!r})"
        return f"device(type={self._type!r}, index={self._index})"

    def __reduce__(self):
        return device, (str(self),)

    def __enter__(self):
        """``with device('cpu'):`` makes the CPU the default device, which
        it always is; any other device is refused on entry."""
        check_device(self, "with device")
        return self

    def __exit__(self, *exc):
        return False


def _type_name(value):
    return type(value).__name__


def _parse(text):
    kind, sep, index = text.partition(":")
    if kind not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of "
                           f"device string: {text}")
    if not sep:
        return kind, None
    if not index.isdigit() or (len(index) > 1 and index[0] == "0"):
        raise RuntimeError(f"Invalid device string: {text!r}")
    return kind, int(index)


def _index_arg(index):
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"device(): argument 'index' must be int, not {_type_name(index)}")
    if index < 0:
        raise RuntimeError(f"device(): device index must be -1 or non-negative, got {index}")
    return index


CPU = device("cpu")


def is_device_like(x):
    """Whether ``x`` names a device (rather than, say, a dtype): a device
    object (ours or PyTorch's) or a string starting with a device type."""
    if isinstance(x, device) or _type_name(x) == "device":
        return True
    return isinstance(x, str) and x.partition(":")[0] in DEVICE_TYPES


def check_device(dev, fn):
    """Accept the CPU in any of its spellings (None, 'cpu', 'cpu:0', a
    device object) and refuse every other device, naming it."""
    if dev is None:
        return
    kind = dev.partition(":")[0] if isinstance(dev, str) else getattr(dev, "type", None)
    if kind == "cpu":
        if isinstance(dev, str):
            _parse(dev)  # 'cpu:x' is as malformed here as in PyTorch
        return
    if kind is None and not isinstance(dev, str):
        raise TypeError(f"{fn}(): device must be a string such as 'cpu' or a device, got "
                        f"{_type_name(dev)} ({dev!r})")
    if isinstance(dev, str):
        _parse(dev)  # an unknown device type gets PyTorch's message
    raise DeviceError(f"{fn}(): chainrule runs on the CPU only; got device {str(dev)!r}. "
                      "Use 'cpu', or choose as PyTorch programs do: device('cuda' if "
                      "cuda.is_available() else 'cpu')")


# ------------------------------------------------------------- default device
def set_default_device(dev):
    """PyTorch's ``set_default_device``: the CPU (or None) is accepted --
    it is already where every tensor is made; any other device is refused
    now rather than at the next factory call."""
    check_device(dev, "set_default_device")


def get_default_device():
    return CPU
