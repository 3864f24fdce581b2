"""nn.CTCLoss / nn.functional.ctc_loss (issue 11, slice p-ctc).

The core tests stand alone: values and gradients are checked against an
explicit enumeration of every frame alignment (small T and C), against
numbers worked out by hand, and by gradcheck.  PyTorch 2.13 is an extra
oracle in the tests at the end (skipped without it).
"""
import itertools
import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


# ------------------------------------------------------------ an independent oracle
def _collapse(path, blank):
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return tuple(c for c in merged if c != blank)


def _enumerated(log_probs, target, length, blank):
    """(loss, d loss / d log_probs) of one sample by summing over every path
    of its first ``length`` frames: loss = -log sum_paths prod exp(lp)."""
    T, C = log_probs.shape
    total = 0.0
    grad = np.zeros((T, C))
    for path in itertools.product(range(C), repeat=length):
        if _collapse(path, blank) != tuple(target):
            continue
        p = math.exp(sum(log_probs[t, c] for t, c in enumerate(path)))
        total += p
        for t, c in enumerate(path):
            grad[t, c] -= p
    if total == 0.0:
        return math.inf, None
    return -math.log(total), grad / total


def _case(seed, T=4, N=3, C=3, S=3, blank=0, normalised=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(T, N, C))
    if normalised:
        x = x - np.log(np.exp(x).sum(-1, keepdims=True))
    labels = [c for c in range(C) if c != blank]
    targets = rng.choice(labels, size=(N, S))
    tl = rng.integers(0, S + 1, size=N)
    il = rng.integers(0, T + 1, size=N)
    return x, targets, il, tl


def _loss(x, targets, il, tl, **kw):
    return F.ctc_loss(ag.tensor(x, requires_grad=True) if not isinstance(x, ag.Tensor) else x,
                      ag.tensor(targets), ag.tensor(il), ag.tensor(tl), **kw)


# ------------------------------------------------------------ values
def test_two_frames_one_label_uniform_by_hand():
    # C=2 (blank 0, label 1), T=2, target [1]: the alignments are 11, 01, 10
    # (00 collapses to nothing), each of probability 1/4 -> p = 3/4.
    lp = ag.tensor(np.log(np.full((2, 1, 2), 0.5)))
    loss = F.ctc_loss(lp, ag.tensor([[1]]), ag.tensor([2]), ag.tensor([1]), reduction="none")
    assert loss.shape == (1,)
    assert loss.detach().numpy()[0] == pytest.approx(-math.log(0.75), rel=1e-12)


