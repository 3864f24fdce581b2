"""Built-in ops.  Each is a `Function` (forward on arrays, backward with
Tensor ops) plus a thin function that prepares its arguments: broadcasting
through explicit `Expand` nodes, dtype promotion through `Cast` nodes."""
from . import elementwise, inplace, matmul, movement, reduce  # noqa: F401
from . import cumulative, linalg, sorting  # noqa: F401,E402  (issue 11: linalg/sorting slice)
from . import sampling  # noqa: F401,E402  (multinomial, bernoulli)
