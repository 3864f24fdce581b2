"""chainrule.metrics against values worked out by hand (scikit-learn is an
optional extra oracle)."""
import numpy as np
import pytest

import autograd as ag
from chainrule import metrics

# 3 classes, 8 samples.  Worked by hand:
#   true 0: predicted 0, 0, 1      -> row [2, 1, 0]
#   true 1: predicted 1, 2         -> row [0, 1, 1]
#   true 2: predicted 2, 2, 0      -> row [1, 0, 2]
Y_TRUE = [0, 0, 0, 1, 1, 2, 2, 2]
Y_PRED = [0, 0, 1, 1, 2, 2, 2, 0]
CM = [[2, 1, 0], [0, 1, 1], [1, 0, 2]]
# precision = diag / column sums: 2/3, 1/2, 2/3; recall = diag / row sums: 2/3, 1/2, 2/3
PRECISION = [2 / 3, 1 / 2, 2 / 3]
RECALL = [2 / 3, 1 / 2, 2 / 3]
F1 = [2 / 3, 1 / 2, 2 / 3]  # equal precision and recall: F1 is that value


def test_accuracy_counts_matches():
    assert metrics.accuracy(Y_TRUE, Y_PRED) == 5 / 8


def test_accuracy_takes_scores_tensors_and_arrays():
    scores = np.eye(3)[Y_PRED] * 2.0 - 1.0  # argmax of each row is the prediction
    assert metrics.accuracy(ag.tensor(np.array(Y_TRUE)), ag.tensor(scores)) == 5 / 8
    assert metrics.accuracy(np.array(Y_TRUE, np.int32), np.array(Y_PRED, np.uint8)) == 5 / 8


def test_confusion_matrix_rows_are_true_columns_predicted():
    cm = metrics.confusion_matrix(Y_TRUE, Y_PRED)
    assert cm.dtype == np.int64
    np.testing.assert_array_equal(cm, CM)


def test_confusion_matrix_num_classes_pads_unseen_classes():
    cm = metrics.confusion_matrix([0, 1], [1, 1], num_classes=4)
    np.testing.assert_array_equal(cm, [[0, 1, 0, 0], [0, 1, 0, 0], [0] * 4, [0] * 4])


def test_per_class_accuracy_is_recall_and_zero_for_absent_class():
    np.testing.assert_allclose(metrics.per_class_accuracy(Y_TRUE, Y_PRED), RECALL, rtol=1e-15)
    np.testing.assert_array_equal(metrics.per_class_accuracy([0, 0], [0, 1], num_classes=3),
                                  [0.5, 0.0, 0.0])


def test_precision_recall_f1_per_class_and_macro():
    out = metrics.precision_recall_f1(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(out["precision"], PRECISION, rtol=1e-15)
    np.testing.assert_allclose(out["recall"], RECALL, rtol=1e-15)
    np.testing.assert_allclose(out["f1"], F1, rtol=1e-15)
    assert out["macro_precision"] == pytest.approx((2 / 3 + 1 / 2 + 2 / 3) / 3, rel=1e-15)
    assert out["macro_f1"] == pytest.approx((2 / 3 + 1 / 2 + 2 / 3) / 3, rel=1e-15)


def test_f1_with_unequal_precision_and_recall():
    # class 0: tp=1, fp=0, fn=1 -> p=1, r=1/2, f1 = 2*1*0.5/1.5 = 2/3
    # class 1: tp=1, fp=1, fn=0 -> p=1/2, r=1, f1 = 2/3
    out = metrics.precision_recall_f1([0, 0, 1], [0, 1, 1])
    np.testing.assert_allclose(out["precision"], [1.0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(out["recall"], [0.5, 1.0], rtol=1e-15)
    np.testing.assert_allclose(out["f1"], [2 / 3, 2 / 3], rtol=1e-15)


def test_zero_division_counts_as_zero():
    # class 2 is never predicted and never true: precision, recall, f1 all 0
    out = metrics.precision_recall_f1([0, 1], [0, 1], num_classes=3)
    np.testing.assert_array_equal(out["precision"], [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(out["f1"], [1.0, 1.0, 0.0])
    assert out["macro_recall"] == pytest.approx(2 / 3, rel=1e-15)


def test_classification_report_is_json_ready():
    import json
    report = metrics.classification_report(Y_TRUE, Y_PRED)
    assert json.loads(json.dumps(report)) == report
    assert report["accuracy"] == 5 / 8
    assert report["confusion_matrix"] == CM
    assert [c["support"] for c in report["per_class"]] == [3, 2, 3]
    assert report["per_class"][1] == {"class": 1, "precision": 0.5, "recall": 0.5,
                                      "f1": 0.5, "accuracy": 0.5, "support": 2}


@pytest.mark.parametrize("y_true, y_pred, kind, words", [
    ([0, 1], [0], ValueError, "y_true has 2 samples but y_pred has 1"),
    ([], [], ValueError, "no samples"),
    ([[0, 1]], [0], ValueError, "y_true must be 1-D"),
    ([0.0, 1.0], [0, 1], TypeError, "y_true must hold integer class labels, got dtype float64"),
    ([0, -1], [0, 1], ValueError, "negative label -1"),
    ([0, 1], np.zeros((2, 3, 1)), ValueError, "got shape (2, 3, 1)"),
])
def test_bad_inputs_are_named(y_true, y_pred, kind, words):
    with pytest.raises(kind) as info:
        metrics.accuracy(y_true, y_pred)
    assert words in str(info.value)


def test_label_out_of_range_for_num_classes():
    with pytest.raises(ValueError, match=r"label 3 is out of range for num_classes=3"):
        metrics.confusion_matrix([0, 3], [0, 1], num_classes=3)
    with pytest.raises(ValueError, match="num_classes must be a positive int"):
        metrics.confusion_matrix([0], [0], num_classes=0)


def test_against_sklearn_on_random_labels():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 5, 200)
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, 5, 200))
    labels = list(range(5))
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred),
                                  skm.confusion_matrix(y_true, y_pred, labels=labels))
    out = metrics.precision_recall_f1(y_true, y_pred)
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                     zero_division=0)
    np.testing.assert_allclose(out["precision"], p, rtol=1e-12)
    np.testing.assert_allclose(out["recall"], r, rtol=1e-12)
    np.testing.assert_allclose(out["f1"], f, rtol=1e-12)
    assert out["macro_f1"] == pytest.approx(
        skm.f1_score(y_true, y_pred, average="macro", zero_division=0), rel=1e-12)
    assert metrics.accuracy(y_true, y_pred) == skm.accuracy_score(y_true, y_pred)
