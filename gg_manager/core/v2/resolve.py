"""Which component versions a deployment runs: its root components plus their dependencies.

As the nucleus does: every group this device belongs to contributes its root components
(the deployment's own group with the new versions), each dependent adds a version
requirement on its dependencies, and each component is resolved (by `resolve(name,
{dependent: Requirement})`, the cloud's ResolveComponentCandidates or the local store) to one
version that satisfies all of them. When a component's resolved version changes, the
requirements its old version imposed are dropped. A cycle or an unsatisfiable requirement
fails the deployment with the chain of names that caused it.
"""
import collections
import logging

from .graph import dependency_order
from .semver import Requirement

log = logging.getLogger("gg.core.v2.resolve")


def resolve_components(groups, resolve):
    """groups: {group name: {component: version text}}. Returns ({name: PlatformRecipe}, start order)."""
    constraints = collections.defaultdict(dict)   # name -> {dependent or group: Requirement}
    for group, roots in sorted(groups.items()):
        for name, version in roots.items():
            constraints[name][group] = Requirement("=" + str(version))
    resolved, refs = {}, collections.Counter()
    for target in sorted({n for roots in groups.values() for n in roots}):
        _traverse(target, constraints, resolved, refs, resolve)
    order = dependency_order({name: set(r.dependencies) for name, r in resolved.items()})
    return resolved, order


def _traverse(target, constraints, resolved, refs, resolve):
    queue = collections.deque([target])
    while queue:
        name = queue.popleft()
        recipe = resolve(name, dict(constraints[name]))
        refs[name] += 1
        previous = resolved.get(name)
        resolved[name] = recipe
        if previous is not None and previous.version == recipe.version:
            continue
        if previous is not None:
            log.info("%s resolves to %s now (was %s); dropping what %s required", name, recipe.version,
                     previous.version, previous.id)
            _drop(previous, constraints, resolved, refs)
        for dep in recipe.dependencies.values():
            constraints[dep.name][name] = dep.requirement
            queue.append(dep.name)


def _drop(old, constraints, resolved, refs):
    queue = collections.deque([old])
    while queue:
        gone = queue.popleft()
        for dep in gone.dependencies:
            constraints[dep].pop(gone.name, None)
            if refs.get(dep) == 1:
                del refs[dep]
                removed = resolved.pop(dep, None)
                if removed is not None:
                    queue.append(removed)
            elif dep in refs:
                refs[dep] -= 1
