"""Dependency order of components: dependencies first; a cycle is named, never looped on."""
from .errors import DeploymentError


class CycleError(DeploymentError):
    def __init__(self, cycle):
        super().__init__("circular dependency: %s" % " -> ".join(cycle), "COMPONENT_CIRCULAR_DEPENDENCY_ERROR")
        self.cycle = cycle


def dependency_order(dependencies):
    """dependencies: {name: iterable of names it depends on}. Names every dependency before its
    dependents (names outside the mapping are ignored); ties keep sorted order so runs repeat."""
    order, state = [], {}

    def visit(name, path):
        mark = state.get(name)
        if mark == "done":
            return
        if mark == "visiting":
            raise CycleError(path[path.index(name):])   # path ends with name again
        state[name] = "visiting"
        for dep in sorted(dependencies.get(name) or ()):
            if dep in dependencies:
                visit(dep, path + [dep])
        state[name] = "done"
        order.append(name)

    for name in sorted(dependencies):
        visit(name, [name])
    return order
