"""Central finite differences, and a comparison that says which gradient is off and by how much."""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Approximate the gradient of the scalar function f at the float64 array x.

    Each entry is nudged up and down by eps: (f(x + eps) - f(x - eps)) / (2 eps).
    The error of this central difference shrinks like eps**2.
    """
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        f_plus = f(x)
        x[index] = saved - eps
        f_minus = f(x)
        x[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def assert_gradient_close(name, formula, numeric, rtol=1e-6, atol=1e-9):
    """Fail with a readable message unless the formula's gradient matches the numeric one."""
    formula, numeric = np.asarray(formula), np.asarray(numeric)
    assert formula.shape == numeric.shape, (
        f"{name}: the formula gives shape {formula.shape}, the parameter has shape {numeric.shape}"
    )
    gap = np.abs(formula - numeric)
    allowed = atol + rtol * np.abs(numeric)
    worst = np.unravel_index(np.argmax(gap - allowed), gap.shape)
    assert np.all(gap <= allowed), (
        f"{name}: formula and finite differences disagree at index {tuple(int(i) for i in worst)}: "
        f"{formula[worst]:.10g} vs {numeric[worst]:.10g}"
    )
