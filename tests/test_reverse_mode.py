"""snippets/reverse_mode.py gives the derivatives the site derives, and walks each edge once."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snippets import reverse_mode
from snippets.gradcheck import numerical_gradient
from snippets.reverse_mode import Node, backward, graph_order, log, sigmoid


def test_the_course_graph_j_equals_3_times_a_plus_bc():
    a, b, c = Node(5), Node(3), Node(2)
    J = 3 * (a + b * c)
    backward(J)
    assert J.value == 33
    assert (a.grad, b.grad, c.grad) == (3, 6, 9)  # 3, 3c, 3b


def test_a_logistic_unit_gives_dz_equal_to_a_minus_y():
    x, y = [0.5, -1.5], 1.0
    w, b = [Node(0.3), Node(-0.2)], Node(0.1)
    z = w[0] * x[0] + w[1] * x[1] + b
    a = sigmoid(z)
    L = -(y * log(a) + (1 - y) * log(1 - a))
    backward(L)
    assert z.grad == pytest.approx(a.value - y)
    assert [wi.grad for wi in w] == pytest.approx([(a.value - y) * xi for xi in x])
    assert b.grad == pytest.approx(a.value - y)


def test_an_input_used_twice_adds_up_both_paths():
    x = Node(1.5)
    f = x * x + 3 * x  # slope 2x + 3
    backward(f)
    assert x.grad == pytest.approx(6.0)


def test_each_edge_is_walked_once():
    x = Node(0.7)
    f = sigmoid(x * x) * x
    order = graph_order(f)
    edges = sum(len(node.inputs) for node in order)
    before = Node.edges_walked
    backward(f)
    assert Node.edges_walked - before == edges
    numeric = numerical_gradient(lambda v: 1 / (1 + math.exp(-v[()] ** 2)) * v[()], np.array(0.7))
    assert x.grad == pytest.approx(float(numeric), rel=1e-7)


def test_a_backward_pass_that_overwrites_instead_of_adding_is_caught(monkeypatch):
    def overwriting_backward(output):
        order = graph_order(output)
        for node in order:
            node.grad = 0.0
        output.grad = 1.0
        for node in reversed(order):
            for parent, slope in node.inputs:
                parent.grad = node.grad * slope  # the mistake: the last path wins
        return order

    monkeypatch.setattr(reverse_mode, "backward", overwriting_backward)
    x = Node(1.5)
    reverse_mode.backward(x * x + 3 * x)
    assert x.grad != pytest.approx(6.0)
