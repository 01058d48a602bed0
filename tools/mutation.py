"""Mutation testing of the grader's judging code: plant one small bug at a time, run the tests that cover
it, and list the bugs no test notices.

    python tools/mutation.py                          # every module in MODULES
    python tools/mutation.py checks/lambda_medium/task12_alarms.py grader/engine.py
    python tools/mutation.py --list checks/shared.py  # the mutants, without running them
    python tools/mutation.py --workers 2 --json mutation.json

A mutant is one change to one module: a comparison flipped or moved off its boundary (``==``/``!=``,
``<``/``<=``, ``in``/``not in``...), ``and``/``or`` swapped, a ``not`` dropped, a number one higher or
one lower, a name-like string (no spaces: a key, a value, an ARN part) changed, ``True``/``False``
swapped, ``passed``/``failed``, ``any``/``all``, ``min``/``max``, ``startswith``/``endswith`` swapped,
``break``/``continue`` swapped, a statement that only calls something removed. Prose (strings with
spaces, f-strings: messages, titles, hints), docstrings and annotations are not mutated: they are the
words, not the verdict. Each module names the tests that cover it, fastest first (the hand-built-facts
tests of ``tests/checks/<assessment>/test_every_field.py`` judge a whole assessment in about two
seconds); a mutant that survives the fast tests runs against the slower ones (the emulator) if the
module lists any. A mutant is *killed* when a test fails (or hangs: a timeout), *survives* otherwise.
``tools/mutation-equivalents.txt`` lists the survivors that no test can kill because they change
nothing a student could be graded on, each with its reason; any other survivor is a missing test, and
the run exits 1.

Why a mutator of our own rather than mutmut or cosmic-ray (both on PyPI): mutmut 3 does not mutate
decorated functions, and every check is ``@TASK.check(...)``, nor functions nested in the builders
(``function_setting``, ``alarm_check``...) that make many checks (boxed/mutmut#387); cosmic-ray runs
each mutant in a fresh test process, about 2.4 s of pytest start-up here, over an hour for ``checks/``
on the two shared cores. This one forks each mutant from a process that has already imported pytest
and botocore, and serves the mutated module through an import hook (the files on disk never change):
a mutant killed by the first test costs about a fifth of a second, a survivor of the fast tests about one. POSIX only (``os.fork``);
nothing to install beyond the ``test`` extra.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib.abc
import importlib.util
import json
import os
import select
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "tools" / "mutation-equivalents.txt"

MEDIUM_FAST = ["tests/checks/lambda_medium/test_every_field.py", "tests/checks/lambda_medium/test_code.py",
               "tests/checks/lambda_medium/test_code_equivalents.py"]
CODE_FAST = ["tests/checks/test_python_source.py", *MEDIUM_FAST]
LAB_FAST = ["tests/checks/lambda_lab/test_every_field.py"]
READMES = ["tests/checks/lambda_medium/test_readme.py", "tests/checks/lambda_lab/test_readme.py"]
SHARED_FAST = [*MEDIUM_FAST, *LAB_FAST, "tests/checks/test_policy_evaluation.py", "tests/checks/test_lambda_insights.py",
               *READMES]
ENGINE_FAST = ["tests/grader/test_engine.py", *MEDIUM_FAST, *LAB_FAST]


@dataclass(frozen=True)
class Module:
    """A module to mutate: its test stages (each a list of pytest arguments, fastest first), and which of its
    top-level functions to mutate (``only``) or leave alone (``skip``), by name."""

    path: str
    stages: tuple[tuple[str, ...], ...]
    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()


def _modules() -> list[Module]:
    modules = []
    for assessment, fast in (("lambda_medium", MEDIUM_FAST), ("lambda_lab", LAB_FAST)):
        folder = ROOT / "checks" / assessment
        readme = f"tests/checks/{assessment}/test_readme.py"
        for path in sorted(folder.glob("*.py")):
            if path.name == "solution.py":
                continue  # the reference-solution builder writes to the emulator: it is the tests' fixture
            rel = str(path.relative_to(ROOT))
            # first_reads / second_reads only start reads early (Assessment.prefetch: speed, never a verdict).
            skip = frozenset({"first_reads", "second_reads", "layer_contents"})
            modules.append(Module(rel, ((*fast, readme),), skip=skip))
    for name in ("shared.py", "policy_evaluation.py", "lambda_insights.py"):
        modules.append(Module(f"checks/{name}", (tuple(SHARED_FAST),)))
    for name in ("python_source.py", "python_behaviour.py"):  # the code reader the code checks judge with
        modules.append(Module(f"checks/{name}", (tuple(CODE_FAST),)))
    # The judging half of the engine (the Grader class orchestrates reads, regions and students: the
    # emulator tests' business) and the rubric every check is written in.
    modules.append(Module("grader/engine.py", (tuple(ENGINE_FAST),),
                          only=frozenset({"judge_check", "judge_group", "judge_all", "unreachable"})))
    modules.append(Module("grader/rubric.py", ((*ENGINE_FAST, *READMES),)))
    return modules


MODULES = _modules()

# --- mutants ---------------------------------------------------------------------------------------

COMPARE = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
           ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
NAMES = {"passed": "failed", "failed": "passed", "any": "all", "all": "any", "min": "max", "max": "min"}
METHODS = {"startswith": "endswith", "endswith": "startswith", "lower": "upper", "upper": "lower",
           "removeprefix": "removesuffix", "removesuffix": "removeprefix"}
BINOPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}


@dataclass(frozen=True)
class Mutant:
    path: str
    index: int  # its position among the module's mutants (what the child applies)
    line: int
    qualname: str
    kind: str
    before: str
    after: str
    key: str = ""  # stable name: path::qualname::kind `before` -> `after` (#n when repeated)


def _short(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 70 else text[:67] + "..."


class _Mutator(ast.NodeTransformer):
    """Walks a module; numbers every possible change; applies the ``target``-th (or only records, if -1)."""

    def __init__(self, module: Module, target: int = -1) -> None:
        self.module, self.target = module, target
        self.found: list[tuple[int, str, str, str, str]] = []  # line, qualname, kind, before, after
        self.stack: list[str] = []
        self.prose: set[int] = set()  # ids of constants not to mutate (docstrings, f-string parts)

    # Scope: which functions are mutated, what the mutant is named after.

    def _allowed(self) -> bool:
        top = self.stack[0] if self.stack else "<module>"
        if self.module.only and top not in self.module.only:
            return False
        return top not in self.module.skip

    def _scoped(self, node: ast.AST, name: str) -> ast.AST:
        self.stack.append(name)
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.prose.add(id(body[0].value))  # a docstring
        # Annotations and decorators' keyword titles are not the verdict: visit the body, arguments' defaults,
        # and decorator calls only.
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.decorator_list = [self.visit(d) for d in node.decorator_list]
            node.args.defaults = [self.visit(d) for d in node.args.defaults]
            node.args.kw_defaults = [d if d is None else self.visit(d) for d in node.args.kw_defaults]
            node.body = self._statements(node.body)
        elif isinstance(node, ast.ClassDef):
            node.decorator_list = [self.visit(d) for d in node.decorator_list]
            node.body = self._statements(node.body)
        else:
            self.generic_visit(node)
        self.stack.pop()
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._scoped(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._scoped(node, node.name)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return self._scoped(node, "<lambda>")

    def visit_Module(self, node: ast.Module) -> ast.AST:
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            self.prose.add(id(node.body[0].value))
        node.body = self._statements(node.body)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST:
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        for value in node.values:
            if isinstance(value, ast.Constant):
                self.prose.add(id(value))
        self.generic_visit(node)
        return node

    def _site(self, node: ast.AST, kind: str, mutated: ast.AST) -> ast.AST:
        """Record a possible change at ``node``; return ``mutated`` if it is the one to apply."""
        if not self._allowed():
            return node
        index = len(self.found)
        self.found.append((getattr(node, "lineno", 0), ".".join(self.stack) or "<module>", kind, _short(node),
                           _short(mutated)))
        if index == self.target:
            return ast.copy_location(mutated, node)
        return node

    def _statements(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out = []
        for statement in body:
            out.append(self._statement(statement))
        return out

    def _statement(self, statement: ast.stmt) -> ast.stmt:
        # A statement that only calls something (problems.append(...), a check registered by a builder...):
        # removed. Docstrings are not calls.
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            replaced = self._site(statement, "remove", ast.Pass())
            if replaced is not statement:
                return replaced
        visited = self.visit(statement)
        return visited

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for name, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, name, self._statements(value))
            elif isinstance(value, list):
                setattr(node, name, [self.visit(v) if isinstance(v, ast.AST) else v for v in value])
            elif isinstance(value, ast.AST):
                setattr(node, name, self.visit(value))
        return node

    # The mutations.

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        node = self.generic_visit(node)
        for i, op in enumerate(node.ops):
            flipped = COMPARE.get(type(op))
            if flipped is not None:
                mutated = copy.copy(node)
                mutated.ops = [*node.ops[:i], flipped(), *node.ops[i + 1:]]
                result = self._site(node, "compare", mutated)
                if result is not node:
                    return result
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        node = self.generic_visit(node)
        mutated = ast.BoolOp(op=ast.Or() if isinstance(node.op, ast.And) else ast.And(), values=node.values)
        return self._site(node, "boolean", mutated)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        node = self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return self._site(node, "not", node.operand)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.generic_visit(node)
        swapped = BINOPS.get(type(node.op))
        if swapped is None or (isinstance(node.op, ast.Add) and _is_text(node)):
            return node
        return self._site(node, "arithmetic", ast.BinOp(left=node.left, op=swapped(), right=node.right))

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if id(node) in self.prose:
            return node
        if isinstance(value, bool):
            return self._site(node, "constant", ast.Constant(not value))
        if isinstance(value, (int, float)):
            for changed in (value + 1, value - 1):
                result = self._site(node, "number", ast.Constant(changed))
                if result is not node:
                    return result
            return node
        if isinstance(value, str) and not any(c.isspace() for c in value):
            return self._site(node, "string", ast.Constant(f"XX{value}XX"))
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in NAMES:
            return self._site(node, "name", ast.Name(id=NAMES[node.id], ctx=ast.Load()))
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        node = self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and node.attr in METHODS:
            return self._site(node, "method", ast.Attribute(value=node.value, attr=METHODS[node.attr], ctx=ast.Load()))
        return node

    def visit_Break(self, node: ast.Break) -> ast.AST:
        return self._site(node, "loop", ast.Continue())

    def visit_Continue(self, node: ast.Continue) -> ast.AST:
        return self._site(node, "loop", ast.Break())


def _is_text(node: ast.BinOp) -> bool:
    return any(isinstance(side, (ast.JoinedStr, ast.Constant)) and isinstance(getattr(side, "value", ""), str)
               for side in (node.left, node.right))


def mutants(module: Module) -> list[Mutant]:
    tree = ast.parse((ROOT / module.path).read_text(encoding="utf-8"))
    mutator = _Mutator(module)
    mutator.visit(tree)
    seen: Counter[str] = Counter()
    found = []
    for index, (line, qualname, kind, before, after) in enumerate(mutator.found):
        key = f"{module.path}::{qualname}::{kind} `{before}` -> `{after}`"
        seen[key] += 1
        if seen[key] > 1:
            key += f" #{seen[key]}"
        found.append(Mutant(module.path, index, line, qualname, kind, before, after, key))
    return found


def mutated_code(module: Module, index: int):
    tree = ast.parse((ROOT / module.path).read_text(encoding="utf-8"))
    _Mutator(module, index).visit(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, str(ROOT / module.path), "exec")


# --- running ---------------------------------------------------------------------------------------


class _Serve(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves one module's mutated code in place of its file."""

    def __init__(self, path: str, code) -> None:
        self.file = ROOT / path
        self.name = ".".join(Path(path).with_suffix("").parts).removesuffix(".__init__")
        self.package = self.file.name == "__init__.py"
        self.code = code

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        locations = [str(self.file.parent)] if self.package else None
        return importlib.util.spec_from_file_location(fullname, self.file, loader=self,
                                                      submodule_search_locations=locations)

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        exec(self.code, module.__dict__)


