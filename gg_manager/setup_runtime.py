"""One-time runtime setup after install (run by `make install`).

DLR 1.6 asks to "phone home" on first import unless its counter config says
no; this machine (and many edge sites) has no internet, so switch it off.
"""
import importlib.util
import json
import os


def disable_dlr_phone_home() -> None:
    spec = importlib.util.find_spec("dlr")
    if spec is None or not spec.submodule_search_locations:
        return
    folder = os.path.join(list(spec.submodule_search_locations)[0], "counter")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "ccm_config.json"), "w") as f:
        json.dump({"enable_phone_home": False}, f)


if __name__ == "__main__":
    disable_dlr_phone_home()
