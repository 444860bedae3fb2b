"""Greengrass V2 translation tests: pure, no AWS; v2_shapes importable by name."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
