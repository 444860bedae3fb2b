"""Per-group locks held in AWS (a DynamoDB table), so two pipelines never interleave on a group.

Nothing lives on the runner's disk: a lock is an item {lock, owner, purpose, since,
expires_at}. Locks are taken a hundred at a time in one conditional transaction (all or
none of a batch; batches in name order, so two runs never deadlock), refreshed by a
heartbeat while held, and released by their owner. An owner is a random token plus who
it is (user@host, the CI run): two containers may share a host name and a PID, never a
token. A lock is taken over only once it has expired (its holder stopped refreshing it);
`gg unlock` removes one by hand.
"""
import contextlib
import getpass
import os
import socket
import threading
import time
import uuid

from gg_manager.aws.errors import error_code
from gg_manager.errors import GGError

TABLE = "gg-locks"
DEFAULT_TTL_S = 900
BATCH = 100                       # items in one TransactWriteItems (the DynamoDB limit)


def owner_id():
    """Who holds a lock: user@host, the CI run when there is one, and a token no one else has."""
    who = "%s@%s" % (_user(), socket.gethostname())
    for var in ("GITHUB_RUN_ID", "CI_PIPELINE_ID", "BUILD_ID", "BUILDKITE_BUILD_ID"):
        if os.environ.get(var):
            who += " %s=%s" % (var, os.environ[var])
    return "%s [%s]" % (who, uuid.uuid4().hex)


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


def _batches(items):
    return [items[i:i + BATCH] for i in range(0, len(items), BATCH)]


class GroupLocks:
    """Hold the locks of `groups` until release()."""

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
            for batch in _batches(self.groups):
                while True:
                    blocked = self._take(batch)
                    if not blocked:
                        break
                    group, holder = blocked
                    if time.monotonic() >= deadline:
                        raise GGError("group %s is locked by %s; try again later, or run `gg unlock "
                                      "--group %s` if that run is dead" % (group, holder, group))
                    if group not in announced and self.out:
                        self.out.write("waiting for the lock of group %s, held by %s\n" % (group, holder))
                        announced.add(group)
                    time.sleep(min(2.0, max(0.1, deadline - time.monotonic())))
                self.held += batch
        except BaseException:
            self.release()
            raise
        self._heartbeat = threading.Thread(target=self._refresh, daemon=True)
        self._heartbeat.start()
        return self

    def _take(self, batch):
        """Lock every group of `batch`, or none; None on success, else (a group, who holds it)."""
        now = int(time.time())
        items = [{"Update": {
            "TableName": TABLE, "Key": {"lock": {"S": lock_key(g)}},
            "UpdateExpression": "SET #o = :me, purpose = :p, since = :now, expires_at = :e",
            "ConditionExpression": "attribute_not_exists(#o) OR expires_at < :now",
            "ExpressionAttributeNames": {"#o": "owner"},
            "ExpressionAttributeValues": {":me": {"S": self.owner}, ":p": {"S": self.purpose},
                                          ":now": {"N": str(now)}, ":e": {"N": str(now + self.ttl_s)}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}} for g in batch]
        try:
            self.ctx.client("dynamodb").transact_write_items(TransactItems=items)
            return None
        except Exception as exc:
            if error_code(exc) not in ("TransactionCanceledException", "TransactionConflictException"):
                raise
            reasons = getattr(exc, "response", {}).get("CancellationReasons") or []
        for group, reason in zip(batch, reasons):
            if reason.get("Code") == "ConditionalCheckFailed":
                return group, describe(reason.get("Item") or {}) if reason.get("Item") else "another run"
        return batch[0], "another run (busy)"

    def _mine(self, group):
        """The parts of a transaction item that act on `group`'s lock only while it is ours."""
        return {"TableName": TABLE, "Key": {"lock": {"S": lock_key(group)}}, "ConditionExpression": "#o = :me",
                "ExpressionAttributeNames": {"#o": "owner"}, "ExpressionAttributeValues": {":me": {"S": self.owner}}}

    def _refresh(self):
        while not self._stop.wait(self.ttl_s / 3.0):
            for batch in _batches(list(self.held)):
                items = []
                for group in batch:
                    op = self._mine(group)
                    op["UpdateExpression"] = "SET expires_at = :e"
                    op["ExpressionAttributeValues"][":e"] = {"N": str(int(time.time()) + self.ttl_s)}
                    items.append({"Update": op})
                try:
                    self.ctx.client("dynamodb").transact_write_items(TransactItems=items)
                except Exception:   # lost or unreachable: the run's own calls will tell
                    pass

    def release(self):
        self._stop.set()
        for batch in _batches(list(self.held)):
            try:
                self.ctx.client("dynamodb").transact_write_items(
                    TransactItems=[{"Delete": self._mine(group)} for group in batch])
            except Exception as exc:   # one lock of the batch is no longer ours: release the others
                if error_code(exc) == "TransactionCanceledException":
                    self._release_one_by_one(batch)
                else:
                    self._warn(batch, exc)
        self.held = []

    def _release_one_by_one(self, batch):
        for group in batch:
            try:
                self.ctx.client("dynamodb").delete_item(**self._mine(group))
            except Exception as exc:
                if error_code(exc) != "ConditionalCheckFailedException":
                    self._warn([group], exc)

    def _warn(self, groups, exc):
        """The work is done; a lock left behind expires, or `gg unlock` removes it."""
        for group in groups if self.out else ():
            self.out.write("warning: could not release the lock of group %s (%s); it expires in "
                           "%ds, or run `gg unlock --group %s`\n" % (group, exc, self.ttl_s, group))


@contextlib.contextmanager
def held_locks(ctx, groups, purpose, wait_s=0, ttl_s=DEFAULT_TTL_S, out=None):
    locks = GroupLocks(ctx, groups, purpose, wait_s, ttl_s, out).acquire()
    try:
        yield locks
    finally:
        locks.release()


def list_locks(ctx):
    ddb = ctx.client("dynamodb")
    items, start = [], None
    try:
        while True:
            page = ddb.scan(TableName=TABLE, ConsistentRead=True, **({"ExclusiveStartKey": start} if start else {}))
            items += page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if not start:
                break
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
