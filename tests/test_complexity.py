"""No function of the plan engine, the resources, the targets or the workflow has a cyclomatic
complexity over 15 (McCabe's count: 1 + each branch, loop, handler, boolean operator and
comprehension condition), so each stays small enough to read and to test alone."""
import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKED = ("gg_manager/plan", "gg_manager/resources", "gg_manager/targets", "gg_manager/workflow.py",
           "gg_manager/locking.py", "gg_manager/commands")
LIMIT = 15
BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.IfExp, ast.Assert, ast.With,
            ast.AsyncWith)


def complexity(function):
    count = 1
    for node in ast.walk(function):
        if node is not function and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, BRANCHES):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
    return count


def functions(path):
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def python_files():
    for entry in CHECKED:
        path = os.path.join(ROOT, entry)
        if path.endswith(".py"):
            yield path
            continue
        for folder, _, files in os.walk(path):
            yield from (os.path.join(folder, f) for f in files if f.endswith(".py"))


def test_no_function_over_the_limit():
    over = ["%s:%d %s (%d)" % (os.path.relpath(path, ROOT), fn.lineno, fn.name, complexity(fn))
            for path in python_files() for fn in functions(path) if complexity(fn) > LIMIT]
    assert over == []


def test_the_count_sees_branches():
    fn = ast.parse("def f(a):\n    if a and a > 1:\n        return [x for x in a if x]\n    return 0\n").body[0]
    assert complexity(fn) == 1 + 1 + 1 + 2
