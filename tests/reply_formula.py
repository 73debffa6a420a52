"""Read a forum reply's formula (the front-matter `formula`, TeX) back into sympy, in the terms
of one derivation on its page, and prove that it states one of that derivation's checked steps.

The reader knows the TeX the site's formulas use: names as the derivation prints them (so
`dZ^{[2]}` is the derivation's `dZ2`), `\\frac`, `\\partial`, juxtaposition (a matrix product
between two matrices, else an ordinary one), `\\odot`, `\\cdot`, `^\\top`, powers, `\\sum` with
an index, `\\begin{cases}` with `> 0` and `< 0`, the indicator `\\mathbb{I}[x > 0]`, and
primes on functions. It reads `[l]` as
any layer, an index such as j as every index that exists, and, as on the site, DLS's `dA`
for a name the derivation lacks as m times the cost's gradient (`dW`, `db`: the gradient itself).
A formula it cannot read in any derivation on the page is reported, like one that is false.
"""

from __future__ import annotations

import ast
import itertools
import random
import re
from dataclasses import dataclass, field

import sympy as sp

from hooks.math.derivation import Checker, DerivationError, TexPrinter, _relu, _sigma

TOKEN = re.compile(r"\\(?:mathrm|text|mathbf|operatorname|mathcal|begin|end)\{[^{}]*\}|\\[A-Za-z]+|\\.|\S")
WORD_COMMANDS = ("\\mathrm", "\\text", "\\mathbf", "\\operatorname", "\\mathcal")
DROPPED = {"\\left", "\\right", "\\displaystyle", "\\,", "\\;", "\\!", "\\ ", "\\quad", "\\qquad", "~"}
FUNCTIONS = {"\\sigma": _sigma, "\\tanh": sp.tanh, "\\ln": sp.log, "\\exp": sp.exp, "\\mathrm{relu}": _relu}
PARAMETERS = {"W", "w", "b"}  # DLS: dW and db are the cost's gradients; dZ, dA are m times it
INDEX_LETTERS = ("j", "k", "i", "n")


class Unreadable(LookupError):
    """The formula does not read in this derivation."""


def tokens(tex: str) -> list[str]:
    """TeX as a list of tokens: commands (a word command with its argument as one token,
    \\mathrm{ReLU} read as \\mathrm{relu}), single characters; spacing dropped and braces
    around a single token removed, so `\\hat y` and `\\hat{y}` read the same."""
    tex = tex.replace("^{\\prime}", "'").replace("\\prime", "'")
    tex = re.sub(r"f\(\\mathbf\{x\}\^\{\((\w)\)\}\)", r"f^{(\1)}", tex)  # MLS: f(x^(i)) is f^(i)
    out = []
    for token in TOKEN.findall(tex):
        if token in DROPPED:
            continue
        if token.startswith(WORD_COMMANDS) and "{" in token:
            command, word = token[:-1].split("{", 1)
            if command == "\\mathrm":
                word = word.lower()
            token = command + "{" + word + "}"
        out.append(token)
    changed = True
    while changed:  # {x} -> x
        changed = False
        for i in range(len(out) - 2):
            if out[i] == "{" and out[i + 2] == "}" and out[i + 1] not in "{}":
                out[i:i + 3] = [out[i + 1]]
                changed = True
                break
    return out


