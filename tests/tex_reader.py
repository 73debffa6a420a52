"""Read the site's TeX back the way a reader reads it, independently of the printer.

The reading rules are the ordinary ones of a linear-algebra text:

- two matrices written side by side (or with ``\\cdot``) are a matrix product;
- ``\\odot`` is the elementwise product; a product that mixes ``\\odot`` with a matrix product
  and no brackets is *ambiguous* and refused (a number beside a matrix is a scalar multiple,
  which commutes with both, so ``2A \\odot B`` is fine);
- ``^{\\top}`` is a transpose; ``^{[l]}``, ``^{(i)}``, ``^{\\langle t\\rangle}``, ``^{\\prime}`` and
  subscripts belong to a symbol's name; any other superscript is a power (taken entrywise for a
  matrix);
- a name of the form ``d`` + letter (``dZ^{[2]}``, ``da``) is one symbol, as in the courses;
- ``*`` is the elementwise product too (the DLS slides' notation); ``a / b`` divides by a number;
  ``(a, b)`` is a tuple (a shape); ``L(a, y)`` applies L; ``a = b = c`` is a chain of relations;
- ``\\frac{\\partial F}{\\partial x}`` is a derivative (a gradient when x is a matrix),
  ``\\sum_{i=1}^{m} M_{:,i}`` adds a matrix's columns, ``\\sum M`` adds all its entries,
  ``\\mathbf{1}_m`` is a column of m ones and ``\\mathbb{I}[x > 0]`` the indicator.

API:

- ``read_tex(tex, matrices, functions=())`` returns a sympy expression (or ``Eq``/``Ne`` when the
  TeX holds ``=`` or ``\\neq``). Symbols are named by their canonical TeX (``canonical_name``);
  those in ``matrices`` are non-commutative, so ``expr.is_commutative is False`` means "a
  matrix". Matrix products are ``MatProd``, elementwise products ``Hadamard``, transposes
  ``T``, derivatives ``Partial``, sums ``SumAll``/``SumCols``, ones ``Ones``, the indicator
  ``Indicator``; other functions are undefined sympy functions named by their TeX head.
  It raises ``AmbiguousTeX`` or ``UnreadableTeX`` (both ``ValueError``) naming the TeX.
- ``canonical_name(tex)``: the name ``read_tex`` gives the symbol written ``tex``.
- ``subexpressions(expr)``: every compound sub-expression, outermost first.
- ``read_back_page(html, markdown, page)``: every checked side of every derivation step (and of
  every "where"/"given" line) on a built page, read back (``ReadBack.expr``) and written in the
  fences' syntax (``ReadBack.readings``); ``same_value`` compares one with the checker (see
  ``tests/test_readback.py``). ``page_names(markdown)``: the matrices and functions of a page's
  fences, to read its prose formulas with ``read_tex``.
"""

from __future__ import annotations

import ast
import html as html_module
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

import sympy as sp


class UnreadableTeX(ValueError):
    """TeX that the reading rules do not cover (an unknown command, unbalanced braces...)."""


class AmbiguousTeX(ValueError):
    """TeX that mixes a matrix product and an elementwise product without brackets."""


# --------------------------------------------------------------------------- the result's heads


RELATIONS = {"=": sp.Eq, r"\neq": sp.Ne, r"\ne": sp.Ne, "<": sp.Lt, ">": sp.Gt, r"\le": sp.Le,
             r"\leq": sp.Le, r"\ge": sp.Ge, r"\geq": sp.Ge, r"\approx": sp.Eq}


class MatProd(sp.Function):
    """The matrix product of its arguments, in order."""

    is_commutative = False


class Hadamard(sp.Function):
    """The elementwise (Hadamard) product of its arguments."""

    is_commutative = False


class T(sp.Function):
    """The transpose of its argument."""

    nargs = 1

    def _eval_is_commutative(self):
        return self.args[0].is_commutative


class Partial(sp.Function):
    """d(F, x): the derivative of F by x (the gradient, of x's shape, when x is a matrix)."""

    nargs = 2

    def _eval_is_commutative(self):
        return self.args[1].is_commutative


class SumAll(sp.Function):
    """The sum of every entry of its argument: a number."""

    nargs = 1
    is_commutative = True


class SumCols(sp.Function):
    """The sum of a matrix's columns: a column."""

    nargs = 1
    is_commutative = False


class Ones(sp.Function):
    """A column of ones; its one argument is the length, or absent."""

    is_commutative = False


class Column(sp.Function):
    """M_{:,i}: column i of M (only meaningful inside a sum over i)."""

    nargs = 2
    is_commutative = False


class SumOver(sp.Function):
    """A sum over an index of a term that depends on it: SumOver(term, i)."""

    nargs = 2
    is_commutative = True


class Indicator(sp.Function):
    """1 where the argument is positive, else 0 (entrywise)."""

    nargs = 1

    def _eval_is_commutative(self):
        return self.args[0].is_commutative


STRUCTURE = (MatProd, Hadamard, T, Partial, SumAll, SumCols, Ones, Indicator)

# --------------------------------------------------------------------------- tokens

