"""Talking to AWS (or any endpoint speaking its protocol, such as the sandbox)."""
