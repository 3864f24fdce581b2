"""The training run's pictures: learning curves and the confusion matrix,
written atomically as PNG files (matplotlib, without a display)."""
import numpy as np

from ._atomic import atomic_write

_INSTALL = "pip install 'chainrule[train]' (or: pip install matplotlib)"


def _pyplot():
    try:
        import matplotlib
    except ImportError as e:
        raise ImportError(f"the training plots need matplotlib: {_INSTALL}") from e
    matplotlib.use("Agg")  # files only: never needs a display
    import matplotlib.pyplot as plt
    return plt


def save_figure(fig, path):
    plt = _pyplot()
    try:
        atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=120,
                                                 bbox_inches="tight"))
    finally:
        plt.close(fig)
    return path


def curves(history, path, title=""):
    """Loss and accuracy per epoch, training and validation side by side."""
    plt = _pyplot()
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = history.epochs
    for split, style in (("train", "-o"), ("val", "-s")):
        label = "training" if split == "train" else "validation"
        if f"{split}_loss" in history:
            ax_loss.plot(epochs, history[f"{split}_loss"], style, ms=3, label=label)
        acc = history[f"{split}_accuracy"] if f"{split}_accuracy" in history else None
        if acc is not None and all(a is not None for a in acc):
            ax_acc.plot(epochs, [100 * a for a in acc], style, ms=3, label=label)
    ax_loss.set(xlabel="epoch", ylabel="loss (cross-entropy)", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    if history.best_epoch is not None:
        for ax in (ax_loss, ax_acc):
            ax.axvline(history.best_epoch, color="grey", ls=":", lw=1, label="best epoch")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)


def confusion(matrix, classes, path, title=""):
    """Counts of (true class, predicted class), the diagonal being right."""
    plt = _pyplot()
    matrix = np.asarray(matrix)
    n = len(classes)
    fig, ax = plt.subplots(figsize=(0.5 * n + 2.5, 0.5 * n + 2))
    im = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks(range(n), classes, rotation=45 if max(map(len, classes)) > 2 else 0,
                  ha="right" if max(map(len, classes)) > 2 else "center")
    ax.set_yticks(range(n), classes)
    ax.set(xlabel="predicted", ylabel="true", title=title or "confusion matrix")
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                    color="white" if matrix[i, j] > threshold else "black")
    fig.tight_layout()
    return save_figure(fig, path)