TOKEN = re.compile(
    r"\\left\s*\\?[(\[.]|\\right\s*\\?[)\].]|\\[bB]igg?[lr]?\s*[(\[)\]]"  # sized brackets
    r"|\\[A-Za-z]+|\\[,;:! ]|\\\{|\\\}|\\_"  # commands, spaces, an underscore in a name
    r"|\d+(?:\.\d+)?|d[A-Za-z]+|[A-Za-z]|[{}()\[\]^_+\-=<>',:|/*]|\s+"
)
SPACES = {r"\,", r"\;", r"\:", r"\!", "\\ ", r"\quad", r"\qquad", r"\displaystyle", r"\textstyle"}
GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "eta", "theta", "lambda", "mu",
    "sigma", "tau", "phi", "psi", "omega", "Sigma", "Delta", "Gamma", "ell", "nu", "rho", "kappa", "pi",
}
ALWAYS_FUNCTIONS = {r"\ln", r"\log", r"\exp", r"\tanh", r"\sin", r"\cos", r"\max", r"\min"}
FONT = {r"\mathrm", r"\mathcal", r"\mathit", r"\mathbf", r"\text", r"\hat", r"\operatorname", r"\bar",
        r"\tilde", r"\mathbb", r"\boldsymbol"}
# ^{[l]}, ^{(i)}, a time step ^{\langle t\rangle} (DLS Course 5) and primes belong to a name
DECORATION = re.compile(r"^(\[[^\]]*\])?(\([^)]*\))?(\\langle ?\w+(?:[+-]\d+)?\\rangle)?(\\prime|')*$")


