"""chainrule: the distribution's own package, in two roles.

**The one import.**  ``import chainrule as torch`` gives PyTorch's
namespace over the library: ``torch.tensor``, ``torch.randn``, every op,
``torch.nn`` (with ``functional``, ``init``, ``utils``), ``torch.optim``
(with ``lr_scheduler``), ``torch.autograd``, ``torch.utils.data``,
``torch.linalg``, ``torch.testing.assert_close``, dtypes
(``torch.float32``, ``torch.long``...), ``torch.no_grad``,
``torch.manual_seed``, ``torch.save``/``torch.load``, ``torch.device`` and
``torch.cuda``/``torch.backends``/``torch.accelerator`` answering that
the CPU is all there is.  ``chainrule.nn`` *is* the ``nn`` package (and
``import chainrule.nn.functional as F`` is ``nn.functional``), so the
library's names appear here as soon as the library has them.

**The application layer.**  Datasets (`chainrule.data`), the training
loop (`chainrule.training`), metrics, checkpoints, weights exchange with
PyTorch (`chainrule.weights`) and the ``chainrule`` command.

Both are built on ``autograd``, ``nn`` and ``optim``; they never import
``chainrule``.
"""
from . import _aliases

_aliases.install()  # before anything imports chainrule.nn & co.

import autograd as _autograd  # noqa: E402
import nn  # noqa: E402  chainrule.nn
import optim  # noqa: E402  chainrule.optim
from autograd import utils  # noqa: E402  chainrule.utils (utils.data)
from autograd import linalg  # noqa: E402  chainrule.linalg

from . import _namespace  # noqa: E402

autograd = _autograd  # chainrule.autograd: Function, grad, backward, Variable, gradcheck...
globals().update(_namespace.public_values(_autograd))
globals().update(_namespace.functional_at_top(nn.functional))
globals().update(_namespace.CONSTANTS)
from ._namespace import (is_tensor, numel, is_floating_point, compile,  # noqa: E402
                         set_float32_matmul_precision, get_float32_matmul_precision,
                         use_deterministic_algorithms, are_deterministic_algorithms_enabled)
from .serialization import save, load  # noqa: E402
from . import accelerator, amp, backends, cuda, jit, testing  # noqa: E402
from .amp import autocast  # noqa: E402

finfo = _autograd.dtypes.np.finfo
iinfo = _autograd.dtypes.np.iinfo
dtype = _autograd.dtypes.np.dtype
# Last: these names (float, int, bool, ...) shadow builtins in this module.
globals().update(_namespace.dtypes())
# ---- api: version and threads (issue 11)
from ._runtime import set_num_threads, get_num_threads, package_version as _version  # noqa: E402

__version__ = _version()
# ---- distributions (issue 11)
from autograd import distributions  # noqa: E402  chainrule.distributions
