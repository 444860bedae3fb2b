"""gg: declarative GitOps deployment manager for AWS IoT Greengrass V1 edge ML."""

__version__ = "0.1.0"