def tokenize(tex: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(tex):
        match = TOKEN.match(tex, pos)
        if not match:
            raise UnreadableTeX(f"cannot read {tex[pos:pos + 12]!r} in `{tex}`")
        text = match.group()
        pos = match.end()
        if text.isspace() or text in SPACES:
            continue
        text = re.sub(r"\\(?:left|right|[bB]igg?[lr]?)\s*\\?", "", text) if text.startswith(
            ("\\left", "\\right", "\\big", "\\Big", "\\bigg", "\\Bigg")) else text
        if text == ".":
            continue  # \left. / \right.
        tokens.append(text)
    return tokens


# --------------------------------------------------------------------------- parser


@dataclass
class _Factor:
    expr: sp.Expr
    op: str  # how it joins the factor before it: "jux", "cdot" or "odot" ("" for the first)


@dataclass
class _Parser:
    tex: str
    matrices: frozenset[str]
    functions: frozenset[str]
    tokens: list[str] = field(default_factory=list)
    pos: int = 0

    # helpers -----------------------------------------------------------
    def peek(self, offset: int = 0) -> str | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            want = f"`{expected}`" if expected else "more"
            raise UnreadableTeX(f"expected {want} at token {self.pos} ({token!r}) in `{self.tex}`")
        self.pos += 1
        return token

    def group_tokens(self) -> list[str]:
        """The tokens of a braced group `{...}`, or of one token."""
        if self.peek() != "{":
            return [self.take()]
        self.take("{")
        depth, out = 1, []
        while True:
            token = self.take()
            depth += (token == "{") - (token == "}")
            if depth == 0:
                return out
            out.append(token)

    def sub_parser(self, tokens: list[str]) -> _Parser:
        return _Parser(self.tex, self.matrices, self.functions, tokens)

    def group_expr(self):
        inner = self.sub_parser(self.group_tokens())
        value = inner.expr()
        inner.end()
        return value

    def end(self) -> None:
        if self.peek() is not None:
            raise UnreadableTeX(f"unexpected {self.peek()!r} at token {self.pos} in `{self.tex}`")

    # grammar -----------------------------------------------------------
    def relation(self):
        """An expression, a relation, or a chain of them (a = b = c reads as a = b and b = c)."""
        sides, relations = [self.expr()], []
        while self.peek() in RELATIONS:
            relations.append(RELATIONS[self.take()])
            sides.append(self.expr())
        self.end()
        pairs = [relation(left, right, evaluate=False)
                 for relation, left, right in zip(relations, sides[:-1], sides[1:], strict=True)]
        if not pairs:
            return sides[0]
        return pairs[0] if len(pairs) == 1 else sp.And(*pairs, evaluate=False)

    def expr(self):
        sign = 1
        if self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
        total = sign * self.term()
        while self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
            total = total + sign * self.term()
        return total

    def starts_factor(self, token: str | None) -> bool:
        if token is None or token in {"+", "-", ")", "]", "}", ",", r"\odot", r"\cdot", "^", "_", "'", "|",
                                      "*", "/", r"\times"} or token in RELATIONS:
            return False
        return True

    def term(self):
        factors = [_Factor(self.unary(), "")]
        while True:
            token = self.peek()
            if token in (r"\odot", r"\cdot", r"\times", "*"):
                # the courses write the elementwise product * (DLS) as well as ⊙
                self.take()
                factors.append(_Factor(self.unary(), "odot" if token in (r"\odot", "*") else "cdot"))
            elif token == "/":
                self.take()
                divisor = self.unary()
                if divisor.is_commutative is False:
                    raise UnreadableTeX(f"a division by the matrix `{sp.sstr(divisor)}` in `{self.tex}`")
                factors.append(_Factor(1 / divisor, "cdot"))
            elif self.starts_factor(token):
                factors.append(_Factor(self.unary(), "jux"))
            else:
                return self.combine(factors)

    def unary(self):
        if self.peek() == "-":
            self.take()
            return -self.postfix()
        return self.postfix()

    def combine(self, factors: list[_Factor]):
        """Scalars are pulled out; the matrices must be joined by one kind of product only."""
        scalar, mats, ops = sp.Integer(1), [], []
        pending = None  # the strongest operator seen since the last matrix
        for factor in factors:
            op = factor.op
            if mats and op:
                pending = "odot" if "odot" in (pending, op) else (pending or op)
            if factor.expr.is_commutative is False:
                if mats:
                    ops.append(pending)
                mats.append(factor.expr)
                pending = None
            else:
                scalar = scalar * factor.expr
        kinds = {("odot" if op == "odot" else "product") for op in ops}
        if len(kinds) > 1:
            shown = " ".join(f"{'⊙' if op == 'odot' else '·'} {_show(m)}" for op, m in zip(ops, mats[1:],
                                                                                       strict=True))
            raise AmbiguousTeX(
                f"`{self.tex}` mixes a matrix product and ⊙ without brackets: {_show(mats[0])} {shown}"
            )
        if not mats:
            return scalar
        if len(mats) == 1:
            value = mats[0]
        elif kinds == {"odot"}:
            value = Hadamard(*mats)
        else:
            value = MatProd(*mats)
        return value if scalar == 1 else sp.Mul(scalar, value)

    def postfix(self):
        value, name = self.primary()
        while self.peek() in ("^", "_", "'"):
            token = self.take()
            if token == "'":
                if name is None:
                    raise UnreadableTeX(f"a prime after a non-name in `{self.tex}`")
                name += "'"
                value = self.symbol(name)
                continue
            group = self.group_tokens()
            text = "".join(_spaced(group))
            if token == "_":
                column = re.fullmatch(r":,(\w)", text)
                if column:
                    value, name = Column(value, sp.Symbol(column[1])), None
                    continue
                if name is None:
                    raise UnreadableTeX(f"a subscript on `{sp.sstr(value)}` in `{self.tex}`")
                if name.startswith(r"\mathbf{1}") and "_" not in name:
                    value = Ones(self.sub_parser(group).expr())
                    name = f"{name}_{{{text}}}"
                    continue
                name = _add_sub(name, text)
                value = self.symbol(name)
                continue
            # ^{\top}, ^{T}, and ^{[l]\top} or ^{[l]T} (a layer's name, then its transpose)
            transpose = r"\top" in group or group[-1:] == ["T"] and (
                len(group) == 1 or DECORATION.match("".join(_spaced(group[:-1]))) is not None)
            if r"\top" in group:
                rest = [t for t in group if t != r"\top"]
            else:
                rest = group[:-1] if transpose else group
            rest_text = "".join(_spaced(rest))
            if name is not None and rest and DECORATION.match(rest_text):
                name = _add_sup(name, rest_text)
                value = self.symbol(name) if not isinstance(value, Ones) else value
            elif rest:
                if name == "e":
                    value, name = sp.Function("exp")(self.sub_parser(rest).expr()), None
                else:
                    value, name = _power(value, self.sub_parser(rest).expr()), None
            if transpose:
                value, name = T(value), None
        if name is not None and self.peek() == "(" and (self.is_function(name) or self.comma_inside()):
            arguments = self.bracketed()  # L(a, y) is a function of two arguments
            value = sp.Function(name)(*(arguments if isinstance(arguments, sp.Tuple) else [arguments]))
            return self.after_call(value)
        return value

    def after_call(self, value):
        """Scripts after an application: a power (tanh(z)^2) or a transpose."""
        while self.peek() == "^":
            self.take()
            group = self.group_tokens()
            if group == [r"\top"]:
                value = T(value)
            else:
                value = _power(value, self.sub_parser(group).expr())
        return value

    def comma_inside(self) -> bool:
        """Whether the bracket that opens here holds a comma at its own level."""
        depth = 0
        for token in self.tokens[self.pos:]:
            depth += (token in "([{") - (token in ")]}")
            if depth == 0:
                return False
            if depth == 1 and token == ",":
                return True
        return False

    def is_function(self, name: str) -> bool:
        return name in self.functions or name in ALWAYS_FUNCTIONS or name.startswith(
            (r"\mathrm{", r"\operatorname{")) or name == r"\sigma"

    def bracketed(self):
        """(x) or [x]; (a, b) is a tuple, such as a shape."""
        close = {"(": ")", "[": "]"}[self.take()]
        items = [self.expr()]
        while self.peek() == ",":
            self.take()
            if self.peek() == close:  # numpy's (m,)
                break
            items.append(self.expr())
        self.take(close)
        return items[0] if len(items) == 1 else sp.Tuple(*items)

    def symbol(self, name: str):
        return sp.Symbol(name, commutative=name not in self.matrices)

    def primary(self):
        """A value, and its name when it is a bare symbol (so that scripts can extend it)."""
        token = self.peek()
        if token is None:
            raise UnreadableTeX(f"`{self.tex}` ends where a value was expected")
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            self.take()
            return sp.Rational(token), None
        if token == r"\partial":  # ∂L/∂z written inline
            self.take()
            f = self.postfix()
            self.take("/")
            self.take(r"\partial")
            x = self.postfix()
            if not isinstance(x, sp.Symbol):
                raise UnreadableTeX(f"a derivative by `{sp.sstr(x)}`, not by a name, in `{self.tex}`")
            return Partial(f, x), None
        if token in ("(", "["):
            return self.bracketed(), None
        if token == "{":
            return self.group_expr(), None
        if token in (r"\frac", r"\dfrac", r"\tfrac"):
            self.take()
            return self.fraction(), None
        if token == r"\sum":
            self.take()
            return self.summation(), None
        if token == r"\mathbb" and self.peek(2) == "I":
            self.take(), self.take("{"), self.take("I"), self.take("}")
            self.take("[")
            inner = self.expr()
            self.take(">")
            if self.take() != "0":
                raise UnreadableTeX(f"the indicator compares with 0 in `{self.tex}`")
            self.take("]")
            return Indicator(inner), None
        if token in ALWAYS_FUNCTIONS and self.peek(1) != "(":
            self.take()  # \ln a: applied to the next factor
            name = "\\log" if token == r"\ln" else token
            return sp.Function(name)(self.postfix()), None
        name = self.name()
        if name == r"\mathbf{1}":
            return Ones(), name
        return self.symbol(name), name

    def name(self) -> str:
        token = self.take()
        if token in FONT:
            inner = "".join(_spaced(self.group_tokens()))
            return f"{token}{{{inner}}}"
        if token.startswith("\\") and token[1:] in GREEK:
            return token
        if token in ALWAYS_FUNCTIONS:
            return "\\log" if token == r"\ln" else token
        if re.fullmatch(r"[A-Za-z]|d[A-Za-z]+", token):
            return token
        raise UnreadableTeX(f"cannot read {token!r} as a value in `{self.tex}`")

    def fraction(self):
        top, bottom = self.group_tokens(), self.group_tokens()
        if top[:1] == [r"\partial"] and bottom[:1] == [r"\partial"]:
            what = self.sub_parser(top[1:])
            f = what.expr()
            what.end()
            by = self.sub_parser(bottom[1:])
            x = by.postfix()
            by.end()
            if not isinstance(x, sp.Symbol):
                raise UnreadableTeX(f"a derivative by `{sp.sstr(x)}`, not by a name, in `{self.tex}`")
            return Partial(f, x)
        numerator, denominator = self.sub_parser(top), self.sub_parser(bottom)
        top_value, bottom_value = numerator.expr(), denominator.expr()
        numerator.end(), denominator.end()
        if bottom_value.is_commutative is False:
            raise UnreadableTeX(f"a division by the matrix `{sp.sstr(bottom_value)}` in `{self.tex}`")
        return top_value / bottom_value

    def summation(self):
        index = None
        if self.peek() == "_":
            self.take()
            lower = "".join(self.group_tokens())
            if self.peek() == "^":
                self.take()
                self.group_tokens()  # the upper limit: the sum runs over every column or example
            index = lower.split("=")[0]
        body = self.postfix()
        if index is None:
            return SumAll(body)
        if isinstance(body, Column) and body.args[1] == sp.Symbol(index):
            return SumCols(body.args[0])
        if isinstance(body, sp.Symbol) and body.name.endswith(f"({index})}}"):
            base = body.name[: -len(f"({index})}}")]
            base = base[:-2] if base.endswith("^{") else base + "}"
            if base in self.matrices and "^{[" in base:
                # a layer's matrix (dZ^{[l](i)}) has one column per example: the columns add up
                return SumCols(self.symbol(base))
            return SumAll(self.symbol(base))
        return SumOver(body, sp.Symbol(index))


def _show(term) -> str:
    """A factor as a message names it: a sum in brackets."""
    text = sp.sstr(term)
    return f"({text})" if isinstance(term, sp.Add) else text


def _power(base, exponent):
    return sp.Pow(base, exponent, evaluate=base.is_commutative is not False)


def _spaced(tokens: list[str]) -> list[str]:
    """Tokens joined back into TeX: a space only after a command followed by a letter."""
    out = []
    for token, nxt in zip(tokens, tokens[1:] + [""], strict=False):
        command_then_letter = re.fullmatch(r"\\[A-Za-z]+", token) and re.match(r"[A-Za-z]", nxt)
        out.append(token + (" " if command_then_letter else ""))
    return out


def _add_sub(name: str, text: str) -> str:
    return f"{name}_{{{text}}}"


def _add_sup(name: str, text: str) -> str:
    if name.endswith("}") and "^{" in name:
        head, sup = name.rsplit("^{", 1)
        return f"{head}^{{{sup[:-1]}{text}}}"
    return f"{name}^{{{text}}}"


@lru_cache(maxsize=8192)
def _read(tex: str, matrices: frozenset[str], functions: frozenset[str]):
    parser = _Parser(tex, matrices, functions, tokenize(tex))
    try:
        return parser.relation()
    except (AmbiguousTeX, UnreadableTeX):
        raise
    except (TypeError, ValueError, IndexError, KeyError) as err:
        raise UnreadableTeX(f"cannot read `{tex}`: {err}") from None


def read_tex(tex: str, matrices: set[str] | frozenset[str] = frozenset(),
             functions: set[str] | frozenset[str] = frozenset()):
    """Read TeX as a reader does; `matrices` and `functions` are canonical names (canonical_name)."""
    tex = tex.strip()
    if tex.startswith(r"\displaystyle"):
        tex = tex[len(r"\displaystyle"):]
    tex = re.sub(r"\s*[.,]\s*$", "", tex)  # a formula that ends a sentence
    return _read(tex, frozenset(matrices), frozenset(functions))


@lru_cache(maxsize=4096)
def canonical_name(tex: str) -> str:
    """The symbol name read_tex gives to a name written `tex` (`x_j^{(1)}` -> `x_{j}^{(1)}`)."""
    parser = _Parser(tex, frozenset(), frozenset(), tokenize(tex))
    name = parser.name()
    while parser.peek() in ("^", "_", "'"):
        token = parser.take()
        if token == "'":
            name += "'"
            continue
        text = "".join(_spaced(parser.group_tokens()))
        name = _add_sub(name, text) if token == "_" else _add_sup(name, text)
    if name is None or parser.peek() is not None:
        raise UnreadableTeX(f"`{tex}` is not a name")
    return name


def subexpressions(expr):
    """Every compound sub-expression of a read-back expression (or relation), outermost first."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Basic) and node.args and not isinstance(node, (sp.Rational, sp.Tuple)):
            if isinstance(node, sp.Mul) and node.args[0] == -1 and len(node.args) == 2:
                continue  # -x is x with a sign
            yield node


# --------------------------------------------------------------------------- back to the checker


class Untranslatable(ValueError):
    """A read-back expression that names something the derivation does not define."""


def to_python(expr, idents: dict) -> str:
    """The read-back expression in the derivation fences' own Python syntax, fully bracketed, with
    each symbol replaced by the identifier whose printed TeX has that canonical name."""
    def go(e) -> str:
        if e.args and e in idents:  # a name printed as an expression, such as A(z)
            return idents[e]
        if isinstance(e, sp.Integer):
            return str(e)
        if isinstance(e, sp.Rational):
            return f"({e.p}/{e.q})"
        if isinstance(e, sp.Symbol):
            if e.name not in idents:
                raise Untranslatable(f"`{e.name}` is not a name of this derivation")
            return idents[e.name]
        if isinstance(e, sp.Add):
            return "(" + " + ".join(go(a) for a in e.args) + ")"
        if isinstance(e, sp.Mul):
            parts = []
            for a in e.args:
                if isinstance(a, sp.Pow) and a.exp == -1 and a.base.is_commutative:
                    parts.append(f"(1/{go(a.base)})")
                else:
                    parts.append(go(a))
            return "(" + " * ".join(parts) + ")"
        if isinstance(e, sp.Pow):
            return f"({go(e.base)} ** {go(e.exp)})"
        if isinstance(e, MatProd):
            return "(" + " @ ".join(go(a) for a in e.args) + ")"
        if isinstance(e, Hadamard):
            return "(" + " * ".join(go(a) for a in e.args) + ")"
        if isinstance(e, T):
            return f"({go(e.args[0])}).T"
        if isinstance(e, Partial):
            return f"d({go(e.args[0])}, {go(e.args[1])})"
        if isinstance(e, SumAll):
            return f"sum({go(e.args[0])})"
        if isinstance(e, SumCols):
            return f"sum_cols({go(e.args[0])})"
        if isinstance(e, Ones):
            if not e.args:
                raise Untranslatable("a column of ones without its length")
            named = rf"\mathbf{{1}}_{{{sp.sstr(e.args[0])}}}"
            return idents.get(named) or f"ones({go(e.args[0])})"
        if isinstance(e, Indicator):
            return f"indicator({go(e.args[0])})"
        if isinstance(e, sp.Function):
            head = type(e).__name__
            if head not in idents:
                raise Untranslatable(f"`{head}` is not a function of this derivation")
            return f"{idents[head]}(" + ", ".join(go(a) for a in e.args) + ")"
        raise Untranslatable(f"cannot write `{sp.sstr(e)}` back")
    return go(expr)


# --------------------------------------------------------------------------- pages


@dataclass
class ReadBack:
    """One checked side of one step (or one "where"/"given" line) as the page shows it."""

    page: str
    derivation: str
    step: str
    side: str  # "lhs", "rhs", "where:<name>" or "given:<name>"
    tex: str
    expr: object = None  # the sympy expression read back, when it could be read
    python: str | None = None  # the same in the fence's Python syntax
    readings: list[str] = field(default_factory=list)  # all of them, when a printed name is shared
    error: str | None = None  # why it could not be read (AmbiguousTeX, UnreadableTeX, ...)

    def where(self) -> str:
        return f"{self.page}, derivation '{self.derivation}', step '{self.step}' ({self.side})"


def readings(expr, names: FenceNames) -> list[str]:
    """Every way of writing `expr` back, when a printed name stands for several identifiers."""
    used = {s.name for s in expr.free_symbols} & set(names.alternatives)
    out = [to_python(expr, names.idents)]
    for name in sorted(used):
        out += [to_python(expr, {**names.idents, name: ident}) for ident in names.alternatives[name][1:]]
    return list(dict.fromkeys(out))


STEP = re.compile(r'<div class="step(?: step-wrong)?" id="(?P<id>[^"]+)">(?P<body>.*?)</div></div>', re.S)
DERIVATION = re.compile(r'<div class="derivation" id="(?P<id>[^"]+)"[^>]*>')
PART = re.compile(r'<(?P<tag>div|span) class="(?P<part>step-lhs|step-rhs|where-line|given-line)"'
                  r'(?: data-name="(?P<name>[^"]*)")?>(?P<body>.*?)</(?P=tag)>', re.S)
ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">(?P<tex>.*?)</annotation>', re.S)


def annotations(fragment: str) -> list[str]:
    """The TeX source of each formula KaTeX rendered in an HTML fragment."""
    out = []
    for match in ANNOTATION.finditer(fragment):
        tex = html_module.unescape(match["tex"]).strip()
        out.append(tex[len(r"\displaystyle"):].strip() if tex.startswith(r"\displaystyle") else tex)
    return out


class TextAndMath(HTMLParser):
    """An HTML fragment's text in order, each KaTeX formula in it (a `.katex` span) kept apart
    as its TeX source, which its MathML copy carries: `parts` holds (text, is_formula)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, bool]] = []
        self.depth = 0  # > 0 inside a .katex span
        self.tex: str | None = None  # inside its TeX annotation

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag == "span"
            self.tex = "" if tag == "annotation" else self.tex
        elif tag == "span" and "katex" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag == "annotation":
            self.parts.append((self.tex, True))
            self.tex = None
        elif self.depth and tag == "span":
            self.depth -= 1

    def handle_data(self, data):
        if self.tex is not None:
            self.tex += data
        elif not self.depth:
            self.parts.append((data, False))