def _child(module: Module, index: int | None, stage: tuple[str, ...]) -> None:
    """In the forked child: serve the mutant, run the stage's tests, exit 0 if they all pass."""
    try:
        if index is not None:
            sys.meta_path.insert(0, _Serve(module.path, mutated_code(module, index)))
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        # No plugins from entry points (anyio's alone costs 0.4 s per child), no assertion rewriting: a mutant
        # needs a verdict, not a report. Stop at the first failure.
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        import pytest

        code = pytest.main(["-x", "-q", "--assert=plain", "-p", "no:cacheprovider", "-o", "addopts=",
                            "--no-header", "-W", "ignore", *stage], plugins=[])
        os._exit(0 if code == 0 else 1)
    except BaseException:  # a mutant that cannot even load is killed
        os._exit(1)


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed | timeout | survived
    stage: int = 0
    seconds: float = 0.0


@dataclass
class _Running:
    pid: int
    started: float
    deadline: float
    work: tuple = field(default_factory=tuple)


def _fork(module: Module, index: int | None, stage: tuple[str, ...]) -> int:
    pid = os.fork()
    if pid == 0:
        _child(module, index, stage)
    return pid


def run(module: Module, selected: list[Mutant], workers: int, log) -> list[Outcome]:
    """Run every selected mutant through the module's stages; a survivor of one stage goes on to the next."""
    baseline = []
    for stage in module.stages:  # the tests must pass on the unmutated code, and tell how long they take
        started = time.monotonic()
        pid = _fork(module, None, stage)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{module.path}: the tests {' '.join(stage)} fail without any mutant")
        baseline.append(time.monotonic() - started)
    queue = [(m, 0) for m in selected]
    running: dict[int, _Running] = {}
    outcomes: list[Outcome] = []
    while queue or running:
        while queue and len(running) < workers:
            mutant, stage = queue.pop(0)
            pid = _fork(module, mutant.index, module.stages[stage])
            now = time.monotonic()
            running[pid] = _Running(pid, now, now + 10 + 5 * baseline[stage], (mutant, stage))
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.monotonic()
            for job in list(running.values()):
                if now > job.deadline:
                    os.kill(job.pid, signal.SIGKILL)
                    os.waitpid(job.pid, 0)
                    del running[job.pid]
                    outcomes.append(Outcome(job.work[0], "timeout", job.work[1], now - job.started))
                    log(outcomes[-1])
            select.select([], [], [], 0.02)
            continue
        job = running.pop(pid)
        mutant, stage = job.work
        seconds = time.monotonic() - job.started
        if os.waitstatus_to_exitcode(status) != 0:
            outcomes.append(Outcome(mutant, "killed", stage, seconds))
        elif stage + 1 < len(module.stages):
            queue.append((mutant, stage + 1))
            continue
        else:
            outcomes.append(Outcome(mutant, "survived", stage, seconds))
        log(outcomes[-1])
    return sorted(outcomes, key=lambda o: o.mutant.index)


