"""chainrule.optim: optimizers and learning-rate schedules (built on autograd).

The update rules are PyTorch's, operation for operation, so a model trained
here follows the trajectory it would follow in PyTorch.  ``optim`` depends
on ``autograd`` only: any leaf tensors can be optimized, ``nn`` or not.
"""
from .optimizer import Optimizer
from .sgd import SGD
from .rmsprop import RMSprop
from .adam import Adam, AdamW
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "lr_scheduler"]

# ---- optimizers and schedules (issue 11)
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
__all__ += ["Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam"]
from .lbfgs import LBFGS
__all__ += ["LBFGS"]
