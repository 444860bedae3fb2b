"""Core provisioning pieces as pure functions: keys and CSRs, config.json, policies."""
