"""chainrule.optim: optimizers and learning-rate schedules (built on autograd)."""
