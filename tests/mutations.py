"""The classic backprop mistakes, applied one at a time to the Python blocks a reader sees.

A block is read the way pytest-markdown-docs reads it (tests/markdown_pages.py: fences in tabs
and admonitions, `{.python continuation}` chains, `--8<--` snippets), parsed once as Python, and
each mistake is made in place on the syntax tree, run with exec, then undone. A mistake the
block's own checks notice raises (an AssertionError, or numpy's ValueError when shapes no longer
conform); a mistake that runs through unnoticed *survives*.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
import io
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests, parse_superfences_block_info

from tests.markdown_pages import PageParser

ROOT = Path(__file__).resolve().parent.parent

# A fence option authors add to a block that shows a mistake on purpose, e.g.
# ```{.python continuation shows-mistake}; the site prints nothing for it.
MISTAKE_MARKER = "shows-mistake"

# Names a formula divides by when it averages over the examples.
COUNT_NAMES = {"m", "N", "n_ex"}


@dataclass
class Block:
    page: str  # "docs/x.md"
    line: int  # the line of the opening fence
    statements: list[ast.stmt]  # the block's own code, snippets expanded
    marked: bool  # carries MISTAKE_MARKER

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass
class Chain:
    """A block and the `{.python continuation}` blocks after it: one namespace."""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Mutation:
    block: Block
    name: str  # e.g. "drop .T"
    code: str  # the expression before the change, for messages
    line: str  # where the change is made: page:line or snippet:line
    in_function: bool  # inside a def or lambda: it runs where that function is called
    apply: Callable[[], Callable[[], None]]  # makes the change, returns its undo


# --- reading the pages ----------------------------------------------------------------------

@functools.cache
def page_chains(page: Path) -> list[Chain]:
    """The page's Python blocks in continuation chains, as pytest-markdown-docs collects them
    (read once per run: a mistake is undone after it has run)."""
    return markdown_chains(page.read_text("utf8"), page.relative_to(ROOT).as_posix())


def markdown_chains(text: str, relative: str) -> list[Chain]:
    parser = PageParser()
    options = {}
    for token in parser.parse(text):
        if token.type == "fence" and token.map:
            info = parse_superfences_block_info(token.info)
            options[token.map[0] + 1] = set(info[1:])
    definitions = list(extract_fence_tests(parser, text, 0, Path(relative),
                                           fence_syntax=FenceSyntax.superfences))
    chains: list[Chain] = []
    for index, definition in enumerate(definitions):
        opts = options.get(definition.start_line, set())
        if "continuation" not in opts or not chains:
            chains.append(Chain())
        following = definitions[index + 1] if index + 1 < len(definitions) else None
        last_line = following.start_line if following and following.source.startswith(
            definition.source) else None
        tree = ast.parse(definition.source, filename=relative)
        own = [s for s in tree.body if s.lineno > definition.start_line
               and (last_line is None or s.lineno < last_line)]
        chains[-1].blocks.append(Block(relative, definition.start_line, expand_snippets(own),
                                       MISTAKE_MARKER in opts))
    return chains


def snippet_path(statement: ast.stmt) -> str | None:
    """The file of an include line, `exec(compile(open(path).read(), path, "exec"))`."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    if not (isinstance(call.func, ast.Name) and call.func.id == "exec" and call.args):
        return None
    inner = call.args[0]
    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "compile":
        path = inner.args[1]
        if isinstance(path, ast.Constant) and isinstance(path.value, str):
            return path.value
    return None


def expand_snippets(statements: list[ast.stmt]) -> list[ast.stmt]:
    out = []
    for statement in statements:
        path = snippet_path(statement)
        if path is None:
            out.append(statement)
            continue
        tree = ast.parse(Path(path).read_text("utf8"), filename=path)
        origin = Path(path).resolve().relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            node.origin = origin  # where a change inside the snippet is reported
        out.extend(tree.body)
    return out


# --- the mistakes ---------------------------------------------------------------------------

def is_constant(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    return isinstance(node, ast.Constant)


def is_count(node: ast.AST) -> bool:
    """m, N, X.shape[1], len(x), 2 * m: what a formula divides by to average over examples."""
    if isinstance(node, ast.Name):
        return node.id in COUNT_NAMES
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Attribute) and node.value.attr == "shape"
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "len"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return (is_constant(node.left) and is_count(node.right)) or (
            is_constant(node.right) and is_count(node.left))
    return False