def text_and_math(fragment: str) -> list[tuple[str, bool]]:
    parser = TextAndMath()
    parser.feed(fragment)
    parser.close()
    return parser.parts


def derivation_blocks(page_html: str) -> dict[str, str]:
    """Each derivation block's HTML by its id."""
    starts = list(DERIVATION.finditer(page_html))
    blocks = {}
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(page_html)
        blocks[match["id"]] = page_html[match.start():end]
    return blocks


@dataclass
class FenceNames:
    """What a reader of one derivation knows about its names, from the text around it."""

    idents: dict  # canonical TeX name -> identifier; a name printed as A(z) is keyed by its expression
    matrices: set[str]  # canonical names of the matrices
    functions: set[str]  # canonical heads of the functions
    alternatives: dict[str, list[str]]  # a printed name that stands for several identifiers


def names_of(deriv) -> FenceNames:
    """The names of one derivation as its printer writes them, read back by canonical_name."""
    from hooks.math.derivation import FUNCTION_TEX, TexPrinter

    printer = TexPrinter(deriv)
    idents: dict = {}
    matrices: set[str] = set()
    functions: set[str] = set()
    alternatives: dict[str, list[str]] = {}
    nodes = []
    for step in deriv.steps:
        nodes += [step.lhs, step.rhs] if step.lhs is not None else [step.rhs]
    given = getattr(deriv, "given", {})
    for text in list(deriv.define.values()) + list(given) + list(given.values()):
        nodes.append(ast.parse(text, mode="eval").body)
    called = set(deriv.functions)
    named = set(deriv.symbols) | set(deriv.define) | set(deriv.matrices) | set(deriv.sizes)
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                called.add(sub.func.id)
            elif isinstance(sub, ast.Name):
                named.add(sub.id)
    named -= called
    applied = {}  # names printed as an application, such as names: {A: 'A(z)'}
    for ident in sorted(named):
        try:
            canonical = canonical_name(printer.name(ident))
        except UnreadableTeX:
            head = re.fullmatch(r"(.+?)\((.*)\)", printer.name(ident))
            if head:
                functions.add(canonical_name(head[1]))
                applied[ident] = printer.name(ident)
            continue
        if canonical in idents:  # two names printed alike (names: {J_mls: J}): either may be meant
            alternatives.setdefault(canonical, [idents[canonical]]).append(ident)
        idents.setdefault(canonical, ident)
        if ident in deriv.matrices:
            matrices.add(canonical)
    builtin = {"d", "grad", "ones", "sum", "sum_cols", "diag", "indicator"}
    for fname in sorted(called - builtin):
        if fname in deriv.names:
            head = deriv.names[fname]
        elif FUNCTION_TEX.get(fname):
            head = FUNCTION_TEX[fname]
        elif fname == "exp":
            head = "exp"
        else:
            head = printer._default_name(fname)
        head = "\\log" if head == r"\ln" else head
        try:
            head = canonical_name(head)
        except UnreadableTeX:
            continue
        functions.add(head)
        idents.setdefault(head, fname)
    for ident, tex in applied.items():
        idents.setdefault(read_tex(tex, matrices, functions), ident)
    for head, fname in {"exp": "exp", r"\operatorname{diag}": "diag", r"\sigma": "sigma", r"\tanh": "tanh",
                        r"\log": "log", r"\mathrm{relu}": "relu"}.items():
        idents.setdefault(head, fname)
    return FenceNames(idents, matrices, functions, alternatives)


