"""ListThingGroups and ListThingGroupsForThing in time linear in the account's thing groups.

moto lists the groups under each group by scanning every group (and checks the parent
exists by scanning again), so one ListThingGroups, or one ListThingGroupsForThing (built on
it), costs O(groups^2): at 1000 groups a no-op plan spent most of its sandbox time there.
These answer the same groups in the same order (breadth first from the top-level groups,
then the name prefix filter) from one index of each group's children.
"""
from moto.iot.exceptions import ResourceNotFoundException
from moto.iot.models import IoTBackend


def list_thing_groups(self, parent_group, name_prefix_filter, recursive):
    children = {}
    for group in self.thing_groups.values():
        children.setdefault(group.parent_group_name, []).append(group)
    if parent_group and not any(g.thing_group_name == parent_group for g in self.thing_groups.values()):
        raise ResourceNotFoundException()
    found = list(children.get(parent_group, ()))
    if recursive is None or recursive:
        for group in found:                 # the list grows as it is read: breadth first
            found.extend(children.get(group.thing_group_name, ()))
    prefix = name_prefix_filter or ""
    return [g for g in found if g.thing_group_name.startswith(prefix)]


def list_thing_groups_for_thing(self, thing_name):
    thing = self.describe_thing(thing_name)
    return [{"groupName": g.thing_group_name, "groupArn": g.arn}
            for g in self.list_thing_groups(None, None, None) if thing.arn in g.things]


def install():
    if getattr(IoTBackend.list_thing_groups, "_gg_sandbox", False):
        return
    list_thing_groups._gg_sandbox = True
    IoTBackend.list_thing_groups = list_thing_groups
    IoTBackend.list_thing_groups_for_thing = list_thing_groups_for_thing
