"""Train ``model.py``'s small GPT on a small text (this repository's README,
character by character) with ``import chainrule as torch`` -- and, when
PyTorch is installed, the very same model file with ``import torch``, from
the same initial weights and batches, printing both losses side by side.

    python examples/nanogpt/train.py            # 200 steps, both libraries
    python examples/nanogpt/train.py --steps 50 --no-torch

Dropout is 0 so the two runs can agree step by step (each library would
draw its own masks); everything else is nanoGPT's recipe: AdamW with
weight-decay groups, betas (0.9, 0.95), linear warmup then cosine decay,
gradient clipping at 1.0.
"""
import argparse
import importlib.util
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))

CFG = dict(block_size=32, vocab_size=None, n_layer=2, n_head=2, n_embd=48, dropout=0.0)
BATCH, LR, MIN_LR, WARMUP = 16, 3e-3, 3e-4, 20


def load_model_module(library):
    """model.py as written (chainrule), or with its imports pointed at PyTorch."""
    with open(os.path.join(HERE, "model.py")) as f:
        source = f.read()
    if library == "torch":
        source = (source.replace("import chainrule as torch", "import torch")
                  .replace("import chainrule.nn as nn", "import torch.nn as nn")
                  .replace("from chainrule.nn import functional as F",
                           "from torch.nn import functional as F"))
    spec = importlib.util.spec_from_loader(f"gpt_{library}", loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, os.path.join(HERE, "model.py"), "exec"), module.__dict__)
    return module


def data():
    with open(os.path.join(HERE, "..", "..", "README.md"), encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text], dtype=np.int64)
    return ids, len(chars)


def lr_at(step, steps):
    if step < WARMUP:
        return LR * (step + 1) / WARMUP
    ratio = (step - WARMUP) / max(1, steps - WARMUP)
    return MIN_LR + 0.5 * (1 + math.cos(math.pi * ratio)) * (LR - MIN_LR)


def train(torch, gpt, ids, steps, init_state=None):
    """Returns the loss per step (and the initial state, for the other library)."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.manual_seed(0)
    model = gpt.GPT(CFG).to(device)
    if init_state is not None:
        model.load_state_dict({k: torch.tensor(v) for k, v in init_state.items()})
    state = {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}
    opt = model.configure_optimizers(weight_decay=0.1, learning_rate=LR, betas=(0.9, 0.95))
    rng = np.random.default_rng(0)  # the same batches for both libraries
    losses = []
    for step in range(steps):
        starts = rng.integers(0, len(ids) - CFG["block_size"] - 1, BATCH)
        x = torch.tensor(np.stack([ids[s:s + CFG["block_size"]] for s in starts])).to(device)
        y = torch.tensor(np.stack([ids[s + 1:s + 1 + CFG["block_size"]] for s in starts]))
        y = y.to(device)
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps)
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return losses, state


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--no-torch", action="store_true", help="chainrule only")
    args = ap.parse_args()
    ids, CFG["vocab_size"] = data()
    import chainrule
    reference = None
    if not args.no_torch:
        try:
            import torch
            torch.set_num_threads(1)
            t = time.perf_counter()
            reference, init = train(torch, load_model_module("torch"), ids, args.steps)
            torch_time = time.perf_counter() - t
        except ImportError:
            print("(PyTorch is not installed: chainrule only)")
    t = time.perf_counter()
    losses, _ = train(chainrule, load_model_module("chainrule"), ids, args.steps,
                      init_state=None if reference is None else init)
    ours_time = time.perf_counter() - t
    print(f"GPT {CFG['n_layer']} layers, {CFG['n_embd']} wide, vocabulary {CFG['vocab_size']}, "
          f"batch {BATCH}x{CFG['block_size']}, {args.steps} AdamW steps")
    print(f"{'step':>5s} {'chainrule':>10s}" + ("" if reference is None else
                                                  f" {'PyTorch':>10s} {'difference':>11s}"))
    for step in sorted({0, 1, 9, 49, 99, args.steps - 1} & set(range(args.steps))):
        line = f"{step + 1:5d} {losses[step]:10.4f}"
        if reference is not None:
            line += f" {reference[step]:10.4f} {losses[step] - reference[step]:11.2e}"
        print(line)
    print(f"time: chainrule {ours_time:.1f} s" + ("" if reference is None else
                                                f", PyTorch {torch_time:.1f} s"))


if __name__ == "__main__":
    main()
