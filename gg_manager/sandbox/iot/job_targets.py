"""Which things a job's targets reach: a thing, or a thing group's things (child groups included). No moto."""


def _group_by_name(backend, name):
    for group in backend.thing_groups.values():
        if group.thing_group_name == name:
            return group
    return None


def _descendants(backend, name):
    found, todo = [], [name]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(g.thing_group_name for g in backend.thing_groups.values() if g.parent_group_name == current)
    return found


def members(backend, target_arn):
    """[(thing arn, thing name)] a target reaches now: the thing itself, or a group's things (child groups too)."""
    resource = target_arn.split(":", 5)[-1]
    kind, _, name = resource.partition("/")
    if kind == "thing":
        return [(target_arn, name)]
    found = []
    for group_name in _descendants(backend, name) if kind == "thinggroup" else []:
        group = _group_by_name(backend, group_name)
        for thing in (group.things.values() if group else ()):
            found.append((thing.arn, thing.thing_name))
    return found


def reaches(backend, job, thing_name):
    return any(name == thing_name for target in job.targets for _, name in members(backend, target))