def as_built(page_markdown: str, page: str = "?") -> str:
    """The page's source as the build reads it: course citations (`[[course:key]]`, which may sit
    in a fence's `names:`) replaced by their text."""
    from hooks.page.course_refs import cite

    return cite(page_markdown, page)


def page_names(page_markdown: str) -> tuple[set[str], set[str]]:
    """The canonical names of every matrix and function in a page's derivation fences: what
    `read_tex` needs to read a formula written in the page's prose."""
    from hooks.math.derivation import parse
    from hooks.math.fences import iter_fences

    matrices: set[str] = set()
    functions: set[str] = set()
    for fence in iter_fences(as_built(page_markdown)):
        if fence.language == "derivation":
            names = names_of(parse(fence.body))
            matrices |= names.matrices
            functions |= names.functions
    return matrices, functions


def read_back_page(page_html: str, page_markdown: str, page: str = "?") -> list[ReadBack]:
    """Read back every checked side of every derivation step on one built page.

    `page_markdown` is the page's source, for its derivation fences: they say which names are
    matrices and functions (what a reader learns from the text around a formula) and which
    identifier each printed name stands for. Nothing is taken from the printer's TeX but the
    names of symbols."""
    from hooks.math.derivation import parse
    from hooks.math.fences import iter_fences

    blocks = derivation_blocks(page_html)
    out: list[ReadBack] = []
    for fence in iter_fences(as_built(page_markdown, page)):
        if fence.language != "derivation":
            continue
        deriv = parse(fence.body, page=page, line=fence.line)
        block = blocks.get(deriv.id)
        if block is None:
            out.append(ReadBack(page, deriv.id, "-", "block", "", error="not on the built page"))
            continue
        names = names_of(deriv)
        parts = []
        for match in STEP.finditer(block):
            for part in PART.finditer(match["body"] + "</div>"):
                side = {"step-lhs": "lhs", "step-rhs": "rhs"}[part["part"]] if part["part"].startswith(
                    "step") else None
                texs = annotations(part["body"])
                if side and texs:
                    parts.append((match["id"], side, texs[0]))
        for part in PART.finditer(block):
            if part["part"] in ("where-line", "given-line"):
                kind = part["part"].split("-")[0]
                texs = annotations(part["body"])  # the definition; a shape may follow
                if texs:
                    parts.append((kind, f"{kind}:{html_module.unescape(part['name'])}", texs[0]))
        for step_id, side, tex in parts:
            out += _read_side(page, deriv.id, step_id, side, tex, names)
    return out


