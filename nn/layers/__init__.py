"""Layer modules, one family per file; `nn/__init__.py` re-exports them."""
