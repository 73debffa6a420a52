"""A two-layer network (tanh hidden layer, sigmoid output) with the site's backward-pass formulas.

Layout of the DLS course: examples are the columns of X (n_x, m) and Y (1, m), W1 is (n_h, n_x),
b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1).
"""

import numpy as np

from snippets.gradcheck import assert_gradient_close, numerical_gradient

PARAMETERS = ("W1", "b1", "W2", "b2")


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def tanh_slope(z):
    """g'(z) for g = tanh: 1 - tanh(z)**2."""
    return 1 - np.tanh(z) ** 2


def random_weights(n_x, n_h, n_y=1, seed=0, scale=0.5):
    """Small random weights and zero biases, as a dict of float64 arrays."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(scale=scale, size=(n_h, n_x)),
        "b1": np.zeros((n_h, 1)),
        "W2": rng.normal(scale=scale, size=(n_y, n_h)),
        "b2": np.zeros((n_y, 1)),
    }


def forward(params, X):
    """Z1, A1, Z2 and A2 for every example (one column each)."""
    Z1 = params["W1"] @ X + params["b1"]   # (n_h, m)
    A1 = np.tanh(Z1)                       # (n_h, m)
    Z2 = params["W2"] @ A1 + params["b2"]  # (n_y, m)
    A2 = sigmoid(Z2)                       # (n_y, m)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def cross_entropy(A2, Y):
    """The cost J: the binary cross-entropy loss averaged over the m columns."""
    m = Y.shape[1]
    return -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m


def cost_at(params, X, Y):
    return cross_entropy(forward(params, X)["A2"], Y)


def backward(params, X, Y, values, hidden_slope=tanh_slope):
    """The cost's gradients: one line per formula of the site."""
    m = X.shape[1]
    dZ2 = values["A2"] - Y                              # (n_y, m)
    dW2 = (1 / m) * dZ2 @ values["A1"].T                # (n_y, n_h)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)  # (n_y, 1)
    dA1 = params["W2"].T @ dZ2                          # (n_h, m)
    dZ1 = dA1 * hidden_slope(values["Z1"])              # (n_h, m)
    dW1 = (1 / m) * dZ1 @ X.T                           # (n_h, n_x)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)  # (n_h, 1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def finite_difference_gradients(params, X, Y, eps=1e-6):
    """Central differences of the cost, nudging one entry of one parameter at a time."""
    numeric = {}
    for name in PARAMETERS:
        def cost_of(value, name=name):
            return cost_at({**params, name: value}, X, Y)
        numeric[name] = numerical_gradient(cost_of, params[name].copy(), eps)
    return numeric


def relative_errors(formula, numeric, floor=1e-12):
    """|formula - numeric| / (|formula| + |numeric|), entry by entry (0 where both are ~0)."""
    gap = np.abs(formula - numeric)
    size = np.abs(formula) + np.abs(numeric)
    return np.where(size > floor, gap / np.maximum(size, floor), 0.0)


def compare_gradients(params, X, Y, hidden_slope=tanh_slope):
    """{name: (formula, numeric)} for every parameter, without judging them."""
    formula = backward(params, X, Y, forward(params, X), hidden_slope)
    numeric = finite_difference_gradients(params, X, Y)
    return {name: (formula[name], numeric[name]) for name in PARAMETERS}


def check_gradients(params, X, Y, hidden_slope=tanh_slope):
    """Compare every parameter's formula gradient with finite differences; fail on a mismatch."""
    pairs = compare_gradients(params, X, Y, hidden_slope)
    for name, (formula, numeric) in pairs.items():
        assert_gradient_close(f"d{name}", formula, numeric)
    return pairs


def train(params, X, Y, steps=2000, learning_rate=1.0):
    """Plain gradient descent; returns the trained parameters and the cost before each step."""
    params = {name: value.copy() for name, value in params.items()}
    costs = []
    for _ in range(steps):
        values = forward(params, X)
        costs.append(cross_entropy(values["A2"], Y))
        grads = backward(params, X, Y, values)
        for name in PARAMETERS:
            params[name] -= learning_rate * grads[name]
    return params, np.array(costs)


def two_moons(m=200, noise=0.2, seed=1):
    """Two interleaved half circles in the plane: X (2, m), labels Y (1, m). No line separates them."""
    rng = np.random.default_rng(seed)
    half = m // 2
    angle = rng.uniform(0, np.pi, size=m)
    upper = np.arange(m) < half
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    X = np.vstack([x, y]) + rng.normal(scale=noise, size=(2, m))
    Y = (~upper).astype(float).reshape(1, m)
    return X, Y
