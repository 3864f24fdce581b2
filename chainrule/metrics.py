"""Classification metrics: accuracy, confusion matrix, per-class accuracy,
precision / recall / F1 (per class and macro-averaged).

Written by hand in NumPy, a few lines each, because every one of them is
a count over the confusion matrix: the training loop and the CLI need them
with only NumPy installed, and scikit-learn (which has them all) is an
optional extra.  Conventions follow ``sklearn.metrics``: the confusion
matrix has true classes as rows and predicted classes as columns, and a
ratio whose denominator is zero (precision of a class never predicted,
recall of a class absent from the data) counts as 0 (scikit-learn's
``zero_division=0``).

Every function takes true labels ``y_true`` (1-D integers) and predictions
``y_pred``: either labels of the same length, or scores/logits of shape
``(N, num_classes)``, whose argmax is the predicted label.  Tensors, arrays
and lists are accepted.  Classes are ``0 .. num_classes - 1``;
``num_classes`` defaults to one more than the largest label seen.
"""
import numpy as np

__all__ = [
    "accuracy",
    "classification_report",
    "confusion_matrix",
    "per_class_accuracy",
    "precision_recall_f1",
]


def accuracy(y_true, y_pred):
    """Fraction of samples whose predicted label is the true one."""
    y_true, y_pred = _labels(y_true, y_pred, "accuracy")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, num_classes=None):
    """``C[i, j]`` = number of samples of true class ``i`` predicted as
    ``j`` (int64, shape ``(num_classes, num_classes)``)."""
    y_true, y_pred = _labels(y_true, y_pred, "confusion_matrix")
    k = _num_classes(num_classes, y_true, y_pred, "confusion_matrix")
    # one bincount over the pair index i * k + j counts every cell at once
    counts = np.bincount(y_true * k + y_pred, minlength=k * k)
    return counts.reshape(k, k)


def per_class_accuracy(y_true, y_pred, num_classes=None):
    """For each class, the fraction of its samples predicted correctly
    (its recall); 0 for a class with no samples."""
    return _ratios(confusion_matrix(y_true, y_pred, num_classes), axis=1)


def precision_recall_f1(y_true, y_pred, num_classes=None):
    """Per-class ``precision``, ``recall`` and ``f1`` arrays and their
    unweighted means ``macro_precision``, ``macro_recall``, ``macro_f1``
    (every class counts the same, however rare: the honest summary for
    imbalanced data).  F1 is the harmonic mean of precision and recall."""
    cm = confusion_matrix(y_true, y_pred, num_classes)
    precision = _ratios(cm, axis=0)
    recall = _ratios(cm, axis=1)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)
    return {"precision": precision, "recall": recall, "f1": f1,
            "macro_precision": float(precision.mean()), "macro_recall": float(recall.mean()),
            "macro_f1": float(f1.mean())}


def classification_report(y_true, y_pred, num_classes=None):
    """Everything above in plain Python types, ready for ``json.dump``:
    ``accuracy``, the macro averages, the confusion matrix (nested lists)
    and, per class, precision / recall / F1 / accuracy / support."""
    y_true, y_pred = _labels(y_true, y_pred, "classification_report")
    cm = confusion_matrix(y_true, y_pred, num_classes)
    scores = precision_recall_f1(y_true, y_pred, cm.shape[0])
    support = cm.sum(axis=1)
    per_class = [{"class": c, "precision": float(scores["precision"][c]),
                  "recall": float(scores["recall"][c]), "f1": float(scores["f1"][c]),
                  "accuracy": float(scores["recall"][c]), "support": int(support[c])}
                 for c in range(cm.shape[0])]
    return {"accuracy": float(np.trace(cm) / cm.sum()),
            "macro_precision": scores["macro_precision"],
            "macro_recall": scores["macro_recall"], "macro_f1": scores["macro_f1"],
            "confusion_matrix": cm.tolist(), "per_class": per_class}


def _ratios(cm, axis):
    """Diagonal over the row (axis=1) or column (axis=0) sums, 0 where
    the sum is 0."""
    totals = cm.sum(axis=axis).astype(np.float64)
    hits = np.diag(cm).astype(np.float64)
    return np.divide(hits, totals, out=np.zeros_like(totals), where=totals > 0)


def _as_array(x):
    data = getattr(x, "_data", None)  # a chainrule Tensor, without importing autograd
    return np.asarray(data if isinstance(data, np.ndarray) else x)


def _labels(y_true, y_pred, fn):
    """Both arguments as 1-D int64 label arrays of one length, checked."""
    t, p = _as_array(y_true), _as_array(y_pred)
    if t.ndim != 1:
        raise ValueError(f"{fn}(): y_true must be 1-D class labels, got shape {t.shape}")
    if p.ndim == 2:
        p = p.argmax(axis=1)
    elif p.ndim != 1:
        raise ValueError(f"{fn}(): y_pred must be labels (N,) or scores (N, num_classes), "
                         f"got shape {p.shape}")
    if t.shape[0] != p.shape[0]:
        raise ValueError(f"{fn}(): y_true has {t.shape[0]} samples but y_pred has "
                         f"{p.shape[0]}")
    if t.shape[0] == 0:
        raise ValueError(f"{fn}(): no samples (y_true and y_pred are empty)")
    return _integer_labels(t, "y_true", fn), _integer_labels(p, "y_pred", fn)


def _integer_labels(a, name, fn):
    if a.dtype.kind not in "iub":
        raise TypeError(f"{fn}(): {name} must hold integer class labels, got dtype {a.dtype}")
    a = a.astype(np.int64, copy=False)
    if a.min() < 0:
        raise ValueError(f"{fn}(): {name} holds the negative label {int(a.min())}; classes "
                         "are numbered from 0")
    return a


def _num_classes(num_classes, y_true, y_pred, fn):
    seen = int(max(y_true.max(), y_pred.max())) + 1
    if num_classes is None:
        return seen
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
            or num_classes < 1:
        raise ValueError(f"{fn}(): num_classes must be a positive int, got {num_classes!r}")
    if seen > num_classes:
        raise ValueError(f"{fn}(): label {seen - 1} is out of range for num_classes="
                         f"{num_classes} (classes are 0 .. {num_classes - 1})")
    return int(num_classes)
