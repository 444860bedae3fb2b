"""Sub-commands of the gg CLI, one module each."""
