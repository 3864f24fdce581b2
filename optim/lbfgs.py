"""L-BFGS: a quasi-Newton method that builds a curvature estimate from the
last ``history_size`` steps and their gradient changes.

PyTorch's algorithm, operation for operation (its own is modelled on
minFunc): ``step(closure)`` runs up to ``max_iter`` iterations, each one

* turns the gradient into a direction with the two-loop recursion over the
  stored pairs ``s = x' - x``, ``y = g' - g`` (a pair is kept only when
  ``y.s > 1e-10``, which keeps the estimate positive definite), scaled by
  ``H_diag = y.s / y.y`` of the newest pair;
* moves along it by ``lr`` (the first iteration ever by
  ``min(1, 1 / sum|g|) * lr``), or by the step a strong-Wolfe line search
  finds (``line_search_fn='strong_wolfe'``);
* stops early when the gradient is below ``tolerance_grad``, the step or
  the loss change below ``tolerance_change``, or ``max_eval`` evaluations
  of the closure are spent.

The closure re-evaluates the model and returns the loss (it must call
``backward``); it is called several times per step.  All parameters form
one flat vector, so there is only one param group.
"""
import numpy as np

from autograd.grad_mode import enable_grad, no_grad
from autograd.tensor import _wrap

from .optimizer import Optimizer, _flat, _is_real

__all__ = ["LBFGS"]

_FLAT_STATE = ("d", "prev_flat_grad")


class LBFGS(Optimizer):
    """L-BFGS: limited-memory quasi-Newton steps, optionally with a strong-Wolfe line search.

    ``LBFGS(params, lr=1, max_iter=20, max_eval=None,
    tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100,
    line_search_fn=None)``, PyTorch's signature and algorithm;
    ``step(closure)`` needs the closure."""

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        if max_eval is None and _is_int(max_iter):
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)

    def add_param_group(self, param_group):
        """Only one group: the parameters form one vector for the curvature
        estimate, so per-group options have no meaning."""
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups): "
                             f"it already has a group of {len(self._params)} parameters; "
                             "give all parameters in one list")
        super().add_param_group(param_group)

    def _check_hyperparams(self, group, index):
        self._check_nonneg(group, index, "lr")
        for arg in ("max_iter", "max_eval", "history_size"):
            if not _is_int(group[arg]) or group[arg] < 1:
                raise self._bad(arg, group[arg], "must be an int >= 1", index)
        for arg in ("tolerance_grad", "tolerance_change"):
            if not _is_real(group[arg]):
                raise self._bad(arg, group[arg], "must be a number", index)
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise self._bad("line_search_fn", group["line_search_fn"],
                            "only None and 'strong_wolfe' are supported", index)

    def _state_keys(self, group):
        return ("func_evals", "n_iter")

    def _state_shape(self, key, p):
        if key in _FLAT_STATE:
            return (self._numel(),)
        return p._data.shape

    @property
    def _params(self):
        return self.param_groups[0]["params"]

    # ----------------------------------------------- flat-vector helpers
    def _numel(self):
        return sum(p._data.size * (2 if p._data.dtype.kind == "c" else 1)
                   for p in self._params)

    def _gather_flat_grad(self):
        """All gradients as one new 1-D array (zeros for parameters without
        a gradient), complex ones as (real, imag) pairs."""
        views = []
        for p in self._params:
            g = p.grad
            if g is None:
                views.append(_flat(np.zeros_like(p._data))[0])
                continue
            g = g._data
            if g.shape != p._data.shape:
                raise self._bad_grad(p, g, self.param_groups[0], 0)
            views.append(_flat(g.astype(p._data.dtype, copy=False))[0])
        return np.concatenate(views)

    def _add_grad(self, step_size, update):
        """``p += step_size * update`` over the flat vector, in place."""
        offset = 0
        for p in self._params:
            flat, copied = _flat(p._data)
            n = flat.size
            step = flat.dtype.type(step_size)  # as PyTorch's alpha, in the parameter's precision
            np.add(flat, np.multiply(update[offset:offset + n], step), out=flat)
            offset += n
            self._written(p, flat, copied)

    def _clone_param(self):
        return [p._data.copy() for p in self._params]

    def _set_param(self, values):
        for p, v in zip(self._params, values):
            np.copyto(p._data, v)
            p._vc[0] += 1

    @staticmethod
    def _written(p, flat, copied):
        if copied:
            p._data[...] = flat.view(p._data.dtype).reshape(p._data.shape)
        p._vc[0] += 1

    def _directional_evaluate(self, closure, x, t, d):
        """Loss and flat gradient at ``x + t * d``; the parameters are put
        back to ``x`` afterwards."""
        self._add_grad(t, d)
        with enable_grad():
            loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # -------------------------------------------------------------- step
    def step(self, closure):
        """Run up to ``max_iter`` iterations; returns the loss the closure
        gave at the starting point."""
        group = self.param_groups[0]
        self._check_hyperparams(group, 0)
        with no_grad():
            return self._step(closure, group)

    def _step(self, closure, group):
        lr = float(group["lr"])
        max_iter = group["max_iter"]
        max_eval = group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        line_search_fn = group["line_search_fn"]
        history_size = group["history_size"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1

        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d = _array(state.get("d"))
        t = state.get("t")
        old_dirs = [_array(v) for v in state.get("old_dirs", [])]
        old_stps = [_array(v) for v in state.get("old_stps", [])]
        ro = list(state.get("ro", []))
        H_diag = state.get("H_diag")
        prev_flat_grad = _array(state.get("prev_flat_grad"))
        prev_loss = state.get("prev_loss")
        one = flat_grad.dtype.type(1.0)

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            if state["n_iter"] == 1:
                d = np.negative(flat_grad)
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * flat_grad.dtype.type(t)
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only if it keeps the estimate convex
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(one / ys)
                    H_diag = ys / y.dot(y)
                d = _two_loop(flat_grad, old_dirs, old_stps, ro, H_diag, state, history_size)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                np.copyto(prev_flat_grad, flat_grad)
            prev_loss = loss

            if state["n_iter"] == 1:
                t = min(1.0, one / np.abs(flat_grad).sum()) * lr
            else:
                t = lr

            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction: nothing to gain
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(closure, x, t, d)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:  # the last iteration's loss is the next step's start
                    with enable_grad():
                        loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1

            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                    or np.abs(d * flat_grad.dtype.type(t)).max() <= tolerance_change
                    or abs(loss - prev_loss) < tolerance_change):
                break

        state["d"] = _wrap(d)
        state["t"] = t
        state["old_dirs"] = [_wrap(v) for v in old_dirs]
        state["old_stps"] = [_wrap(v) for v in old_stps]
        state["ro"] = ro
        state["H_diag"] = H_diag
        state["prev_flat_grad"] = _wrap(prev_flat_grad)
        state["prev_loss"] = prev_loss
        return orig_loss


