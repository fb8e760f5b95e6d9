"""Kept for callers not yet on the kit: the one handler of engine buttons is workflow.kit.actions.handle."""

from .kit.actions import DONE
from .kit.actions import handle as handle_action

__all__ = ["DONE", "handle_action"]