@dataclass
class Context:
    """One derivation, ready to read formulas in: its checker and the TeX of its names."""

    deriv: object
    checker: Checker
    names: dict[tuple[str, ...], str]  # printed name -> expression ("W2", "W2.T")
    functions: dict[tuple[str, ...], object]
    examples: int  # how many examples its names write out: x^(1) ... x^(M)
    _steps: list | None = None
    _prints: dict = field(default_factory=dict)

    @classmethod
    def of(cls, deriv) -> Context:
        checker, printer = Checker(deriv), TexPrinter(deriv)
        idents = set(deriv.symbols) | set(deriv.define) | set(deriv.matrices) | set(deriv.sizes)
        names = {}
        # two names may print alike (notation-table's J and J_mls): the shorter, plainer one reads
        # first, in a fixed order (a set's order changes from run to run)
        for ident in sorted(idents, key=lambda name: (len(name), name)):
            names.setdefault(tuple(tokens(printer.name(ident))), ident)
            names.setdefault(tuple(tokens(printer.name(ident, transpose=True))), f"{ident}.T")
        functions = {tuple(tokens(printer.name(name))): fn for name, fn in checker.functions.items()}
        examples = max([int(n) for key in names for n in re.findall(r"\((\d)\)", "".join(key))] or [0])
        return cls(deriv, checker, names, functions, examples)

    def value(self, expression: str):
        try:
            return self.checker.eval(ast.parse(expression, mode="eval").body)
        except DerivationError as error:
            raise Unreadable(str(error)) from None

    def fingerprint(self, value) -> tuple | None:
        """The value's numbers at one fixed random point (generic functions made concrete), to
        find candidates fast; equality itself is proved by the checker."""
        key = id(value)
        if key not in self._prints:
            self._prints[key] = (value, self._fingerprint(value))  # keeps the value alive
        return self._prints[key][1]

    def _fingerprint(self, value) -> tuple | None:
        try:
            full = self.checker.full(value)
            entries = list(full) if is_matrix(full) else [full]
            shape = full.shape if is_matrix(full) else ()
            for function, concrete in self.checker.concrete:
                entries = [e.replace(function, concrete) for e in entries]
            symbols = set().union(*(sp.sympify(e).free_symbols for e in entries))
            # each symbol's number depends on its name alone, so two sides with different symbols
            # (c + ln Σ e^(z_k − c) against ln Σ e^(z_k)) are compared at the same z
            point = {s: sp.Float(random.Random(str(s)).uniform(*self.checker.ranges.get(s, (-2.0, 2.0))))
                     for s in symbols}
            return shape, tuple(complex(sp.sympify(e).xreplace(point).doit().evalf()) for e in entries)
        except (TypeError, ValueError, DerivationError, AttributeError):
            return None

    def equal(self, left, right, exact: bool = True) -> bool:
        """Proved equal (exact), or equal in numbers at one point (not exact)."""
        a, b = self.fingerprint(left), self.fingerprint(right)
        if a is not None and b is not None and not close(a, b):
            return False
        if not exact:
            return True
        try:
            return all(self.checker.is_zero(e) for e in self.checker.difference(left, right))
        except DerivationError:
            return False

    def is_checked(self, value, exact: bool = True) -> bool:
        """Equal to a side of a checked step (DLS's per-example value: m times one)."""
        if self._steps is None:  # a checked step's sides are equal (proved): its right side
            self._steps = []
            for step in self.deriv.steps:
                if not step.wrong:
                    rhs = self.checker.eval(step.rhs)
                    self._steps.append((self.fingerprint(rhs), rhs))
        scales = [1]
        if "m" in self.deriv.sizes:  # DLS's dZ, dA: m times the cost's gradient
            scales.append(sp.Integer(self.deriv.sizes["m"]))
        for scale in scales:
            scaled = value / scale
            mine = self.fingerprint(scaled)
            if any(self.equal(scaled, step, exact) for print_, step in self._steps
                   if mine is None or print_ is None or close(mine, print_)):
                return True
        return False


