"""Greengrass V2 target: the same greengrass.yaml as components, deployments and client devices.

The modules here are pure translations (plain values in, AWS request shapes out,
no AWS calls); lower/discover/diff/deploy build on them.
"""