def _two_loop(flat_grad, old_dirs, old_stps, ro, H_diag, state, history_size):
    """The L-BFGS direction ``-H g`` by the two-loop recursion, with
    ``H_diag * I`` as the initial inverse Hessian."""
    if "al" not in state:
        state["al"] = [None] * history_size
    al = state["al"]
    num_old = len(old_dirs)
    q = np.negative(flat_grad)
    for i in range(num_old - 1, -1, -1):
        al[i] = old_stps[i].dot(q) * ro[i]
        q += old_dirs[i] * -al[i]
    r = q * H_diag
    for i in range(num_old):
        be_i = old_dirs[i].dot(r) * ro[i]
        r += old_stps[i] * (al[i] - be_i)
    return r


def _array(v):
    """A state entry as the array the step works on (state keeps Tensors,
    as PyTorch's does)."""
    return None if v is None else v._data


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through two points with their slopes,
    clamped to ``bounds`` (default: between the points); the bounds'
    midpoint when the cubic has no minimum."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """A step ``t`` along ``d`` satisfying the strong Wolfe conditions
    (enough decrease, and a slope reduced in magnitude by ``c2``): first
    bracket such a step by growing ``t``, then shrink the bracket by cubic
    interpolation (Nocedal & Wright, algorithms 3.5 and 3.6).  Returns
    ``(loss, flat_grad, t, evaluations)``."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new.dot(d)

    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate, between 1.01 t and 10 t
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                               bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    if ls_iter == max_ls:  # out of evaluations: bracket from the start
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point satisfies both conditions
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # a point too close to an end of the bracket makes little progress:
        # the second time in a row (or at the end itself), move it inwards
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new.copy(), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos] = bracket[low_pos]
                bracket_f[high_pos] = bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new.copy(), gtd_new

    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
