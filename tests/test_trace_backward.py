"""`autograd.trace_backward`: backprop step by step, checked against the
lecture notes' chain-rule products (seeds/001, "TRAINING NN: CHAIN RULE"
and "Memoization") for their network: 4 inputs, W1 4x3, W2 3x2, W3 2x1,
sigmoid units, squared loss L = (y - o31)^2, no biases (as the notes write
o = f(sum w x))."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd.trace import BackwardTrace, TraceRow

X = [0.5, -1.0, 1.5, 2.0]
W1 = [[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.2], [0.2, -0.1, 0.1]]
W2 = [[0.3, -0.4], [0.5, 0.2], [-0.6, 0.1]]
W3 = [0.7, -0.5]
Y = 1.0


def scalar(v):
    return ag.tensor(v, dtype=ag.float64, requires_grad=True)


def lecture_network():
    """The notes' network with one scalar tensor per weight, so every row is
    one of the products the notes write out.  Returns (loss, names)."""
    names = {}
    w1 = [[scalar(W1[i][j]) for j in range(3)] for i in range(4)]
    w2 = [[scalar(W2[j][k]) for k in range(2)] for j in range(3)]
    w3 = [scalar(W3[k]) for k in range(2)]
    for i in range(4):
        for j in range(3):
            names[f"w1_{i + 1}{j + 1}"] = w1[i][j]
    for j in range(3):
        for k in range(2):
            names[f"w2_{j + 1}{k + 1}"] = w2[j][k]
    for k in range(2):
        names[f"w3_{k + 1}1"] = w3[k]

    def neuron(layer, j, inputs, weights, in_names):
        z = None
        for x, w, xn in zip(inputs, weights, in_names):
            p = w * x if isinstance(x, float) else x * w
            names[f"{xn}*w{layer}_{in_names.index(xn) + 1}{j}"] = p
            z = p if z is None else z + p
        names[f"z{layer}{j}"] = z
        o = z.sigmoid()
        names[f"o{layer}{j}"] = o
        return o

    xn = [f"x{i + 1}" for i in range(4)]
    o1 = [neuron(1, j + 1, X, [w1[i][j] for i in range(4)], xn) for j in range(3)]
    o1n = [f"o1{j + 1}" for j in range(3)]
    o2 = [neuron(2, k + 1, o1, [w2[j][k] for j in range(3)], o1n) for k in range(2)]
    o3 = neuron(3, 1, o2, w3, ["o21", "o22"])
    d = Y - o3
    names["y-o31"] = d
    loss = d ** 2
    names["L"] = loss
    return loss, names


# ---- the notes' quantities, by their formulas (plain floats, no engine)
def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


O1 = [sig(sum(X[i] * W1[i][j] for i in range(4))) for j in range(3)]
O2 = [sig(sum(O1[j] * W2[j][k] for j in range(3))) for k in range(2)]
O31 = sig(sum(O2[k] * W3[k] for k in range(2)))
DL_DO31 = -2 * (Y - O31)                       # dL/do31
DO31_DZ = O31 * (1 - O31)


def do31_do2(k):                                # do31/do2k
    return DO31_DZ * W3[k]


def do2_do1(k, j):                              # do2k/do1j
    return O2[k] * (1 - O2[k]) * W2[j][k]


def do1_dw1(i, j):                              # do1j/dw1_ij
    return O1[j] * (1 - O1[j]) * X[i]


@pytest.fixture
def traced():
    loss, names = lecture_network()
    trace = trace_and_keep(loss, names)
    return trace, names


def trace_and_keep(loss, names):
    trace = ag.trace_backward(loss, params=names)
    assert isinstance(trace, BackwardTrace)
    return trace


def only(trace, label):
    rows = trace.find(label)
    assert len(rows) == 1, (label, rows)
    return rows[0]


def close(a, b):
    return np.allclose(np.asarray(a, dtype=np.float64), b, rtol=1e-12, atol=1e-15)


def test_notes_numbers_written_down():
    # values of this network, written down once from the formulas above
    assert math.isclose(O31, 0.5203872964319729, rel_tol=1e-12)
    assert math.isclose(DL_DO31, -0.9592254071360542, rel_tol=1e-12)


def test_rows_follow_the_notes_from_the_loss_down(traced):
    trace, _ = traced
    first = trace.row(1)
    assert first.label == "L" and first.seed and first.source_text == "seed"
    assert close(first.upstream, 1.0)
    # L = (y - o31)^2: local 2 (y - o31)
    assert close(first.steps[0].local, 2 * (Y - O31))
    sub = only(trace, "y-o31")
    assert sub.sources == (first.index,)
    assert close(sub.steps[0].local, -1.0)
    assert close(sub.steps[0].grad, DL_DO31)           # dL/do31
    o31 = only(trace, "o31")
    assert close(o31.upstream, DL_DO31)
    assert o31.sources == (sub.index,)
    assert close(o31.steps[0].local, DO31_DZ)          # sigmoid'(z31) = o31(1 - o31)


def test_w3_rows_are_dL_do31_times_do31_dw3(traced):
    # notes: dL/dw3_11 = dL/do31 * do31/dw3_11, with do31/dw3_11 = o31(1-o31) o21
    trace, _ = traced
    for k in range(2):
        leaf = only(trace, f"w3_{k + 1}1")
        assert leaf.kind == "leaf"
        assert close(leaf.upstream, DL_DO31 * DO31_DZ * O2[k])
        (src,) = leaf.sources
        product = trace.row(src)
        assert product.label == f"o2{k + 1}*w3_{k + 1}1"
        by_input = {s.input: s for s in product.steps}
        assert close(by_input[f"w3_{k + 1}1"].local, O2[k])    # d(o2k w3_k1)/dw3_k1 = o2k
        assert close(product.upstream, DL_DO31 * DO31_DZ)    # the memoized dL/dz31
    assert math.isclose(float(only(trace, "w3_11").upstream), -0.11385482694924738,
                        rel_tol=1e-12)


def test_w2_rows_follow_the_single_path(traced):
    # notes: dL/dw2_j1 = dL/do31 * do31/do21 * do21/dw2_j1
    trace, _ = traced
    for j in range(3):
        for k in range(2):
            leaf = only(trace, f"w2_{j + 1}{k + 1}")
            expected = DL_DO31 * do31_do2(k) * O2[k] * (1 - O2[k]) * O1[j]
            assert close(leaf.upstream, expected)
            assert len(leaf.sources) == 1
    assert math.isclose(float(only(trace, "w2_11").upstream), -0.016773375617851832,
                        rel_tol=1e-12)


def test_w1_sums_the_two_paths_of_the_notes(traced):
    # notes: dL/dw1_11 = dL/do31 { do31/do21 do21/do11 do11/dw1_11
    #                             + do31/do22 do22/do11 do11/dw1_11 }
    trace, _ = traced
    path1 = DL_DO31 * do31_do2(0) * do2_do1(0, 0)
    path2 = DL_DO31 * do31_do2(1) * do2_do1(1, 0)
    o11 = only(trace, "o11")
    assert len(o11.sources) == 2                        # "= rA + rB": two paths meet
    assert o11.source_text == " + ".join(f"r{s}" for s in o11.sources)
    pieces = sorted(float(s.grad) for r in o11.sources for s in trace.row(r).steps
                    if s.input == "o11")
    assert close(pieces, sorted([path1, path2]))
    assert close(o11.upstream, path1 + path2)
    leaf = only(trace, "w1_11")
    assert close(leaf.upstream, (path1 + path2) * do1_dw1(0, 0))
    assert math.isclose(float(leaf.upstream), -0.0029442693986123205, rel_tol=1e-12)
    assert any("o11: paths meet" in n for n in trace.notes)


def test_memoization_each_upstream_is_reused_not_recomputed(traced):
    trace, _ = traced
    z31 = only(trace, "z31")            # z31 = o21 w3_11 + o22 w3_21: dL/dz31 feeds both
    assert z31.reuse == 2
    targets = {trace.row(t).label for t in z31.used_by}
    assert targets == {"o21*w3_11", "o22*w3_21"}
    assert all(close(s.grad, DL_DO31 * DO31_DZ) for s in z31.steps)
    assert any(n.startswith(f"r{z31.index} z31: upstream computed once, reused in 2")
               for n in trace.notes)
    # every node runs once: one row per node of the graph, then one per leaf
    nodes = [r for r in trace.rows if r.kind == "node"]
    leaves = [r for r in trace.rows if r.kind == "leaf"]
    assert len(leaves) == 12 + 6 + 2
    assert len(nodes) == 3 * (4 + 3 + 1) + 2 * (3 + 2 + 1) + (2 + 1 + 1) + 2
    assert [r.index for r in trace.rows] == list(range(1, len(trace.rows) + 1))
    assert all(r.kind == "leaf" for r in trace.rows[len(nodes):])


def test_rows_are_backward_order_and_sources_are_earlier(traced):
    trace, _ = traced
    for r in trace.rows:
        assert all(s < r.index for s in r.sources)
        assert all(t > r.index for t in r.used_by)


def test_accumulates_like_backward():
    loss, names = lecture_network()
    ag.trace_backward(loss, params=names)
    loss2, names2 = lecture_network()
    loss2.backward()
    for name, t in names.items():
        if t.is_leaf:
            assert np.array_equal(t.grad.numpy(), names2[name].grad.numpy()), name
    # and .grad accumulates across calls, as backward does
    loss3, names3 = lecture_network()
    ag.trace_backward(loss3, params=names3, retain_graph=True)
    ag.trace_backward(loss3, params=names3)
    assert close(names3["w3_11"].grad.numpy(), 2 * names2["w3_11"].grad.numpy())


def test_graph_freed_unless_retain_graph():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    y = (x.exp() * 3).sum()
    ag.trace_backward(y)
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_text_rendering_aligned_and_named():
    a = ag.Tensor(np.float64(2.0), requires_grad=True, name="a")
    b = ag.Tensor(np.float64(-3.0), requires_grad=True, name="b")
    c = a * b
    loss = (c + a).tanh()
    text = str(ag.trace_backward(loss, params={"c": c}))
    lines = text.split("\n")
    header, rule = lines[0], lines[1]
    assert header.startswith("#") and "upstream" in header and "local" in header
    assert set(rule.replace(" ", "")) == {"-"}
    assert "a (leaf)" in text and "b (leaf)" in text and "Tanh ()" in text
    # aligned: the "from" column starts at the same offset on every row
    col = header.index("from")
    starts = [ln for ln in lines[2:] if ln.startswith("r")]
    assert [ln[col:].split()[0] for ln in starts[:3]] == ["seed", "r1", "r2"]
    # a's gradient: d/da tanh(ab + a) = (1 - tanh^2)(b + 1)
    t = math.tanh(2 * -3 + 2)
    assert math.isclose(float(a.grad.numpy()), (1 - t * t) * (-3 + 1), rel_tol=1e-12)
    assert "a: pieces summed into .grad: upstream = r" in text


def test_large_values_summarized_and_vjp_for_matmul():
    ag.manual_seed(0)
    w = ag.randn(20, 30, requires_grad=True)
    x = ag.randn(5, 20)
    loss = (x @ w).sum()
    trace = ag.trace_backward(loss, params={"W": w})
    mm = trace.row(2)
    assert mm.op == "MatMul"
    assert mm.steps[0].local_kind == "vjp" and "VJP" in str(trace)
    assert "(20, 30) mean=" in str(trace)
    assert trace.row(len(trace)).label == "W"


def test_small_jacobian_shown():
    x = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    trace = ag.trace_backward((x * x).sum())
    s = trace.row(1)
    assert s.op == "Sum" and s.steps[0].local_kind == "jacobian"
    assert close(s.steps[0].local, [1.0, 1.0, 1.0])
    mul = trace.row(2)
    assert [st.local_kind for st in mul.steps] == ["elementwise", "elementwise"]
    assert close(mul.steps[0].local, [1.0, 2.0, 3.0])
    assert mul.reuse == 2 and mul.used_by == (3, 3)
    leaf = trace.row(3)
    assert leaf.sources == (2, 2) and close(leaf.upstream, [2.0, 4.0, 6.0])


def test_gradient_and_inputs_arguments():
    x = ag.tensor([1.0, -1.0], dtype=ag.float64, requires_grad=True)
    w = ag.tensor([3.0, 4.0], dtype=ag.float64, requires_grad=True)
    y = x * w
    trace = ag.trace_backward(y, gradient=ag.tensor([1.0, 10.0], dtype=ag.float64),
                              inputs=[w], params={"x": x, "w": w})
    assert close(trace.row(1).upstream, [1.0, 10.0])
    assert x.grad is None and close(w.grad.numpy(), [1.0, -10.0])
    leaf_labels = [r.label for r in trace.rows if r.kind == "leaf"]
    assert leaf_labels == ["w"]


def test_module_params_name_the_leaves():
    nn = pytest.importorskip("nn")
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.Sigmoid(), nn.Linear(2, 1))
    loss = model(ag.randn(4, 3)).sum()
    trace = ag.trace_backward(loss, params=model)
    leaves = {r.label for r in trace.rows if r.kind == "leaf"}
    assert leaves == {"0.weight", "0.bias", "2.weight", "2.bias"}
    assert np.array_equal(trace.find("0.weight")[0].upstream, model[0].weight.grad.numpy())


def test_html_is_escaped():
    a = ag.Tensor(np.float64(1.0), requires_grad=True, name="<b>&x")
    html = ag.trace_backward(a * 2)._repr_html_()
    assert "<table" in html and "&lt;b&gt;&amp;x" in html and "<b>&x" not in html


def test_rows_are_data():
    x = ag.tensor(2.0, dtype=ag.float64, requires_grad=True)
    trace = ag.trace_backward(x.exp())
    row = trace.rows[0]
    assert isinstance(row, TraceRow)
    with pytest.raises(AttributeError):
        row.index = 5
    assert close(row.steps[0].local, math.exp(2.0))


def test_bad_arguments():
    x = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="output 0 is a list"):
        ag.trace_backward([[x]])
    with pytest.raises(TypeError, match="params must be a Module or a dict"):
        ag.trace_backward(x.sum(), params=[x])
    y = x.sum()
    with pytest.raises(TypeError, match=r"params\['w'\] is a float"):
        ag.trace_backward(y, params={"w": 1.0})
    assert x.grad is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.trace_backward(ag.tensor([1.0]).sum())


def test_several_outputs_and_a_leaf_output():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    a = x * 3
    y1 = a.sum()
    y2 = (a * a).sum()
    trace = ag.trace_backward([y1, y2, x], gradient=[None, None, ag.ones(2, dtype=ag.float64)],
                              params={"x": x, "a": a})
    roots = [r for r in trace.rows if r.seed]
    assert {r.op for r in roots} == {"Sum", "AccumulateGrad"}
    assert len(roots) == 3
    a_row = only(trace, "a")
    assert len(a_row.sources) == 3          # y1's sum, and both sides of a * a
    assert close(a_row.upstream, [1 + 2 * 3.0, 1 + 2 * 6.0])
    leaf = only(trace, "x")
    assert leaf.seed and leaf.source_text == f"seed + r{a_row.index}"
    assert close(leaf.upstream, x.grad.numpy())
    assert close(x.grad.numpy(), [1 + 3 * 7.0, 1 + 3 * 13.0])
