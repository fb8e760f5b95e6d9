"""The left menu: assembled by access.menu from the apps' declarations (kept here for the shell's context
processor and callers that know it by this name)."""

from access.menu import build, entries  # noqa: F401