def _read_side(page: str, derivation: str, step: str, side: str, tex: str,
               names: FenceNames) -> list[ReadBack]:
    """One read-back item; a where/given line `name = value` gives two, its sides `...:lhs`, `...:rhs`."""
    try:
        expr = read_tex(tex, names.matrices, names.functions)
    except (AmbiguousTeX, UnreadableTeX) as err:
        return [ReadBack(page, derivation, step, side, tex, error=f"{type(err).__name__}: {err}")]
    if isinstance(expr, sp.Rel):
        if side in ("lhs", "rhs") or not isinstance(expr, sp.Eq):
            error = "UnreadableTeX: a relation inside a side"
            return [ReadBack(page, derivation, step, side, tex, error=error)]
        sides = [(f"{side}:lhs", expr.lhs), (f"{side}:rhs", expr.rhs)]
    else:
        sides = [(side, expr)]
    out = []
    for name, value in sides:
        item = ReadBack(page, derivation, step, name, tex, expr=value)
        try:
            item.readings = readings(value, names)
            item.python = item.readings[0]
        except Untranslatable as err:
            item.error = f"Untranslatable: {err}"
        out.append(item)
    return out


# --------------------------------------------------------------------------- comparing with the checker


def opaque_checker(deriv):
    """The derivation's own checker, except that each derivative d(F, x) is an unknown named by
    the *value* of F and by x (a matrix of unknowns of x's shape for a gradient). Two sides that
    agree with derivatives held unknown agree for any derivatives, so a read-back side that
    matches this way matches the checker's; no derivative has to be worked out, which is what
    makes the read-back fast. `same_value` falls back to the full checker when this fails."""
    from hooks.math.derivation import Checker, DerivationError

    class OpaqueDerivatives(Checker):
        def __init__(self, deriv):
            super().__init__(deriv)
            self.unknowns: dict = {}

        def _derivative(self, node, stop):
            f_node, v_node = node.args
            if not isinstance(v_node, ast.Name):
                raise DerivationError(f"{self.d.where()}: differentiate by a name")
            f_value = self.full(self.eval(f_node, stop | {v_node.id}))
            by = self.base(v_node.id)
            key = (f_value, v_node.id)
            if key not in self.unknowns:
                label = f"D{len(self.unknowns)}"
                if isinstance(by, sp.MatrixBase) or isinstance(f_value, sp.MatrixBase):
                    shape = by.shape if isinstance(by, sp.MatrixBase) else f_value.shape
                    self.unknowns[key] = sp.Matrix(
                        *shape, lambda i, j: sp.Symbol(f"{label}_{i}{j}", real=True))
                else:
                    self.unknowns[key] = sp.Symbol(label, real=True)
            return self.unknowns[key]

    return OpaqueDerivatives(deriv)