def equivalents() -> dict[str, str]:
    """The survivors that change no verdict: key -> the one-line reason."""
    listed = {}
    if EQUIVALENTS.exists():
        for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, reason = line.partition(" | ")
                listed[key.strip()] = reason.strip()
    return listed


def _preload() -> None:
    """Import what every child needs before forking, so each child starts at once."""
    import botocore.config  # noqa: F401
    import botocore.loaders  # noqa: F401
    import botocore.session  # noqa: F401
    import hypothesis  # noqa: F401
    import pytest  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="modules to mutate (default: every module in MODULES)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the mutants, do not run them")
    parser.add_argument("--json", help="write every outcome to this file")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    by_path = {m.path: m for m in MODULES}
    unknown = [p for p in args.paths if p not in by_path]
    if unknown:
        parser.error(f"not in MODULES: {', '.join(unknown)} (known: {', '.join(by_path)})")
    modules = [by_path[p] for p in args.paths] if args.paths else MODULES
    if args.list:
        for module in modules:
            for mutant in mutants(module):
                print(f"{mutant.line:4} {mutant.key}")
        return 0
    _preload()
    listed = equivalents()
    started = time.monotonic()
    results: list[Outcome] = []
    for module in modules:
        found = mutants(module)
        module_started = time.monotonic()

        def log(outcome: Outcome) -> None:
            if outcome.status == "survived":
                mark = "equivalent" if outcome.mutant.key in listed else "SURVIVED"
                print(f"  {mark}: line {outcome.mutant.line}: {outcome.mutant.key}", flush=True)

        print(f"{module.path}: {len(found)} mutants", flush=True)
        outcomes = run(module, found, args.workers, log)
        results += outcomes
        killed = sum(o.status != "survived" for o in outcomes)
        print(f"  killed {killed}/{len(outcomes)} in {time.monotonic() - module_started:.0f} s", flush=True)
    survived = [o for o in results if o.status == "survived"]
    equivalent = [o for o in survived if o.mutant.key in listed]
    missing = [o for o in survived if o.mutant.key not in listed]
    total, killed = len(results), len(results) - len(survived)
    stale = sorted(set(listed) - {o.mutant.key for o in survived}) if not args.paths else []
    checks = [o for o in results if o.mutant.path.startswith("checks/")]
    checks_killed = sum(o.status != "survived" for o in checks)
    print(f"\n{total} mutants, {killed} killed ({100 * killed / max(total, 1):.1f} %), {len(equivalent)} survivors "
          f"listed as equivalent, {len(missing)} other survivors, {time.monotonic() - started:.0f} s")
    if checks:
        print(f"checks/: {len(checks)} mutants, {checks_killed} killed ({100 * checks_killed / len(checks):.1f} %)")
    for key in stale:
        print(f"listed as equivalent but killed or gone: {key}")
    if args.json:
        Path(args.json).write_text(json.dumps([
            {"key": o.mutant.key, "line": o.mutant.line, "status": o.status, "stage": o.stage,
             "seconds": round(o.seconds, 2), "equivalent": o.mutant.key in listed} for o in results], indent=1))
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
