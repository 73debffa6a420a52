"""A reverse-mode differentiator for numbers: what GradientTape and autograd do, in a few lines.

Each operation makes a Node that remembers its inputs and its local slope by each of them (the
computation graph). backward() walks the graph once from the output: every node hands its
gradient times the local slope to each input, and an input fed into several nodes adds them up.
"""

import math


class Node:
    edges_walked = 0  # local-slope multiplications done by backward(), over all graphs

    def __init__(self, value, inputs=()):
        self.value = float(value)
        self.inputs = inputs  # pairs (input node, slope of this node by that input)
        self.grad = 0.0

    def __add__(self, other):
        other = as_node(other)
        return Node(self.value + other.value, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = as_node(other)
        return Node(self.value * other.value, ((self, other.value), (other, self.value)))

    def __neg__(self):
        return Node(-self.value, ((self, -1.0),))

    def __sub__(self, other):
        return self + (-as_node(other))

    def __rsub__(self, other):
        return as_node(other) - self

    __radd__, __rmul__ = __add__, __mul__


def as_node(x):
    return x if isinstance(x, Node) else Node(x)


def sigmoid(node):
    a = 1 / (1 + math.exp(-node.value))
    return Node(a, ((node, a * (1 - a)),))


def log(node):
    return Node(math.log(node.value), ((node, 1 / node.value),))


def graph_order(output):
    """Every node the output depends on, each before the nodes computed from it."""
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent, _ in node.inputs:
                visit(parent)
            order.append(node)

    visit(output)
    return order


def backward(output):
    """Fill in node.grad = d(output)/d(node) for every node, walking the graph once, backwards."""
    order = graph_order(output)
    for node in order:
        node.grad = 0.0
    output.grad = 1.0
    for node in reversed(order):  # a node's gradient is complete before it is handed on
        for parent, slope in node.inputs:
            parent.grad += node.grad * slope  # chain rule; += adds up the paths
            Node.edges_walked += 1
    return order