def algebra(node: ast.expr, expand: dict | None = None):
    """A fence expression as a sympy term in which `*` (a number times anything, or ⊙) is sympy's
    commutative, associative product and `@` an ordered MatProd. Two expressions with the same
    term are equal whatever their names hold: the cheap first test of `same_value`."""
    if isinstance(node, ast.Constant):
        return sp.nsimplify(node.value)
    if isinstance(node, ast.Name):
        if expand and node.id in expand:
            return algebra(expand[node.id])
        return sp.Symbol(node.id)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return T(algebra(node.value, expand))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -algebra(node.operand, expand)
    if isinstance(node, ast.BinOp):
        left, right = algebra(node.left, expand), algebra(node.right, expand)
        operations = {ast.Add: lambda: left + right, ast.Sub: lambda: left - right,
                      ast.Mult: lambda: left * right, ast.Div: lambda: left / right,
                      ast.Pow: lambda: left**right, ast.MatMult: lambda: MatProd(left, right)}
        return operations[type(node.op)]()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = "d" if node.func.id == "grad" else node.func.id
        return sp.Function(f"call_{name}")(*(algebra(a, expand) for a in node.args))
    raise Untranslatable(f"cannot compare `{ast.unparse(node)}`")


def _flat(term):
    """MatProd(MatProd(a, b), c) -> MatProd(a, b, c): the matrix product is associative, and a
    number inside it comes out: (2 Xᵀ)(S − Y) = 2 (Xᵀ(S − Y))."""
    if isinstance(term, MatProd):
        args, number = [], sp.Integer(1)
        for arg in (_flat(a) for a in term.args):
            coefficient, rest = arg.as_coeff_Mul() if isinstance(arg, sp.Mul) else (sp.Integer(1), arg)
            number *= coefficient
            args += rest.args if isinstance(rest, MatProd) else [rest]
        return number * MatProd(*args)
    if term.args:
        return term.func(*(_flat(a) for a in term.args))
    return term


