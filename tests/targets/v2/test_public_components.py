"""The pinned AWS components form one release that resolves together."""
import re

from gg_manager.targets.v2 import public_components as pc

SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def test_every_pin_is_an_exact_version():
    assert all(SEMVER.match(pin.version) for pin in pc.PINS.values())
    assert all(pin.source in ("docs", "unverified") for pin in pc.PINS.values())


def test_documented_nucleus_ranges_admit_the_pinned_nucleus():
    assert pc.incompatible_with_nucleus() == []


def test_an_incompatible_nucleus_is_detected():
    # LambdaManager 2.3.7 and LegacySubscriptionRouter 2.1.15 document nucleus < 2.17.0
    assert pc.incompatible_with_nucleus("2.17.0") == [pc.LAMBDA_MANAGER, pc.SUBSCRIPTION_ROUTER]
    assert pc.incompatible_with_nucleus("1.9.0") == [pc.LAMBDA_MANAGER, pc.SUBSCRIPTION_ROUTER]


def test_router_is_new_enough_for_component_names():
    major, minor, _ = (int(p) for p in pc.pinned_version(pc.SUBSCRIPTION_ROUTER).split("."))
    assert (major, minor) >= (2, 1)


def test_components_a_lambda_app_needs_are_pinned():
    for name in (pc.NUCLEUS, pc.LAMBDA_LAUNCHER, pc.LAMBDA_MANAGER, pc.LAMBDA_RUNTIMES,
                 pc.TOKEN_EXCHANGE, pc.SUBSCRIPTION_ROUTER, pc.LOG_MANAGER, pc.SHADOW_MANAGER,
                 pc.CLIENT_DEVICE_AUTH, pc.MOQUETTE, pc.MQTT_BRIDGE):
        assert pc.is_public(name) and pc.pinned_version(name)
    assert not pc.is_public("gg.model.classifier")
