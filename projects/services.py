"""Writes of 采购项目立项 (the projects work fills this in)."""
