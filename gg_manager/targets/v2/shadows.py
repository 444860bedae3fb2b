"""SyncShadow on Greengrass V2: aws.greengrass.ShadowManager's `synchronize` configuration.

V1's `SyncShadow: true` on the core (or a device) syncs its classic shadow
with AWS IoT Core. On V2 shadow manager does it when its configuration lists
the thing: the core as `coreThing`, client devices in `shadowDocuments`.
Named shadows are not a V1 feature, so none are listed.
"""
from typing import Iterable, Optional


def shadow_manager_configuration(sync_core: bool, synced_devices: Iterable[str] = (),
                                 local_devices: Iterable[str] = ()) -> Optional[dict]:
    """ShadowManager configuration, or None when nothing needs shadow manager.

    `synced_devices`: client devices with SyncShadow; `local_devices`: devices
    whose shadow topics are bridged to it (subscriptions with GGShadowService),
    which need the component but no cloud sync.
    """
    synced = sorted(set(synced_devices))
    if not (sync_core or synced or set(local_devices)):
        return None
    synchronize = {"direction": "betweenDeviceAndCloud",
                   "shadowDocuments": [{"thingName": d, "classic": True, "namedShadows": []}
                                       for d in synced]}
    if sync_core:
        synchronize["coreThing"] = {"classic": True, "namedShadows": []}
    return {"synchronize": synchronize}
