"""chainrule.nn: layers, losses and init (built on autograd)."""
from .parameter import Parameter
from .module import Module
from .layers.container import Sequential, ModuleList, ModuleDict
from . import init
from . import utils
