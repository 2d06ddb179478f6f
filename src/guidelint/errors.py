"""Errors that stop a run before any file is checked (exit code 2)."""
from __future__ import annotations


class ConfigError(Exception):
    """A usage, config, schema or rules-data problem; the message names the file and line when known."""