def sign_is_lost(node: ast.AST, parent: ast.AST) -> bool:
    """(a - b) ** 2 and abs(a - b) do not care which way round the residual is."""
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.left is node:
        power = parent.right
        return isinstance(power, ast.Constant) and isinstance(power.value, int) and power.value % 2 == 0
    if isinstance(parent, ast.Call):
        func = parent.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in {"abs", "absolute", "square"}
    return False


def replace_child(parent: ast.AST, old: ast.AST, new: ast.AST) -> Callable[[], None]:
    """Put `new` where `old` sits in `parent`; return the undo."""
    for name, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, name, new)
            return lambda: setattr(parent, name, old)
        if isinstance(value, list):
            for i, item in enumerate(value):
                if item is old:
                    value[i] = new
                    return lambda value=value, i=i: value.__setitem__(i, old)
    raise LookupError("child not found")


def set_fields(node: ast.AST, **changes) -> Callable[[], None]:
    saved = {name: getattr(node, name) for name in changes}
    for name, value in changes.items():
        setattr(node, name, value)
    return lambda: [setattr(node, name, value) for name, value in saved.items()]


def mistakes(node: ast.AST, parent: ast.AST) -> Iterator[tuple[str, Callable[[], Callable[[], None]]]]:
    """Each classic mistake that applies at this node: (name, make the change)."""
    if isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
        yield "drop .T", lambda: replace_child(parent, node, node.value)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Sub):
            if not is_constant(node.left) and not is_constant(node.right) and not sign_is_lost(node, parent):
                yield "flip the residual", lambda: set_fields(node, left=node.right, right=node.left)
            if isinstance(node.left, ast.Constant) and node.left.value == 1:
                yield "1 - x -> 1 + x", lambda: set_fields(node, op=ast.Add())
        if isinstance(node.op, ast.Div) and is_count(node.right):
            yield "lose the / m", lambda: replace_child(parent, node, node.left)
        if isinstance(node.op, ast.MatMult):
            yield "swap the @ operands", lambda: set_fields(node, left=node.right, right=node.left)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and not is_constant(node):
        yield "lose the minus sign", lambda: replace_child(parent, node, node.operand)
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr == "mean":
            yield "mean -> sum (lose the 1/m)", lambda: set_fields(
                node, func=ast.Attribute(node.func.value, "sum", ast.Load()))
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "axis" and isinstance(value, ast.Constant) and value.value in (0, 1):
                yield f"axis={value.value} -> axis={1 - value.value}", lambda v=value: set_fields(
                    v, value=1 - v.value)
            if keyword.arg == "keepdims" and isinstance(value, ast.Constant) and value.value is True:
                kept = [k for k in node.keywords if k is not keyword]
                yield "forget keepdims", lambda kept=kept: set_fields(node, keywords=kept)


def walk_with_parents(node: ast.AST, in_function: bool = False):
    for child in ast.iter_child_nodes(node):
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield child, node, inside
        yield from walk_with_parents(child, inside)


def block_mutations(block: Block) -> list[Mutation]:
    found = []
    holder = ast.Module(body=block.statements, type_ignores=[])
    for node, parent, in_function in walk_with_parents(holder):
        for name, apply in mistakes(node, parent):
            origin = getattr(node, "origin", None)
            line = f"{origin}:{node.lineno}" if origin else f"{block.page}:{node.lineno}"
            found.append(Mutation(block, name, ast.unparse(node), line, in_function, apply))
    return found


# --- running --------------------------------------------------------------------------------

def clone(namespace: dict) -> dict:
    """A copy of a block's namespace that later code cannot reach back into: arrays and random
    generators copied, and each function rebound to the copy (a function reads its globals
    from the namespace it was defined in)."""
    new: dict = {"__builtins__": namespace["__builtins__"]} if "__builtins__" in namespace else {}
    memo: dict = {id(namespace): new}
    pending = [value for name, value in namespace.items() if name != "__builtins__"]
    while pending:  # every function reachable from the namespace, also inside containers
        value = pending.pop()
        if id(value) in memo:
            continue
        if isinstance(value, types.FunctionType):
            if value.__globals__ is namespace:
                copy_ = types.FunctionType(value.__code__, new, value.__name__, value.__defaults__,
                                           value.__closure__)
                copy_.__kwdefaults__ = value.__kwdefaults__
                memo[id(value)] = copy_
            else:
                memo[id(value)] = value
            for cell in value.__closure__ or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    pending.append(cell.cell_contents)
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list | tuple | set):
            pending.extend(value)
        elif isinstance(value, types.ModuleType | type | types.BuiltinFunctionType):
            memo[id(value)] = value
    for name, value in namespace.items():
        if name == "__builtins__":
            continue
        try:
            new[name] = copy.deepcopy(value, memo)
        except Exception:  # something that cannot be copied is shared, as it is
            new[name] = value
    return new


