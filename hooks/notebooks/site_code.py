"""Put the site's code that a notebook imports from snippets/ into the notebook itself.

The notebook in docs/ imports `snippets` (one source for the pages, the tests and the notebook).
A reader who downloads it has no snippets/ folder, so the build adds two cells before its first
code cell: a note, and a cell that holds a copy of every module the notebook needs (and the
modules those import) and loads each under its own name. The notebook's own cells are left as
written, `from snippets import ...` included, and `inspect.getsource` still prints the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGE = "snippets"
TAG = "site-code"  # the added cells; the page leaves them out, the download keeps them

LOADER = '''\
import linecache
import sys
import types


def load_module(name, source):
    """Run `source` as module `name`; its text stays readable by inspect and tracebacks."""
    filename = name.replace(".", "/") + ".py"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    exec(compile(source, filename, "exec"), module.__dict__)
    package, _, short = name.rpartition(".")
    setattr(sys.modules[package], short, module)
    return module


sys.modules[{package!r}] = types.ModuleType({package!r})
sys.modules[{package!r}].__path__ = []  # a package: its modules are loaded below
'''


class SiteCodeError(Exception):
    pass


def imported_snippets(source: str) -> set[str]:
    """The snippets modules a piece of Python imports ("snippets.two_layer", ...)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == PACKAGE:
                found |= {f"{PACKAGE}.{alias.name}" for alias in node.names}
            elif node.module.startswith(PACKAGE + "."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith(PACKAGE + ".")}
    return found


def module_file(name: str, root: Path) -> Path:
    path = root / (name.replace(".", "/") + ".py")
    if not path.is_file():
        raise SiteCodeError(f"the notebook imports {name}, but {path.relative_to(root)} does not exist")
    return path


def modules_in_order(code: str, root: Path = ROOT) -> list[tuple[str, str]]:
    """(name, source) of every snippets module `code` needs, each after the modules it imports."""
    ordered: list[tuple[str, str]] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in visiting:
            raise SiteCodeError(f"{name} imports itself through another module")
        if any(name == done for done, _ in ordered):
            return
        visiting.add(name)
        source = module_file(name, root).read_text("utf8")
        for dependency in sorted(imported_snippets(source)):
            visit(dependency)
        visiting.discard(name)
        ordered.append((name, source))

    for name in sorted(imported_snippets(code)):
        visit(name)
    return ordered


def string_literal(source: str) -> str:
    """The source as a Python string literal, as readable as it can be (raw and triple-quoted)."""
    literal = "r'''" + source + "'''"
    try:
        if ast.literal_eval(literal) == source:
            return literal
    except SyntaxError:
        pass
    return repr(source)


def code_cells_source(nb) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")


def site_code_cells(modules: list[tuple[str, str]]):
    """The note and the loading cell (fixed ids, so the same code gives the same file)."""
    files = ", ".join(f"`{name.replace('.', '/')}.py`" for name, _ in modules)
    note = nbformat.v4.new_markdown_cell(
        "**Run the next cell first.** This notebook uses the site's own code, the files "
        f"{files}. The cell holds a copy of them, made when the notebook was built, and loads "
        "each file as a module, so the notebook runs wherever numpy and matplotlib are "
        "installed (Jupyter, JupyterLab, Colab). Open it to read the code.",
        id="site-code-note", metadata={"tags": [TAG]})
    loads = "\n".join(f"load_module({name!r}, {string_literal(source)})\n" for name, source in modules)
    cell = nbformat.v4.new_code_cell(
        "#@title The site's code, from snippets/\n" + LOADER.format(package=PACKAGE) + "\n" + loads,
        id="site-code",
        metadata={"tags": [TAG], "jupyter": {"source_hidden": True}, "cellView": "form"})
    return [note, cell]


def with_site_code(nb, root: Path = ROOT):
    """The notebook with the site-code cells after its first cell (its title and introduction)
    and before its first code cell; unchanged if it imports no snippets. The notebook passed in
    is not changed."""
    modules = modules_in_order(code_cells_source(nb), root)
    out = nbformat.from_dict(nb)
    if not modules:
        return out
    first_code = next(i for i, cell in enumerate(out.cells) if cell.cell_type == "code")
    place = min(1, first_code)
    out.cells[place:place] = site_code_cells(modules)
    return out


def without_site_code(nb):
    """The notebook as its page shows it: without the added cells, and numbered as the notebook
    in docs/ runs (its first code cell is In [1])."""
    out = nbformat.from_dict(nb)
    kept, removed = [], 0
    for cell in out.cells:
        if TAG in cell.metadata.get("tags", []):
            removed += cell.cell_type == "code" and cell.get("execution_count") is not None
            continue
        if cell.cell_type == "code" and cell.execution_count is not None and removed:
            cell.execution_count -= removed
            for output in cell.outputs:
                if output.get("execution_count") is not None:
                    output["execution_count"] -= removed
        kept.append(cell)
    out.cells = kept
    return out