def same_term(python: str, reference: ast.expr, deriv=None) -> bool:
    """Whether the two are equal as terms. A defined name that is one function applied to a
    name (`a: sigma(z)`, `one_C: ones(C)`) is replaced by its definition on both sides first."""
    expand = {}
    for name, value in (deriv.define.items() if deriv is not None else ()):
        node = ast.parse(value, mode="eval").body
        if isinstance(node, ast.Call) and all(isinstance(a, ast.Name) for a in node.args):
            expand[name] = node
    read = _flat(algebra(ast.parse(python, mode="eval").body, expand))
    shown = _flat(algebra(reference, expand))
    return read == shown or sp.expand(read - shown) == 0


def same_value(checker, python: str, reference, opaque=None) -> bool:
    """Whether `python` (a read-back expression in fence syntax) evaluates, with the derivation's
    own checker, to the same value as `reference` (an ast node the checker evaluates). With an
    `opaque_checker` of the same derivation, derivatives are compared unworked first."""
    from hooks.math.derivation import NONCONFORMING, DerivationError

    def agree(checker) -> bool:
        def value(node):
            try:
                return checker.eval(node), None
            except DerivationError as err:
                return None, str(err)

        read, read_error = value(ast.parse(python, mode="eval").body)
        shown, shown_error = value(reference)
        if read_error or shown_error:  # a wrong step whose shapes do not fit: both must fail to fit
            return bool(read_error and shown_error and NONCONFORMING.search(read_error)
                        and NONCONFORMING.search(shown_error))
        try:
            differences = checker.difference(read, shown)
        except DerivationError:
            return False
        if checker is opaque:  # no proof search: cancellation or a fall back to the full checker
            return all(e == 0 or sp.cancel(sp.together(e)) == 0 for e in differences)
        return all(checker.is_zero(e) for e in differences)

    try:
        if same_term(python, reference, getattr(checker, "d", None)):
            return True
    except Untranslatable:
        pass
    return (opaque is not None and agree(opaque)) or agree(checker)
