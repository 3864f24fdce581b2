"""chainrule: the application layer of the distribution -- datasets, the
training loop, metrics, checkpoints, weights exchange with PyTorch, and the
``chainrule`` command.  It is built on ``autograd``, ``nn`` and ``optim``;
they never import it."""
