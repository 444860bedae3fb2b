"""The local core for Greengrass V1 groups: config.json, group discovery, deployments, the run loop."""
