"""Requests on an approved project: 撤销, 变更, 资金替换/追加/回收, 结项 (the lifecycle work fills this in)."""
