"""Per-group locks held in AWS (a DynamoDB table), so two pipelines never interleave on a group.

Nothing lives on the runner's disk: a lock is an item {lock, owner, purpose, since,
expires_at} written with a conditional put, refreshed while held, and released
by its owner. An expired lock (its holder died) can be taken over; `gg unlock`
removes one by hand.
"""
import contextlib
import getpass
import os
import re
import socket
import threading
import time
import uuid

from gg_manager.aws.session import error_code
from gg_manager.errors import GGError

TABLE = "gg-locks"
DEFAULT_TTL_S = 900


def owner_id():
    """Who holds a lock: user@host, the CI run when there is one, and a unique token."""
    who = "%s@%s" % (_user(), socket.gethostname())
    for var in ("GITHUB_RUN_ID", "CI_PIPELINE_ID", "BUILD_ID", "BUILDKITE_BUILD_ID"):
        if os.environ.get(var):
            who += " %s=%s" % (var, os.environ[var])
    return "%s pid %d [%s]" % (who, os.getpid(), uuid.uuid4().hex[:8])


def _dead_local_owner(owner):
    """True when `owner` names a process on this host that no longer runs."""
    match = re.search(r"@(\S+?)(?: \S+=\S+)* pid (\d+) \[", owner or "")
    if not match or match.group(1) != socket.gethostname():
        return False
    try:
        os.kill(int(match.group(2)), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _user():
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def lock_key(group):
    return "group:" + group


def ensure_table(ctx):
    ddb = ctx.client("dynamodb")
    try:
        ddb.describe_table(TableName=TABLE)
        return
    except Exception as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
    try:
        ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "lock", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "lock", "AttributeType": "S"}],
                         Tags=[{"Key": "gg:managed-by", "Value": "gg"}])
    except Exception as exc:
        if error_code(exc) != "ResourceInUseException":   # created by a concurrent run
            raise
    ddb.get_waiter("table_exists").wait(TableName=TABLE, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def describe(item):
    return "%s (%s) since %s, expires %s" % (
        item.get("owner", {}).get("S", "?"), item.get("purpose", {}).get("S", "?"),
        _clock(item.get("since", {}).get("N")), _clock(item.get("expires_at", {}).get("N")))


def _clock(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(int(epoch))) if epoch else "?"


class GroupLocks:
    """Hold the locks of `groups` (sorted, so two runs never deadlock) until release()."""

    def __init__(self, ctx, groups, purpose, wait_s=0, ttl_s=DEFAULT_TTL_S, out=None):
        self.ctx, self.groups, self.purpose = ctx, sorted(set(groups)), purpose
        self.wait_s, self.ttl_s, self.out = wait_s, ttl_s, out
        self.owner = owner_id()
        self.held = []
        self._stop = threading.Event()
        self._heartbeat = None

    def acquire(self):
        ensure_table(self.ctx)
        deadline = time.monotonic() + self.wait_s
        announced = set()
        try:
            for group in self.groups:
                while not self._try(group):
                    if self._take_over_dead(group):
                        continue
                    holder = self._holder(group)
                    if time.monotonic() >= deadline:
                        raise GGError("group %s is locked by %s; try again later, or run `gg unlock "
                                      "--group %s` if that run is dead" % (group, holder, group))
                    if group not in announced and self.out:
                        self.out.write("waiting for the lock of group %s, held by %s\n" % (group, holder))
                        announced.add(group)
                    time.sleep(min(2.0, max(0.1, deadline - time.monotonic())))
                self.held.append(group)
        except BaseException:
            self.release()
            raise
        self._heartbeat = threading.Thread(target=self._refresh, daemon=True)
        self._heartbeat.start()
        return self

    def _try(self, group):
        now = int(time.time())
        try:
            self.ctx.client("dynamodb").put_item(
                TableName=TABLE,
                Item={"lock": {"S": lock_key(group)}, "owner": {"S": self.owner},
                      "purpose": {"S": self.purpose}, "since": {"N": str(now)},
                      "expires_at": {"N": str(now + self.ttl_s)}},
                ConditionExpression="attribute_not_exists(#l) OR expires_at < :now",
                ExpressionAttributeNames={"#l": "lock"},
                ExpressionAttributeValues={":now": {"N": str(now)}})
            return True
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise

    def _take_over_dead(self, group):
        """A lock left by a process of this host that has died is removed (once)."""
        item = self.ctx.client("dynamodb").get_item(TableName=TABLE, Key={"lock": {"S": lock_key(group)}},
                                                    ConsistentRead=True).get("Item")
        owner = (item or {}).get("owner", {}).get("S")
        if not owner or not _dead_local_owner(owner):
            return False
        try:
            self.ctx.client("dynamodb").delete_item(
                TableName=TABLE, Key={"lock": {"S": lock_key(group)}}, ConditionExpression="#o = :dead",
                ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":dead": {"S": owner}})
        except Exception as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
        if self.out:
            self.out.write("group %s: removed the lock of %s, a process here that has died\n" % (group, owner))
        return True

    def _holder(self, group):
        item = self.ctx.client("dynamodb").get_item(TableName=TABLE, Key={"lock": {"S": lock_key(group)}},
                                                    ConsistentRead=True).get("Item")
        return describe(item) if item else "(released just now)"

    def _refresh(self):
        while not self._stop.wait(self.ttl_s / 3.0):
            for group in list(self.held):
                try:
                    self.ctx.client("dynamodb").update_item(
                        TableName=TABLE, Key={"lock": {"S": lock_key(group)}},
                        UpdateExpression="SET expires_at = :e",
                        ConditionExpression="#o = :me", ExpressionAttributeNames={"#o": "owner"},
                        ExpressionAttributeValues={":e": {"N": str(int(time.time()) + self.ttl_s)},
                                                   ":me": {"S": self.owner}})
                except Exception:   # lost or unreachable: the run's own calls will tell
                    pass

    def release(self):
        self._stop.set()
        for group in reversed(self.held):
            try:
                self.ctx.client("dynamodb").delete_item(
                    TableName=TABLE, Key={"lock": {"S": lock_key(group)}},
                    ConditionExpression="#o = :me", ExpressionAttributeNames={"#o": "owner"},
                    ExpressionAttributeValues={":me": {"S": self.owner}})
            except Exception as exc:   # the work is done; a lock left behind expires or is taken over
                if error_code(exc) != "ConditionalCheckFailedException" and self.out:
                    self.out.write("warning: could not release the lock of group %s (%s); it expires in "
                                   "%ds, or run `gg unlock --group %s`\n" % (group, exc, self.ttl_s, group))
        self.held = []


@contextlib.contextmanager
def held_locks(ctx, groups, purpose, wait_s=0, ttl_s=DEFAULT_TTL_S, out=None):
    locks = GroupLocks(ctx, groups, purpose, wait_s, ttl_s, out).acquire()
    try:
        yield locks
    finally:
        locks.release()


def list_locks(ctx):
    ddb = ctx.client("dynamodb")
    try:
        items = ddb.scan(TableName=TABLE, ConsistentRead=True).get("Items", [])
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return []
        raise
    return sorted(items, key=lambda i: i["lock"]["S"])


def force_unlock(ctx, group):
    """Remove a group's lock whoever holds it; True if there was one."""
    ddb = ctx.client("dynamodb")
    try:
        old = ddb.delete_item(TableName=TABLE, Key={"lock": {"S": lock_key(group)}},
                              ReturnValues="ALL_OLD").get("Attributes")
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return False
        raise
    return bool(old)