def close(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and all(abs(x - y) <= 1e-7 * (1 + abs(y)) for x, y in zip(a[1], b[1], strict=True))


class Reader:
    """Recursive descent over the tokens of one side of a relation."""

    def __init__(self, context: Context, toks: list[str]) -> None:
        self.c, self.t, self.i = context, toks, 0

    def peek(self, k: int = 0) -> str | None:
        return self.t[self.i + k] if self.i + k < len(self.t) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise Unreadable(f"expected {expected or 'more'} at {''.join(self.t[self.i:])!r}")
        self.i += 1
        return token

    def group(self) -> list[str]:
        """The tokens of a {...} group, or one token."""
        if self.peek() != "{":
            return [self.take()]
        self.take("{")
        depth, start = 1, self.i
        while depth:
            token = self.take()
            depth += {"{": 1, "}": -1}.get(token, 0)
        return self.t[start:self.i - 1]

    def read(self):
        value = self.expr()
        if self.peek() is not None:
            raise Unreadable(f"cannot read {''.join(self.t[self.i:])!r}")
        return value

    def expr(self):
        value = -self.term() if self.peek() == "-" and self.take() else self.term()
        while self.peek() in ("+", "-"):
            sign = self.take()
            right = self.term()
            value = add(value, right if sign == "+" else -right)
        return value

    def term(self):
        value = self.product()
        while self.peek() == "\\odot":
            self.take()
            right = self.product()
            if not (is_matrix(value) and is_matrix(right)) or value.shape != right.shape:
                raise Unreadable("⊙ of values that are not matrices of one shape")
            value = value.multiply_elementwise(right)
        return value

    def product(self):
        value = self.power()
        while self.peek() not in (None, "+", "-", "\\odot", ")", "=", "&", "\\\\"):
            if self.peek() == "\\cdot":
                self.take()
            right = self.power()
            try:
                value = value @ right if is_matrix(value) and is_matrix(right) else value * right
            except (ValueError, sp.ShapeError, TypeError) as error:
                raise Unreadable(f"a product that does not conform: {error}") from None
        return value

    def power(self):
        value = self.primary()
        while self.peek() == "^":
            self.take()
            exponent = self.group()
            if exponent == ["\\top"]:
                value = value.T
            else:
                power = Reader(self.c, exponent).read()
                value = elementwise(lambda e, power=power: e**power, value)
        return value

    def primary(self):
        token = self.peek()
        if token is None:
            raise Unreadable("nothing to read")
        if token == "(":
            self.take()
            value = self.expr()
            self.take(")")
            return value
        if token.isdigit():
            digits = ""
            while (self.peek() or "").isdigit():
                digits += self.take()
            return sp.Integer(digits)
        if token == "\\frac":
            self.take()
            top, bottom = self.group(), self.group()
            if top[:1] == ["\\partial"] and bottom[:1] == ["\\partial"]:
                return self.derivative(top[1:], bottom[1:])
            return Reader(self.c, top).read() / Reader(self.c, bottom).read()
        if token == "\\sum":
            return self.sum()
        if token == "\\begin{cases}":
            return self.cases()
        if token == "\\mathbb" and self.peek(1) in ("I", "1"):
            return self.indicator()
        if token == "e" and self.peek(1) == "^":
            self.take()
            self.take("^")
            return elementwise(sp.exp, Reader(self.c, self.group()).read())
        return self.name_or_function()

    def longest_name(self) -> tuple[str, int] | None:
        for length in range(min(12, len(self.t) - self.i), 0, -1):
            key = tuple(self.t[self.i:self.i + length])
            if key in self.c.names:
                return self.c.names[key], length
        return None

    def name_or_function(self):
        # f'(x), where the derivation prints f(x) as a name: d(f(x), x)
        if "'" in self.t[self.i:]:
            prime = self.t.index("'", self.i)
            call = self.t[self.i:prime] + self.t[prime + 1:]
            for end in range(prime + 2, len(self.t) + 1):
                key = tuple(self.t[self.i:prime] + self.t[prime + 1:end])
                if key in self.c.names and call[prime - self.i] == "(":
                    arg = self.t[prime + 2:end - 1]
                    inner = Reader(self.c, arg)
                    found = inner.longest_name()
                    if found and found[1] == len(arg):
                        self.i = end
                        return self.c.value(f"d({self.c.names[key]}, {found[0]})")
        for key, fn in list(self.c.functions.items()) + [((k,), f) for k, f in FUNCTIONS.items()]:
            if tuple(self.t[self.i:self.i + len(key)]) == key:
                self.i += len(key)
                prime = self.peek() == "'"
                if prime:
                    self.take()
                self.take("(")
                arg = self.expr()
                self.take(")")
                if prime:
                    t = sp.Symbol("t", real=True)
                    slope = sp.diff(fn(t), t)
                    return elementwise(lambda e, slope=slope, t=t: slope.subs(t, e), arg)
                return elementwise(fn, arg)
        found = self.longest_name()
        if found:
            self.i += found[1]
            return self.c.value(found[0])
        return self.dls_gradient_or_column()

    def dls_gradient_or_column(self):
        """dX for a name the derivation lacks: DLS's gradient; x^(i): column i of matrix X."""
        rest = self.t[self.i:]
        if rest[:1] == ["d"] and len(rest) > 1:
            inner = Reader(self.c, rest[1:])
            found = inner.longest_name()
            if found and "." not in found[0]:
                self.i += 1 + found[1]
                factor = "" if found[0][0] in PARAMETERS else "m * "
                return self.c.value(f"{factor}grad(J, {found[0]})")
        # a column: dz^{[2](1)} is column 1 of dZ^{[2]}, x^{(1)} column 1 of X
        if "^" in rest[:3] and rest[rest.index("^") + 1:rest.index("^") + 2] == ["{"]:
            hat = rest.index("^")
            close = rest.index("}", hat)
            sup = rest[hat + 2:close]
            if len(sup) >= 3 and sup[-3] == "(" and sup[-1] == ")" and sup[-2].isdigit():
                head = rest[:hat - 1] + [rest[hat - 1].upper()]
                key = tuple(head + (["^", "{"] + sup[:-3] + ["}"] if len(sup) > 4 else sup[:-3]))
                if key in self.c.names:
                    matrix = self.c.value(self.c.names[key])
                    if is_matrix(matrix):
                        self.i += close + 1
                        return entry(matrix, None, int(sup[-2]))
        # m, where the derivation writes its examples out: their number
        if rest[:1] == ["m"] and self.c.examples:
            self.i += 1
            return sp.Integer(self.c.examples)
        # an entry: W_{23} is entry (2, 3) of matrix W
        if len(rest) > 3 and rest[1] == "_" and rest[2] == "{" and rest[5:6] == ["}"]:
            if (rest[0],) in self.c.names and rest[3].isdigit() and rest[4].isdigit():
                matrix = self.c.value(self.c.names[(rest[0],)])
                if is_matrix(matrix):
                    self.i += 6
                    return entry(matrix, int(rest[3]), int(rest[4]))
        raise Unreadable(f"no name {''.join(rest[:6])!r} in this derivation")

    def derivative(self, top: list[str], bottom: list[str]):
        f = Reader(self.c, top).longest_name()
        if not f or f[1] != len(top):
            raise Unreadable(f"∂ of {''.join(top)!r}, not a name of this derivation")
        x = Reader(self.c, bottom).longest_name()
        if x and x[1] == len(bottom):
            base = self.c.value(x[0])
            return self.c.value(f"{'grad' if is_matrix(base) else 'd'}({f[0]}, {x[0]})")
        reader = Reader(self.c, bottom)
        value = reader.dls_gradient_or_column()  # an entry W_{jk}
        if reader.i != len(bottom) or is_matrix(value):
            raise Unreadable(f"∂ by {''.join(bottom)!r}")
        matrix_name = self.c.names[(bottom[0],)]
        gradient = self.c.value(f"grad({f[0]}, {matrix_name})")
        return entry(gradient, int(bottom[3]), int(bottom[4]))

    def sum(self):
        self.take("\\sum")
        index, upper = None, None
        if self.peek() == "_":
            self.take()
            below = self.group()
            index = below[0]
            if self.peek() == "^":
                self.take()
                upper = Reader(self.c, self.group())
        start = self.i
        depth = 0
        while self.peek() is not None:  # the summand: up to the next + or - outside brackets
            token = self.peek()
            depth += {"(": 1, ")": -1, "{": 1, "}": -1}.get(token, 0)
            if depth < 0 or (depth == 0 and token in ("+", "-", "=")):
                break
            self.i += 1
        body = self.t[start:self.i]
        count = None
        if upper is not None:
            try:
                count = int(upper.read())
            except (Unreadable, TypeError):
                count = None
            if count is None and upper.t == ["m"] and self.c.examples:
                count = self.c.examples  # m examples, written out as x^(1) ... x^(M)
        terms = []
        for k in itertools.count(1):
            if count is not None and k > count:
                break
            substituted = [str(k) if t == index else t for t in body]
            try:
                terms.append(Reader(self.c, substituted).read())
            except Unreadable:
                if count is not None or k == 1:
                    raise
                break
            if k > 9:
                raise Unreadable("a sum without an end")
        return sum(terms[1:], terms[0])

    def indicator(self):
        """\\mathbb{I}[x > 0] (or \\mathbb{1}[x > 0]): 1 where x is positive, else 0."""
        self.take()
        self.take()
        self.take("[")
        inner = []
        while self.peek() not in ("]", None):
            inner.append(self.take())
        self.take("]")
        if inner[-2:] != [">", "0"]:
            raise Unreadable("an indicator other than of x > 0")
        x = Reader(self.c, inner[:-2]).read()
        return elementwise(lambda e: sp.Piecewise((1, e > 0), (0, True)), x)

    def cases(self):
        """{u if x > 0; v if x < 0} as u 1[x > 0] + v (1 - 1[x > 0]); x = 0 is left open."""
        self.take("\\begin{cases}")
        rows, row = [], []
        while self.peek() != "\\end{cases}":
            token = self.take()
            if token == "\\\\":
                rows.append(row)
                row = []
            else:
                row.append(token)
        self.take()
        rows.append(row)
        parsed = []
        for row in rows:
            if "&" not in row:
                raise Unreadable("a case without a condition")
            at = row.index("&")
            value, condition = row[:at], row[at + 1:]
            if condition[-2:] not in (["<", "0"], [">", "0"]):
                raise Unreadable("a case other than > 0 or < 0")
            parsed.append((Reader(self.c, value).read(), Reader(self.c, condition[:-2]).read(),
                           condition[-2]))
        if len(parsed) != 2 or {p[2] for p in parsed} != {">", "<"} or parsed[0][1] != parsed[1][1]:
            raise Unreadable("cases other than x > 0 and x < 0")
        positive = next(p[0] for p in parsed if p[2] == ">")
        negative = next(p[0] for p in parsed if p[2] == "<")
        step = sp.Piecewise((1, parsed[0][1] > 0), (0, True))
        return positive * step + negative * (1 - step)


def entry(matrix, row: int | None, col: int):
    """Entry (row, col), counted from 1, or column col when row is None."""
    rows, cols = matrix.shape
    if not 1 <= col <= cols or (row is not None and not 1 <= row <= rows):
        raise Unreadable(f"no entry ({row}, {col}) in a {rows} x {cols} matrix")
    return matrix[:, col - 1] if row is None else matrix[row - 1, col - 1]


def is_matrix(value) -> bool:
    return isinstance(value, sp.MatrixBase)


def elementwise(fn, value):
    return value.applyfunc(fn) if is_matrix(value) else fn(value)


def add(left, right):
    if is_matrix(left) != is_matrix(right):
        raise Unreadable("a matrix added to a number")
    return left + right


# --- the formula, part by part ----------------------------------------------------------------

def parts(formula: str) -> list[str]:
    """A formula's statements: `a, \\quad b` and `a \\;\\Rightarrow\\; b` are two; a shape
    note after `:` and a course named in `(\\text{...})` are not part of the mathematics."""
    pieces = re.split(r",?\s*\\quad\s*|\\;?\\Rightarrow\\;?", formula)
    out = []
    for piece in pieces:
        piece = re.sub(r"\\?\s*\(\\text\{[^{}]*\}\)", "", piece)
        piece = re.split(r":\s*\\ ", piece)[0]
        piece = piece.strip().rstrip(",").strip()
        if piece:
            out.append(piece)
    return out


LAYERS = [{}] + [{"l": str(k), "L": str(k)} for k in (1, 2, 3)]


def with_layer(toks: list[str], layer: dict[str, str]) -> list[str]:
    """[l] and [l-1] read as layer k and k - 1; [L] as the last layer k."""
    out, i = list(toks), 0
    while i < len(out) - 1:
        if out[i] == "[" and out[i + 1] in layer:
            k = int(layer[out[i + 1]])
            if out[i + 2:i + 4] == ["-", "1"]:
                out[i + 1:i + 4] = [str(k - 1)]
            else:
                out[i + 1] = str(k)
        i += 1
    return out


def free_indices(toks: list[str]) -> list[str]:
    letters = []
    for i, token in enumerate(toks):
        if token in INDEX_LETTERS and i > 0 and toks[i - 1] in ("_", "{") and token not in letters:
            letters.append(token)
    return letters


def read_relation(context: Context, piece: str) -> str | None:
    """None if the statement, read in this derivation, is a checked step; else why not."""
    sides = tokens(piece)
    chain, side = [], []
    depth = 0
    for token in sides:
        depth += {"{": 1, "}": -1}.get(token, 0)
        if token == "=" and depth == 0:
            chain.append(side)
            side = []
        else:
            side.append(token)
    chain.append(side)
    if len(chain) < 2:
        return "states no equation"
    reason = "does not read in this derivation"
    generic = any(t in ("l", "L") for t in sides)
    for layer in LAYERS if generic else LAYERS[:1]:
        layered = [with_layer(s, layer) for s in chain]
        letters = [x for x in free_indices([t for s in layered for t in s]) if not bound(layered, x)]
        readings = []
        for choice in index_choices(letters):
            concrete = [[choice.get(t, t) for t in s] for s in layered]
            try:
                readings.append([Reader(context, s).read() for s in concrete])
            except (Unreadable, DerivationError):
                continue
            if choice == {}:
                break  # the letters are the derivation's own names (w_j)
        if not readings:
            continue
        # numbers first (cheap, and a difference there is a disproof), proofs last
        if not all(context.equal(values[0], v, exact=False) for values in readings for v in values[1:]):
            reason = "does not hold"
        elif not all(context.is_checked(v, exact=False) for values in readings for v in values):
            reason = "holds, but states no checked step"
        elif not all(context.equal(values[0], v) for values in readings for v in values[1:]):
            reason = "does not hold"
        elif not all(context.is_checked(v) for values in readings for v in values):
            reason = "holds, but states no checked step"
        else:
            return None
    return reason


def index_choices(letters: list[str]):
    """No substitution first (a derivation may name w_j itself), then every value 1 to 4."""
    yield {}
    for values in itertools.product("1234", repeat=len(letters)) if letters else ():
        yield dict(zip(letters, values, strict=True))


def bound(chain: list[list[str]], letter: str) -> bool:
    """A letter bound by a \\sum_{letter...} in the formula is not a free index."""
    flat = [t for s in chain for t in s]
    for i, token in enumerate(flat):
        if token == "\\sum" and flat[i + 1:i + 2] == ["_"]:
            below = flat[i + 2:i + 3] if flat[i + 2] != "{" else flat[i + 3:i + 4]
            if below == [letter]:
                return True
    return False


CONTEXTS: dict[int, tuple] = {}  # a derivation read once per run, whatever formulas are read in it


def unchecked_parts(formula: str, derivations) -> list[str]:
    """Each statement of the formula that is not a checked step of any derivation given, with
    the reason found in the derivation that came closest."""
    contexts = []
    for deriv in derivations:
        if id(deriv) not in CONTEXTS:  # kept with its derivation: ids stay unique
            try:
                CONTEXTS[id(deriv)] = (deriv, Context.of(deriv))
            except DerivationError:
                CONTEXTS[id(deriv)] = (deriv, None)
        if CONTEXTS[id(deriv)][1] is not None:
            contexts.append(CONTEXTS[id(deriv)][1])
    problems = []
    for piece in parts(formula):
        reasons = []
        for context in contexts:
            reasons.append(read_relation(context, piece))
            if reasons[-1] is None:
                break
        if None in reasons:
            continue
        ranked = ["does not hold", "holds, but states no checked step", "states no equation"]
        reason = next((r for r in ranked if r in reasons), "does not read in any derivation")
        problems.append(f"`{piece}` {reason}")
    return problems
