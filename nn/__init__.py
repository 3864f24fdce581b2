"""chainrule.nn: layers, losses and init (built on autograd)."""