def run(statements: list[ast.stmt], filename: str, namespace: dict | None = None) -> BaseException | None:
    """Run the statements in `namespace` (a fresh one by default, as pytest-markdown-docs
    does); return what failed, if anything."""
    module = ast.fix_missing_locations(ast.Module(body=statements, type_ignores=[]))
    code = compile(module, filename, "exec")
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            exec(code, {"__name__": "fence"} if namespace is None else namespace)
        except Exception as error:  # any failure means the mistake was noticed
            return error
    return None


@dataclass
class Outcome:
    mutation: Mutation
    failure: BaseException | None  # None: the mistake went unnoticed

    @property
    def survived(self) -> bool:
        return self.failure is None


def sweep_chain(chain: Chain) -> list[Outcome]:
    """Every mistake in every block of the chain, each run as the block's own test would run.

    The chain runs up to and including the block: the blocks before it once, and each mistake
    on a copy of their namespace. A change inside a function runs on to the end of the chain:
    a helper's formula is checked where the later blocks call it. A block marked as showing
    a mistake is skipped."""
    outcomes = []
    namespace: dict = {"__name__": "fence"}
    for index, block in enumerate(chain.blocks):
        if not block.marked:
            for mutation in block_mutations(block):
                last = len(chain.blocks) if mutation.in_function else index + 1
                statements = [s for each in chain.blocks[index:last] for s in each.statements]
                undo = mutation.apply()
                try:
                    failure = run(statements, block.page, clone(namespace))
                finally:
                    undo()
                outcomes.append(Outcome(mutation, failure))
        failure = run(block.statements, block.page, namespace)
        if failure is not None:
            raise RuntimeError(f"{block.where}: the block fails as written: {failure!r}") from failure
    return outcomes


def sweep_chain_from_scratch(chain: Chain) -> list[Outcome]:
    """The same sweep, the slow way: each mistake reruns its chain from the first block in a
    fresh namespace (to confirm that the copies in sweep_chain change nothing)."""
    outcomes = []
    for index, block in enumerate(chain.blocks):
        if block.marked:
            continue
        for mutation in block_mutations(block):
            last = len(chain.blocks) if mutation.in_function else index + 1
            statements = [s for each in chain.blocks[:last] for s in each.statements]
            undo = mutation.apply()
            try:
                outcomes.append(Outcome(mutation, run(statements, block.page)))
            finally:
                undo()
    return outcomes


def sweep_page(page: Path) -> list[Outcome]:
    return [outcome for chain in page_chains(page) for outcome in sweep_chain(chain)]


def blocks_that_notice_nothing(outcomes: list[Outcome]) -> list[str]:
    """One message per block that computes a formula (some mistake applies to it) but runs
    through every mistake that applies, naming its page and line and what it let through."""
    by_block: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_block.setdefault(outcome.mutation.block.where, []).append(outcome)
    messages = []
    for where, found in by_block.items():
        if all(outcome.survived for outcome in found):
            tried = "; ".join(f"{o.mutation.name} at {o.mutation.line} ({o.mutation.code})" for o in found)
            messages.append(
                f"{where}: the block computes a formula but checks no value: it still passes after "
                f"each of these {len(found)} mistakes: {tried}. Compare the result with finite "
                f"differences or an independently written formula, or mark a block that shows a "
                f"mistake on purpose with {{.python {MISTAKE_MARKER}}}."
            )
    return messages


if __name__ == "__main__":  # python -m tests.mutations: the sweep's counts and what survives
    import time

    started = time.perf_counter()
    pages = sorted((ROOT / "docs").glob("*.md"))
    chains = [chain for page in pages for chain in page_chains(page)]
    blocks = [block for chain in chains for block in chain.blocks]
    outcomes = [outcome for chain in chains for outcome in sweep_chain(chain)]
    swept = {o.mutation.block.where for o in outcomes}
    for outcome in outcomes:
        if outcome.survived:
            m = outcome.mutation
            print(f"survived: {m.block.where}: {m.name} at {m.line}: {m.code}")
    print(f"{len(blocks)} blocks ({sum(b.marked for b in blocks)} marked {MISTAKE_MARKER}), "
          f"{len(swept)} with a mistake that applies; {len(outcomes)} mistakes run, "
          f"{sum(not o.survived for o in outcomes)} noticed; {time.perf_counter() - started:.1f} s")
    for message in blocks_that_notice_nothing(outcomes):
        print(message)