def test_repeated_label_needs_a_blank_between_by_hand():
    # target [1, 1] in T=3 frames: only 1 0 1 fits (11x would merge), so
    # p = p0(1) p1(0) p2(1).
    probs = np.array([[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    lp = ag.tensor(np.log(probs)[:, None, :])
    loss = F.ctc_loss(lp, ag.tensor([[1, 1]]), (3,), (2,), reduction="sum")
    assert loss.item() == pytest.approx(-math.log(0.8 * 0.6 * 0.7), rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("blank", [0, 2])
def test_values_and_gradients_match_enumerated_alignments(seed, blank):
    x, targets, il, tl = _case(seed, T=4, N=3, C=3, S=2, blank=blank)
    lp = ag.tensor(x, requires_grad=True)
    loss = F.ctc_loss(lp, ag.tensor(targets), ag.tensor(il), ag.tensor(tl), blank=blank,
                      reduction="none", zero_infinity=True)
    loss.sum().backward()
    for n in range(3):
        want, want_grad = _enumerated(x[:, n], targets[n, :tl[n]], il[n], blank)
        if want_grad is None:  # infeasible: zeroed by zero_infinity
            assert loss.detach().numpy()[n] == 0.0
            assert not lp.grad.numpy()[:, n].any()
            continue
        assert loss.detach().numpy()[n] == pytest.approx(want, rel=1e-10, abs=1e-12)
        np.testing.assert_allclose(lp.grad.numpy()[:, n], want_grad, rtol=1e-9, atol=1e-12)


def test_empty_target_is_all_blanks_and_empty_input_with_empty_target_is_zero():
    x, _, _, _ = _case(0, T=3, N=2, C=3)
    loss = F.ctc_loss(ag.tensor(x), ag.tensor(np.zeros((2, 0), dtype=np.int64)), (3, 0), (0, 0),
                      reduction="none").detach().numpy()
    assert loss[0] == pytest.approx(-x[:, 0, 0].sum(), rel=1e-12)
    assert loss[1] == 0.0


# ------------------------------------------------------------ gradients
@pytest.mark.parametrize("seed", range(4))
def test_gradcheck_on_raw_unnormalised_log_probs(seed):
    x, targets, il, tl = _case(seed, T=5, N=3, C=4, S=3, blank=seed % 4)
    il = np.maximum(il, 2 * tl + 1).clip(max=5)  # mostly feasible

    def f(lp):
        return F.ctc_loss(lp, ag.tensor(targets), ag.tensor(il), ag.tensor(tl),
                          blank=seed % 4, reduction="none", zero_infinity=True)
    assert ag.gradcheck(f, (ag.tensor(x, requires_grad=True),))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_gradcheck_through_log_softmax_and_reductions(reduction):
    x, targets, il, tl = _case(11, T=6, N=2, C=4, S=2)

    def f(z):
        return F.ctc_loss(z.log_softmax(2), ag.tensor(targets), ag.tensor(il + 6 - il.max()),
                          ag.tensor(tl), reduction=reduction, zero_infinity=True)
    assert ag.gradcheck(f, (ag.tensor(x, requires_grad=True),))


def test_frames_past_input_length_get_zero_gradient():
    x, targets, _, _ = _case(3, T=6, N=2, C=3, S=1)
    lp = ag.tensor(x, requires_grad=True)
    F.ctc_loss(lp, ag.tensor(targets), (4, 6), (1, 1), reduction="sum").backward()
    assert not lp.grad.numpy()[4:, 0].any()
    assert lp.grad.numpy()[:4, 0].any() and lp.grad.numpy()[4:, 1].any()


def test_second_derivative_is_refused_naming_ctc_loss():
    x, targets, il, tl = _case(5, T=5, N=2, C=3, S=2)
    lp = ag.tensor(x, requires_grad=True)
    loss = F.ctc_loss(lp, ag.tensor(targets), (5, 5), (2, 1), reduction="sum")
    g, = ag.grad(loss, lp, create_graph=True)
    with pytest.raises(RuntimeError, match="ctc_loss: the second derivative"):
        (g * g).sum().backward()
    assert lp.grad is None
    # create_graph alone is fine: the first derivative is still exact.
    ref = ag.tensor(x, requires_grad=True)
    F.ctc_loss(ref, ag.tensor(targets), (5, 5), (2, 1), reduction="sum").backward()
    np.testing.assert_array_equal(g.detach().numpy(), ref.grad.numpy())


def test_in_place_change_of_log_probs_after_the_loss_is_an_error():
    x, targets, il, tl = _case(6)
    z = ag.tensor(x, requires_grad=True)
    lp = z * 1.0
    loss = F.ctc_loss(lp, ag.tensor(targets), ag.tensor(il), ag.tensor(tl))
    lp.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


# ------------------------------------------------------------ reductions, dtype, forms
def test_reductions():
    x, targets, il, tl = _case(7, T=6, N=3, C=4, S=3)
    tl = np.array([0, 2, 3])
    il = np.array([6, 6, 6])
    none = _loss(x, targets, il, tl, reduction="none").detach().numpy()
    assert none.shape == (3,)
    assert _loss(x, targets, il, tl, reduction="sum").item() == pytest.approx(none.sum())
    # mean: each loss over its target length (clamped to >= 1), then the batch mean.
    want = (none / np.array([1, 2, 3])).mean()
    assert _loss(x, targets, il, tl).item() == pytest.approx(want, rel=1e-12)
    assert nn.CTCLoss()(ag.tensor(x), ag.tensor(targets), ag.tensor(il),
                        ag.tensor(tl)).item() == pytest.approx(want, rel=1e-12)


def test_infeasible_alignment_is_inf_with_nan_gradient_or_zero_with_zero_infinity():
    # target [1, 1] needs 3 frames; 2 are given.
    x, _, _, _ = _case(8, T=4, N=2, C=3)
    targets = ag.tensor([[1, 1], [2, 1]])
    lp = ag.tensor(x, requires_grad=True)
    loss = F.ctc_loss(lp, targets, (2, 4), (2, 2), reduction="none")
    assert math.isinf(loss.detach().numpy()[0]) and loss.detach().numpy()[0] > 0
    assert np.isfinite(loss.detach().numpy()[1])
    loss.sum().backward()
    assert np.isnan(lp.grad.numpy()[:2, 0]).all()        # no derivative (as PyTorch)
    assert not lp.grad.numpy()[2:, 0].any()              # past the input length
    assert np.isfinite(lp.grad.numpy()[:, 1]).all()

    lp2 = ag.tensor(x, requires_grad=True)
    loss2 = F.ctc_loss(lp2, targets, (2, 4), (2, 2), reduction="mean", zero_infinity=True)
    assert loss2.item() == pytest.approx(loss.detach().numpy()[1] / 2 / 2, rel=1e-12)
    loss2.backward()
    assert not lp2.grad.numpy()[:, 0].any()
    assert lp2.grad.numpy()[:, 1].any()


def test_unbatched_input_equals_the_batch_of_one():
    x, targets, il, tl = _case(9, T=5, N=1, C=4, S=3)
    tl, il = np.array([2]), np.array([5])
    batched = _loss(x, targets, il, tl, reduction="none").detach().numpy()
    label_forms = [ag.tensor(targets[0, :2]), ag.tensor(targets)]  # exact 1-d, or (1, S) padded
    length_forms = [(ag.tensor(5), ag.tensor(2)), ((5,), (2,)), (ag.tensor([5]), [2])]
    for labels, lengths in itertools.product(label_forms, length_forms):
        lp = ag.tensor(x[:, 0], requires_grad=True)
        out = F.ctc_loss(lp, labels, *lengths, reduction="none")
        assert out.shape == ()
        assert out.item() == pytest.approx(batched[0], rel=1e-12)
        out.backward()
        assert lp.grad.shape == (5, 4)


def test_unbatched_1d_targets_must_hold_exactly_the_target_length():
    x, targets, _, _ = _case(9, T=5, N=1, C=4, S=3)
    with pytest.raises(RuntimeError, match=r"sum\(target_lengths\) = 2.*\(3,\)"):
        F.ctc_loss(ag.tensor(x[:, 0]), ag.tensor(targets[0]), (5,), (2,))


def test_unbatched_lengths_as_plain_ints_are_a_type_error_as_in_pytorch():
    x, targets, _, _ = _case(9, T=5, N=1, C=4, S=3)
    with pytest.raises(TypeError, match="input_lengths"):
        F.ctc_loss(ag.tensor(x[:, 0]), ag.tensor(targets[0]), 5, 2)


def test_concatenated_targets_equal_padded_targets():
    x, targets, il, tl = _case(10, T=6, N=3, C=4, S=3)
    tl = np.array([3, 0, 2])
    flat = np.concatenate([targets[n, :tl[n]] for n in range(3)])
    padded = _loss(x, targets, il, tl, reduction="none").detach().numpy()
    concat = _loss(x, flat, il, tl, reduction="none").detach().numpy()
    np.testing.assert_array_equal(padded, concat)


def test_lengths_as_lists_tuples_and_int32_tensors():
    x, targets, il, tl = _case(12)
    want = _loss(x, targets, il, tl).item()
    assert F.ctc_loss(ag.tensor(x), ag.tensor(targets), list(il), tuple(tl)).item() == want
    assert F.ctc_loss(ag.tensor(x), ag.tensor(targets.astype(np.int32)),
                      ag.tensor(il.astype(np.int32)), ag.tensor(tl.astype(np.int32))
                      ).item() == want


def test_float32_stays_float32():
    x, targets, il, tl = _case(13)
    lp = ag.tensor(x.astype(np.float32), requires_grad=True)
    loss = F.ctc_loss(lp, ag.tensor(targets), ag.tensor(il), ag.tensor(tl), zero_infinity=True)
    assert loss.dtype == np.float32
    loss.backward()
    assert lp.grad.dtype == np.float32


def test_module_attributes_and_repr():
    m = nn.CTCLoss(blank=2, reduction="sum", zero_infinity=True)
    assert (m.blank, m.reduction, m.zero_infinity) == (2, "sum", True)
    assert repr(nn.CTCLoss()) == "CTCLoss()"
    with pytest.raises(ValueError, match="reduction"):
        nn.CTCLoss(reduction="avg")


def test_public_names_have_docstrings():
    assert F.ctc_loss.__doc__.startswith("Connectionist Temporal Classification loss")
    assert nn.CTCLoss.__doc__.startswith("Connectionist Temporal Classification loss")


# ------------------------------------------------------------ errors change nothing
def _bad_calls():
    T, N, C, S = 4, 2, 3, 2
    good = dict(targets=ag.tensor([[1, 2], [2, 0]]), input_lengths=ag.tensor([4, 3]),
                target_lengths=ag.tensor([2, 1]))
    return [
        ("4-d log_probs", dict(shape=(1, T, N, C)), RuntimeError, r"\(T, N, C\).*\(1, 4, 2, 3\)"),
        ("integer log_probs", dict(int_lp=True), TypeError, "floating-point.*int64"),
        ("input too long", dict(input_lengths=ag.tensor([5, 3])), RuntimeError,
         "input_lengths to have value at most 4.*got value 5"),
        ("negative input length", dict(input_lengths=ag.tensor([-1, 3])), RuntimeError,
         "input_lengths to have value at least 0"),
        ("target too long", dict(target_lengths=ag.tensor([3, 1])), RuntimeError,
         "target_lengths to have value at most 2.*\\(2, 2\\)"),
        ("label out of range", dict(targets=ag.tensor([[1, 3], [2, 0]])), RuntimeError,
         r"\[0, 3\).*sample 0 has label 3"),
        ("negative label", dict(targets=ag.tensor([[1, 2], [-1, 0]])), RuntimeError,
         "sample 1 has label -1"),
        ("label equal to blank", dict(targets=ag.tensor([[1, 0], [2, 0]])), RuntimeError,
         "blank=0; sample 0 has label 0"),
        ("wrong input_lengths size", dict(input_lengths=ag.tensor([4, 3, 2])), RuntimeError,
         r"input_lengths must be of size batch_size \(2\), got 3"),
        ("wrong target_lengths size", dict(target_lengths=[2]), RuntimeError,
         r"target_lengths must be of size batch_size \(2\), got 1"),
        ("float targets", dict(targets=ag.tensor([[1.0, 2.0], [2.0, 0.0]])), TypeError,
         "targets must be an integer tensor.*float32"),
        ("float lengths", dict(input_lengths=ag.tensor([4.0, 3.0])), RuntimeError,
         "input_lengths must be integral"),
        ("3-d targets", dict(targets=ag.tensor([[[1, 2], [2, 0]]])), RuntimeError,
         r"targets.*\(1, 2, 2\)"),
        ("targets batch mismatch", dict(targets=ag.tensor([[1, 2]])), RuntimeError,
         r"batch size 2.*\(1, 2\)"),
        ("concatenated too short", dict(targets=ag.tensor([1, 2])), RuntimeError,
         r"sum\(target_lengths\) = 3.*\(2,\)"),
        ("blank out of range", dict(blank=3), RuntimeError, r"blank must be in label range"),
        ("bad reduction", dict(reduction="avg"), ValueError, "reduction='avg'"),
        ("list log_probs", dict(list_lp=True), TypeError, "log_probs.*must be Tensor"),
    ], good


@pytest.mark.parametrize("index", range(18))
def test_errors_name_the_problem_and_change_nothing(index):
    cases, good = _bad_calls()
    _, change, exc, pattern = cases[index]
    change = dict(change)
    shape = change.pop("shape", (4, 2, 3))
    x = np.random.default_rng(index).normal(size=shape)
    if change.pop("int_lp", False):
        x = x.astype(np.int64)
    lp = ag.tensor(x, requires_grad=x.dtype.kind == "f")
    before = x.copy()
    args = dict(good, **change)
    first = x.tolist() if change.pop("list_lp", False) else lp
    args.pop("list_lp", None)
    with pytest.raises(exc, match=pattern):
        F.ctc_loss(first, args.pop("targets"), args.pop("input_lengths"),
                   args.pop("target_lengths"), **args)
    np.testing.assert_array_equal(lp.detach().numpy(), before)
    assert lp.grad is None and lp.grad_fn is None


# ------------------------------------------------------------ PyTorch as an extra oracle
def _random_case(rng):
    T, N, C, S = (int(rng.integers(1, 9)), int(rng.integers(1, 4)), int(rng.integers(2, 6)),
                  int(rng.integers(0, 5)))
    blank = int(rng.integers(0, C))
    labels = [c for c in range(C) if c != blank]
    targets = rng.choice(labels, size=(N, S)) if S else np.zeros((N, 0), dtype=np.int64)
    return (rng.normal(size=(T, N, C)) * 2, targets, rng.integers(0, T + 1, size=N),
            rng.integers(0, S + 1, size=N), blank, bool(rng.integers(0, 2)))


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_pytorch_oracle_values_and_gradients_through_log_softmax(reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2024)
    for _ in range(60):
        x, targets, il, tl, blank, zi = _random_case(rng)
        kw = dict(blank=blank, reduction=reduction, zero_infinity=zi)
        xt = torch.tensor(x, requires_grad=True)
        want = torch.nn.functional.ctc_loss(xt.log_softmax(2), torch.tensor(targets),
                                            torch.tensor(il), torch.tensor(tl), **kw)
        xa = ag.tensor(x, requires_grad=True)
        got = F.ctc_loss(xa.log_softmax(2), ag.tensor(targets), ag.tensor(il), ag.tensor(tl),
                         **kw)
        assert got.shape == tuple(want.shape)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-9,
                                   atol=1e-12)
        if torch.isfinite(want).all():
            want.sum().backward()
            got.sum().backward()
            np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-7, atol=1e-10)


def test_pytorch_oracle_gradient_differs_by_exp_log_probs_on_normalised_input():
    # PyTorch's gradient w.r.t. log_probs is exp(log_probs) - occupancy (the
    # logits' gradient under log_softmax); ours is the true -occupancy.
    torch = pytest.importorskip("torch")
    x, targets, il, tl = _case(14, T=6, N=3, C=4, S=3, normalised=True)
    lt = torch.tensor(x, requires_grad=True)
    torch.nn.functional.ctc_loss(lt, torch.tensor(targets), torch.tensor(il),
                                 torch.tensor(tl), reduction="sum", zero_infinity=True).backward()
    la = ag.tensor(x, requires_grad=True)
    F.ctc_loss(la, ag.tensor(targets), ag.tensor(il), ag.tensor(tl), reduction="sum",
               zero_infinity=True).backward()
    feasible = np.isfinite(F.ctc_loss(ag.tensor(x), ag.tensor(targets), ag.tensor(il),
                                      ag.tensor(tl), reduction="none").detach().numpy())
    live = (np.arange(6)[:, None] < il[None]) & feasible[None]
    np.testing.assert_allclose(la.grad.numpy() + np.exp(x) * live[..., None],
                               lt.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_pytorch_oracle_concatenated_and_unbatched():
    torch = pytest.importorskip("torch")
    x, targets, il, tl = _case(15, T=7, N=3, C=5, S=3)
    flat = np.concatenate([targets[n, :tl[n]] for n in range(3)])
    want = torch.nn.functional.ctc_loss(torch.tensor(x), torch.tensor(flat), torch.tensor(il),
                                        torch.tensor(tl), reduction="none").numpy()
    got = _loss(x, flat, il, tl, reduction="none").detach().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-10)
    one = targets[1, :tl[1]]
    want1 = torch.nn.functional.ctc_loss(torch.tensor(x[:, 1]), torch.tensor(one),
                                         (int(il[1]),), (int(tl[1]),), reduction="none")
    got1 = F.ctc_loss(ag.tensor(x[:, 1]), ag.tensor(one), (int(il[1]),), (int(tl[1]),),
                      reduction="none")
    assert got1.shape == tuple(want1.shape) == ()
    assert got1.item() == pytest.approx(want1.item(), rel=1e-10)
